"""A smooth playhead over a backend whose clock moves in coarse steps.

libVLC's ``get_time()`` advances in ~250 ms steps; a panel driven by it directly stutters and a
boundary is crossed up to a quarter second late. Between two reports we extrapolate with a
monotonic clock. The extrapolation is *honest*: it never runs more than ``max_lead`` past the
last report (so a stalled or buffering backend stops the playhead instead of letting it drift
away), it never goes backwards while playing (a report behind our estimate holds the playhead
until the backend catches up) and it snaps exactly on a seek, a pause or a rate change.
"""

from __future__ import annotations

import time
from collections.abc import Callable

TimeSource = Callable[[], float]


class Playhead:
    """Film position estimated from the backend's reports (``observe``) and a monotonic clock.

    The owner calls ``observe(t)`` with the backend's time whenever it reads it (any rate; equal
    repeated values are recognised as "no news") and ``play``/``pause``/``seek``/``set_rate`` when
    the user acts. ``position()`` is cheap and may be called at any rate.
    """

    def __init__(
        self,
        now: TimeSource = time.monotonic,
        max_lead: float = 1.0,
        settle: float = 1.5,
        stale_gap: float = 1.0,
    ) -> None:
        self._now = now
        self._max_lead = max_lead  # longest extrapolation (wall seconds) past the last report
        self._settle = settle  # how long after a seek old-position reports are distrusted
        self._stale_gap = stale_gap  # a report this far from a seek target predates the seek
        self._playing = False
        self._rate = 1.0
        self._anchor_pos = 0.0  # film time of the last accepted report or user action...
        self._anchor_t = now()  # ...and the clock reading when it was taken
        self._floor = 0.0  # lowest value position() may return while playing
        self._last_report: float | None = None
        self._seek_target: float | None = None
        self._seek_t = 0.0

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def rate(self) -> float:
        return self._rate

    def position(self) -> float:
        if not self._playing:
            return self._anchor_pos
        wall = min(max(0.0, self._now() - self._anchor_t), self._max_lead)
        estimate = self._anchor_pos + wall * self._rate
        self._floor = max(self._floor, estimate)
        return self._floor

    def observe(self, reported: float) -> None:
        """Take a reading of the backend's clock (seconds; negative = no media, ignored)."""
        if reported < 0 or reported == self._last_report:
            return
        self._last_report = reported
        if self._seek_target is not None:
            settling = self._now() - self._seek_t < self._settle
            if settling and abs(reported - self._seek_target) > self._stale_gap:
                return  # the backend has not applied the seek yet
            self._seek_target = None
        elif not self._playing:
            return  # libVLC does not refresh its time on pause: a report now is a step stale
        self._anchor_pos = reported
        self._anchor_t = self._now()
        if not self._playing:
            self._floor = reported

    def play(self) -> None:
        if not self._playing:
            self._anchor_t = self._now()
            self._floor = self._anchor_pos
            self._playing = True

    def pause(self) -> None:
        """Freeze where the viewer saw it stop (within a frame; libVLC's own figure lags a step)."""
        if self._playing:
            self._snap(self.position())
            self._playing = False
            self._seek_target = None  # the seek is behind us: the frozen estimate is the truth

    def seek(self, target: float) -> None:
        self._snap(target)
        self._seek_target = target
        self._seek_t = self._now()

    def set_rate(self, rate: float) -> None:
        self._snap(self.position())
        self._rate = rate

    def reset(self) -> None:
        """Forget everything: a new media starts at zero, stopped."""
        self._playing = False
        self._snap(0.0)
        self._last_report = None
        self._seek_target = None

    def _snap(self, pos: float) -> None:
        self._anchor_pos = pos
        self._anchor_t = self._now()
        self._floor = pos
