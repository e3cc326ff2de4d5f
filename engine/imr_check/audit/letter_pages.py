"""One HTML page per letter in the report folder: the letter beside the rules.

Each page shows, for every disputed item, the reviewer's outcome, cited guideline and rationale beside
the rules' determination, criteria and clauses; then the letter's text with every fact's evidence
highlighted and anchored, so a fact in a criterion links to the sentence it was read from.

The letter's text is read again from the input file when the page is written: it goes only into the
user's report folder, never into the project. A case file (.yaml) has no letter text; its page lists
the evidence sentences the case file carries.

Pages are named from the case number and the source path alone (`page_name`), so the main report can
link to a page without knowing in what order, or by what process, the pages were written.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path
from typing import Any, Optional

FOLDER = "letters"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:20px 28px 60px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #e3e6ea;padding-bottom:3px}
.meta,.note{color:#5b6472;font-size:13px}
.sides{display:grid;grid-template-columns:minmax(240px,1fr) minmax(0,2.2fr);gap:16px}
.side{border:1px solid #e3e6ea;border-radius:6px;padding:8px 12px;min-width:0;overflow-x:auto}.side h3{margin:0 0 6px;font-size:14px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{padding:3px 6px;border-bottom:1px solid #e6e8eb;
text-align:left;vertical-align:top}th{background:#f1f3f5}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;margin-left:6px}
.upheld{background:#e4ecf6;color:#234f80}.overturned{background:#f7e0da;color:#8a3422}.none{background:#eee;color:#555}
.met{color:#2b7a3d}.not_met{color:#b3261e}.not_documented{color:#9a6700}
code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px}
.rationale{white-space:pre-wrap;font-size:13px;color:#3d4654;max-height:320px;overflow:auto}
pre.letter{white-space:pre-wrap;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#fbfbfc;
border:1px solid #e3e6ea;padding:10px 14px}
mark{background:#fff1a8;padding:0 1px}span.anchor:target+mark,mark:target{background:#ffb347;outline:2px solid #e08a00}
section.item:target{outline:3px solid #9ab8e0;outline-offset:4px}
"""


def page_name(case_id: str, source: str) -> str:
    """The page's file name: the case number, and a digest of the source path (two files, one case number)."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:10]
    return f"{_UNSAFE.sub('_', case_id or 'case')[:60]}-{digest}.html"


def page_link(case_id: str, source: str, index: Optional[int] = None) -> str:
    """The link from the main report (beside the `letters` folder) to a letter's page, or to one item on it."""
    anchor = f"#item-{index}" if index is not None else ""
    return f"{FOLDER}/{page_name(case_id, source)}{anchor}"


def _letter_text(source: str) -> tuple[Optional[str], Optional[str]]:
    """The normalised text the reader's offsets point into, or why there is none."""
    try:
        from ..reader import letter_text
        from ..reader.text import normalise

        return normalise(letter_text(Path(source))), None
    except Exception as error:  # noqa: BLE001 - the page is still useful without the text
        return None, f"the letter's text could not be read again ({type(error).__name__}: {error})"


def _spans(text: str, evidence: dict[str, list[dict[str, Any]]]) -> dict[tuple[int, int], list[str]]:
    """(start, end) in the text -> the facts read from it; evidence whose offset does not hold is left out."""
    spans: dict[tuple[int, int], list[str]] = {}
    for key, found in evidence.items():
        for item in found:
            offset, sentence = item.get("offset"), item["sentence"]
            if offset is None:
                continue
            end = offset + len(sentence)
            # The reader reads a sentence with its line breaks as spaces (same length).
            if text[offset:end].replace("\n", " ") != sentence:
                continue
            spans.setdefault((offset, end), []).append(key)
    return spans


def anchors(spans: dict[tuple[int, int], list[str]]) -> dict[tuple[int, int], str]:
    """An anchor id per span, numbered in the order of the text."""
    return {span: f"ev-{number}" for number, span in enumerate(sorted(spans), 1)}


