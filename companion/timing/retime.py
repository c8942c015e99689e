"""Give every segment of a track (and every note found in its words) times from the best map.

The map's points are the user's pins (always exact), then subtitle anchors compatible with them;
with neither, the linear estimate over the commentary's span. Pinned segment edges are never moved.
"""

from __future__ import annotations

import functools

from companion.content.cards import limit_cards
from companion.store import Store
from companion.timing.timemap import TimeMap, confidence, spoken_positions

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


def _timing_rows(store: Store, track_id: str) -> list[tuple]:
    """Only the columns timing needs: building full Segments (text, spans) made every edit slow."""
    return store.db.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM segments WHERE track_id = ? ORDER BY n", [track_id]
    ).fetchall()


def pins(store: Store, track_id: str) -> list[tuple[float, float]]:
    """(word position, film seconds) for every pinned segment edge."""
    out = []
    for _n, word_start, word_end, start_pinned, end_pinned, start_s, end_s, *_ in _timing_rows(
        store, track_id
    ):
        if start_pinned:
            out.append((float(word_start), start_s))
        if end_pinned:
            out.append((float(word_end), end_s))
    return sorted(out)


@functools.lru_cache(maxsize=4)
def _spoken(source_text: str) -> tuple[float, ...]:
    return spoken_positions(source_text.split())


def track_map(store: Store, track_id: str) -> tuple[TimeMap, bool]:
    """The track's time map and whether it rests on real anchors (not just the estimate)."""
    track = store.track(track_id)
    linear = TimeMap.linear(track["word_count"], track["start_s"], track["end_s"])
    runtime = store.film(track["film_id"])["runtime_s"]
    found = TimeMap.anchored(
        pins(store, track_id),
        store.anchors(track_id),
        linear.rate_after,
        film=(track["word_count"], runtime),
        starts_at=track["start_s"],
        spoken=_spoken(track["source_text"]),
    )
    if found is None:
        return linear, False
    timemap, anchors_kept = found
    return timemap, anchors_kept > 0


def retime(store: Store, track_id: str) -> None:
    """Recompute the machine times of every segment; pinned edges keep the user's time.

    Only segments whose values change are written, in one batch: an edit moves a few
    segments, and rewriting all of them was most of an edit's cost.
    """
    timemap, anchored = track_map(store, track_id)
    scale = 60.0 if anchored else ESTIMATE_CONFIDENCE_SCALE_S
    changed = []
    for row in _timing_rows(store, track_id):
        n, word_start, word_end, start_pinned, end_pinned, start_s, end_s = row[:7]
        pinned = start_pinned or end_pinned
        auto_start = round(timemap.time_at(word_start), 3)
        auto_end = round(timemap.time_at(word_end), 3)
        middle = (word_start + word_end) / 2
        sure = confidence(timemap.nearest_point_distance(middle), scale)
        values = (
            start_s if start_pinned else auto_start,
            end_s if end_pinned else auto_end,
            auto_start,
            auto_end,
            "pinned" if pinned else _origin(anchored, timemap, auto_start, auto_end, sure),
            1.0 if pinned else sure,
        )
        if values != tuple(row[5:]):
            changed.append([*values, track_id, n])
    with store.transaction():
        if changed:
            store.db.conn.executemany(
                f"UPDATE segments SET {', '.join(f'{c} = ?' for c in _WRITTEN)} "
                "WHERE track_id = ? AND n = ?",
                changed,
            )
        _follow_notes(store, track_id, timemap)


def _origin(anchored: bool, timemap: TimeMap, start: float, end: float, sure: float) -> str:
    """Whether a segment's timing rests on anchors: only where the segment reaches the span of
    the known points, and with a confidence that backs it; wholly before the first anchor or
    after the last the map only extrapolates, so the segment is "estimated"."""
    inside = start <= timemap.times[-1] and end >= timemap.times[0]
    return "anchored" if anchored and inside and sure >= MIN_ANCHORED_CONFIDENCE else "estimated"


def _follow_notes(store: Store, track_id: str, timemap: TimeMap) -> None:
    """Move the notes placed through this track's words along with it.

    A note found in the transcript (a quoted film line, a phrase the director says) belongs to
    that word, so when the track's clock changes (an alignment, a pin, a shift) the note keeps
    its word and its length. The placement itself is only searched again by
    ``notes.resolve_notes``; this is the cheap half that every re-timing can afford.
    """
    rows = store.db.execute(
        "SELECT id, start_s, end_s, json_extract(placement, '$.word_index') FROM notes "
        "WHERE json_extract(placement, '$.resolved_by') = 'transcript' "
        "AND json_extract(placement, '$.track_id') = ?",
        [track_id],
    ).fetchall()
    moved = []
    for note_id, start_s, end_s, word_index in rows:
        if word_index is None or start_s is None:
            continue
        start = round(timemap.time_at(word_index), 3)
        if start != start_s:
            moved.append((start, round(start + (end_s - start_s), 3), note_id))
    store.db.conn.executemany("UPDATE notes SET start_s = ?, end_s = ? WHERE id = ?", moved)
    limit_cards(store, store.track(track_id)["film_id"])


def locate_word(store: Store, track_id: str, word_index: float) -> float:
    """Film time at which word ``word_index`` of the track is spoken."""
    return round(track_map(store, track_id)[0].time_at(word_index), 3)
