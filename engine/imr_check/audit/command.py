"""`imr-check audit PATH...`: the command's behaviour, apart from its typer signature in cli.py."""

from __future__ import annotations

import signal
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
from .run import FORWARDED_SIGNALS, Interrupted, interrupt_on_signals_until_exit, run_audit, signals_as_interrupts
from .runfolder import RunFolder
from .text import render_summary


class _ProgressBar:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Optional[Progress] = None
        self.task = None
        self.already = 0  # files an unfinished run had audited, with --resume

    def __call__(self, result: dict[str, Any], total: int) -> None:
        if not self.console.is_terminal:
            return
        if self.progress is None:
            # Started at the first result, once the worker processes exist (see run_audit).
            self.progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[failed]} not read"), TimeRemainingColumn(),
                                     console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("audit", total=total, failed=0, completed=self.already)
        failed = 1 if "error" in result else 0
        task = self.progress.tasks[0]
        self.progress.update(self.task, advance=1, failed=task.fields["failed"] + failed)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def audit_command(paths: list[str], jobs: Optional[int], out: Optional[Path], output_format: str, *,
                  from_list: Optional[Path] = None, scheduler: Optional[str] = None, resume: bool = False,
                  used_to_build_rules: bool = False) -> int:
    """The exit code: 0 when letters were audited, 2 when none could be read, 128 + the signal's
    number when interrupted (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    # SIGTERM and SIGHUP are interruptions for the whole command, not only while files are audited: a signal
    # between the audit and its summary must not end the process by the signal's default action.
    try:
        with signals_as_interrupts():
            return _audit_command(paths, jobs, out, output_format, from_list=from_list, scheduler=scheduler,
                                  resume=resume, used_to_build_rules=used_to_build_rules)
    except KeyboardInterrupt as interruption:
        Console(stderr=True, highlight=False).print("[bold red]interrupted[/bold red]")
        return _exit_code_of(interruption)


def _exit_code_of(interruption: KeyboardInterrupt) -> int:
    """The shell's code for a process ended by a signal: 128 + its number (Ctrl-C, SIGINT, is 2)."""
    return 128 + (interruption.signum if isinstance(interruption, Interrupted) else signal.SIGINT)


def audit_process(paths: list[str], jobs: Optional[int], out: Optional[Path], output_format: str,
                  **options: Any) -> int:
    """`audit_command` as the whole of what is left of the process (`imr-check audit`): the exit code.

    The command takes its signal handlers back when it ends, which would leave SIGTERM and SIGHUP at
    their default action, and Ctrl-C raising wherever click or the interpreter's exit happen to be,
    until the process is gone: a signal in that moment killed it (-15, -1; Ctrl-C -2, or 130 with no
    message). Here the command's handlers hand back to the same ones, and once its outputs are
    complete and what it printed is flushed, the signals are ignored: nothing is left to interrupt,
    and the exit code is the command's.
    """
    interrupt_on_signals_until_exit()
    try:
        code = audit_command(paths, jobs, out, output_format, **options)
        sys.stdout.flush()
        sys.stderr.flush()
    except KeyboardInterrupt as interruption:
        # Between the command's handlers and these: its outputs were complete or not written.
        Console(stderr=True, highlight=False).print("[bold red]interrupted[/bold red] as the audit ended")
        code = _exit_code_of(interruption)
    # SIG_IGN, not a Python handler: the interpreter puts its handlers back to the default action at exit.
    for signum in (signal.SIGINT, *FORWARDED_SIGNALS):
        signal.signal(signum, signal.SIG_IGN)
    return code


def _audit_command(paths: list[str], jobs: Optional[int], out: Optional[Path], output_format: str, *,
                   from_list: Optional[Path], scheduler: Optional[str], resume: bool,
                   used_to_build_rules: bool) -> int:
    err = Console(stderr=True, highlight=False)
    bar = _ProgressBar(err)
    kept: list[RunFolder] = []

    def started(done: int, total: int) -> None:
        bar.already = done
        if done:
            err.print(f"resuming: {done} of {total} files were audited by the unfinished run", highlight=False)

    if not paths and from_list is None:
        err.print("[bold red]error:[/bold red] give the letters to audit: PATH..., --from-list FILE, or both")
        return 2
    try:
        run = run_audit(paths, jobs, out, keep_json=output_format == "json", title="IMR audit", on_file=bar,
                        resume=resume, scheduler=scheduler, on_start=started, keep_run_folder=kept.append,
                        from_list=from_list, used_to_build_rules=used_to_build_rules)
    except KeyboardInterrupt as interruption:
        bar.stop()
        what = "interrupted" if not isinstance(interruption, Interrupted) else f"interrupted by {interruption}"
        if getattr(interruption, "outputs_published", False):
            err.print(f"[bold red]{what}[/bold red] as the outputs were published: those in {escape(str(out))} "
                      "are this run's, complete")
            return _exit_code_of(interruption)
        err.print(f"[bold red]{what}:[/bold red] no output file was written (earlier complete ones are kept)")
        _say_resumable(err, kept)
        return _exit_code_of(interruption)
    except InputError as error:
        bar.stop()
        err.print(f"[bold red]error:[/bold red] {escape(str(error))}", soft_wrap=True)
        return 2
    except OSError as error:
        bar.stop()
        where = error.filename or out or "the temporary folder"
        err.print(f"[bold red]error:[/bold red] cannot write the audit: {escape(str(where))}: "
                  f"{escape(error.strerror or str(error))}", soft_wrap=True)
        _say_resumable(err, kept)
        return 2
    except Exception as error:  # noqa: BLE001 - a lost cluster, say: reported, and resumable
        from .cluster import ClusterError

        if not isinstance(error, ClusterError):
            raise
        bar.stop()
        err.print(f"[bold red]error:[/bold red] {escape(str(error))}", soft_wrap=True)
        _say_resumable(err, kept)
        return 2
    bar.stop()
    # The outputs are published; a signal while the summary is printed must still end the command as an
    # interruption (its exit code, no traceback), not by the signal's default action.
    try:
        return _report(run, out, output_format, err)
    except KeyboardInterrupt as interruption:
        written = f": the outputs in {escape(str(out))} are complete and kept" if out else ""
        err.print(f"[bold red]interrupted[/bold red] while printing the summary{written}")
        return _exit_code_of(interruption)


def _report(run: Any, out: Optional[Path], output_format: str, err: Console) -> int:
    if run.discarded_earlier is not None:
        err.print(f"removed an unfinished earlier audit in {escape(str(out))} ({run.discarded_earlier} files): "
                  "--resume would have continued it")
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
        run.discard()
    if summary["letters"] == 0:
        err.print(f"[bold red]error:[/bold red] none of the {summary['files']} files could be read "
                  f"(letters: .pdf, .txt; case files: {', '.join(s for s in SUFFIXES if s.startswith('.y'))})")
        return 2
    if run.errors and output_format == "json":
        err.print(f"{len(run.errors)} of {summary['files']} files could not be read: see \"errors\"")
    return 0


def _say_resumable(err: Console, kept: list[RunFolder]) -> None:
    if kept and kept[0].done:
        err.print(f"{kept[0].done} files audited are kept in {escape(str(kept[0].path))}: run the same command "
                  "with --resume to continue, or without it to start over")
