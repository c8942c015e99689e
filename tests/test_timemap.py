"""The time map: monotone whatever the anchors, pins exact, extrapolation at the data's rate."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.model import Anchor
from companion.timing.timemap import TimeMap, heaviest_monotone, spoken_positions

anchors_st = st.lists(
    st.tuples(
        st.floats(0, 22000, allow_nan=False),
        st.floats(0, 8400, allow_nan=False),
        st.floats(0, 1, allow_nan=False),
    ),
    max_size=40,
).map(lambda rows: [Anchor(w, t, s) for w, t, s in rows])


@st.composite
def pins_st(draw):
    """Pins as the editor makes them: increasing in both word and time (a word may hold two,
    a segment's end and the next one's start)."""
    words = sorted(draw(st.sets(st.integers(0, 22000), max_size=6)))
    words = [w for w in words for _ in range(draw(st.integers(1, 2)))]
    count = len(words)
    times = sorted(draw(st.sets(st.integers(0, 8400), min_size=count, max_size=count)))
    return [(float(w), float(t)) for w, t in zip(words, times, strict=True)]


def test_points_a_hair_apart_give_no_nan():
    """Found by hypothesis: a pin and an anchor 5e-324 words apart made the rate infinite."""
    timemap, _ = TimeMap.anchored(
        [(0.0, 0.0)], [Anchor(5e-324, 1.0, 0.0)], 0.35, film=(22000, 8460.0)
    )
    times = [timemap.time_at(p) for p in (-1.0, 0.0, 5e-324, 0.5)]
    assert times == sorted(times) and all(math.isfinite(t) for t in times)


def _probe_positions(timemap: TimeMap) -> list[float]:
    inner = [p + d for p in timemap.positions for d in (-0.5, 0.0, 0.5)]
    return sorted({-100.0, 0.0, *inner, 30000.0})


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(anchors_st, pins_st())
def test_map_is_monotone_and_pins_are_exact(anchors, pins):
    found = TimeMap.anchored(pins, anchors, fallback_rate=0.35, film=(22000, 8460.0))
    if not pins and not anchors:
        assert found is None
        return
    timemap, kept = found
    assert kept <= len(anchors)
    times = [timemap.time_at(p) for p in _probe_positions(timemap)]
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert timemap.time_at(0) >= 0.0 and timemap.time_at(22000) <= 8460.0
    for word, t in pins:
        hits = [
            timemap.time_at(w) for w in (word, word + 1e-6, word + 2e-6) if timemap.time_at(w) == t
        ]
        assert hits, f"pin ({word}, {t}) not on the map"
    assert all(a < b for a, b in itertools.pairwise(timemap.positions))
    assert all(a < b for a, b in itertools.pairwise(timemap.times))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12), st.floats(0.01, 5, allow_nan=False)),
        max_size=9,
    )
)
def test_heaviest_monotone_is_the_optimum(points):
    chosen = heaviest_monotone(points)
    picked = [points[i] for i in chosen]
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(picked))
    best = 0.0
    for r in range(len(points) + 1):
        for subset in itertools.combinations(sorted(points), r):
            if all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(subset)):
                best = max(best, sum(p[2] for p in subset))
    assert abs(sum(p[2] for p in picked) - best) < 1e-9


def test_out_of_order_anchor_loses_to_heavier_consistent_ones():
    anchors = [
        Anchor(100, 50, 0.9),
        Anchor(200, 90, 0.9),
        Anchor(150, 500, 0.4),
        Anchor(300, 130, 0.9),
    ]
    timemap, kept = TimeMap.anchored((), anchors, fallback_rate=0.35)
    assert kept == 3 and 500.0 not in timemap.times


def test_extrapolation_follows_the_anchors_rate_not_the_fallback():
    # Another release running at 25/23.976 speed: 0.5 s per word instead of the estimate's 0.35.
    anchors = [Anchor(w, 10 + 0.5 * w, 1.0) for w in range(1000, 5001, 500)]
    timemap, _ = TimeMap.anchored((), anchors, fallback_rate=0.35)
    assert abs(timemap.time_at(6000) - (10 + 0.5 * 6000)) < 1e-6
    assert abs(timemap.time_at(0) - 10) < 1e-6


def test_pins_win_over_anchors_and_neighbours_follow():
    anchors = [Anchor(w, 0.4 * w, 1.0) for w in range(0, 10001, 1000)]
    pins = [(5000.0, 1500.0)]  # the user says word 5000 is 500 s earlier than the anchors do
    timemap, kept = TimeMap.anchored(pins, anchors, fallback_rate=0.35)
    assert timemap.time_at(5000) == 1500.0
    assert timemap.time_at(4500) <= 1500.0 <= timemap.time_at(5500)
    assert kept < len(anchors)  # the anchors the pin contradicts are set aside


def test_time_is_shared_by_spoken_words_not_punctuation_tokens():
    text = "I 'm sorry . It 's just that I don 't understand . WHEDON : Right"
    tokens = text.split(" ")
    spoken = spoken_positions(tokens)
    assert spoken[-1] == 13  # 16 tokens, 3 of them punctuation
    anchors = [Anchor(0, 100.0, 1.0), Anchor(len(tokens), 113.0, 1.0)]
    timemap, _ = TimeMap.anchored((), anchors, fallback_rate=0.35, spoken=spoken)
    # One second per spoken word: "It" comes after 3 spoken words, though it is the 5th token.
    assert timemap.time_at(tokens.index("It")) == 103.0
    # A punctuation token takes no time: the word after it starts when it does.
    dot = tokens.index(".")
    assert timemap.time_at(dot) == timemap.time_at(dot + 1)
