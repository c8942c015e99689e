"""Transcript position (word index) -> film seconds, as a monotone piecewise-linear function.

Kept apart from where its points come from (a linear estimate, subtitle anchors, user pins) so
each source can be swapped without touching the code that asks "when is word 1234 spoken?".
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeMap:
    """Straight lines between known points; beyond them, lines at the given seconds-per-word."""

    positions: tuple[float, ...]
    times: tuple[float, ...]
    rate_before: float
    rate_after: float

    @classmethod
    def linear(cls, word_count: int, start_s: float, end_s: float) -> TimeMap:
        """The estimate with no other information: words spread evenly over the span."""
        rate = (end_s - start_s) / max(word_count, 1)
        return cls((0.0, float(word_count)), (start_s, end_s), rate, rate)

    @classmethod
    def through(cls, points: Sequence[tuple[float, float]], rate: float) -> TimeMap:
        """A map through ``points`` (sorted, strictly increasing in both coordinates)."""
        if not points:
            raise ValueError("a time map needs at least one point")
        positions, times = zip(*points, strict=True)
        return cls(tuple(positions), tuple(times), rate, rate)

    def time_at(self, position: float) -> float:
        ps, ts = self.positions, self.times
        if position <= ps[0]:
            return ts[0] - (ps[0] - position) * self.rate_before
        if position >= ps[-1]:
            return ts[-1] + (position - ps[-1]) * self.rate_after
        i = bisect.bisect_right(ps, position)
        p0, p1, t0, t1 = ps[i - 1], ps[i], ts[i - 1], ts[i]
        return t0 + (t1 - t0) * (position - p0) / (p1 - p0)

    def nearest_point_distance(self, position: float) -> float:
        """Seconds between ``position``'s time and the closest known point's time."""
        t = self.time_at(position)
        i = bisect.bisect_left(self.positions, position)
        near = [self.times[j] for j in (i - 1, i) if 0 <= j < len(self.times)]
        return min(abs(t - x) for x in near)


def confidence(distance_s: float, scale_s: float = 60.0) -> float:
    """How sure a time is, from how far (in film seconds) it is from the nearest known point.

    1.0 on a known point, about 0.37 one ``scale_s`` away: a timing interpolated across a long
    stretch with no anchor deserves less trust than one next to a matched film line.
    """
    return round(math.exp(-max(distance_s, 0.0) / scale_s), 3)
