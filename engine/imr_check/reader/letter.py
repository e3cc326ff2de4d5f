"""The structure of an IMR determination letter: header, reviewer, case summary, disputed items.

Two layouts are read: the 2013-2015 letters (no header block; the reviewer's board certification
and licensure in a sentence) and the 2016-2017 letters (a header with Case Number, Date Assigned,
Date of Injury, Decision Date, UR Denial Date, Priority; credentials on their own lines). In both,
each disputed item is a header ending in ": Upheld" or ": Overturned" (which may span lines, or
read "... The original request, X is: Upheld"), followed by "Claims Administrator guideline:",
"MAXIMUS guideline:" and "Decision rationale:".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Optional

from ..errors import InputError
from .text import normalise

EXPECTED = (
    "expected an IMR determination letter: a 'CLINICAL CASE SUMMARY', then for each disputed item a "
    "line 'ITEM: Upheld' (or Overturned) followed by 'Claims Administrator guideline:', 'MAXIMUS guideline:' "
    "and 'Decision rationale:'"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass
class Item:
    number: int  # 1-based, in letter order
    header: str  # as written, line breaks as spaces, without the outcome
    header_span: Span
    outcome: str  # "upheld" | "overturned"
    name: str  # the service disputed at IMR
    original_request: Optional[str] = None
    authorized: Optional[str] = None
    is_associated_service: bool = False
    claims_administrator_guideline: str = ""
    maximus_guideline: str = ""
    rationale_span: Span = Span(0, 0)


@dataclass
class Letter:
    source: str
    text: str  # normalised
    case_number: Optional[str] = None
    dates: dict[str, dt.date] = field(default_factory=dict)
    date_spans: dict[str, Span] = field(default_factory=dict)
    priority: Optional[str] = None
    specialty: Optional[str] = None
    licensure_states: list[str] = field(default_factory=list)
    summary_span: Span = Span(0, 0)
    items: list[Item] = field(default_factory=list)
    # Set when the letter is cut off after some complete items: `items` holds those, this says what is lost.
    cut_off: Optional[str] = None

    def rationale(self, item: Item) -> str:
        return " ".join(item.rationale_span.of(self.text).split())


# --- dates -------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
DATE = (r"(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})(?!\d)"
        r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4})")
_DATE_RE = re.compile(DATE)


def parse_date(text: str) -> Optional[dt.date]:
    text = text.strip()
    numeric = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})", text)
    try:
        if numeric:
            month, day, year = (int(g) for g in numeric.groups())
            if year < 100:
                year += 2000 if year <= 40 else 1900
            return dt.date(year, month, day)
        named = re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})", text)
        if named and named.group(1).lower() in _MONTHS:
            return dt.date(int(named.group(3)), _MONTHS[named.group(1).lower()], int(named.group(2)))
    except ValueError:
        return None
    return None


# --- structure ---------------------------------------------------------------------------------

_HEADER_FIELDS = {
    "imr_assigned_date": r"Date Assigned:\s*(" + DATE + ")",
    "injury_date": r"Date of Injury:\s*(" + DATE + ")",
    "imr_decision_date": r"Decision Date:\s*(" + DATE + ")",
    "ur_decision_date": r"UR Denial Date:\s*(" + DATE + ")",
    "application_received_date": r"Application\s+Received:\s*(" + DATE + ")",
}
_SUMMARY_HEAD = re.compile(r"CLINICAL CASE SUMMARY\s*\n(?:The expert reviewer developed the following clinical case "
                           r"summary based on a review of the\s+case file, including all medical records:\s*\n)?")
_ISSUES_HEAD = re.compile(r"IMR ISSUES, DECISIONS AND RATIONALES\s*\n(?:The Final Determination was based on "
                          r"decisions for the disputed items/services set forth below:\s*\n)?")
_CA_GUIDELINE = re.compile(r"^Claims Administrator guideline:", re.M)
_MAXIMUS = re.compile(r"^MAXIMUS guideline:", re.M)
_RATIONALE = re.compile(r"^Decision rationale:", re.M)
_OUTCOME = re.compile(r"(?:\s+is)?:\s*(Upheld|Overturned)\s*$", re.I)
_TERMINAL = re.compile(r"[.!?][\"')\]]*$")
_CONTINUATION = re.compile(
    r"^(?:[a-z(]|The remaining IMR|The Claims Administrator authorized|The original request|Administrator\b|"
    r"eligible portion|IMR eligible|was authorized|leaving the original)")
# A header that names the remaining portion but not yet the original request goes on upwards.
_UNFINISHED = re.compile(r"^(?:(?!was the original request).)*(?:was authorized by the Claims|remaining IMR eligible|"
                         r"leaving the original request)", re.S)
_ORIGINAL = re.compile(
    r"^(?P<original>.+?) was the original request\.\s*(?:(?P<authorized>.+?) (?:was|were) authorized by the Claims "
    r"Administrator\.\s*The remaining IMR eligible portion of the original request,?\s*(?P<remaining>.+)"
    r"|The Claims Administrator authorized (?P<authorized2>.+?), leaving the original request IMR eligible\.\s*"
    r"The original request,?\s*(?P<remaining2>.+))$", re.S)
_ASSOCIATED = re.compile(r"^Associated surgical services?:\s*(.+)$", re.I | re.S)

_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY", "north carolina": "NC",
    "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX",
    "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV",
    "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
}


def state_codes(text: str) -> list[str]:
    codes = []
    for part in re.split(r",|;|\band\b", text):
        name = " ".join(part.split()).strip(" .").lower()
        if not name:
            continue
        code = _STATES.get(name) or (name.upper() if name.upper() in _STATES.values() else None)
        if code and code not in codes:
            codes.append(code)
    return codes


# Every letter has this heading once (all 119 dev letters and seeds, either layout): a second one is a second
# letter in the same file (PDFs are sometimes merged), whose items must not take the first one's case number.
_LETTER_MARK = re.compile(r"HOW THE IMR FINAL DETERMINATION WAS MADE", re.I)
_CASE_NUMBER_LINE = re.compile(r"^[ \t]*Case Number:", re.M)


def split_letters(raw: str) -> list[str]:
    """The letters a text holds, in order: one element for one letter. A letter after the first starts at
    its own header block (the last 'Case Number:' line before its heading, after the previous heading),
    or at its heading's line."""
    marks = [m.start() for m in _LETTER_MARK.finditer(raw)]
    if len(marks) < 2:
        return [raw]
    starts = [0]
    for previous, mark in zip(marks, marks[1:]):
        headers = [m.start() for m in _CASE_NUMBER_LINE.finditer(raw, previous, mark)]
        starts.append(headers[-1] if headers else raw.rfind("\n", previous, mark) + 1)
    return [raw[start:end] for start, end in zip(starts, starts[1:] + [len(raw)])]


