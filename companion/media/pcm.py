"""A file's sound as 16-bit mono samples, decoded by ffmpeg a window at a time.

Voice activity (sync) and speech recognition (listen) both want 16 kHz mono. A Blu-ray rip is
20–40 GB, so callers ask for windows (``start_s``/``duration_s`` become an input seek, which
reads only the part asked for) rather than the whole track.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from companion.media.probe import MediaError, tool

RATE = 16_000


def read_pcm(
    path: Path,
    *,
    audio_ordinal: int = 1,
    start_s: float = 0.0,
    duration_s: float | None = None,
    rate: int = RATE,
) -> np.ndarray:
    """Samples (int16, mono, ``rate`` Hz) of the ``audio_ordinal``-th audio stream (1-based),
    from ``start_s`` for ``duration_s`` seconds (to the end when None)."""
    command = [tool("ffmpeg"), "-nostdin", "-v", "error"]
    if start_s > 0:
        command += ["-ss", f"{start_s:.3f}"]
    if duration_s is not None:
        command += ["-t", f"{max(duration_s, 0.0):.3f}"]
    command += ["-i", str(path), "-map", f"0:a:{audio_ordinal - 1}", "-vn", "-sn", "-dn"]
    command += ["-ac", "1", "-ar", str(rate), "-f", "s16le", "-acodec", "pcm_s16le", "-"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no audio"]
        raise MediaError(f"{path}: can't read audio track {audio_ordinal} ({reason[0]})")
    return np.frombuffer(done.stdout, dtype=np.int16)
