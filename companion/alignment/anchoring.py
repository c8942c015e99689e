"""Anchoring a stored commentary track on a film's subtitles: the ``align`` operation.

Matching (:mod:`companion.alignment.align`) is pure; this is where its anchors replace the
track's old ones and every unpinned timing and note follows, all at once or not at all, as one
edit of the track's history (undo puts the old anchors, timings and notes back).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from companion.alignment.align import Match, MatchWords, align
from companion.alignment.subtitles import Cue, Sound
from companion.content.films import track_transcript
from companion.content.notes import resolve_notes
from companion.content.transcript import Transcript
from companion.errors import CompanionError
from companion.model import Anchor
from companion.store import Store
from companion.timing import edits
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.timing.timecode import format_time
from companion.timing.timemap import TimeMap

# Subtitles of this film match well over a hundred lines spread over the whole commentary;
# another film's match a handful of common phrases ("Come on.") in no consistent order.
MIN_MATCHES = 30
MIN_SPREAD = 0.5
MIN_PAIR_SPAN_S = 60.0


class AlignmentRejected(CompanionError):
    """Subtitles that don't place this commentary (another film, too little in common)."""


@dataclass(frozen=True)
class AlignReport:
    """What an alignment found, for the CLI and the UI to show."""

    cues: int
    anchors: int
    sounds: int
    dialogue_spans: int
    dialogue_spans_matched: int
    offset_s: float | None
    speed: float | None
    longest_gap: tuple[float, float]
    outside_film: int = 0  # subtitle lines timed before the film's start or after its end
    edit_id: int | None = None  # the undoable edit; None when nothing changed

    def as_dict(self) -> dict:
        return {
            "cues": self.cues,
            "outside_film": self.outside_film,
            "edit": self.edit_id,
            "anchors": self.anchors,
            "sounds": self.sounds,
            "dialogue_spans": self.dialogue_spans,
            "dialogue_spans_matched": self.dialogue_spans_matched,
            "dialogue_share": round(self.dialogue_spans_matched / max(self.dialogue_spans, 1), 3),
            "offset_s": self.offset_s,
            "speed": self.speed,
            "longest_gap": {
                "from_s": self.longest_gap[0],
                "to_s": self.longest_gap[1],
                "seconds": round(self.longest_gap[1] - self.longest_gap[0], 3),
            },
        }


def align_track(
    store: Store,
    track_id: str,
    cues: Sequence[Cue],
    reference: Sequence[Anchor] = (),
    label: str = "Align to subtitles",
    sounds: Sequence[Sound] = (),
    release: ReleaseMap = IDENTITY,
) -> AlignReport:
    """Anchor the track on ``cues``: replace its anchors (never merge), re-time every unpinned
    segment and re-place the notes, all in one transaction; or change nothing and raise
    :class:`AlignmentRejected` when the subtitles don't fit this commentary.

    ``reference`` anchors (the shipped timings) are what offset and speed are measured against;
    ``sounds`` (the subtitles' sound cues) anchor the transcript's sound cues too.
    Subtitle lines starting outside the film can't be this release's lines: they are left out
    (and counted), and one running past the end is cut there; when none is left inside, the
    subtitles are refused. The align is one
    undoable edit (its label ``label``), notes included.
    ``release`` is the map of the subtitles' release: the cues are matched on their own clock
    and what is stored (anchors, note times) is carried back through it to the reference clock.
    """
    track = store.track(track_id)
    runtime = store.film(track["film_id"])["runtime_s"]
    film_end = release.to_copy(runtime)  # the film's end on the subtitles' clock
    inside = [
        replace(c, end_s=min(c.end_s, film_end))
        for c in cues
        if 0 <= release.to_reference(c.start_s) < runtime
    ]
    if cues and not inside:
        raise AlignmentRejected(
            f"every subtitle line is timed outside the film (the first at "
            f"{format_time(min(c.start_s for c in cues))}, the film runs 00:00:00.000 to "
            f"{format_time(runtime)}); are they for another cut, or shifted?"
        )
    heard_inside = [s for s in sounds if 0 <= release.to_reference(s.start_s) < runtime]
    transcript = track_transcript(store, track_id)
    result = align(MatchWords.from_transcript(transcript), inside, heard_inside)
    spread = _spread(result.matches, track["word_count"])
    if len(result.matches) < MIN_MATCHES or spread < MIN_SPREAD:
        raise AlignmentRejected(
            f"the subtitles don't fit this commentary: only {len(result.matches)} lines matched, "
            f"over {spread:.0%} of it (need {MIN_MATCHES} lines over {MIN_SPREAD:.0%}); "
            "are they for this film?"
        )
    spans = dialogue_spans(transcript)
    matched = sum(
        any(m.word_start < end and start < m.word_end for m in result.matches)
        for start, end in spans
    )
    offset, speed = _offset_speed(result.anchors, reference)
    anchors = [
        [a.word_index, release.to_reference(a.film_s), a.score, a.source] for a in result.anchors
    ]
    lines = [_on_reference(c, release) for c in inside]
    try:
        edit = edits.reanchor(
            store, track_id, anchors, label, lambda: resolve_notes(store, track["film_id"], lines)
        )
    except edits.NoChange:
        edit = None
    heard = sum(m.sound for m in result.matches)
    return AlignReport(
        len(cues),
        len(result.matches) - heard,
        heard,
        len(spans),
        matched,
        offset,
        speed,
        _longest_gap([m.film_s for m in result.matches]),
        len(cues) - len(inside),
        edit.id if edit else None,
    )


