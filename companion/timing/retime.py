"""Give every segment of a track (and every note found in its words) times from the best map.

The map's points are the user's pins (always exact), then subtitle anchors and heard sentences
compatible with them; with none, the linear estimate over the commentary's span. Pinned segment
edges are never moved. Words a listen run heard are spoken when it heard them.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from companion.content.cards import limit_cards
from companion.model import HeardSpan
from companion.store import Store
from companion.timing.timemap import TimeMap, confidence, heard_points, spoken_positions

ESTIMATE_CONFIDENCE_SCALE_S = 600.0
# Below this, "anchored" would claim more than the number shows: the segment is estimated.
MIN_ANCHORED_CONFIDENCE = 0.2


_COLUMNS = (
    "n",
    "word_start",
    "word_end",
    "start_pinned",
    "end_pinned",
    "start_s",
    "end_s",
    "auto_start_s",
    "auto_end_s",
    "origin",
    "confidence",
)
_WRITTEN = _COLUMNS[5:]


def pins(store: Store, track_id: str) -> list[tuple[float, float]]:
    """(word position, film seconds) for every pinned segment edge."""
    out = []
    edges = store.segment_columns(track_id, _COLUMNS[1:7])
    for word_start, word_end, start_pinned, end_pinned, start_s, end_s in edges:
        if start_pinned:
            out.append((float(word_start), start_s))
        if end_pinned:
            out.append((float(word_end), end_s))
    return sorted(out)


@functools.lru_cache(maxsize=4)
def _spoken(source_text: str) -> tuple[float, ...]:
    return spoken_positions(source_text.split())


@dataclass(frozen=True)
class TrackTiming:
    """When each word of a track is spoken: the time map, and the heard times that fit it.

    A heard sentence counts where the map kept its start (a pin, or a quoted film line's
    anchor, outranks it): its first word then starts at the heard start, and when the map kept
    its end too, every word it heard starts at its heard time; other words follow the map.
    """

    timemap: TimeMap
    anchored: bool  # the map rests on real points (anchors, heard), not just the estimate
    starts: Mapping[int, tuple[float, float]]  # sentence's first word -> (heard start, confidence)
    whole: Sequence[HeardSpan] = ()  # sentences the map kept both edges of, in word order
    ends: Mapping[int, tuple[float, float]] = field(default_factory=dict)  # word_end -> (end, conf)

    def heard_edge(self, word: int) -> float | None:
        """The confidence of the heard sentence a segment edge at ``word`` takes its time from
        (the next one's start, or, when the next is not heard, the last one's end); else None."""
        if word in self.starts:
            return self.starts[word][1]
        if word in self.ends and abs(self.time_at(word) - self.ends[word][0]) < 2e-3:
            return self.ends[word][1]
        return None

    def time_at(self, position: float) -> float:
        if position == int(position):
            word = int(position)
            if word in self.starts:
                return self.starts[word][0]
            heard = self._heard_word(word)
            if heard is not None:
                return heard
        return self.timemap.time_at(position)

    def _heard_word(self, word: int) -> float | None:
        i = bisect.bisect_right(self._firsts, word) - 1
        if i < 0 or word >= self.whole[i].word_end:
            return None
        span = self.whole[i]
        for index, t, _end in span.words:
            if index == word:
                return min(max(t, span.start_s), span.end_s)
        return None

    @functools.cached_property
    def _firsts(self) -> list[int]:
        return [span.word_start for span in self.whole]


def track_map(store: Store, track_id: str) -> tuple[TrackTiming, bool]:
    """The track's timing and whether it rests on real anchors (not just the estimate)."""
    track = store.track(track_id)
    linear = TimeMap.linear(track["word_count"], track["start_s"], track["end_s"])
    runtime = store.film(track["film_id"])["runtime_s"]
    pinned = pins(store, track_id)
    heard = store.heard(track_id)
    spoken = _spoken(track["source_text"])
    edges = heard_points(heard, spoken, skip={int(w) for w, _ in pinned})
    found = TimeMap.anchored(
        pinned,
        store.anchors(track_id),
        linear.rate_after,
        film=(track["word_count"], runtime),
        starts_at=track["start_s"],
        spoken=spoken,
        heard=[point for pair in edges for point in pair if point is not None],
    )
    if found is None:
        return TrackTiming(linear, False, {}), False
    timemap, anchors_kept = found
    on_map = set(zip(timemap.positions, timemap.times, strict=True))
    starts, ends, whole = {}, {}, []
    for span, (start, end) in zip(heard, edges, strict=True):
        start_kept = start is not None and start[:2] in on_map
        end_kept = end is not None and end[:2] in on_map
        if start_kept:
            starts[span.word_start] = (span.start_s, span.confidence)
        if end_kept:
            ends[span.word_end] = (span.end_s, span.confidence)
        if start_kept and end_kept:
            whole.append(span)
    timing = TrackTiming(
        timemap, anchors_kept > 0 or bool(starts or ends), starts, tuple(whole), ends
    )
    return timing, timing.anchored


