"""Timing files in any common encoding; truncated subtitles skip the broken cue (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SUBTITLES
from test_robust_cli import run

from companion.alignment.subtitles import load_cues

STAMP = re.compile(r"\d+:\d+:\d+|-->")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig", "latin-1"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_timing_files_import_in_any_common_encoding(db_path, tmp_path, encoding, fmt):
    exported = tmp_path / f"timings.{fmt}"
    assert run(db_path, "export", str(exported))[0] == 0
    text = exported.read_text(encoding="utf-8")
    if fmt == "csv":  # a hand edit: pin segment 42's start 1 s later (both rows of the boundary)
        rows = text.splitlines()
        for i, row in enumerate(rows):
            if row.startswith(("41,", "42,")):
                cells = row.split(",")
                column = 2 if row.startswith("41,") else 1
                h, m, s = cells[column].split(":")
                cells[column] = f"{h}:{m}:{float(s) + 1:06.3f}"
                cells[5 if column == 1 else 6] = "1"
                rows[i] = ",".join(cells)
        text = "\n".join(rows) + "\n"
    if encoding == "latin-1":
        text = text.replace("…", "...")  # Latin-1 has no ellipsis; cp1252 has
    recoded = tmp_path / f"recoded.{fmt}"
    recoded.write_bytes(text.encode(encoding))
    code, out, err = run(db_path, "import", str(recoded))
    assert code == 0, err
    assert ("Import timings" in out) if fmt == "csv" else ("nothing to import" in out)


def truncated(tmp_path: Path, inside: str) -> Path:
    """The real subtitles cut off at about 90%, inside a cue's header."""
    data = SUBTITLES.read_bytes()
    cut = int(len(data) * 0.9)
    timing = data.index(b"-->", cut)
    if inside == "timing":
        cut = timing + 8  # "--> 01:5": the end time half written
    else:  # just after the cue's number
        cut = data.rindex(b"\n", 0, data.rindex(b"\n", 0, timing)) + 1
        cut = data.index(b"\n", cut) + 1
        cut = cut + 5  # and five characters of its timing
    path = tmp_path / f"cut-{inside}.srt"
    path.write_bytes(data[:cut])
    return path


@pytest.mark.parametrize("inside", ["timing", "number"])
def test_a_truncated_subtitle_file_skips_the_broken_cue(shared, tmp_path: Path, inside: str):
    warnings: list[str] = []
    cues = load_cues(truncated(tmp_path, inside), warnings.append)
    assert not [c.text for c in cues if STAMP.search(c.text)]
    assert len(warnings) == 1 and re.search(r"line \d+: a cue cut off or damaged", warnings[0])
    assert len(cues) > 1000


def test_align_on_truncated_subtitles_warns_with_the_line(shared, db_path: Path, tmp_path: Path):
    code, _out, err = run(db_path, "align", str(truncated(tmp_path, "timing")))
    assert code == 0
    assert re.match(r"companion: warning: .*cut-timing\.srt: line \d+: a cue cut off", err), err
