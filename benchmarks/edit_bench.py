"""How long timing edits take on the full film: one edit (change + re-interpolation + commit),
undo/redo, whole-track shift/scale, and export/import of the full track in every format; then
how edit, undo and redo costs and the stored size grow with the history (0, 5k, 20k edits,
one in ten a whole-track shift), and how large one edit's record is.

Runs on a temporary copy of the bundled commentary, with the shipped anchors when there are
some, else with synthetic anchors every ~100 words so the time map has realistic work to do.

    .venv/bin/python benchmarks/edit_bench.py [--edits 200] [--history 0,5000,20000]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from companion.bootstrap import ensure_loaded
from companion.formats import exports
from companion.model import Anchor
from companion.store import Store
from companion.timing import edits
from companion.timing.retime import retime


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"{name:<38} median {statistics.median(ms):7.2f} ms   p90 {p90:7.2f} ms   n={len(ms)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument(
        "--history", default="0,5000,20000", help="history lengths to measure at ('' skips)"
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store(folder / "companion.db")
        ensure_loaded(store)
        track_id = store.track()["id"]
        if not store.anchors(track_id):
            words = store.track(track_id)["word_count"]
            store.replace_anchors(
                track_id,
                [
                    Anchor(w, w * 0.352 + rng.uniform(-2, 2), 0.9, "bench")
                    for w in range(50, words, 100)
                ],
            )
            with store.transaction():
                retime(store, track_id)
        count = len(store.segments(track_id))
        print(f"track {track_id}: {count} segments, {len(store.anchors(track_id))} anchors")

        def retime_only() -> None:
            with store.transaction():
                retime(store, track_id)

        def one_edit() -> None:
            n = rng.randint(2, count - 1)
            with contextlib.suppress(edits.EditError):
                edits.nudge(store, track_id, n, rng.choice([-1, -0.1, 0.1, 1]))

        report("retime alone (in a transaction)", timed(retime_only, 50))
        report("one edit: nudge (retime + commit)", timed(one_edit, args.edits))
        pinned = sum(s.pinned for s in store.segments(track_id))
        print(f"  ({pinned} segments pinned after the nudges)")
        report("undo", timed(lambda: edits.undo(store, track_id), 50))
        report("redo", timed(lambda: edits.redo(store, track_id), 50))
        report("shift all +0.5 s", timed(lambda: edits.shift(store, track_id, 0.5), 10))
        report("scale 25:24 and back", timed(lambda: _scale_pair(store, track_id), 5))
        for fmt in exports.FORMATS:
            path = folder / f"export.{fmt}"
            report(
                f"export {fmt}", timed(lambda p=path: exports.export_file(store, track_id, p), 10)
            )
        for fmt in exports.IMPORT_FORMATS:
            path = folder / f"export.{fmt}"
            report(
                f"import {fmt} (unchanged: check only)",
                timed(lambda p=path: exports.import_file(store, p), 10),
            )
            fresh = Store(folder / f"fresh-{fmt}.db")
            ensure_loaded(fresh)
            if fmt == "csv":
                fresh.replace_anchors(track_id, store.anchors(track_id))
            report(
                f"import {fmt} into a fresh store",
                timed(lambda f=fresh, p=path: _import_undo(f, p), 5),
            )
            fresh.close()
        store.close()
        levels = [int(x) for x in args.history.split(",") if x]
        if levels:
            history_costs(folder / "history.db", levels, rng)


def history_costs(path: Path, levels: list[int], rng: random.Random) -> None:
    """Edit, undo and redo costs as the history grows; what one record stores."""
    store = Store(path)
    ensure_loaded(store)
    track_id = store.track()["id"]
    count = len(store.segments(track_id))
    made = 0
    print("\nhistory  edit ms  undo ms  redo ms   db MB   (median of 30 / 20 / 20)")
    for level in levels:
        while made < level:  # fill in batches: one commit per 500 edits
            with store.transaction():
                for _ in range(min(500, level - made)):
                    _filler_edit(store, track_id, count, made, rng)
                    made += 1
        edit = timed(lambda: _nudge(store, track_id, count, rng), 30)
        undo = timed(lambda: edits.undo(store, track_id), 20)
        redo = timed(lambda: edits.redo(store, track_id), 20)
        for _ in range(30):  # back to the state the filler keeps
            edits.undo(store, track_id)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0] * 4096 / 1e6
        print(
            f"{level:>7}  {statistics.median(edit):7.2f}  {statistics.median(undo):7.2f}  "
            f"{statistics.median(redo):7.2f}  {pages:6.1f}"
        )
    sizes = {
        op: store.db.execute(
            "SELECT avg(length(payload)), max(length(payload)) FROM edits WHERE op = ?", [op]
        ).fetchone()
        for op in ("nudge", "shift")
    }
    for op, (mean, largest) in sizes.items():
        if mean is not None:
            print(
                f"record of one {op:<6} mean {mean / 1000:6.2f} KB   max {largest / 1000:6.2f} KB"
            )
    store.close()


def _nudge(store: Store, track_id: str, count: int, rng: random.Random) -> None:
    edits.nudge(store, track_id, rng.randint(2, count - 1), rng.choice([-0.1, 0.1]))


def _filler_edit(store: Store, track_id: str, count: int, i: int, rng: random.Random) -> None:
    """One edit of a history that leaves the track as it was (so only the history grows): a
    whole-track shift there or back (one in ten), else a nudge of a segment and its revert."""
    with contextlib.suppress(edits.EditError):
        if i % 10 == 0:
            edits.shift(store, track_id, 0.5 if i % 20 == 0 else -0.5)
        elif i % 2:
            edits.nudge(store, track_id, 2 + (i * 7) % (count - 2), rng.choice([-0.1, 0.1]))
        else:
            edits.revert(store, track_id, 2 + ((i - 1) * 7) % (count - 2))


def _scale_pair(store: Store, track_id: str) -> None:
    edits.scale(store, track_id, edits.fps_factor("25:24"))
    edits.scale(store, track_id, edits.fps_factor("24:25"))


def _import_undo(store: Store, path: Path) -> None:
    """Import (timed with its undo, so each run imports for real)."""
    exports.import_file(store, path)
    edits.undo(store, store.track()["id"])


if __name__ == "__main__":
    main()
