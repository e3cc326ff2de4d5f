"""The guideline citations of a letter ("MAXIMUS guideline: Decision based on ...")."""

from __future__ import annotations

import re
from typing import Any

_MTUS_SOURCES = re.compile(
    r"^(Chronic Pain (?:Medical )?Treatment(?: Guidelines)?(?: \d{4})?|Acupuncture (?:Medical )?Treatment(?: Guidelines)?"
    r"(?: \d{4})?|Opioids? Treatment(?: Guidelines)?(?: \d{4})?|Postsurgical Treatment(?: Guidelines)?(?: \d{4})?"
    r"|General Approaches(?: \d{4})?|[A-Z][A-Za-z,& ]+? Complaints(?: \d{4})?)\b\s*(.*)$", re.S)
_PAGES = re.compile(r"\s*Page\(s\):\s*(.+?)\.?\s*$")
_SECTIONS = re.compile(r",?\s*Section\(s\):\s*(.+?)\.?\s*$", re.S)
_NO_CITATION = re.compile(r"did not cite any medical evidence", re.I)


def parse_citations(text: str) -> list[dict[str, Any]]:
    """Each guideline the reviewer (or claims administrator) named: source, MTUS or not, topic, sections, pages."""
    if not text or _NO_CITATION.search(text):
        return []
    citations: list[dict[str, Any]] = []
    for part in re.split(r"Decision based on ", text)[1:]:
        part = part.strip().rstrip(".")
        if part.startswith("MTUS"):
            citations.extend(_mtus(part[4:].strip()))
        elif part.startswith("Non-MTUS Citation"):
            citations.extend(_non_mtus(part[len("Non-MTUS Citation"):].strip()))
    return citations


def _mtus(body: str) -> list[dict[str, Any]]:
    found = []
    # "Knee Complaints 2004, Section(s): X, and Chronic Pain Medical Treatment 2016, Section(s): Y"
    for chunk in re.split(r", and (?=(?:[A-Z][A-Za-z,& ]+? Complaints|Chronic Pain Medical Treatment|Acupuncture "
                          r"Treatment|Opioids? Treatment|Postsurgical Treatment|General Approaches) \d{4})", body):
        chunk = chunk.strip().rstrip(".")
        if not chunk:
            continue
        pages = _PAGES.search(chunk)
        if pages:
            chunk = chunk[: pages.start()]
        sections = _SECTIONS.search(chunk)
        if sections:
            chunk = chunk[: sections.start()]
        source_match = _MTUS_SOURCES.match(chunk)
        topic = None
        if source_match:
            source, rest = source_match.group(1), source_match.group(2).strip(" ,.")
            # The 2009 letters put the topic between the source and the pages: "... Guidelines Muscle relaxants".
            if rest:
                nested = _MTUS_SOURCES.match(rest)
                if nested and "Guidelines" in nested.group(1):
                    topic = nested.group(1)
                    rest = nested.group(2).strip(" ,.")
                topic = rest or topic
        else:
            source = chunk
        found.append({
            "source": f"MTUS {source}".strip(),
            "is_mtus": True,
            "topic": topic or None,
            "sections": [s.strip() for s in _split_sections(sections.group(1))] if sections else [],
            "pages": pages.group(1).strip() if pages else None,
        })
    return found


def _split_sections(text: str) -> list[str]:
    # Section names contain commas ("TENS, chronic pain (...)"), so split only where a comma is followed by a
    # capitalised name or a section number, and keep parentheses whole.
    parts, depth, current = [], 0, ""
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0 and re.match(r"\s+(?:[A-Z]|\d)", text[index + 1:]):
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _non_mtus(body: str) -> list[dict[str, Any]]:
    found = []
    for chunk in re.split(r"\s+and Other Medical Treatment Guidelines\s+", body):
        chunk = chunk.strip().rstrip(".")
        odg = re.match(r"^(?:Official Disability Guidelines(?: \(ODG\))?|ODG(?: guidelines)?)[,:\s-]*(.*)$", chunk, re.S)
        acoem = re.match(r"^ACOEM[,:\s-]*(.*)$", chunk, re.S)
        if odg:
            found.append({"source": "ODG", "is_mtus": False, "topic": odg.group(1).strip(" ,.-") or None,
                          "sections": [], "pages": None})
        elif acoem:
            found.append({"source": "ACOEM", "is_mtus": False, "topic": acoem.group(1).strip(" ,.-") or None,
                          "sections": [], "pages": None})
        elif chunk:
            found.append({"source": chunk, "is_mtus": False, "topic": None, "sections": [], "pages": None})
    return found
