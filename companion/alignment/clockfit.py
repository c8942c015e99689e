"""Fit a copy's clock to the reference from when things start: cue starts or speech onsets.

A copy's subtitle cues (or the onsets of speech in its sound) start where the reference's do,
moved by the copy's offset and scaled by its speed: ``copy = offset + speed × reference``. The
speed is one of the few that film transfers use, so each is tried; for each, the differences
``copy − speed × reference`` of all pairs pile up at the true offset (a histogram peak, as a
cross-correlation of the two start trains would show), and only there. A cut that adds or
removes a scene makes a second peak; a dynamic programme over the copy's starts in order (each
start matched or not under each candidate offset, a penalty for switching, as alass splits)
says where the offset jumps. Least squares over the matched pairs then refines speed and
offsets to well under a frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from companion.alignment.speech import SpeechPattern

NTSC_FILM, FILM, PAL = 24000 / 1001, 24.0, 25.0
# copy speed / reference speed, for a reference at film rate (23.976 or 24) and a copy made at
# another of the three rates; the name says what a viewer knows the transfer as.
STANDARD_SPEEDS: dict[float, str] = {
    1.0: "",
    PAL / NTSC_FILM: "PAL speed (25 fps)",
    NTSC_FILM / PAL: "slowed from PAL (23.976 fps from 25)",
    FILM / NTSC_FILM: "24 fps from 23.976 (0.1% faster)",
    NTSC_FILM / FILM: "23.976 fps from 24 (0.1% slower)",
    PAL / FILM: "PAL speed (25 fps from 24)",
    FILM / PAL: "slowed from PAL (24 fps from 25)",
}
SNAP = 5e-4  # a fitted speed within 0.05% of a standard one is that one (half their spacing)
BIN_S = 0.1
MAX_OFFSET_S = 1200.0  # logos, recaps and cuts move a film by minutes, not by more
SPLIT_PENALTY = 6.0  # unmatched starts it takes to justify a piece boundary
MAX_CANDIDATES = 6


@dataclass(frozen=True)
class Segment:
    """A stretch of the copy with one offset: the reference span its matched starts cover."""

    offset_s: float
    first_ref_s: float
    last_ref_s: float
    matched: int
    from_ref_s: float | None = None  # where it begins, when better known than its first match


@dataclass(frozen=True)
class Fit:
    speed: float
    segments: tuple[Segment, ...]
    matched: int  # copy starts matched to a reference start
    considered: int  # copy starts given
    prominence: float  # how far the best offset's peak stands above chance (robust z-score)

    @property
    def matched_share(self) -> float:
        return self.matched / self.considered if self.considered else 0.0

    @property
    def offset_s(self) -> float:
        return self.segments[0].offset_s


def offset_histogram(
    copy: np.ndarray, reference: np.ndarray, speed: float, max_offset_s: float = MAX_OFFSET_S
) -> np.ndarray:
    """Counts of ``copy − speed × reference`` over all pairs, in BIN_S bins from −max_offset_s,
    summed over three neighbouring bins so a peak split across a bin edge counts whole."""
    bins = int(2 * max_offset_s / BIN_S) + 1
    counts = np.zeros(bins, dtype=np.int64)
    scaled = np.sort(reference * speed)
    for chunk in np.array_split(copy, max(1, len(copy) // 256)):
        lo = np.searchsorted(scaled, chunk.min() - max_offset_s)
        hi = np.searchsorted(scaled, chunk.max() + max_offset_s)
        diffs = chunk[:, None] - scaled[None, lo:hi]
        index = np.round((diffs.ravel() + max_offset_s) / BIN_S).astype(np.int64)
        counts += np.bincount(index[(index >= 0) & (index < bins)], minlength=bins)
    return np.convolve(counts, np.ones(3, dtype=np.int64), mode="same")


def _prominence(hist: np.ndarray, peak: float) -> float:
    """How many standard deviations of chance (Poisson: √mean) the peak stands above the mean
    count: the true offset of a whole film's cues stands ~150 above, another film's best ~5."""
    mean = float(np.mean(hist))
    return (peak - mean) / max(np.sqrt(mean), 1.0)


def _candidates(hist: np.ndarray, max_offset_s: float, minimum: float) -> list[float]:
    """Offsets of the histogram's peaks that stand above chance, best first."""
    hist = hist.astype(np.float64)
    median = float(np.median(hist))
    out: list[float] = []
    width = int(3.0 / BIN_S)
    for _ in range(MAX_CANDIDATES):
        at = int(np.argmax(hist))
        if hist[at] - median < minimum:
            break
        out.append(at * BIN_S - max_offset_s)
        hist[max(at - width, 0) : at + width + 1] = median
    return out


