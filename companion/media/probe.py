"""What a media file holds, from ffprobe: its length and its audio and subtitle streams.

ffprobe, not libVLC, because it needs no player, runs in any thread, and (unlike python-vlc's
``tracks_get()``, whose language fields segfault) reads stream titles and languages safely.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from companion.errors import CompanionError


class MediaError(CompanionError):
    """The file is missing, not media ffmpeg can open, or lacks the stream asked for."""


@dataclass(frozen=True)
class Stream:
    """One stream of a file. ``index`` is ffprobe's absolute index; ``ordinal`` its 1-based place
    among the streams of its kind (what ``--track N`` and ffmpeg's ``0:a:N-1`` count)."""

    index: int
    ordinal: int
    kind: str  # "audio" | "subtitle" | "video"
    codec: str
    title: str = ""
    language: str = ""
    channels: int = 0
    sample_rate: int = 0


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration_s: float
    streams: tuple[Stream, ...]

    def of_kind(self, kind: str) -> tuple[Stream, ...]:
        return tuple(s for s in self.streams if s.kind == kind)

    @property
    def audio(self) -> tuple[Stream, ...]:
        return self.of_kind("audio")

    @property
    def subtitles(self) -> tuple[Stream, ...]:
        return self.of_kind("subtitle")

    @property
    def has_video(self) -> bool:
        return bool(self.of_kind("video"))


def tool(name: str) -> str:
    """The path of ffmpeg or ffprobe, or a clear error saying it must be installed."""
    found = shutil.which(name)
    if found is None:
        raise MediaError(f"{name} is not installed (Companion needs ffmpeg to read video files)")
    return found


def probe(path: Path) -> MediaInfo:
    """Streams and length of ``path``; :class:`MediaError` if ffprobe can't read it."""
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    command = [tool("ffprobe"), "-v", "error", "-print_format", "json"]
    command += ["-show_format", "-show_streams", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or ["not a media file"]
        raise MediaError(f"{path}: ffmpeg can't open it ({reason[0]})")
    data = json.loads(done.stdout or "{}")
    counts: dict[str, int] = {}
    streams = []
    for raw in data.get("streams", []):
        kind = raw.get("codec_type", "")
        if kind not in ("audio", "subtitle", "video"):
            continue
        if kind == "video" and raw.get("disposition", {}).get("attached_pic"):
            continue  # cover art is not a picture track
        counts[kind] = counts.get(kind, 0) + 1
        tags = {k.lower(): v for k, v in (raw.get("tags") or {}).items()}
        streams.append(
            Stream(
                index=int(raw.get("index", 0)),
                ordinal=counts[kind],
                kind=kind,
                codec=raw.get("codec_name", ""),
                title=str(tags.get("title", "")),
                language=str(tags.get("language", "")),
                channels=int(raw.get("channels") or 0),
                sample_rate=int(raw.get("sample_rate") or 0),
            )
        )
    duration = _float(data.get("format", {}).get("duration"))
    if not streams:
        raise MediaError(f"{path}: no audio, video or subtitle streams")
    return MediaInfo(path, duration, tuple(streams))


def _float(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return out if math.isfinite(out) and out >= 0 else 0.0
