"""The O(log n) index must agree with the obvious linear scan for any overlapping intervals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from companion.model import Note, Segment
from companion.timing.timeline_index import DEFAULT_NOTE_SPAN_S, IntervalIndex, TimelineIndex


def seg(n: int, start: float, end: float) -> Segment:
    return Segment(
        track_id="film/dir",
        n=n,
        char_start=0,
        char_end=1,
        word_start=0,
        word_end=1,
        text=f"segment {n}",
        spans=(),
        start_s=start,
        end_s=end,
        origin="estimated",
        confidence=0.5,
    )


def note(i: int, start: float | None, end: float | None) -> Note:
    return Note(
        id=f"n{i}",
        film_id="film",
        kind="trivia" if i % 2 else "correction",
        title=f"note {i}",
        body="",
        sources=(),
        placement={},
        start_s=start,
        end_s=end,
    )


intervals = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 60)).map(lambda p: (p[0] / 2, (p[0] + p[1]) / 2)),
    max_size=40,
)
probe_times = st.lists(st.integers(-10, 260).map(lambda x: x / 2 + 0.25 * (x % 3)), max_size=60)


@given(intervals, probe_times)
def test_interval_index_matches_linear_scan(spans: list[tuple[float, float]], times: list[float]):
    items = list(enumerate(spans))
    index = IntervalIndex(items, lambda item: item[1])
    for t in [*times, *(s for s, _ in spans), *(e for _, e in spans)]:
        expected = {i for i, (s, e) in items if s <= t < e}
        assert {i for i, _ in index.at(t)} == expected


@given(intervals, probe_times)
def test_same_slot_means_same_active_set_and_next_change_is_the_next_boundary(
    spans: list[tuple[float, float]], times: list[float]
):
    items = list(enumerate(spans))
    index = IntervalIndex(items, lambda item: item[1])
    bounds = sorted({x for s, e in spans if e > s for x in (s, e)})
    for t in times:
        later = [b for b in bounds if b > t]
        assert index.next_change(t) == (later[0] if later else None)
        if later:
            just_before = later[0] - 1e-6
            if just_before >= t:
                assert index.slot(just_before) == index.slot(t)
                assert index.at(just_before) == index.at(t)


def test_segment_boundaries_are_half_open_and_gaps_are_empty():
    index = TimelineIndex([seg(1, 10.0, 20.0), seg(2, 20.0, 30.0), seg(3, 40.0, 50.0)])
    assert index.segment_at(9.99) is None
    assert index.segment_at(10.0).n == 1
    assert index.segment_at(19.999).n == 1
    assert index.segment_at(20.0).n == 2
    assert index.segment_at(35.0) is None
    assert index.next_segment(35.0).n == 3
    assert index.segment_at(50.0) is None
    assert index.next_segment(50.0) is None


def test_active_key_changes_only_at_boundaries():
    index = TimelineIndex([seg(1, 10.0, 20.0), seg(2, 20.0, 30.0)], [note(1, 15.0, 25.0)])
    assert index.key(11.0) == index.key(14.9)
    assert index.key(14.9) != index.key(15.0)
    assert index.key(15.0) == index.key(19.9)
    assert index.key(19.9) != index.key(20.0)
    active = index.at(16.0)
    assert active.segment.n == 1
    assert [n.id for n in active.notes] == ["n1"]
    assert active.next_change == 20.0
    assert active.next_segment.n == 2


def test_overlapping_segments_prefer_the_later_start():
    index = TimelineIndex([seg(1, 0.0, 20.0), seg(2, 10.0, 30.0)])
    assert index.segment_at(5.0).n == 1
    assert index.segment_at(15.0).n == 2
    assert index.segment_at(25.0).n == 2


def test_notes_unplaced_or_open_ended():
    index = TimelineIndex([], [note(1, None, None), note(2, 100.0, None), note(3, 0.0, 0.0)])
    assert [n.id for n in index.unplaced_notes] == ["n1"]
    assert [n.id for n in index.notes_at(100.0 + DEFAULT_NOTE_SPAN_S - 0.1)] == ["n2"]
    assert index.notes_at(100.0 + DEFAULT_NOTE_SPAN_S) == ()
    assert index.notes_at(0.0) == ()


def test_starting_in_window():
    index = TimelineIndex([seg(i, i * 10.0, i * 10.0 + 5) for i in range(10)])
    assert [s.n for s in index.segments.starting_in(20.0, 50.0)] == [2, 3, 4]
