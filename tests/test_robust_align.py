"""``align`` on subtitles timed outside the film, and align as an undoable edit (issue 13)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pysubs2
from conftest import SUBTITLES
from test_robust_cli import assert_refused, run

from companion.store import Store


def shifted(tmp_path: Path, seconds: float) -> Path:
    subs = pysubs2.load(str(SUBTITLES))
    subs.shift(s=seconds)
    path = tmp_path / f"shifted{seconds:+g}.srt"
    subs.save(str(path))
    return path


def timings(db: Path) -> tuple[list, list, list]:
    """What an align changes: segment timings, anchors, note times and placements."""
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT n, start_s, end_s, origin, confidence FROM segments").fetchall(),
            conn.execute("SELECT word_index, film_s, score, source FROM anchors").fetchall(),
            conn.execute("SELECT id, start_s, end_s, placement FROM notes ORDER BY id").fetchall(),
        )
    finally:
        conn.close()


def test_subtitles_hours_past_the_film_are_refused(shared, db_path: Path, tmp_path: Path):
    late = shifted(tmp_path, 3 * 3600)
    assert_refused(db_path, "align", str(late), message="timed outside the film")


def past_the_end(tmp_path: Path, runtime_s: float) -> Path:
    """The film's subtitles plus its last 20 lines again after the film's end. (A file shifted
    as a whole is another release's: its clock is measured and carried back, nothing is past.)"""
    subs = pysubs2.load(str(SUBTITLES))
    for i, event in enumerate(list(subs)[-20:]):
        start = round((runtime_s + 10 + 3 * i) * 1000)
        subs.append(pysubs2.SSAEvent(start=start, end=start + 2000, text=event.text))
    path = tmp_path / "past-the-end.srt"
    subs.save(str(path))
    return path


def test_lines_past_the_end_are_left_out_with_a_warning(shared, db_path: Path, tmp_path: Path):
    with Store(db_path) as store:
        late = past_the_end(tmp_path, store.film()["runtime_s"])
    code, out, err = run(db_path, "align", str(late), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["outside_film"] > 0
    assert "subtitle lines are timed outside the film and were left out" in err
    with Store(db_path) as store:
        runtime = store.film()["runtime_s"]
        assert all(0 <= a.film_s <= runtime for a in store.anchors(store.track()["id"]))
        placed = [n for n in store.notes() if n.start_s is not None]
        assert placed and all(n.start_s <= runtime for n in placed)


def test_align_is_one_undoable_edit(shared, db_path: Path, tmp_path: Path):
    before = timings(db_path)
    code, out, err = run(db_path, "align", str(shifted(tmp_path, 2.5)))
    assert code == 0 and "companion undo" in out, err
    after = timings(db_path)
    assert after != before and after[2] != before[2]  # notes moved with the commentary
    code, out, err = run(db_path, "undo")
    assert code == 0 and "Undid: Align to shifted+2.5.srt" in out, err
    assert timings(db_path) == before
    assert run(db_path, "redo")[0] == 0
    assert timings(db_path) == after
