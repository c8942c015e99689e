"""Listening to a full-length synthetic commentary track: sentence-start errors, share, cost.

The track (built once, cached under ``artifacts/listen/``): every one of the director's
sentences of the real transcript spoken by festival's HTS voice, in order, with uneven pauses
(mostly a breath, one in four a few seconds, one in twenty up to 25 s), scaled to the film's
141 minutes; quoted film lines leave gaps of their own length. Under him "the film": the SRT's
subtitle lines spoken by espeak-ng at their times plus music, mixed at -15 dB and at -8 dB
below his voice. The prior is what the product has: straight lines (by spoken words) through
the quoted lines' edges at their true times, so it is seconds off where he paused unevenly.

Printed: median / p90 / max sentence-start error of the heard sentences, share heard, wall
time, peak memory (the listening process and its workers), and the errors of the prior alone;
then the film's own sound track, which must be refused. Both are read from a disc rip (MKV: a
video stream, the film's sound as audio track 1, the commentary as track 2). Nothing is
asserted.
Run: nice -n 10 .venv/bin/python benchmarks/listen_bench.py [--rebuild] [--processes 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pysubs2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import speech  # noqa: E402

from companion.alignment.listen import Heard, ListenError, commentary_sentences, listen  # noqa: E402
from companion.content.transcript import Transcript, parse, read_ocr_table, read_source  # noqa: E402
from companion.model import Anchor  # noqa: E402
from companion.timing.timemap import TimeMap, spoken_positions  # noqa: E402

PACK = ROOT / "resources" / "age_of_ultron"
SUBTITLES = ROOT.parent / "shared" / "data" / "age_of_ultron.en.srt"
CACHE = ROOT / "artifacts" / "listen"
FILM_S = 141 * 60.0
LEVELS = (-15.0, -8.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="remake the mixes and layout")
    parser.add_argument("--levels", default=",".join(str(x) for x in LEVELS))
    opts = parser.parse_args()
    transcript = parse(read_source(PACK / "commentary.txt"), read_ocr_table(PACK / "ocr.tsv"))
    sentences = commentary_sentences(transcript)
    layout = build(transcript, sentences, opts.rebuild)
    prior = prior_map(transcript, sentences, layout)
    truth = layout.sentence_starts
    prior_errors = [abs(prior.time_at(s[0]) - truth[s]) for s in sentences]
    print(f"track: {layout.duration / 60:.1f} min, {len(sentences)} sentences,")
    print(f"prior through {len(layout.known)} quoted-line edges at their true times\n")
    header = f"{'track':<14}{'median':>8}{'p90':>8}{'max':>8}{'heard':>8}{'wall':>9}{'x RT':>7}"
    print(header + f"{'peak MB':>9}")
    print(_row("prior alone", prior_errors, 1.0))
    for level in (float(x) for x in opts.levels.split(",")):
        rip = disc_rip(CACHE / f"mix{level:+.0f}dB.wav", opts.rebuild)
        began = time.monotonic()
        heard, peak_mb = listen_apart(rip, 2, prior, opts.processes)
        wall = time.monotonic() - began
        assert isinstance(heard, Heard)
        _keep(heard, truth, CACHE / f"heard{level:+.0f}dB.json")
        cost = (wall, layout.duration, peak_mb)
        print(_row(f"{level:+.0f} dB", _errors(heard, truth), heard.share, cost))
    began = time.monotonic()
    refused, _ = listen_apart(rip, 1, prior, opts.processes)
    verdict = f"refused: {refused}" if isinstance(refused, str) else "NOT refused"
    print(f"\nfilm's own sound: {verdict} ({time.monotonic() - began:.0f} s)")


def listen_apart(
    path: Path, track: int, prior: TimeMap, processes: int
) -> tuple[Heard | str, float]:
    """Listen in a fresh process, as ``companion listen`` would, and measure the peak memory
    of that process and its workers (not this one, which built the track): the heard
    sentences, or the refusal's message, and the peak in MB."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_listen_child, args=(path, track, prior, processes, results))
    child.start()
    with TreeMemory(child.pid or 0) as memory:
        outcome = results.get()
        child.join()
    return outcome, memory.peak_mb


