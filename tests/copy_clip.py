"""Copies of the film for sync tests: a short picture and the film's real subtitle timing on
another release's clock, muxed as the copy's own subtitle stream (ffmpeg).

The subtitles are read from ``../shared`` (third-party, never copied into the repository); the
copy is written to the test's temporary folder.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pysubs2
from conftest import SUBTITLES


def subtitled_copy(path: Path, clock: Callable[[int], int | None], picture_s: float = 1.0) -> Path:
    """A "copy" whose subtitle stream is the film's subtitles with start and end (milliseconds)
    put through ``clock`` (None: the line is not in this copy), over ``picture_s`` seconds of
    moving test picture and no sound."""
    subs = pysubs2.load(str(SUBTITLES))
    kept = pysubs2.SSAFile()
    for event in subs:
        start, end = clock(event.start), clock(event.end)
        if start is not None and end is not None and start >= 0:
            event.start, event.end = start, end
            kept.append(event)
    srt = path.with_suffix(".srt")
    kept.save(str(srt))
    picture = f"testsrc2=size=160x120:rate=25:duration={picture_s}"
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", picture, "-i", str(srt)),
            *("-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-preset", "veryfast", "-g", "25"),
            *("-pix_fmt", "yuv420p", "-c:s", "srt", str(path)),
        ],
        check=True,
        timeout=120,
    )
    srt.unlink()  # beside the copy, a player would load it as another subtitle track
    return path
