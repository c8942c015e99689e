"""Bad input on the command line: one line ``companion: error: …``, exit 2, nothing changed.

Each input here once ended in a traceback or a misleading answer (issue 13).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from companion.cli import main
from companion.timing import edits
from companion.timing.timecode import format_time


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def content_hash(db: Path) -> str:
    """What the database holds (its SQL dump), whatever pages SQLite happens to write."""
    uri = db.resolve().as_uri()
    for mode in ("mode=ro", "immutable=1"):  # immutable: on a full or read-only disk
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True)
        try:
            return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
        except sqlite3.OperationalError:
            continue
        finally:
            conn.close()
    raise AssertionError(f"cannot read {db}")


def assert_refused(db: Path, *args: str, message: str) -> str:
    before = content_hash(db)
    code, out, err = run(db, *args)
    assert code == 2, (args, out, err)
    assert err.startswith("companion: error: ") and err.count("\n") == 1, err
    assert message in err, err
    assert "Traceback" not in out + err
    assert content_hash(db) == before
    return err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nudge", "1", "nan"), "'nan' is not a number"),
        (("nudge", "1", "1e308"), "'1e308' is not a number"),
        (("at", "1e308"), "a time must be"),
        (("at", "inf"), "a time must be"),
        (("shift", "inf"), "'inf' is not a number"),
        (("shift", "-inf"), "'-inf' is not a number"),
        (("pin", "1", "1e308"), "a time must be"),
        (("pin", "99999999999999999999", "10"), "is not a number from 1"),
        (("search", "--limit", "99999999999999999999", "x"), "'--limit'"),
        (("search", "--limit", "0", "x"), "'--limit'"),
        (("at", "3:00:00"), "outside the film"),
        (("at", "-5"), "outside the film"),
        (("scale", "-1"), "not plausible"),
        (("scale", "nan"), "'nan' is not a number"),
        (("shift", "1", "--segments", "5-99999999999999999999"), "'--segments'"),
        (("shift", "1", "--from", "1e400"), "'--from'"),
        (("at", "99999999:00:00"), "is not a time"),
        (("at", "--bogus"), "No such option '--bogus'"),
        (("--bogus",), "No such option '--bogus'"),
        (("segments", "extra"), "unexpected extra argument"),
        (("scale", "--fps", ""), "use FROM:TO"),
        (("export", "\ud800.json"), "not a usable file name"),
        (("align", "a\ud800b.srt"), "not a usable file name"),
        (("import", "x\udcff.csv"), "no such file"),  # a real name: the byte 0xff
    ],
)
def test_bad_numbers_are_one_line_and_exit_2(db_path: Path, args, message):
    assert_refused(db_path, *args, message=message)


def test_negative_numbers_are_numbers(db_path: Path):
    code, out, err = run(db_path, "nudge", "42", "-0.1", "--json")
    assert code == 0, err
    code, out, err = run(db_path, "shift", "-0.5")
    assert code == 0 and "Shift all by -0.5 s" in out, err


def test_at_after_the_commentary_shows_no_segment(db_path: Path):
    code, out, _ = run(db_path, "at", "2:20:00")
    assert code == 0 and "the commentary is over" in out


def test_a_json_file_nested_100000_deep_is_refused(db_path: Path, tmp_path: Path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert_refused(db_path, "import", str(deep), message="nested too deeply")


def test_a_pack_nested_100000_deep_is_refused(db_path: Path, tmp_path: Path):
    deep = tmp_path / "notes.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    assert_refused(db_path, "pack", "add", str(deep), message="nested too deeply")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e308, -1e308])
def test_formatting_a_time_never_raises(value: float):
    assert format_time(value)


@pytest.mark.parametrize("offset", [float("nan"), float("inf"), -1e308])
def test_the_core_refuses_a_shift_that_is_not_a_number(store, offset: float):
    with pytest.raises(edits.EditError, match="not a film time difference"):
        edits.shift(store, store.track()["id"], offset)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e308])
def test_the_core_refuses_pins_and_nudges_that_are_not_numbers(store, value: float):
    track = store.track()["id"]
    with pytest.raises(edits.EditError, match="outside the film"):
        edits.set_time(store, track, 42, value)
    with pytest.raises(edits.EditError, match="outside the film"):
        edits.nudge(store, track, 42, value)
