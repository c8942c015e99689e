"""`companion locate` finds every phrase of the real transcript, raw or as displayed (issue 12)."""

from __future__ import annotations

import pytest
from conftest import TRANSCRIPT

from companion.content.locate import Locator
from companion.content.transcript import parse, read_ocr_table, read_source

WINDOW = 6


@pytest.fixture(scope="module")
def locator():
    return Locator(parse(read_source(TRANSCRIPT), read_ocr_table(TRANSCRIPT.parent / "ocr.tsv")))


def test_every_raw_phrase_is_found_at_or_before_where_it_is(locator):
    words = locator.transcript.words
    missed = []
    for i in range(0, len(words) - WINDOW, 3):
        window = words[i : i + WINDOW]
        phrase = " ".join(w.raw for w in window)
        first = next((w.index for w in window if any(c.isalnum() for c in w.raw)), i)
        found = locator.find(phrase)
        if found is None or found > first:
            missed.append(phrase)
    assert missed == []


def test_every_displayed_phrase_is_found_in_or_before_its_segment(locator):
    missed = []
    for draft in locator.transcript.drafts:
        shown = draft.text.split()
        for i in range(0, max(len(shown) - WINDOW, 1), 3):
            phrase = " ".join(shown[i : i + WINDOW])
            found = locator.find(phrase)
            if found is None or found >= draft.word_end:
                missed.append(phrase)
    assert missed == []


@pytest.mark.parametrize(
    "phrase",
    [
        "Stop trying to scare us . WHEDON",
        "This is going very well . ( RAPID",
        "that now . ( DISTANT EXPLOSION",
        "( IN NORMAL VOICE )",
        "James Spadefs performance",  # the raw OCR spelling
        "James Spader's performance",  # the displayed one
        "wasn't",
    ],
)
def test_phrases_across_labels_cues_and_spellings(locator, phrase):
    assert locator.find(phrase) is not None


def test_a_phrase_that_is_not_there_is_not_found(locator):
    assert locator.find("the purple elephant sang opera") is None
    assert locator.find("...") is None
