"""Plain records shared by the core, the CLI and the UI.

They carry no behaviour beyond small derived properties, so every layer (SQLite rows, JSON output,
Qt models) can be built from them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SpanKind = Literal["commentary", "dialogue", "cue"]
Origin = Literal["estimated", "anchored", "heard", "pinned"]
NoteKind = Literal["trivia", "correction"]


@dataclass(frozen=True)
class Span:
    """A run of one segment's display text that is commentary, quoted film dialogue or a sound cue.

    Offsets index the segment's clean ``text``; ``speaker`` is the label the transcript gave the
    film line (``"STARK"``) when it had one.
    """

    start: int
    end: int
    kind: SpanKind
    speaker: str | None = None


@dataclass(frozen=True)
class Segment:
    """One readable anecdote of the commentary, with where it sits in the source and on the film.

    ``n`` is the segment's stable number within its track (1-based, in transcript order).
    ``char_start``/``char_end`` index the raw source text; ``word_start``/``word_end`` (end
    exclusive) index its whitespace-separated words, the unit the time map works in.
    ``auto_start_s``/``auto_end_s`` are the machine's timing (estimated or anchored), kept so a
    pinned segment can be reverted.
    """

    track_id: str
    n: int
    char_start: int
    char_end: int
    word_start: int
    word_end: int
    text: str
    spans: tuple[Span, ...]
    start_s: float
    end_s: float
    origin: Origin
    confidence: float
    start_pinned: bool = False
    end_pinned: bool = False
    auto_start_s: float | None = None
    auto_end_s: float | None = None

    @property
    def pinned(self) -> bool:
        return self.start_pinned or self.end_pinned


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Note:
    """A trivia or correction card, placed on the film by ``placement`` and resolved to times.

    ``start_s``/``end_s`` are ``None`` when the placement could not be resolved.
    """

    id: str
    film_id: str
    kind: NoteKind
    title: str
    body: str
    sources: tuple[Source, ...]
    placement: dict
    start_s: float | None
    end_s: float | None
    claim: str | None = None
    verdict: str | None = None
    truth: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def film_wide(self) -> bool:
        """About the film as a whole: listed apart ("About this film"), never on the clock."""
        return self.placement.get("whole_film") is True


@dataclass(frozen=True)
class Anchor:
    """A point where transcript and film are known to meet: word ``word_index`` at ``film_s``."""

    word_index: float
    film_s: float
    score: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class HeardSpan:
    """A commentary sentence heard on an audio track, stored on the pack's reference clock.

    Words ``word_start``..``word_end`` (end exclusive, as in :class:`Segment`) are spoken from
    ``start_s`` to ``end_s``; ``confidence`` 0-1 is how well the recogniser heard them; ``words``
    holds (word index, start, end) per word, for karaoke. The recogniser's own result
    (``alignment.listen.HeardSentence``) is on the audio's clock; this is what the store keeps.
    """

    word_start: int
    word_end: int
    start_s: float
    end_s: float
    confidence: float
    words: tuple[tuple[int, float, float], ...] = ()
