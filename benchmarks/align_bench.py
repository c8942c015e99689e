"""Leave-some-out accuracy and cost of subtitle alignment on the real film.

Protocol (issue "Alignment"): align the full subtitles once; the cues it matches are the known
points (transcript position of the quote, cue start time). Then, for each variant of the subtitle
file and several random draws, hide 30% of those cues from the file, re-align, locate each hidden
quote's transcript position through the new map and compare with the cue's true start in that
variant. Variants: the plain file, shifted by +25 s, scaled by 23.976/25 (a PAL release), and
re-encoded (WebVTT with a BOM, and cp1252 SRT with typographic apostrophes, each with 10% of the
other cues dropped). The plain method the issue quotes (exact 4-word matches, longest increasing
chain, straight lines) runs on the same draws as the baseline.

"located" = the hidden quote got a time; "<=5s" = share within five seconds of the truth. The
pooled errors of our method are also split between hidden quotes inside a run of quoted dialogue
and quotes on their own, whose time can only be interpolated across the commentary around them.

"floor" is no method but a bound: the map through every known point that is not hidden, at its
true time (no re-align, so no anchor lost or wrong). What it misses is how unevenly the director
talks between two quotes, which no interpolation from the transcript can know.
Run: .venv/bin/python benchmarks/align_bench.py [--draws N]
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import pysubs2

from companion.alignment.align import MatchWords, align, cue_words
from companion.alignment.subtitles import Cue, Subtitles, load_cues, load_subtitles
from companion.content.packs import load_pack
from companion.content.transcript import parse, read_ocr_table, read_source
from companion.model import Anchor
from companion.timing.timemap import TimeMap, spoken_positions

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SUBTITLES = SHARED / "data" / "age_of_ultron.en.srt"
PACK = REPO / "resources" / "age_of_ultron"
HIDE_SHARE = 0.30
DROP_SHARE = 0.10
PAL = 23.976 / 25
ISOLATED_S = 30.0


def bundled_transcript():
    """The commentary as the app ingests it (OCR fixes, dialogue marks from labels), but without
    the shipped dialogue table: that was learnt from these very subtitles, hidden cues included,
    so using it here would leak what the draws hide."""
    (track,) = load_pack(PACK / "notes.toml").tracks
    return parse(read_source(track.transcript), read_ocr_table(track.ocr_table))


def shift(subs: pysubs2.SSAFile, seconds: float) -> None:
    subs.shift(s=seconds)


def scale(subs: pysubs2.SSAFile, factor: float) -> None:
    for ev in subs:
        ev.start, ev.end = round(ev.start * factor), round(ev.end * factor)


def curly(subs: pysubs2.SSAFile) -> None:
    for ev in subs:
        ev.text = ev.text.replace("'", "’")


# name -> (edit of the file, time transform of the truth, format, encoding, drop others?)
VARIANTS: dict[str, tuple[Callable | None, Callable[[float], float], str, str, bool]] = {
    "plain": (None, lambda t: t, "srt", "utf-8", False),
    "+25s": (lambda s: shift(s, 25.0), lambda t: t + 25.0, "srt", "utf-8", False),
    "pal": (lambda s: scale(s, PAL), lambda t: t * PAL, "srt", "utf-8", False),
    "vtt-bom": (None, lambda t: t, "vtt", "utf-8-sig", True),
    "cp1252": (curly, lambda t: t, "srt", "cp1252", True),
}


def write_variant(
    path: Path, hidden: set[int], variant: str, rng: random.Random, event_of_cue: Sequence[int]
) -> None:
    edit, _, fmt, encoding, drop = VARIANTS[variant]
    subs = pysubs2.load(str(SUBTITLES), encoding="utf-8")
    hide_events = {event_of_cue[c] for c in hidden}
    keep = []
    for i, ev in enumerate(subs):
        if i in hide_events or (drop and rng.random() < DROP_SHARE):
            continue
        keep.append(ev)
    subs.events = keep
    if edit:
        edit(subs)
    text = subs.to_string(fmt)
    path.write_bytes(text.encode(encoding))


def plain_method(index: MatchWords, cues: Sequence[Cue], spoken: tuple[float, ...]):
    """Exact 4-word matches, longest increasing chain, straight lines (the issue's baseline)."""
    grams: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(index.words) - 3):
        grams.setdefault(tuple(index.words[i : i + 4]), []).append(i)
    sub_grams: dict[tuple[str, ...], list[tuple[int, float]]] = {}
    for c in cues:
        w = cue_words(c.text)
        for k in range(len(w) - 3):
            sub_grams.setdefault(tuple(w[k : k + 4]), []).append((k, c.start_s))
    points = []
    for g, occ in sub_grams.items():
        pos = grams.get(g)
        if pos and len(pos) == 1 and len(occ) == 1:
            k, t = occ[0]
            points.append((index.raw_start(max(pos[0] - k, 0)), t))
    points.sort()
    # Longest strictly increasing subsequence in time (patience sorting).
    tails: list[float] = []
    tail_idx: list[int] = []
    prev = [-1] * len(points)
    for i, (_, t) in enumerate(points):
        j = bisect.bisect_left(tails, t)
        if j == len(tails):
            tails.append(t)
            tail_idx.append(i)
        else:
            tails[j], tail_idx[j] = t, i
        prev[i] = tail_idx[j - 1] if j else -1
    chain, i = [], tail_idx[-1] if tail_idx else -1
    while i >= 0:
        chain.append(points[i])
        i = prev[i]
    chain.reverse()
    ws = [w for w, _ in chain]
    ts = [t for _, t in chain]

    def at(word: float) -> float:
        k = min(max(bisect.bisect_right(ws, word), 1), len(ws) - 1)
        w0, w1, t0, t1 = ws[k - 1], ws[k], ts[k - 1], ts[k]
        return t0 + (t1 - t0) * (word - w0) / (w1 - w0)

    return at


