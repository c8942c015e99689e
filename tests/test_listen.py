"""Listening: a few minutes of the real transcript spoken over the film's sound and music.

The track is built once per session (festival's HTS voice for the director, espeak-ng for the
film's subtitle lines, music); the prior is drawn through the quoted film lines at their true
times, as the subtitle anchors are, so it is seconds off where the director paused unevenly.
"""

from __future__ import annotations

import itertools
import shutil
import statistics
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pysubs2
import pytest
import speech
from conftest import SUBTITLES, TRANSCRIPT

from companion.alignment.listen import ListenError, commentary_sentences, listen
from companion.alignment.pronounce import (
    bundled_table,
    dictionary_words,
    espeak_pronunciations,
    spoken_words,
)
from companion.content.transcript import Transcript, parse, read_ocr_table, read_source
from companion.model import Anchor
from companion.timing.timemap import TimeMap, spoken_positions

pytestmark = pytest.mark.skipif(
    not (shutil.which("festival") and shutil.which("espeak-ng")),
    reason="needs festival (festvox-us-slt-hts) and espeak-ng to synthesize speech",
)
STRETCH = (1150, 1900)  # word range: ~37 sentences, two quoted film lines
FILM_START_S = 400.0  # the part of the film whose sound runs under the stretch


@dataclass(frozen=True)
class Track:
    transcript: Transcript
    sentences: list[tuple[int, int]]
    layout: speech.Layout
    mixed: Path
    film: Path
    other: Path

    def prior(self) -> TimeMap:
        first, last = self.sentences[0], self.sentences[-1]
        known = [(first[0], self.layout.sentence_starts[first]), *self.layout.known]
        known.append((last[1], self.layout.duration - 3.0))
        tokens = [w.text for w in self.transcript.words]
        made = TimeMap.anchored(
            [], [Anchor(w, t) for w, t in known], 0.3, spoken=spoken_positions(tokens)
        )
        assert made is not None
        return made[0]


@pytest.fixture(scope="session")
def transcript() -> Transcript:
    return parse(read_source(TRANSCRIPT), read_ocr_table(TRANSCRIPT.parent / "ocr.tsv"))


@pytest.fixture(scope="session")
def track(transcript: Transcript, tmp_path_factory, shared) -> Track:
    folder = tmp_path_factory.mktemp("listen")
    spans = [s for s in commentary_sentences(transcript) if STRETCH[0] <= s[0] < STRETCH[1]]
    layout = _spoken(transcript, spans, folder / "director", seed=1)
    cues = [(e.start / 1000, e.end / 1000, e.plaintext) for e in pysubs2.load(str(SUBTITLES))]
    film = speech.film_track(cues, FILM_START_S, layout.duration, seed=2)
    director = speech.director_track(layout, _clips(layout))
    # another commentary: other sentences of the transcript where these are expected
    others = [s for s in commentary_sentences(transcript) if s[0] >= 9000][: len(spans)]
    other_layout = _spoken(transcript, others, folder / "other", seed=3)
    other = speech.director_track(other_layout, _clips(other_layout))
    return Track(
        transcript,
        spans,
        layout,
        speech.write_wav(folder / "mixed.wav", speech.mix(director, film, -15.0)),
        speech.write_wav(folder / "film.wav", film),
        speech.write_wav(folder / "other.wav", speech.mix(other, film, -15.0)),
    )


def _spoken(
    transcript: Transcript, spans: list[tuple[int, int]], folder: Path, seed: int
) -> speech.Layout:
    texts = [speech.sentence_text(transcript, s) for s in spans]
    wavs = speech.synthesize(texts, folder)
    lengths = [len(speech.trimmed(speech.read_wav(w))) / speech.RATE for w in wavs]
    return speech.lay_out(transcript, spans, wavs, lengths, seed=seed)


def _clips(layout: speech.Layout) -> dict[Path, np.ndarray]:
    return {wav: speech.trimmed(speech.read_wav(wav)) for _, wav in layout.placed}


def test_commentary_sentences_are_the_directors_own(transcript: Transcript) -> None:
    sentences = commentary_sentences(transcript)
    assert len(sentences) > 1000
    assert all(a < b for a, b in sentences)
    assert all(b <= a2 for (_, b), (a2, _) in itertools.pairwise(sentences))
    for a, b in sentences:
        inside = transcript.words[a:b]
        assert all(w.kind == "commentary" and not w.label for w in inside)
        assert spoken_words(inside)
    said = {" ".join(w.text for w in transcript.words[a:b]) for a, b in sentences}
    assert "Um ..." in said  # the one-word sentences are there (aligned with their neighbours)
    assert not any("WHEDON :" in s for s in said)
    said_words = {w for a, b in sentences for w, _ in spoken_words(transcript.words[a:b])}
    assert "chuckles" not in said_words


def test_every_word_of_the_bundled_transcript_can_be_pronounced(transcript: Transcript) -> None:
    known = dictionary_words() | bundled_table().keys()
    missing = {w for w, _ in spoken_words(transcript.words) if w not in known}
    assert not missing


def test_espeak_pronunciations_are_arpabet() -> None:
    phones = espeak_pronunciations(["ultron", "vibranium"])
    assert phones["ultron"].split()[:2] == ["AH", "L"]
    arpabet = "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T "
    arpabet += "TH UH UW V W Y Z ZH"
    assert set(phones["vibranium"].split()) <= set(arpabet.split())


