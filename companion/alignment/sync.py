"""Measure a copy of the film: the map from the reference clock to the copy's own clock.

Fastest evidence first. A copy's subtitle streams, text or image, say when each cue appears
(packet timestamps: no decoding, no OCR), and those starts are fitted to the reference's
(:mod:`companion.alignment.clockfit`). A copy without usable subtitles is measured from its
dialogue: voice activity in a few windows of its sound, correlated with the reference speech
pattern (:mod:`companion.alignment.voice`). What can't be placed (another film, silence, too
short, no picture, not media) is refused with a :class:`SyncError` saying why.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from companion.alignment.clockfit import STANDARD_SPEEDS, Fit, fit_starts
from companion.alignment.speech import SpeechPattern

if TYPE_CHECKING:
    from companion.alignment.voice import AudioFit
from companion.errors import CompanionError
from companion.jobs import CancelToken, Progress, no_progress
from companion.media.packets import cue_starts, subtitle_packets
from companion.media.probe import MediaInfo, Stream, probe
from companion.timing.releases import Piece, ReleaseMap
from companion.timing.timecode import format_time

Method = Literal["subtitle-stream", "audio"]
WHOLE_FILE_BYTES = 2 << 30  # a file this small is read whole for its subtitle timing
SUBTITLE_WINDOWS, SUBTITLE_WINDOW_S = 12, 120.0  # else a sixth of it, spread over the film
MAX_AUDIO_TRACKS = 3  # a disc's dialogue is among its first few tracks
MIN_CUES = 50  # fewer cues than this is a forced-subtitles track (signs, foreign lines) at most
MIN_MATCHED = 20
MIN_SHARE = 0.3  # of a copy's cues found on the reference clock; another film's: about 0.1
MIN_PROMINENCE = 8.0  # the offset's peak over chance (in σ); another film's: about 5


class SyncError(CompanionError):
    """A copy that can't be placed on the reference clock; the message says why."""


@dataclass(frozen=True)
class Measurement:
    """A copy's measured clock. ``summary`` is one sentence for the viewer, ``read`` what
    evidence it rests on, ``seconds`` how long measuring took."""

    release: ReleaseMap
    method: Method
    confidence: float
    seconds: float
    summary: str
    read: str

    def as_json(self) -> dict:
        return {
            "method": self.method,
            **self.release.as_json(),
            "confidence": round(self.confidence, 3),
            "seconds": round(self.seconds, 2),
            "summary": self.summary,
            "read": self.read,
        }


def measure_cue_starts(starts: Sequence[float], reference: SpeechPattern) -> Measurement:
    """The map of the release a text subtitle file belongs to, from its cues' starts."""
    began = time.monotonic()
    if len(starts) < MIN_MATCHED:
        raise SyncError(f"only {len(starts)} subtitle cues: too few to measure a release by")
    fit = fit_starts(starts, reference)
    _check_fit(fit, "these subtitles")
    end_ref = max(reference.runtime_s, (max(starts) - fit.offset_s) / fit.speed)
    release = release_map(fit, reference, end_ref)
    read = f"{fit.considered} cue starts of the subtitles"
    return Measurement(
        release,
        "subtitle-stream",
        _confidence(fit),
        time.monotonic() - began,
        describe(release, "The subtitles' release"),
        read,
    )


def measure_copy(
    path: Path,
    reference: SpeechPattern,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    min_duration_s: float = 600.0,
) -> Measurement:
    """Measure the copy at ``path``: from a subtitle stream that fits, else from its sound."""
    began = time.monotonic()
    token = cancel or CancelToken()
    progress(0.0, f"reading what {path.name} holds")
    info = _checked_info(path, min_duration_s)
    token.check()
    found = _from_subtitle_streams(info, reference, progress)
    if found is not None:
        fit, stream = found
        method: Method = "subtitle-stream"
        read = f"{fit.considered} cue times of subtitle stream {stream.ordinal} ({stream.codec})"
    else:
        token.check()
        heard = _from_audio_tracks(info, reference, progress, token)
        fit, read, method = heard.fit, heard.read, "audio"
    end_ref = max(reference.runtime_s, (info.duration_s - fit.offset_s) / fit.speed)
    release = release_map(fit, reference, end_ref)
    progress(1.0, "measured")
    return Measurement(
        release,
        method,
        heard.confidence if method == "audio" else _confidence(fit),
        time.monotonic() - began,
        describe(release, "Your copy"),
        read,
    )


