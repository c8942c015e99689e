"""Foundation figures: segment count, first-run import time, and the time of `at`.

Run: .venv/bin/python benchmarks/foundation_bench.py
Prints medians over repeated runs; nothing here is asserted (see tests/ for correctness).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from companion.bootstrap import ensure_loaded
from companion.store import Store


def first_run_import(folder: Path, runs: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for i in range(runs):
        path = folder / f"first-{i}.db"
        start = time.perf_counter()
        with Store(path) as store:
            ensure_loaded(store)
            count = store.db["segments"].count
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def at_in_process(path: Path, runs: int = 2000) -> float:
    with Store(path) as store:
        track = store.track()
        runtime = store.film()["runtime_s"]
        start = time.perf_counter()
        for i in range(runs):
            t = runtime * i / runs
            store.segment_at(track["id"], t)
            store.notes_at(track["film_id"], t)
        return (time.perf_counter() - start) / runs


def at_cli(path: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "companion", "--db", str(path), "at", "41:52", "--json"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, count = first_run_import(Path(folder))
        db = Path(folder) / "first-0.db"
        print(f"segments in the bundled commentary: {count}")
        print(
            f"first-run import (store + ingestion + estimate): {first * 1000:.0f} ms (median of 5)"
        )
        print(f"`at` lookup in process (segment + notes): {at_in_process(db) * 1e6:.0f} µs")
        print(f"`companion at 41:52 --json` as a command: {at_cli(db) * 1000:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
