"""Transcript position (word index) -> film seconds, as a monotone piecewise-linear function.

Kept apart from where its points come from (a linear estimate, subtitle anchors, user pins) so
each source can be swapped without touching the code that asks "when is word 1234 spoken?".
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from companion.model import Anchor, HeardSpan

# A pin outweighs any number of anchors: the user's word is final.
PIN_WEIGHT = 1e9
# A heard sentence edge weighs a twentieth of a sure anchor (score 0-1), times its confidence:
# where the director's voice and a quoted film line's subtitle disagree, the film line keeps its
# anchor (the weakest start of a quoted line, 0.17, outweighs three heard edges), unless a run of
# heard sentences around it says that anchor is a wrong match.
HEARD_WEIGHT = 0.05
# Where one heard sentence ends and the next starts (one word boundary, a pause between), the
# start sits a hair after the boundary and the end a hair before, so both stay on the map.
HEARD_GAP = 1e-6

Point = tuple[float, float, float]  # (position, film seconds, weight)


@dataclass(frozen=True)
class TimeMap:
    """Straight lines between known points; beyond them, lines at the given seconds-per-word."""

    positions: tuple[float, ...]
    times: tuple[float, ...]
    rate_before: float
    rate_after: float
    # With ``spoken`` (see :func:`spoken_positions`), positions count spoken words, not tokens.
    spoken: tuple[float, ...] | None = None
    end_s: float = math.inf  # the film's runtime, when known: no time is past it

    @classmethod
    def linear(cls, word_count: int, start_s: float, end_s: float) -> TimeMap:
        """The estimate with no other information: words spread evenly over the span."""
        rate = (end_s - start_s) / max(word_count, 1)
        return cls((0.0, float(word_count)), (start_s, end_s), rate, rate)

    @classmethod
    def anchored(
        cls,
        pins: Sequence[tuple[float, float]],
        anchors: Sequence[Anchor],
        fallback_rate: float,
        film: tuple[float, float] | None = None,
        spoken: tuple[float, ...] | None = None,
        starts_at: float | None = None,
        heard: Sequence[Point] = (),
    ) -> tuple[TimeMap, int] | None:
        """The map through the user's pins and the anchors consistent with them, and how many
        anchors it kept; None when there is neither.

        Anchors that would make the map run backwards (against a pin or heavier anchors) are
        left out by :func:`heaviest_monotone`; pins are kept exactly. Two pins on one word (a
        segment's pinned end and the next one's pinned start, with a pause between) make the map
        jump there: the later time sits a hair after the word. Beyond the outermost points the
        map runs at the rate the points themselves show, so another release's speed carries on
        past the last anchor. With ``film`` = (word count, runtime), the map stays inside the
        film: where that rate would run before 0 s or past the runtime, it slows to end there.
        With ``spoken``, time is shared out between points by spoken words, so punctuation
        tokens ("it 's ." is two words) take none of it. With ``starts_at`` (when the commentary
        begins, e.g. with the film), the first word is spoken then: before the first point the
        map runs from there instead of extrapolating. ``heard`` points (from
        :func:`heard_points`, already in spoken positions) are weighed between pins and anchors.
        """

        def x(position: float) -> float:
            return _spoken_at(spoken, position)

        weighted = [(w, t, PIN_WEIGHT) for w, t in _separate([(x(w), t) for w, t in pins])]
        first_anchor = len(weighted)
        weighted += [(x(a.word_index), a.film_s, max(a.score, 1e-6)) for a in anchors]
        after_anchors = len(weighted)
        weighted += heard
        chosen_indices = heaviest_monotone(weighted)
        if not chosen_indices:
            return None
        kept = sum(first_anchor <= i < after_anchors for i in chosen_indices)
        points = [weighted[i][:2] for i in chosen_indices]
        rate = estimate_rate(points) or fallback_rate
        before = after = rate
        if film is not None:
            word_count, runtime = x(film[0]), film[1]
            (w0, t0), (w1, t1) = points[0], points[-1]
            if w0 > 0:
                before = min(rate, t0 / w0)
            if word_count > w1:
                after = max(min(rate, (runtime - t1) / (word_count - w1)), 0.0)
        if starts_at is not None and points[0][0] > 0 and points[0][1] > starts_at:
            before = (points[0][1] - starts_at) / points[0][0]
        positions, times = zip(*points, strict=True)
        end_s = film[1] if film is not None else math.inf
        return cls(tuple(positions), tuple(times), before, after, spoken, end_s), kept

    def time_at(self, position: float) -> float:
        ps, ts = self.positions, self.times
        position = _spoken_at(self.spoken, position)
        if position < ps[0]:
            return max(ts[0] - (ps[0] - position) * self.rate_before, 0.0)  # film starts at 0
        if position > ps[-1]:
            return min(ts[-1] + (position - ps[-1]) * self.rate_after, max(self.end_s, ts[-1]))
        if position in (ps[0], ps[-1]):
            return ts[0] if position == ps[0] else ts[-1]
        i = bisect.bisect_right(ps, position)
        p0, p1, t0, t1 = ps[i - 1], ps[i], ts[i - 1], ts[i]
        return t0 + (t1 - t0) * (position - p0) / (p1 - p0)

    def nearest_point_distance(self, position: float) -> float:
        """Seconds between ``position``'s time and the closest known point's time."""
        t = self.time_at(position)
        i = bisect.bisect_left(self.positions, _spoken_at(self.spoken, position))
        near = [self.times[j] for j in (i - 1, i) if 0 <= j < len(self.times)]
        return min(abs(t - x) for x in near)


def heard_points(
    heard: Sequence[HeardSpan],
    spoken: tuple[float, ...] | None = None,
    skip: Collection[int] = (),
) -> list[tuple[Point | None, Point | None]]:
    """(position, time, weight) of each heard sentence's start and end, in ``heard``'s order.

    The start sits :data:`HEARD_GAP` after the sentence's first word boundary and the end as
    much before its last, so a sentence ending where the next begins keeps the pause between.
    Positions count spoken words when ``spoken`` is given, like every other point of the map.
    An edge on a word boundary in ``skip`` (a pinned segment edge: the pin wins) is None.
    """
    out: list[tuple[Point | None, Point | None]] = []
    for span in heard:
        weight = HEARD_WEIGHT * max(span.confidence, 1e-3)
        x0 = _spoken_at(spoken, span.word_start) + HEARD_GAP
        x1 = _spoken_at(spoken, span.word_end) - HEARD_GAP
        start = None if span.word_start in skip else (x0, span.start_s, weight)
        end = None if span.word_end in skip else (x1, span.end_s, weight)
        out.append((start, end))
    return out


def confidence(distance_s: float, scale_s: float = 60.0) -> float:
    """How sure a time is, from how far (in film seconds) it is from the nearest known point.

    1.0 on a known point, about 0.37 one ``scale_s`` away: a timing interpolated across a long
    stretch with no anchor deserves less trust than one next to a matched film line.
    """
    return round(math.exp(-max(distance_s, 0.0) / scale_s), 3)


def spoken_positions(tokens: Sequence[str]) -> tuple[float, ...]:
    """For each token boundary 0..n, how many spoken words come before it.

    The transcript spaces out its punctuation ("it 's , um ."): those tokens take no time to
    say, so spreading time over raw tokens would run fast through punctuated passages.
    """
    out = [0.0]
    for token in tokens:
        out.append(out[-1] + (1.0 if any(c.isalnum() for c in token) else 0.0))
    return tuple(out)


def _spoken_at(spoken: tuple[float, ...] | None, position: float) -> float:
    """Spoken-word position of a (fractional) token position; beyond the ends, one per token."""
    if spoken is None:
        return position
    last = len(spoken) - 1
    if position <= 0:
        return position
    if position >= last:
        return spoken[last] + (position - last)
    i = int(position)
    return spoken[i] + (spoken[i + 1] - spoken[i]) * (position - i)


def _separate(pins: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Pins with those sharing a word nudged a millionth of a word apart, in time order."""
    out: list[tuple[float, float]] = []
    for w, t in sorted(pins):
        if out and w <= out[-1][0] < w + 1e-3:
            w = out[-1][0] + 1e-6
        out.append((w, t))
    return out


