"""The timing-editor commands, end to end on a real store file."""

from __future__ import annotations

import json

import pysubs2
from click.testing import CliRunner
from conftest import run_companion

from companion.cli import main
from companion.store import Store


def cli(db_path, *args: str):
    result = CliRunner().invoke(main, ["--db", str(db_path), *args])
    return result.exit_code, result.output


def segment(db_path, n: int) -> dict:
    code, out = cli(db_path, "segments", "--json")
    assert code == 0
    return next(s for s in json.loads(out) if s["id"] == n)


def test_pin_nudge_unpin_revert(db_path):
    code, out = cli(db_path, "pin", "42", "00:41:52.3")
    assert code == 0 and out.strip() == "Pin segment 42 at 00:41:52.300  (edit 1)"
    assert cli(db_path, "nudge", "42", "-0.1")[0] == 0
    code, out = cli(db_path, "pin", "42", "2560", "--end", "--json")
    assert code == 0 and json.loads(out)["label"] == "Pin end of segment 42 at 00:42:40.000"
    seg = segment(db_path, 42)
    assert (seg["start_s"], seg["end_s"], seg["origin"]) == (2512.2, 2560.0, "pinned")
    assert cli(db_path, "unpin", "42", "--end")[0] == 0
    assert cli(db_path, "revert", "42")[0] == 0
    assert segment(db_path, 42)["origin"] != "pinned"
    code, out = cli(db_path, "history")
    assert code == 0 and out.count("\n") == 5 and "Revert segment 42" in out


def test_shift_scale_undo_redo_history(db_path):
    before = segment(db_path, 120)
    assert cli(db_path, "shift", "-1.5", "--segments", "120-121")[0] == 0
    assert segment(db_path, 120)["start_s"] == round(before["start_s"] - 1.5, 3)
    assert cli(db_path, "shift", "2", "--from", "02:00:00")[0] == 0
    assert cli(db_path, "scale", "--fps", "24:25")[0] == 0
    assert cli(db_path, "scale", "1.001")[0] == 0
    code, out = cli(db_path, "undo", "--json")
    assert code == 0 and json.loads(out)["state"] == "undone"
    code, out = cli(db_path, "redo")
    assert code == 0 and out.startswith("Redid: Scale all by 1.001")
    code, out = cli(db_path, "history", "--json")
    labels = [e["label"] for e in json.loads(out)]
    assert labels == [
        "Shift segments 120-121 by -1.5 s",
        "Shift segments from 02:00:00.000 by +2 s",
        "Scale all from 24 to 25 fps",
        "Scale all by 1.001",
    ]
    for _ in labels:
        assert cli(db_path, "undo")[0] == 0
    assert segment(db_path, 120) == before
    code, out = cli(db_path, "undo")
    assert code == 2


def test_bad_input_is_one_clear_line_and_exit_2(db_path):
    for args, message in (
        (("pin", "999", "10"), "no segment 999"),
        (("pin", "42", "9000"), "outside the film"),
        (("scale", "--fps", "25:26"), "FROM:TO"),
        (("scale", "3"), "not plausible"),
        (("redo",), "nothing to redo"),
        (("import", "nowhere.csv"), "no such file"),
    ):
        result = run_companion(*args, db=db_path)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("companion: error:") and message in result.stderr
        assert result.stderr.count("\n") == 1
    with Store(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM edits").fetchone() == (0,)


def test_export_and_import_every_format(db_path, tmp_path):
    cli(db_path, "pin", "42", "00:41:52.3")
    for fmt in ("json", "csv", "srt", "vtt"):
        path = tmp_path / f"out.{fmt}"
        code, out = cli(db_path, "export", str(path))
        assert code == 0 and out.strip() == f"Wrote {path} ({fmt})"
    assert len(pysubs2.load(str(tmp_path / "out.srt"))) > 217
    other = tmp_path / "other.db"
    code, out = cli(other, "import", str(tmp_path / "out.json"), "--json")
    assert code == 0 and json.loads(out)["edit"]["op"] == "import"
    assert segment(other, 42)["start_s"] == 2512.3
    code, out = cli(other, "import", str(tmp_path / "out.csv"))
    assert code == 0 and "already match" in out
    again = tmp_path / "again.json"
    cli(other, "export", str(again))
    assert again.read_bytes() == (tmp_path / "out.json").read_bytes()
    code, _ = cli(db_path, "export", str(tmp_path / "out.txt"))
    assert code == 2
