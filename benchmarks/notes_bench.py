"""Notes placement: how fast packs import and re-place, and how close a note placed through the
commentary lands to the true time of its film line (the subtitle cue).

Run: .venv/bin/python benchmarks/notes_bench.py
Prints, for the bundled pack's film-line notes, the error of the commentary-based placement
against the subtitle cue, under the estimated time map and after ``align`` on the real subtitles.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from companion.alignment.anchoring import align_track
from companion.alignment.subtitles import load_cues
from companion.bootstrap import ensure_loaded
from companion.content.notes import add_pack, resolve_notes
from companion.store import Store
from companion.timing.retime import retime

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "resources" / "age_of_ultron" / "notes.toml"
SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
FILM, TRACK = "age_of_ultron", "age_of_ultron/whedon"
HOLD_OUT = 40  # words either side of a note's line whose anchors are dropped


def line_times(store: Store) -> dict[str, float]:
    return {n.id: n.start_s for n in store.notes(FILM) if "line" in n.placement}


def report(label: str, placed: dict[str, float], truth: dict[str, float]) -> None:
    errors = sorted(abs(placed[k] - truth[k]) for k in truth)
    print(
        f"{label:<34} n={len(errors):>2}  median {statistics.median(errors):6.1f} s  "
        f"p90 {errors[int(0.9 * (len(errors) - 1))]:6.1f} s  max {errors[-1]:6.1f} s"
    )


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {1000 * (time.perf_counter() - start):7.1f} ms")
    return result


def main() -> None:
    cues = load_cues(SUBTITLES)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.db") as store:
        ensure_loaded(store)
        timed("pack add (38 notes, estimated map)", lambda: add_pack(store, PACK))
        estimated = line_times(store)
        timed("resolve_notes (commentary)", lambda: resolve_notes(store, FILM))
        timed("resolve_notes (with subtitles)", lambda: resolve_notes(store, FILM, cues))
        truth = line_times(store)
        timed("align on the real subtitles", lambda: align_track(store, TRACK, cues))
        store.db.execute("UPDATE notes SET placement = json_remove(placement, '$.resolved_by')")
        resolve_notes(store, FILM)
        aligned = line_times(store)
        held_out = timed("held-out placement (14 re-aligns)", lambda: hold_out(store))
        report("error, estimated map", estimated, truth)
        report("error, aligned map", aligned, truth)
        report("error, aligned, own line held out", held_out, truth)


def hold_out(store: Store) -> dict[str, float]:
    """Each line note placed with the anchors near its own line removed: how well a note lands
    when the aligner did not happen to match that very line."""
    anchors = store.anchors(TRACK)
    placed = {}
    for note in [n for n in store.notes(FILM) if "line" in n.placement]:
        word = note.placement["word_index"]
        store.replace_anchors(TRACK, [a for a in anchors if abs(a.word_index - word) > HOLD_OUT])
        retime(store, TRACK)
        resolve_notes(store, FILM)
        placed[note.id] = next(n.start_s for n in store.notes(FILM) if n.id == note.id)
    store.replace_anchors(TRACK, anchors)
    retime(store, TRACK)
    return placed


if __name__ == "__main__":
    main()