def ours(index: MatchWords, found: Subtitles, spoken: tuple[float, ...]):
    """Anchors from :func:`align` (lines and sound cues), then the map ``companion`` builds."""
    result = align(index, found.cues, found.sounds)
    timemap, _ = TimeMap.anchored((), result.anchors, fallback_rate=1.0, spoken=spoken)
    return timemap.time_at


def floor(truth: Sequence, hidden: set[int], truth_time, spoken: tuple[float, ...]):
    """The map through the known points left visible, at their true times in this variant."""
    anchors = [
        Anchor(a.word_index, truth_time(a.film_s), a.score, a.source)
        for m in truth
        if m.cue not in hidden
        for a in m.anchors()
    ]
    timemap, _ = TimeMap.anchored((), anchors, fallback_rate=1.0, spoken=spoken)
    return timemap.time_at


def summarise(outcomes: list[float | None]) -> str:
    """median / p90 / max error, share located, share within 5 s, of hidden-quote outcomes."""
    errors = sorted(e for e in outcomes if e is not None)
    total = len(outcomes)
    if not errors:
        return "no points"
    p90 = errors[min(len(errors) - 1, int(0.9 * len(errors)))]
    within = sum(e <= 5.0 for e in errors) / total
    return (
        f"{statistics.median(errors):7.2f} {p90:7.2f} {errors[-1]:8.1f}"
        f" {100 * len(errors) / total:8.1f}% {100 * within:6.1f}%"
    )


def isolated_cues(truth: Sequence, gap_s: float = ISOLATED_S) -> set[int]:
    """Known points with no other known point within ``gap_s`` of film: a quote on its own
    rather than inside a run of quoted dialogue."""
    times = [m.film_s for m in truth]
    return {
        m.cue
        for i, m in enumerate(truth)
        if all(abs(m.film_s - t) > gap_s for j, t in enumerate(times) if j != i)
    }


def cue_event_index() -> list[int]:
    """For each parsed cue, the index of the file event it came from (the file's own order)."""
    subs = pysubs2.load(str(SUBTITLES), encoding="utf-8")
    order = sorted(range(len(subs)), key=lambda i: subs[i].start)
    cues = load_cues(SUBTITLES)
    return [order[c.index] for c in cues]


