"""Subtitle input: the real film's subtitles, every format and encoding, video tracks, bad files."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pysubs2
import pytest
from conftest import needs_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.alignment.subtitles import (
    SubtitleError,
    choose_text_stream,
    clean_line,
    decode_bytes,
    load_cues,
    parse_subtitle_text,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "age_of_ultron.en.srt"


@pytest.fixture(scope="module")
def real_cues(shared):
    return load_cues(REAL)


def test_real_subtitles_are_clean_spoken_lines(real_cues):
    texts = [c.text for c in real_cues]
    # 2,157 events, of which the sound-only ones ("(GRUNTS)") carry no words.
    assert 1500 < len(real_cues) < 2157
    assert texts[0] == "Report to your stations immediately."  # "STRUCKER ON PA:" label gone
    assert not any("(" in t or ")" in t for t in texts)
    assert not any(t.split(":")[0].isupper() and ":" in t for t in texts)
    starts = [c.start_s for c in real_cues]
    assert starts == sorted(starts)
    assert all(c.end_s >= c.start_s for c in real_cues)
    wakanda = [c for c in real_cues if c.text == "What comes out of Wakanda?"]
    assert len(wakanda) == 1 and abs(wakanda[0].start_s - 2512.5) < 1.0


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<i>Hello</i> there", "Hello there"),
        ("{\\an8}JARVIS: Sir?", "Sir?"),
        ("DR. CHO: It's beautiful.", "It's beautiful."),
        ("(GRUNTS)", ""),
        ("[music playing] Run!", "Run!"),
        ("♪ Hey ♪", "Hey"),
        ("- No, it wasn't.", "No, it wasn't."),
        ("Meet at 10:30 tomorrow.", "Meet at 10:30 tomorrow."),
    ],
)
def test_clean_line(raw: str, clean: str):
    assert clean_line(raw) == clean


def test_dialogue_dashes_split_a_cue_and_wrapped_lines_join():
    cues = parse_subtitle_text(
        "1\n00:00:10,000 --> 00:00:14,000\n- Shut it down!\n- Nope, not gonna happen.\n\n"
        "2\n00:00:15,000 --> 00:00:17,000\nYou don't know what\nyou're doing.\n"
    )
    assert [c.text for c in cues] == [
        "Shut it down!",
        "Nope, not gonna happen.",
        "You don't know what you're doing.",
    ]
    assert cues[0].start_s == 10.0 and 10.0 < cues[1].start_s < 14.0
    assert cues[0].index == cues[1].index != cues[2].index


@pytest.mark.parametrize("fmt", ["srt", "vtt", "ass", "ssa", "microdvd"])
def test_every_format_reads_the_same_lines(real_cues, tmp_path: Path, fmt: str):
    subs = pysubs2.load(str(REAL))
    path = tmp_path / f"film.{'sub' if fmt == 'microdvd' else fmt}"
    subs.save(str(path), format_=fmt, fps=23.976)
    cues = load_cues(path)
    assert [c.text for c in cues] == [c.text for c in real_cues]
    tolerance = 0.05 if fmt == "microdvd" else 0.011  # frames; ASS keeps centiseconds
    assert all(
        abs(a.start_s - b.start_s) <= tolerance for a, b in zip(cues, real_cues, strict=True)
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings_are_detected(tmp_path: Path, encoding: str):
    text = (
        "1\r\n00:00:01,000 --> 00:00:02,000\r\nIt’s Café Señor — “vibranium”.\r\n\r\n"
        "2\r\n00:00:03,000 --> 00:00:04,000\r\nI’m fine.\r\n"
    )
    path = tmp_path / "enc.srt"
    path.write_bytes(text.encode(encoding))
    cues = load_cues(path)
    assert [c.text for c in cues] == ["It’s Café Señor — “vibranium”.", "I’m fine."]


def test_latin1_bytes_outside_utf8_decode():
    assert decode_bytes("naïve déjà vu".encode("latin-1")) == "naïve déjà vu"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00\x00junk" * 20, "not"),
        (b"Just some notes about the film, nothing timed.\n", "not a subtitle format"),
        (b"1\n00:00:01,000 --> 00:00:02,000\n(GRUNTS)\n", "no spoken lines"),
    ],
)
def test_unusable_files_name_the_file_and_problem(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.srt"
    path.write_bytes(content)
    with pytest.raises(SubtitleError) as err:
        load_cues(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(SubtitleError, match="no such file"):
        load_cues(tmp_path / "nope.srt")
    with pytest.raises(SubtitleError, match="folder"):
        load_cues(tmp_path)


def _mux(tmp_path: Path, name: str, subtitle_args: list[str]) -> Path:
    out = tmp_path / name
    srt = tmp_path / "track.srt"
    srt.write_text(
        "1\n00:00:01,200 --> 00:00:01,500\nJARVIS: Sir, the sceptre.\n\n"
        "2\n00:00:01,600 --> 00:00:01,900\n(BEEPING)\n",
        encoding="utf-8",
    )
    inputs = ["-i", str(srt), "-map", "0:v", "-map", "1:s"] if subtitle_args else ["-map", "0:v"]
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi"),
            *("-i", "color=size=64x48:rate=5:duration=2"),
            *inputs,
            *("-c:v", "libx264", "-pix_fmt", "yuv420p", *subtitle_args, str(out)),
        ],
        check=True,
        timeout=60,
    )
    return out


needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


@needs_ffmpeg
@pytest.mark.parametrize(("name", "codec"), [("film.mkv", "srt"), ("film.mp4", "mov_text")])
def test_video_text_track_is_extracted(tmp_path: Path, name: str, codec: str):
    video = _mux(tmp_path, name, ["-c:s", codec])
    cues = load_cues(video)
    assert [c.text for c in cues] == ["Sir, the sceptre."]
    assert abs(cues[0].start_s - 1.2) < 0.02  # on the film's clock, not the track's


@needs_ffmpeg
def test_video_without_subtitles_is_a_clear_error(tmp_path: Path):
    video = _mux(tmp_path, "silent.mkv", [])
    with pytest.raises(SubtitleError, match="no subtitle track"):
        load_cues(video)


def test_image_subtitles_are_refused_with_advice(tmp_path: Path):
    streams = [{"index": 2, "codec_name": "hdmv_pgs_subtitle", "tags": {"language": "eng"}}]
    with pytest.raises(SubtitleError, match=r"image subtitles .*use a text subtitle file"):
        choose_text_stream(tmp_path / "film.mkv", streams)


def test_english_text_track_is_preferred(tmp_path: Path):
    streams = [
        {"index": 2, "codec_name": "dvd_subtitle", "tags": {"language": "eng"}},
        {"index": 3, "codec_name": "subrip", "tags": {"language": "fre"}},
        {"index": 4, "codec_name": "ass", "tags": {"language": "eng"}},
    ]
    assert choose_text_stream(tmp_path / "film.mkv", streams)["index"] == 4


def test_not_a_video_nor_subtitles(tmp_path: Path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(SubtitleError, match=r"notes\.pdf"):
        load_cues(path)


def _check_parse(text: str) -> None:
    try:
        cues = parse_subtitle_text(text, "fuzz")
    except SubtitleError as exc:
        assert str(exc).startswith("fuzz:")
        return
    assert cues and all(c.text and c.end_s >= c.start_s for c in cues)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_parses_or_fails_cleanly(text: str):
    _check_parse(text)


@pytest.mark.slow
@needs_shared
@settings(max_examples=100, deadline=None)
@given(st.integers(0, 6000), st.sampled_from(["srt", "vtt", "ass"]))
def test_truncated_real_subtitles_parse_or_fail_cleanly(cut: int, fmt: str):
    _check_parse(_real_as(fmt)[:cut])


@functools.cache
def _real_as(fmt: str) -> str:
    return pysubs2.load(str(REAL)).to_string(fmt)
