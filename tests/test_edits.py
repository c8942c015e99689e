"""Timing edits on the real bundled commentary, in a real SQLite file."""

from __future__ import annotations

import itertools
import random
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.model import Anchor
from companion.store import Store
from companion.timing import edits
from companion.timing.retime import retime

COLUMNS = ", ".join(("n", *edits.TIMING_COLUMNS))


def open_copy(source, folder) -> tuple[Store, str]:
    path = folder / "companion.db"
    shutil.copy(source, path)
    store = Store(path)
    return store, store.track()["id"]


@pytest.fixture
def store(built_db, tmp_path):
    store, track_id = open_copy(built_db, tmp_path)
    yield store, track_id
    store.close()


def timing(store: Store) -> list[tuple]:
    return store.db.execute(f"SELECT {COLUMNS} FROM segments ORDER BY track_id, n").fetchall()


def state(store: Store) -> tuple:
    """Everything an edit may change: segment timings, anchors, the track's span."""
    anchors = store.db.execute("SELECT word_index, film_s, score, source FROM anchors ORDER BY 1")
    span = store.db.execute("SELECT id, start_s, end_s FROM tracks ORDER BY id")
    return timing(store), anchors.fetchall(), span.fetchall()


def assert_ordered(store: Store, track_id: str) -> None:
    segs = store.segments(track_id)
    for a, b in itertools.pairwise(segs):
        assert a.start_s < a.end_s <= b.start_s + 1e-9, (a.n, a.start_s, a.end_s, b.start_s)


def test_pin_start_is_exact_and_moves_the_estimates_around_it(store):
    store, track_id = store
    before = {s.n: s for s in store.segments(track_id)}
    edit = edits.set_time(store, track_id, 42, 2512.3)
    assert edit.label == "Pin segment 42 at 00:41:52.300"
    seg = store.segment(track_id, 42)
    assert (seg.start_s, seg.start_pinned, seg.end_pinned, seg.origin) == (
        2512.3,
        True,
        False,
        "pinned",
    )
    assert store.segment(track_id, 41).end_s == 2512.3  # the neighbour's shared edge follows
    moved = [n for n, s in before.items() if store.segment(track_id, n).start_s != s.start_s]
    assert len(moved) > 1 and 42 in moved
    assert_ordered(store, track_id)


def test_pin_end_and_nudges(store):
    store, track_id = store
    end = store.segment(track_id, 10).start_s + 30
    edits.set_time(store, track_id, 10, end, "end")
    edits.nudge(store, track_id, 10, 0.1, "end")
    start = store.segment(track_id, 10).start_s  # the end's pin moved the estimated start
    edits.nudge(store, track_id, 10, -1.0)
    seg = store.segment(track_id, 10)
    assert seg.end_s == round(end + 0.1, 3) and seg.end_pinned
    assert seg.start_s == round(start - 1.0, 3) and seg.start_pinned
    assert store.segment(track_id, 11).start_s == seg.end_s
    labels = [e.label for e in edits.history(store, track_id)]
    assert labels[-2:] == ["Nudge end of segment 10 +0.1 s", "Nudge segment 10 −1 s"]


def test_pins_out_of_order_or_outside_the_film_are_refused_and_change_nothing(store):
    store, track_id = store
    edits.set_time(store, track_id, 50, 3000.0)
    snapshot = state(store)
    with pytest.raises(edits.EditError, match="must stay in order"):
        edits.set_time(store, track_id, 60, 2999.0)
    with pytest.raises(edits.EditError, match="must stay in order"):
        edits.set_time(store, track_id, 40, 3000.0)
    with pytest.raises(edits.EditError, match="outside the film"):
        edits.set_time(store, track_id, 60, 9000.0)
    with pytest.raises(edits.EditError, match="no segment 999"):
        edits.set_time(store, track_id, 999, 10.0)
    with pytest.raises(edits.EditError, match="not pinned"):
        edits.revert(store, track_id, 60)
    assert state(store) == snapshot
    assert len(edits.history(store, track_id)) == 1


