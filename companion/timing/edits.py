"""Every change a user makes to a track's timings, with its undo history, in one place.

The CLI and the UI both call these functions, so an edit means the same thing wherever it is made.
Each edit is one store transaction: the change, the re-interpolation of the unpinned segments
(:func:`companion.timing.retime.retime`) and a row in ``edits`` holding a label and the before/after
values of everything it touched. Undo and redo replay those values from the store, so the
history survives a restart and two windows on the same database agree on it.

Two kinds of timing change exist. A *pin* fixes a segment edge where the user put it; it becomes a
point of the time map, so the estimates around it move too. A *clock change* (shifting or scaling
the whole track for another release of the film) moves every point the map rests on: anchors,
pins and the commentary's span, so estimated and anchored segments keep their origin.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, Literal

from companion.errors import CompanionError, shown
from companion.model import Anchor, HeardSpan
from companion.store import TIMING_COLUMNS, Edit, Store
from companion.timing.retime import retime
from companion.timing.timecode import MAX_SECONDS, format_time, outside_film

Edge = Literal["start", "end"]
# Frame rates a release may run at; 23.976 and 29.97 are the NTSC rates, exactly 24000/1001 etc.
FPS_PRESETS = {"23.976": 24000 / 1001, "24": 24.0, "25": 25.0, "29.97": 30000 / 1001, "30": 30.0}


class EditError(CompanionError):
    """An edit that cannot be made as asked; the message says why and what would work."""


class NoChange(EditError):
    """The edit asked for is already how things are; nothing was recorded."""


# reading the state an edit works on ------------------------------------------------------------


@dataclass
class _Seg:
    """The columns an edit reads and writes of one segment (a full Segment is slower to build)."""

    n: int
    word_start: int
    word_end: int
    values: dict


def _segments(store: Store, track_id: str) -> dict[int, _Seg]:
    rows = store.segment_columns(track_id, ("n", "word_start", "word_end", *TIMING_COLUMNS))
    return {
        row[0]: _Seg(row[0], row[1], row[2], dict(zip(TIMING_COLUMNS, row[3:], strict=True)))
        for row in rows
    }


def _heard_row(h: HeardSpan) -> list:
    """A heard sentence as an edit's payload keeps it (JSON)."""
    return [h.word_start, h.word_end, h.start_s, h.end_s, h.confidence, [list(w) for w in h.words]]


def _heard_span(row: list) -> HeardSpan:
    ws, we, start, end, conf, words = row
    return HeardSpan(ws, we, start, end, conf, tuple((int(i), a, b) for i, a, b in words))


def _clock_heard(spans: list[HeardSpan], clock: Callable[[float], float]) -> list[HeardSpan]:
    return [
        HeardSpan(
            h.word_start,
            h.word_end,
            clock(h.start_s),
            clock(h.end_s),
            h.confidence,
            tuple((i, clock(a), clock(b)) for i, a, b in h.words),
        )
        for h in spans
    ]


def _runtime(store: Store, track_id: str) -> float:
    runtime = store.track_runtime(track_id)
    if runtime is None:
        raise EditError(f"no commentary track {track_id!r}")
    return runtime


def _segment(segs: dict[int, _Seg], n: int) -> _Seg:
    if n not in segs:
        raise EditError(f"no segment {n} (segments are 1 to {len(segs)})")
    return segs[n]


# writing --------------------------------------------------------------------------------------


def _write_anchors(store: Store, track_id: str, anchors: list[list]) -> None:
    """Store anchors kept as an edit's record keeps them (see ``Store.anchor_rows``)."""
    store.replace_anchors(track_id, (Anchor(*a) for a in anchors))


