"""The `imr-check` command."""

from __future__ import annotations

import errno
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .case import Case, load_case
from .errors import EngineError, IncompleteLetter, InputError
from .evaluate import evaluate_case
from .facts import fact_specs
from .knowledge import load_knowledge
from .report import render_text, to_json, to_yaml

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Re-check IMR determinations against the MTUS criteria. `imr-check CASE.yaml` evaluates a case file.",
)
_out = Console(highlight=False, soft_wrap=False)
_err = Console(stderr=True, highlight=False)


class Format(str, Enum):
    text = "text"
    json = "json"
    yaml = "yaml"


def _version(value: bool) -> None:
    if value:
        from .audit.provenance import version_text

        print(version_text())
        raise typer.Exit(0)


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and the fingerprint of the rules and guidelines, and exit"),
) -> None:
    """Re-check IMR determinations against the MTUS criteria. `imr-check CASE.yaml` evaluates a case file."""


def _fail(error: Exception) -> None:
    # Messages quote input (paths, keys, values): never read as markup, or "[/]" in a path crashes rich.
    _err.print(Text.assemble(("error:", "bold red"), " ", str(error)), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def check(
    case_file: Path = typer.Argument(..., help="A case file (YAML); see `imr-check schema`", show_default=False),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or yaml"),
) -> None:
    """Evaluate a case file: a determination per request, the clauses behind it, what is missing."""
    try:
        knowledge = load_knowledge()
        case = load_case(case_file)
        result = evaluate_case(case, knowledge)
    except InputError as error:
        _fail(error)
    except EngineError as error:
        _err.print(Text.assemble(("engine error:", "bold red"), " ", str(error)), soft_wrap=True)
        raise typer.Exit(1)
    if output_format is Format.json:
        print(to_json(result))
    elif output_format is Format.yaml:
        print(to_yaml(result), end="")
    else:
        render_text(result, _out)


@app.command()
def schema() -> None:
    """Print the JSON Schema of case files (for editors to validate and complete them)."""
    print(json.dumps(Case.model_json_schema(), indent=2))


@app.command("rules")
def list_rules(
    topic: Optional[str] = typer.Option(None, help="Only this topic"),
    coverage: bool = typer.Option(False, "--coverage", help="Which clauses have rules, which rules have test "
                                  "cases, and which topics of a corpus (--corpus) have no rules yet"),
    tests: Path = typer.Option(Path("tests/rules"), help="Rule test cases, for --coverage"),
    corpus: Optional[list[Path]] = typer.Option(None, help="Letters or case files to count topics in, for --coverage"),
    lint: bool = typer.Option(False, "--lint", help="Report unused parameters, fact paths nothing reads and titles "
                              "whose figures are not the rule's; exit 1 when any is found"),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or yaml"),
) -> None:
    """List the rules: id, topic, guideline version, dates in force, clauses cited."""
    from .vocabulary import topics as known_topics

    try:
        knowledge = load_knowledge()
        if topic is not None and topic not in known_topics():
            raise InputError.single("rules/topics.yaml", f"unknown topic {topic!r}; allowed: "
                                    f"{', '.join(sorted(known_topics()))}", location="--topic")
    except InputError as error:
        _fail(error)
    if coverage:
        _print_coverage(knowledge, tests, corpus, output_format)
        return
    if lint:
        from .lint import lint as lint_rules

        findings = lint_rules(knowledge)
        if output_format is not Format.text:
            _print_data({"findings": [f.__dict__ for f in findings]}, output_format)
        else:
            for finding in findings:
                _out.print(str(finding), soft_wrap=True, markup=False)
            _out.print(f"{len(findings)} findings" if findings else "the rules are clean")
        raise typer.Exit(1 if findings else 0)
    selected = [rule for rule in knowledge.rules if topic is None or topic in rule.topics]
    if output_format is not Format.text:
        rows = [{"id": rule.id, "title": rule.rule.title, "topics": list(rule.topics),
                 "guideline_version": rule.guideline_version,
                 "in_force": {"from": rule.effective.from_.isoformat(),
                              "to": rule.effective.to.isoformat() if rule.effective.to else None},
                 "cites": list(rule.rule.cites), "file": rule.file} for rule in selected]
        _print_data({"rules": rows}, output_format)
        return
    table = Table(title=f"{len(selected)} rules")
    table.add_column("rule", no_wrap=True)
    for column in ("topic", "version", "in force", "cites"):
        table.add_column(column, overflow="fold")
    for rule in selected:
        table.add_row(*(Text(cell) for cell in (rule.id, ", ".join(rule.topics), rule.guideline_version,
                                                 rule.effective.label(), ", ".join(rule.rule.cites))))
    _out.print(table)


def _print_data(data: dict, output_format: Format) -> None:
    if output_format is Format.json:
        print(json.dumps(data, indent=2))
    else:
        import yaml

        print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), end="")


