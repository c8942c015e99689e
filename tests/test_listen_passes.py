"""How listening combines its windows over the whole track: which heard units it trusts, which
gaps it listens to again, and where it expects the units it retries there."""

from __future__ import annotations

import numpy as np
import pytest

from companion.alignment.listen import (
    FILL_GAP_S,
    HeardSentence,
    _drop_outliers,
    _drop_unexplained,
    _gaps,
    _Pace,
    _reexpected,
    _sentence_gaps,
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


def _sentence(span: tuple[int, int], start: float, end: float) -> HeardSentence:
    words = tuple((i, start, end) for i in range(*span))
    return HeardSentence(span[0], span[1], start, end, 1.0, words)


def _pace(voice: list[tuple[float, float]], words: list[int]) -> _Pace:
    """His voice (loud frames) in the given stretches of a 200 s track: every frame of a
    sentence loud, a second per word."""
    loud = np.zeros(20_000, dtype=bool)
    for a, b in voice:
        loud[round(a * 100) : round(b * 100)] = True
    return _Pace(loud, voiced=1.0, per_word=1.0, words=np.array(sorted(words)))


def test_his_voice_that_no_heard_or_expected_sentence_explains_drops_the_units_around_it() -> None:
    """'I wanna be able to give a performance' was matched 22.7 s late, on his own similar
    phrase, past a stretch of his voice that nothing heard accounted for: it goes with the
    unit before it (either may be the wrong one; the retries align them in order). A pause
    with the film's sound only, or the voice of sentences expected there, is no reason."""
    spans = [(100 * n, 100 * n + 4) for n in range(5)]
    starts = [10.0, 16.0, 50.0, 60.0, 70.0]  # the third 22 s late: his voice at 22-44 s
    voice = [(t, t + 4.0) for t in starts] + [(22.0, 44.0)]
    said = [i for a, b in spans for i in range(a, b)]

    def heard() -> list[list[HeardSentence]]:
        return [[_sentence(span, t, t + 4.0)] for span, t in zip(spans, starts, strict=True)]

    found = heard()
    _drop_unexplained(found, _pace(voice, said))
    assert [bool(hs) for hs in found] == [True, False, False, True, True]

    # Unheard sentences expected between them, 22 words, explain the same voice.
    found = heard()
    _drop_unexplained(found, _pace(voice, [*said, *range(110, 132)]))
    assert all(found)


def test_too_little_of_his_voice_for_the_sentences_expected_between_drops_the_units_around_it() -> (
    None
):
    """'And, by God, it is.' was matched 7.7 s early, on the unheard sentence before it, which
    then had about a second of his voice for its 20 words: both units around that go. Where
    his voice has room for the words, they stay."""
    spans = [(100 * n, 100 * n + 4) for n in range(4)]
    said = [i for a, b in spans for i in range(a, b)] + list(range(110, 130))  # 20 words unheard

    def kept(starts: list[float], voice: list[tuple[float, float]]) -> list[bool]:
        found = [[_sentence(span, t, t + 4.0)] for span, t in zip(spans, starts, strict=True)]
        _drop_unexplained(found, _pace([(t, t + 4.0) for t in starts] + voice, said))
        return [bool(hs) for hs in found]

    # The third put 1 s after the second: 20 words' time (20 s) against 1 s of voice.
    assert kept([10.0, 16.0, 21.0, 70.0], []) == [True, False, False, True]
    # The 20 words said at 20-40 s, the third after them.
    assert kept([10.0, 16.0, 41.0, 70.0], [(20.0, 40.0)]) == [True, True, True, True]
    # ... in 16 s of voice: a measure of his voice off by a fifth over a long stretch.
    assert kept([10.0, 16.0, 41.0, 70.0], [(20.0, 36.0)]) == [True, True, True, True]


def test_a_stretch_with_room_for_its_sentences_only_has_them_aligned_there() -> None:
    """The last pass forces a run into the stretch between two heard sentences when that has
    little more room than the run's words take; with more, the phone loop may take the
    stretch and leave the run unheard."""
    from companion.alignment.listen import (
        GAP_GARBAGE_P,
        TIGHT_GARBAGE_P,
        TIGHT_SLACK_S,
        _fill_garbage,
    )

    before = _sentence((0, 10), 0.0, 5.0)
    pace = _pace([], list(range(20)))  # a second a word: the 6 words unheard take 6 s
    after = _sentence((16, 20), 5.0 + 6.0 + TIGHT_SLACK_S, 30.0)
    assert _fill_garbage(before, after, pace) == TIGHT_GARBAGE_P
    later = _sentence((16, 20), 5.0 + 6.0 + TIGHT_SLACK_S + 1.0, 30.0)
    assert _fill_garbage(before, later, pace) == GAP_GARBAGE_P
    assert _fill_garbage(before, after, None) == GAP_GARBAGE_P


def test_unheard_sentences_between_heard_ones_are_listened_to_alone_in_short_units() -> None:
    """Each run of unheard sentences between two heard ones, at most FILL_GAP_S apart, as units
    of their own: in a long stretch a short sentence goes with the next ('He's not quite...'
    alone was matched on the start of 'He's just not good at people') and a short run is not
    listened to; in a stretch of a few seconds, even a one-word sentence is. A stretch longer
    than a retry's window (76 s at the benchmark track's start, 7 sentences) is one too."""
    sentences = [(0, 5), (5, 8), (8, 14), (14, 16), (16, 22), (22, 24), (24, 30), (30, 36)]
    units = [
        _Unit((sentences[0],), tuple((f"w{i}", i) for i in range(0, 5)), 0.0, 0.0),
        _Unit(tuple(sentences[1:4]), tuple((f"w{i}", i) for i in range(5, 16)), 0.0, 0.0),
        _Unit(tuple(sentences[4:6]), tuple((f"w{i}", i) for i in range(16, 24)), 0.0, 0.0),
        _Unit(tuple(sentences[6:]), tuple((f"w{i}", i) for i in range(24, 36)), 0.0, 0.0),
    ]

    def gaps(
        third_at: float, second_at: float = 20.0
    ) -> list[tuple[float, float, list[tuple[tuple[int, int], ...]]]]:
        heard = [
            _sentence(sentences[0], 0.0, 3.0),
            _sentence(sentences[4], second_at, second_at + 4.0),
            _sentence(sentences[6], third_at, third_at + 3.0),
            _sentence(sentences[7], third_at + 5.0, third_at + 8.0),
        ]
        return [
            (before.start_s, after.start_s, [u.sentences for u in run])
            for before, after, run in _sentence_gaps(units, heard)
        ]

    # 3 words + 6 words, then a 2-word tail that joins them: one unit.
    run = [((5, 8), (8, 14), (14, 16))]
    assert gaps(third_at=40.0) == [(0.0, 20.0, run)]
    assert gaps(third_at=30.0) == [(0.0, 20.0, run), (20.0, 30.0, [((22, 24),)])]
    assert gaps(third_at=95.0, second_at=75.0) == [(0.0, 75.0, run)]
    assert gaps(third_at=115.0, second_at=3.5 + FILL_GAP_S) == []


def test_a_sentence_spread_over_a_pause_before_it_is_not_heard() -> None:
    """'For the second film, I wanted to do something...': its first words were put seconds
    apart on the film's sound in his 18 s pause, the rest on his voice, 17 s early. A sentence
    of the same unit with its words together is still heard."""
    from companion.alignment.listen import _sentences

    unit = _Unit(((0, 4), (4, 7)), tuple((f"w{i}", i) for i in range(7)), 0.0, 0.0)
    spread = [(0, 463.4, 463.7), (1, 464.4, 464.6), (2, 464.6, 464.9), (3, 468.0, 469.5)]
    together = [(4, 470.0, 470.3), (5, 470.3, 470.7), (6, 471.5, 471.9)]
    heard = _sentences(unit, [*spread, *together])
    assert [(h.word_start, h.start_s) for h in heard] == [(4, 470.0)]
    # A comma's pause of 1.1 s is his.
    paused = [(0, 466.0, 466.3), (1, 466.3, 466.5), (2, 466.5, 466.8), (3, 467.9, 469.4)]
    assert [h.word_start for h in _sentences(unit, [*paused, *together])] == [0, 4]


def test_a_sentence_on_a_loud_passage_of_the_film_is_not_his_voice() -> None:
    """With the film 8 dB under him its loud passages come within 4 dB of his level: 'So it
    was interesting to work that out' was put there, 19 s early. His voice rises and falls
    around his level; the film's passage stays under it."""
    from companion.alignment.listen import QUIETER_DB, _sounds_like_him

    rng = np.random.default_rng(3)
    foreground = 66.0
    his = foreground + rng.normal(-2.0, 3.0, 300)
    film = foreground - 3.0 + rng.normal(0.0, 0.5, 300)
    assert _sounds_like_him(his, foreground - QUIETER_DB)
    assert not _sounds_like_him(film, foreground - QUIETER_DB)
    assert not _sounds_like_him(film - 10.0, foreground - QUIETER_DB)  # the film's dialogue
    assert not _sounds_like_him(np.zeros(0), foreground - QUIETER_DB)
