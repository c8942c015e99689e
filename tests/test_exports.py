"""Timing files and subtitle exports of the real commentary, through real store files."""

from __future__ import annotations

import json
import shutil

import pysubs2
import pytest

from companion.bootstrap import ensure_loaded
from companion.formats import exports
from companion.formats.timingfile import TimingFileError
from companion.model import Anchor
from companion.store import Store
from companion.timing import edits

TIMING = "n, start_s, end_s, origin, confidence, start_pinned, end_pinned, auto_start_s, auto_end_s"


@pytest.fixture(scope="module")
def template(built_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "companion.db"
    shutil.copy(built_db, path)
    with Store(path) as store:
        track_id = store.track()["id"]
        # anchors at known film times, so files carry some and segments are "anchored"
        store.replace_anchors(
            track_id, [Anchor(w, w * 0.34 + 12.5, 0.9, "test") for w in range(500, 22000, 1500)]
        )
        edits.set_time(store, track_id, 42, 2512.3)
        edits.set_time(store, track_id, 100, store.segment(track_id, 100).end_s + 2, "end")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def copy(template, folder, name="companion.db") -> tuple[Store, str]:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, folder / name)
    store = Store(folder / name)
    return store, store.track()["id"]


def timing_columns(store: Store) -> list[tuple]:
    return store.db.execute(f"SELECT {TIMING} FROM segments ORDER BY track_id, n").fetchall()


def frozen(store: Store) -> tuple:
    anchors = store.db.execute("SELECT * FROM anchors ORDER BY id").fetchall()
    history = store.db.execute("SELECT * FROM edits ORDER BY id").fetchall()
    return timing_columns(store), anchors, history


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_byte_identical(template, tmp_path, fmt):
    store, track_id = copy(template, tmp_path)
    first = tmp_path / f"one.{fmt}"
    exports.export_file(store, track_id, first)
    before = frozen(store)
    table, edit = exports.import_file(store, first)
    assert edit is None and len(table.entries) == len(store.segments(track_id))
    assert frozen(store) == before
    second = tmp_path / f"two.{fmt}"
    exports.export_file(store, track_id, second)
    assert first.read_bytes() == second.read_bytes()
    store.close()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_file_brings_its_timings_to_another_store(template, tmp_path, fmt):
    """The pinned segments of one store arrive, pinned, in a fresh one: same file out."""
    source, track_id = copy(template, tmp_path / "a")
    path = tmp_path / f"timings.{fmt}"
    exports.export_file(source, track_id, path)
    fresh_path = tmp_path / "b" / "companion.db"
    fresh_path.parent.mkdir()
    fresh = Store(fresh_path)
    ensure_loaded(fresh)
    if fmt == "csv":  # CSV carries no anchors: give the fresh store the same ones
        fresh.replace_anchors(track_id, source.anchors(track_id))
    _, edit = exports.import_file(fresh, path)
    assert edit is not None and edit.op == "import"
    assert fresh.segment(track_id, 42).start_s == 2512.3 and fresh.segment(track_id, 42).pinned
    again = tmp_path / f"again.{fmt}"
    exports.export_file(fresh, track_id, again)
    assert again.read_bytes() == path.read_bytes()
    edits.undo(fresh, track_id)  # an import is one undoable edit
    assert not fresh.segment(track_id, 42).pinned
    source.close()
    fresh.close()


def test_csv_columns_and_hand_edits(template, tmp_path):
    store, track_id = copy(template, tmp_path)
    text = exports.csv_text(store, track_id)
    lines = text.splitlines()
    assert lines[0] == exports.CSV_MAGIC
    assert lines[4] == "# clock=reference"  # times on the reference clock, on any copy
    assert lines[5] == ",".join(exports.CSV_COLUMNS)
    assert lines[6].startswith("1,") and len(lines) == 6 + len(store.segments(track_id))
    row = next(line for line in lines if line.startswith("42,"))
    assert row.startswith("42,00:41:52.300,") and ",pinned,1.000,1,0," in row
    # a user edits a boundary by hand, in seconds, on both rows that share it, unpinned
    s60 = store.segment(track_id, 60)
    moved = round(s60.start_s + 1.5, 3)
    edited = [_retime_row(line, start=moved) if line.startswith("60,") else line for line in lines]
    edited = [_retime_row(line, end=moved) if line.startswith("59,") else line for line in edited]
    path = tmp_path / "edited.csv"
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    _, edit = exports.import_file(store, path)
    seg = store.segment(track_id, 60)
    assert seg.start_s == moved and seg.start_pinned
    assert store.segment(track_id, 59).end_s == moved
    assert edit.label == "Import timings from edited.csv"
    store.close()