def parse_letter(raw: str, source: str) -> Letter:
    """The letter's structure; InputError naming the source when it is not a complete IMR letter."""
    text = normalise(raw)
    letter = Letter(source=source, text=text)
    summary = _SUMMARY_HEAD.search(text)
    issues = _ISSUES_HEAD.search(text, summary.end() if summary else 0)
    starts = [m.start() for m in _CA_GUIDELINE.finditer(text)]
    rationale_count = len(_RATIONALE.findall(text))
    if not starts and not rationale_count:
        if summary or "IMR FINAL DETERMINATION" in text:
            raise InputError.single(source, f"has no disputed items (the letter looks cut off); {EXPECTED}")
        raise InputError.single(source, f"is not an IMR determination letter; {EXPECTED}")
    if summary is None:
        raise InputError.single(source, f"has no 'CLINICAL CASE SUMMARY' section (the letter looks cut off); {EXPECTED}")
    body_start = issues.end() if issues else summary.end()
    letter.summary_span = Span(summary.end(), issues.start() if issues else _line_start(text, starts[0]) if starts else len(text))
    _read_header(letter)
    _read_reviewer(letter)
    floor = body_start
    # A letter cut off between an item's header and its rationale: the items before it are complete.
    lost_header = bool(starts) and _RATIONALE.search(text, starts[-1]) is None
    lost_at = starts[-1] if starts else len(text)
    if lost_header and len(starts) > 1:
        starts = starts[:-1]
        rationale_count = min(rationale_count, len(starts))
    for number, ca_start in enumerate(starts, 1):
        item = _read_item(letter, number, ca_start, floor)
        if letter.items:
            previous = letter.items[-1]
            previous.rationale_span = Span(previous.rationale_span.start, item.header_span.start)
        letter.items.append(item)
        floor = item.rationale_span.start
    if letter.items:
        last = letter.items[-1]
        end = len(text)
        if lost_header:
            # The lost item's header (which may span lines) is not rationale: stop at the last full stop before it.
            head = text[last.rationale_span.start:_line_start(text, lost_at)]
            stops = [m.end() for m in re.finditer(r"[.!?][\"')\]]*[ \t]*\n", head)]
            end = last.rationale_span.start + (stops[-1] if stops else len(head))
        last.rationale_span = Span(last.rationale_span.start, end)
    if len(letter.items) != rationale_count:
        raise InputError.single(
            source, f"has {len(letter.items)} item headers but {rationale_count} 'Decision rationale:' blocks; "
                    f"the letter is incomplete or garbled; {EXPECTED}")
    for item in letter.items[:-1] if not lost_header else letter.items:
        body = letter.rationale(item)
        if len(body) < 20:
            raise InputError.single(source, f"item {item.number} ({item.name!r}) has no decision rationale; {EXPECTED}")
    if lost_header:
        letter.cut_off = (f"is cut off after item {len(letter.items)}: item {len(letter.items) + 1} has a header but no "
                          f"decision rationale, and any later item is missing; items 1-{len(letter.items)} were read")
        return letter
    last = letter.items[-1]
    if len(letter.rationale(last)) < 20 or not finished(letter.rationale(last)):
        if len(letter.items) == 1:
            raise InputError.single(
                source, f"ends in the middle of item 1's rationale (the letter looks cut off); {EXPECTED}")
        letter.items.pop()
        letter.cut_off = (f"ends in the middle of item {last.number}'s rationale ({last.name!r}), so that item and any "
                          f"later one are missing; items 1-{len(letter.items)} were read")
    return letter