# Runs the real CLI in a fresh interpreter and reports that process's own peak memory.
_PEAK_RSS = (
    "import resource, sys\n"
    "from companion.cli import main\n"
    "try:\n    main(sys.argv[1:])\n"
    "finally:\n"
    "    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    print(f'PEAK_RSS_KB {rss}', file=sys.stderr)\n"
)


def measure_cli(runs: int = 3) -> str:
    """Wall time (best of ``runs``) and peak memory of `companion align` on the full film."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        cmd = [sys.executable, "-c", _PEAK_RSS, "--db", str(db)]
        subprocess.run([*cmd, "segments", "--json"], capture_output=True, check=False)
        walls, peaks = [], []
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run([*cmd, "align", str(SUBTITLES)], capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if proc.returncode != 0:
                return f"companion align failed ({proc.returncode}): {proc.stderr.strip()[:200]}"
            peaks += [int(line.split()[1]) for line in proc.stderr.splitlines() if "PEAK" in line]
    return (
        f"companion align (CLI, full film, {runs} runs): wall best {min(walls):.2f} s,"
        f" worst {max(walls):.2f} s; peak RSS {max(peaks) / 1024:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2015)
    args = parser.parse_args()

    transcript = bundled_transcript()
    cues = load_cues(SUBTITLES)
    tracemalloc.start()
    start = time.perf_counter()
    index = MatchWords.from_transcript(transcript)
    spoken = spoken_positions([w.raw for w in transcript.words])
    found = load_subtitles(SUBTITLES)
    matches = align(index, found.cues, found.sounds).matches
    # Known points are quotes of a cue's start, whose true time is the cue's own start (a quote
    # of a cue's second sentence is timed by an estimate, so it is not a known point).
    truth = [m for m in matches if not m.sound and m.film_s == cues[m.cue].start_s]
    in_process = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    event_of_cue = cue_event_index()
    print(
        f"known points: {len(truth)} quoted cues ({len(matches)} anchored lines)"
        f" of {len(cues)} spoken lines;"
        f" align in-process {in_process:.2f} s, traced peak {peak:.0f} MB"
    )
    header = ("variant", "method", "n", "median", "p90", "max", "located", "<=5s")
    row = "{:9} {:6} {:>5} {:>7} {:>7} {:>8} {:>9} {:>7}"
    print(row.format(*header))
    alone = isolated_cues(truth)
    methods = ("ours", "plain", "floor")
    pooled: dict[str, list[tuple[float | None, bool]]] = {k: [] for k in methods}
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        for variant, (_, truth_time, fmt, _, _) in VARIANTS.items():
            results: dict[str, list[tuple[float | None, bool]]] = {k: [] for k in methods}
            for _ in range(args.draws):
                hidden = set(
                    rng.sample(sorted({m.cue for m in truth}), round(HIDE_SHARE * len(truth)))
                )
                path = Path(tmp) / f"{variant}.{fmt}"
                write_variant(path, hidden, variant, rng, event_of_cue)
                variant_subtitles = load_subtitles(path)
                variant_cues = variant_subtitles.cues
                locators = {
                    "ours": ours(index, variant_subtitles, spoken),
                    "plain": plain_method(index, variant_cues, spoken),
                    "floor": floor(truth, hidden, truth_time, spoken),
                }
                for method, at in locators.items():
                    for m in truth:
                        if m.cue in hidden:
                            t = at(m.word_start)
                            error = None if t is None else abs(t - truth_time(m.film_s))
                            results[method].append((error, m.cue in alone))
            for method, outcomes in results.items():
                errors = [e for e, _ in outcomes]
                print(f"{variant:9} {method:6} {len(errors):5d} {summarise(errors)}")
                pooled[method] += outcomes
    for method, outcomes in pooled.items():
        errors = [e for e, _ in outcomes]
        print(f"{'POOLED':9} {method:6} {len(errors):5d} {summarise(errors)}")
    for label, keep in (
        ("in a run", False),
        (f"alone (no known point within {ISOLATED_S:.0f} s)", True),
    ):
        errors = [e for e, isolated in pooled["ours"] if isolated == keep]
        print(f"  ours, hidden quote {label}: n={len(errors)} {summarise(errors)}")
    print(measure_cli())


if __name__ == "__main__":
    main()
