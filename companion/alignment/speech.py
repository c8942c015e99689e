"""The reference speech pattern: when people speak on the reference clock, without the words.

Measuring a copy compares its evidence of speech (subtitle cue starts, voice activity) with the
pattern of the release the shipped timings belong to. The pack ships that pattern as data, made
from the reference subtitles by ``scripts/make_speech_pattern.py``: the start of each spoken cue
and an estimate of its end, never the subtitle text (third-party, it may not ship).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.alignment.subtitles import Cue
from companion.bootstrap import timings_dir
from companion.errors import CompanionError

FORMAT = 1


class SpeechPatternError(CompanionError):
    """No usable speech pattern for the film (missing or malformed data file)."""


@dataclass(frozen=True)
class SpeechPattern:
    """Spoken cues ``(start_s, end_s)`` on the reference clock, in time order, and the length
    of the reference release (``runtime_s``)."""

    cues: tuple[tuple[float, float], ...]
    runtime_s: float

    @property
    def starts(self) -> np.ndarray:
        return np.array([start for start, _ in self.cues], dtype=np.float64)

    @property
    def ends(self) -> np.ndarray:
        return np.array([end for _, end in self.cues], dtype=np.float64)

    def activity(self, rate_hz: float, speed: float = 1.0, length: int | None = None) -> np.ndarray:
        """The pattern as speech (1) / no speech (0) frames at ``rate_hz`` on the clock of a copy
        that plays at ``speed`` with no offset: frame k covers copy time k / rate_hz."""
        n = length if length is not None else int(np.ceil(self.runtime_s * speed * rate_hz)) + 1
        edges = np.zeros(n + 1, dtype=np.int32)
        first = np.clip(np.round(self.starts * speed * rate_hz).astype(np.int64), 0, n)
        last = np.clip(np.round(self.ends * speed * rate_hz).astype(np.int64), 0, n)
        np.add.at(edges, first, 1)
        np.add.at(edges, last, -1)
        return (np.cumsum(edges[:n]) > 0).astype(np.float32)

    def as_json(self, film_id: str) -> dict:
        return {
            "format": FORMAT,
            "film": film_id,
            "runtime_s": self.runtime_s,
            "cues": [[round(a, 3), round(b, 3)] for a, b in self.cues],
        }


def spoken_events(cues: list[Cue]) -> list[tuple[float, float, str]]:
    """``(start, end, words)`` of each subtitle event with spoken words, in time order: the
    lines a dialogue dash split (one per speaker) joined again, as they share one cue."""
    events: dict[int, tuple[float, float, str]] = {}
    for cue in cues:
        start, end, words = events.get(cue.index, (cue.start_s, cue.end_s, ""))
        events[cue.index] = (start, end, f"{words} {cue.text}".strip())
    return sorted(events.values())


def pattern_path(film_id: str) -> Path:
    return timings_dir() / f"{film_id}.speech.json"


def load_pattern(film_id: str) -> SpeechPattern:
    """The shipped speech pattern of ``film_id``; :class:`SpeechPatternError` if there is none."""
    path = pattern_path(film_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cues = tuple((float(a), float(b)) for a, b in data["cues"])
        runtime = float(data["runtime_s"])
    except FileNotFoundError:
        raise SpeechPatternError(f"{film_id}: no reference speech pattern ({path})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpeechPatternError(f"{path}: malformed speech pattern ({exc})") from None
    if not cues or any(b < a for a, b in cues) or runtime <= 0:
        raise SpeechPatternError(f"{path}: malformed speech pattern (no cues or bad times)")
    return SpeechPattern(tuple(sorted(cues)), runtime)
