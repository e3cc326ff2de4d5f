"""The audit's HTML report: one self-contained file (inline CSS, inline SVG charts, no script).

It opens offline in any browser: summary tables, agreement and overturn-rate charts by topic and by
reviewer specialty, the files that could not be read, and each disagreement with the facts, the
sentences they were read from and the clauses behind the prediction.
"""

from __future__ import annotations

import datetime as dt
import shutil
from html import escape
from typing import IO, Any, Optional

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;border-bottom:2px solid #e3e6ea;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 8px}.meta{color:#5b6472;margin:0 0 18px}
table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums}
th,td{padding:4px 7px;border-bottom:1px solid #e6e8eb;text-align:right;vertical-align:top}
th{background:#f1f3f5;font-weight:600}th:first-child,td:first-child{text-align:left}
td.text{text-align:left}.wide{width:100%}.scroll{overflow-x:auto}.scroll td.text{max-width:300px}table.prose th,table.prose td{text-align:left}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0 6px}
.card{border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}.card span{color:#5b6472;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{flex:1 1 480px}
svg text{font:12px system-ui,sans-serif;fill:#1d2430}svg .muted{fill:#5b6472}
.engine{fill:#2f6fb3}.baseline{fill:#b9c2cc}.actual{fill:#c8553d}.predicted{fill:#e9a38f}
.legend{font-size:12px;color:#5b6472}.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
details{border:1px solid #e3e6ea;border-radius:6px;margin:8px 0;padding:6px 12px}
details[open]{background:#fbfbfc}summary{cursor:pointer;font-weight:600}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;margin-left:6px}
.upheld{background:#e4ecf6;color:#234f80}.overturned{background:#f7e0da;color:#8a3422}
.met{color:#2b7a3d}.not_met{color:#b3261e}.not_documented{color:#9a6700}
blockquote{margin:2px 0 4px 12px;padding:2px 8px;border-left:3px solid #d0d5db;color:#3d4654;font-style:italic}
ul{margin:4px 0 8px 18px;padding:0}code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px}
.note{color:#5b6472;font-size:13px}
"""

_METRICS = (
    ("items", "items", "count"), ("decided", "items decided", "count"), ("coverage", "coverage", "share"),
    ("compared", "decided items with the reviewer's outcome", "count"), ("agreement", "agreement", "share"),
    ("kappa", "Cohen's kappa", "kappa"), ("recall_overturned", "recall on overturned", "share"),
    ("precision_overturned", "precision on overturned", "share"),
)
_BASELINE = {"agreement": "baseline_agreement", "kappa": "baseline_kappa",
             "recall_overturned": "baseline_recall_overturned"}
_CHART_GROUPS = 15


def share_text(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def kappa_text(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def _format(value: Any, kind: str) -> str:
    if kind == "share":
        return share_text(value)
    if kind == "kappa":
        return kappa_text(value)
    return "–" if value is None else str(value)


def _overall(summary: dict[str, Any]) -> str:
    rows = []
    for key, label, kind in _METRICS:
        baseline = summary.get(_BASELINE[key]) if key in _BASELINE else None
        base_text = _format(baseline, kind) if key in _BASELINE else ("n/a" if key == "precision_overturned" else "")
        rows.append(f"<tr><td>{escape(label)}</td><td>{_format(summary[key], kind)}</td><td>{base_text}</td></tr>")
    return ('<table><tr><th>measure</th><th>imr-check</th><th>always “upheld”</th></tr>'
            + "".join(rows) + "</table>")


def _confusion(summary: dict[str, Any]) -> str:
    matrix = summary["confusion"]
    cells = []
    for predicted in ("upheld", "overturned"):
        row = matrix[f"predicted_{predicted}"]
        cells.append(f"<tr><td>predicted {predicted}</td><td>{row['actual_upheld']}</td>"
                     f"<td>{row['actual_overturned']}</td></tr>")
    return ("<table><tr><th></th><th>reviewer upheld</th><th>reviewer overturned</th></tr>"
            + "".join(cells) + "</table>")


def _cards(summary: dict[str, Any]) -> str:
    cards = [
        (str(summary["letters"]), "letters read"), (str(summary["items"]), "disputed items"),
        (share_text(summary["coverage"]), "items decided"), (share_text(summary["agreement"]), "agreement"),
        (share_text(summary["baseline_agreement"]), "always-upheld agreement"), (kappa_text(summary["kappa"]), "Cohen's kappa"),
        (share_text(summary["overturn_rate"]), "reviewers overturned"), (str(summary["errors"]), "files not read"),
    ]
    return '<div class="cards">' + "".join(f"<div class=card><b>{v}</b><span>{escape(k)}</span></div>"
                                           for v, k in cards) + "</div>"


def bar_chart(title: str, rows: list[tuple[str, list[tuple[Optional[float], str, str]]]],
              legend: list[tuple[str, str]], empty: str = "no data") -> str:
    """Horizontal bars on a 0-100% scale: per row a label and one bar per (value, css class, caption)."""
    label_width, bar_width, bar_height, gap = 200, 260, 11, 10
    bars_per_row = max((len(bars) for _, bars in rows), default=1)
    row_height = bars_per_row * (bar_height + 2) + gap
    height = 24 + len(rows) * row_height + 4
    width = label_width + bar_width + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_width + tick * bar_width
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 4}" stroke="#e3e6ea"/>')
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="middle" class="muted">{int(tick * 100)}%</text>')
    for number, (label, bars) in enumerate(rows):
        top = 24 + number * row_height
        middle = top + (bars_per_row * (bar_height + 2)) / 2 + 4
        lines = _label_lines(label)
        first = middle - 7 * (len(lines) - 1)
        spans = "".join(f'<tspan x="{label_width - 8}" y="{first + 14 * n:.1f}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text text-anchor="end"><title>{escape(label)}</title>{spans}</text>')
        if all(value is None for value, _, _ in bars):
            parts.append(f'<text x="{label_width + 4}" y="{middle:.1f}" class="muted">{escape(empty)}</text>')
            continue
        for index, (value, css, caption) in enumerate(bars):
            y = top + index * (bar_height + 2)
            if value is None:
                parts.append(f'<text x="{label_width + 4}" y="{y + bar_height - 1}" class="muted">– {escape(caption)}</text>')
                continue
            length = max(value * bar_width, 1)
            parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" class="{css}">'
                         f'<title>{escape(caption)}: {share_text(value)}</title></rect>')
            parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 1}" class="muted">'
                         f'{share_text(value)}</text>')
    parts.append("</svg>")
    return f'<div class="chart"><h3>{escape(title)}</h3><div class="legend">{_legend(legend)}</div>{"".join(parts)}</div>'


def _label_lines(label: str, width: int = 28) -> list[str]:
    """A chart label on at most two lines, broken between words; the full label is its tooltip."""
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > width // 2 else width
    rest = label[cut:].strip()
    return [label[:cut].rstrip(), rest if len(rest) <= width else rest[:width - 1] + "…"]


_LEGEND_COLOURS = {"engine": "#2f6fb3", "baseline": "#b9c2cc", "actual": "#c8553d", "predicted": "#e9a38f"}


def _legend(legend: list[tuple[str, str]]) -> str:
    return "".join(f'<i style="background:{_LEGEND_COLOURS[css]}"></i>{escape(text)}' for css, text in legend)


def _charts(name: str, groups: dict[str, dict[str, Any]]) -> str:
    shown = list(groups.items())[:_CHART_GROUPS]
    if not shown:
        return '<p class="note">No items.</p>'
    agreement = bar_chart(
        f"Agreement with the reviewers, by {name}",
        [(f"{key} (n={g['compared']})", [(g["agreement"], "engine", "imr-check"),
                                          (g["baseline_agreement"], "baseline", "always upheld")]) for key, g in shown],
        [("engine", "imr-check"), ("baseline", "always “upheld”")],
        "no decided item with the reviewer's outcome",
    )
    overturn = bar_chart(
        f"Overturn rate, by {name}",
        [(f"{key} (n={g['outcomes']})", [(g["overturn_rate"], "actual", "reviewers"),
                                          (g["predicted_overturn_rate"], "predicted", "imr-check")]) for key, g in shown],
        [("actual", "reviewers overturned"), ("predicted", "imr-check predicts overturned")],
        "no outcome and no item decided",
    )
    more = len(groups) - len(shown)
    note = f'<p class="note">The {len(shown)} largest groups; {more} more in the table below.</p>' if more > 0 else ""
    return f'<div class="charts">{agreement}{overturn}</div>{note}'


def _breakdown(name: str, groups: dict[str, dict[str, Any]]) -> str:
    head = ("<tr><th>" + escape(name) + "</th><th>letters</th><th>items</th><th>decided</th><th>coverage</th>"
            "<th>compared</th><th>agreement</th><th>always upheld</th><th>kappa</th><th>overturned</th>"
            "<th>recall ovt.</th><th>precision ovt.</th></tr>")
    rows = []
    for key, g in groups.items():
        rows.append(
            f'<tr><td class="text">{escape(key)}</td><td>{g["letters"]}</td><td>{g["items"]}</td>'
            f'<td>{g["decided"]}</td><td>{share_text(g["coverage"])}</td><td>{g["compared"]}</td>'
            f'<td>{share_text(g["agreement"])}</td><td>{share_text(g["baseline_agreement"])}</td><td>{kappa_text(g["kappa"])}</td>'
            f'<td>{g["overturned"]}/{g["outcomes"]}</td><td>{share_text(g["recall_overturned"])}</td>'
            f'<td>{share_text(g["precision_overturned"])}</td></tr>')
    return '<div class="scroll"><table class="wide">' + head + "".join(rows) + "</table></div>"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def disagreement(detail: dict[str, Any], number: int) -> str:
    """One disagreement: the prediction against the reviewer's outcome, and what led to it."""
    predicted, actual = detail["predicted_outcome"], detail["actual_outcome"]
    parts = [
        f'<details id="d{number}"><summary>{escape(detail["case_id"])} — {escape(detail["item"])}'
        f'<span class="tag {predicted}">imr-check: {predicted}</span>'
        f'<span class="tag {actual}">reviewer: {actual}</span></summary>',
        f'<p><b>{escape(detail["determination"].replace("_", "-"))}</b>: {escape(detail["reason"])}<br>'
        f'<span class="note">topic {escape(detail["topic"] or "not recognised")} · reviewer '
        f'{escape(detail["reviewer_specialty"] or "specialty not stated")} · cited '
        f'{escape(detail["guideline_cited"] or "not stated")} · <code>{escape(detail["source"])}</code></span></p>',
    ]
    if detail["criteria"]:
        rows = []
        for criterion in detail["criteria"]:
            facts = []
            for fact in criterion["facts"]:
                quotes = "".join(f"<blockquote>{escape(sentence)}</blockquote>" for sentence in fact["evidence"])
                facts.append(f'<code>{escape(fact["path"])}</code> = {escape(_value(fact["value"]))}{quotes}')
            facts += [f'<code>{escape(path)}</code> not documented' for path in criterion["missing"]]
            mark = " ◀ decided" if criterion["is_deciding"] else ""
            rows.append(
                f'<tr><td class="text">{escape(criterion["title"])}<br><code>{escape(criterion["rule_id"])}</code></td>'
                f'<td class="text {criterion["status"]}">{escape(criterion["status"].replace("_", " "))}{mark}</td>'
                f'<td class="text">{escape(criterion["explanation"])}</td>'
                f'<td class="text">{"<br>".join(facts) or "–"}</td></tr>')
        parts.append('<table class="wide prose"><tr><th>criterion</th><th>result</th><th>why</th><th>facts and where they '
                     "were read</th></tr>" + "".join(rows) + "</table>")
    if detail["clauses"]:
        parts.append("<p><b>Clauses behind the prediction</b></p><ul>" + "".join(
            f'<li><code>{escape(c["id"])}</code> {escape(c["title"])} — {escape(c["source"])}, {escape(c["citation"])}</li>'
            for c in detail["clauses"]) + "</ul>")
    if detail["missing_documentation"]:
        parts.append("<p><b>Not documented</b></p><ul>" + "".join(
            f'<li><code>{escape(m["fact"])}</code> {escape(m["description"])}</li>'
            for m in detail["missing_documentation"]) + "</ul>")
    parts.append("</details>\n")
    return "".join(parts)


def write_report(out: IO[str], title: str, summary: dict[str, Any], errors: list[dict[str, str]],
                 disagreements: IO[str], disagreement_count: int) -> None:
    out.write(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
              f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head><body><main>')
    out.write(f"<h1>{escape(title)}</h1><p class=meta>{summary['files']} files: {summary['letters']} letters read, "
              f"{summary['errors']} not read · {summary['items']} disputed items · generated "
              f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')} by imr-check</p>")
    out.write(_cards(summary))
    out.write("<h2>How often the reviewers' outcomes follow the guideline criteria</h2>")
    out.write('<p class="note">A decided item is one the rules certify (predicting overturned) or modify or '
              "non-certify (predicting upheld). Most IMR items are upheld, so the always-“upheld” baseline is "
              "scored beside the rules on the same items; kappa is agreement beyond chance.</p>")
    out.write('<div class="charts"><div>' + _overall(summary) + "</div><div><h3>Confusion matrix</h3>"
              + _confusion(summary) + "</div></div>")
    for key, name in (("by_topic", "topic"), ("by_reviewer_specialty", "reviewer specialty")):
        out.write(f"<h2>By {name}</h2>" + _charts(name, summary[key]) + _breakdown(name, summary[key]))
    out.write("<h2>By guideline cited</h2>" + _breakdown("guideline cited", summary["by_guideline_cited"]))
    out.write(f"<h2>Disagreements ({disagreement_count})</h2>")
    if disagreement_count:
        out.write('<p class="note">Items where the prediction from the guideline criteria differs from the '
                  "reviewer's outcome; open one for the facts, the sentences they were read from and the clauses.</p>")
        shutil.copyfileobj(disagreements, out)
    else:
        out.write('<p class="note">None.</p>')
    out.write(f"<h2>Files not read in full ({len(errors)})</h2>")
    if errors:
        out.write('<table class="wide prose"><tr><th>file</th><th>why</th></tr>' + "".join(
            f'<tr><td class="text"><code>{escape(e["path"])}</code></td><td class="text">{escape(e["message"])}</td></tr>'
            for e in errors) + "</table>")
    else:
        out.write('<p class="note">None.</p>')
    out.write("</main></body></html>\n")