def _print_coverage(knowledge, tests: Path, corpus: Optional[list[Path]], output_format: Format) -> None:
    from .coverage import measure

    tests_dir = tests if tests.is_dir() else None
    try:
        result = measure(knowledge, tests_dir, corpus)
    except InputError as error:
        _fail(error)
    if output_format is not Format.text:
        _print_data(result.as_dict(), output_format)
        return
    with_rules = len(result.rules_by_clause) - len(result.clauses_without_rules)
    _out.print(f"[bold]Clauses[/bold]: {with_rules} of {len(result.rules_by_clause)} are cited by a rule.")
    for clause_id in result.clauses_without_rules:
        _out.print(Text(f"  no rule cites {clause_id}"))
    if result.cases_by_rule is None:
        _out.print(f"[bold]Rules[/bold]: no test cases at {escape(str(tests))} (pass --tests DIR)")
    else:
        tested = len(result.cases_by_rule) - len(result.rules_without_cases)
        _out.print(f"[bold]Rules[/bold]: {tested} of {len(result.cases_by_rule)} have test cases in "
                   f"{escape(str(tests))}.")
        for rule_id in result.rules_without_cases:
            _out.print(Text(f"  no test case names {rule_id}"))
    if result.corpus_topics is not None:
        table = Table(title="Topics in the corpus")
        for column in ("topic", "items", "decided", "undetermined", "has rules"):
            table.add_column(column)
        for count in result.corpus_topics:
            table.add_row(Text(count.topic), str(count.items), str(count.decided), str(count.items - count.decided),
                          Text("yes") if count.has_rules else Text("no", style="bold red"))
        _out.print(table)
        for error in result.corpus_errors:
            _err.print(Text.assemble(("skipped:", "yellow"), " ", str(error)), soft_wrap=True)


@app.command()
def explain(
    rule_id: str = typer.Argument(..., help="A rule id, as `imr-check rules` lists them"),
    on: Optional[str] = typer.Option(None, "--on", help="Only the version in force on this date (YYYY-MM-DD)"),
) -> None:
    """Show a rule, each guideline version of it, and exactly the parameters and clauses it uses."""
    import datetime as dt

    import yaml

    from .vocabulary import suggest

    try:
        knowledge = load_knowledge()
        day = None
        if on is not None:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise InputError.single("--on", f"{on!r} is not a date; write YYYY-MM-DD") from None
        versions = knowledge.versions_of(rule_id)
        if not versions:
            raise InputError.single("rules", f"no rule {rule_id!r}{suggest(rule_id, [r.id for r in knowledge.rules])}")
        if day is not None:
            versions = [r for r in versions if r.effective.contains(day)]
            if not versions:
                raise InputError.single("--on", f"no version of {rule_id} was in force on {day}")
    except InputError as error:
        _fail(error)
    shown_logic = None
    for loaded in versions:
        rule = loaded.rule
        _out.print(Text.assemble((rule.id, "bold"), f": {rule.title}"))
        _out.print(Text(f"{loaded.file}:{loaded.line} — {loaded.guideline_version}, in force {loaded.effective.label()}",
                        style="dim"))
        body = rule.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id", "title", "cites", "effective"})
        logic = yaml.safe_dump(body, sort_keys=False, width=100).rstrip()
        # the logic is printed again only where it changed between versions
        _out.print(Text(logic) if logic != shown_logic else Text("(the same conditions as above)", style="dim"))
        shown_logic = logic
        if loaded.parameters_used:
            _out.print("\n[bold]Parameters[/bold]")
            for name, parameter in loaded.parameters_used.items():
                unit = f" {parameter.unit}" if parameter.unit else ""
                _out.print(Text(f"  {name} = {parameter.value}{unit}  (cites {', '.join(parameter.cites)})"))
        _out.print("\n[bold]Cites[/bold]")
        for clause_id in loaded.clauses:
            clause = knowledge.clauses[clause_id]
            _out.print(Text.assemble("  ", (clause_id, "bold"), f" — {clause.source.title}, {clause.clause.citation}"))
            _out.print(Text(f"    {clause.clause.title}. {clause.clause.summary}"))
        _out.print("")


