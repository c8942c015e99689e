"""Film lines marked from the evidence of the subtitles (issue 12), not only from labels."""

from __future__ import annotations

import re

import pytest
from conftest import SUBTITLES, TRANSCRIPT

from companion.alignment.align import MatchWords, align
from companion.alignment.dialogue import dialogue_evidence
from companion.alignment.subtitles import load_subtitles
from companion.content.transcript import (
    TranscriptError,
    parse,
    read_dialogue_table,
    read_ocr_table,
    read_source,
)

OCR = TRANSCRIPT.parent / "ocr.tsv"
TABLE = TRANSCRIPT.parent / "dialogue.tsv"


@pytest.fixture(scope="module")
def transcript():
    return parse(read_source(TRANSCRIPT), read_ocr_table(OCR), dialogue=read_dialogue_table(TABLE))


def spans(transcript, kind="dialogue") -> list[tuple[str | None, str]]:
    return [
        (s.speaker, d.text[s.start : s.end])
        for d in transcript.drafts
        for s in d.spans
        if s.kind == kind
    ]


@pytest.mark.parametrize(
    "line", ["I want to apply this to the Ultron program.", "What comes out of Wakanda?"]
)
def test_unlabelled_film_lines_are_marked_as_dialogue(transcript, line):
    assert any(line in text for _, text in spans(transcript))
    assert not any(line in text for _, text in spans(transcript, "commentary"))


def test_a_match_reaching_into_the_directors_words_is_cut_back(transcript):
    """A two-cue line ("I am Thor, son of Odin, / and as long as...") matched fuzzily over
    "if he was one of them. ...and as long as": only what the cue says is film dialogue."""
    assert not any("if he was one of them" in text for _, text in spans(transcript))
    assert any("as long as there is life in my breast" in text for _, text in spans(transcript))


def test_the_subtitles_name_speakers_the_transcript_did_not(transcript):
    named = {speaker for speaker, _ in spans(transcript)}
    assert {"JARVIS", "HILL", "FRIDAY"} <= named


@pytest.mark.slow
def test_the_shipped_table_is_what_the_subtitles_teach(shared):
    """Reproducible from the real subtitles, and holding no subtitle text (it ships)."""
    bare = parse(read_source(TRANSCRIPT), read_ocr_table(OCR))
    found = load_subtitles(SUBTITLES)
    matches = align(MatchWords.from_transcript(bare), found.cues, found.sounds).matches
    assert dialogue_evidence(bare, found.cues, matches) == read_dialogue_table(TABLE)
    rows = [line for line in TABLE.read_text().splitlines() if not line.startswith("#")]
    assert len(rows) >= 130
    assert all(re.fullmatch(r"\d+\t\d+\t[A-Z][A-Z0-9 .'-]*|\d+\t\d+\t", row) for row in rows)


def test_a_run_holding_two_speakers_is_split_at_their_cue():
    source = "WHEDON : Here . STARK : Thanks , buddy . Enjoy yourself , sir . WHEDON : Fun ."
    # words 10-13 ("Enjoy yourself , sir") are a cue the subtitles give to Jarvis
    parsed = parse(source, dialogue=[(10, 14, "JARVIS")], words_per_segment=(1, 5, 40))
    text = " ".join(d.text for d in parsed.drafts)
    assert "STARK: Thanks, buddy. JARVIS: Enjoy yourself, sir. Fun." in text
    assert [s for s, _ in spans(parsed)] == ["STARK", "JARVIS"]


def test_a_cue_holding_a_label_keeps_the_labels_speakers():
    source = "WHEDON : Here . WANDA : You don 't know . ROGERS : Not a game ! WHEDON : Fun ."
    parsed = parse(source, dialogue=[(6, 16, "WANDA")], words_per_segment=(1, 5, 40))
    assert [s for s, _ in spans(parsed)] == ["WANDA", "ROGERS"]


def test_a_bad_dialogue_table_is_refused(tmp_path):
    path = tmp_path / "dialogue.tsv"
    path.write_text("12\tx\tSTARK\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"dialogue.tsv:1: expected"):
        read_dialogue_table(path)
    path.write_text("12\t12\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="empty"):
        read_dialogue_table(path)