def _polished(copy: np.ndarray, ref: np.ndarray, speed: float, offset: float) -> float:
    """A rough offset (a correlation's, to 50 ms or so) moved to the peak of the start
    differences within a second of it, 20 ms bins: close enough for the matching's tolerance."""
    scaled = ref * speed  # reference starts are sorted
    at = np.searchsorted(scaled, copy - offset)
    around = np.clip(at[:, None] + np.arange(-4, 4)[None, :], 0, len(scaled) - 1)
    diffs = (copy[:, None] - scaled[around]).ravel() - offset
    near = diffs[np.abs(diffs) <= 1.0]
    if len(near) == 0:
        return offset
    counts = np.bincount(np.round((near + 1.0) / 0.02).astype(np.int64), minlength=101)
    smooth = np.convolve(counts, np.ones(5), mode="same")
    return offset + float(np.argmax(smooth)) * 0.02 - 1.0


def _nearest(sorted_values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest of ``sorted_values`` to each target."""
    at = np.clip(np.searchsorted(sorted_values, targets), 1, len(sorted_values) - 1)
    left_closer = targets - sorted_values[at - 1] < sorted_values[at] - targets
    return np.where(left_closer, at - 1, at)


def _assign(cost: np.ndarray) -> np.ndarray:
    """The candidate in force at each copy start (Viterbi: ``cost[i, k]`` of start i under
    candidate k, 0 for an exact match up to 1 for none, plus a penalty per switch)."""
    n, k = cost.shape
    total = cost[0].copy()
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        best = int(np.argmin(total))
        stay = total
        switch = total[best] + SPLIT_PENALTY
        # on a tie, switch: traced back, the jump then comes as late as the evidence allows
        back[i] = np.where(stay < switch, np.arange(k), best)
        total = np.minimum(stay, switch) + cost[i]
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(np.argmin(total))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _refine(
    copy: np.ndarray,
    ref: np.ndarray,
    piece: np.ndarray,
    pieces: int,
    speed: float,
    offsets: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Least squares over matched pairs: one speed, one offset per piece; a speed within SNAP of
    a standard one becomes it (film speeds are exact ratios) and the offsets are refit."""
    design = np.zeros((len(copy), pieces + 1))
    design[:, 0] = ref
    design[np.arange(len(copy)), piece + 1] = 1.0
    spans_enough = np.ptp(ref) > 300.0 if len(ref) else False
    if spans_enough:
        solution, *_ = np.linalg.lstsq(design, copy, rcond=None)
        fitted = float(solution[0])
        standard = min(STANDARD_SPEEDS, key=lambda s: abs(s - fitted))
        speed = standard if abs(standard - fitted) <= SNAP * standard else fitted
    residual = copy - speed * ref
    refit = [
        np.mean(residual[piece == p]) if np.any(piece == p) else offsets[p] for p in range(pieces)
    ]
    return speed, np.array(refit, dtype=np.float64)


def fit_starts(
    copy_starts: Sequence[float] | np.ndarray,
    reference: SpeechPattern,
    *,
    speeds: Sequence[float] = tuple(STANDARD_SPEEDS),
    candidates: Sequence[float] | None = None,
    tolerance_s: float = 0.25,
    max_offset_s: float = MAX_OFFSET_S,
) -> Fit:
    """The copy's clock from its starts. ``candidates`` (offsets already known, e.g. from the
    sound) skip the histogram search; otherwise it finds them."""
    copy = np.sort(np.asarray(copy_starts, dtype=np.float64))
    ref = reference.starts
    if len(copy) == 0 or len(ref) < 2:
        return Fit(1.0, (Segment(0.0, 0.0, 0.0, 0),), 0, len(copy), 0.0)
    best_speed, best_hist, best_peak = speeds[0], None, -1.0
    for speed in speeds:
        hist = offset_histogram(copy, ref, speed, max_offset_s)
        if hist.max() > best_peak:
            best_speed, best_hist, best_peak = speed, hist, float(hist.max())
    assert best_hist is not None
    prominence = _prominence(best_hist, best_peak)
    if candidates is None:
        minimum = max(8.0, 6.0 * np.sqrt(max(float(np.median(best_hist)), 1.0)))
        candidates = _candidates(best_hist, max_offset_s, minimum) or [
            float(np.argmax(best_hist)) * BIN_S - max_offset_s
        ]
    speed = best_speed
    offsets = np.array([_polished(copy, ref, speed, c) for c in candidates], dtype=np.float64)
    # match and split, refit; again with the refit clock (a speed corrected by the refit moves
    # every match); then once more with a tighter tolerance for the final figures
    for tol in (tolerance_s, tolerance_s, tolerance_s * 0.6):
        error, nearest = _errors(copy, ref, speed, offsets)
        path = _assign(np.minimum(error / tol, 1.0))
        runs = _runs(path)
        run_of = np.repeat(np.arange(len(runs)), [b - a for _, a, b in runs])
        rows = np.arange(len(copy))
        pair_of = nearest[rows, path]
        idx = _in_order(np.flatnonzero(error[rows, path] <= tol), ref[pair_of], run_of)
        run_offsets = offsets[[k for k, _, _ in runs]]
        if len(idx) == 0:
            break
        speed, run_offsets = _refine(
            copy[idx], ref[pair_of[idx]], run_of[idx], len(runs), speed, run_offsets
        )
        offsets = np.unique(np.round(run_offsets, 3))
    segments = []
    for r, (_, a, b) in enumerate(runs):
        inside = idx[(idx >= a) & (idx < b)]
        refs = ref[pair_of[inside]] if len(inside) else np.array([np.nan])
        segments.append(
            Segment(float(run_offsets[r]), float(refs.min()), float(refs.max()), len(inside))
        )
    return Fit(speed, tuple(segments), len(idx), len(copy), prominence)


def _in_order(idx: np.ndarray, refs: np.ndarray, run_of: np.ndarray) -> np.ndarray:
    """The matched starts whose reference time comes after everything matched in the stretches
    before theirs: a later stretch of the copy can't show an earlier part of the film than the
    one before it (a chance match at the other offset, near the jump, is dropped)."""
    keep, before, current, latest = [], -np.inf, -1, -np.inf
    for i in idx:
        if run_of[i] != current:
            current, before = int(run_of[i]), max(before, latest)
        if refs[i] > before:
            keep.append(i)
            latest = max(latest, float(refs[i]))
    return np.array(keep, dtype=np.int64)


def _errors(
    copy: np.ndarray, ref: np.ndarray, speed: float, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``error[i, k]``: seconds from copy start i to the nearest reference start under offset
    k (``offsets`` broadcasts against the starts: one per candidate, or one per start), and the
    index of that reference start."""
    offsets = np.broadcast_to(offsets, (len(copy), offsets.shape[-1]))
    predicted = (copy[:, None] - offsets) / speed
    nearest = _nearest(ref, predicted.ravel()).reshape(predicted.shape)
    return np.abs(copy[:, None] - offsets - speed * ref[nearest]), nearest


def _runs(path: np.ndarray) -> list[tuple[int, int, int]]:
    """``(candidate, first, end)`` of each run of equal candidates along the copy's starts."""
    cuts = np.flatnonzero(np.diff(path)) + 1
    edges = [0, *cuts.tolist(), len(path)]
    return [(int(path[a]), a, b) for a, b in pairwise(edges)]
