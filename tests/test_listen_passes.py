"""How listening combines its windows over the whole track: which heard units it trusts, which
gaps it listens to again, and where it expects the units it retries there."""

from __future__ import annotations

import pytest

from companion.alignment.listen import (
    HeardSentence,
    _drop_outliers,
    _gaps,
    _reexpected,
    _Unit,
)


def _units(expected: list[float]) -> list[_Unit]:
    return [_Unit(((10 * n, 10 * n + 10),), (), t, t + 3.0) for n, t in enumerate(expected)]


def _heard(units: list[_Unit], starts: list[float | None]) -> list[list[HeardSentence]]:
    return [
        [HeardSentence(u.sentences[0][0], u.sentences[0][1], t, t + 3.0, 1.0, ())]
        if t is not None
        else []
        for u, t in zip(units, starts, strict=True)
    ]


def test_an_offset_that_drifts_with_the_distance_between_units_is_kept() -> None:
    """The prior falls behind by seconds over a stretch where he pauses more than it knows:
    neighbours 10-15 s apart differ by 4-6 s, and all of them are right."""
    expected = [88.7, 110.0, 125.3, 134.8, 139.7, 154.1, 179.3]
    heard_at = [93.0, 108.1, 117.3, 122.9, 125.6, 135.7, 152.6]
    units = _units(expected)
    found = _heard(units, list(heard_at))
    _drop_outliers(units, found)
    assert all(found)


def test_one_unit_heard_out_of_order_goes_not_the_ones_after_it() -> None:
    """A unit matched on speech further on (heard after its followers) is the one dropped,
    however early in the transcript it comes."""
    expected = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    heard_at: list[float | None] = [10.0, 49.0, 30.5, 40.5, 50.5, 60.5]
    units = _units(expected)
    found = _heard(units, heard_at)
    _drop_outliers(units, found)
    assert [bool(hs) for hs in found] == [True, False, True, True, True, True]


def test_gaps_take_in_the_heard_unit_on_either_side_and_reach_the_tracks_edges() -> None:
    """A run of unheard units is retried with its heard neighbours (one of them may have been
    matched on the run's speech), between the heard units beyond those."""
    units = _units([5.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0, 140.0])
    found = _heard(units, [None, 21.0, 41.0, None, 83.0, 101.0, 121.0, None])
    assert _gaps(units, found, duration=160.0) == [
        (0, 2, 0.0, 41.1),
        (2, 5, 23.9, 101.1),
        (6, 8, 103.9, 160.0),
    ]


def test_no_gap_is_left_where_there_is_no_time_to_listen_to() -> None:
    units = _units([5.0, 20.0, 40.0, 60.0])
    found = _heard(units, [1.0, 2.0, None, 4.5])
    found[0][0] = HeardSentence(0, 10, 1.0, 5.0, 1.0, ())
    assert _gaps(units, found, duration=5.0) == []


def test_a_retried_unit_is_expected_where_the_heard_ones_around_it_say() -> None:
    """Between a unit heard 10 s late and one heard 20 s late, the prior is shifted by the
    offset interpolated between them; at the track's edge, by the one heard side."""
    units = _units([100.0, 110.0, 120.0, 130.0, 140.0])
    found = _heard(units, [110.0, None, None, None, 160.0])
    middle = _reexpected(units, found, 1, 4)
    assert [u.expected_start for u in middle] == pytest.approx([122.5, 135.0, 147.5])
    # Each end is shifted by the offset at its own time: the spans stretch as he falls behind.
    assert [u.expected_end - u.expected_start for u in middle] == pytest.approx([3.75] * 3)
    edge = _reexpected(units, _heard(units, [None, None, 118.0, None, None]), 0, 2)
    assert [u.expected_start for u in edge] == pytest.approx([98.0, 108.0])


def test_a_units_sentences_are_kept_from_the_first_loud_one_up_to_one_too_quiet() -> None:
    """'It's perfectly safe. And then walk under a ladder.': aligned as one unit, the second
    was put on the film's sound in his 26 s pause, just after the first. It goes (and what
    would follow it); the first, said at his level, stays. 'Thor. This was the scene...': the
    decoder squeezed an unfound 'Thor.' in before the next sentence, which stays."""
    import numpy as np

    from companion.alignment.listen import RATE, _loud_run

    samples = np.zeros(10 * RATE, dtype=np.int16)
    rng = np.random.default_rng(1)
    samples[1 * RATE : 3 * RATE] = rng.normal(0, 3000, 2 * RATE)  # his voice
    samples[3 * RATE : 6 * RATE] = rng.normal(0, 300, 3 * RATE)  # the film, 20 dB under
    first = HeardSentence(0, 3, 1.0, 2.9, 1.0, ((0, 1.0, 1.5), (1, 1.5, 2.2), (2, 2.2, 2.9)))
    second = HeardSentence(3, 6, 3.1, 5.5, 1.0, ((3, 3.1, 3.9), (5, 4.0, 5.5)))
    least_db = 10 * np.log10(3000.0**2) - 4.0
    assert _loud_run(samples, 0.0, [first, second], least_db) == [first]
    assert _loud_run(samples, 0.0, [first, second, first], least_db) == [first]
    assert _loud_run(samples, 0.0, [second, first], least_db) == [first]
    assert _loud_run(samples, 0.0, [second], least_db) == []
    assert _loud_run(samples, 0.0, [first], least_db) == [first]
