"""The reader on services named in the guidelines' own lists (the CPMTG's table of contents, the ACOEM 2004
chapters' tables of physical methods, ODG's equipment): each is read under the topic whose clauses speak of it,
not left to `other`. Every request here was written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from imr_check.reader.classify import parse_request


@pytest.mark.parametrize("text, topic", [
    # An infusion (into a vein) is no fusion operation.
    ("Ketamine infusion, 5 sessions", "other"),
    ("Lumbar fusion L4-5", "surgery"),
    # The CPMTG's interferential current units, as requests often spell them.
    ("Inferential unit rental for 30 days", "tens"),
    # The CPMTG's other electrotherapies are stimulator units with clauses of their own, not clinic modalities.
    ("Microcurrent electrical stimulation unit", "tens"),
    ("MENS device, 30 day trial", "tens"),
    ("Galvanic stimulation unit", "tens"),
    ("Percutaneous electrical nerve stimulation x 4", "tens"),
    ("Percutaneous neuromodulation therapy", "tens"),
])
def test_topics(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, field, expected", [
    ("Inferential unit rental for 30 days", "stimulator_types", ["interferential"]),
    ("Microcurrent electrical stimulation unit", "stimulator_types", ["microcurrent"]),
    ("TENS/MENS combination unit", "stimulator_types", ["tens", "microcurrent"]),
    ("Galvanic stimulation unit", "stimulator_types", ["galvanic"]),
    ("PENS, 4 treatments", "stimulator_types", ["percutaneous_electrical_nerve"]),
    ("Percutaneous neuromodulation therapy", "stimulator_types", ["percutaneous_neuromodulation"]),
])
def test_request_parts(text: str, field: str, expected: Any) -> None:
    assert getattr(parse_request(text), field) == expected
