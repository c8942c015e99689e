"""A player with no video: a stopwatch the viewer keeps in step with a film shown elsewhere.

Second-screen use: the film streams on a TV, the viewer presses play when it starts (or types the
time shown there) and the panel follows this clock. Tests use it too, with an injected time
source so every position is exact and reproducible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from companion.player.base import Player, PlayerError, PlayerState

TimeSource = Callable[[], float]


class ClockPlayer(Player):
    """Film time = the position at the last change + elapsed monotonic time x rate.

    The state is kept as an *anchor* (film position, clock reading) taken at every change (play,
    pause, seek, rate), so nothing accumulates rounding error however long the film runs.
    Reaching the duration is noticed lazily by ``position()``/``state()``, which the window polls
    several times a second, so no timer is needed and tests stay deterministic.
    """

    def __init__(
        self,
        duration: float = 0.0,
        now: TimeSource = time.monotonic,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._duration = max(0.0, float(duration))
        self._state = PlayerState.STOPPED
        self._rate = 1.0
        self._volume = 100
        self._muted = False
        self._anchor_pos = 0.0
        self._anchor_t = now()
        self._last = 0.0  # highest position reported since the last jump: never go below it
        self._closed = False

    # --- time -------------------------------------------------------------------------------

    def _raw_position(self) -> float:
        if self._state is not PlayerState.PLAYING:
            return self._anchor_pos
        return self._anchor_pos + (self._now() - self._anchor_t) * self._rate

    def _reanchor(self, pos: float) -> None:
        self._anchor_pos = pos
        self._anchor_t = self._now()
        self._last = pos

    def _clamp(self, seconds: float) -> float:
        seconds = max(0.0, seconds)
        if self._duration > 0:
            seconds = min(seconds, self._duration)
        return seconds

    def position(self) -> float:
        pos = max(self._clamp(self._raw_position()), self._last)
        self._last = pos
        if self._state is PlayerState.PLAYING and 0 < self._duration <= pos:
            self._reanchor(self._duration)
            self._set_state(PlayerState.ENDED)
        return pos

    def duration(self) -> float:
        return self._duration

    def set_duration(self, seconds: float) -> None:
        """Set the film's runtime (0 = unknown: the clock then runs without end)."""
        pos = self.position()
        self._duration = max(0.0, float(seconds))
        self.duration_changed.emit(self._duration)
        clamped = self._clamp(pos)
        if clamped != pos:
            self._reanchor(clamped)
            self.position_jumped.emit(clamped)

    # --- transport --------------------------------------------------------------------------

    def load(self, path: str | None) -> None:
        """Reset to the start. The clock plays no file, so a path is a caller's mistake."""
        if path is not None:
            raise PlayerError(f"the clock player cannot open a file: {path}")
        self._state = PlayerState.STOPPED
        self._reanchor(0.0)
        self.state_changed.emit(self._state)
        self.position_jumped.emit(0.0)

    def play(self) -> None:
        self._check_open()
        if self._state is PlayerState.PLAYING:
            return
        pos = self.position()
        if self._state is PlayerState.ENDED or (self._duration > 0 and pos >= self._duration):
            pos = 0.0  # play after the end starts again, as a media player would
            self.position_jumped.emit(pos)
        self._reanchor(pos)
        self._set_state(PlayerState.PLAYING)

    def pause(self) -> None:
        self._check_open()
        if self._state is not PlayerState.PLAYING:
            return
        self._reanchor(self.position())
        if self._state is PlayerState.PLAYING:  # position() may just have ended the film
            self._set_state(PlayerState.PAUSED)

    def seek(self, seconds: float) -> None:
        self._check_open()
        target = self._clamp(float(seconds))
        self._reanchor(target)
        if self._state is PlayerState.ENDED:
            self._set_state(PlayerState.PAUSED)
        self.position_jumped.emit(target)

    def state(self) -> PlayerState:
        if self._state is PlayerState.PLAYING:
            self.position()  # notices the end
        return self._state

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            raise PlayerError(f"playback rate must be positive, not {rate}")
        self._reanchor(self.position())
        self._rate = float(rate)

    def rate(self) -> float:
        return self._rate

    # --- sound (kept so the transport bar behaves the same in both modes) --------------------

    def set_volume(self, percent: int) -> None:
        self._volume = max(0, min(200, int(percent)))

    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)

    def muted(self) -> bool:
        return self._muted

    def close(self) -> None:
        if not self._closed:
            self._reanchor(self.position())
            self._state = PlayerState.STOPPED
            self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise PlayerError("the clock player is closed")