def test_move_boundary_keeps_neighbours_and_joins_a_pinned_end(store):
    store, track_id = store
    edits.pin(store, track_id, 41)
    s41, s42 = store.segment(track_id, 41), store.segment(track_id, 42)
    with pytest.raises(edits.EditError, match="can start only between"):
        edits.move_boundary(store, track_id, 42, s42.end_s + 1)
    with pytest.raises(edits.EditError, match="can start only between"):
        edits.move_boundary(store, track_id, 42, s41.start_s)
    target = round((s41.start_s + s41.end_s) / 2, 3)
    edits.move_boundary(store, track_id, 42, target)
    assert store.segment(track_id, 41).end_s == target == store.segment(track_id, 42).start_s
    assert_ordered(store, track_id)


def test_unpin_and_revert_return_to_the_machine_time(store):
    store, track_id = store
    original = timing(store)
    edits.set_time(store, track_id, 42, 2512.3)
    edits.set_time(store, track_id, 42, 2560.0, "end")
    edits.unpin(store, track_id, 42, ("end",))
    seg = store.segment(track_id, 42)
    assert seg.start_pinned and not seg.end_pinned
    edits.revert(store, track_id, 42)
    assert timing(store) == original


def anchored_between(store: Store, track_id: str, first: int, last: int) -> None:
    """Two anchors (words ``first`` and ``last``), so the map's ends are known points."""
    store.replace_anchors(track_id, [Anchor(first, first * 0.35), Anchor(last, last * 0.35)])
    with store.transaction():
        retime(store, track_id)


def inside(segments, first: int, last: int):
    """Segments between the map's outer points, where a clock change is exact (beyond them the
    map bends to stay inside the film)."""
    return [s for s in segments if first <= s.word_start and s.word_end <= last]


def test_shift_all_moves_every_time_and_keeps_origins(store):
    store, track_id = store
    anchored_between(store, track_id, 1000, 20000)
    edits.set_time(store, track_id, 100, store.segment(track_id, 100).start_s + 4)
    before = inside(store.segments(track_id), 1000, 20000)
    edits.shift(store, track_id, 2.5)
    after = inside(store.segments(track_id), 1000, 20000)
    assert len(after) > 150
    for a, b in zip(before, after, strict=True):
        assert b.start_s == pytest.approx(a.start_s + 2.5, abs=0.0015)
        assert b.end_s == pytest.approx(a.end_s + 2.5, abs=0.0015)
        assert (a.origin, a.start_pinned, a.end_pinned) == (b.origin, b.start_pinned, b.end_pinned)
    assert [a.film_s for a in store.anchors(track_id)] == [352.5, 7002.5]


def test_shift_part_pins_those_segments(store):
    store, track_id = store
    before = {s.n: s for s in store.segments(track_id)}
    edits.shift(store, track_id, 3.0, segments=(50, 52))
    for n in (50, 51, 52):
        seg = store.segment(track_id, n)
        assert seg.start_s == round(before[n].start_s + 3, 3) and seg.pinned
    assert [s.n for s in store.segments(track_id) if s.pinned] == [50, 51, 52]
    cut = store.segment(track_id, 200).start_s
    edits.shift(store, track_id, -1.0, from_s=cut)
    assert store.segment(track_id, 200).start_s == round(cut - 1, 3)
    assert store.segment(track_id, 199).start_pinned is False
    with pytest.raises(edits.EditError, match="no segment matches"):
        edits.shift(store, track_id, 1.0, from_s=8459.0)


def test_scale_between_frame_rates(store):
    store, track_id = store
    factor = edits.fps_factor("25:23.976")
    assert factor == pytest.approx(25 / (24000 / 1001))
    anchored_between(store, track_id, 1000, 20000)
    before = inside(store.segments(track_id), 1000, 20000)
    edit = edits.scale(store, track_id, factor, "Scale all from 25 to 23.976 fps")
    after = inside(store.segments(track_id), 1000, 20000)
    for a, b in zip(before, after, strict=True):
        assert b.end_s == pytest.approx(a.end_s * factor, abs=0.0015)
    assert edit.op == "scale"
    with pytest.raises(edits.EditError, match="FROM:TO"):
        edits.fps_factor("25")
    edits.pin(store, track_id, 200)
    with pytest.raises(edits.EditError, match="outside the film"):
        edits.scale(store, track_id, 1.2)  # the pinned segment would land after the credits
    store.replace_anchors(track_id, [Anchor(100, 30.0)])
    with pytest.raises(edits.EditError, match="matched film line"):
        edits.shift(store, track_id, -31)