def _record(
    store: Store,
    track_id: str,
    op: str,
    label: str,
    change: Callable[[dict[int, _Seg]], dict[int, dict]],
    clock: Callable[[float], float] | None = None,
    anchors: list[list] | None = None,
    settle: Callable[[], object] | None = None,
    heard: list[HeardSpan] | None = None,
    notes_of: str | None = None,
) -> Edit:
    """Run one edit as one transaction and log it; ``change`` returns the pin columns it sets.

    ``clock`` maps every film time the track's map rests on (a clock change); ``anchors``
    replaces the track's anchors (an import, an align), ``heard`` its heard sentences (a
    listen run); ``settle`` runs after the re-interpolation; ``notes_of`` names a film whose
    notes the edit re-places (an align), so their times are part of the edit. The payload keeps
    the before/after values of what changed: the changed columns of each segment, the anchors
    (only their times when only those moved), the heard sentences, the span and the notes.
    """
    with store.transaction():
        runtime = _runtime(store, track_id)
        segs = _segments(store, track_id)
        before_notes = store.note_places(notes_of) if notes_of else {}
        before_anchors = store.anchor_rows(track_id)
        before_span = store.track_span(track_id)
        before_heard = store.heard(track_id)
        pins = change(segs)
        after_anchors, after_span, after_heard = before_anchors, before_span, before_heard
        if clock is not None:
            after_anchors = [[w, clock(t), s, src] for w, t, s, src in before_anchors]
            after_span = [clock(t) for t in before_span]
            after_heard = _clock_heard(before_heard, clock)
            _check_anchors(after_anchors, runtime)
            _check_heard(after_heard, runtime)
        if anchors is not None:
            after_anchors = anchors
            _check_anchors(after_anchors, runtime)
        if heard is not None:
            after_heard = heard
        check_pins(segs, pins, runtime)
        store.update_segments(track_id, pins)
        if after_anchors != before_anchors:
            _write_anchors(store, track_id, after_anchors)
        if after_span != before_span:
            store.set_track_span(track_id, after_span)
        if after_heard != before_heard:
            store.replace_heard(track_id, after_heard)
        retime(store, track_id)
        if settle is not None:
            settle()
        after = _segments(store, track_id)
        payload: dict[str, Any] = {"segments": {}}
        for n, seg in after.items():
            changed = [c for c in TIMING_COLUMNS if seg.values[c] != segs[n].values[c]]
            if changed:
                payload["segments"][str(n)] = [
                    {c: segs[n].values[c] for c in changed},
                    {c: seg.values[c] for c in changed},
                ]
        if after_anchors != before_anchors:
            payload.update(_anchor_change(before_anchors, after_anchors))
        if after_span != before_span:
            payload["span"] = [before_span, after_span]
        if after_heard != before_heard:
            payload["heard"] = [list(map(_heard_row, side)) for side in (before_heard, after_heard)]
        if notes_of:
            after_notes = store.note_places(notes_of)
            moved = {k: [before_notes.get(k), v] for k, v in after_notes.items()}
            moved = {k: sides for k, sides in moved.items() if sides[0] != sides[1]}
            if moved:
                payload["notes"] = moved
        if len(payload) == 1 and not payload["segments"]:
            raise NoChange(f"{label}: nothing would change")
        return store.log_edit(track_id, op, label, encode_payload(payload))


def _anchor_change(before: list[list], after: list[list]) -> dict:
    """The anchors' part of a payload: only their times when nothing else moved (a shift or
    scale of the whole track), else both lists."""
    same_points = len(before) == len(after) and all(
        (b[0], b[2], b[3]) == (a[0], a[2], a[3]) for b, a in zip(before, after, strict=True)
    )
    if same_points:
        return {"anchor_times": [[b[1] for b in before], [a[1] for a in after]]}
    return {"anchors": [before, after]}


def encode_payload(payload: dict) -> bytes:
    """An edit's record as stored: compact JSON, compressed (a whole-track shift's times
    repeat the same few digits; compressed it is a few kilobytes)."""
    return zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 6)


class DamagedEdit(ValueError):
    """An edit record that can't be read back (damaged on disk, or written by a bug)."""


def decode_payload(raw: object) -> dict:
    """The record of an edit, checked for form; raises :class:`DamagedEdit` if unusable.

    Older records are plain JSON text; newer ones compressed. Either way every value that
    would be written back is checked first, so a damaged record never half-applies.
    """
    try:
        text = zlib.decompress(raw) if isinstance(raw, bytes) else raw
        payload = json.loads(text)  # type: ignore[arg-type]
    except (zlib.error, TypeError, ValueError, RecursionError) as exc:
        raise DamagedEdit(f"unreadable record ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("segments"), dict):
        raise DamagedEdit("record has no segments")
    for n, sides in payload["segments"].items():
        if not (n.isdigit() and _pair(sides, dict)):
            raise DamagedEdit(f"bad entry for segment {shown(n)}")
        for side in sides:
            if not set(side) <= set(TIMING_COLUMNS) or not all(map(_plain, side.values())):
                raise DamagedEdit(f"bad values for segment {n}")
    checks = (
        ("anchors", _anchor_rows),
        ("anchor_times", _numbers),
        ("span", _span_pair),
        ("heard", _heard_rows),
    )
    for key, valid in checks:
        if key in payload and not (_pair(payload[key], list) and all(map(valid, payload[key]))):
            raise DamagedEdit(f"bad {key}")
    notes = payload.get("notes", {})
    if not isinstance(notes, dict) or not all(map(_note_sides, notes.values())):
        raise DamagedEdit("bad notes")
    return payload


def _pair(value: object, kind: type | tuple) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, kind) for v in value)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str) or _number(value)


