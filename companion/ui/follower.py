"""Turns the player's playhead into two cheap signals the widgets listen to.

A 50 ms poll of ``player.position()`` while the film plays (plus ``position_jumped`` for seeks,
so a scrub while paused updates at once) drives everything; paused or stopped, the position cannot
move by itself, so the poll stops and the follower costs nothing; ``active_changed`` fires only
when the set of active segment/notes changes, so the panel re-renders a few times a minute.
When a boundary is due before the next poll, a one-shot timer lands on it, so the panel changes
within a few milliseconds of the boundary rather than up to one poll late.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from companion.player.base import Player, PlayerState
from companion.timing.timeline_index import Active, TimelineIndex

POLL_MS = 50


class PlayheadFollower(QObject):
    position_changed = Signal(float)
    active_changed = Signal(object)  # Active

    def __init__(self, player: Player, index: TimelineIndex, parent: QObject | None = None):
        super().__init__(parent)
        self._player: Player | None = None
        self._index = index
        self._last_t: float | None = None
        self._key: tuple[int, int] | None = None
        self._running = False
        self.active: Active = index.at(0.0)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.tick)
        self._boundary = QTimer(self)
        self._boundary.setSingleShot(True)
        self._boundary.setTimerType(Qt.TimerType.PreciseTimer)
        self._boundary.timeout.connect(self.tick)
        self.set_player(player)

    def set_player(self, player: Player) -> None:
        if self._player is not None:
            self._player.position_jumped.disconnect(self._jumped)
            self._player.state_changed.disconnect(self._state_changed)
        self._player = player
        player.position_jumped.connect(self._jumped)
        player.state_changed.connect(self._state_changed)
        self.refresh()
        self._state_changed(player.state())

    def set_index(self, index: TimelineIndex) -> None:
        self._index = index
        self.refresh()

    def start(self) -> None:
        self._running = True
        self._state_changed(self._player.state() if self._player else PlayerState.STOPPED)
        self.tick()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self._boundary.stop()

    def polling(self) -> bool:
        return self._timer.isActive()

    def _state_changed(self, state: PlayerState) -> None:
        """Poll only while the film plays; a last tick shows where it stopped."""
        if self._running and state is PlayerState.PLAYING:
            self._timer.start()
            return
        self._timer.stop()
        self._boundary.stop()
        self.tick()

    def refresh(self) -> None:
        """Forget what was shown and emit again (new player, new timings)."""
        self._key = None
        self._last_t = None
        self.tick()

    def _jumped(self, _seconds: float) -> None:
        self.tick()

    def tick(self) -> None:
        if self._player is None:
            return
        t = self._player.position()
        if t != self._last_t:
            self._last_t = t
            self.position_changed.emit(t)
        key = self._index.key(t)
        if key != self._key:
            self._key = key
            self.active = self._index.at(t)
            self.active_changed.emit(self.active)
        self._aim_at_boundary(t)

    def _aim_at_boundary(self, t: float) -> None:
        upcoming, player = self.active.next_change, self._player
        if upcoming is None or player is None or player.state() is not PlayerState.PLAYING:
            return
        wait_ms = (upcoming - t) / max(player.rate(), 0.01) * 1000.0
        if 0 <= wait_ms < POLL_MS and not self._boundary.isActive():
            self._boundary.start(max(0, int(wait_ms) + 1))