def _retime_row(line: str, start: float | None = None, end: float | None = None) -> str:
    cells = line.split(",", 3)
    if start is not None:
        cells[1] = str(start)
    if end is not None:
        cells[2] = str(end)
    return ",".join(cells)


def test_broken_csv_lists_every_problem_and_changes_nothing(template, tmp_path):
    store, track_id = copy(template, tmp_path)
    lines = exports.csv_text(store, track_id).splitlines()
    lines[10] = lines[10].replace(",0,0,", ",0,7,", 1)  # segment 6: bad pinned flag
    lines[20] = "15,not a time" + lines[20][lines[20].index(",", 3) :]  # segment 16 row
    lines[30] = "999" + lines[30][lines[30].index(",") :]
    lines[40] = ",".join(lines[40].split(",")[:3])  # too few fields
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = frozen(store)
    with pytest.raises(TimingFileError) as caught:
        exports.import_file(store, path)
    message = str(caught.value)
    assert "nothing imported" in message
    for expected in ("line 11:", "line 21:", "line 31: no segment 999", "line 41: 3 fields"):
        assert expected in message
    assert frozen(store) == before
    store.close()


def test_out_of_order_and_outside_the_film_are_refused(template, tmp_path):
    store, track_id = copy(template, tmp_path)
    lines = exports.csv_text(store, track_id).splitlines()
    lines = [_retime_row(line, start=9999) if line.startswith("42,") else line for line in lines]
    lines = [
        line.replace(",0,0,", ",1,1,", 1) if line.startswith("43,") else line for line in lines
    ]
    swapped = lines[:]
    swapped[60], swapped[61] = swapped[61], swapped[60]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    before = frozen(store)
    with pytest.raises(TimingFileError) as caught:
        exports.import_file(store, path)
    message = str(caught.value)
    # segment 42 is on line 48: five header lines (the last says the clock), the columns, 41 rows
    assert "line 48: pinned start 02:46:39.000 is outside the film" in message
    assert "line 48: segment 42 ends before it starts" in message
    assert "comes after segment" in message
    assert frozen(store) == before
    store.close()


def test_a_file_for_another_transcript_is_refused(template, tmp_path):
    store, track_id = copy(template, tmp_path)
    path = tmp_path / "other.json"
    exports.export_file(store, track_id, path)
    document = json.loads(path.read_text())
    document["anchors"].append({"word": 99999.0, "time_s": 100.0, "score": 0.5})
    document["segments"][3]["start_s"] = 5.0
    path.write_text(json.dumps(document))
    before = frozen(store)
    with pytest.raises(TimingFileError) as caught:
        exports.import_file(store, path)
    last = len(document["anchors"]) - 1
    assert f"anchors[{last}]: word 99999 at 00:01:40.000 is outside the transcript" in str(
        caught.value
    )
    assert "segments[3] (id 4): segment 4 starts at 00:00:05.000" in str(caught.value)
    document["source_sha256"] = "0" * 64
    path.write_text(json.dumps(document))
    with pytest.raises(TimingFileError, match="another version of the transcript"):
        exports.import_file(store, path)
    csv_path = tmp_path / "other.csv"
    exports.export_file(store, track_id, csv_path)
    csv_path.write_text(
        csv_path.read_text().replace(store.track(track_id)["source_sha256"], "ab" * 32)
    )
    with pytest.raises(TimingFileError, match="another version of the transcript"):
        exports.import_file(store, csv_path)
    with pytest.raises(TimingFileError, match="not a Companion timing CSV"):
        (tmp_path / "x.csv").write_text("id,start\n1,2\n")
        exports.import_file(store, tmp_path / "x.csv")
    with pytest.raises(TimingFileError, match="use --format"):
        exports.import_file(store, tmp_path / "timings.txt")
    assert frozen(store) == before
    store.close()


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_commentary_as_subtitles(template, tmp_path, fmt):
    store, track_id = copy(template, tmp_path)
    path = tmp_path / f"commentary.{fmt}"
    exports.export_file(store, track_id, path)
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith("WEBVTT") if fmt == "vtt" else raw.startswith("1\n")
    subs = pysubs2.load(str(path))
    segments = store.segments(track_id)
    assert len(subs) > len(segments)  # long segments are cut into readable cues
    starts = [e.start for e in subs]
    assert starts == sorted(starts) and all(e.end > e.start for e in subs)
    assert all(len(line) <= 42 for e in subs for line in e.plaintext.splitlines())
    seg42 = next(s for s in segments if s.n == 42)
    first = next(e for e in subs if e.start == round(seg42.start_s * 1000))
    assert seg42.text.startswith(first.plaintext.replace("\n", " "))
    words = " ".join(e.plaintext.replace("\n", " ") for e in subs).split()
    assert words == " ".join(s.text for s in segments if s.end_s > max(s.start_s, 0)).split()
    store.close()
