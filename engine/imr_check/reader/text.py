"""Normalising a letter's text and splitting it into sentences with their offsets.

Offsets everywhere in the reader are character offsets into the *normalised* text
(`normalise(raw)`): lines stripped, blank lines dropped, words hyphenated across a line break
rejoined. The letters hard-wrap at ~95 characters, so a sentence is read with its line breaks
turned into spaces (same length, so offsets hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters PDF extraction or old encodings leave behind: pdfium marks a hyphen it removed at a
# line break with U+FFFE; one seed carries a mis-decoded bullet.
_DROP = str.maketrans({"\ufffe": None, "\u00ad": None, "\ufeff": None, "\u200b": None})
_SPACES = str.maketrans({"\u00a0": " ", "\t": " ", "\f": "\n", "\u2028": "\n", "\u2029": "\n"})
_MOJIBAKE = re.compile("â¿¿|â€¢|Â")
_RUNS = re.compile(r" {2,}")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"})


def normalise(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP).translate(_SPACES).translate(_QUOTES)
    text = _MOJIBAKE.sub("", text)
    lines = [_RUNS.sub(" ", line.strip()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        # "non-\ncertified", "6-\nmonth": the hyphen belongs to the word, the break does not.
        if out and out[-1].endswith("-") and not out[-1].endswith(" -") and line[:1].islower():
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class Sentence:
    text: str  # line breaks read as spaces
    start: int  # offset in the normalised letter text
    section: str  # "summary", or "item N rationale"

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "vs", "no", "nos", "approx", "e.g", "i.e", "st", "jr", "pg", "p", "pp", "fig",
    "u.s", "m.d", "d.o", "a.m", "p.m", "inc", "dept", "ph.d", "d.c", "p.t", "o.t", "wk", "wks", "hr", "hrs",
    "min", "mins", "sec", "al",
}
# The last alternative: a sentence run into the next with no space ("of the hand.The x-ray"), as text extraction
# leaves where a line ended a sentence; two lower-case letters before the stop keep "Dr.Smith" whole.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|[.!?]+[\"')\]]*\s*$|\n(?=[A-Z][^\n]{0,60}:\s)"
                       r"|(?<=[a-z]{2})[.!?](?=[A-Z][a-z]+\s)")
_LAST_WORD = re.compile(r"([A-Za-z.]+)[.!?]+[\"')\]]*\s*$")


def sentences(text: str, start: int, end: int, section: str) -> list[Sentence]:
    """The sentences of text[start:end], each with its offset in text."""
    chunk = text[start:end]
    result: list[Sentence] = []
    cursor = 0
    for match in _BOUNDARY.finditer(chunk):
        stop = match.end()
        candidate = chunk[cursor:stop]
        word = _LAST_WORD.search(chunk[cursor:match.start() + 1] if match.group().startswith(".") else "")
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS and match.group().startswith("."):
            continue
        _add(result, candidate, start + cursor, section)
        cursor = stop
    if cursor < len(chunk):
        _add(result, chunk[cursor:], start + cursor, section)
    return result


def _add(into: list[Sentence], candidate: str, offset: int, section: str) -> None:
    stripped = candidate.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    body = stripped.lstrip().replace("\n", " ")
    if body:
        into.append(Sentence(body, offset + lead, section))
