"""What heard timings cost the store: a listen run's edit, re-timing and edits with every
sentence of the real commentary heard, against the same store without them. Prints figures.

    .venv/bin/python benchmarks/heard_bench.py [--repeat 5]

The heard times are the current timing shifted by an uneven, seeded offset per sentence (what a
run on a full-length track stores); what is measured is the store's side, not the recogniser.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from companion.alignment.listen import commentary_sentences
from companion.bootstrap import ensure_loaded
from companion.content.films import track_transcript
from companion.model import HeardSpan
from companion.store import Store
from companion.timing import edits
from companion.timing.retime import locate_word, retime, track_map


def heard_everywhere(store: Store, track: str) -> list[HeardSpan]:
    """Every commentary sentence, heard near where the timing puts it."""
    timing, _ = track_map(store, track)
    rng = random.Random(7)
    spans = []
    for s, e in commentary_sentences(track_transcript(store, track)):
        a, b = timing.time_at(s), timing.time_at(e)
        shift = max(rng.uniform(-0.2, 0.2) * (b - a), -a)
        words = tuple(
            (i, round(a + shift + (b - a) * 0.9 * (i - s) / (e - s), 3),
             round(a + shift + (b - a) * 0.9 * (i + 1 - s) / (e - s), 3))
            for i in range(s, e)
        )  # fmt: skip
        spans.append(
            HeardSpan(s, e, words[0][1], words[-1][2], round(rng.uniform(0.6, 1), 3), words)
        )
    return spans


def ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def costs(store: Store, track: str, repeat: int) -> dict[str, float]:
    def nudge_and_undo() -> None:
        edits.nudge(store, track, 50, 0.1)
        edits.undo(store, track)

    return {
        "retime": ms(lambda: retime(store, track), repeat),
        "locate": ms(lambda: locate_word(store, track, 5000), repeat),
        "nudge + undo": ms(nudge_and_undo, repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "c.db") as store:
        ensure_loaded(store)
        track = store.track()["id"]
        without = costs(store, track, args.repeat)
        spans = heard_everywhere(store, track)
        began = time.perf_counter()
        edits.replace_heard(store, track, spans, "Listen (benchmark)")
        listen_ms = (time.perf_counter() - began) * 1000
        record = store.db.execute("SELECT payload FROM edits ORDER BY id DESC LIMIT 1").fetchone()
        size = len(record[0]) if isinstance(record[0], bytes) else len(zlib.compress(record[0]))
        heard = sum(s.origin == "heard" for s in store.segments(track))
        with_heard = costs(store, track, args.repeat)
        words = sum(len(s.words) for s in spans)
        print(f"heard: {len(spans)} sentences, {words} words; {heard} of 217 segments heard")
        print(f"listen edit (store, re-time, record): {listen_ms:.0f} ms, {size / 1024:.0f} KiB")
        print(f"{'median ms':<16}{'no heard':>10}{'all heard':>11}")
        for name in without:
            print(f"{name:<16}{without[name]:>10.1f}{with_heard[name]:>11.1f}")


if __name__ == "__main__":
    main()
