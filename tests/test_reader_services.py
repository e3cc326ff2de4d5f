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
])
def test_topics(text: str, topic: str) -> None:
    assert parse_request(text).topic == topic


@pytest.mark.parametrize("text, field, expected", [
    ("Inferential unit rental for 30 days", "stimulator_types", ["interferential"]),
])
def test_request_parts(text: str, field: str, expected: Any) -> None:
    assert getattr(parse_request(text), field) == expected
