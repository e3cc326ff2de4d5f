"""Rendering results for people (rich tables) and for programs (JSON, YAML)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .results import CaseResult, RequestResult

_STATUS_STYLE = {"met": "green", "not_met": "red", "not_documented": "yellow", "not_applicable": "dim"}
# What a determination rests on, in words (results.Basis).
BASIS_TEXT = {"documented": "rests on documented facts",
              "stated_not_documented": "rests on documentation stated to be absent",
              "silence": "rests on facts nothing is said about"}
ABSENCE_TEXT = {"stated_not_documented": "stated not documented", "silent": "not mentioned"}
_DETERMINATION_STYLE = {"certify": "bold green", "modify": "bold yellow", "non_certify": "bold red",
                        "undetermined": "bold magenta"}


def to_data(result: CaseResult) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    agreed, compared = result.agreement
    data["summary"] = {"requests": len(result.requests), "compared": compared, "agree": agreed}
    return data


def to_json(result: CaseResult) -> str:
    return json.dumps(to_data(result), indent=2)


def to_yaml(result: CaseResult) -> str:
    return yaml.safe_dump(to_data(result), sort_keys=False, allow_unicode=True)


def _quantity(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else str(value)


def _modified_to(request: RequestResult) -> str:
    if request.parts:
        return " (some parts supported, not all)"
    return f" to {_quantity(request.supported_quantity)} (requested {_quantity(request.requested_quantity)})"


def _part_basis(part: RequestResult) -> str:
    """A part's deciding rules and clauses, or its reason when nothing decided it."""
    if not part.deciding_rules:
        return part.reason
    return f"{', '.join(part.deciding_rules)}; {', '.join(c.id for c in part.clauses) or 'no clause'}"


def _determination_line(request: RequestResult) -> Text:
    """The determination in its colour, what a modification supports, and the reason: the head of either layout."""
    line = Text()  # the style is the determination word's only, not the whole line's
    line.append(request.determination.upper().replace("_", "-"), style=_DETERMINATION_STYLE[request.determination])
    if request.determination == "modify":
        line.append(_modified_to(request))
    line.append(f"  {request.reason}")
    return line


def _request_panel(request: RequestResult, prescreen: bool) -> Panel:
    head = _determination_line(request)
    if request.basis:
        head.append(f"\nBasis: {BASIS_TEXT[request.basis]}", style="dim")
    parts: list[Any] = [head]
    if request.parts:
        table = Table(title="Each part, judged by its own rules", title_justify="left", expand=True)
        table.add_column("part", ratio=3, overflow="fold")
        table.add_column("determination", min_width=12, no_wrap=True)
        table.add_column("decided by (rules; clauses)", ratio=5, overflow="fold")
        for part in request.parts:
            table.add_row(Text(part.text),
                          Text(part.determination.upper().replace("_", "-"), style=_DETERMINATION_STYLE[part.determination]),
                          Text(_part_basis(part)))
        parts.append(table)
    if request.missing_documentation:
        missing = Table(title="Missing documentation that would change the answer", title_justify="left",
                        show_header=False, box=None, padding=(0, 1))
        missing.add_column(no_wrap=True)
        missing.add_column(overflow="fold")
        for item in request.missing_documentation:
            line = Text(item.label)
            line.append(f" ({item.fact}; {ABSENCE_TEXT[item.absence]})", style="dim")
            missing.add_row("•", line)
        parts.insert(1 if prescreen else len(parts), missing)
    if request.not_encoded:
        notes = Table(title="Deliberately not encoded for this topic", title_justify="left",
                      show_header=False, box=None, padding=(0, 1))
        for note in request.not_encoded:
            notes.add_row("•", Text(note, style="dim"))
        parts.append(notes)
    if request.criteria:
        table = Table(show_lines=False, expand=True)
        table.add_column("criterion (clauses)", ratio=4, overflow="fold")
        table.add_column("result", min_width=14, no_wrap=True)
        table.add_column("why", ratio=5)
        for criterion in request.criteria:
            title = Text(criterion.title)
            title.append("\n" + "\n".join(criterion.cites), style="dim")
            table.add_row(
                title,
                Text(criterion.status.replace("_", " "), style=_STATUS_STYLE[criterion.status]),
                Text(criterion.explanation),
            )
        parts.append(table)
    if request.clauses:
        cited = Table(title="Decided by", title_justify="left", show_header=False, box=None, padding=(0, 1))
        cited.add_column(overflow="fold")
        for clause in request.clauses:
            source = clause.source if clause.is_mtus else f"{clause.source} (not MTUS)"
            line = Text(clause.id, style="bold")
            line.append(f"  {clause.citation}")
            line.append(f"  {source}", style="dim")
            cited.add_row(line)
        parts.append(cited)
    if request.actual_outcome:
        verdict = Text(f"Predicted IMR outcome: {request.predicted_outcome or 'none (undetermined)'}; "
                       f"reviewer: {request.actual_outcome}; ")
        if request.agrees is None:
            verdict.append("not compared", style="magenta")
        else:
            verdict.append("agree" if request.agrees else "DISAGREE", style="green" if request.agrees else "bold red")
        parts.append(verdict)
    # The request's text comes from the case file: a Text, so "[/]" in it is text, not markup.
    title = Text.assemble(f"{request.request_id}: {request.text}  ", (f"({request.topic})", "dim"))
    return Panel(Group(*parts), title=title, title_align="left")