@pytest.mark.slow
def test_listening_places_sentences_where_he_says_them(track: Track) -> None:
    prior = track.prior()
    heard = listen(track.mixed, 1, track.transcript, prior.time_at, processes=2)
    truth = track.layout.sentence_starts
    got = {(h.word_start, h.word_end): h for h in heard.heard}
    errors = [abs(got[s].start_s - truth[s]) for s in track.sentences if s in got]
    prior_errors = [abs(prior.time_at(s[0]) - truth[s]) for s in track.sentences]
    assert heard.share >= 0.85
    assert len(errors) >= 0.85 * len(track.sentences)
    assert statistics.median(errors) < 0.15
    assert max(errors) < 1.0
    assert statistics.median(prior_errors) > 5 * statistics.median(errors)
    assert max(prior_errors) > 5.0  # the prior alone is seconds off
    for h in heard.heard:
        assert h.start_s < h.end_s and 0 < h.confidence <= 1
        assert all(h.word_start <= i < h.word_end for i, _, _ in h.words)
        assert [a for _, a, _ in h.words] == sorted(a for _, a, _ in h.words)
    assert heard.seconds > 0


@pytest.mark.slow
def test_a_sentence_only_the_film_says_under_him_is_not_heard_there(
    track: Track, tmp_path: Path
) -> None:
    """His voice is the track's foreground: a sentence he skips, said by someone in the film's
    sound (15 dB under him), is not placed on the film's line. Matched words alone would place
    it: the audio is the very same recording."""
    transcript, layout = track.transcript, track.layout
    spans = [s for s in track.sentences if len(spoken_words(transcript.words[s[0] : s[1]])) >= 8]
    skipped = spans[len(spans) // 2]
    at = layout.sentence_starts[skipped]
    wav = next(w for t, w in layout.placed if t == at)
    clips = _clips(layout)
    director = speech.director_track(
        replace(layout, placed=[p for p in layout.placed if p[1] != wav]), clips
    )
    film = speech.read_wav(track.film).astype(np.float32)
    said = clips[wav] * (speech.rms(film) / speech.rms(clips[wav]))
    first = round(at * speech.RATE)
    film[first : first + len(said)] += said[: len(film) - first]
    mixed = speech.write_wav(tmp_path / "skipped.wav", speech.mix(director, film, -15.0))
    heard = listen(mixed, 1, transcript, track.prior().time_at, processes=2)
    got = {(h.word_start, h.word_end): h for h in heard.heard}
    assert skipped not in got
    assert heard.share >= 0.8  # the others still are


@pytest.mark.slow
def test_the_films_own_sound_is_refused(track: Track) -> None:
    with pytest.raises(ListenError, match="doesn't sound like this commentary"):
        listen(track.film, 1, track.transcript, track.prior().time_at, processes=1)


@pytest.mark.slow
def test_another_commentary_is_refused(track: Track) -> None:
    with pytest.raises(ListenError, match="doesn't sound like this commentary"):
        listen(track.other, 1, track.transcript, track.prior().time_at, processes=1)


@pytest.mark.slow
def test_silence_is_refused(track: Track, tmp_path: Path) -> None:
    silent = speech.write_wav(tmp_path / "silence.wav", np.zeros(speech.RATE * 240))
    with pytest.raises(ListenError, match="silent"):
        listen(silent, 1, track.transcript, track.prior().time_at, processes=1)


@pytest.mark.slow  # builds the synthesised track
def test_a_missing_track_or_no_audio_is_refused(track: Track, tmp_path: Path) -> None:
    with pytest.raises(ListenError, match="no audio track 2"):
        listen(track.mixed, 2, track.transcript, track.prior().time_at, processes=1)
    video = tmp_path / "mute.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=d=2:s=64x48", str(video)],
        check=True,
    )
    with pytest.raises(ListenError, match="no audio"):
        listen(video, 1, track.transcript, track.prior().time_at, processes=1)


def test_a_unit_heard_where_its_neighbours_say_it_cannot_be_is_dropped() -> None:
    """The prior is off by a smoothly varying amount; a long pause it doesn't know shifts every
    later offset (kept), a match on the wrong speech shifts one alone (dropped), and so does a
    unit heard before the one it follows."""
    from companion.alignment.listen import HeardSentence, _drop_outliers, _Unit

    offsets = [0.5, 0.6, 0.4, 12.0, 12.2, 12.1, -20.0, 12.3, 12.2, 12.4]
    units = [_Unit(((10 * n, 10 * n + 10),), (), 10.0 * n, 10.0 * n + 5) for n in range(10)]
    found = [
        [HeardSentence(10 * n, 10 * n + 10, 10.0 * n + d, 10.0 * n + d + 4, 1.0, ())]
        for n, d in enumerate(offsets)
    ]
    found.append([HeardSentence(100, 110, 50.0, 54.0, 1.0, ())])  # before the unit it follows
    units.append(_Unit(((100, 110),), (), 100.0 - 48.0, 100.0 - 45.0))
    _drop_outliers(units, found)
    assert [bool(hs) for hs in found] == [True] * 6 + [False] + [True] * 3 + [False]
