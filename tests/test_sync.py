"""Measuring a copy's clock on real synthetic copies: the film's opening minutes, its real cue
times spoken by espeak-ng over music and noise, encoded by ffmpeg with a known offset, speed,
inserted scene and subtitle stream (text, PGS, VobSub); and the copies that must be refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from companion.alignment.clockfit import NTSC_FILM, PAL
from companion.alignment.speech import SpeechPattern, load_pattern, pattern_path
from companion.alignment.sync import SyncError, measure_copy, measure_cue_starts
from companion.alignment.voice import measure_audio
from companion.errors import CompanionError
from companion.jobs import Cancelled, CancelToken
from companion.media.probe import probe
from tests.synth_copy import Truth, audio_lag_s, ffmpeg, film_lines, make_copy, speak

# Every test here synthesizes speech (espeak-ng) or reads copies built from it.
pytestmark = pytest.mark.slow

COPY_S = 540.0  # nine minutes of the film's opening
MIN_S = 300.0  # the tests' copies are shorter than a film: the minimum length is lowered
PAL_SPEED = PAL / NTSC_FILM


@pytest.fixture(scope="session")
def reference() -> SpeechPattern:
    return load_pattern("age_of_ultron")


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sync")


@pytest.fixture(scope="session")
def voices(shared: Path, work: Path):
    return speak(film_lines(shared / "data" / "age_of_ultron.en.srt", until_s=COPY_S), work)


@pytest.fixture(scope="session")
def lag(work: Path) -> float:
    """AAC in MKV delays decoded sound (and ffmpeg shifts the other streams alike): measured."""
    measured = audio_lag_s(work)
    assert 0.0 <= measured < 0.1
    return measured


@pytest.fixture(scope="session")
def insert_at(reference: SpeechPattern) -> float:
    """A moment between two lines near 5 minutes in, where the inserted scene goes."""
    starts, ends = reference.starts, reference.ends
    gaps = [i for i in range(len(starts) - 1) if ends[i] > 280 and starts[i + 1] - ends[i] > 1.0]
    return float((ends[gaps[0]] + starts[gaps[0] + 1]) / 2)


COPIES = {
    "text_offset": (Truth(offset_s=23.7), "srt"),
    "vobsub_pal": (Truth(offset_s=-12.3, speed=PAL_SPEED), "dvdsub"),
    "audio_pal": (Truth(offset_s=-12.3, speed=PAL_SPEED), None),
}


@pytest.fixture(scope="session")
def copies(work: Path, voices, insert_at: float) -> dict[str, tuple[Path, Truth]]:
    made = {}
    variants = dict(COPIES)
    variants["pgs_inserted"] = (Truth(offset_s=4.0, insert_at_s=insert_at, insert_s=40.0), "pgs")
    for name, (truth, subtitles) in variants.items():
        duration = COPY_S + (40.0 if truth.insert_at_s else 0.0)
        path = make_copy(work / f"{name}.mkv", voices, truth, duration, subtitles=subtitles)
        made[name] = (path, truth)
    return made


def _measure(path: Path, reference: SpeechPattern, **kwargs):
    return measure_copy(path, reference, min_duration_s=MIN_S, **kwargs)


# ---- the shipped speech pattern --------------------------------------------------------------


def test_shipped_pattern_has_spoken_cue_times_and_no_text(reference: SpeechPattern) -> None:
    data = json.loads(pattern_path("age_of_ultron").read_text())
    assert set(data) == {"format", "film", "runtime_s", "cues"}
    assert all(isinstance(x, float | int) for cue in data["cues"] for x in cue)
    starts = reference.starts
    assert len(starts) > 1500 and reference.runtime_s == 8460
    assert 39.8 not in starts  # "(DISTANT EXPLOSION)": nobody speaks
    assert starts[0] == 42.8  # the first spoken line (Strucker on the PA)
    lengths = reference.ends - starts
    # ends estimated from the words (the SRT's own run to the next cue, up to 6 s)
    assert lengths.min() > 0.3 and lengths.max() <= 6.0 and np.median(lengths) < 2.5


def test_shipped_pattern_is_what_the_script_makes_of_the_real_subtitles(shared: Path) -> None:
    from scripts.make_speech_pattern import spoken_intervals

    made = spoken_intervals(shared / "data" / "age_of_ultron.en.srt")
    shipped = json.loads(pattern_path("age_of_ultron").read_text())["cues"]
    assert len(made) == len(shipped)
    assert np.allclose(np.array(made), np.array(shipped), atol=0.001)


# ---- measuring from subtitle streams --------------------------------------------------------


def test_text_subtitle_stream_gives_the_offset(copies, reference, lag) -> None:
    path, truth = copies["text_offset"]
    measured = _measure(path, reference)
    assert measured.method == "subtitle-stream" and "subrip" in measured.read
    assert measured.release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.02)
    assert measured.release.speed == 1.0 and not measured.release.pieces
    assert measured.summary == "Your copy runs 23.7 s later than the reference."
    assert measured.confidence > 0.7


def test_vobsub_stream_gives_pal_speed_exactly(copies, reference, lag) -> None:
    path, truth = copies["vobsub_pal"]
    measured = _measure(path, reference)
    assert measured.method == "subtitle-stream" and "dvd_subtitle" in measured.read
    assert measured.release.speed == pytest.approx(PAL_SPEED, rel=1e-9)
    assert measured.release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.05)
    assert "earlier than the reference, at PAL speed (25 fps)" in measured.summary


def test_pgs_stream_finds_the_inserted_scene(copies, reference, lag, insert_at) -> None:
    path, truth = copies["pgs_inserted"]
    measured = _measure(path, reference)
    assert measured.method == "subtitle-stream" and "hdmv_pgs_subtitle" in measured.read
    release = measured.release
    assert release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.05)
    assert len(release.pieces) == 1
    piece = release.pieces[0]
    assert piece.from_s == pytest.approx(insert_at, abs=5.0)
    assert piece.offset_s == pytest.approx(truth.offset_s + 40.0 + lag, abs=0.05)
    assert "40.0 s added at" in measured.summary


def test_a_large_file_is_read_in_windows_and_where_it_jumps(
    copies, reference, lag, insert_at, monkeypatch
) -> None:
    from companion.alignment import sync

    monkeypatch.setattr(sync, "WHOLE_FILE_BYTES", 0)  # as if it were a 30 GB rip
    path, truth = copies["pgs_inserted"]
    messages: list[str] = []
    measured = _measure(path, reference, progress=lambda f, m: messages.append(m))
    assert any("windows of 1 subtitle stream" in m for m in messages)
    assert any("where the copy's offset jumps" in m for m in messages)
    assert measured.release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.05)
    (piece,) = measured.release.pieces
    assert piece.from_s == pytest.approx(insert_at, abs=5.0)
    assert piece.offset_s == pytest.approx(truth.offset_s + 40.0 + lag, abs=0.05)


def test_cue_starts_of_a_subtitle_file_give_its_release(reference) -> None:
    starts = reference.starts
    keep = np.random.default_rng(3).random(len(starts)) > 0.1
    measured = measure_cue_starts(list(-7.5 + starts[keep] * PAL_SPEED), reference)
    assert measured.release.offset_s == pytest.approx(-7.5, abs=0.01)
    assert measured.release.speed == pytest.approx(PAL_SPEED, rel=1e-9)
    assert measured.summary.startswith("The subtitles' release runs 7.5 s earlier")


# ---- measuring from the sound ---------------------------------------------------------------


def test_sound_gives_offset_and_pal_speed_when_there_are_no_subtitles(copies, reference, lag):
    path, truth = copies["audio_pal"]
    messages: list[str] = []
    measured = _measure(path, reference, progress=lambda f, m: messages.append(m))
    assert measured.method == "audio"
    assert measured.release.speed == pytest.approx(PAL_SPEED, rel=1e-9)
    assert measured.release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.1)
    assert any(m.startswith("reading audio 00:0") for m in messages)
    assert "min of audio" in measured.read and measured.confidence > 0.5


def test_a_music_only_first_track_is_passed_over_for_the_dialogue(copies, reference, work, lag):
    path, truth = copies["audio_pal"]
    two = ffmpeg(
        work / "two_tracks.mkv",
        *("-i", str(path), "-f", "lavfi", "-i", f"sine=f=330:r=48000:d={COPY_S * PAL_SPEED}"),
        *("-map", "0:v", "-map", "1:a", "-map", "0:a", "-c:v", "copy", "-c:a:0", "aac"),
        *("-c:a:1", "copy", "-shortest"),
    )
    measured = _measure(two, reference)
    assert measured.method == "audio" and "audio track 2" in measured.read
    assert measured.release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.1)


def test_sound_alone_gives_the_offset_of_a_copy_with_subtitles(copies, reference, lag) -> None:
    path, truth = copies["text_offset"]
    heard = measure_audio(probe(path), reference, progress=lambda f, m: None, cancel=CancelToken())
    assert heard.fit.speed == 1.0
    assert heard.fit.offset_s == pytest.approx(truth.offset_s + lag, abs=0.1)


def test_sound_finds_the_inserted_scene(copies, reference, lag, insert_at) -> None:
    from companion.alignment.sync import release_map

    path, truth = copies["pgs_inserted"]
    info = probe(path)
    heard = measure_audio(info, reference, progress=lambda f, m: None, cancel=CancelToken())
    release = release_map(heard.fit, reference, 1000.0)
    assert release.offset_s == pytest.approx(truth.offset_s + lag, abs=0.1)
    assert [p.offset_s for p in release.pieces] == [pytest.approx(44.0 + lag, abs=0.1)]
    assert release.pieces[0].from_s == pytest.approx(insert_at, abs=5.0)


# ---- refusals --------------------------------------------------------------------------------


def _other_film(reference: SpeechPattern) -> SpeechPattern:
    """Another film's pattern: the same kind of dialogue, lines and pauses in another order."""
    rng = np.random.default_rng(11)
    lengths = reference.ends - reference.starts
    gaps = np.diff(reference.starts) - lengths[:-1]
    order = rng.permutation(len(gaps))
    starts = reference.starts[0] + np.concatenate([[0], np.cumsum(lengths[:-1] + gaps[order])])
    cues = tuple(zip(starts.tolist(), (starts + lengths).tolist(), strict=True))
    return SpeechPattern(cues, reference.runtime_s)


