"""``companion sync`` and ``--video``: the commands on a copy's clock, with real clips and CLI."""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pysubs2
import pytest
from click.testing import CliRunner
from conftest import run_companion
from copy_clip import subtitled_copy

from companion.cli import main

PAL = 24000 / 1001 / 25


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, db: Path) -> Ran:
    """The real command line, in this process (a new interpreter per call costs a second)."""
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


WAKANDA = "What comes out of Wakanda"


def companion_json(db: Path, *args: str):
    done = cli(*args, "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def by_hand(db: Path, video: Path, offset: float, speed: float = 1.0) -> dict:
    return companion_json(db, "sync", str(video), "--offset", str(offset), "--speed", str(speed))


def test_a_map_set_by_hand_is_reported_and_remembered(db_path: Path, short_clips):
    a, _ = short_clips
    data = by_hand(db_path, a, 23.7)
    assert data["method"] == "manual" and data["manual"] is True
    assert (data["offset_s"], data["speed"], data["pieces"]) == (23.7, 1.0, [])
    assert data["confidence"] == 1.0 and data["seconds"] >= 0
    assert "23.7 s later than the reference" in data["summary"]
    text = cli("sync", str(a), "--offset", "-4", db=db_path)
    assert text.returncode == 0 and "4.0 s earlier" in text.stdout


def test_locate_and_at_on_a_copys_clock(db_path: Path, short_clips):
    a, _ = short_clips
    by_hand(db_path, a, 23.7)
    reference = companion_json(db_path, "locate", WAKANDA)[0]
    on_copy = companion_json(db_path, "locate", "--video", str(a), WAKANDA)[0]
    assert on_copy["time_s"] == pytest.approx(reference["time_s"] + 23.7, abs=0.002)
    printed = cli("locate", "--video", str(a), WAKANDA, db=db_path).stdout
    assert printed.startswith(_clock(reference["time_s"] + 23.7))

    start = companion_json(db_path, "segments")[41]["start_s"]  # segment 42, reference clock
    before = companion_json(db_path, "at", "--video", str(a), str(start + 23.7 - 0.5))
    after = companion_json(db_path, "at", "--video", str(a), str(start + 23.7 + 0.5))
    assert (before["segment"]["id"], after["segment"]["id"]) == (41, 42)
    assert after["time_s"] == pytest.approx(start + 24.2)
    assert after["segment"]["start_s"] == pytest.approx(start + 23.7, abs=0.002)


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def test_a_pin_made_on_copy_a_shows_at_the_same_scene_on_copy_b(db_path: Path, short_clips):
    a, b = short_clips
    by_hand(db_path, a, 23.7)
    by_hand(db_path, b, 5.0, PAL)
    pinned_on_a = 42 * 60.0 + 1.5
    edit = companion_json(db_path, "pin", "--video", str(a), "42", str(pinned_on_a))
    assert edit["segment"]["start_s"] == pytest.approx(pinned_on_a, abs=0.002)
    reference = companion_json(db_path, "segments")[41]
    assert reference["start_s"] == pytest.approx(pinned_on_a - 23.7, abs=0.002)
    on_b = companion_json(db_path, "segments", "--video", str(b))[41]
    assert on_b["start_s"] == pytest.approx(5.0 + PAL * (pinned_on_a - 23.7), abs=0.002)
    assert on_b["pinned"]
    # a nudge of 0.1 s on the PAL copy moves it 0.1 s there
    companion_json(db_path, "nudge", "--video", str(b), "42", "0.1")
    nudged = companion_json(db_path, "segments", "--video", str(b))[41]
    assert nudged["start_s"] == pytest.approx(on_b["start_s"] + 0.1, abs=0.002)


def test_notes_on_a_copys_clock(db_path: Path, short_clips):
    a, _ = short_clips
    by_hand(db_path, a, 23.7)
    reference = {n["id"]: n for n in companion_json(db_path, "notes")}
    on_copy = companion_json(db_path, "notes", "--video", str(a))
    placed = [n for n in on_copy if n["start_s"] is not None]
    assert placed
    for note in placed:
        assert note["start_s"] == pytest.approx(reference[note["id"]]["start_s"] + 23.7, abs=0.002)
    found = companion_json(db_path, "search", "cuttlefish")
    on_copy_hits = companion_json(db_path, "search", "--video", str(a), "cuttlefish")
    assert found and [h["key"] for h in on_copy_hits] == [h["key"] for h in found]
    for hit, ref in zip(on_copy_hits, found, strict=True):
        assert hit["start_s"] == pytest.approx(ref["start_s"] + 23.7, abs=0.002)


def test_subtitles_follow_the_copy_and_timing_files_stay_on_the_reference(
    db_path: Path, short_clips, tmp_path: Path
):
    a, _ = short_clips
    by_hand(db_path, a, 23.7)
    files = {}
    for name, video in (("ref", None), ("copy", a)):
        for fmt in ("srt", "json", "csv"):
            path = tmp_path / f"{name}.{fmt}"
            args = ["export", str(path)] + (["--video", str(video)] if video else [])
            done = cli(*args, db=db_path)
            assert done.returncode == 0, done.stderr
            files[name, fmt] = path
            if video and fmt != "srt":
                assert "reference clock" in done.stdout
    ref, copy = (pysubs2.load(str(files[k, "srt"])) for k in ("ref", "copy"))
    assert len(ref) == len(copy) > 100
    assert all(abs(c.start - r.start - 23700) <= 1 for r, c in zip(ref, copy, strict=True))
    for fmt in ("json", "csv"):
        assert files["ref", fmt].read_bytes() == files["copy", fmt].read_bytes()
    assert json.loads(files["copy", "json"].read_text())["clock"] == "reference"
    assert "# clock=reference\n" in files["copy", "csv"].read_text()
    done = cli("import", str(files["copy", "csv"]), db=db_path)
    assert done.returncode == 0 and "already match" in done.stdout


def test_a_file_that_is_not_a_video_gets_no_map(db_path: Path, short_clips, tmp_path: Path):
    a, _ = short_clips
    by_hand(db_path, a, 23.7)
    sound = tmp_path / "sound.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=2", str(sound)],
        check=True,
        timeout=60,
    )
    garbage = tmp_path / "garbage.mkv"
    garbage.write_bytes(b"\x00not a video" * 1000)
    cases = ((sound, "audio-only"), (garbage, "can't open"), (tmp_path / "no.mkv", "can't read"))
    for bad, says in cases:
        for args, message in (([], says), (["--offset", "3"], str(bad))):
            done = cli("sync", str(bad), "--json", *args, db=db_path)
            assert done.returncode == 2 and done.stderr.startswith("companion: error: ")
            assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    located = companion_json(db_path, "locate", "--video", str(a), WAKANDA)[0]
    reference = companion_json(db_path, "locate", WAKANDA)[0]
    assert located["time_s"] == pytest.approx(reference["time_s"] + 23.7, abs=0.002)