@app.command("test")
def test_rules(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="Rule case files (YAML) or folders of them (default: tests/rules)", show_default=False),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Name every case, not only those that fail"),
) -> None:
    """Run YAML rule cases against the rules (the same runner as the project's test suite)."""
    from .rulecases import case_files, load_cases, run_case

    try:
        knowledge = load_knowledge()
        files = list(case_files(paths or [Path("tests/rules")]))
        cases = [case for path in files for case in load_cases(path)]
    except InputError as error:
        _fail(error)
    if not cases:
        _fail(InputError.single(", ".join(map(str, paths or [Path("tests/rules")])), "holds no rule cases"))
    failed = 0
    for case in cases:
        # A case's facts are validated when it runs (an unknown key, a value out of range): a message, not a traceback.
        try:
            problems = run_case(case, knowledge)
        except InputError as error:
            _fail(error)
        if problems:
            failed += 1
            _out.print(Text.assemble(("FAIL", "bold red"), f" {case.file}:{case.line}: {case.name}"), soft_wrap=True)
            for problem in problems:
                _out.print(Text(f"    {problem}"), soft_wrap=True)
        elif verbose:
            _out.print(Text.assemble(("ok", "green"), f"   {case.file}:{case.line}: {case.name}"), soft_wrap=True)
    _out.print(Text(f"{len(cases) - failed} of {len(cases)} rule cases pass ({len(files)} files)"))
    if failed:
        raise typer.Exit(1)


@app.command()
def facts() -> None:
    """List the fact paths rules can test, with their kind and meaning."""
    table = Table(title="Fact paths")
    for column in ("fact", "kind", "meaning"):
        table.add_column(column)
    for spec in fact_specs().values():
        kind = spec.kind + (" (derived)" if spec.derived else "")
        meaning = spec.description + (f" [{', '.join(spec.choices)}]" if spec.choices else "")
        table.add_row(Text(spec.path), Text(kind), Text(meaning))
    _out.print(table)


class AuditFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def audit(
    paths: Optional[list[str]] = typer.Argument(
        None, help="Letters (.pdf, .txt), case files (.yaml), folders (searched recursively) or globs",
        show_default=False),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", min=1, help="Worker processes, or the workers of --scheduler local (default: all cores)"),
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", file_okay=False, help="Write audit.json, items.csv, items.parquet and report.html here"),
    output_format: AuditFormat = typer.Option(AuditFormat.text, "--format", "-f", help="text or json"),
    from_list: Optional[Path] = typer.Option(
        None, "--from-list", help="Also audit the paths listed in this file, one a line", show_default=False),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Run on a Dask cluster: tcp://HOST:PORT, or local (needs imr-check[dask])",
        show_default=False),
    resume: bool = typer.Option(False, "--resume", help="Continue the interrupted audit whose parts are in --out"),
    dev_corpus: bool = typer.Option(
        False, "--dev-corpus", help="These letters were read while the rules were built (e.g. ../shared/corpus/dev): "
        "the report warns that agreement on them is optimistic"),
) -> None:
    """Reviewer consistency over many letters: how often outcomes follow the guideline criteria."""
    from .audit.command import audit_process

    raise typer.Exit(audit_process(paths or [], jobs, out, output_format.value, from_list=from_list,
                                   scheduler=scheduler, resume=resume,
                                   used_to_build_rules=dev_corpus))


@app.command()
def extract(
    letter: Path = typer.Argument(..., help="An IMR determination letter (PDF or text)", show_default=False),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the case file here (else stdout)"),
) -> None:
    """Read an IMR letter into a case file: items, outcomes, citations, and the facts with their evidence."""
    from .reader import read_letter
    from .reader.export import case_yaml, write_atomically

    incomplete: Optional[IncompleteLetter] = None
    try:
        case = read_letter(letter)
    except IncompleteLetter as error:
        # A letter cut off after complete items: write those, then fail naming what was lost.
        incomplete, case = error, error.case
    except InputError as error:
        _fail(error)
    text = case_yaml(case)
    if output is None:
        print(text, end="")
    else:
        try:
            write_atomically(output, text)
        except InputError as error:
            _fail(error)
        except OSError as error:
            _fail(InputError.single(str(output), f"cannot be written ({error.strerror or error})"))
    if incomplete is not None:
        _fail(incomplete)


def main() -> None:
    """`imr-check CASE.yaml` is short for `imr-check check CASE.yaml`."""
    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    args = sys.argv[1:]
    if args and not args[0].startswith("-") and args[0] not in commands:
        sys.argv.insert(1, "check")
    try:
        try:
            app(prog_name="imr-check")
        finally:
            # print() buffers: a full disk behind stdout shows only at this flush.
            sys.stdout.flush()
    except OSError as error:
        if error.errno not in _OUTPUT_ERRNOS:
            raise
        _output_failed(error)


# Errors of writing the output itself: a closed pipe, a full or failing disk behind a redirection.
_OUTPUT_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _output_failed(error: OSError) -> None:
    # Point stdout at /dev/null, or the interpreter's own flush at exit fails again with a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if error.errno != errno.EPIPE:  # whoever closed the pipe stopped reading on purpose (`| head`)
        _err.print(Text.assemble(("error:", "bold red"), f" cannot write the output to standard output "
                                 f"({error.strerror or error})"), soft_wrap=True)
    raise SystemExit(2)


if __name__ == "__main__":
    main()
