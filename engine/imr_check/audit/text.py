"""The audit's summary as tables in the terminal."""

from __future__ import annotations

from typing import Any, Optional

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .html import interval_text, kappa_text, share_text

_BREAKDOWN_TITLES = {"by_topic": "topic", "by_reviewer_specialty": "reviewer specialty",
                     "by_guideline_cited": "guideline cited", "by_basis": "basis"}


def render_summary(summary: dict[str, Any], errors: list[dict[str, str]], console: Console,
                   written: Optional[list[str]] = None) -> None:
    console.print(f"[bold]Audit[/bold]: {summary['files']} files, {summary['letters']} letters read, "
                  f"{summary['errors']} not read; {summary['items']} disputed items")
    overall = Table(title="Agreement with the reviewers' outcomes", title_justify="left")
    overall.add_column("measure")
    overall.add_column("imr-check", justify="right")
    overall.add_column("always upheld", justify="right")
    overall.add_row("items decided", f"{summary['decided']} of {summary['items']}", "")
    overall.add_row("coverage", share_text(summary["coverage"]), "")
    overall.add_row("compared (decided, with outcome)", str(summary["compared"]), "")
    def with_interval(key: str, kind: str = "share") -> str:
        value = kappa_text(summary[key], summary["compared"]) if kind == "kappa" else share_text(summary[key])
        interval = interval_text(summary.get(f"{key}_interval"), kind)
        return f"{value} [{interval}]" if interval else value

    overall.add_row("agreement [95% interval]", with_interval("agreement"), share_text(summary["baseline_agreement"]))
    overall.add_row("Cohen's kappa [95% interval]", with_interval("kappa", "kappa"),
                    kappa_text(summary["baseline_kappa"], summary["compared"]))
    overall.add_row("recall on overturned [95%]", with_interval("recall_overturned"),
                    share_text(summary["baseline_recall_overturned"]))
    overall.add_row("precision on overturned [95%]", with_interval("precision_overturned"), "n/a")
    overall.add_row("overturned by reviewers", f"{summary['overturned']} of {summary['outcomes']}", "")
    console.print(overall)

    matrix = Table(title="Confusion matrix", title_justify="left")
    matrix.add_column("")
    matrix.add_column("reviewer upheld", justify="right")
    matrix.add_column("reviewer overturned", justify="right")
    for predicted in ("upheld", "overturned"):
        row = summary["confusion"][f"predicted_{predicted}"]
        matrix.add_row(f"predicted {predicted}", str(row["actual_upheld"]), str(row["actual_overturned"]))
    console.print(matrix)

    for key, name in _BREAKDOWN_TITLES.items():
        table = Table(title=f"By {name}", title_justify="left",
                      caption="agree: with the reviewers, beside the always-upheld baseline; recall and precision "
                              "on overturned items", caption_justify="left")
        table.add_column(name, overflow="fold", max_width=48)
        for column in ("letters", "items", "decided", "agree", "baseline", "kappa", "overturned", "recall",
                       "precision"):
            table.add_column(column, justify="right")
        for group, g in summary.get(key, {}).items():
            table.add_row(Text(str(group)), str(g["letters"]), str(g["items"]), str(g["decided"]),
                          share_text(g["agreement"]), share_text(g["baseline_agreement"]), kappa_text(g["kappa"], g["compared"]),
                          f"{g['overturned']}/{g['outcomes']}", share_text(g["recall_overturned"]),
                          share_text(g["precision_overturned"]))
        console.print(table)

    consistency = summary.get("consistency")
    if consistency:
        console.print(f"[bold]Alike cases decided differently[/bold]: {consistency['groups_found']} groups, "
                      f"{consistency['pairs_found']} upheld-overturned pairs ({consistency['definition']})")
    if errors:
        table = Table(title=f"Files not read in full ({len(errors)})", title_justify="left")
        table.add_column("file", overflow="fold")
        table.add_column("why", overflow="fold")
        for error in errors:
            table.add_row(Text(error["path"]), Text(error["message"]))
        console.print(table)
    if written:
        console.print(Text("Wrote " + ", ".join(written)))