def retime(store: Store, track_id: str) -> None:
    """Recompute the machine times of every segment; pinned edges keep the user's time.

    A segment with an edge at a heard time (a heard sentence's start, or the end of the last
    one heard before an unheard stretch) is "heard", as sure as the less sure of them.
    Neighbours keep sharing their boundary: the pause after a segment's last sentence is still
    that segment's. Only segments whose values change are written, in one batch: an edit moves
    a few segments, and rewriting all of them was most of its cost.
    """
    timing, anchored = track_map(store, track_id)
    timemap = timing.timemap
    scale = 60.0 if anchored else ESTIMATE_CONFIDENCE_SCALE_S
    changed: dict[int, dict] = {}
    for row in store.segment_columns(track_id, _COLUMNS):
        n, word_start, word_end, start_pinned, end_pinned, start_s, end_s = row[:7]
        pinned = start_pinned or end_pinned
        auto_start = round(timing.time_at(word_start), 3)
        auto_end = round(timing.time_at(word_end), 3)
        heard = [c for c in map(timing.heard_edge, (word_start, word_end)) if c is not None]
        middle = (word_start + word_end) / 2
        if pinned:
            why, sure = "pinned", 1.0
        elif heard:
            why, sure = "heard", round(min(heard), 3)
        else:
            sure = confidence(timemap.nearest_point_distance(middle), scale)
            why = _origin(anchored, timemap, auto_start, auto_end, sure)
        values = (
            start_s if start_pinned else auto_start,
            end_s if end_pinned else auto_end,
            auto_start,
            auto_end,
            why,
            sure,
        )
        if values != tuple(row[5:]):
            changed[n] = dict(zip(_WRITTEN, values, strict=True))
    with store.transaction():
        store.update_segments(track_id, changed)
        _follow_notes(store, track_id, timing)


def _origin(anchored: bool, timemap: TimeMap, start: float, end: float, sure: float) -> str:
    """Whether a segment's timing rests on anchors: only where the segment reaches the span of
    the known points, and with a confidence that backs it; wholly before the first anchor or
    after the last the map only extrapolates, so the segment is "estimated"."""
    inside = start <= timemap.times[-1] and end >= timemap.times[0]
    return "anchored" if anchored and inside and sure >= MIN_ANCHORED_CONFIDENCE else "estimated"


def _follow_notes(store: Store, track_id: str, timing: TrackTiming) -> None:
    """Move the notes placed through this track's words along with it.

    A note found in the transcript (a quoted film line, a phrase the director says) belongs to
    that word, so when the track's clock changes (an alignment, a pin, a shift) the note keeps
    its word and its length. The placement itself is only searched again by
    ``notes.resolve_notes``; this is the cheap half that every re-timing can afford.
    """
    moved = []
    for note_id, start_s, end_s, word_index in store.transcript_notes(track_id):
        if word_index is None or start_s is None:
            continue
        start = round(timing.time_at(word_index), 3)
        if start != start_s:
            moved.append((note_id, start, round(start + (end_s - start_s), 3)))
    store.set_note_times(moved)
    limit_cards(store, store.track(track_id)["film_id"])


def locate_word(store: Store, track_id: str, word_index: float) -> float:
    """Film time at which word ``word_index`` of the track is spoken (heard, when it was)."""
    return round(track_map(store, track_id)[0].time_at(word_index), 3)
