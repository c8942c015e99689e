"""Sound cues as anchors (issue 12): the transcript's ``( DISTANT EXPLOSION )`` meets the film's
SDH ``(DISTANT EXPLOSION)`` at 0:39.8, in the same chain as the spoken lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SUBTITLES

from companion.alignment.align import MatchWords, align
from companion.alignment.subtitles import load_subtitles, parse_subtitles, speaker_of
from companion.content.films import track_transcript
from companion.store import Store
from companion.timing.retime import locate_word

OPENING_CUE_S = 39.8


@pytest.fixture(scope="module")
def heard(shared):
    return load_subtitles(SUBTITLES)


@pytest.fixture(scope="module")
def index(built_db: Path) -> MatchWords:
    with Store(built_db) as store:
        return MatchWords.from_transcript(track_transcript(store, store.track()["id"]))


def test_subtitles_give_their_sound_cues_and_speakers():
    found = parse_subtitles(
        "1\n00:00:39,800 --> 00:00:42,760\n(DISTANT EXPLOSION)\n\n"
        "2\n00:00:42,800 --> 00:00:44,920\nSTRUCKER ON PA: Everyone to the gates.\n\n"
        "3\n00:00:45,000 --> 00:00:46,000\n[in Russian] Run! (GRUNTS)\n"
    )
    assert [(s.start_s, s.text) for s in found.sounds] == [
        (39.8, "DISTANT EXPLOSION"),
        (45.0, "GRUNTS"),
    ]
    assert [(c.text, c.speaker) for c in found.cues] == [
        ("Everyone to the gates.", "STRUCKER"),
        ("Run!", None),
    ]
    assert speaker_of("- DR. CHO: It's beautiful.") == "DR. CHO"
    assert speaker_of("JARVIS OVER RADIO: Sir?") == "JARVIS"
    assert speaker_of("Meet at 10:30.") is None


@pytest.mark.slow
def test_the_opening_sound_cue_anchors_at_its_subtitle(index, heard):
    result = align(index, heard.cues, heard.sounds)
    first = result.matches[0]
    assert first.sound and first.text == "( DISTANT EXPLOSION )"
    assert abs(first.film_s - OPENING_CUE_S) < 0.5
    assert result.matches[1].film_s > 400  # the first spoken quote, at 7:00
    words = [m.word_start for m in result.matches]
    times = [m.film_s for m in result.matches]
    assert words == sorted(set(words)) and times == sorted(set(times))  # one monotone chain


@pytest.mark.slow
def test_sounds_weigh_less_than_spoken_lines(index, heard):
    result = align(index, heard.cues, heard.sounds)
    sounds = [m for m in result.matches if m.sound]
    spoken = [m for m in result.matches if not m.sound and len(m.text) >= 17]
    assert 1 <= len(sounds) <= 10  # only distinctive sounds: never the director's "(CHUCKLES)"
    assert all("CHUCKL" not in m.text and "LAUGH" not in m.text for m in sounds)
    assert max(m.weight for m in sounds) < sorted(m.weight for m in spoken)[len(spoken) // 2]


@pytest.mark.slow
def test_without_sounds_the_opening_is_only_extrapolated(index, heard):
    lines_only = align(index, heard.cues).matches
    assert not any(m.sound for m in lines_only) and lines_only[0].film_s > 400


def test_shipped_timings_put_the_opening_cue_near_0_40(store: Store):
    track_id = store.track()["id"]
    words = store.track()["source_text"].split()
    assert abs(locate_word(store, track_id, words.index("DISTANT")) - OPENING_CUE_S) < 1.0
    assert store.segments(track_id)[0].start_s == 0.0  # the commentary starts with the film
