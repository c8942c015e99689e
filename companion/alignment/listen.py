"""Listening to a commentary track: where the director actually says each of his sentences.

Between two quoted film lines the subtitle-anchored time of a sentence is interpolated and can be
seconds off (the transcript does not record his pauses). Forced alignment with pocketsphinx
(English model in its wheel, nothing downloaded) places the words to a few hundredths.

Measured with pocketsphinx 5.1.1: a whole 141-minute file aligns to nothing; windows of ~30 s
align at 24-48x real time with ``bestpath=False`` and very wide beams; forced alignment puts the
words at the window's start when other speech precedes them. So the track is aligned in short
windows around where each stretch is expected (the prior ±20 s), with a grammar that lets a
phone loop ("garbage", at a penalty) explain whatever the window holds besides the stretch,
and lets each unit of sentences be skipped: a sentence the track does not contain is not
forced somewhere, it is simply not heard and keeps its anchored time. Each window is placed by
the prior corrected by the offset of the last confident sentence, and a window that finds
nothing re-seeds from the prior alone, so one failure cannot push the rest off.

The film is mixed under the commentator, so where he is silent its dialogue is the only speech
in a window, and a sentence's words can match it as well as his. A sentence is heard only where
its words are about as loud as the track's foreground (his voice): on a 20-minute excerpt of the
benchmark's track, every group of sentences heard on his voice reached within 0.1 dB of the
track's 80th-percentile frame level, those matched on the film's lines (15 dB under him) 10 dB
less.
"""

from __future__ import annotations

import itertools
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, TimeoutError
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from companion.alignment.pronounce import (
    bundled_table,
    espeak_pronunciations,
    spoken_words,
)
from companion.content.transcript import Transcript, Word
from companion.errors import CompanionError
from companion.jobs import CancelToken, Progress, no_progress
from companion.media.pcm import RATE, RawTrack, decoded, read_pcm
from companion.media.probe import MediaError, probe

_SENTENCE_END = {".", "?", "!", "...", '."', '?"', '!"'}
FRAME_S = 0.01  # pocketsphinx's frame
MARGIN_S = 20.0  # how far from its expected place a stretch is looked for
LOCKED_MARGIN_S = 10.0  # past its end, once the window before was heard (the offset is known)
NEIGHBOURS = 3  # heard units on each side that a unit's offset is compared with
OFFSET_TOLERANCE_S = 5.0
OFFSET_DRIFT = 0.5  # ... plus this many seconds per second of expected time between them
UNEXPLAINED_S = 3.0  # his voice between two heard units that no sentence explains
UNSAID_S = 2.5  # ... or the time the sentences expected between them take, beyond his voice
UNSAID_SHARE = 0.5  # ... when that is also more than this share of their time
MIN_CALIBRATION = 20  # heard sentences that measure his voice's share of loud frames and pace
MAX_GAP_S = 60.0  # unheard units between heard ones are retried in one window up to this long
FILL_GAP_S = 90.0  # at the end, unheard sentences between heard ones, in one window up to this
SHORT_STRETCH_S = 8.0  # ... and sentences of any length alone in a gap this short
GAP_GARBAGE_P = 1e-9  # ... where their words may take more of the film's sound
TIGHT_SLACK_S = 4.0  # at the end, a stretch with no more room than this beside its sentences
TIGHT_GARBAGE_P = 1e-20  # ... has them aligned there whatever the phone loop would fit better
RETRY_ROUNDS = 3  # rounds of retrying the units still unheard (each knows more heard ones)
RUNS_PER_PROCESS = 4  # runs of windows per process (each run starts from the prior alone)
CHUNK_S = 25.0  # expected speech per window (~4 sentences)
MIN_UNIT_WORDS = 4  # shorter sentences ("Um...") are aligned together with the next one
GARBAGE_P = 1e-5  # the phone loop's penalty per phone: speech words win when they fit
SKIP_P = 1e-3  # the penalty for leaving a unit unheard
PAUSE_P = 0.1  # a babble or noise filler in a pause between two of a unit's sentences
MIN_CONFIDENCE = 0.5
MAX_PAUSE_S = 2.5  # between a sentence's words: longer, they were spread over the film's sound
MAX_OFFSET_S = 20.0
SILENCE_RMS = 30.0  # int16 RMS below which a window is silence (-60 dBFS)
FOREGROUND_PERCENTILE = 80  # the track's loud frames: his voice (he speaks most of the time)
QUIETER_DB = 4.0  # a sentence whose loud frames are this much quieter than those isn't his voice
WORD_PEAK_PERCENTILE = 90  # a sentence's loud frames: its words' vowels, not their pauses
MIN_VOICED_SHARE = 0.05  # ... and this share of its frames at least at the foreground level
PROBE_WINDOWS = 8  # windows spread over the track that decide whether it is this commentary
MIN_PROBE_SHARE = 0.3
# The garbage loop's phones: all 39 of ARPAbet, the catch-all for speech that isn't the stretch
# being aligned. A reduced set of 26 ran twice as fast but, on the test rip, let one sentence
# in ten be placed seconds early (at the prior) instead of where it is said.
# fmt: off
_GARBAGE = [
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
    "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH",
    "UW", "V", "W", "Y", "Z", "ZH",
]
# fmt: on


_NOISES = ["[SPEECH]", "[NOISE]"]  # the model's fillers for babble and noise


class ListenError(CompanionError):
    """The audio can't be listened to: no such track, silence, or not this commentary."""