def _listen_child(path: Path, track: int, prior: TimeMap, processes: int, results: Any) -> None:
    transcript = parse(read_source(PACK / "commentary.txt"), read_ocr_table(PACK / "ocr.tsv"))
    try:
        results.put(listen(path, track, transcript, prior.time_at, processes=processes))
    except ListenError as exc:
        results.put(str(exc))


def _keep(heard: Heard, truth: dict[tuple[int, int], float], path: Path) -> None:
    """Every sentence's true start and, when heard, where and how surely: for looking into
    the misses after a run."""
    got = {(h.word_start, h.word_end): h for h in heard.heard}
    rows = [
        {
            "span": list(span),
            "true": round(t, 3),
            "heard": round(got[span].start_s, 3) if span in got else None,
            "confidence": got[span].confidence if span in got else None,
        }
        for span, t in truth.items()
    ]
    path.write_text(json.dumps(rows))


def _errors(heard: Heard, truth: dict[tuple[int, int], float]) -> list[float]:
    return [abs(h.start_s - truth[(h.word_start, h.word_end)]) for h in heard.heard]


def _row(
    name: str, errors: list[float], share: float, cost: tuple[float, float, float] | None = None
) -> str:
    """A table row; ``cost`` is (wall seconds, track seconds, peak MB)."""
    ordered = sorted(errors)
    median = statistics.median(ordered) if ordered else float("nan")
    p90 = ordered[int(0.9 * (len(ordered) - 1))] if ordered else float("nan")
    worst = ordered[-1] if ordered else float("nan")
    row = f"{name:<14}{median:>7.2f}s{p90:>7.2f}s{worst:>7.1f}s{share:>7.1%} "
    if cost is not None:
        wall, seconds, peak = cost
        row += f"{wall:>8.0f}s{seconds / wall:>6.1f}x{peak:>9.0f}"
    return row