def _numbers(side: list) -> bool:
    return all(map(_number, side))


def _heard_rows(side: list) -> bool:
    """Rows of ``_heard_row``: word span, times, confidence, words as [index, start, end]."""
    return all(
        isinstance(row, list)
        and len(row) == 6
        and all(isinstance(w, int) for w in row[:2])
        and _numbers(row[2:5])
        and isinstance(row[5], list)
        and all(
            isinstance(w, list) and len(w) == 3 and isinstance(w[0], int) and _numbers(w[1:])
            for w in row[5]
        )
        for row in side
    )


def _span_pair(side: list) -> bool:
    return len(side) == 2 and _numbers(side)


def _anchor_rows(side: list) -> bool:
    return all(isinstance(a, list) and len(a) == 4 and all(map(_plain, a)) for a in side)


def _note_sides(sides: object) -> bool:
    """[before, after] of a note: each None (not there) or [start_s, end_s, placement]."""
    return (
        isinstance(sides, list)
        and len(sides) == 2
        and all(
            side is None or (isinstance(side, list) and len(side) == 3 and all(map(_plain, side)))
            for side in sides
        )
    )


# validation -----------------------------------------------------------------------------------


def check_pins(segs: dict[int, _Seg], changes: dict[int, dict], runtime: float) -> None:
    """Refuse pins outside the film or out of order: the time map needs them monotone.

    Pinned edges in transcript order (a segment's end before the next one's start) must never go
    back in time, and must strictly advance between different transcript positions, so no
    segment gets a zero or negative length and no two segments swap.
    """
    points = []
    for n, seg in segs.items():
        values = {**seg.values, **changes.get(n, {})}
        for edge, position, order in (("end", seg.word_end, 0), ("start", seg.word_start, 1)):
            if values[f"{edge}_pinned"]:
                t = values[f"{edge}_s"]
                if not 0 <= t <= runtime:
                    raise EditError(
                        f"segment {n} {edge} {format_time(t)} is outside the film "
                        f"(00:00:00.000 to {format_time(runtime)})"
                    )
                points.append((position, order, t, n, edge))
    points.sort()
    for (p0, _, t0, n0, e0), (p1, _, t1, n1, e1) in pairwise(points):
        if t1 < t0 or (t1 == t0 and p1 != p0):
            raise EditError(
                f"segment {n1} would {e1} at {format_time(t1)}, not after segment {n0}'s "
                f"pinned {e0} at {format_time(t0)}: segments must stay in order "
                "(unpin or move that one first)"
            )


def _check_anchors(anchors: list[list], runtime: float) -> None:
    """A clock change may not push a matched film line out of the film (the estimate's span
    may: the commentary can start before this release's first frame)."""
    outside = [t for _w, t, _s, _src in anchors if not 0 <= t <= runtime]
    if outside:
        raise EditError(
            f"that would move a matched film line to {format_time(outside[0])}, outside the "
            f"film (00:00:00.000 to {format_time(runtime)})"
        )


def _check_heard(spans: list[HeardSpan], runtime: float) -> None:
    """Like anchors, heard sentences must stay inside the film."""
    outside = [t for h in spans for t in (h.start_s, h.end_s) if not 0 <= t <= runtime]
    if outside:
        raise EditError(
            f"that would move a heard sentence to {format_time(outside[0])}, outside the "
            f"film (00:00:00.000 to {format_time(runtime)})"
        )


def _film_time(t: float, runtime: float) -> float:
    problem = outside_film(t, runtime)
    if problem:
        raise EditError(problem)
    return round(t, 3)


# the edits ------------------------------------------------------------------------------------


def _edge_label(n: int, edge: Edge) -> str:
    return f"segment {n}" if edge == "start" else f"end of segment {n}"