def _on_reference(cue: Cue, release: ReleaseMap) -> Cue:
    if release.is_identity:
        return cue
    start, end = release.to_reference(cue.start_s), release.to_reference(cue.end_s)
    return replace(cue, start_s=start, end_s=end)


def dialogue_spans(transcript: Transcript) -> list[tuple[int, int]]:
    """Word ranges [start, end) the ingestion marked as quoted film dialogue (labels included)."""
    spans: list[tuple[int, int]] = []
    for word in transcript.words:
        if word.kind != "dialogue":
            continue
        if spans and spans[-1][1] == word.index:
            spans[-1] = (spans[-1][0], word.index + 1)
        else:
            spans.append((word.index, word.index + 1))
    return spans


def _spread(matches: Sequence[Match], word_count: int) -> float:
    """Share of the transcript between the first and last match."""
    if len(matches) < 2:
        return 0.0
    return (matches[-1].word_start - matches[0].word_start) / max(word_count, 1)


def _longest_gap(times: Sequence[float]) -> tuple[float, float]:
    """The longest stretch of film between consecutive anchors (from, to)."""
    pairs = list(itertools.pairwise(times)) or [(0.0, 0.0)]
    start, end = max(pairs, key=lambda p: p[1] - p[0])
    return round(start, 3), round(end, 3)


def _offset_speed(
    anchors: Sequence[Anchor], reference: Sequence[Anchor]
) -> tuple[float | None, float | None]:
    """This release's clock against the reference one: film_s = offset + speed * reference_s.

    Each anchor is compared with where the reference map puts its word; the line through them is
    fitted robustly (Theil-Sen: median slope over pairs a minute or more apart, then median
    intercept), so a few anchors that differ between the two alignments don't tilt it. A studio
    logo shows as an offset, a PAL release as a speed of 23.976/25.
    """
    found = TimeMap.anchored((), reference, 1.0)
    if found is None or len(anchors) < 2:
        return None, None
    ref_map = found[0]
    points = [(ref_map.time_at(a.word_index), a.film_s) for a in anchors]
    slopes = [
        (y1 - y0) / (x1 - x0)
        for (x0, y0), (x1, y1) in itertools.combinations(points, 2)
        if abs(x1 - x0) >= MIN_PAIR_SPAN_S
    ]
    if not slopes:
        return None, None
    speed = statistics.median(slopes)
    offset = statistics.median(y - speed * x for x, y in points)
    return round(offset, 2), round(speed, 4)
