"""What is on at film time t, in O(log n), for the panel's 50 ms tick, the timeline and `at`.

Segments and notes are intervals ``[start, end)`` that may overlap (notes do, estimated segments
may). Rather than an interval tree, the film is cut at every interval boundary into elementary
slots and each slot stores the tuple of intervals covering it: one bisect then answers "what is
active" and, for free, "when does that answer next change" and "is it still the same set" (the
slot number), which is what lets the panel re-render only when something actually changes. The
slots cost memory proportional to the overlap depth, which is small for commentary and notes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from companion.model import Note, Segment

T = TypeVar("T")

# A note resolved to a start but no end still deserves some screen time.
DEFAULT_NOTE_SPAN_S = 30.0
# More cards than this at once is more than anyone reads beside a film.
MAX_CARDS = 3


class IntervalIndex(Generic[T]):
    """Static index of items with a ``[start, end)`` interval; empty intervals never show."""

    def __init__(self, items: Iterable[T], span: Callable[[T], tuple[float, float]]) -> None:
        spans = [(span(item), item) for item in items]
        placed = [((s, e), item) for (s, e), item in spans if e > s]
        placed.sort(key=lambda pair: pair[0])
        self._items: tuple[T, ...] = tuple(item for _, item in placed)
        self._starts: list[float] = [s for (s, _), _ in placed]
        self._bounds: list[float] = sorted({x for (s, e), _ in placed for x in (s, e)})
        self._active: list[tuple[T, ...]] = self._build_slots(placed)

    def _build_slots(self, placed: Sequence[tuple[tuple[float, float], T]]) -> list[tuple[T, ...]]:
        """Slot i covers [bounds[i-1], bounds[i]); slot 0 is before everything."""
        slots: list[list[T]] = [[] for _ in range(len(self._bounds) + 1)]
        for (s, e), item in placed:
            for i in range(bisect_right(self._bounds, s), bisect_right(self._bounds, e)):
                slots[i].append(item)
        return [tuple(slot) for slot in slots]

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple[T, ...]:
        """All placed items, sorted by start."""
        return self._items

    def slot(self, t: float) -> int:
        """Number of the elementary slot holding t: equal slots mean an identical active set."""
        return bisect_right(self._bounds, t)

    def at(self, t: float) -> tuple[T, ...]:
        return self._active[self.slot(t)]

    def next_change(self, t: float) -> float | None:
        """The first time after t at which the active set may change (None: never again)."""
        i = self.slot(t)
        return self._bounds[i] if i < len(self._bounds) else None

    def first_starting_after(self, t: float) -> T | None:
        i = bisect_right(self._starts, t)
        return self._items[i] if i < len(self._items) else None

    def starting_in(self, lo: float, hi: float) -> tuple[T, ...]:
        """Items whose start lies in [lo, hi): what the timeline draws in a zoomed view."""
        return self._items[bisect_left(self._starts, lo) : bisect_left(self._starts, hi)]


def segment_span(segment: Segment) -> tuple[float, float]:
    return segment.start_s, segment.end_s


def note_span(note: Note) -> tuple[float, float]:
    if note.start_s is None:
        return 0.0, 0.0
    end = note.end_s if note.end_s is not None else note.start_s + DEFAULT_NOTE_SPAN_S
    return note.start_s, end


def limit_overlap(
    spans: Iterable[tuple[str, float, float]], most: int = MAX_CARDS
) -> dict[str, float]:
    """New ends for the (key, start, end) spans that must end earlier so that no more than
    ``most`` are ever on at once: when one more starts, the one on longest makes room."""
    on: list[tuple[float, str, float]] = []  # (start, key, end) of the spans showing
    cut: dict[str, float] = {}
    for key, start, end in sorted(spans, key=lambda s: (s[1], s[0])):
        on = [s for s in on if s[2] > start]
        while len(on) >= most:
            oldest = on.pop(0)
            cut[oldest[1]] = start
        on.append((start, key, end))
    return cut


@dataclass(frozen=True)
class Active:
    """Everything on at one instant; ``key`` changes exactly when the segment or notes change."""

    t: float
    segment: Segment | None
    notes: tuple[Note, ...]
    key: tuple[int, int]
    next_segment: Segment | None
    next_note: Note | None
    next_change: float | None


class TimelineIndex:
    """One track's segments plus the film's notes, queried by film time."""

    def __init__(self, segments: Iterable[Segment], notes: Iterable[Note] = ()) -> None:
        self.segments: IntervalIndex[Segment] = IntervalIndex(segments, segment_span)
        notes = list(notes)
        self.notes: IntervalIndex[Note] = IntervalIndex(notes, note_span)
        self.film_wide_notes: tuple[Note, ...] = tuple(n for n in notes if n.film_wide)
        self.unplaced_notes: tuple[Note, ...] = tuple(
            n for n in notes if n.start_s is None and not n.film_wide
        )

    def segment_at(self, t: float) -> Segment | None:
        """The segment on at t; when estimated segments overlap, the one that started last."""
        active = self.segments.at(t)
        return active[-1] if active else None

    def notes_at(self, t: float) -> tuple[Note, ...]:
        return self.notes.at(t)

    def next_segment(self, t: float) -> Segment | None:
        return self.segments.first_starting_after(t)

    def at(self, t: float) -> Active:
        changes = [
            c for c in (self.segments.next_change(t), self.notes.next_change(t)) if c is not None
        ]
        return Active(
            t=t,
            segment=self.segment_at(t),
            notes=self.notes_at(t),
            key=(self.segments.slot(t), self.notes.slot(t)),
            next_segment=self.next_segment(t),
            next_note=self.notes.first_starting_after(t),
            next_change=min(changes) if changes else None,
        )

    def key(self, t: float) -> tuple[int, int]:
        """Cheap identity of the active set at t, for the panel's tick to compare."""
        return self.segments.slot(t), self.notes.slot(t)
