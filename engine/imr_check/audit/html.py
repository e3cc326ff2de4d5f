"""The audit's HTML report: report.html beside a `letters` folder of per-letter pages, all offline.

Inline CSS, inline SVG charts and a few lines of inline script (sorting and filtering the tables),
nothing fetched from anywhere: the folder opens in any browser without a network. It shows each
figure with its 95% interval, the corpus audited (and a warning when its letters built the rules),
overturn rates by group with a test of difference, the alike items reviewers decided differently,
the undetermined items, the documentation most often missing, every item in a table, each
disagreement with its facts and sentences and a link to its letter's page, and the files not read.
"""

from __future__ import annotations

import shutil
from html import escape
from typing import IO, Any, Optional

from .letter_pages import display_value as _value, page_link

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1300px;margin:0 auto;padding:24px 28px 60px;background:#fff}
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
.ci{color:#5b6472;font-size:11px;white-space:nowrap}.small{color:#9a6700;font-size:11px;font-weight:600}
.warning{border:1px solid #e0b252;background:#fff6e0;border-radius:6px;padding:8px 12px;margin:10px 0}
th.sort{cursor:pointer;user-select:none}th.sort:after{content:" ↕";color:#9aa3ad;font-weight:400}
.filters{margin:6px 0;font-size:13px}.filters label{margin-right:12px;white-space:nowrap}
.filters select,.filters input{font-size:13px;max-width:240px}
#items td:first-child{white-space:nowrap}#items td:nth-child(8){overflow-wrap:anywhere;font-size:12px}
.pair{margin:2px 0}.group{border-left:3px solid #c8553d;padding:4px 10px;margin:10px 0}
tr[hidden]{display:none}.nav{font-size:13px;margin:4px 0 10px}
"""

# Sorting by a column (click its heading) and filtering rows (the selects and boxes above a table).
# Plain script, inline: the report must open offline and fetch nothing.
_SCRIPT = r"""
function cellValue(row, column) {
  const cell = row.cells[column]; const text = cell.textContent.trim();
  if (cell.dataset.sort !== undefined) return parseFloat(cell.dataset.sort);
  const first = text.split(" ")[0];  // "12", "45.2%", "3/40": a number first
  return /^-?\d+(\.\d+)?(%|\/\d+)?$/.test(first) ? parseFloat(first) : text.toLowerCase();
}
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.tHead.querySelectorAll("th").forEach(function (th, column) {
    th.classList.add("sort");
    th.addEventListener("click", function () {
      const up = th.dataset.order !== "up"; th.dataset.order = up ? "up" : "down";
      const body = table.tBodies[0]; const rows = Array.from(body.rows);
      rows.sort(function (a, b) {
        const x = cellValue(a, column), y = cellValue(b, column);
        const d = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
function applyFilters(id) {
  const table = document.getElementById(id);
  const selects = document.querySelectorAll('[data-filter="' + id + '"]');
  Array.from(table.tBodies[0].rows).forEach(function (row) {
    row.hidden = !Array.from(selects).every(function (f) {
      if (!f.value) return true;
      if (f.dataset.column === undefined) return row.textContent.toLowerCase().indexOf(f.value.toLowerCase()) >= 0;
      return row.cells[+f.dataset.column].textContent.trim() === f.value;
    });
  });
}
document.querySelectorAll("[data-filter]").forEach(function (f) {
  f.addEventListener("input", function () { applyFilters(f.dataset.filter); });
});
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


def kappa_text(value: Optional[float], compared: Optional[int] = None) -> str:
    """Kappa to two places; "undefined" when items were compared but both sides used one label."""
    if value is None:
        return "undefined" if compared else "–"
    return f"{value:.2f}"


def interval_text(interval: Optional[Any], kind: str = "share") -> str:
    if not interval:
        return ""
    low, high = interval
    if kind == "kappa":
        return f"{low + 0.0:.2f}–{high + 0.0:.2f}".replace("-0.00", "0.00")
    return f"{100 * low:.1f}–{100 * high:.1f}%"


def _with_interval(value: Optional[float], interval: Optional[Any], kind: str = "share",
                   compared: Optional[int] = None) -> str:
    text = kappa_text(value, compared) if kind == "kappa" else share_text(value)
    ci = interval_text(interval, kind)
    return f'{text} <span class="ci">[{ci}]</span>' if ci else text


def _sort_value(value: Optional[float]) -> str:
    return "" if value is None else f' data-sort="{value:.6f}"'


def _small(group: dict[str, Any]) -> str:
    return ' <span class="small" title="fewer than 10 compared items">small</span>' if group.get("is_small") else ""


def _format(value: Any, kind: str) -> str:
    if kind == "share":
        return share_text(value)
    if kind == "kappa":
        return kappa_text(value)
    return "–" if value is None else str(value)


def _overall(summary: dict[str, Any]) -> str:
    rows = []
    compared = summary["compared"]
    for key, label, kind in _METRICS:
        interval = summary.get(f"{key}_interval")
        if kind == "count":
            value = _format(summary[key], kind)
        else:
            value = _with_interval(summary[key], interval, kind, compared)
        if key in _BASELINE:
            base_key = _BASELINE[key]
            base_text = _with_interval(summary.get(base_key), summary.get(f"{base_key}_interval"), kind, compared)
        else:
            base_text = "n/a" if key == "precision_overturned" else ""
        rows.append(f"<tr><td>{escape(label)}</td><td>{value}</td><td>{base_text}</td></tr>")
    return ('<table><thead><tr><th>measure</th><th>imr-check [95% interval]</th><th>always “upheld”</th></tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table>")


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
    def card(value: str, label: str, interval: Any = None, kind: str = "share") -> tuple[str, str]:
        ci = interval_text(interval, kind)
        return (value + (f' <span class="ci">[{ci}]</span>' if ci else ""), label)

    cards = [
        card(str(summary["letters"]), "letters read"), card(str(summary["items"]), "disputed items"),
        card(share_text(summary["coverage"]), "items decided", summary.get("coverage_interval")),
        card(share_text(summary["agreement"]), "agreement", summary.get("agreement_interval")),
        card(share_text(summary["baseline_agreement"]), "always-upheld agreement",
             summary.get("baseline_agreement_interval")),
        card(kappa_text(summary["kappa"], summary["compared"]), "Cohen's kappa", summary.get("kappa_interval"), "kappa"),
        card(share_text(summary["overturn_rate"]), "reviewers overturned", summary.get("overturn_rate_interval")),
        card(str(summary["errors"]), "files not read"),
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


def _filter_box(table_id: str) -> str:
    return (f'<div class="filters"><label>filter <input type="search" data-filter="{table_id}" '
            'placeholder="any text in a row"></label><span class="note">click a heading to sort</span></div>')


def _breakdown(name: str, groups: dict[str, dict[str, Any]], table_id: str) -> str:
    head = ("<thead><tr><th>" + escape(name) + "</th><th>letters</th><th>items</th><th>decided</th><th>coverage</th>"
            "<th>compared</th><th>agreement [95%]</th><th>always upheld</th><th>kappa [95%]</th><th>overturned</th>"
            "<th>recall ovt. [95%]</th><th>precision ovt. [95%]</th></tr></thead>")
    rows = []
    for key, g in groups.items():
        rows.append(
            f'<tr><td class="text">{escape(key)}{_small(g)}</td><td>{g["letters"]}</td><td>{g["items"]}</td>'
            f'<td>{g["decided"]}</td><td{_sort_value(g["coverage"])}>{share_text(g["coverage"])}</td>'
            f'<td>{g["compared"]}</td>'
            f'<td{_sort_value(g["agreement"])}>{_with_interval(g["agreement"], g.get("agreement_interval"))}</td>'
            f'<td{_sort_value(g["baseline_agreement"])}>{share_text(g["baseline_agreement"])}</td>'
            f'<td{_sort_value(g["kappa"])}>{_with_interval(g["kappa"], g.get("kappa_interval"), "kappa", g["compared"])}</td>'
            f'<td data-sort="{g["outcomes"]}">{g["overturned"]}/{g["outcomes"]}</td>'
            f'<td{_sort_value(g["recall_overturned"])}>'
            f'{_with_interval(g["recall_overturned"], g.get("recall_overturned_interval"))}</td>'
            f'<td{_sort_value(g["precision_overturned"])}>'
            f'{_with_interval(g["precision_overturned"], g.get("precision_overturned_interval"))}</td></tr>')
    return (_filter_box(table_id) + f'<div class="scroll"><table class="wide sortable" id="{table_id}">' + head
            + "<tbody>" + "".join(rows) + "</tbody></table></div>")


def _detail_link(detail: dict[str, Any]) -> str:
    return page_link(detail["case_id"], detail["source"], detail.get("index"))


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
        f'{escape(detail["guideline_cited"] or "not stated")} · <code>{escape(detail["source"])}</code> · '
        f'<a href="{escape(_detail_link(detail))}">the letter beside the rules</a></span></p>',
    ]
    if detail["criteria"]:
        rows = []
        for criterion in detail["criteria"]:
            facts = []
            for fact in criterion["facts"]:
                quotes = "".join(f"<blockquote>{escape(sentence)}</blockquote>" for sentence in fact["evidence"])
                facts.append(f'<code>{escape(fact["path"])}</code> = {escape(_value(fact["value"]))}{quotes}')
            stated = set(criterion.get("stated_not_documented", ()))
            facts += [f'<code>{escape(path)}</code> ' + ("stated not documented" if path in stated else "not mentioned")
                      for path in criterion["missing"]]
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
            f'<li>{escape(m.get("label", m["fact"]))} (<code>{escape(m["fact"])}</code>'
            f'{"; stated not documented" if m.get("absence") == "stated_not_documented" else ""})</li>'
            for m in detail["missing_documentation"]) + "</ul>")
    parts.append("</details>\n")
    return "".join(parts)


def _header(title: str, summary: dict[str, Any], provenance: dict[str, Any]) -> str:
    corpus = summary.get("corpus") or {"inputs": [], "used_to_build_rules": False}
    inputs = ", ".join(corpus["inputs"]) or "(not recorded)"
    parts = [f"<h1>{escape(title)}</h1><p class=meta>{summary['files']} files: {summary['letters']} letters read, "
             f"{summary['errors']} not read · {summary['items']} disputed items · audited: <code>{escape(inputs)}</code></p>",
             f'<p class=meta>imr-check {escape(provenance["imr_check_version"])} · rules and guidelines '
             f'<code title="{escape(provenance["rules_fingerprint"])}">{escape(provenance["rules_fingerprint"][:23])}…</code>'
             f' · output schema {escape(provenance["schema_version"])} · generated {escape(provenance["generated_at"])}</p>']
    if corpus["used_to_build_rules"]:
        parts.append('<div class="warning"><b>These letters were used to build the rules</b> (a development corpus). '
                     "Agreement on them is optimistic: the rules and the reader were tuned while reading them. "
                     "Quote figures from letters the rules have not seen.</div>")
    return "".join(parts)


def _overturn_rates(rates: dict[str, Any]) -> str:
    parts = ['<p class="note">How often reviewers overturned, over items with an outcome (decided by the rules or not), '
             "with Wilson 95% intervals. The test asks whether the rates differ between the groups of 10 or more: "
             "Pearson's chi-square when every expected count is at least 5, else Fisher's exact test for two groups."
             "</p>"]
    for key, name in (("by_reviewer_specialty", "reviewer specialty"), ("by_guideline_cited", "guideline cited"),
                      ("by_request_kind", "request kind")):
        block = rates.get(key)
        if not block:
            continue
        test = block["test"]
        if test["test"]:
            statistic = (f"χ² = {test['statistic']:.2f}, df {test['degrees_of_freedom']}, "
                         if test["statistic"] is not None else "")
            verdict = (f"{escape(test['test'])} over {len(test['groups'])} groups: {statistic}p = {test['p_value']:.3g}"
                       + (f" ({escape(test['note'])})" if test["note"] else ""))
        else:
            verdict = f"not tested: {escape(test['note'])}"
        table_id = f"rates-{key}"
        rows = "".join(
            f'<tr><td class="text">{escape(group)}{_small(g)}</td><td>{g["outcomes"]}</td><td>{g["overturned"]}</td>'
            f'<td{_sort_value(g["overturn_rate"])}>{_with_interval(g["overturn_rate"], g["overturn_rate_interval"])}</td></tr>'
            for group, g in block["groups"].items())
        parts.append(f"<h3>By {escape(name)}</h3><p><b>Do the rates differ?</b> {verdict}</p>" + _filter_box(table_id)
                     + f'<div class="scroll"><table class="sortable" id="{table_id}"><thead><tr><th>{escape(name)}</th>'
                     "<th>items with an outcome</th><th>overturned</th><th>overturn rate [95%]</th></tr></thead><tbody>"
                     + rows + "</tbody></table></div>")
    return "".join(parts)


def _fact_list(facts: dict[str, Any]) -> str:
    if not facts:
        return "none read"
    return "; ".join(f"<code>{escape(path)}</code> = {escape(_value(value))}" for path, value in facts.items())


def _consistency(block: dict[str, Any]) -> str:
    parts = [f'<p class="note"><b>Alike</b> means: {escape(block["definition"])}. Pairs rank by how alike they are '
             "(more facts shared, then closer quantities). Each member links to its letter beside the rules.</p>",
             f"<p>{block['groups_found']} groups of alike items decided differently ({block['pairs_found']} upheld–"
             f"overturned pairs, {block['items_in_groups']} items), among {block['items_considered']} items with an "
             "outcome that could be compared.</p>"]
    for number, group in enumerate(block["groups"], 1):
        kind = ", ".join(f"{k} {_value(v)}" for k, v in group["kind"].items()) or "no request kind read"
        versions = ", ".join(group["guideline_versions"]) or "no rule in force"
        pairs = []
        for pair in group["pairs"]:
            def member(m: dict[str, Any]) -> str:
                quantities = ", ".join(f"{p.split('.')[-1]} {_value(v)}" for p, v in m["quantities"].items())
                return (f'<a href="{escape(m["link"])}">{escape(m["case_id"])} — {escape(m["item"])}</a> '
                        f'<span class="note">({escape(m["reviewer_specialty"] or "specialty not stated")}'
                        f'{"; " + escape(quantities) if quantities else ""}; rules: {escape(m["determination"])})</span>')
            pairs.append(f'<div class="pair"><span class="tag upheld">upheld</span> {member(pair["upheld"])}<br>'
                         f'<span class="tag overturned">overturned</span> {member(pair["overturned"])}'
                         f' <span class="note">quantity ratio {pair["quantity_ratio"]:g}</span></div>')
        more = group["pair_count"] - len(group["pairs"])
        parts.append(f'<div class="group"><b>{number}. {escape(group["topic"] or "")}</b> · {escape(kind)} · '
                     f'{escape(versions)} · {len(group["upheld"])} upheld, {len(group["overturned"])} overturned, '
                     f'{group["facts_shared"]} facts shared<br><span class="note">deciding facts: '
                     f'{_fact_list(group["deciding_facts"])}</span>{"".join(pairs)}'
                     + (f'<p class="note">{more} more pairs in audit.json.</p>' if more > 0 else "") + "</div>")
    if block["groups_found"] > len(block["groups"]):
        parts.append(f'<p class="note">The first {len(block["groups"])} groups; all are in audit.json.</p>')
    nearly = block.get("nearly_alike") or []
    parts.append(f"<h3>Nearly alike: one deciding fact apart ({block.get('nearly_alike_pairs_found', 0)} pairs)</h3>"
                 '<p class="note">Upheld–overturned pairs alike in everything but one deciding fact (its value differs, '
                 "or the rules read it for one item only). They are not alike: judge whether that one fact is a "
                 "reason to decide differently.</p>")
    for pair in nearly:
        differs = pair["differs_in"]
        kind = ", ".join(f"{k} {_value(v)}" for k, v in pair["kind"].items()) or "no request kind read"
        parts.append(
            f'<div class="group"><b>{escape(pair["topic"] or "")}</b> · {escape(kind)} · {pair["facts_shared"]} facts '
            f'shared · differs in <code>{escape(differs["fact"])}</code>: {escape(_value(differs["upheld"]))} (upheld) '
            f'against {escape(_value(differs["overturned"]))} (overturned)<br>'
            f'<span class="tag upheld">upheld</span> <a href="{escape(pair["upheld"]["link"])}">'
            f'{escape(pair["upheld"]["case_id"])} — {escape(pair["upheld"]["item"])}</a><br>'
            f'<span class="tag overturned">overturned</span> <a href="{escape(pair["overturned"]["link"])}">'
            f'{escape(pair["overturned"]["case_id"])} — {escape(pair["overturned"]["item"])}</a>'
            f'<br><span class="note">shared deciding facts: {_fact_list(pair["deciding_facts"])}</span></div>')
    return "".join(parts)


def _undetermined(block: dict[str, Any]) -> str:
    parts = [f"<p>{block['items']} items the rules could not decide.</p>"]
    if block["by_reason"]:
        parts.append('<table class="sortable"><thead><tr><th>reason</th><th>items</th></tr></thead><tbody>'
                     + "".join(f'<tr><td class="text">{escape(reason)}</td><td>{n}</td></tr>'
                               for reason, n in block["by_reason"].items()) + "</tbody></table>")
    if block["not_encoded_by_topic"]:
        parts.append("<details><summary>What the rule files of these topics deliberately leave out (their "
                     "<code>not_encoded</code> notes)</summary><ul>"
                     + "".join(f"<li><b>{escape(topic)}</b><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes)
                               + "</ul></li>" for topic, notes in block["not_encoded_by_topic"].items())
                     + "</ul></details>")
    if block["listed"]:
        rows = "".join(f'<tr><td class="text"><a href="{escape(i["link"])}">{escape(i["case_id"])}</a></td>'
                       f'<td class="text">{escape(i["item"])}</td><td class="text">{escape(i["topic"])}</td>'
                       f'<td class="text">{escape(i["reason"])}</td><td>{escape(i["actual_outcome"] or "–")}</td></tr>'
                       for i in block["listed"])
        of_total = f" of {block['items']}" if block["items"] > len(block["listed"]) else ""
        parts.append(f"<details><summary>The undetermined items ({len(block['listed'])}{of_total})</summary>"
                     + _filter_box("undetermined-items")
                     + '<table class="wide sortable prose" id="undetermined-items"><thead><tr><th>letter</th><th>item</th>'
                     "<th>topic</th><th>reason</th><th>reviewer</th></tr></thead><tbody>" + rows + "</tbody></table></details>")
    return "".join(parts)


def _top_missing(block: dict[str, Any]) -> str:
    if not block["facts"]:
        return '<p class="note">No non-certified item lacked documentation.</p>'
    rows = "".join(f'<tr><td class="text"><code>{escape(f["fact"])}</code></td><td>{f["non_certified_items"]}</td>'
                   f'<td>{f["letters"]}</td></tr>' for f in block["facts"])
    return (f'<p class="note">Facts whose absence decided a non-certification, over the '
            f'{block["non_certified_items"]} non-certified items.</p><table class="sortable"><thead><tr><th>fact not '
            "documented</th><th>non-certified items</th><th>letters</th></tr></thead><tbody>" + rows + "</tbody></table>")


# (column of the item table, filter label, row key): the filters above the table.
_ITEM_FILTERS = ((2, "topic", "topic"), (3, "specialty", "reviewer_specialty"), (5, "reviewer", "actual_outcome"),
                 (4, "guideline cited", "guideline_cited"), (8, "agrees", "agrees"), (9, "basis", "basis"))


def _item_table(rows: list[dict[str, Any]], total: int) -> str:
    table_id = "items"
    agrees = {True: "yes", False: "no", None: "–"}
    body = []
    for row in rows:
        body.append(f'<tr><td class="text"><a href="{escape(row["link"])}">{escape(row["case_id"])}</a></td>'
                    f'<td class="text">{escape(row["item"])}</td><td class="text">{escape(row["topic"])}</td>'
                    f'<td class="text">{escape(row["reviewer_specialty"])}</td>'
                    f'<td class="text">{escape(row["guideline_cited"])}</td>'
                    f'<td class="text">{escape(row["actual_outcome"] or "–")}</td>'
                    f'<td class="text">{escape(row["determination"].replace("_", "-"))}</td>'
                    f'<td class="text">{escape(", ".join(row["deciding_rules"]) or "–")}</td>'
                    f'<td>{agrees[row["agrees"]]}</td>'
                    f'<td class="text">{escape(row.get("basis") or "–")}</td></tr>')
    selects = []
    for column, label, key in _ITEM_FILTERS:
        values = sorted({(agrees[r[key]] if key == "agrees" else (r[key] or "–")) for r in rows})
        options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
        selects.append(f'<label>{escape(label)} <select data-filter="{table_id}" data-column="{column}">'
                       f'<option value="">all</option>{options}</select></label>')
    note = (f'<p class="note">The first {len(rows)} of {total} items; items.csv has them all.</p>'
            if total > len(rows) else "")
    return (note + '<div class="filters">' + "".join(selects) + f'<label>text <input type="search" data-filter="{table_id}">'
            '</label></div><div class="scroll"><table class="wide sortable prose" id="items"><thead><tr><th>letter</th>'
            "<th>item</th><th>topic</th><th>specialty</th><th>guideline cited</th><th>reviewer</th><th>rules</th>"
            "<th>deciding rules</th><th>agrees</th><th>basis</th></tr></thead><tbody>" + "".join(body) + "</tbody></table></div>")


_NAV = ('<p class="nav">' + " · ".join(
    f'<a href="#{anchor}">{label}</a>' for anchor, label in (
        ("agreement", "agreement"), ("by_topic", "by topic"), ("by_reviewer_specialty", "by specialty"),
        ("by_guideline_cited", "by guideline"), ("by_basis", "by basis"), ("consistency", "alike cases decided differently"),
        ("overturn-rates", "overturn rates"), ("undetermined", "undetermined"), ("missing", "missing documentation"),
        ("items-table", "every item"), ("disagreements", "disagreements"), ("not-read", "files not read"))) + "</p>")


def write_report(out: IO[str], title: str, summary: dict[str, Any], errors: list[dict[str, str]],
                 disagreements: IO[str], disagreement_count: int, provenance: dict[str, Any]) -> None:
    out.write(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
              f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head><body><main>')
    out.write(_header(title, summary, provenance))
    out.write(_NAV)
    out.write(_cards(summary))
    out.write('<h2 id="agreement">How often the reviewers\' outcomes follow the guideline criteria</h2>')
    out.write('<p class="note">A decided item is one the rules certify (predicting overturned) or modify or '
              "non-certify (predicting upheld). Most IMR items are upheld, so the always-“upheld” baseline is "
              "scored beside the rules on the same items; kappa is agreement beyond chance (undefined when both "
              "sides used one label). Brackets give 95% intervals (Wilson; kappa: Fleiss, Cohen and Everitt's "
              "large-sample interval); <span class=small>small</span> marks a group of fewer than 10 compared items.</p>")
    out.write('<div class="charts"><div>' + _overall(summary) + "</div><div><h3>Confusion matrix</h3>"
              + _confusion(summary) + "</div></div>")
    for key, name in (("by_topic", "topic"), ("by_reviewer_specialty", "reviewer specialty")):
        out.write(f'<h2 id="{key}">By {name}</h2>' + _charts(name, summary[key]) + _breakdown(name, summary[key], f"table-{key}"))
    out.write('<h2 id="by_guideline_cited">By guideline cited</h2>' + _breakdown("guideline cited", summary["by_guideline_cited"],
                                                         "table-by_guideline_cited"))
    if "by_basis" in summary:
        out.write('<h2 id="by_basis">By basis</h2><p class="note">What each determination rests on: '
                  "<b>documented</b>, every deciding criterion resolved on facts the letter documents; "
                  "<b>stated_not_documented</b>, also on facts the letter states are not documented; "
                  "<b>silence</b>, on some fact the letter says nothing about. A disagreement on documented facts "
                  "stands on firmer ground than one on silence.</p>"
                  + _breakdown("basis", summary["by_basis"], "table-by_basis"))
    if "consistency" in summary:
        out.write('<h2 id="consistency">Alike cases decided differently</h2>' + _consistency(summary["consistency"]))
    if "overturn_rates" in summary:
        out.write('<h2 id="overturn-rates">Overturn rates by group</h2>' + _overturn_rates(summary["overturn_rates"]))
    if "undetermined" in summary:
        out.write('<h2 id="undetermined">Items the rules could not decide</h2>' + _undetermined(summary["undetermined"]))
    if "top_missing_documentation" in summary:
        out.write('<h2 id="missing">Documentation most often missing</h2>' + _top_missing(summary["top_missing_documentation"]))
    if "item_table" in summary:
        out.write(f'<h2 id="items-table">Every item ({summary["items"]})</h2>' + _item_table(summary["item_table"], summary["items"]))
    out.write(f'<h2 id="disagreements">Disagreements ({disagreement_count})</h2>')
    if disagreement_count:
        out.write('<p class="note">Items where the prediction from the guideline criteria differs from the '
                  "reviewer's outcome; open one for the facts, the sentences they were read from and the clauses, "
                  "and follow its link to the letter beside the rules.</p>")
        shutil.copyfileobj(disagreements, out)
    else:
        out.write('<p class="note">None.</p>')
    out.write(f'<h2 id="not-read">Files not read in full ({len(errors)})</h2>')
    if errors:
        out.write('<table class="wide prose"><tr><th>file</th><th>why</th></tr>' + "".join(
            f'<tr><td class="text"><code>{escape(e["path"])}</code></td><td class="text">{escape(e["message"])}</td></tr>'
            for e in errors) + "</table>")
    else:
        out.write('<p class="note">None.</p>')
    out.write(f"<script>{_SCRIPT}</script></main></body></html>\n")
