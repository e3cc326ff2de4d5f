"""A corpus of bad inputs, written at test time (some are large, one is sparse): case files, letters,
rule test files and files that are not files. Each input is (name, bytes, line): `line` is the line
an error must name when there is one to name, else None.

Nothing here is copied from a real letter: the letter texts are the synthetic ones of the reader tests.
"""

from __future__ import annotations

import random
from typing import Iterator, Optional

from test_reader_synthetic import HEADER, OLD_LAYOUT

Input = tuple[str, bytes, Optional[int]]
REQUEST = "requests:\n  - {text: Acupuncture x6, topic: acupuncture, sessions: 6}\n"
MARKUP = ["[/]", "[bold]", "[/bold]", "[red]x[/red]", "[link=file:///x]y", "\\[", "[[/]]", "[b][/i]"]


def case_files() -> Iterator[Input]:
    """Case files (.yaml) that are invalid, odd or valid-but-strange."""
    yield "empty.yaml", b"", None
    yield "spaces.yaml", b"   \n\n\t\n", None
    yield "scalar.yaml", b"42\n", None
    yield "list.yaml", b"- a\n- b\n", 1
    yield "no-requests.yaml", b"case: {id: x}\n", None
    yield "requests-empty.yaml", b"requests: []\n", 1
    yield "requests-scalar.yaml", b"requests: 3\n", 1
    yield "nul.yaml", b"case:\n  id: a\x00b\n" + REQUEST.encode(), 2
    yield "bell.yaml", b"case:\n  id: x\n\n  priority: \x07\n" + REQUEST.encode(), 4
    yield "latin1.yaml", b"case:\n  id: caf\xe9\n" + REQUEST.encode(), 2
    yield "utf16.yaml", ("case: {id: x}\n" + REQUEST).encode("utf-16"), 1
    yield "utf8-bom.yaml", b"\xef\xbb\xbf" + REQUEST.encode(), None
    yield "tabs.yaml", b"requests:\n\t- {text: a, topic: acupuncture}\n", 2
    yield "unclosed.yaml", b"requests:\n  - {text: 'a, topic: acupuncture}\n", None
    yield "nested.yaml", b"requests: " + b"[" * 5000 + b"]" * 5000 + b"\n", None
    yield "laughs.yaml", (b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((bytes([98 + i]),) * 2 + (bytes([97 + i]),) * 9)
        for i in range(8)) + REQUEST.encode()), None
    yield "recursive-anchor.yaml", b"requests: &r [*r]\n", None
    yield "python-tag.yaml", b"requests: !!python/object/apply:os.system ['true']\n", 1
    yield "custom-tag.yaml", b"requests: !thing 3\n", 1
    yield "duplicate.yaml", b"requests:\n  - {text: a, text: b, topic: acupuncture}\n", 2
    yield "merge.yaml", b"requests:\n  - &a {text: a, topic: acupuncture, sessions: 3}\n  - <<: *a\n    id: two\n    sessions: 4\n", None
    yield "merge-bad.yaml", b"requests:\n  - <<: 3\n    text: a\n", 2
    yield "null-key.yaml", b"case: {id: x}\nnull: 1\n" + REQUEST.encode(), 2
    yield "yes-key.yaml", b"case:\n  id: x\n  yes: 1\n" + REQUEST.encode(), 3
    yield "int-key.yaml", b"requests:\n  - {text: a, topic: acupuncture, 3: x}\n", 2
    yield "complex-key.yaml", b"? [a, b]\n: 1\n" + REQUEST.encode(), 1
    yield "age-true.yaml", b"patient: {age: true}\n" + REQUEST.encode(), 1
    yield "age-float.yaml", b"patient: {age: 44.5}\n" + REQUEST.encode(), 1
    yield "age-negative.yaml", b"patient: {age: -1}\n" + REQUEST.encode(), 1
    yield "age-huge.yaml", b"patient:\n  age: " + b"9" * 5000 + b"\n" + REQUEST.encode(), 2
    yield "age-float-huge.yaml", b"patient: {age: 1e999}\n" + REQUEST.encode(), 1
    yield "pain-nan.yaml", b"clinical:\n  pain: {current: .nan}\n" + REQUEST.encode(), 2
    yield "pain-inf.yaml", b"clinical:\n  pain: {current: .inf}\n" + REQUEST.encode(), 2
    yield "pain-bool.yaml", b"clinical:\n  pain: {current: true}\n" + REQUEST.encode(), 2
    yield "fact-int.yaml", b"clinical:\n  red_flags: 1\n" + REQUEST.encode(), 2
    yield "fact-string.yaml", b"clinical:\n  red_flags: perhaps\n" + REQUEST.encode(), 2
    yield "date-zero.yaml", b"case: {injury_date: 0}\n" + REQUEST.encode(), 1
    yield "date-unix.yaml", b"case:\n  request_date: 1431000000\n" + REQUEST.encode(), 2
    yield "date-invalid.yaml", b"case:\n  request_date: 2015-13-45\n" + REQUEST.encode(), 2
    yield "date-words.yaml", b"case:\n  request_date: yesterday\n" + REQUEST.encode(), 2
    yield "date-order-request.yaml", b"case: {injury_date: 2016-05-01, request_date: 2016-01-01}\n" + REQUEST.encode(), 1
    yield "date-order-ur.yaml", b"case: {injury_date: 2016-05-01, ur_decision_date: 2016-01-01}\n" + REQUEST.encode(), 1
    yield "date-order-imr.yaml", b"case: {request_date: 2016-05-01, imr_decision_date: 2016-01-01}\n" + REQUEST.encode(), 1
    yield "date-year-1.yaml", b"case: {request_date: 0001-01-01}\n" + REQUEST.encode(), None
    yield "date-year-9999.yaml", b"case: {request_date: 9999-12-31}\n" + REQUEST.encode(), None
    yield "topic-unknown.yaml", b"requests:\n  - {text: a, topic: astrology}\n", 2
    yield "topic-list.yaml", b"requests:\n  - {text: a, topic: [acupuncture]}\n", 2
    yield "text-missing.yaml", b"requests:\n  - {topic: acupuncture}\n", 2
    yield "text-empty.yaml", b"requests:\n  - {text: '', topic: acupuncture}\n", None
    yield "text-huge.yaml", b"requests:\n  - {text: '" + b"a" * 1_000_000 + b"', topic: acupuncture}\n", None
    yield "ids-duplicate.yaml", b"requests:\n  - {id: a, text: x, topic: acupuncture}\n  - {id: a, text: y, topic: acupuncture}\n", None
    yield "associated-self.yaml", b"requests:\n  - {id: a, text: x, topic: acupuncture, associated_with: a}\n", None
    yield "evidence-bad.yaml", b"evidence: {nowhere: [{sentence: x}]}\n" + REQUEST.encode(), None
    yield "evidence-offset.yaml", b"evidence:\n  clinical.red_flags: [{sentence: x, offset: -3}]\n" + REQUEST.encode(), None
    yield "sessions-huge.yaml", b"requests:\n  - {text: a, topic: acupuncture, sessions: 99999999}\n", 2
    yield "sessions-string.yaml", b"requests:\n  - {text: a, topic: acupuncture, sessions: six}\n", 2
    yield "unknown-key.yaml", b"requests:\n  - {text: a, topic: acupuncture, sesions: 6}\n", 2
    yield "drug-bad.yaml", b"requests:\n  - {text: a, topic: opioid, drug: 3}\n", 2
    yield "ur-bad.yaml", b"requests:\n  - {text: a, topic: acupuncture, ur: {decision: maybe}}\n", 2
    yield "imr-bad.yaml", b"requests:\n  - {text: a, topic: acupuncture, imr: {outcome: sideways}}\n", 2
    yield "crlf.yaml", REQUEST.replace("\n", "\r\n").encode(), None
    yield "cr-only.yaml", REQUEST.replace("\n", "\r").encode(), None
    yield "binary.yaml", bytes(range(256)) * 4, None
    yield "pdf-as-yaml.yaml", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", None
    for number, markup in enumerate(MARKUP):
        yield f"markup-value-{number}.yaml", (f"case: {{id: 'x{markup}'}}\nrequests:\n  - {{text: 'Acupuncture {markup}', "
                                              f"topic: acupuncture}}\n").encode(), None
        yield f"markup-key-{number}.yaml", f"'k{markup}': 1\n{REQUEST}".encode(), 1
        yield f"markup-topic-{number}.yaml", f"requests:\n  - {{text: a, topic: 'x{markup}'}}\n".encode(), 2
        yield f"markup{markup.replace('/', '')}-{number}.yaml", b"requests: 3\n", 1
    many = "case: {request_date: 2016-03-01}\nrequests:\n" + "".join(
        f"  - {{text: Acupuncture x{i % 12 + 1}, topic: acupuncture, sessions: {i % 12 + 1}}}\n" for i in range(2000))
    yield "many-requests.yaml", many.encode(), None


