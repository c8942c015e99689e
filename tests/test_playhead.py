"""The interpolating playhead, driven by a fake clock and a simulated 250 ms-step backend."""

from __future__ import annotations

import itertools

import pytest
from conftest import ManualClock
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.player.playhead import Playhead


class SteppedBackend:
    """Reports film time rounded down to ``step`` like libVLC's get_time(), optionally late."""

    def __init__(self, clock: ManualClock, step: float = 0.25) -> None:
        self.clock = clock
        self.step = step
        self.start_t = clock()
        self.start_pos = 0.0

    def time(self) -> float:
        true = self.start_pos + (self.clock() - self.start_t)
        return int(true / self.step) * self.step

    def true_time(self) -> float:
        return self.start_pos + (self.clock() - self.start_t)


@pytest.fixture
def clock():
    return ManualClock(50.0)


@pytest.fixture
def head(clock):
    return Playhead(now=clock)


def test_interpolates_between_coarse_reports_and_never_goes_back(head, clock):
    backend = SteppedBackend(clock)
    head.play()
    seen = []
    for _ in range(400):  # 10 s at a 40 Hz poll, a rate the coarse steps do not divide evenly
        clock.advance(0.025)
        head.observe(backend.time())
        seen.append((head.position(), backend.true_time()))
    positions = [p for p, _ in seen]
    assert all(b >= a for a, b in itertools.pairwise(positions))
    # distinct values: a smooth playhead, not 40 stair steps
    assert len(set(positions)) > 300
    # and honest: within one backend step of the truth, every time
    assert max(abs(p - t) for p, t in seen) <= 0.25 + 1e-9


def test_a_report_behind_the_estimate_holds_instead_of_going_back(head, clock):
    head.play()
    head.observe(10.0)
    clock.advance(0.4)
    assert head.position() == pytest.approx(10.4)
    head.observe(10.25)  # backend is slower than the wall clock
    assert head.position() == pytest.approx(10.4)
    clock.advance(0.1)
    assert head.position() == pytest.approx(10.4)  # 10.25 + 0.1 is still behind: hold
    clock.advance(0.1)
    assert head.position() == pytest.approx(10.45)  # caught up, moving again


def test_extrapolation_stops_when_the_backend_stalls(clock):
    head = Playhead(now=clock, max_lead=1.0)
    head.play()
    head.observe(3.0)
    clock.advance(5.0)  # buffering: no new report
    assert head.position() == pytest.approx(4.0)


def test_repeated_equal_reports_are_no_news(head, clock):
    head.play()
    head.observe(2.0)
    clock.advance(0.2)
    head.observe(2.0)
    assert head.position() == pytest.approx(2.2)


def test_pause_freezes_and_ignores_the_stale_paused_report(head, clock):
    head.play()
    head.observe(7.0)
    clock.advance(0.2)
    head.pause()
    assert head.position() == pytest.approx(7.2)
    clock.advance(3)
    head.observe(7.05)  # libVLC keeps its last 250 ms step while paused: not news
    assert head.position() == pytest.approx(7.2)
    head.play()
    clock.advance(0.5)
    assert head.position() == pytest.approx(7.7)


def test_seek_while_paused_takes_the_backends_landing(head, clock):
    head.observe(7.0)
    head.seek(3.0)
    assert head.position() == 3.0
    head.observe(3.04)  # where the backend actually landed
    assert head.position() == 3.04
    clock.advance(2)
    assert head.position() == 3.04


def test_seek_snaps_exactly_and_ignores_reports_from_before_it(head, clock):
    head.play()
    head.observe(60.0)
    clock.advance(0.1)
    head.seek(20.0)
    assert head.position() == 20.0
    clock.advance(0.05)
    head.observe(60.25)  # the backend still plays the old place for a moment
    assert head.position() == pytest.approx(20.05)
    clock.advance(0.05)
    head.observe(20.0)  # seek applied
    clock.advance(0.1)
    assert head.position() == pytest.approx(20.1)


def test_pause_soon_after_a_seek_keeps_the_estimate(head, clock):
    head.play()
    head.seek(5.0)
    clock.advance(0.5)  # nobody polled while the backend played on from 5.0
    head.pause()
    clock.advance(0.5)
    head.observe(5.19)  # the backend's stale step, within the seek's tolerance
    assert head.position() == pytest.approx(5.5)


def test_backward_seek_is_allowed_while_playing(head, clock):
    head.play()
    head.observe(30.0)
    head.seek(5.0)
    assert head.position() == 5.0


def test_after_the_settle_time_the_backend_wins(clock):
    head = Playhead(now=clock, settle=1.0)
    head.play()
    head.seek(20.0)
    clock.advance(1.5)
    head.observe(42.0)  # the backend ended up elsewhere; trust it after settling
    assert head.position() == pytest.approx(42.0)


def test_rate_change_snaps_and_scales(head, clock):
    head.play()
    head.observe(10.0)
    clock.advance(0.2)
    head.set_rate(2.0)
    assert head.position() == pytest.approx(10.2)
    clock.advance(0.2)
    assert head.position() == pytest.approx(10.6)
    assert head.rate == 2.0


def test_negative_report_means_no_media(head, clock):
    head.observe(-1.0)
    assert head.position() == 0.0


def test_reset_returns_to_a_stopped_zero(head, clock):
    head.play()
    head.observe(9.0)
    head.reset()
    assert not head.playing
    assert head.position() == 0.0
    head.play()
    head.observe(9.0)  # same value as before the reset is news for the new media
    assert head.position() == 9.0


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.floats(0.0, 0.5)),
        st.tuples(st.just("report"), st.floats(-0.3, 0.3)),  # jitter around the true time
        st.tuples(st.just("rate"), st.sampled_from([0.5, 1.0, 1.5, 2.0])),
        st.tuples(st.just("pause"), st.none()),
        st.tuples(st.just("play"), st.none()),
        st.tuples(st.just("seek"), st.floats(0.0, 600.0)),
    ),
    max_size=80,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(OPS)
def test_never_backwards_while_playing(ops):
    """Whatever the backend reports and however often, playing never moves the playhead back.

    Only a seek jumps; while paused, the backend's landing after a seek may correct it.
    """
    clock = ManualClock(50.0)
    head = Playhead(now=clock)
    head.play()
    truth = 0.0  # what the backend is really at, for generating plausible reports
    last = head.position()
    for op, arg in ops:
        was_playing = head.playing
        if op == "wait":
            clock.advance(arg)
            if head.playing:
                truth += arg * head.rate
        elif op == "report":
            head.observe(max(0.0, truth + arg))
        elif op == "rate":
            head.set_rate(arg)
        elif op == "pause":
            head.pause()
        elif op == "play":
            head.play()
        elif op == "seek":
            head.seek(arg)
            truth = arg
            last = head.position()
            assert last == arg
            continue
        now = head.position()
        if was_playing or op == "play":
            assert now >= last - 1e-9, (op, arg, last, now)
        last = now
