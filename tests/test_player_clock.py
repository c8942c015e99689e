"""ClockPlayer with an injected time source: every position below is exact, not approximate."""

from __future__ import annotations

import pytest
from conftest import ManualClock

from companion.player.base import PlayerError, PlayerState
from companion.player.clock import ClockPlayer


@pytest.fixture
def clock(qtbot):
    return ManualClock(1000.0)


@pytest.fixture
def player(clock):
    p = ClockPlayer(duration=100.0, now=clock)
    yield p
    p.close()


def test_stopped_until_play(player, clock):
    clock.advance(5)
    assert player.state() is PlayerState.STOPPED
    assert player.position() == 0.0


def test_play_advances_with_the_clock(player, clock):
    player.play()
    clock.advance(2.5)
    assert player.position() == pytest.approx(2.5)
    assert player.state() is PlayerState.PLAYING


def test_pause_freezes_then_resumes_where_it_stopped(player, clock):
    player.play()
    clock.advance(3)
    player.pause()
    clock.advance(50)
    assert player.position() == pytest.approx(3)
    player.play()
    clock.advance(1)
    assert player.position() == pytest.approx(4)


def test_rate_scales_elapsed_time_from_the_change_on(player, clock):
    player.play()
    clock.advance(10)
    player.set_rate(2.0)
    clock.advance(5)
    assert player.position() == pytest.approx(20)
    player.set_rate(0.5)
    clock.advance(4)
    assert player.position() == pytest.approx(22)
    assert player.rate() == 0.5


def test_rate_must_be_positive(player):
    with pytest.raises(PlayerError, match="rate"):
        player.set_rate(0)


def test_seek_jumps_and_announces_it(player, clock, qtbot):
    player.play()
    clock.advance(30)
    with qtbot.waitSignal(player.position_jumped) as blocker:
        player.seek(12.25)
    assert blocker.args == [12.25]
    assert player.position() == 12.25
    clock.advance(1)
    assert player.position() == pytest.approx(13.25)


def test_seek_is_clamped_to_the_film(player):
    player.seek(-5)
    assert player.position() == 0.0
    player.seek(500)
    assert player.position() == 100.0


def test_typed_time_while_paused_stays_put(player, clock):
    player.seek(3725.0 / 60)  # "the TV shows 1:02:05" style entry, any float works
    clock.advance(10)
    assert player.position() == pytest.approx(3725.0 / 60)


def test_never_runs_backwards_even_if_the_time_source_does(player, clock):
    player.play()
    clock.advance(5)
    assert player.position() == pytest.approx(5)
    clock.advance(-2)  # a broken source; time.monotonic never does this, an injected one might
    assert player.position() == pytest.approx(5)
    clock.advance(3)
    assert player.position() == pytest.approx(6)


def test_reaching_the_duration_ends_the_film(player, clock, qtbot):
    player.play()
    clock.advance(99)
    assert player.state() is PlayerState.PLAYING
    clock.advance(5)
    with qtbot.waitSignal(player.state_changed) as blocker:
        assert player.position() == 100.0
    assert blocker.args == [PlayerState.ENDED]
    assert player.state() is PlayerState.ENDED
    player.play()
    assert player.position() == 0.0
    assert player.state() is PlayerState.PLAYING


def test_unknown_duration_runs_without_end(clock, qtbot):
    p = ClockPlayer(now=clock)
    p.play()
    clock.advance(10_000)
    assert p.position() == pytest.approx(10_000)
    assert p.state() is PlayerState.PLAYING


def test_shortening_the_duration_pulls_the_playhead_in(player, clock, qtbot):
    player.seek(80)
    with qtbot.waitSignals([player.duration_changed, player.position_jumped]):
        player.set_duration(60)
    assert player.duration() == 60
    assert player.position() == 60


def test_state_signals_in_order(player, clock, qtbot):
    seen: list[PlayerState] = []
    player.state_changed.connect(seen.append)
    player.play()
    player.play()  # no duplicate signal
    player.pause()
    player.toggle()
    assert seen == [PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.PLAYING]


def test_a_file_is_refused_with_its_name(player):
    with pytest.raises(PlayerError, match=r"film\.mkv"):
        player.load("film.mkv")


def test_volume_and_mute_are_kept(player):
    player.set_volume(250)
    assert player.volume() == 200
    player.set_muted(True)
    assert player.muted()
    assert not player.has_video()
    assert player.audio_tracks() == []


def test_closed_player_refuses_to_play(player):
    player.close()
    with pytest.raises(PlayerError, match="closed"):
        player.play()
