"""The SQLite store on real files: round trip, migration, refusal of unusable databases, search."""

from __future__ import annotations

import os
import sqlite3
from itertools import pairwise
from pathlib import Path

import pytest
import sqlite_utils

from companion import store as store_module
from companion.bootstrap import ensure_loaded
from companion.model import Anchor
from companion.store import SCHEMA_VERSION, Store, StoreError, fts_query


def test_bundled_film_is_loaded_on_the_shipped_timings(store):
    film = store.film()
    assert (film["id"], film["year"], film["runtime_s"]) == ("age_of_ultron", 2015, 8460)
    track = store.track()
    assert track["speaker"] == "Joss Whedon"
    segments = store.segments(track["id"])
    assert segments[0].start_s >= 0 and segments[-1].end_s <= film["runtime_s"]
    for a, b in pairwise(segments):
        assert a.end_s == pytest.approx(b.start_s) and a.start_s < b.start_s
    # Far from any anchor (after the last one, long stretches) a segment is estimated (issue 12).
    origins = [s.origin for s in segments]
    assert (
        set(origins) == {"anchored", "estimated"} and origins.count("anchored") > len(origins) / 2
    )
    assert len(store.anchors(track["id"])) > 100
    assert len(store.notes(film["id"], kind="correction")) == 16


def test_without_shipped_timings_segments_are_estimated(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("COMPANION_TIMINGS", str(tmp_path))
    with Store(tmp_path / "c.db") as s:
        ensure_loaded(s)
        track = s.track()
        segments = s.segments(track["id"])
        assert {seg.origin for seg in segments} == {"estimated"}
        assert segments[0].start_s == 0 and segments[-1].end_s == pytest.approx(track["end_s"])
        assert all(0 < seg.confidence <= 1 for seg in segments)


def test_round_trip_survives_reopening(db_path: Path):
    with Store(db_path) as first:
        track_id = first.track()["id"]
        before = first.segments(track_id)
        first.replace_anchors(track_id, [Anchor(10.0, 5.0, 0.9, "test"), Anchor(20.0, 9.0)])
    with Store(db_path) as second:
        assert second.segments(track_id) == before
        assert [(a.word_index, a.film_s) for a in second.anchors(track_id)] == [(10, 5), (20, 9)]
        assert second.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_segment_at_finds_the_one_showing(store):
    track_id = store.track()["id"]
    segments = store.segments(track_id)
    middle = segments[10]
    assert store.segment_at(track_id, middle.start_s).n == middle.n
    assert store.segment_at(track_id, (middle.start_s + middle.end_s) / 2).n == middle.n
    assert store.segment_at(track_id, -1) is None


def test_failed_transaction_changes_nothing(store):
    track_id = store.track()["id"]
    before = store.segments(track_id)
    with pytest.raises(RuntimeError), store.transaction():
        store.update_segments(track_id, {1: {"start_s": 99.0}})
        raise RuntimeError("boom")
    assert store.segments(track_id) == before


def test_migrates_a_version_1_database(tmp_path: Path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["meta"].create({"key": str, "value": str}, pk="key")
    store_module._create_v1(db)
    db["meta"].insert({"key": "schema_version", "value": "1"})
    db["films"].insert({"id": "f", "title": "F", "year": 2000, "runtime_s": 100.0})
    db["tracks"].insert(
        {
            "id": "f/t",
            "film_id": "f",
            "title": "T",
            "speaker": "S",
            "source_text": "a b",
            "source_sha256": "x",
            "word_count": 2,
            "start_s": 0.0,
            "end_s": 100.0,
        }
    )
    db["segments"].insert(
        {
            "track_id": "f/t",
            "n": 1,
            "char_start": 0,
            "char_end": 3,
            "word_start": 0,
            "word_end": 2,
            "text": "a b",
            "spans": "[]",
            "start_s": 1.5,
            "end_s": 50.0,
            "origin": "estimated",
            "confidence": 0.2,
        }
    )
    db.close()
    with Store(path) as migrated:
        version = migrated.db.execute("SELECT value FROM meta").fetchone()[0]
        assert int(version) == SCHEMA_VERSION
        (segment,) = migrated.segments("f/t")
        assert (segment.start_s, segment.auto_start_s, segment.pinned) == (1.5, 1.5, False)
        assert migrated.notes() == [] and migrated.search("b", film_id="f")


def test_refuses_a_database_from_a_newer_version(db_path: Path):
    with Store(db_path) as s:
        s.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        s.db.conn.commit()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer Companion"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_refuses_a_corrupt_file_without_touching_it(tmp_path: Path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=str(path)):
        Store(path)
    assert path.read_bytes() == b"this is not a database at all" * 100


def test_refuses_another_programs_database(tmp_path: Path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(StoreError, match="not a companion database"):
        Store(path)


def test_a_read_only_file_serves_reads_and_refuses_writes(db_path: Path):
    """chmod a-w is honoured even for root (who the OS would let write)."""
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    with Store(db_path) as store:
        assert store.readonly and len(store.segments(store.track()["id"])) > 100
        with pytest.raises(StoreError, match="read-only"), store.transaction():
            pass
    assert db_path.read_bytes() == before


def test_a_file_this_process_cannot_write_is_read_only(db_path: Path, monkeypatch):
    """The check does not rely on the OS refusing the write (root is never refused)."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with Store(db_path) as store, pytest.raises(StoreError, match="read-only"), store.transaction():
        pass


def test_refuses_a_missing_folder(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "c.db")


def test_first_run_builds_once(tmp_path: Path):
    with Store(tmp_path / "c.db") as s:
        ensure_loaded(s)
        count = s.db["segments"].count
        ensure_loaded(s)
        assert s.db["segments"].count == count > 100


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        '"cuttlefish',
        "cuttle*",
        "-",
        "--",
        "* * *",
        "AND",
        "NOT OR",
        "NEAR(a b)",
        "a:b",
        "^x",
        "(((",
        "\\",
        "'; DROP TABLE segments; --",
        "",
        "   ",
        "é",
    ],
)
def test_search_is_safe_with_any_input(store, query):
    hits = store.search(query)
    assert isinstance(hits, list)
    assert store.db["segments"].count > 0


def test_search_ranks_and_finds_by_prefix(store):
    hits = store.search("cuttlefish")
    assert {h.kind for h in hits} == {"segment", "note"}
    assert all("cuttlefish" in h.snippet.lower() for h in hits if h.kind == "segment")
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    assert store.search("cuttlef")[0].key == hits[0].key
    assert store.search('"cuttlefish"')[0].key == hits[0].key


def test_fts_query_quotes_every_word():
    assert fts_query('he said "no" -x*') == '"he" "said" "no" "x"*'
    assert fts_query("***") == ""
