"""Give every segment of a track its times from the best time map the store allows.

The map's points are the user's pins (always exact), then subtitle anchors compatible with them;
with neither, the linear estimate over the commentary's span. Pinned segment edges are never moved.
"""

from __future__ import annotations

from companion.store import Store
from companion.timemap import TimeMap, confidence

ESTIMATE_CONFIDENCE_SCALE_S = 600.0


def pins(store: Store, track_id: str) -> list[tuple[float, float]]:
    """(word position, film seconds) for every pinned segment edge."""
    out = []
    for seg in store.segments(track_id):
        if seg.start_pinned:
            out.append((float(seg.word_start), seg.start_s))
        if seg.end_pinned:
            out.append((float(seg.word_end), seg.end_s))
    return sorted(out)


def track_map(store: Store, track_id: str) -> tuple[TimeMap, bool]:
    """The track's time map and whether it rests on real anchors (not just the estimate)."""
    track = store.track(track_id)
    linear = TimeMap.linear(track["word_count"], track["start_s"], track["end_s"])
    found = TimeMap.anchored(pins(store, track_id), store.anchors(track_id), linear.rate_after)
    if found is None:
        return linear, False
    timemap, anchors_kept = found
    return timemap, anchors_kept > 0


def retime(store: Store, track_id: str) -> None:
    """Recompute the machine times of every segment; pinned edges keep the user's time."""
    timemap, anchored = track_map(store, track_id)
    origin = "anchored" if anchored else "estimated"
    scale = 60.0 if anchored else ESTIMATE_CONFIDENCE_SCALE_S
    rows = []
    for seg in store.segments(track_id):
        auto_start = round(timemap.time_at(seg.word_start), 3)
        auto_end = round(timemap.time_at(seg.word_end), 3)
        middle = (seg.word_start + seg.word_end) / 2
        rows.append(
            {
                "n": seg.n,
                "auto_start_s": auto_start,
                "auto_end_s": auto_end,
                "start_s": seg.start_s if seg.start_pinned else auto_start,
                "end_s": seg.end_s if seg.end_pinned else auto_end,
                "origin": "pinned" if seg.pinned else origin,
                "confidence": 1.0
                if seg.pinned
                else confidence(timemap.nearest_point_distance(middle), scale),
            }
        )
    store.update_segments(track_id, rows)


def locate_word(store: Store, track_id: str, word_index: float) -> float:
    """Film time at which word ``word_index`` of the track is spoken."""
    return round(track_map(store, track_id)[0].time_at(word_index), 3)