def highlighted(text: str, spans: dict[tuple[int, int], list[str]]) -> str:
    """The text, escaped, with each span marked (title: its facts) and an anchor where each span starts."""
    ids = anchors(spans)
    starts: dict[int, list[str]] = {}
    for (start, _), anchor in ids.items():
        starts.setdefault(start, []).append(anchor)
    cuts = sorted({0, len(text)} | {p for span in spans for p in span})
    parts = []
    for left, right in zip(cuts, cuts[1:]):
        parts += [f'<span class="anchor" id="{a}"></span>' for a in starts.get(left, [])]
        covering = [span for span in spans if span[0] <= left and span[1] >= right]
        segment = escape(text[left:right])
        if covering:
            facts = sorted({fact for span in covering for fact in spans[span]})
            parts.append(f'<mark title="{escape(", ".join(facts))}">{segment}</mark>')
        else:
            parts.append(segment)
    return "".join(parts)


def display_value(value: Any) -> str:
    """A fact's value as the report shows it: yes/no, lists joined, whole numbers without '.0'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _outcome_tag(label: str, outcome: Optional[str]) -> str:
    return f'<span class="tag {outcome or "none"}">{escape(label)}: {escape(outcome or "none")}</span>'


def _item(item: dict[str, Any], links: dict[str, list[str]]) -> str:
    reviewer = item["reviewer"]
    agrees = {True: "agrees", False: "disagrees", None: "not compared"}[item["agrees"]]
    parts = [f'<section class="item" id="item-{item["index"]}"><h2>{item["index"] + 1}. {escape(item["item"])}'
             f'{_outcome_tag("reviewer", item["actual_outcome"])}'
             f'{_outcome_tag("rules predict", item["predicted_outcome"])} <span class="note">{agrees}</span></h2>'
             '<div class="sides"><div class="side"><h3>The reviewer</h3>'
             f'<p>Outcome: <b>{escape(reviewer["outcome"] or "not stated")}</b><br>'
             f'Guideline cited: {escape(reviewer["guideline_cited"] or "not stated")}</p>']
    if reviewer["rationale"]:
        parts.append(f'<div class="rationale">{escape(reviewer["rationale"])}</div>')
    else:
        parts.append('<p class="note">No rationale read.</p>')
    parts.append('</div><div class="side"><h3>The rules</h3>'
                 f'<p><b>{escape(item["determination"].replace("_", "-"))}</b>: {escape(item["reason"])}<br>'
                 f'<span class="note">topic {escape(item["topic"] or "not recognised")}'
                 f'{" · " + escape(", ".join(item["guideline_versions"])) if item["guideline_versions"] else ""}'
                 f'{" · basis " + escape(item["basis"]) if item.get("basis") else ""}'
                 '</span></p>')
    if item.get("parts"):
        parts.append("<p><b>Each part, judged by its own rules</b></p><ul>" + "".join(
            f'<li>{escape(part["text"])}: <b>{escape(part["determination"].replace("_", "-"))}</b> — '
            f'{escape(part["reason"])}'
            f'{" (" + escape(", ".join(part["clauses"])) + ")" if part["clauses"] else ""}</li>'
            for part in item["parts"]) + "</ul>")
    if item["criteria"]:
        rows = []
        for criterion in item["criteria"]:
            facts = []
            for fact in criterion["facts"]:
                key = criterion["evidence_keys"].get(fact["path"])
                refs = " ".join(f'<a href="#{a}">[read here]</a>' for a in links.get(key, [])) if key else ""
                facts.append(f'<code>{escape(fact["path"])}</code> = {escape(display_value(fact["value"]))} {refs}')
            stated = set(criterion.get("stated_not_documented", ()))
            facts += [f'<code>{escape(path)}</code> ' + ("stated not documented" if path in stated else "not mentioned")
                      for path in criterion["missing"]]
            mark = " ◀ decided" if criterion["is_deciding"] else ""
            rows.append(f'<tr><td>{escape(criterion["title"])}<br><code>{escape(criterion["rule_id"])}</code></td>'
                        f'<td class="{criterion["status"]}">{escape(criterion["status"].replace("_", " "))}{mark}</td>'
                        f'<td>{escape(criterion["explanation"])}</td><td>{"<br>".join(facts) or "–"}</td></tr>')
        parts.append("<table><tr><th>criterion</th><th>result</th><th>why</th><th>facts</th></tr>"
                     + "".join(rows) + "</table>")
    if item["clauses"]:
        parts.append("<p><b>Clauses</b></p><ul>" + "".join(
            f'<li><code>{escape(c["id"])}</code> {escape(c["title"])} — {escape(c["source"])}, {escape(c["citation"])}</li>'
            for c in item["clauses"]) + "</ul>")
    if item["not_encoded"]:
        parts.append("<p><b>Not encoded in the rule file</b></p><ul>"
                     + "".join(f"<li>{escape(note)}</li>" for note in item["not_encoded"]) + "</ul>")
    parts.append("</div></div></section>")
    return "".join(parts)


def render(letter: dict[str, Any], provenance: dict[str, Any], text: Optional[str] = None,
           text_problem: Optional[str] = None) -> str:
    """A letter's page. `text` is the letter's normalised text (None for a case file, or if unreadable)."""
    spans = _spans(text, letter["evidence"]) if text is not None else {}
    ids = anchors(spans)
    links: dict[str, list[str]] = {}
    for span, keys in sorted(spans.items()):
        for key in keys:
            links.setdefault(key, []).append(ids[span])
    case_id = letter["case_id"]
    out = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(case_id)}</title>'
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head><body><main>',
           f'<p class="meta"><a href="../report.html">← the audit report</a></p><h1>{escape(case_id)}</h1>',
           f'<p class="meta"><code>{escape(letter["source"])}</code> · reviewer '
           f'{escape(letter["reviewer_specialty"] or "specialty not stated")} · IMR decision '
           f'{escape(letter["imr_decision_date"] or "date not read")} · {len(letter["items"])} disputed items</p>',
           f'<p class="meta">imr-check {escape(provenance["imr_check_version"])} · rules '
           f'<code>{escape(provenance["rules_fingerprint"][:19])}</code> · schema {escape(provenance["schema_version"])}'
           f' · generated {escape(provenance["generated_at"])}</p>']
    out += [_item(item, links) for item in letter["items"]]
    out.append('<h2 id="letter">The letter</h2>')
    if text is not None:
        out.append(f'<p class="note">Highlighted: the sentences facts were read from ({len(spans)}); hover for the '
                   "facts, follow a fact's [read here] to its sentence.</p>")
        out.append(f'<pre class="letter">{highlighted(text, spans)}</pre>')
    else:
        if text_problem:
            out.append(f'<p class="note">{escape(text_problem)}</p>')
        elif not letter["is_letter"]:
            out.append('<p class="note">A case file: no letter text. Its evidence sentences:</p>')
        rows = [f'<tr><td><code>{escape(key)}</code></td><td>{escape(e["sentence"])}</td></tr>'
                for key, found in letter["evidence"].items() for e in found]
        if rows:
            out.append("<table><tr><th>fact</th><th>sentence</th></tr>" + "".join(rows) + "</table>")
    out.append("</main></body></html>\n")
    return "".join(out)


def write_page(folder: Path, letter: dict[str, Any], provenance: dict[str, Any]) -> str:
    """Write a letter's page into `folder`; its file name."""
    text, problem = _letter_text(letter["source"]) if letter["is_letter"] else (None, None)
    name = page_name(letter["case_id"], letter["source"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(render(letter, provenance, text, problem), encoding="utf-8")
    return name
