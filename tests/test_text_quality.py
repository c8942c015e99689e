"""What the viewer reads, checked over the whole real transcript (issue 12).

Properties, not examples: every segment's quotation marks pair up inside it with no space on
their inner side, no apostrophe is cut from its word, every displayed word is in an English word
list or the film's checked lexicon, and no segment starts in the middle of a sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from conftest import TRANSCRIPT

from companion.content.detokenise import decode_quotes
from companion.content.proofread import (
    WORD_LISTS,
    known_words,
    split_apostrophes,
    unknown_words,
    wrong_quotes,
)
from companion.content.transcript import parse, read_ocr_table, read_source

OCR = TRANSCRIPT.parent / "ocr.tsv"
LEXICON = TRANSCRIPT.parent / "lexicon.txt"
SENTENCE_END = re.compile(r"""[.?!:]["')]*$""")
TRAILING_CUES = re.compile(r"(\s*-?\s*\([A-Z ,'-]+\))+$")


@pytest.fixture(scope="module")
def transcript():
    return parse(read_source(TRANSCRIPT), read_ocr_table(OCR))


@pytest.fixture(scope="module")
def texts(transcript) -> list[str]:
    return [d.text for d in transcript.drafts]


def test_every_quotation_mark_pairs_inside_its_segment_facing_inwards(texts):
    bad = [t[:80] for t in texts if wrong_quotes(t)]
    assert bad == []
    assert sum(t.count('"') for t in texts) >= 390  # the transcript's marks are all shown


def test_no_apostrophe_is_split_from_its_word(texts):
    assert [m for t in texts for m in split_apostrophes(t)] == []


@pytest.mark.parametrize(
    "shown",
    [
        "like Eugene O'Neill long",
        "Georgia O'Keeffe",
        "call him 'sir'?\"",
        "Steve Rogers' bomber jacket",
        "the Bartons' farm",
        "in the '40s,\"",
        'See you all at 8:00."',
        "the spectre of 9/11.",
        '"Hello, Deere" was Robert\'s',
        'our "C" cameraman',
        'I\'m like, "HOW did I miss that?"',
        'what we refer to as the "tie-in shot."',
        "a big ol' liar.",
        "That's the one. ...is unsafe.",
        "Um... I have a lot to say.",
    ],
)
def test_display_text_reads_as_written_english(texts, shown):
    assert any(shown in t for t in texts)


def test_known_ocr_leftovers_are_fixed(texts):
    joined = " ".join(texts)
    for wrong in ("colourthem", "Soto give", "CG!", "....", "firey", "Hot Show"):
        assert wrong not in joined
    for right in ("colour them pink", "So to give her", "a CGI character", "Sean Maher, my old"
                  " crony from Firefly", "Dead Meat in Hot Shots!"):  # fmt: skip
        assert right in joined


def test_every_displayed_word_is_in_a_word_list_or_the_lexicon(texts):
    assert all(p.is_file() for p in WORD_LISTS), "install wamerican and wbritish (run.sh)"
    assert unknown_words(texts, known_words(LEXICON)) == []


def test_the_word_check_catches_a_misreading():
    known = known_words(LEXICON)
    assert unknown_words(["if you colourthem pink, Spadefs"], known) == ["colourthem", "Spadefs"]


def test_no_segment_starts_inside_a_sentence_or_a_quotation(texts):
    for before, text in pairwise(texts):
        assert SENTENCE_END.search(TRAILING_CUES.sub("", before)), before[-60:]
        assert not text[:1].islower(), text[:60]
        assert text.count('"') % 2 == 0, text[:60]


def test_a_mark_the_transcript_is_missing_is_supplied_at_its_sentence():
    resumed = '" Oh , no . " We could do it , no one will hear it , " he said .'
    assert _shown(resumed) == '" Oh , no . " " We could do it , no one will hear it , " he said .'
    assert _shown('I said , " Stop . It hurts .') == 'I said , " Stop . " It hurts .'


def _shown(tokens: str) -> str:
    """The tokens with the marks the decoder supplies, as tokens."""
    texts = tokens.split(" ")
    quotes = decode_quotes(texts, set())
    out = []
    for i, token in enumerate(texts):
        out += [quotes.before.get(i, ""), token, quotes.after.get(i, "")]
    return " ".join(t for t in out if t)
