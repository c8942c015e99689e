"""Measure a copy from its dialogue: voice activity in a few windows of its sound.

A rip is 20–40 GB and decoding a whole film's sound takes minutes, but a few windows spread
over the film (ffmpeg input seeks read only those) already pin the clock: webrtcvad marks the
10 ms frames where someone speaks (as ffsubsync does), the windows are laid on the copy's clock
and cross-correlated (numpy FFT) with the reference speech pattern rendered at each standard
speed. The right speed lines all windows up at one offset; each window's own peak then says
whether the copy's offset jumps between two windows, and only there is more read, halving the
stretch until the jump is cornered. The onsets of speech in everything read are finally fitted
to the reference cue starts (:func:`fit_starts`), which refines speed and offsets and places
the jump.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
import webrtcvad

from companion.alignment.clockfit import MAX_OFFSET_S, STANDARD_SPEEDS, Fit, Segment, fit_starts
from companion.alignment.speech import SpeechPattern
from companion.alignment.sync import SyncError, spread_windows
from companion.jobs import CancelToken, Progress
from companion.media.pcm import RATE, read_pcm
from companion.media.probe import MediaInfo
from companion.timing.timecode import format_time

FRAME_HZ = 100  # webrtcvad frames of 10 ms
CORR_HZ = 20  # the correlation's frames (50 ms): the onsets refine what it finds, 5x faster
WINDOW_S = 150.0
WINDOWS = 6
VAD_MODE = 3  # the strictest: music and noise are seldom taken for speech
ONSET_QUIET_FRAMES = 20  # speech starts after at least 0.2 s without
SILENT_PEAK = 64  # int16: nothing louder than this anywhere read is silence
MIN_SPEECH_SHARE = 0.02
MIN_PROMINENCE = 7.0  # a window's sharpened correlation peak in σ; another film's: about 5
AGREE_S = 1.0  # windows whose offsets differ by less are one stretch of the copy
MIN_HEARD_S = 15.0  # of reference dialogue in a window's span: less (credits) places nothing


@dataclass(frozen=True)
class Window:
    start_s: float
    speech: np.ndarray  # bool per 10 ms frame
    offset_s: float = 0.0
    prominence: float = 0.0

    @property
    def end_s(self) -> float:
        return self.start_s + len(self.speech) / FRAME_HZ

    @property
    def strong(self) -> bool:
        return self.prominence >= MIN_PROMINENCE


@dataclass(frozen=True)
class AudioFit:
    fit: Fit
    read: str
    confidence: float


def voice_activity(samples: np.ndarray, mode: int = VAD_MODE) -> np.ndarray:
    """Speech (True) per 10 ms frame of 16 kHz int16 samples."""
    vad = webrtcvad.Vad(mode)
    step = RATE // FRAME_HZ
    data = samples.astype(np.int16).tobytes()
    frames = len(samples) // step
    width = 2 * step
    return np.fromiter(
        (vad.is_speech(data[i * width : (i + 1) * width], RATE) for i in range(frames)),
        dtype=bool,
        count=frames,
    )


def onsets(window: Window) -> np.ndarray:
    """Copy times where speech starts after a quiet stretch."""
    speech = window.speech
    quiet_before = np.convolve(~speech, np.ones(ONSET_QUIET_FRAMES, dtype=int), mode="full")
    starts = np.flatnonzero(speech[1:] & (quiet_before[: len(speech) - 1] == ONSET_QUIET_FRAMES))
    return window.start_s + (starts + 1) / FRAME_HZ


class _Correlator:
    """Cross-correlation of windows of a copy's voice activity with the reference pattern."""

    def __init__(self, reference: SpeechPattern, duration_s: float) -> None:
        self.reference = reference
        self.max_lag = int(MAX_OFFSET_S * CORR_HZ)
        self.length = int(np.ceil(duration_s * CORR_HZ)) + 1
        longest = int(np.ceil(reference.runtime_s * max(STANDARD_SPEEDS) * CORR_HZ)) + 1
        # no lag wraps around: the FFT is longer than either train plus the largest lag
        self.size = 1 << int(np.ceil(np.log2(max(self.length, longest) + self.max_lag + 1)))
        self._spectra: dict[float, np.ndarray] = {}

    def _reference(self, speed: float) -> np.ndarray:
        if speed not in self._spectra:
            pattern = self.reference.activity(CORR_HZ, speed).astype(np.float64)
            self._spectra[speed] = np.conj(np.fft.rfft(pattern - pattern.mean(), self.size))
        return self._spectra[speed]

    def scores(self, windows: list[Window], speed: float, mean: float) -> np.ndarray:
        """Correlation at each lag −max_lag..max_lag (frames), windows weighted alike."""
        copy = np.zeros(self.length, dtype=np.float64)
        step = FRAME_HZ // CORR_HZ
        for w in windows:
            a = round(w.start_s * CORR_HZ)
            coarse = w.speech[: len(w.speech) // step * step].reshape(-1, step).mean(axis=1)
            part = coarse[: max(0, self.length - a)] - mean
            copy[a : a + len(part)] = part
        full = np.fft.irfft(np.fft.rfft(copy, self.size) * self._reference(speed), self.size)
        return np.concatenate([full[-self.max_lag :], full[: self.max_lag + 1]])

    def peak(self, windows: list[Window], speed: float, mean: float) -> tuple[float, float]:
        """``(offset_s, prominence)`` of the best lag."""
        scores = _sharpened(self.scores(windows, speed, mean))
        at = int(np.argmax(scores))
        return (at - self.max_lag) / CORR_HZ, float(scores[at]) / (float(np.std(scores)) or 1.0)


def _sharpened(scores: np.ndarray, width_s: float = 5.0) -> np.ndarray:
    """The correlation less its moving average: dialogue that is merely dense somewhere makes
    broad swells at many lags; only the true lag lines up line for line, a narrow peak."""
    n = int(width_s * CORR_HZ) | 1
    sums = np.cumsum(np.concatenate([[0.0], np.pad(scores, n // 2, mode="edge")]))
    return scores - (sums[n:] - sums[:-n]) / n


def measure_audio(
    info: MediaInfo,
    reference: SpeechPattern,
    *,
    progress: Progress,
    cancel: CancelToken,
    audio_ordinal: int = 1,
) -> AudioFit:
    """The copy's clock from an audio track; :class:`SyncError` if it can't tell."""
    if not info.audio:
        raise SyncError(f"{info.path}: no sound and no subtitles that fit to measure it by")
    # past the reference's length at the fastest speed and largest offset there is no film to
    # hear (and a container's bogus length must not size the correlation)
    duration = min(info.duration_s, reference.runtime_s * max(STANDARD_SPEEDS) + MAX_OFFSET_S)
    length = min(WINDOW_S, duration)
    starts = spread_windows(duration, WINDOWS, length)
    reader = _Reader(info, audio_ordinal, progress, cancel)
    windows = [reader.read(start, length) for start in starts]
    reader.check_heard(windows)
    mean = float(np.mean(np.concatenate([w.speech for w in windows])))
    correlator = _Correlator(reference, duration)
    progress(0.6, "matching the dialogue with the film's")
    best = max(STANDARD_SPEEDS, key=lambda s: correlator.peak(windows, s, mean)[1])
    overall, prominence = correlator.peak(windows, best, mean)
    windows = [_placed(w, correlator, best, mean) for w in windows]
    # a window over the credits (or a long silence) has nothing to match: it places nothing
    strong = [w for w in windows if w.strong and _heard(w, reference, best, overall)]
    if prominence < MIN_PROMINENCE or len(strong) < max(1, (len(windows) + 1) // 2):
        raise SyncError(
            f"{info.path}: its dialogue doesn't match this film's (another film, or no"
            " dialogue in its first audio track?)"
        )
    windows += _corner_jumps(strong, reader, correlator, best, mean)
    cancel.check()
    progress(0.9, "fitting the speech onsets to the film's cues")
    heard = [w for w in windows if _heard(w, reference, best, overall)]
    offsets = _stretch_offsets(sorted((w for w in heard if w.strong), key=lambda w: w.start_s))
    times = np.concatenate([onsets(w) for w in windows])
    fit = max(  # a short stretch can't tell 1.0 from 1.001 by correlation; the onsets can
        (
            fit_starts(times, reference, speeds=(s,), candidates=offsets, tolerance_s=0.2)
            for s in STANDARD_SPEEDS
            if abs(s / best - 1.0) < 0.002
        ),
        key=lambda f: f.matched,
    )
    fit = replace(fit, segments=_placed_jumps(fit, windows, reference, mean))
    # the share of the windows with dialogue to match that the map places, and the peak's height
    agree = sum(w.strong and any(abs(w.offset_s - o) < AGREE_S for o in offsets) for w in heard)
    confidence = agree / max(len(heard), 1) * float(1.0 - np.exp(-prominence / 10.0))
    track = f" track {audio_ordinal}" if audio_ordinal > 1 else ""
    read = f"{reader.seconds / 60:.0f} min of audio{track} in {len(windows)} windows"
    return AudioFit(replace(fit, prominence=prominence), read, confidence)


def _placed_jumps(
    fit: Fit, windows: list[Window], reference: SpeechPattern, mean: float
) -> tuple[Segment, ...]:
    """Each jump placed by the voice activity itself rather than by the onsets either side.

    Onsets in an added scene match the film's cues at either offset by chance now and then,
    which drags the jump. So reference times ``b`` around the two stretches' matched cues are
    tried as the jump: the copy's activity before ``b`` (mapped with the first offset) and
    after it (the second) is scored against the reference. A cut falls where nobody speaks,
    so the film's silence holding the best score wins, at its middle.
    """
    segments = list(fit.segments)
    if len(segments) < 2:
        return tuple(segments)
    copy = np.zeros(int(max(w.end_s for w in windows) * FRAME_HZ) + 2)
    for w in windows:
        a = round(w.start_s * FRAME_HZ)
        copy[a : a + len(w.speech)] = w.speech - mean
    ref_rate = reference.activity(FRAME_HZ)
    ref_rate = ref_rate - ref_rate.mean()
    for k in range(1, len(segments)):
        before, after = segments[k - 1], segments[k]
        lo, hi = before.last_ref_s - 30.0, after.first_ref_s + 30.0
        candidates = np.arange(lo, hi, 1.0 / FRAME_HZ)
        gain_before = _agreement(copy, ref_rate, fit.speed, before.offset_s, lo, hi)
        gain_after = _agreement(copy, ref_rate, fit.speed, after.offset_s, lo, hi)
        # score(b) = agreement of the first offset on [lo, b) + of the second on [b, hi)
        score = gain_before[: len(candidates)] + (gain_after[-1] - gain_after[: len(candidates)])
        quiet = _silences(reference, lo, hi)
        if not quiet:  # talk without a pause for a minute: the best moment, then
            segments[k] = replace(after, from_ref_s=float(candidates[np.argmax(score)]))
            continue
        inside = [(candidates >= q0) & (candidates <= q1) for q0, q1 in quiet]
        q0, q1 = quiet[int(np.argmax([score[where].max(initial=-np.inf) for where in inside]))]
        segments[k] = replace(after, from_ref_s=(q0 + q1) / 2)
    return tuple(segments)


def _silences(reference: SpeechPattern, lo: float, hi: float) -> list[tuple[float, float]]:
    """The reference's pauses of 0.3 s or more between lines, within ``[lo, hi]``."""
    starts, ends = reference.starts, np.maximum.accumulate(reference.ends)
    gaps = [
        (max(float(ends[i]), lo), min(float(starts[i + 1]), hi))
        for i in range(len(starts) - 1)
        if starts[i + 1] - ends[i] >= 0.3 and ends[i] < hi and starts[i + 1] > lo
    ]
    return [(a, b) for a, b in gaps if b - a >= 0.02]


def _agreement(
    copy: np.ndarray, ref: np.ndarray, speed: float, offset: float, lo: float, hi: float
) -> np.ndarray:
    """Cumulative agreement of copy and reference activity from reference time ``lo`` on, a
    value per 10 ms of reference time up to ``hi``, with the copy mapped by offset and speed."""
    t = np.arange(lo, hi + 1.0 / FRAME_HZ, 1.0 / FRAME_HZ)
    at_copy = np.round((offset + speed * t) * FRAME_HZ).astype(np.int64)
    at_ref = np.round(t * FRAME_HZ).astype(np.int64)
    inside = (at_copy >= 0) & (at_copy < len(copy)) & (at_ref >= 0) & (at_ref < len(ref))
    agree = np.zeros(len(t))
    agree[inside] = copy[at_copy[inside]] * ref[at_ref[inside]]
    return np.cumsum(agree)


def _heard(window: Window, reference: SpeechPattern, speed: float, offset: float) -> bool:
    """Whether the reference has enough dialogue where the window falls (under the overall
    offset) for the window's own peak to mean something."""
    lo, hi = ((t - offset) / speed for t in (window.start_s, window.end_s))
    spoken = np.clip(reference.ends, lo, hi) - np.clip(reference.starts, lo, hi)
    return float(spoken.sum()) >= MIN_HEARD_S


def _placed(window: Window, correlator: _Correlator, speed: float, mean: float) -> Window:
    offset, prominence = correlator.peak([window], speed, mean)
    return replace(window, offset_s=offset, prominence=prominence)


def _stretch_offsets(windows: list[Window]) -> list[float]:
    """One offset per run of windows that agree (their median), in copy order."""
    runs: list[list[float]] = []
    for w in windows:
        if not runs or abs(w.offset_s - float(np.median(runs[-1]))) >= AGREE_S:
            runs.append([])
        runs[-1].append(w.offset_s)
    return [float(np.median(run)) for run in runs]


def _corner_jumps(
    strong: list[Window], reader: _Reader, correlator: _Correlator, speed: float, mean: float
) -> list[Window]:
    """Read where two neighbouring windows disagree, halving the stretch between them until it
    is one window long, then read that stretch whole: the onsets there place the jump."""
    added: list[Window] = []
    ordered = sorted(strong, key=lambda w: w.start_s)
    for left, right in itertools.pairwise(ordered):
        if abs(left.offset_s - right.offset_s) < AGREE_S:
            continue
        misses = 0
        while right.start_s - left.end_s > WINDOW_S and misses < 2:
            middle = (left.end_s + right.start_s) / 2 - WINDOW_S / 2 + misses * WINDOW_S
            probe = _placed(reader.read(middle, WINDOW_S), correlator, speed, mean)
            added.append(probe)
            if not probe.strong:  # in a quiet stretch: look once more a window later
                misses += 1
            elif abs(probe.offset_s - left.offset_s) < AGREE_S:
                left, misses = probe, 0
            else:
                right, misses = probe, 0
        if 0 < right.start_s - left.end_s <= 3 * WINDOW_S:
            gap = right.start_s - left.end_s
            added.append(_placed(reader.read(left.end_s, gap), correlator, speed, mean))
    return added


class _Reader:
    """Reads windows of the first audio track, saying in the progress what it reads."""

    def __init__(
        self, info: MediaInfo, ordinal: int, progress: Progress, cancel: CancelToken
    ) -> None:
        self.info, self.ordinal, self.progress, self.cancel = info, ordinal, progress, cancel
        self.seconds = 0.0
        self.peak = 0

    def read(self, start_s: float, length_s: float) -> Window:
        self.cancel.check()
        start_s = max(0.0, start_s)
        span = "–".join(format_time(t, millis=False) for t in (start_s, start_s + length_s))
        self.progress(min(0.55, 0.05 + self.seconds / 2000), f"reading audio {span}")
        samples = read_pcm(
            self.info.path, audio_ordinal=self.ordinal, start_s=start_s, duration_s=length_s
        )
        self.seconds += len(samples) / RATE
        if len(samples):
            self.peak = max(self.peak, int(np.max(np.abs(samples.astype(np.int32)))))
        return Window(start_s, voice_activity(samples))

    def check_heard(self, windows: list[Window]) -> None:
        if self.peak < SILENT_PEAK:
            raise SyncError(f"{self.info.path}: its sound is silent; nothing to measure")
        share = float(np.mean(np.concatenate([w.speech for w in windows])))
        if share < MIN_SPEECH_SHARE:
            raise SyncError(f"{self.info.path}: no dialogue heard in its sound")