def test_a_copy_of_another_film_is_refused(copies, reference) -> None:
    path, _ = copies["text_offset"]
    with pytest.raises(SyncError, match="doesn't match this film"):
        _measure(path, _other_film(reference))
    with pytest.raises(SyncError, match="don't match this film"):
        measure_cue_starts(list(_other_film(reference).starts + 3.0), reference)


def test_cue_starts_of_a_shorter_cut_give_the_removed_scene(reference) -> None:
    starts = reference.starts
    kept = starts[(starts < 3899.5) | (starts >= 3959.5)]  # a minute cut at 1:05:00
    measured = measure_cue_starts(list(np.where(kept < 3899.5, kept + 10, kept - 50)), reference)
    (piece,) = measured.release.pieces
    assert measured.release.offset_s == pytest.approx(10.0, abs=0.01)
    assert piece.offset_s == pytest.approx(-50.0, abs=0.01)
    assert 3899.5 - 1 < piece.from_s < 3959.5 + 1
    # the copy cuts at 1:05:09.5 (3899.5 + 10 s)
    assert measured.summary.endswith("; 60.0 s removed at 01:05:09.")


def test_too_few_cues_are_refused(reference) -> None:
    with pytest.raises(SyncError, match="too few"):
        measure_cue_starts([], reference)
    with pytest.raises(SyncError, match="too few"):
        measure_cue_starts(list(reference.starts[:5]), reference)