def _checked_info(path: Path, min_duration_s: float) -> MediaInfo:
    info = probe(path)  # MediaError (a CompanionError) if ffmpeg can't open it
    if not info.has_video:
        raise SyncError(f"{path}: an audio-only file, not a video of the film")
    if info.duration_s < min_duration_s:
        raise SyncError(
            f"{path}: only {_clock(info.duration_s)} long; a copy of the film runs at"
            f" least {_clock(min_duration_s)}"
        )
    if not info.audio and not info.subtitles:
        raise SyncError(f"{path}: no sound and no subtitles to measure it by")
    return info


def spread_windows(duration_s: float, count: int, length_s: float) -> list[float]:
    """Starts of ``count`` windows of ``length_s`` spread evenly from the start to the end."""
    count = max(1, min(count, int(duration_s // length_s)))
    span = max(duration_s - length_s, 0.0)
    return [span * k / (count - 1) for k in range(count)] if count > 1 else [0.0]


def _from_subtitle_streams(
    info: MediaInfo, reference: SpeechPattern, progress: Progress
) -> tuple[Fit, Stream] | None:
    """The best-fitting subtitle stream's fit, or None if no stream fits (or there is none).

    A small file is read whole. Of a large one only windows spread over the film are read
    (their cues fix offset and speed), and then, where the offset jumps between two windows,
    the stretch between them, whose cues place the jump.
    """
    if not info.subtitles:
        return None
    whole = info.path.stat().st_size <= WHOLE_FILE_BYTES
    length = SUBTITLE_WINDOW_S
    windows = [] if whole else spread_windows(info.duration_s, SUBTITLE_WINDOWS, length)
    what = "all of" if whole else f"{len(windows)} windows of"
    progress(0.05, f"reading the cue times in {what} {len(info.subtitles)} subtitle stream(s)")
    packets = subtitle_packets(info.path, [(a, length) for a in windows])
    best: tuple[Fit, Stream] | None = None
    for stream in _english_first(info.subtitles):
        starts = cue_starts(packets.get(stream.index, []), stream.codec)
        if len(starts) < MIN_CUES:
            continue
        fit = fit_starts(starts, reference)
        if windows and _fits(fit) and len(fit.segments) > 1:
            progress(0.3, "reading the cue times where the copy's offset jumps")
            more = set(starts) | set(_between_jumps(info, stream, fit))
            fit = fit_starts(sorted(more), reference)
        if _fits(fit) and (best is None or fit.matched > best[0].matched):
            best = (fit, stream)
    return best


def _between_jumps(info: MediaInfo, stream: Stream, fit: Fit) -> list[float]:
    """Cue starts of the stretches (copy time) between a stretch's last matched cue and the
    next stretch's first: where the offset jumps."""
    spans = [
        (
            before.offset_s + fit.speed * before.last_ref_s,
            after.offset_s + fit.speed * after.first_ref_s,
        )
        for before, after in itertools.pairwise(fit.segments)
    ]
    packets = subtitle_packets(info.path, [(a, b - a) for a, b in spans if b > a])
    return cue_starts(packets.get(stream.index, []), stream.codec)


def _from_audio_tracks(
    info: MediaInfo, reference: SpeechPattern, progress: Progress, cancel: CancelToken
) -> AudioFit:
    """The first audio track whose dialogue places the copy (a disc's first track may be
    music only or a commentary); the first track's refusal if none does."""
    # imported here: voice raises this module's SyncError, so it imports this module
    from companion.alignment.voice import measure_audio

    if not info.audio:
        raise SyncError(f"{info.path}: no sound and no subtitles that fit to measure it by")
    first: SyncError | None = None
    for stream in info.audio[:MAX_AUDIO_TRACKS]:
        try:
            return measure_audio(
                info, reference, progress=progress, cancel=cancel, audio_ordinal=stream.ordinal
            )
        except SyncError as exc:
            first = first or exc
    assert first is not None
    raise first


def _english_first(streams: Sequence[Stream]) -> list[Stream]:
    return sorted(streams, key=lambda s: s.language.lower() not in ("en", "eng", ""))


def _fits(fit: Fit) -> bool:
    return (
        fit.matched >= MIN_MATCHED
        and fit.matched_share >= MIN_SHARE
        and fit.prominence >= MIN_PROMINENCE
    )


def _check_fit(fit: Fit, what: str) -> None:
    if not _fits(fit):
        raise SyncError(
            f"{what} don't match this film's dialogue (only {fit.matched} of"
            f" {fit.considered} cues fit one clock): another film or another cut?"
        )


def _confidence(fit: Fit) -> float:
    """How sure: the share of the evidence that fits, damped when the peak barely stands out."""
    return float(min(1.0, fit.matched_share) * (1.0 - np.exp(-fit.prominence / 10.0)))


def release_map(fit: Fit, reference: SpeechPattern, end_ref_s: float) -> ReleaseMap:
    """The fit as a release map: the first stretch's offset is the map's, each later stretch a
    piece from midway through the silence where the offset jumps to the copy's end."""
    segments = [s for s in fit.segments if s.matched > 0]
    if not segments:
        return ReleaseMap(fit.offset_s, fit.speed)
    starts, ends = reference.starts, reference.ends
    bounds = []
    for before, after in itertools.pairwise(segments):
        last = int(np.searchsorted(starts, before.last_ref_s))
        quiet_from = min(float(ends[min(last, len(ends) - 1)]), after.first_ref_s)
        midway = max((quiet_from + after.first_ref_s) / 2, before.last_ref_s)
        bounds.append(midway if after.from_ref_s is None else after.from_ref_s)
    pieces: list[Piece] = []
    for i, segment in enumerate(segments[1:]):
        lo = max(bounds[i], pieces[-1].to_s if pieces else -np.inf)
        hi = bounds[i + 1] if i + 1 < len(bounds) else max(end_ref_s, lo + 1.0)
        if hi > lo:
            pieces.append(Piece(round(lo, 3), round(hi, 3), segment.offset_s))
    return ReleaseMap(segments[0].offset_s, fit.speed, tuple(pieces))


def describe(release: ReleaseMap, subject: str) -> str:
    """One sentence: "Your copy runs 23.7 s later than the reference, at PAL speed (25 fps)"."""
    offset = release.offset_s
    if abs(offset) < 0.05:
        clause = "starts with the reference"
    else:
        clause = (
            f"runs {abs(offset):.1f} s {'later' if offset > 0 else 'earlier'} than the reference"
        )
    speed = min(STANDARD_SPEEDS, key=lambda s: abs(s - release.speed))
    if abs(speed - release.speed) > 1e-9:
        clause += f", at {release.speed:.4%} of its speed"
    elif STANDARD_SPEEDS[speed]:
        clause += f", at {STANDARD_SPEEDS[speed]}"
    previous = release.offset_s
    for piece in release.pieces:
        jump = piece.offset_s - previous
        change = "added" if jump > 0 else "removed"
        # an added scene starts where the stretch before leaves off; a removed one's jump sits
        # in the middle of what is missing, which the copy shows at the mean of both offsets
        shift = previous if jump > 0 else (previous + piece.offset_s) / 2
        clause += f"; {abs(jump):.1f} s {change} at {_clock(shift + release.speed * piece.from_s)}"
        previous = piece.offset_s
    return f"{subject} {clause}."


def _clock(seconds: float) -> str:
    return format_time(seconds, millis=False)