def test_undo_redo_sequence_survives_a_restart(built_db, tmp_path):
    store, track_id = open_copy(built_db, tmp_path)
    rng = random.Random(5)
    states = [state(store)]
    for _ in range(12):
        n = rng.randint(2, 216)
        seg = store.segment(track_id, n)
        op = rng.choice(["pin", "nudge", "end", "shift", "part"])
        try:
            if op == "pin":
                edits.set_time(store, track_id, n, seg.start_s + rng.uniform(-3, 3))
            elif op == "nudge":
                edits.nudge(store, track_id, n, rng.choice([-1, -0.1, 0.1, 1]))
            elif op == "end":
                edits.set_time(store, track_id, n, seg.end_s + rng.uniform(-2, 2), "end")
            elif op == "shift":
                edits.shift(store, track_id, rng.choice([-0.5, 1.5]))
            else:
                edits.shift(store, track_id, 0.7, segments=(n, min(n + 3, 217)))
        except edits.EditError:
            continue  # refused edits record nothing; the sequence goes on
        states.append(state(store))
    assert len(states) > 6
    store.close()
    store = Store(tmp_path / "companion.db")  # the history lives in the file
    for expected in reversed(states[:-1]):
        edits.undo(store, track_id)
        assert state(store) == expected
    with pytest.raises(edits.EditError, match="nothing to undo"):
        edits.undo(store, track_id)
    for expected in states[1:4]:
        edits.redo(store, track_id)
        assert state(store) == expected
    edits.set_time(store, track_id, 150, store.segment(track_id, 150).start_s + 1)
    with pytest.raises(edits.EditError, match="nothing to redo"):
        edits.redo(store, track_id)
    assert [e.state for e in edits.history(store, track_id)] == ["done"] * 4
    store.close()


# re-interpolation properties -------------------------------------------------------------------


@st.composite
def pin_sets(draw):
    """Random pins on distinct boundaries at increasing film times, sometimes with anchors.

    Boundary k is where segment k starts (and k - 1 ends; 218 is the end of the last one); a pin
    there is set through either segment's edge.
    """
    count = draw(st.integers(1, 8))
    boundaries = sorted(draw(st.sets(st.integers(1, 218), min_size=count, max_size=count)))
    times = sorted(draw(st.sets(st.integers(10, 8000), min_size=count, max_size=count)))
    pins = []
    for k, t in zip(boundaries, times, strict=True):
        use_end = k == 218 or (k > 1 and draw(st.booleans()))
        pins.append((k - 1, "end", t) if use_end else (k, "start", t))
    words = sorted(draw(st.sets(st.integers(0, 22000), max_size=12)))
    anchor_times = sorted(
        draw(st.sets(st.integers(0, 8400), min_size=len(words), max_size=len(words)))
    )
    return pins, list(zip(words, anchor_times, strict=True))


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pin_sets())
def test_reinterpolation_properties(built_db, tmp_path_factory, case):
    """Pins exact, segments in order (so monotone between pins), a second retime changes nothing."""
    pins, anchors = case
    store, track_id = open_copy(built_db, tmp_path_factory.mktemp("prop"))
    try:
        store.replace_anchors(track_id, [Anchor(w, float(t)) for w, t in anchors])
        with store.transaction():
            retime(store, track_id)
        for n, edge, t in pins:
            edits.set_time(store, track_id, n, float(t), edge)
        segs = {s.n: s for s in store.segments(track_id)}
        for n, edge, t in pins:
            assert getattr(segs[n], f"{edge}_s") == t and getattr(segs[n], f"{edge}_pinned")
        for a, b in itertools.pairwise(sorted(segs.values(), key=lambda s: s.n)):
            assert a.start_s <= a.end_s == b.start_s
        before = timing(store)
        with store.transaction():
            retime(store, track_id)
        assert timing(store) == before
    finally:
        store.close()
