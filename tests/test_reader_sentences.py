"""Which rationale sentences may feed facts: guideline text and conclusions never do."""

from __future__ import annotations

import pytest

from imr_check.reader.sentences import CONCLUSION, FACT, GUIDELINE, kind
from imr_check.reader.text import Sentence


@pytest.mark.parametrize("text, expected", [
    # The guideline's list of criteria, even when it mentions "prior to" or a procedure.
    ("Further criteria for imaging include a red flag and clarifying anatomy prior to an invasive procedure.",
     GUIDELINE),
    ("ODG criteria include documented failure of a home exercise program.", GUIDELINE),
    ("The patient had an MRI on 3/4/2016 showing a disc protrusion.", FACT),
    ("In this case, the claimant has completed 12 visits of therapy.", FACT),
    ("Therefore, the request is not medically necessary.", CONCLUSION),
])
def test_rationale_sentence_kind(text: str, expected: str) -> None:
    assert kind(Sentence(text, 0, "item 1 rationale"), in_rationale=True) == expected