# Above this many requests each is printed as plain lines, not a panel of tables: rich lays a panel out in
# ~10 ms, so 10,000 requests took a minute to print, far longer than they took to evaluate.
COMPACT_ABOVE = 50


def _request_lines(request: RequestResult) -> Text:
    """The request's determination, reason, criteria, missing documentation and clauses as plain lines."""
    lines = Text()
    lines.append(f"{request.request_id}: {request.text} ({request.topic})\n", style="bold")
    lines.append("  ")
    lines.append(_determination_line(request))
    lines.append("\n")
    if request.basis:
        lines.append(f"  basis: {BASIS_TEXT[request.basis]}\n", style="dim")
    for part in request.parts:
        lines.append(f"  part {part.request_id}: {part.text}: ")
        lines.append(part.determination.upper().replace("_", "-"), style=_DETERMINATION_STYLE[part.determination])
        lines.append(f" ({_part_basis(part)})\n")
    for criterion in request.criteria:
        lines.append("  - ")
        lines.append(criterion.status.replace("_", " "), style=_STATUS_STYLE[criterion.status])
        lines.append(f": {criterion.title} ({', '.join(criterion.cites)}): {criterion.explanation}\n")
    for item in request.missing_documentation:
        lines.append(f"  missing: {item.fact} ({ABSENCE_TEXT[item.absence]})\n", style="yellow")
    if request.clauses:
        lines.append(f"  decided by: {', '.join(clause.id for clause in request.clauses)}\n", style="dim")
    if request.actual_outcome:
        verdict = "not compared" if request.agrees is None else "agree" if request.agrees else "DISAGREE"
        lines.append(f"  predicted IMR outcome: {request.predicted_outcome or 'none (undetermined)'}; "
                     f"reviewer: {request.actual_outcome}; {verdict}\n")
    return lines


def render_text(result: CaseResult, console: Console) -> None:
    kind = "Pre-screen" if result.is_prescreen else "IMR re-check"
    console.print(Text.assemble((kind, "bold"), f" of case {result.case_id or '(no id)'} — guideline versions in force "
                                f"on {result.evaluated_on} ({result.date_basis.replace('_', ' ')})"))
    if result.is_prescreen:
        supportable = [r for r in result.requests if r.determination in ("certify", "modify")]
        console.print(f"{len(supportable)} of {len(result.requests)} requests supportable now; "
                      f"{sum(len(r.missing_documentation) for r in result.requests)} missing documentation items.")
    compact = len(result.requests) > COMPACT_ABOVE
    for request in result.requests:
        console.print(_request_lines(request) if compact else _request_panel(request, result.is_prescreen),
                      end="" if compact else "\n", soft_wrap=compact)
    agreed, compared = result.agreement
    if compared:
        console.print(f"[bold]{agreed} of {compared} decided items agree with the reviewer.[/bold]")
