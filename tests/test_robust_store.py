"""The store under bad conditions: a full disk, concurrent first runs, damaged rows, read-only.

Each case once ended in a traceback or blocked the user for good (issue 13).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from test_robust_cli import assert_refused, content_hash, run

from companion.store import Store, StoreError
from companion.timing import edits

FIRST_RUN = """
import sys
from companion.bootstrap import ensure_loaded
from companion.store import Store
with Store(sys.argv[1]) as s:
    ensure_loaded(s)
    print(len(s.segments(s.track()["id"])))
"""


@pytest.mark.slow
def test_concurrent_first_runs_build_one_store(tmp_path: Path):
    for round_ in range(3):
        db = tmp_path / f"first-{round_}.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", FIRST_RUN, str(db)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
        assert all(code == 0 for _out, _err, code in results), results
        counts = {out.strip() for out, _err, _code in results}
        assert len(counts) == 1 and int(counts.pop()) > 100
        with Store(db) as store:
            assert len(store.films()) == 1
            assert store.db["notes"].count == len({r["id"] for r in store.db["notes"].rows})


def test_a_full_database_says_so_and_changes_nothing(db_path: Path):
    """SQLite's size limit stands in for a full disk: the same error (SQLITE_FULL)."""
    with Store(db_path) as store:
        track = store.track()["id"]
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        for offset in [0.5, -0.5] * 25:  # until the history needs a page more
            before = content_hash(db_path)
            try:
                edits.shift(store, track, offset)
            except StoreError as exc:
                assert "disk is full" in str(exc) and "nothing was changed" in str(exc)
                break
        else:
            pytest.fail("the database never filled up")
        assert content_hash(db_path) == before
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_real_full_disk_is_one_line_and_nothing_changed(db_path: Path, small_disk: Path):
    db = small_disk / "companion.db"
    shutil.copy(db_path, db)
    holder = Store(db)  # keeps the WAL files in place, as another open Companion would
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as out:  # fill the disk up to its last bytes
        for size in (65536, 4096, 512, 1):
            try:
                while out.write(b"\0" * size):
                    pass
            except OSError:
                continue
    before = content_hash(db_path)
    code, out, err = run(db, "shift", "2.5")
    assert code == 2 and err.startswith("companion: error: ") and err.count("\n") == 1, err
    assert "disk is full" in err and "nothing was changed" in err
    filler.unlink()
    assert content_hash(db) == before
    code, out, err = run(db, "shift", "2.5")
    assert code == 0, err  # with room again, the same edit goes through
    holder.close()


@pytest.mark.parametrize("value", ["two", "-1", "", "3.5"])
def test_a_schema_version_that_is_not_a_number_is_refused(db_path: Path, value: str):
    with Store(db_path) as store:
        store.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [value])
        store.db.conn.commit()
    assert_refused(db_path, "segments", message=f"schema version {value!r} is not a number")


def test_a_read_only_database_serves_reads(db_path: Path, tmp_path: Path):
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    for args in (("segments",), ("at", "1:00:00"), ("search", "cuttlefish"), ("notes",)):
        code, out, err = run(db_path, *args)
        assert code == 0 and out, (args, err)
    code, _out, err = run(db_path, "export", str(tmp_path / "t.json"))
    assert code == 0 and (tmp_path / "t.json").stat().st_size > 1000, err
    err = assert_refused(db_path, "nudge", "42", "0.1", message="read-only")
    assert db_path.read_bytes() == before


def test_a_read_only_filesystem_serves_reads(db_path: Path, small_disk: Path):
    db = small_disk / "companion.db"
    shutil.copy(db_path, db)
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode != 0:
        pytest.skip("cannot remount read-only")
    assert run(db, "at", "45:00")[0] == 0
    assert_refused(db, "pin", "42", "10:00", message="read-only")


def _damage(db: Path, edit_id: int, payload: object) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE edits SET payload = ? WHERE id = ?", [payload, edit_id])
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "payload",
    [
        b"\x78\x9cnot zlib at all",
        "{not json",
        '{"segments": {"42": [{"start_s": "x"}]}}',
        '{"segments": {"42": [{"drop table": 1}, {}]}}',
        zlib.compress(b'{"segments": [], "span": 5}'),
        None,
    ],
)
def test_a_damaged_history_row_is_set_aside_and_the_others_undo(db_path: Path, payload):
    for args in (("nudge", "40", "1"), ("nudge", "41", "1"), ("nudge", "42", "1")):
        assert run(db_path, *args)[0] == 0
    _damage(db_path, 2, payload)
    code, out, err = run(db_path, "undo")
    assert code == 0 and "Undid: Nudge segment 42" in out, err
    code, out, err = run(db_path, "undo")  # edit 2 is damaged: set aside, edit 1 undone
    assert code == 0 and "Undid: Nudge segment 40" in out, err
    assert err.startswith("companion: warning: edit 2 (Nudge segment 41 +1 s) is damaged")
    with Store(db_path) as store:
        states = [e.state for e in edits.history(store, store.track()["id"])]
    assert states == ["undone", "damaged", "undone"]
    assert run(db_path, "redo")[0] == 0 and run(db_path, "redo")[0] == 0  # 1 and 3 come back
    assert_refused(db_path, "redo", message="nothing to redo")