def _pin_edge(segs: dict[int, _Seg], n: int, edge: Edge, t: float) -> dict[int, dict]:
    """Pin one edge at ``t``, with the neighbour's edge on the same boundary if it is pinned.

    Neighbouring segments share a boundary (one word position): two pins there at different
    times would give the time map two values for one word, so they always move together.
    """
    _segment(segs, n)
    changes = {n: {f"{edge}_s": t, f"{edge}_pinned": 1}}
    other, other_edge = (n - 1, "end") if edge == "start" else (n + 1, "start")
    if other in segs and segs[other].values[f"{other_edge}_pinned"]:
        changes[other] = {f"{other_edge}_s": t}
    return changes


def set_time(store: Store, track_id: str, n: int, t: float, edge: Edge = "start") -> Edit:
    """Pin a segment's start (or end) at ``t``, e.g. at the playhead."""
    t = _film_time(t, _runtime(store, track_id))
    label = f"Pin {_edge_label(n, edge)} at {format_time(t)}"
    return _record(store, track_id, "pin", label, lambda segs: _pin_edge(segs, n, edge, t))


def nudge(store: Store, track_id: str, n: int, delta: float, edge: Edge = "start") -> Edit:
    """Move a segment's start (or end) by ``delta`` seconds from where it shows now; pins it."""
    runtime = _runtime(store, track_id)

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        t = _film_time(_segment(segs, n).values[f"{edge}_s"] + delta, runtime)
        return _pin_edge(segs, n, edge, t)

    sign = "+" if delta >= 0 else "−"
    label = f"Nudge {_edge_label(n, edge)} {sign}{abs(delta):g} s"
    return _record(store, track_id, "nudge", label, change)


def move_boundary(store: Store, track_id: str, n: int, t: float) -> Edit:
    """Drag the boundary where segment ``n`` starts (and ``n - 1`` ends) to ``t``; pins it.

    The boundary stays strictly between the previous segment's start and this one's end, so a
    drag can never make a segment swap places with its neighbour.
    """
    t = _film_time(t, _runtime(store, track_id))

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        seg = _segment(segs, n)
        low = segs[n - 1].values["start_s"] if n - 1 in segs else 0.0
        high = seg.values["end_s"]
        if not low < t < high:
            raise EditError(
                f"segment {n} can start only between {format_time(low)} and "
                f"{format_time(high)} (its neighbours' edges)"
            )
        return _pin_edge(segs, n, "start", t)

    return _record(
        store, track_id, "move", f"Move start of segment {n} to {format_time(t)}", change
    )


def pin(store: Store, track_id: str, n: int) -> Edit:
    """Pin both edges of a segment where they show now, so later edits don't move it."""

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        values = _segment(segs, n).values
        if values["start_pinned"] and values["end_pinned"]:
            raise EditError(f"segment {n} is already pinned")
        return {n: {"start_pinned": 1, "end_pinned": 1}}

    return _record(store, track_id, "pin", f"Pin segment {n} in place", change)


def unpin(store: Store, track_id: str, n: int, edges: Iterable[Edge] = ("start", "end")) -> Edit:
    """Give a segment's edges back to the machine: they follow anchors and other pins again."""
    edges = tuple(edges)
    which = "" if len(edges) == 2 else f"{edges[0]} of "
    return _unpin(store, track_id, n, edges, "unpin", f"Unpin {which}segment {n}")


def revert(store: Store, track_id: str, n: int) -> Edit:
    """Drop every user timing of a segment: back to its estimated or anchored time."""
    return _unpin(store, track_id, n, ("start", "end"), "revert", f"Revert segment {n}")


def _unpin(store: Store, track_id: str, n: int, edges: tuple, op: str, label: str) -> Edit:
    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        values = _segment(segs, n).values
        if not any(values[f"{e}_pinned"] for e in edges):
            raise EditError(f"segment {n} is not pinned; it already follows the machine's timing")
        return {n: {f"{e}_pinned": 0 for e in edges}}

    return _record(store, track_id, op, label, change)


