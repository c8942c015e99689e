"""The media layer on a real clip made with ffmpeg: streams, windows of sound, identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from companion.media.identity import fingerprint
from companion.media.pcm import RATE, decoded, read_pcm
from companion.media.probe import MediaError, probe


def test_probe_lists_streams_with_titles(test_clip: Path) -> None:
    info = probe(test_clip)
    assert info.duration_s == pytest.approx(10.0, abs=0.2)
    assert [(s.ordinal, s.title) for s in info.audio] == [(1, "Main"), (2, "Commentary")]
    assert [s.codec for s in info.subtitles] == ["subrip"]
    assert info.has_video


def test_read_pcm_window_is_the_asked_part_of_the_asked_track(test_clip: Path) -> None:
    samples = read_pcm(test_clip, audio_ordinal=2, start_s=2.0, duration_s=1.0)
    assert abs(len(samples) - RATE) < RATE * 0.02
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * RATE / len(samples)
    assert peak_hz == pytest.approx(880, abs=5)  # the "Commentary" tone, not the main one


def test_a_track_decoded_once_gives_the_same_windows_as_seeking(test_clip: Path) -> None:
    with decoded(test_clip, audio_ordinal=2) as decoding:
        track = decoding.ready()
        assert track.duration_s == pytest.approx(10.0, abs=0.2)
        whole = track.read(2.0, 1.0)
        sought = read_pcm(test_clip, audio_ordinal=2, start_s=2.0, duration_s=1.0)
        n = min(len(whole), len(sought))
        assert abs(len(whole) - len(sought)) < RATE * 0.01
        assert np.corrcoef(whole[:n].astype(float), sought[:n].astype(float))[0, 1] > 0.99
        assert track.read(9.9, 5.0).size < RATE * 0.2  # fewer at the end
        folder = track.path.parent
    assert not folder.exists()  # the raw file goes with the block


def test_a_track_that_cannot_be_decoded_is_a_media_error(test_clip: Path) -> None:
    with (
        decoded(test_clip, audio_ordinal=3) as decoding,
        pytest.raises(MediaError, match="track 3"),
    ):
        decoding.ready()


def test_missing_and_unreadable_files_are_media_errors(tmp_path: Path, test_clip: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "absent.mkv")
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"not a video" * 100)
    with pytest.raises(MediaError, match="can't open"):
        probe(junk)
    with pytest.raises(MediaError, match="audio track 3"):
        read_pcm(test_clip, audio_ordinal=3)


def test_fingerprint_follows_content_not_path(tmp_path: Path, test_clip: Path) -> None:
    moved = tmp_path / "renamed.mkv"
    moved.write_bytes(test_clip.read_bytes())
    assert fingerprint(moved) == fingerprint(test_clip)
    changed = bytearray(test_clip.read_bytes())
    changed[len(changed) // 2] ^= 0xFF
    other = tmp_path / "other.mkv"
    other.write_bytes(bytes(changed))
    assert fingerprint(other) != fingerprint(test_clip)
