"""Measuring full-length copies: offset, speed and piece errors, wall time and peak memory.

Builds full-length (141-minute) synthetic copies of the film once, cached under
``artifacts/sync/`` (espeak-ng speaking the real subtitles' cues at their times over music and
noise, a 64x36 picture, a text, PGS or VobSub subtitle stream), then measures each from its
subtitle stream and from its sound, each measurement in a fresh process so its memory is its
own. Prints a table; asserts nothing. Run under ``nice``:

    nice -n 10 .venv/bin/python benchmarks/sync_bench.py [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from companion.alignment.clockfit import NTSC_FILM, PAL  # noqa: E402
from tests.synth_copy import Truth, audio_lag_s, film_lines, make_copy, speak  # noqa: E402

SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
CACHE = REPO / "artifacts" / "sync"
RUNTIME_S = 8460.0
INSERT_AT_S = 3899.5  # 1:05:00, between two lines

VARIANTS: dict[str, tuple[Truth, str]] = {
    "offset+23.7_srt": (Truth(offset_s=23.7), "srt"),
    "pal-12.3_vobsub": (Truth(offset_s=-12.3, speed=PAL / NTSC_FILM), "dvdsub"),
    "missing10%_pgs": (Truth(offset_s=5.0, missing=0.1), "pgs"),
    "inserted60s_pgs": (Truth(offset_s=8.0, insert_at_s=INSERT_AT_S, insert_s=60.0), "pgs"),
    "pal+inserted_vobsub": (
        Truth(offset_s=-12.3, speed=PAL / NTSC_FILM, insert_at_s=INSERT_AT_S, insert_s=60.0),
        "dvdsub",
    ),
}


def build(name: str, lag: float) -> Path:
    truth, subtitles = VARIANTS[name]
    out = CACHE / f"{name}.mkv"
    if not out.is_file():
        voices = speak(film_lines(SUBTITLES), CACHE)
        duration = truth.to_copy(RUNTIME_S)
        began = time.monotonic()
        partial = out.with_suffix(".part.mkv")
        make_copy(partial, voices, truth, duration, subtitles=subtitles)
        partial.rename(out)
        print(f"built {out.name} in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return out


def measure_one(path: Path, method: str) -> None:
    """Child process: measure, print the result as JSON with own wall time and peak memory."""
    from companion.alignment import sync
    from companion.alignment.speech import load_pattern
    from companion.alignment.sync import measure_copy, release_map
    from companion.alignment.voice import measure_audio
    from companion.jobs import CancelToken
    from companion.media.probe import probe

    reference = load_pattern("age_of_ultron")
    began = time.monotonic()
    if method.startswith("subtitle"):
        if method == "subtitle-windows":  # as a 30 GB rip is read: windows, then the jumps
            sync.WHOLE_FILE_BYTES = 0
        measured = measure_copy(path, reference)
        release, read = measured.release, measured.read
        assert measured.method == "subtitle-stream", measured.read
    else:
        info = probe(path)
        heard = measure_audio(info, reference, progress=lambda f, m: None, cancel=CancelToken())
        end = (info.duration_s - heard.fit.offset_s) / heard.fit.speed
        release, read = release_map(heard.fit, reference, end), heard.read
    wall = time.monotonic() - began
    own = _peak_rss_mb()
    # ru_maxrss of a child counts what it inherited at fork: an upper bound for ffmpeg's own
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({**release.as_json(), "wall": wall, "rss": own, "child_rss": children,
                      "read": read}))  # fmt: skip


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM: reset by exec, unlike ru_maxrss, which
    would count the benchmark parent that spawned it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure_one(Path(args.one[0]), args.one[1])
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    lag = audio_lag_s(CACHE)
    print(f"AAC-in-MKV lag measured on a click clip: {lag * 1000:.1f} ms (added to the truth)")
    header = f"{'copy':19} {'method':16} {'offset err':>10} {'speed err':>10} {'boundary':>9}"
    print(header + f" {'wall s':>7} {'RSS MB':>7} {'ffmpeg≤MB':>9}  read")
    for name in VARIANTS:
        if args.only and args.only not in name:
            continue
        path = build(name, lag)
        truth = VARIANTS[name][0]
        for method in ("subtitle-stream", "subtitle-windows", "audio"):
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(path), method],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            if done.returncode != 0:
                reason = (done.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{name:19} {method:16} FAILED: {reason}")
                continue
            print(f"{name:19} {method:16} {_row(json.loads(done.stdout), truth, lag)}")


def _row(got: dict, truth: Truth, lag: float) -> str:
    offset_err = got["offset_s"] - (truth.offset_s + lag)
    speed_err = (got["speed"] / truth.speed - 1.0) * 100
    boundary = "-"
    if truth.insert_at_s is not None:
        pieces = got["pieces"]
        if len(pieces) == 1:
            boundary = f"{pieces[0]['from_s'] - truth.insert_at_s:+.1f}s"
            jump = pieces[0]["offset_s"] - (truth.offset_s + truth.insert_s + lag)
            boundary += f" ({jump:+.2f})"
        else:
            boundary = f"{len(pieces)} pieces"
    elif got["pieces"]:
        boundary = f"{len(got['pieces'])} extra"
    return (
        f"{offset_err:+10.3f} {speed_err:+9.4f}% {boundary:>9} {got['wall']:7.2f}"
        f" {got['rss']:7.0f} {got['child_rss']:9.0f}  {got['read']}"
    )


if __name__ == "__main__":
    main()
