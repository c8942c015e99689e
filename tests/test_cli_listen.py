"""``companion listen`` end to end through the real CLI, and every refusal: a clear one-line
error, exit code 2, and the timings exactly as they were."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import run_companion


def timings(db: Path) -> tuple:
    """Everything listen may change: segment timings, heard sentences, the edit history."""
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(query).fetchall()
            for query in (
                "SELECT n, start_s, end_s, origin, confidence FROM segments ORDER BY n",
                "SELECT * FROM heard ORDER BY id",
                "SELECT id, label, state FROM edits ORDER BY id",
            )
        )


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    """Small files for the refusals: a video without sound, a video with two untitled tracks."""
    folder = tmp_path_factory.mktemp("listen-media")
    silent_video = folder / "no_audio.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", str(silent_video))
    untitled = folder / "untitled.mkv"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=660:duration=2",
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:a", "aac", str(untitled),
    )  # fmt: skip
    return {"no_audio": silent_video, "untitled": untitled}


def refused(db_path: Path, *args: str) -> str:
    before = timings(db_path)
    done = run_companion("listen", *args, db=db_path)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error: "), done.stderr
    assert timings(db_path) == before
    return lines[0]


def test_a_track_that_does_not_exist(db_path: Path, test_clip: Path) -> None:
    message = refused(db_path, str(test_clip), "--track", "3")
    assert "no audio track 3 (it has 2: 1: Main, 2: Commentary)" in message


def test_a_video_without_audio(db_path: Path, media: dict[str, Path]) -> None:
    assert "has no audio track" in refused(db_path, str(media["no_audio"]))


def test_several_tracks_none_titled_commentary(db_path: Path, media: dict[str, Path]) -> None:
    assert "choose one with --track N" in refused(db_path, str(media["untitled"]))


def test_a_file_that_is_not_there(db_path: Path, tmp_path: Path) -> None:
    assert "no such file" in refused(db_path, str(tmp_path / "nowhere.mkv"))