@pytest.fixture(scope="session")
def silent_copy(work: Path) -> Path:
    return ffmpeg(
        work / "silent.mkv",
        *("-f", "lavfi", "-i", "color=c=gray:s=64x36:r=1:d=400"),
        *("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo:d=400", "-c:v", "libx264"),
        *("-c:a", "aac", "-t", "400"),
    )


def test_a_silent_copy_is_refused(silent_copy: Path, reference) -> None:
    with pytest.raises(SyncError, match="silent"):
        _measure(silent_copy, reference)


def test_a_copy_shorter_than_ten_minutes_is_refused(silent_copy: Path, reference) -> None:
    with pytest.raises(SyncError, match=r"only 00:06:40 long; a copy of the film runs at least"):
        measure_copy(silent_copy, reference)


def test_an_audio_only_file_is_refused(work: Path, reference) -> None:
    sound = ffmpeg(work / "sound.m4a", "-f", "lavfi", "-i", "sine=d=5", "-c:a", "aac")
    with pytest.raises(SyncError, match="audio-only"):
        measure_copy(sound, reference, min_duration_s=1.0)


def test_a_video_without_sound_or_subtitles_is_refused(work: Path, reference) -> None:
    mute = ffmpeg(work / "mute.mkv", "-f", "lavfi", "-i", "color=s=64x36:r=1:d=20")
    with pytest.raises(SyncError, match="no sound and no subtitles"):
        measure_copy(mute, reference, min_duration_s=1.0)


def test_a_file_ffmpeg_cant_open_is_refused(work: Path, reference) -> None:
    junk = work / "junk.mkv"
    junk.write_bytes(b"\x1a\x45\xdf\xa3 not really a film" * 200)
    with pytest.raises(CompanionError, match="can't open"):
        measure_copy(junk, reference)


def test_cancelling_stops_the_measurement(copies, reference) -> None:
    path, _ = copies["audio_pal"]
    token = CancelToken()
    seen: list[str] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if message.startswith("reading audio"):
            token.cancel()

    with pytest.raises(Cancelled):
        _measure(path, reference, progress=progress, cancel=token)
    assert sum(m.startswith("reading audio") for m in seen) == 1
