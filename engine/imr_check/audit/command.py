"""`imr-check audit PATH...`: the command's behaviour, apart from its typer signature in cli.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import InputError
from .inputs import SUFFIXES
from .letter_pages import FOLDER
from .outputs import CSV_NAME, HTML_NAME, JSON_NAME, PARQUET_NAME
from .run import run_audit
from .text import render_summary


class _ProgressBar:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Optional[Progress] = None
        self.task = None

    def __call__(self, result: dict[str, Any], total: int) -> None:
        if not self.console.is_terminal:
            return
        if self.progress is None:
            # Started at the first result, once the worker processes exist (see run_audit).
            self.progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[failed]} not read"), TimeRemainingColumn(),
                                     console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("audit", total=total, failed=0)
        failed = 1 if "error" in result else 0
        task = self.progress.tasks[0]
        self.progress.update(self.task, advance=1, failed=task.fields["failed"] + failed)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def audit_command(paths: list[str], jobs: Optional[int], out: Optional[Path], output_format: str,
                  used_to_build_rules: bool = False) -> int:
    """The exit code: 0 when letters were audited, 2 when none could be read, 130 when interrupted."""
    err = Console(stderr=True, highlight=False)
    bar = _ProgressBar(err)
    try:
        run = run_audit(paths, jobs, out, keep_json=output_format == "json", title="IMR audit", on_file=bar,
                        used_to_build_rules=used_to_build_rules)
    except KeyboardInterrupt:
        bar.stop()
        err.print("[bold red]interrupted:[/bold red] no output file was written (earlier complete ones are kept)")
        return 130
    except InputError as error:
        bar.stop()
        err.print(f"[bold red]error:[/bold red] {escape(str(error))}", soft_wrap=True)
        return 2
    except OSError as error:
        bar.stop()
        err.print(f"[bold red]error:[/bold red] cannot write the audit: {escape(str(error))}", soft_wrap=True)
        return 2
    bar.stop()
    try:
        summary = run.summary
        written = ([str(out / name) for name in (JSON_NAME, CSV_NAME, PARQUET_NAME, HTML_NAME)]
                   + [str(out / FOLDER) + "/ (a page per letter)"]) if out else None
        if output_format == "json":
            run.outputs.copy_json(sys.stdout)
            sys.stdout.flush()
            if written:
                err.print("Wrote " + escape(", ".join(written)))
        else:
            out_console = Console(highlight=False)
            if not out_console.is_terminal:
                out_console = Console(highlight=False, width=150)  # a file or a pipe: no need to wrap at 80
            render_summary(summary, run.errors, out_console, written)
    finally:
        run.outputs.discard()
    if summary["letters"] == 0:
        err.print(f"[bold red]error:[/bold red] none of the {summary['files']} files could be read "
                  f"(letters: .pdf, .txt; case files: {', '.join(s for s in SUFFIXES if s.startswith('.y'))})")
        return 2
    if run.errors and output_format == "json":
        err.print(f"{len(run.errors)} of {summary['files']} files could not be read: see \"errors\"")
    return 0
