"""A file's sound as 16-bit mono samples, decoded by ffmpeg a window at a time, or once.

Voice activity (sync) and speech recognition (listen) both want 16 kHz mono. A Blu-ray rip is
20–40 GB, so callers that want a few windows ask for them (``start_s``/``duration_s`` become an
input seek, which reads only the part asked for) rather than the whole track. A caller that
reads windows over the whole track, overlapping, has it decoded once to a raw file instead
(:func:`decoded`): one pass over the rip, and no decoder process per window.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    command = [*_ffmpeg(path, audio_ordinal, rate, start_s, duration_s), "-"]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise _unreadable(path, audio_ordinal, done.stderr)
    return np.frombuffer(done.stdout, dtype=np.int16)


def _ffmpeg(
    path: Path, ordinal: int, rate: int, start_s: float = 0.0, duration_s: float | None = None
) -> list[str]:
    """The ffmpeg command that writes the window as raw samples (the output still to add)."""
    command = [tool("ffmpeg"), "-nostdin", "-v", "error"]
    if start_s > 0:
        command += ["-ss", f"{start_s:.3f}"]
    if duration_s is not None:
        command += ["-t", f"{max(duration_s, 0.0):.3f}"]
    command += ["-i", str(path), "-map", f"0:a:{ordinal - 1}", "-vn", "-sn", "-dn"]
    return [*command, "-ac", "1", "-ar", str(rate), "-f", "s16le", "-acodec", "pcm_s16le"]


def _unreadable(path: Path, ordinal: int, stderr: bytes) -> MediaError:
    reason = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no audio"]
    return MediaError(f"{path}: can't read audio track {ordinal} ({reason[0]})")


@dataclass(frozen=True)
class RawTrack:
    """A track decoded to a file of raw samples (int16, mono, ``rate`` Hz); picklable, so
    worker processes read their windows from it."""

    path: Path
    rate: int = RATE

    @property
    def duration_s(self) -> float:
        return self.path.stat().st_size / 2 / self.rate

    def read(self, start_s: float, duration_s: float) -> np.ndarray:
        """The samples from ``start_s`` for ``duration_s`` seconds (fewer at the end)."""
        first = max(0, round(start_s * self.rate))
        count = max(0, round(duration_s * self.rate))
        with self.path.open("rb") as raw:
            raw.seek(2 * first)
            data = raw.read(2 * count)
        return np.frombuffer(data[: len(data) // 2 * 2], dtype=np.int16)


class Decoding:
    """ffmpeg decoding one track to a raw file in the background; :meth:`ready` waits."""

    def __init__(self, path: Path, ordinal: int, folder: Path, rate: int = RATE) -> None:
        self.source, self.ordinal = path, ordinal
        self.track = RawTrack(folder / "track.s16", rate)
        command = [*_ffmpeg(path, ordinal, rate), "-y", str(self.track.path)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def ready(self, check: Callable[[], None] = lambda: None) -> RawTrack:
        """The decoded track once ffmpeg is done (``check`` runs meanwhile, twice a second,
        and may raise to give up); :class:`MediaError` when it failed (a full disk too)."""
        while True:
            try:
                self.process.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                check()
        stderr = self.process.stderr.read() if self.process.stderr else b""
        if self.process.returncode != 0:
            raise _unreadable(self.source, self.ordinal, stderr)
        return self.track

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@contextmanager
def decoded(path: Path, *, audio_ordinal: int = 1, rate: int = RATE) -> Iterator[Decoding]:
    """Decode the track to a temporary raw file while the block runs (it is removed after)."""
    with tempfile.TemporaryDirectory(prefix="companion-audio-") as folder:
        decoding = Decoding(path, audio_ordinal, Path(folder), rate)
        try:
            yield decoding
        finally:
            decoding.stop()
