"""Ingestion of the real commentary transcript."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import TRANSCRIPT

from companion.content.transcript import (
    TranscriptError,
    normalised_words,
    parse,
    phrase_words,
    read_ocr_table,
    read_source,
)

OCR = TRANSCRIPT.parent / "ocr.tsv"


@pytest.fixture(scope="module")
def transcript():
    return parse(read_source(TRANSCRIPT), read_ocr_table(OCR))


def dialogue_texts(transcript) -> list[tuple[str | None, str]]:
    return [
        (span.speaker, d.text[span.start : span.end])
        for d in transcript.drafts
        for span in d.spans
        if span.kind == "dialogue"
    ]


def test_every_source_word_is_in_exactly_one_segment(transcript):
    source = transcript.source
    rebuilt = [w for d in transcript.drafts for w in source[d.char_start : d.char_end].split()]
    assert rebuilt == source.split()
    assert transcript.drafts[0].word_start == 0
    assert transcript.drafts[-1].word_end == len(source.split())
    for before, after in pairwise(transcript.drafts):
        assert before.word_end == after.word_start
        assert before.char_end < after.char_start


def test_segments_are_readable_anecdotes(transcript):
    """About 20-60 s of speech each, at the commentary's own pace, cut at sentence ends."""
    words_per_s = len(transcript.words) / 8010
    durations = [(d.word_end - d.word_start) / words_per_s for d in transcript.drafts]
    assert 150 < len(transcript.drafts) < 300
    assert min(durations) >= 17 and max(durations) <= 62
    assert sum(20 <= x <= 60 for x in durations) / len(durations) > 0.95
    for d in transcript.drafts[:-1]:
        assert re.search(r"[.?!…\"')]$", d.text), d.text[-40:]


def test_labelled_dialogue_is_marked_with_its_speaker(transcript):
    lines = dialogue_texts(transcript)
    assert ("SOLDIER", "SOLDIER: No, it wasn't.") in lines
    assert any(s == "FURY" and "Artificial intelligence" in t for s, t in lines)
    assert any(s == "ROMANOFF" and t.startswith("ROMANOFF:") for s, t in lines)


def test_unlabelled_line_before_a_resumption_is_dialogue(transcript):
    lines = [t for s, t in dialogue_texts(transcript) if s is None]
    assert "Fact is, he's not like anybody I've ever known." in lines
    assert "A safe house." in lines


def test_director_labels_and_cues(transcript):
    text = " ".join(d.text for d in transcript.drafts)
    assert "WHEDON" not in text
    cues = [d.text[s.start : s.end] for d in transcript.drafts for s in d.spans if s.kind == "cue"]
    assert "(DISTANT EXPLOSION)" in cues and "(CHUCKLES)" in cues
    assert all(c.startswith("(") and c.endswith(")") for c in cues)


def test_ocr_fixes_are_applied(transcript):
    text = " ".join(d.text for d in transcript.drafts)
    for wrong in ("Uitron", "Spadefs", "lmaginarium", "Elf man", "tittie bit", "S.H.l.E.L.D."):
        assert wrong not in text
    for right in ("James Spader's", "Danny Elfman", "Imaginarium", "S.H.I.E.L.D.", "little bit"):
        assert right in text
    assert "CHUCKLING" in text and "CHUCKUNG" not in text


def test_spacing_is_rejoined_for_display(transcript):
    text = " ".join(d.text for d in transcript.drafts)
    assert "it's going to be" in text and "it 's" not in text
    assert "Ultron's" in text and "Come on!" in text
    picked_up = re.sub(r"([.?!:]) \.\.\.", "", text)  # "one. ...is unsafe", "HILL: ...stay"
    assert " ," not in text and " ." not in picked_up
    assert '"tie-in shot."' in text


def test_spans_cover_the_display_text(transcript):
    for d in transcript.drafts:
        assert d.spans[0].start == 0 and d.spans[-1].end == len(d.text)
        for a, b in pairwise(d.spans):
            assert a.end <= b.start and (a.kind, a.speaker) != (b.kind, b.speaker)


def test_phrases_match_whatever_the_spacing(transcript):
    words = [w for w, _ in normalised_words(transcript.words)]
    assert phrase_words("No, it wasn't.") == ["no", "it", "wasnt"]
    assert phrase_words("no it wasn 't") == ["no", "it", "wasnt"]
    assert phrase_words("call him 'sir'") == ["call", "him", "sir"]
    joined = " ".join(words)
    assert " no it wasnt " in joined


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("caf\u00e9 cr\u00e8me".encode("cp1252"), "not UTF-8"),
    ],
)
def test_unusable_transcripts_are_refused_with_the_file_named(tmp_path: Path, content, message):
    path = tmp_path / "transcript.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(TranscriptError) as error:
        read_source(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_utf8_with_bom_is_read(tmp_path: Path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffHello , world .".encode())
    assert read_source(path) == "Hello , world ."