def shift(
    store: Store,
    track_id: str,
    offset: float,
    *,
    from_s: float | None = None,
    segments: tuple[int, int] | None = None,
) -> Edit:
    """Move timings by ``offset`` seconds: the whole track, or the segments asked for.

    The whole track is a clock change (another release with a longer logo): anchors, pins and
    the span all move, so origins stay as they were. Part of the track (segments ``A-B`` and/or
    those starting at or after ``from_s``) is the user's timing of those segments: they get
    pinned at their shifted times and the rest re-interpolates around them.
    """
    if not math.isfinite(offset) or abs(offset) > MAX_SECONDS:
        raise EditError(f"a shift of {offset:g} s is not a film time difference")
    if from_s is None and segments is None:
        label = f"Shift all by {offset:+g} s"
        return _clock_change(store, track_id, "shift", label, 1.0, offset)

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        for bound in segments or ():
            _segment(segs, bound)
        chosen = [
            seg
            for seg in segs.values()
            if (segments is None or segments[0] <= seg.n <= segments[1])
            and (from_s is None or seg.values["start_s"] >= from_s)
        ]
        if not chosen:
            raise EditError("no segment matches: nothing to shift")
        return {
            seg.n: {
                "start_s": round(seg.values["start_s"] + offset, 3),
                "end_s": round(seg.values["end_s"] + offset, 3),
                "start_pinned": 1,
                "end_pinned": 1,
            }
            for seg in chosen
        }

    which = f"segments {segments[0]}-{segments[1]}" if segments else "segments"
    where = f" from {format_time(from_s)}" if from_s is not None else ""
    return _record(store, track_id, "shift", f"Shift {which}{where} by {offset:+g} s", change)


def fps_factor(spec: str) -> float:
    """``FROM:TO`` frame rates to the factor film times grow by (``25:23.976`` → 1.0427).

    A PAL release shows the same frames at 25 fps instead of 23.976, so each frame's time is
    multiplied by FROM/TO when moving timings made on a FROM release onto a TO release.
    """
    try:
        source, target = (FPS_PRESETS[part.strip()] for part in spec.split(":"))
    except (KeyError, ValueError):
        raise EditError(
            f"{spec!r}: use FROM:TO with rates from {', '.join(FPS_PRESETS)} (e.g. 25:23.976)"
        ) from None
    return source / target


def scale(store: Store, track_id: str, factor: float, label: str | None = None) -> Edit:
    """Stretch the whole track's clock by ``factor`` (a clock change, like a whole-track shift)."""
    if not 0.5 <= factor <= 2.0:
        raise EditError(f"scale factor {factor:g} is not plausible (use 0.5 to 2)")
    return _clock_change(
        store, track_id, "scale", label or f"Scale all by {factor:.6g}", factor, 0.0
    )


def _clock_change(
    store: Store, track_id: str, op: str, label: str, factor: float, offset: float
) -> Edit:
    """Move every film time the track's map rests on by ``t * factor + offset``."""

    def clock(t: float) -> float:
        return round(t * factor + offset, 3)

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        out = {}
        for seg in segs.values():
            moved = {
                f"{e}_s": clock(seg.values[f"{e}_s"])
                for e in ("start", "end")
                if seg.values[f"{e}_pinned"]
            }
            if moved:
                out[seg.n] = moved
        return out

    return _record(store, track_id, op, label, change, clock=clock)


def reanchor(
    store: Store,
    track_id: str,
    anchors: list[list],
    label: str,
    settle: Callable[[], object] | None = None,
) -> Edit:
    """Replace the track's anchors (an align) and re-time every unpinned segment, as one edit;
    ``settle`` re-places the notes, whose times the edit records too."""
    film_id = store.track(track_id)["film_id"]
    return _record(
        store,
        track_id,
        "align",
        label,
        lambda segs: {},
        anchors=anchors,
        settle=settle,
        notes_of=film_id,
    )


