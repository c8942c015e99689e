"""The CLI on temporary databases: in this process, and end to end through a real process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TRANSCRIPT, run_companion, run_companion_process


def test_segments_json_is_lossless(db_path: Path):
    result = run_companion("segments", "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    segments = json.loads(result.stdout)
    source = TRANSCRIPT.read_text(encoding="utf-8")
    rebuilt = [
        w
        for s in segments
        for w in source[s["source"]["char_start"] : s["source"]["char_end"]].split()
    ]
    assert rebuilt == source.split()
    first = segments[0]
    assert set(first) >= {"id", "start_s", "end_s", "origin", "confidence", "text", "source"}
    assert first["text"].startswith("Hey, this is Joss Whedon, um,")


def test_segments_text_output(db_path: Path):
    result = run_companion("segments", db=db_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split()[:2] == ["1", "00:00:00.000"]


@pytest.mark.slow
def test_first_run_builds_the_store_at_the_given_path(tmp_path: Path):
    db = tmp_path / "fresh.db"
    result = run_companion_process("at", "0:30", "--json", db=db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["segment"]["id"] == 1
    assert db.is_file()


@pytest.mark.slow
def test_db_from_environment(tmp_path: Path):
    db = tmp_path / "env.db"
    result = run_companion_process("at", "60", env={"COMPANION_DB": str(db)})
    assert result.returncode == 0 and db.is_file()


def test_at_accepts_every_time_form(db_path: Path):
    outputs = {
        json.loads(run_companion("at", t, "--json", db=db_path).stdout)["segment"]["id"]
        for t in ("01:00:00", "60:00", "3600", "1:00:00.000")
    }
    assert len(outputs) == 1


def test_at_rejects_a_bad_time(db_path: Path):
    result = run_companion_process("at", "soon", db=db_path)
    assert result.returncode == 2 and "not a time" in result.stderr


def test_locate_cuttlefish(db_path: Path):
    result = run_companion("locate", "Cuttlefish", "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    (hit,) = json.loads(result.stdout)
    assert hit["phrase"] == "Cuttlefish" and hit["time_s"] > 0 and hit["segment"] > 1


def test_locate_ignores_case_punctuation_and_spacing(db_path: Path):
    result = run_companion("locate", "no, IT wasn't", "No , it wasn 't .", "--json", db=db_path)
    a, b = json.loads(result.stdout)
    assert a["time_s"] == b["time_s"] is not None


def test_locate_unknown_phrase_exits_1_with_null(db_path: Path):
    result = run_companion("locate", "Cuttlefish", "purple monkey dishwasher", "--json", db=db_path)
    assert result.returncode == 1
    known, unknown = json.loads(result.stdout)
    assert known["time_s"] is not None and unknown == {
        "phrase": "purple monkey dishwasher",
        "time_s": None,
        "segment": None,
    }


def test_locate_tolerates_an_ocr_misreading(db_path: Path):
    """The transcript reads "basso prof undo"; the fix makes "basso profundo" findable."""
    result = run_companion("locate", "basso profundo", "--json", db=db_path)
    assert json.loads(result.stdout)[0]["time_s"] is not None


@pytest.mark.parametrize("query", ['"', "it's \"quoted", "*", "-", "NEAR(", "cuttle*fish"])
def test_search_with_hostile_input(db_path: Path, query: str):
    result = run_companion("search", query, "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_search_finds_and_ranks(db_path: Path):
    result = run_companion("search", "cuttlefish", "--json", db=db_path)
    hits = json.loads(result.stdout)
    assert hits[0]["kind"] == "segment" and "uttlefish" in hits[0]["snippet"]


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: p.write_bytes(b"garbage" * 500), "not a usable companion database"),
        (lambda p: None, "does not exist"),
    ],
)
def test_unusable_database_exits_2_and_is_left_alone(tmp_path: Path, prepare, message):
    db = tmp_path / "x.db"
    if message == "does not exist":
        db = tmp_path / "missing-folder" / "x.db"
    prepare(db)
    before = db.read_bytes() if db.exists() else None
    result = run_companion("segments", db=db)
    assert result.returncode == 2
    assert message in result.stderr and str(db) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (db.read_bytes() if db.exists() else None) == before


def test_broken_bundled_transcript_is_a_clear_error(tmp_path: Path):
    pack = tmp_path / "resources" / "film"
    pack.mkdir(parents=True)
    (pack / "notes.toml").write_text(
        '[film]\nid = "f"\ntitle = "F"\nyear = 2000\nruntime_s = 100\n'
        '[[commentary]]\nid = "d"\ntitle = "C"\nspeaker = "S"\ntranscript = "c.txt"\n'
        "start_s = 0\nend_s = 90\n"
    )
    (pack / "c.txt").write_bytes(b"\xff\xfe\x00binary")
    result = run_companion(
        "segments", db=tmp_path / "c.db", env={"COMPANION_RESOURCES": str(tmp_path / "resources")}
    )
    assert result.returncode == 2
    assert "c.txt" in result.stderr and "binary" in result.stderr