@dataclass(frozen=True)
class HeardSentence:
    """A commentary sentence (transcript word span, end exclusive, like ``Segment``) where it is
    heard on the audio's clock, how sure that is (0-1) and its words' (index, start, end)."""

    word_start: int
    word_end: int
    start_s: float
    end_s: float
    confidence: float
    words: tuple[tuple[int, float, float], ...]


@dataclass(frozen=True)
class Heard:
    """Sentences tried, those heard, heard/tried, and the wall time it took."""

    sentences: int
    heard: tuple[HeardSentence, ...]
    share: float
    seconds: float


@dataclass(frozen=True)
class _Unit:
    """Sentences aligned as one: each skippable as a whole, never in part."""

    sentences: tuple[tuple[int, int], ...]
    words: tuple[tuple[str, int], ...]  # (dictionary word, word index)
    expected_start: float
    expected_end: float


_Said = tuple[tuple[int, int], tuple[tuple[str, int], ...]]  # a sentence's span and its words


def commentary_sentences(transcript: Transcript) -> list[tuple[int, int]]:
    """(word_start, word_end) of every sentence the director says, in order.

    Quoted film dialogue, sound cues and speaker labels break sentences and belong to none; a
    closing quote mark after a sentence end stays with its sentence (as segments cut there).
    """
    out: list[tuple[int, int]] = []
    start: int | None = None
    words = transcript.words

    def close(end: int) -> None:
        nonlocal start
        if start is not None and spoken_words(words[start:end]):
            out.append((start, end))
        start = None

    for word in words:
        if not _is_director(word):
            close(word.index)
            continue
        if start is None:
            if word.quote == "close" and out and out[-1][1] == word.index:
                out[-1] = (out[-1][0], word.index + 1)
                continue
            start = word.index
        if word.text in _SENTENCE_END:
            close(word.index + 1)
    close(len(words))
    return out


def _is_director(word: Word) -> bool:
    return word.kind == "commentary" and not word.label


def listen(
    audio: Path,
    audio_ordinal: int,
    transcript: Transcript,
    expected: Callable[[int], float],
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    pronunciations: Mapping[str, str] | None = None,
    processes: int = 2,
) -> Heard:
    """Align the director's sentences to the speech on ``audio``'s ``audio_ordinal``-th track.

    ``expected(word_index)`` is the prior (subtitle-anchored seconds on the audio's clock).
    ``pronunciations`` adds to pocketsphinx's dictionary (default: the bundled packs' tables,
    then espeak-ng for what is still missing, when it is installed). Raises
    :class:`ListenError` for a missing track, silence, or audio that isn't this commentary,
    deciding that from a few windows spread over the track before aligning the rest.
    """
    began = time.monotonic()
    duration = _audio_duration(audio, audio_ordinal)
    units = [
        unit
        for unit in _units(transcript, commentary_sentences(transcript), expected)
        if unit.expected_start > 0.0 and unit.expected_end < duration
    ]
    sentences = [span for unit in units for span in unit.sentences]
    if not units:
        raise ListenError(f"{audio}: no commentary sentence is expected within its length")
    lexicon = _lexicon(units, pronunciations)
    with _Workers(lexicon, processes, cancel) as workers, _decoded(audio, audio_ordinal) as ready:
        progress(0.0, "checking that the track is this commentary")
        _check_probe(_Seeking(audio, audio_ordinal), duration, units, workers)
        track = ready(cancel)
        levels = frame_levels(track)
        foreground = foreground_db(levels)
        voice = _Voice(track, foreground - QUIETER_DB)
        heard = _align_all(voice, levels >= foreground, duration, units, workers, progress)
    progress(1.0, f"heard {len(heard)} of {len(sentences)} sentences")
    return Heard(
        sentences=len(sentences),
        heard=tuple(heard),
        share=len(heard) / len(sentences),
        seconds=time.monotonic() - began,
    )


@contextmanager
def _decoded(audio: Path, ordinal: int) -> Iterator[Callable[[CancelToken | None], RawTrack]]:
    """The whole track decoded once, in the background while the probe listens; the block gets
    what waits for it. The passes read their overlapping windows from it: one pass over a rip of
    tens of GB instead of one seek and decoder process per window."""

    def ready(cancel: CancelToken | None) -> RawTrack:
        try:
            return decoding.ready(cancel.check if cancel is not None else lambda: None)
        except MediaError as exc:
            raise ListenError(str(exc)) from None

    with decoded(audio, audio_ordinal=ordinal) as decoding:
        yield ready


@dataclass(frozen=True)
class _Seeking:
    """A track read a window at a time, each by its own seek (for a few spread-out windows)."""

    path: Path
    ordinal: int

    def read(self, start_s: float, duration_s: float) -> np.ndarray:
        return read_pcm(
            self.path, audio_ordinal=self.ordinal, start_s=start_s, duration_s=duration_s
        )


@dataclass(frozen=True)
class _Voice:
    """The decoded track and how loud his voice is on it at the least (dB, see
    :func:`foreground_db`): the film is mixed under him, so a unit matched on the film's own
    dialogue while he is silent is quieter than that."""

    track: RawTrack
    least_db: float


def frame_levels(track: RawTrack) -> np.ndarray:
    """The level (dB of mean square) of each of the track's 10 ms frames, read a minute at a
    time: in 10-minute blocks, their float copies took 125 MB more, the peak of a whole run."""
    blocks = [_frame_db(track.read(at, 60.0)) for at in np.arange(0.0, track.duration_s, 60.0)]
    return np.concatenate(blocks).astype(np.float32) if blocks else np.zeros(0, np.float32)