# --- measured copies: a tiny picture and the film's real subtitles on another release's clock ---


@pytest.fixture(scope="module")
def late_copy(tmp_path_factory) -> Path:
    return subtitled_copy(tmp_path_factory.mktemp("late") / "late.mkv", lambda ms: ms + 23_700)


@pytest.fixture(scope="module")
def pal_copy(tmp_path_factory) -> Path:
    return subtitled_copy(
        tmp_path_factory.mktemp("pal") / "pal.mkv", lambda ms: round(5_000 + ms * PAL)
    )


def test_sync_measures_a_copy_from_its_subtitle_stream(db_path: Path, late_copy: Path):
    data = companion_json(db_path, "sync", str(late_copy))
    assert data["method"] == "subtitle-stream" and not data["manual"]
    assert abs(data["offset_s"] - 23.7) < 0.1 and data["speed"] == 1.0 and data["pieces"] == []
    assert 0.5 < data["confidence"] <= 1.0 and data["seconds"] > 0
    assert "23.7 s later" in data["summary"]
    # done when: locate on the copy prints that line's time on the copy
    reference = companion_json(db_path, "locate", WAKANDA)[0]["time_s"]
    printed = run_companion("locate", "--video", str(late_copy), WAKANDA, db=db_path)
    assert printed.returncode == 0 and "syncing" not in printed.stderr  # remembered
    shown = printed.stdout.split()[0]
    assert abs(_seconds(shown) - (reference + 23.7)) < 0.1


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_a_copy_new_to_the_store_is_synced_first(db_path: Path, pal_copy: Path):
    reference = companion_json(db_path, "locate", WAKANDA)[0]["time_s"]
    first = cli("locate", "--video", str(pal_copy), WAKANDA, "--json", db=db_path)
    assert first.returncode == 0, first.stderr
    assert "new copy, syncing it first" in first.stderr
    located = json.loads(first.stdout)[0]["time_s"]
    assert abs(located - (5.0 + PAL * reference)) < 0.1
    again = cli("locate", "--video", str(pal_copy), WAKANDA, db=db_path)
    assert "syncing" not in again.stderr


def test_a_refused_sync_stores_nothing_and_keeps_the_earlier_map(
    db_path: Path, short_clips, tmp_path: Path
):
    short, _ = short_clips
    rng = random.Random(3)
    other_film = subtitled_copy(tmp_path / "other.mkv", lambda ms: rng.randrange(8_400_000))
    for video in (short, other_film):
        by_hand(db_path, video, 12.5)
        done = cli("sync", str(video), "--json", db=db_path)  # --json: no progress
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith("companion: error: ") and str(video) in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        kept = companion_json(db_path, "at", "--video", str(video), "100")
        assert kept["segment"]["start_s"] <= 100  # still answered on the hand-set clock
    refused = cli("sync", str(short), db=db_path).stderr.splitlines()
    assert "reading" in refused[0] and "a copy of the film runs at least" in refused[-1]
    reference = companion_json(db_path, "locate", WAKANDA)[0]["time_s"]
    located = companion_json(db_path, "locate", "--video", str(other_film), WAKANDA)[0]
    assert located["time_s"] == pytest.approx(reference + 12.5, abs=0.002)


def test_align_on_a_video_stays_on_the_reference_clock_and_remembers_the_copy(
    db_path: Path, late_copy: Path
):
    reference = companion_json(db_path, "locate", WAKANDA)[0]["time_s"]
    report = companion_json(db_path, "align", str(late_copy))
    assert abs(report["release"]["offset_s"] - 23.7) < 0.1
    assert report["anchors"] >= 120
    assert companion_json(db_path, "locate", WAKANDA)[0]["time_s"] == pytest.approx(
        reference, abs=0.5
    )
    on_copy = cli("locate", "--video", str(late_copy), WAKANDA, "--json", db=db_path)
    assert "syncing" not in on_copy.stderr  # align remembered the copy's map
    assert json.loads(on_copy.stdout)[0]["time_s"] == pytest.approx(reference + 23.7, abs=0.5)