def apply_timings(
    store: Store,
    track_id: str,
    entries: dict[int, tuple[float, float, bool, bool]],
    label: str,
    anchors: list[list] | None = None,
    heard: list[HeardSpan] | None = None,
) -> Edit:
    """Make segments show at the given (start, end, start_pinned, end_pinned), all or nothing.

    Pinned edges become pins. An unpinned time that the time map does not reproduce (a file
    made with other anchors, or edited by hand) is pinned as well, until every listed time
    shows exactly as given; a file exported from this store therefore adds no pin. ``heard``
    replaces the heard sentences (a file made after a listen run carries them).
    """
    runtime = _runtime(store, track_id)

    def change(segs: dict[int, _Seg]) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for n, (start, end, start_pinned, end_pinned) in entries.items():
            _segment(segs, n)
            for edge, t, pinned in (("start", start, start_pinned), ("end", end, end_pinned)):
                out.setdefault(n, {})[f"{edge}_pinned"] = int(pinned)
                if pinned:
                    out[n][f"{edge}_s"] = t
        return out

    def settle() -> None:
        for _ in range(2 * len(entries) + 1):
            segs = _segments(store, track_id)
            missed: dict[int, dict] = {}
            for n, (start, end, _sp, _ep) in entries.items():
                for edge, t in (("start", start), ("end", end)):
                    if abs(segs[n].values[f"{edge}_s"] - t) > 0.0005:
                        missed.setdefault(n, {}).update({f"{edge}_s": t, f"{edge}_pinned": 1})
            if not missed:
                return
            check_pins(segs, missed, runtime)
            store.update_segments(track_id, missed)
            retime(store, track_id)

    if heard is not None:
        _check_heard(heard, runtime)
    return _record(
        store, track_id, "import", label, change, anchors=anchors, settle=settle, heard=heard
    )


def replace_heard(store: Store, track_id: str, spans: Iterable[HeardSpan], label: str) -> Edit:
    """Put a listen run's heard sentences in place of the previous run's, as one edit.

    They become points of the time map (under pins, over the estimate; a quoted film line keeps
    its anchor), so every unpinned segment they touch moves to where the director was heard.
    Spans outside the film are refused, like any timing outside it.
    """
    ordered = sorted(spans, key=lambda s: s.word_start)
    _check_heard(ordered, _runtime(store, track_id))
    return _record(store, track_id, "listen", label, lambda segs: {}, heard=ordered)


# history --------------------------------------------------------------------------------------


def history(store: Store, track_id: str) -> list[Edit]:
    """Every edit of the track, oldest first; undone ones are those a redo would bring back."""
    return store.edits(track_id)


def undo(store: Store, track_id: str) -> Edit:
    """Put back the timings from before the last done edit."""
    return _replay(store, track_id, "done", "undone", "nothing to undo")


def redo(store: Store, track_id: str) -> Edit:
    """Make the first undone edit again."""
    return _replay(store, track_id, "undone", "done", "nothing to redo")


def _replay(store: Store, track_id: str, state: str, new_state: str, empty: str) -> Edit:
    """Write one side of an edit's payload back and flip its state.

    The values are then re-interpolated, which changes nothing when the store holds what the
    edit left; if something outside the history moved the track since (a re-align), the
    restored pins are honoured and the rest follows the current anchors. A record that can't
    be read is set aside as ``damaged`` (and said so) instead of blocking every undo after it.
    """
    side = 0 if state == "done" else 1
    skipped: list[str] = []
    with store.transaction():  # commits the set-aside records even when nothing is left
        while record := store.edit_record(track_id, state, newest=state == "done"):
            edit_id, label, raw = record
            try:
                payload = decode_payload(raw)
            except DamagedEdit as exc:
                store.set_edit_state(edit_id, "damaged")
                skipped.append(f"edit {edit_id} ({label}) is damaged and was set aside: {exc}")
                continue
            _apply_side(store, track_id, payload, side)
            store.set_edit_state(edit_id, new_state)
            done = replace(store.edit(edit_id), warnings=tuple(skipped))
            break
        else:
            done = None
    if done is None:
        raise EditError("; ".join([empty, *skipped]))
    return done


def _apply_side(store: Store, track_id: str, payload: dict, side: int) -> None:
    """Put back one side (0: before, 1: after) of a decoded edit record."""
    store.update_segments(
        track_id, {int(n): sides[side] for n, sides in payload["segments"].items()}
    )
    if "anchors" in payload:
        _write_anchors(store, track_id, payload["anchors"][side])
    if "anchor_times" in payload:
        current = store.anchor_rows(track_id)
        times = payload["anchor_times"][side]
        if len(times) != len(current):
            raise EditError("the anchors changed since this edit (a re-align); undo that first")
        _write_anchors(
            store,
            track_id,
            [[w, t, sc, src] for (w, _t, sc, src), t in zip(current, times, strict=True)],
        )
    if "span" in payload:
        store.set_track_span(track_id, payload["span"][side])
    if "heard" in payload:
        store.replace_heard(track_id, map(_heard_span, payload["heard"][side]))
    retime(store, track_id)
    for note_id, sides in payload.get("notes", {}).items():
        if sides[side] is not None:
            store.place_note(note_id, *sides[side])