class TreeMemory:
    """Peak resident memory of process ``root`` and its descendants together (the workers),
    sampled every 0.2 s while the block runs."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_mb = max(self.peak_mb, _tree_rss_kb(self.root) / 1024)


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip())
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total = 0
    for pid in rss:
        walk = pid
        while walk not in (0, 1, root) and walk in parents:
            walk = parents[walk]
        if walk == root:
            total += rss[pid]
    return total


def prior_map(
    transcript: Transcript, sentences: list[tuple[int, int]], layout: speech.Layout
) -> TimeMap:
    first, last = sentences[0], sentences[-1]
    known = [(first[0], layout.sentence_starts[first]), *layout.known]
    known.append((last[1], layout.duration - 3.0))
    made = TimeMap.anchored(
        [],
        [Anchor(w, t) for w, t in known],
        0.3,
        spoken=spoken_positions([w.text for w in transcript.words]),
    )
    assert made is not None
    return made[0]


def build(transcript: Transcript, sentences: list[tuple[int, int]], rebuild: bool) -> speech.Layout:
    """The layout and the mixes, from the cache when they are there."""
    CACHE.mkdir(parents=True, exist_ok=True)
    texts = [speech.sentence_text(transcript, s) for s in sentences]
    began = time.monotonic()
    wavs = speech.synthesize(texts, CACHE / "director", processes=2)
    lengths = _lengths(wavs)
    spoken_s = sum(lengths)
    made = time.monotonic() - began
    print(f"director: {spoken_s / 60:.1f} min of festival HTS speech (ready in {made:.0f} s)")
    scale = _pause_scale(transcript, sentences, wavs, lengths)
    layout = speech.lay_out(transcript, sentences, wavs, lengths, seed=7, pause_scale=scale)
    mixes = [CACHE / f"mix{level:+.0f}dB.wav" for level in LEVELS]
    stamp = CACHE / "mixes.key"
    key = _layout_key(layout)
    fresh = stamp.is_file() and stamp.read_text() == key
    if rebuild or not fresh or not all(p.is_file() for p in mixes):
        began = time.monotonic()
        film = _film(layout.duration, rebuild)
        clips = {wav: speech.trimmed(speech.read_wav(wav)) for wav in wavs}
        director = speech.director_track(layout, clips)
        del clips
        for level, path in zip(LEVELS, mixes, strict=True):
            speech.write_wav(path, speech.mix(director, film, level))
        stamp.write_text(key)
        print(f"mixes built in {time.monotonic() - began:.0f} s")
    return layout


def disc_rip(commentary: Path, rebuild: bool) -> Path:
    """A disc rip of the synthetic film: a (tiny) video stream, the film's sound as audio track 1
    and the commentary mix as track 2 titled "Commentary", both AAC at 48 kHz stereo as a disc's
    would be decoded; what ``companion listen film.mkv`` reads."""
    rip = commentary.with_suffix(".mkv")
    if rip.is_file() and not rebuild and rip.stat().st_mtime >= commentary.stat().st_mtime:
        return rip
    part = rip.with_suffix(".part.mkv")
    video = ["-f", "lavfi", "-i", f"color=c=black:s=160x90:r=1:d={FILM_S:.0f}"]
    sound = ["-i", str(CACHE / "film.wav"), "-i", str(commentary)]
    maps = ["-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast"]
    audio = ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"]
    title = ["-metadata:s:a:1", "title=Commentary", "-metadata:s:a:0", "title=Film"]
    command = ["ffmpeg", "-v", "error", "-y", *video, *sound, *maps, *audio, *title, str(part)]
    subprocess.run(command, check=True)
    part.replace(rip)
    return rip


def _layout_key(layout: speech.Layout) -> str:
    """What the mixes were made from: each sentence's audio and where it is placed, so a
    transcript that is cut into sentences differently remakes them."""
    placed = "\n".join(f"{t:.3f} {wav.name}" for t, wav in layout.placed)
    return hashlib.sha1(f"{placed}\n{layout.duration:.3f}".encode()).hexdigest()


def _film(duration: float, rebuild: bool) -> np.ndarray:
    """The film's sound (the subtitles' lines and music), kept: it depends on neither the
    transcript nor the voice."""
    path = CACHE / "film.wav"
    if path.is_file() and not rebuild:
        film = speech.read_wav(path)
        if abs(len(film) / speech.RATE - duration) < 0.01:
            return film
    cues = [(e.start / 1000, e.end / 1000, e.plaintext) for e in pysubs2.load(str(SUBTITLES))]
    film = speech.film_track(cues, 0.0, duration, seed=8, processes=2)
    speech.write_wav(path, film)
    return film


def _lengths(wavs: list[Path]) -> list[float]:
    """Trimmed speech length of every sentence, cached beside the WAVs."""
    cache = CACHE / "lengths.json"
    known = json.loads(cache.read_text()) if cache.is_file() else {}
    out = []
    for wav in wavs:
        if wav.name not in known:
            known[wav.name] = len(speech.trimmed(speech.read_wav(wav))) / speech.RATE
        out.append(known[wav.name])
    cache.write_text(json.dumps(known))
    return out


def _pause_scale(
    transcript: Transcript,
    sentences: list[tuple[int, int]],
    wavs: list[Path],
    lengths: list[float],
) -> float:
    """The pause scale that makes the whole track last the film's 141 minutes."""
    plain = speech.lay_out(transcript, sentences, wavs, lengths, seed=7, pause_scale=1.0)
    pauses_s = (
        plain.duration
        - speech.lay_out(transcript, sentences, wavs, lengths, seed=7, pause_scale=0.0).duration
    )
    fixed_s = plain.duration - pauses_s
    return float(np.clip((FILM_S - fixed_s) / pauses_s, 0.2, 5.0))


if __name__ == "__main__":
    main()