# A rationale cut off mid-sentence ends on a word that needs more after it, or on a comma or a hyphen.
_DANGLING = re.compile(
    r"(?:[,;:(/&-]|\b(?:a|an|the|of|to|for|and|or|but|nor|with|without|in|on|at|by|from|as|than|that|which|who|"
    r"whose|is|are|was|were|be|been|being|has|have|had|not|no|this|these|those|its|their|his|her|per|such|if|"
    r"because|due|including|into|onto|under|over|after|before|within|whether|should|would|could|may|might|must|"
    r"will|can|does|do|did))$", re.I)
# A final statement of the determination, either way (blind to which way it goes): a copula, the
# verdict word, and at most a short tail ("in the care of this patient", "per the guidelines").
_DETERMINATION = re.compile(
    r"\b(?:is|are|was|were|be|been)\s+(?:not\s+)?(?:(?:considered|deemed|determined|found|shown|seen\s+as)\s+"
    r"(?:to\s+(?:not\s+)?be\s+)?(?:not\s+)?)?(?:\w+ly\s+)?(?:medically\s+|a\s+medical\s+)?(?:necessary|necessity|"
    r"recommended|supported|indicated|appropriate|warranted|reasonable|certified|established|approved|justified)\b",
    re.I)
# A tail that opens a new clause is a sentence still going on.
_OPEN_CLAUSE = re.compile(r"\b(?:if|but|unless|when|because|although|though|since|which|that|until|while|where)\b",
                          re.I)
_MAX_TAIL_WORDS = 8
# Or the phrase a closing recommendation ends on ("... for this injured worker", "... at this time").
_CLOSING_PHRASE = re.compile(r"(?:\b(?:for|to|of|in)\s+(?:this|the)\s+(?:patient|injured\s+worker|IW|claimant|"
                             r"applicant|employee|worker)|\bat\s+this\s+time)$", re.I)


def finished(rationale: str) -> bool:
    """Whether a final rationale is complete: a full stop, or a closing statement of the determination.

    Some complete letters end their last rationale without a full stop ("... is not medically
    necessary" and nothing after it); a letter truly cut off stops mid-sentence.
    """
    body = rationale.rstrip()
    if _TERMINAL.search(body) or _CLOSING_PHRASE.search(body):
        return True
    last = re.split(r"[.!?][\"')\]]*\s", body)[-1]
    closings = list(_DETERMINATION.finditer(last))
    if not closings or _DANGLING.search(body):
        return False
    tail = last[closings[-1].end():]
    return len(tail.split()) <= _MAX_TAIL_WORDS and not _OPEN_CLAUSE.search(tail)


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _read_header(letter: Letter) -> None:
    text = letter.text
    head = text[: letter.summary_span.start]
    number = re.search(r"Case Number:\s*([A-Z]{2}\d{2}-\d{5,})", head)
    if number:
        letter.case_number = number.group(1)
    priority = re.search(r"Priority:\s*([A-Za-z]+)", head)
    if priority:
        letter.priority = priority.group(1)
    for name, pattern in _HEADER_FIELDS.items():
        match = re.search(pattern, head)
        if match:
            day = parse_date(match.group(1))
            if day:
                letter.dates[name] = day
                letter.date_spans[name] = Span(match.start(), match.end())


