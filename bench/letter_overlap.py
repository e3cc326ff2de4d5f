"""Project text that repeats a letter: every run of 50 or more characters added since a commit, looked up in the
dev letters and seeds.

    python bench/letter_overlap.py SINCE     # e.g. the commit a stop started from
    python bench/letter_overlap.py --all     # the whole tree (about a minute)

The letters are public documents written elsewhere; the project's sentences, examples and summaries are our own.
Text is compared lower-cased with punctuation folded to spaces, in runs of whole words of at least 50 characters.
Each line shows how many letters hold the run and the project line it came from, never the letter itself, so it
can be run over validation letters without reading them. What is expected to match: the letter form's own
headings and boilerplate, guideline titles and citations. Anything else is to be reworded.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
RUN_CHARACTERS = 50


def folded(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def letter_texts() -> list[str]:
    sys.path.insert(0, str(ROOT / "engine"))
    from imr_check.reader.pdf import letter_text

    paths = sorted((SHARED / "corpus" / "dev").glob("*.pdf")) + sorted((SHARED / "seeds").glob("*"))
    return [f" {folded(letter_text(path))} " for path in paths if path.is_file()]


def added_lines(since: str) -> list[str]:
    diff = subprocess.run(["git", "-C", str(ROOT), "diff", since, "HEAD", "--", ".", ":!*.json"],
                          capture_output=True, text=True, check=True).stdout
    return [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]


def first_shared_run(line: str, letters: list[str], seen: set[str]) -> tuple[str, int] | None:
    words = folded(line).split()
    for start in range(len(words)):
        run, end = "", start
        while end < len(words) and len(run) < RUN_CHARACTERS:
            run = f"{run} {words[end]}".strip()
            end += 1
        if len(run) < RUN_CHARACTERS:
            return None
        if run in seen:
            continue
        seen.add(run)
        holding = sum(f" {run} " in text for text in letters)
        if holding:
            return run, holding
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("since", nargs="?", help="a commit: check what was added after it")
    parser.add_argument("--all", action="store_true", help="check the whole tree")
    arguments = parser.parse_args()
    if not arguments.all and not arguments.since:
        parser.error("give a commit, or --all")
    if not SHARED.is_dir():
        print(f"letter_overlap: {SHARED} is missing: the dev letters and seeds are read from there", file=sys.stderr)
        return 2
    letters = letter_texts()
    seen: set[str] = set()
    matches = 0
    for line in added_lines(EMPTY_TREE if arguments.all else arguments.since):
        found = first_shared_run(line, letters, seen)
        if found:
            run, holding = found
            matches += 1
            print(f"{holding:4d} letters  {run!r}\n              from: {line.strip()[:150]}")
    print(f"{matches} lines share a run of {RUN_CHARACTERS}+ characters with {len(letters)} letters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
