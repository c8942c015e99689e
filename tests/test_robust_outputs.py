"""Exports never write over the database, and a failed write leaves nothing behind (issue 13)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_robust_cli import assert_refused, content_hash, run

from companion.store import Store


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_refuses_the_database_and_its_side_files(db_path: Path, suffix: str):
    target = db_path.with_name(db_path.name + suffix)
    with Store(db_path):  # an open store keeps its -wal and -shm files
        before = target.read_bytes() if target.exists() else None
        assert_refused(
            db_path, "export", str(target), "--format", "json", message="Companion's database"
        )
        assert (target.read_bytes() if target.exists() else None) == before


def test_export_refuses_the_database_through_a_link(db_path: Path, tmp_path: Path):
    link = tmp_path / "timings.json"
    link.symlink_to(db_path)
    hard = tmp_path / "hard.json"
    os.link(db_path, hard)
    for target in (link, hard):
        assert_refused(db_path, "export", str(target), message="Companion's database")


def test_a_failed_export_leaves_no_temporary_file(db_path: Path, small_disk: Path):
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (4 * 1024 * 1024 - 8192))  # leaves less than an export needs
    before = content_hash(db_path)
    code, _out, err = run(db_path, "export", str(small_disk / "timings.json"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1, err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    assert content_hash(db_path) == before