def foreground_db(levels: np.ndarray) -> float:
    """The level (dB, of :func:`frame_levels`) the track's loud frames reach: on a commentary
    track, the commentator's voice, which the film's sound is mixed under."""
    return float(np.percentile(levels, FOREGROUND_PERCENTILE)) if levels.size else 0.0


def _frame_db(samples: np.ndarray) -> np.ndarray:
    hop = RATE // 100
    frames = samples[: samples.size // hop * hop].astype(np.float64).reshape(-1, hop)
    return 10.0 * np.log10(np.einsum("ij,ij->i", frames, frames) / hop + 1.0)


Audio = _Seeking | RawTrack


def _audio_duration(audio: Path, ordinal: int) -> float:
    try:
        info = probe(audio)
    except MediaError as exc:
        raise ListenError(str(exc)) from None
    tracks = info.audio
    if not tracks:
        raise ListenError(f"{audio}: has no audio to listen to")
    if not 1 <= ordinal <= len(tracks):
        raise ListenError(
            f"{audio}: no audio track {ordinal} (it has {len(tracks)}: 1–{len(tracks)})"
        )
    if info.duration_s <= 0:
        raise ListenError(f"{audio}: the audio track is empty")
    return info.duration_s


def _units(
    transcript: Transcript, sentences: Sequence[tuple[int, int]], expected: Callable[[int], float]
) -> list[_Unit]:
    """Sentences grouped so that each unit says at least MIN_UNIT_WORDS words."""
    said = [(span, tuple(spoken_words(transcript.words[span[0] : span[1]]))) for span in sentences]
    return [
        _unit([span for span, _ in group], [w for _, words in group for w in words], expected)
        for group in _grouped(said, MIN_UNIT_WORDS)
    ]


def _grouped(sentences: Sequence[_Said], least: int) -> list[list[_Said]]:
    """Consecutive sentences in groups that each say at least ``least`` words: a short sentence
    goes with the next, a short tail with the group before (a run shorter than that is one
    short group)."""
    groups: list[list[_Said]] = []
    for said in sentences:
        if groups and _word_count(groups[-1]) < least:
            groups[-1].append(said)
        else:
            groups.append([said])
    if len(groups) > 1 and _word_count(groups[-1]) < least:
        tail = groups.pop()
        groups[-1] += tail
    return groups


def _word_count(group: Sequence[_Said]) -> int:
    return sum(len(words) for _, words in group)


def _unit(
    sentences: Sequence[tuple[int, int]],
    words: Sequence[tuple[str, int]],
    expected: Callable[[int], float],
) -> _Unit:
    start = expected(sentences[0][0])
    end = max(start, expected(sentences[-1][1] - 1))
    return _Unit(tuple(sentences), tuple(words), start, end)


def _lexicon(units: Sequence[_Unit], extra: Mapping[str, str] | None) -> dict[str, str]:
    """Pronunciations for the units' words that pocketsphinx's dictionary lacks."""
    from companion.alignment.pronounce import dictionary_words

    known = dictionary_words()
    missing = {w for unit in units for w, _ in unit.words if w not in known}
    table = dict(bundled_table() if extra is None else extra)
    out = {w: table[w] for w in missing if w in table}
    out |= espeak_pronunciations(sorted(missing - out.keys()))
    return out


def _check_probe(
    track: _Seeking, duration: float, units: Sequence[_Unit], workers: _Workers
) -> None:
    """Refuse silence and audio that isn't this commentary, from a few spread-out windows."""
    chunks = _chunks(units)
    count = min(PROBE_WINDOWS, max(2, len(chunks) // 4))
    picks = sorted({round(i * (len(chunks) - 1) / (count - 1)) for i in range(count)})
    jobs = []
    for pick in picks:
        chunk = chunks[pick]
        start = max(0.0, chunk[0].expected_start - MARGIN_S)
        end = min(duration, chunk[-1].expected_end + MARGIN_S)
        if end - start >= 1.0:
            jobs.append((track, start, end, chunk))
    tried = sum(len(job[-1]) for job in jobs)
    heard, loud = 0, False
    for units_heard, window_loud in workers.map(_probe_window, jobs):
        heard += units_heard
        loud = loud or window_loud
    if not loud:
        raise ListenError(f"{track.path}: audio track {track.ordinal} is silent")
    if tried == 0 or heard / tried < MIN_PROBE_SHARE:
        raise ListenError(
            f"{track.path}: audio track {track.ordinal} doesn't sound like this commentary "
            f"(heard {heard} of {tried} passages where they were expected)"
        )


def _probe_window(
    track: _Seeking, start: float, end: float, chunk: Sequence[_Unit]
) -> tuple[int, bool]:
    """How many of the chunk's units a window hears, and whether it holds any sound."""
    samples = _window(track, start, end)
    heard = sum(1 for hs in _aligner().align(samples, start, chunk, None) if hs)
    return heard, _rms(samples) >= SILENCE_RMS


def _rms(samples: np.ndarray) -> float:
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def _chunks(units: Sequence[_Unit]) -> list[list[_Unit]]:
    """Consecutive units whose expected speech fits one window."""
    chunks: list[list[_Unit]] = []
    for unit in units:
        if chunks and unit.expected_end - chunks[-1][0].expected_start <= CHUNK_S:
            chunks[-1].append(unit)
        else:
            chunks.append([unit])
    return chunks


def _align_all(
    voice: _Voice,
    loud: np.ndarray,
    duration: float,
    units: Sequence[_Unit],
    workers: _Workers,
    progress: Progress,
) -> list[HeardSentence]:
    """Every unit, in runs of windows that each carry the offset forward (runs in parallel);
    then, over the whole track, outliers are dropped (by their offsets, and by his voice between
    them: ``loud`` frames) and the units still unheard are looked for again between the heard
    ones around them, a few times over while that hears more; last, each sentence still unheard
    is looked for on its own between the heard ones around it."""
    runs = _runs(_chunks(units), workers.processes * RUNS_PER_PROCESS)
    found: list[list[HeardSentence]] = []
    jobs = [(voice, (0.0, duration), run) for run in runs]
    for n, result in enumerate(workers.map(_align_run, jobs), 1):
        found += result
        progress(0.9 * n / len(runs), f"listened to {n} of {len(runs)} parts")
    tried: set[tuple[int, int, float, float]] = set()
    _drop_outliers(units, found)
    pace = _pace(units, found, loud)
    for round_ in range(1, RETRY_ROUNDS + 1):
        _drop_unexplained(found, pace)
        gaps = [gap for gap in _gaps(units, found, duration) if gap not in tried]
        if not gaps:
            break
        tried.update(gaps)
        progress(0.9 + 0.1 * round_ / RETRY_ROUNDS, f"listening again in {len(gaps)} gaps")
        retries = [(voice, (lo, hi), _reexpected(units, found, i, j)) for i, j, lo, hi in gaps]
        for (i, _, _, _), result in zip(gaps, workers.map(_align_between, retries), strict=True):
            for k, hs in enumerate(result, i):
                found[k] = hs or found[k]
        _drop_outliers(units, found)
    _drop_unexplained(found, pace)
    heard = [h for hs in found for h in hs]
    missing = _sentence_gaps(units, heard)
    fills = [
        (voice, (a.end_s - 0.1, b.start_s + 0.1), alone, _fill_garbage(a, b, pace))
        for a, b, alone in missing
    ]
    for (a, b, _), result in zip(missing, workers.map(_align_window, fills), strict=True):
        filled = [h for hs in result for h in hs]
        if _explained([a, *filled, b], pace):
            heard += filled
    return sorted(heard, key=lambda h: h.word_start)


def _sentence_gaps(
    units: Sequence[_Unit], heard: Sequence[HeardSentence]
) -> list[tuple[HeardSentence, HeardSentence, list[_Unit]]]:
    """Each run of unheard sentences between two heard ones (at most FILL_GAP_S apart): those
    two, and the run regrouped into units of its own. The retries listen to a run with its
    whole units and their heard neighbours, in a long window where the film's sound can take
    a unit's words; measured on the benchmark's track, of 40 single sentences they missed
    between two heard ones, 18 were heard right alone in the stretch between those, none wrong
    (the three matched on the film's sound were too quiet to be his voice). What is heard in a
    run is kept only where his voice around it fits the words (see :meth:`_Pace.accounts_for`):
    one sentence can still be matched on the unheard one before."""
    at = {(h.word_start, h.word_end): h for h in heard}
    out: list[tuple[HeardSentence, HeardSentence, list[_Unit]]] = []
    last: HeardSentence | None = None
    pending: list[_Said] = []
    for unit in units:
        for a, b in unit.sentences:
            found = at.get((a, b))
            if found is None:
                pending.append(((a, b), tuple((w, i) for w, i in unit.words if a <= i < b)))
                continue
            if last is not None and found.start_s - last.end_s <= FILL_GAP_S:
                short = found.start_s - last.end_s <= SHORT_STRETCH_S
                regrouped = _regrouped(pending, 1 if short else MIN_UNIT_WORDS)
                if regrouped:
                    out.append((last, found, regrouped))
            last, pending = found, []
    return out


def _fill_garbage(before: HeardSentence, after: HeardSentence, pace: _Pace | None) -> float:
    """The phone loop's penalty for the run of unheard sentences between two heard ones, aligned
    alone there. Where the stretch has room for their words at his pace and little more, they are
    there, however poorly the model fits them under the film's sound: forced, on the
    benchmark's track, of the sentences the last pass left unheard in such stretches (at most
    4 s to spare), 11 were heard with the film 15 dB under him and 36 at 8 dB, none more than
    2.6 s off; with more room to spare, errors up to 6 s."""
    if pace is None:
        return GAP_GARBAGE_P
    slack = after.start_s - before.end_s - pace.expected(before, after)
    return TIGHT_GARBAGE_P if slack <= TIGHT_SLACK_S else GAP_GARBAGE_P


def _regrouped(sentences: Sequence[_Said], least: int) -> list[_Unit]:
    """Consecutive sentences as units of at least ``least`` words (see :func:`_grouped`; a run
    shorter than that is none). In a long stretch a short sentence goes
    with the next: alone, "He's not quite..." was matched there on the start of the next one,
    "He's just not good at people". In a short stretch, even "Um..." alone can be off by no
    more than the stretch."""
    return [
        _Unit(tuple(span for span, _ in group), tuple(x for _, w in group for x in w), 0.0, 0.0)
        for group in _grouped(sentences, least)
        if _word_count(group) >= least
    ]


class _Workers:
    """Where windows are aligned: this process, or a pool of them (spawned, not forked: the
    caller may be a Qt application). Each process keeps one decoder for all its jobs."""

    def __init__(self, lexicon: dict[str, str], processes: int, cancel: CancelToken | None):
        self.cancel = cancel
        self.processes = max(1, processes)
        self.pool: ProcessPoolExecutor | None = None
        if self.processes > 1:
            context = get_context("spawn")
            self.pool = ProcessPoolExecutor(
                processes, mp_context=context, initializer=_start_worker, initargs=(lexicon,)
            )
        else:
            _start_worker(lexicon)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def map(self, function: Callable, jobs: Sequence[tuple]) -> Iterator:
        """Results in the order of ``jobs``, checking for cancellation meanwhile."""
        if self.pool is None:
            for job in jobs:
                if self.cancel is not None:
                    self.cancel.check()
                yield function(*job)
            return
        futures = [self.pool.submit(function, *job) for job in jobs]
        try:
            for future in futures:
                while True:
                    try:
                        yield future.result(timeout=1.0)
                        break
                    except TimeoutError:
                        if self.cancel is not None:
                            self.cancel.check()
        except BaseException:
            for pending in futures:
                pending.cancel()
            _stop_pool(self.pool)
            raise


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now: a cancelled listen must not grind on for minutes."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


_worker: _Aligner | None = None


def _start_worker(lexicon: dict[str, str]) -> None:
    global _worker
    _worker = _Aligner(lexicon)


def _aligner() -> _Aligner:
    assert _worker is not None, "the worker was not started"
    return _worker


def _runs(chunks: Sequence[list[_Unit]], count: int) -> list[list[list[_Unit]]]:
    size = max(1, math.ceil(len(chunks) / count))
    return [list(chunks[i : i + size]) for i in range(0, len(chunks), size)]


def _align_run(
    voice: _Voice, bounds: tuple[float, float], run: Sequence[list[_Unit]]
) -> list[list[HeardSentence]]:
    """Consecutive windows within ``bounds``, each placed by the prior plus the offset the last
    one heard, and starting where the last heard sentence ended; one that hears nothing
    re-seeds from the prior alone. For each unit, its sentences heard."""
    aligner = _aligner()
    found: list[list[HeardSentence]] = []
    lo, hi = bounds
    offset, floor, margin = 0.0, lo, MARGIN_S
    for chunk in run:
        start = max(lo, floor - 0.5, chunk[0].expected_start + offset - MARGIN_S)
        end = min(hi, max(start, chunk[-1].expected_end + offset + margin))
        results = aligner.align(_window(voice.track, start, end), start, chunk, voice.least_db)
        found += results
        heard = [(unit, hs[0]) for unit, hs in zip(chunk, results, strict=True) if hs]
        if heard:
            unit, first = heard[-1]
            offset = _clamp(first.start_s - unit.expected_start, MAX_OFFSET_S)
            floor = max(h.end_s for hs in results for h in hs)
            margin = LOCKED_MARGIN_S
        else:
            offset, floor, margin = 0.0, lo, MARGIN_S
    return found


def _align_between(
    voice: _Voice,
    bounds: tuple[float, float],
    units: Sequence[_Unit],
    garbage: float = GAP_GARBAGE_P,
) -> list[list[HeardSentence]]:
    """Unheard units between the heard ones around them (``bounds``). In a short gap nothing
    else is said, so they are aligned in one window where their words may take more of the
    film's sound than the first pass allowed (the confidence still decides); a long one is
    aligned as a run of its own, on the prior corrected by the heard units on either side."""
    lo, hi = bounds
    if hi - lo <= MAX_GAP_S:
        return _align_window(voice, bounds, units, garbage)
    return _align_run(voice, bounds, _chunks(units))


def _align_window(
    voice: _Voice, bounds: tuple[float, float], units: Sequence[_Unit], garbage: float
) -> list[list[HeardSentence]]:
    """Units aligned in one window over ``bounds``, with that phone-loop penalty."""
    lo, hi = bounds
    return _aligner().align(_window(voice.track, lo, hi), lo, units, voice.least_db, garbage)


def _window(track: Audio, start: float, end: float) -> np.ndarray:
    if end - start < 1.0:
        return np.zeros(0, dtype=np.int16)
    return track.read(start, end - start)


def _drop_outliers(units: Sequence[_Unit], found: list[list[HeardSentence]]) -> None:
    """Forget units heard where their neighbours say they can't be.

    The prior is off by a smoothly varying amount (pauses accumulate), so the heard-minus-
    expected offsets of neighbouring units agree, the more the closer they are expected; a long
    pause the prior doesn't know makes them jump, but both sides of a jump agree among
    themselves. A unit matched on the wrong speech (a similar phrase seconds away) agrees with
    neither side. Of the rest, the largest set of sentences heard in the transcript's order is
    kept: one unit heard out of order goes, not every unit after it.
    """
    heard = [i for i, hs in enumerate(found) if hs]
    offsets = {i: found[i][0].start_s - units[i].expected_start for i in heard}
    wrong = set()
    for n, i in enumerate(heard):
        sides = [heard[max(0, n - NEIGHBOURS) : n], heard[n + 1 : n + 1 + NEIGHBOURS]]
        if all(side and _disagrees(units, offsets, i, side) for side in sides):
            wrong.add(i)
    kept = _in_order([i for i in heard if i not in wrong], found)
    for i in heard:
        if i not in kept:
            found[i] = []


@dataclass(frozen=True)
class _Pace:
    """How his voice shows on this track, measured on the sentences heard: the share of a
    sentence's frames that are loud (his words' pauses and soft sounds aren't) and the seconds
    per word; and the words expected, to tell what between two heard sentences is unsaid."""

    loud: np.ndarray  # per frame: at his voice's level
    voiced: float
    per_word: float
    words: np.ndarray  # the units' word indexes, sorted

    def voice(self, before: HeardSentence, after: HeardSentence) -> float:
        """Seconds of his voice between two heard sentences."""
        lo, hi = (max(0, round(t / FRAME_S)) for t in (before.end_s, after.start_s))
        return float(np.count_nonzero(self.loud[lo:hi])) * FRAME_S / self.voiced

    def expected(self, before: HeardSentence, after: HeardSentence) -> float:
        """Seconds the words expected between two heard sentences take at his pace."""
        unsaid = np.searchsorted(self.words, after.word_start) - np.searchsorted(
            self.words, before.word_end
        )
        return float(unsaid) * self.per_word

    def accounts_for(self, before: HeardSentence, after: HeardSentence) -> bool:
        """Whether his voice between two heard sentences fits the words expected between them:
        no more than UNEXPLAINED_S of it beyond them, nor less than UNSAID_SHARE of what they
        take and UNSAID_S short of it. Over a long stretch the measured voice strays from the
        words' time by a share (by 5 s, a tenth, where 188 words went unheard): only a deficit
        that is also most of the words' time says a sentence took another's place."""
        voice, expected = self.voice(before, after), self.expected(before, after)
        if voice - expected > UNEXPLAINED_S:
            return False
        return voice >= UNSAID_SHARE * expected or expected - voice <= UNSAID_S


def _pace(
    units: Sequence[_Unit], found: Sequence[list[HeardSentence]], loud: np.ndarray
) -> _Pace | None:
    """The track's :class:`_Pace`, or None with too few sentences heard to measure it."""
    said = [h for hs in found for h in hs if h.end_s > h.start_s]
    if len(said) < MIN_CALIBRATION:
        return None
    frames = [loud[round(h.start_s / FRAME_S) : round(h.end_s / FRAME_S)] for h in said]
    voiced = statistics.median(float(np.mean(f)) if f.size else 0.0 for f in frames)
    per_word = sum(h.end_s - h.start_s for h in said) / sum(len(h.words) for h in said)
    words = np.array(sorted(i for unit in units for _, i in unit.words), dtype=np.int64)
    return _Pace(loud, max(voiced, 0.1), per_word, words)


def _drop_unexplained(found: list[list[HeardSentence]], pace: _Pace | None) -> None:
    """Forget both units around a stretch of his voice that neither they nor the sentences
    expected between them explain. A unit matched on his own similar phrase seconds away leaves
    what he says in between unaccounted for, and its offset may still agree with neighbours a
    minute off. His voice is taken as the frames at the track's foreground level. Measured on a
    15-minute excerpt of the benchmark's track (pairs of heard sentences): with the film 15 dB
    under him, right pairs left at most 0.4 s unexplained, those with one placed 5-23 s off
    5.1 and 18.3 s; 8 dB under him, where the film's loud frames reach his level, right pairs
    left up to 2.6 s. The retries then align the units dropped in order.

    The other way round, a unit matched on the unheard sentences before it, seconds early,
    leaves them too little of his voice: both go too when that is less than half of what those
    sentences take (8 dB under him, 'But even I knew you absolutely have to have Hulkbuster',
    8.1 s early, left the 15 words before it 4.0 s short of his voice). A sentence of the
    transcript he doesn't say does the same to units heard right; the last pass hears those
    again on their own, in a stretch of at most FILL_GAP_S (7 sentences at the benchmark
    track's start lay between heard ones 76 s apart: at most 60 s, they stayed unheard)."""
    if pace is None:
        return
    heard = [i for i, hs in enumerate(found) if hs]
    wrong: set[int] = set()
    for p, q in itertools.pairwise(heard):
        if not pace.accounts_for(found[p][-1], found[q][0]):
            wrong |= {p, q}
    for i in wrong:
        found[i] = []


def _explained(chain: Sequence[HeardSentence], pace: _Pace | None) -> bool:
    """Whether his voice between consecutive sentences fits the words expected there."""
    return pace is None or all(pace.accounts_for(a, b) for a, b in itertools.pairwise(chain))


def _disagrees(
    units: Sequence[_Unit], offsets: Mapping[int, float], i: int, side: Sequence[int]
) -> bool:
    """Whether unit i's offset is further from its neighbours' on one side than their distance
    (in expected time) lets the offset drift."""
    nearest = min(abs(units[j].expected_start - units[i].expected_start) for j in side)
    allowed = OFFSET_TOLERANCE_S + OFFSET_DRIFT * nearest
    return abs(offsets[i] - statistics.median(offsets[j] for j in side)) > allowed


def _in_order(heard: Sequence[int], found: Sequence[list[HeardSentence]]) -> set[int]:
    """The heard units, as many sentences as can be, that follow one another in time."""
    best: list[
        tuple[int, int]
    ] = []  # per position: (sentences in the best chain ending there, previous)
    for n, i in enumerate(heard):
        start = found[i][0].start_s
        options = [(best[m][0], m) for m in range(n) if found[heard[m]][-1].end_s <= start + 0.5]
        score, previous = max(options, default=(0, -1))
        best.append((score + len(found[i]), previous))
    kept: set[int] = set()
    n = max(range(len(best)), key=lambda k: best[k][0], default=-1)
    while n >= 0:
        kept.add(heard[n])
        n = best[n][1]
    return kept


def _gaps(
    units: Sequence[_Unit], found: Sequence[list[HeardSentence]], duration: float
) -> list[tuple[int, int, float, float]]:
    """(first, end) unit indexes of each run of unheard units with the heard unit on either
    side, and the time between the heard units beyond those (the track's start or end where
    there is none). The heard neighbours are listened to again with the run: when one was
    matched on the run's speech, aligning them in order puts both right."""
    heard = [i for i, hs in enumerate(found) if hs]
    out = []
    i = 0
    while i < len(units):
        if found[i]:
            i += 1
            continue
        j = i
        while j < len(units) and not found[j]:
            j += 1
        first = i - 1 if i > 0 else i
        end = j + 1 if j < len(units) else j
        before = [k for k in heard if k < first]
        after = [k for k in heard if k >= end]
        lo = found[before[-1]][-1].end_s - 0.1 if before else 0.0
        hi = found[after[0]][0].start_s + 0.1 if after else duration
        if hi - lo >= 1.0:
            out.append((first, end, round(lo, 2), round(hi, 2)))
        i = j
    return out


def _reexpected(
    units: Sequence[_Unit], found: Sequence[list[HeardSentence]], i: int, j: int
) -> list[_Unit]:
    """Units i..j-1 expected where the prior says, shifted by the offsets heard at the run's
    ends (or just outside it; interpolated between them in expected time): the pauses the
    prior missed before the gap are known now."""
    inside = [k for k in range(i, j) if found[k]]
    ends = [inside[0], inside[-1]] if inside else [i - 1, j]
    sides = [
        (units[k].expected_start, found[k][0].start_s - units[k].expected_start)
        for k in sorted(set(ends))
        if 0 <= k < len(units) and found[k]
    ]
    times = [t for t, _ in sides]
    offsets = [o for _, o in sides]

    def shifted(t: float) -> float:
        return t + float(np.interp(t, times, offsets)) if sides else t

    return [
        replace(u, expected_start=shifted(u.expected_start), expected_end=shifted(u.expected_end))
        for u in units[i:j]
    ]


def _clamp(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))


class _Aligner:
    """One pocketsphinx decoder with the transcript's missing words and the garbage phones."""

    def __init__(self, lexicon: Mapping[str, str]) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(
            lm=None,
            logfn=os.devnull,
            bestpath=False,
            beam=1e-60,
            wbeam=1e-40,
            pbeam=1e-60,
            maxhmmpf=2000,  # as 5000 on a 15-minute excerpt, 3% less CPU (fewer HMMs kept)
            # Every frame is scored: ds=2 ran twice as fast but heard 1 of the test rip's 12
            # sentences, against 10 of 12 when every frame is scored.
        )
        entries = [(f"ph_{p.lower()}", p) for p in _GARBAGE] + sorted(lexicon.items())
        for n, (word, phones) in enumerate(entries):
            self.decoder.add_word(word, phones, n == len(entries) - 1)
        self.known: set[str] = {w for w, _ in entries}

    def _decode(self, search: str, samples: np.ndarray) -> list:
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(samples.tobytes(), full_utt=True)
        self.decoder.end_utt()
        return list(self.decoder.seg() or ())

    def spelled(self, word: str) -> bool:
        if word in self.known:
            return True
        if self.decoder.lookup_word(word) is not None:
            self.known.add(word)
            return True
        return False

    def align(
        self,
        samples: np.ndarray,
        start_s: float,
        units: Sequence[_Unit],
        least_db: float | None,
        garbage: float = GARBAGE_P,
    ) -> list[list[HeardSentence]]:
        """For each unit, its sentences heard in this window (none when it was skipped), from
        its first as loud as ``least_db`` up to the next one quieter (see :class:`_Voice`)."""
        if samples.size < RATE:
            return [[] for _ in units]
        words_of = [[(w, i) for w, i in unit.words if self.spelled(w)] for unit in units]
        firsts = [
            _sentence_starts(unit, words) for unit, words in zip(units, words_of, strict=True)
        ]
        transitions, final = _grammar(words_of, firsts, garbage)
        self.decoder.add_fsg("window", self.decoder.create_fsg("window", 0, final, transitions))
        found = self._decode("window", samples)
        segments = [(s.word, s.start_frame, s.end_frame) for s in found]
        heard = _read_segments(segments, start_s, units, words_of)
        if least_db is None:
            return heard
        return [_loud_run(samples, start_s, hs, least_db) for hs in heard]


def _sentence_starts(unit: _Unit, words: Sequence[tuple[str, int]]) -> set[int]:
    """Where in a unit's words its sentences after the first begin."""
    return {
        next((k for k, (_, i) in enumerate(words) if a <= i < b), 0) for a, b in unit.sentences
    } - {0}


def _grammar(
    words_of: Sequence[Sequence[tuple[str, int]]],
    firsts_of: Sequence[set[int]],
    garbage: float,
) -> tuple[list[tuple], int]:
    """FSG transitions and the final state: before, between and after the units a garbage phone
    loop; each unit a chain of its words or, at a penalty, skipped. Between two sentences of a
    unit he may pause for long, with the film's sound in the pause: the model's babble and
    noise fillers may take it (a phone loop there would cost as much as another unit)."""
    transitions: list[tuple] = []
    state, fresh = 0, 1
    for words, firsts in zip(words_of, firsts_of, strict=True):
        transitions += _garbage_loop(state, garbage)
        if not words:
            continue
        first = state
        for k, (word, _) in enumerate(words):
            if k in firsts:
                transitions += [(state, state, PAUSE_P, noise) for noise in _NOISES]
            transitions.append((state, fresh, 1.0, word))
            state, fresh = fresh, fresh + 1
        transitions.append((first, state, SKIP_P))
    transitions += _garbage_loop(state, garbage)
    transitions.append((state, fresh, 1.0))
    return transitions, fresh


def _garbage_loop(state: int, garbage: float) -> list[tuple]:
    p = garbage / len(_GARBAGE)
    return [(state, state, p, f"ph_{phone.lower()}") for phone in _GARBAGE]


def _loud_run(
    samples: np.ndarray, start_s: float, heard: list[HeardSentence], least_db: float
) -> list[HeardSentence]:
    """A unit's sentences from its first loud enough to be his voice up to the next that is too
    quiet. A quiet first one is one the decoder found no place for ("Thor.", "Um..."), squeezed
    in just before the next, which it did not move; a quiet one after a heard one may have put
    the rest on the film's sound after his pause."""
    loud = [_sounds_like_him(_word_levels(samples, start_s, h), least_db) for h in heard]
    first = next((n for n, ok in enumerate(loud) if ok), len(heard))
    end = next((n for n in range(first, len(heard)) if not loud[n]), len(heard))
    return heard[first:end]


def _sounds_like_him(levels: np.ndarray, least_db: float) -> bool:
    """Whether a sentence's word frames are his voice: their loud frames (the vowels) within
    QUIETER_DB of the foreground, and some of them at its level. With the film 8 dB under him,
    its loud passages pass the first test: sentences put there 4-19 s early had at most 1% of
    their frames at his level, against 8% and more for 99% of the right ones."""
    if not levels.size:
        return False
    peak = float(np.percentile(levels, WORD_PEAK_PERCENTILE))
    at_his_level = float(np.mean(levels >= least_db + QUIETER_DB))
    return peak >= least_db and at_his_level >= MIN_VOICED_SHARE


def _word_levels(samples: np.ndarray, start_s: float, heard: HeardSentence) -> np.ndarray:
    """The levels (dB, as :func:`frame_levels`) of a heard sentence's words' frames. Each
    sentence of a unit on its own: a short one is aligned with the next, and where he pauses
    between them the grammar's only choice may be to put the next on the film's sound just
    after it."""
    spans = [(a - start_s, b - start_s) for _, a, b in heard.words]
    levels = [_frame_db(samples[max(0, round(a * RATE)) : round(b * RATE)]) for a, b in spans]
    return np.concatenate(levels) if levels else np.zeros(0)


def _read_segments(
    segments: Sequence[tuple[str, int, int]],
    start_s: float,
    units: Sequence[_Unit],
    words_of: Sequence[Sequence[tuple[str, int]]],
) -> list[list[HeardSentence]]:
    """Map the decoder's word sequence back onto the units: a unit whose words all appear in
    order is heard; its sentences get their words' times and a confidence."""
    vocabulary = {w for words in words_of for w, _ in words}
    spoken = [
        (word, start_s + a * FRAME_S, start_s + (b + 1) * FRAME_S)
        for word, a, b in ((w.split("(", 1)[0], a, b) for w, a, b in segments)
        if word in vocabulary
    ]
    out: list[list[HeardSentence]] = []
    k = 0
    for unit, words in zip(units, words_of, strict=True):
        names = [w for w, _ in words]
        if names and [s[0] for s in spoken[k : k + len(names)]] == names:
            timed = [
                (index, a, b)
                for (_, index), (_, a, b) in zip(words, spoken[k : k + len(names)], strict=True)
            ]
            k += len(names)
            out.append(_sentences(unit, timed))
        else:
            out.append([])
    return out


def _sentences(unit: _Unit, timed: Sequence[tuple[int, float, float]]) -> list[HeardSentence]:
    confidence = _confidence(timed)
    if confidence < MIN_CONFIDENCE:
        return []
    out = []
    for a, b in unit.sentences:
        mine = [t for t in timed if a <= t[0] < b]
        if mine and _longest_pause(mine) <= MAX_PAUSE_S:
            out.append(HeardSentence(a, b, mine[0][1], mine[-1][2], confidence, _merge(mine)))
    return out


def _longest_pause(timed: Sequence[tuple[int, float, float]]) -> float:
    """The longest silence between a sentence's words. With no garbage loop inside a unit, a
    sentence can be spread over the film's sound in his pause before it, its first words
    seconds apart there and the rest on his voice (loud enough): 17 s early on the benchmark's
    track. Within a sentence he paused at most 1 s there, between sentences far longer."""
    return max((b[1] - a[2] for a, b in itertools.pairwise(timed)), default=0.0)


def _merge(timed: Sequence[tuple[int, float, float]]) -> tuple[tuple[int, float, float], ...]:
    """One (index, start, end) per transcript word (a hyphenated token is several words)."""
    merged: list[tuple[int, float, float]] = []
    for index, a, b in timed:
        if merged and merged[-1][0] == index:
            merged[-1] = (index, merged[-1][1], b)
        else:
            merged.append((index, a, b))
    return tuple(merged)


def _confidence(timed: Sequence[tuple[int, float, float]]) -> float:
    """How plausible the words' durations are: forced onto noise or the wrong speech, words
    shrink to the HMM minimum or stretch over seconds."""
    durations = [b - a for _, a, b in timed]
    if not durations:
        return 0.0
    plausible = sum(1 for d in durations if 0.05 <= d <= 1.5)
    share = plausible / len(durations)
    median = statistics.median(durations)
    rate_ok = 1.0 if 0.08 <= median <= 0.8 else 0.5
    return round(share * rate_ok, 3)
