"""A short, real test film made with ffmpeg: what libVLC tests and benchmarks play.

Ten seconds of ``testsrc2`` (moving, never black, a frame counter on screen), two audio tracks
titled "Main" and "Commentary" (different tones so a switch is audible) and an SRT subtitle
track, in Matroska. Keyframes every second keep seeks quick and exact.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CLIP_SECONDS = 10.0
SUBTITLES = (
    (1.0, 3.0, "First subtitle line"),
    (4.0, 6.0, "Second subtitle line"),
    (7.0, 9.0, "Third subtitle line"),
)


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path) -> Path:
    blocks = [
        f"{n}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n"
        for n, (a, b, text) in enumerate(SUBTITLES, start=1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def make_clip(path: Path, seconds: float = CLIP_SECONDS, size: str = "320x240") -> Path:
    """Write the test clip to ``path`` (``.mkv``) and return it; raises if ffmpeg is missing."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed (sudo apt-get install ffmpeg)")
    # The .srt is muxed in, then deleted: left beside the clip, libVLC would also load it as a
    # second (auto-detected) subtitle track.
    with tempfile.TemporaryDirectory() as tmp:
        _mux(ffmpeg, write_srt(Path(tmp) / "subs.srt"), path, seconds, size)
    return path


def _mux(ffmpeg: str, srt: Path, path: Path, seconds: float, size: str) -> None:
    cmd = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=880:sample_rate=48000:duration={seconds}",
        "-i", str(srt),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25",
        "-c:a", "aac", "-b:a", "64k", "-c:s", "srt",
        "-metadata:s:a:0", "title=Main", "-metadata:s:a:0", "language=eng",
        "-metadata:s:a:1", "title=Commentary", "-metadata:s:a:1", "language=eng",
        "-metadata:s:s:0", "title=English", "-metadata:s:s:0", "language=eng",
        str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, timeout=60)


def make_unknown_codec_clip(path: Path, with_audio: bool) -> Path:
    """An AVI whose video codec tag no decoder knows: libVLC opens it but cannot show a picture.

    ffmpeg refuses to write an unknown tag, so a valid MPEG-4 AVI is written and its "FMP4" tags
    (stream header and bitmap header) are patched; the stream data stays intact.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed (sudo apt-get install ffmpeg)")
    inputs = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4"]
    if with_audio:
        inputs += ["-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "pcm_s16le"]
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *inputs, "-c:v", "mpeg4", str(path)],
        check=True,
        timeout=60,
    )
    data = path.read_bytes()
    if data.count(b"FMP4") != 2:
        raise RuntimeError(f"unexpected AVI layout in {path}")
    path.write_bytes(data.replace(b"FMP4", b"QQQQ"))
    return path