def letters() -> Iterator[Input]:
    """Letter files (.txt, .pdf): not letters, broken letters, odd encodings, and letters in odd company."""
    yield "empty.txt", b"", None
    yield "blank.txt", b"\n\n   \n", None
    yield "binary.txt", bytes(range(256)) * 16, None
    yield "nul-letter.txt", HEADER.encode()[:400] + b"\x00" + HEADER.encode()[400:], None
    yield "controls.txt", HEADER.replace(".", ".\x01\x02").encode(), None
    yield "utf16.txt", HEADER.encode("utf-16"), None
    yield "utf16le.txt", HEADER.encode("utf-16-le"), None
    yield "utf16be.txt", HEADER.encode("utf-16-be"), None
    yield "utf16-odd.txt", HEADER.encode("utf-16")[:-1], None
    yield "cp1252.txt", HEADER.replace("reviewer", "reviewer\u2019s").encode("cp1252"), None
    yield "crlf.txt", HEADER.replace("\n", "\r\n").encode(), None
    yield "cr.txt", HEADER.replace("\n", "\r").encode(), None
    yield "old-layout.txt", OLD_LAYOUT.encode(), None
    yield "cut-header.txt", HEADER[:300].encode(), None
    yield "cut-middle.txt", HEADER[: len(HEADER) // 2].encode(), None
    yield "cut-end.txt", HEADER[:-40].encode(), None
    yield "no-items.txt", HEADER.split("IMR ISSUES")[0].encode(), None
    yield "no-summary.txt", HEADER.replace("CLINICAL CASE SUMMARY", "").encode(), None
    yield "two-letters.txt", (HEADER + HEADER.replace("CM99-0000001", "CM99-0000002")).encode(), None
    yield "three-letters.txt", (HEADER + OLD_LAYOUT + HEADER.replace("CM99-0000001", "CM99-0000003")).encode(), None
    yield "repeated-items.txt", (HEADER + HEADER.split("IMR ISSUES, DECISIONS AND RATIONALES")[1] * 20).encode(), None
    yield "not-a-letter.txt", b"Dear friend,\nThis is a shopping list: eggs, milk.\n", None
    yield "yaml-as-letter.txt", REQUEST.encode(), None
    yield "pdf-header-only.pdf", b"%PDF-1.7\n", None
    yield "pdf-junk.pdf", b"%PDF-1.4\n" + bytes(random.Random(1).randrange(256) for _ in range(5000)), None
    yield "pdf-empty.pdf", b"", None
    yield "text-named-pdf.pdf", HEADER.encode(), None
    for number, markup in enumerate(MARKUP):
        yield f"markup-item-{number}.txt", HEADER.replace("Right knee arthroscopy", f"Right knee {markup} arthroscopy").encode(), None
        yield f"markup-summary-{number}.txt", HEADER.replace("lumbar strain", f"lumbar {markup} strain").encode(), None
    long_summary = HEADER.replace("There\nis no evidence of red flags.", "There is no evidence of red flags. " * 3000)
    yield "long-summary.txt", long_summary.encode(), None
    yield "long-line.txt", HEADER.replace("\n", " ", 30).encode() + b"x" * 200_000, None


def random_inputs(count: int, seed: int = 13) -> Iterator[Input]:
    """Random bytes, and letters and case files with random bytes spliced in (seeded: the same every run)."""
    rng = random.Random(seed)
    case = ("case: {id: r, request_date: 2016-01-01}\n" + REQUEST).encode()
    for number in range(count):
        kind = number % 4
        if kind == 0:
            data, name = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))), f"random-{number}.txt"
        elif kind == 1:
            data, name = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600))), f"random-{number}.yaml"
        elif kind == 2:
            text = bytearray(HEADER.encode())
            for _ in range(rng.randrange(1, 12)):
                at = rng.randrange(len(text))
                text[at:at + rng.randrange(0, 40)] = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 20)))
            data, name = bytes(text), f"spliced-{number}.txt"
        else:
            text = bytearray(case)
            at = rng.randrange(len(text))
            text[at:at + rng.randrange(0, 6)] = bytes(rng.choice(b"{}[]:,'\"&*!|>-?#%@` \n\t\x00\x85") for _ in range(rng.randrange(1, 6)))
            data, name = bytes(text), f"spliced-{number}.yaml"
        yield name, data, None


def rule_test_files() -> Iterator[Input]:
    """Malformed rule test files for `rules --coverage --tests DIR`."""
    yield "mapping.yaml", b"{a: 1}\n", 1
    yield "scalar-case.yaml", b"- 3\n", 1
    yield "rules-scalar.yaml", b"- name: x\n- expect: {rules: 5}\n", 2
    yield "criteria-list.yaml", b"- expect: {criteria: [x]}\n", 1
    yield "expect-list.yaml", b"- expect: [1]\n", 1
    yield "unclosed.yaml", b"- [unclosed\n", 2
    yield "control.yaml", b"- expect:\n    rules: [a]\n  bad: \x01\n", 3
    yield "binary.yaml", bytes(range(256)), None
    yield "markup.yaml", b"- expect: {rules: ['[/]'], criteria: {'[bold]': met}}\n", None
    yield "empty.yaml", b"", None