def estimate_rate(points: Sequence[tuple[float, float]]) -> float | None:
    """Film seconds per transcript word across sorted ``points``; None if they can't tell."""
    if len(points) < 2:
        return None
    (w0, t0), (w1, t1) = points[0], points[-1]
    rate = (t1 - t0) / (w1 - w0) if w1 > w0 and t1 > t0 else None
    return rate if rate is not None and math.isfinite(rate) else None


def heaviest_monotone(points: Sequence[tuple[float, float, float]]) -> list[int]:
    """Indices (sorted by position) of the heaviest subset of (position, time, weight) points
    that is strictly increasing in both position and time.

    A weighted longest increasing chain in O(n log n) over a Fenwick tree of running maxima;
    ties resolve to the earliest points, so the result is deterministic.
    """
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1], i))
    ranks = {t: k + 1 for k, t in enumerate(sorted({p[1] for p in points}))}
    tree: list[tuple[float, int]] = [(0.0, -1)] * (len(ranks) + 1)
    best: dict[int, tuple[float, int]] = {}
    pending: list[int] = []

    def query(k: int) -> tuple[float, int]:
        out = (0.0, -1)
        while k > 0:
            if tree[k][0] > out[0]:
                out = tree[k]
            k -= k & -k
        return out

    def publish() -> None:
        for i in pending:
            k = ranks[points[i][1]]
            while k < len(tree):
                if best[i][0] > tree[k][0]:
                    tree[k] = (best[i][0], i)
                k += k & -k
        pending.clear()

    for n, i in enumerate(order):
        # Points at one position may not follow each other: publish a position only once done.
        if n and points[i][0] != points[order[n - 1]][0]:
            publish()
        score, prev = query(ranks[points[i][1]] - 1)
        best[i] = (score + points[i][2], prev)
        pending.append(i)
    if not best:
        return []
    i = max(order, key=lambda k: best[k][0])
    chain = []
    while i >= 0:
        chain.append(i)
        i = best[i][1]
    return chain[::-1]