def _read_reviewer(letter: Letter) -> None:
    head = letter.text[: letter.summary_span.start]
    head = head[: head.rfind("CLINICAL CASE SUMMARY")]
    flat = " ".join(head.split())
    states = re.search(r"State\(s\) of Licensure:\s*([^\n]+)", head)
    specialty = re.search(r"Certification\(s\)/Specialty:\s*(.+?)\s*$", head, re.S)
    if states:
        letter.licensure_states = state_codes(states.group(1))
    if specialty:
        letter.specialty = " ".join(specialty.group(1).split()).strip(" .")
    if not states:
        licensed = re.search(r"licensed to practice in (.+?)\.", flat)
        if licensed:
            letter.licensure_states = state_codes(licensed.group(1))
    if not specialty:
        board = re.search(r"Board Certified in (.+?)(?:,? (?:and )?(?:has a subspecialty in (.+?) )?(?:and )?is licensed)", flat)
        if board:
            letter.specialty = board.group(1).strip(" ,")
            if board.group(2):
                letter.specialty += f", {board.group(2).strip(' ,')}"


def _read_item(letter: Letter, number: int, ca_start: int, floor: int) -> Item:
    text, source = letter.text, letter.source
    outcome_end = ca_start - 1  # the newline before "Claims Administrator guideline:"
    line_start = _line_start(text, max(outcome_end, 0))
    header_start = line_start
    header_text = text[line_start:outcome_end]
    # "...is:\nUpheld": the outcome on its own line.
    if re.fullmatch(r"\s*(Upheld|Overturned)\s*", header_text, re.I) and line_start > floor:
        header_start = _line_start(text, line_start - 1)
    lines_taken = 1
    while header_start > floor and lines_taken < 8:
        previous_start = _line_start(text, header_start - 1)
        previous = text[previous_start:header_start - 1]
        so_far = text[header_start:outcome_end]
        if _TERMINAL.search(previous.rstrip()) and not _CONTINUATION.match(so_far) and not _UNFINISHED.search(
                " ".join(so_far.split())):
            break
        if previous_start < floor or _RATIONALE.match(previous) or previous.startswith("MAXIMUS guideline:"):
            break
        header_start = previous_start
        lines_taken += 1
    raw_header = " ".join(text[header_start:outcome_end].split())
    outcome = _OUTCOME.search(raw_header)
    if not outcome:
        raise InputError.single(source, f"item {number}: no 'Upheld' or 'Overturned' before 'Claims Administrator "
                                        f"guideline:' (read {raw_header[-80:]!r}); {EXPECTED}")
    header = raw_header[: outcome.start()].strip()
    if not header:
        raise InputError.single(source, f"item {number} has no name before its outcome; {EXPECTED}")
    item = Item(number=number, header=header, header_span=Span(header_start, outcome_end),
                outcome=outcome.group(1).lower(), name=header)
    original = _ORIGINAL.match(header)
    if original:
        item.original_request = original.group("original").strip()
        item.authorized = (original.group("authorized") or original.group("authorized2") or "").strip() or None
        item.name = (original.group("remaining") or original.group("remaining2") or "").strip(" ,") or item.original_request
    associated = _ASSOCIATED.match(item.name)
    if associated:
        item.is_associated_service = True
        item.name = associated.group(1).strip()
    maximus = _MAXIMUS.search(text, ca_start)
    rationale = _RATIONALE.search(text, ca_start)
    next_ca = _CA_GUIDELINE.search(text, ca_start + 1)
    limit = next_ca.start() if next_ca else len(text)
    if not maximus or not rationale or not (maximus.start() < rationale.start() < limit):
        raise InputError.single(source, f"item {number} ({item.name!r}) lacks 'MAXIMUS guideline:' or "
                                        f"'Decision rationale:'; {EXPECTED}")
    item.claims_administrator_guideline = _flat(text[ca_start + len("Claims Administrator guideline:"):maximus.start()])
    item.maximus_guideline = _flat(text[maximus.end():rationale.start()])
    item.rationale_span = Span(rationale.end(), limit)
    return item


def _flat(text: str) -> str:
    return " ".join(text.split())
