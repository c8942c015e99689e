"""A real window on a real X server (Xvfb) with libVLC's X11 video output embedded in it.

The app runs in its own process (``xvfb-run``, Qt on xcb), opens the generated clip, seeks into
it and grabs the screen; this test then checks the pixels of the video pane and what the panel
says for that time. The screenshot is kept under artifacts/ for a human to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from companion.player.vlc_player import vlc_available
from companion.store import Store

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

pytestmark = [
    pytest.mark.x11,
    pytest.mark.vlc,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed"),
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
    pytest.mark.skipif(not vlc_available()[0], reason=vlc_available()[1]),
]


def run_snapshot(db: Path, tmp_path: Path, *args: str) -> tuple[QImage, dict]:
    out, report = tmp_path / "window.png", tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    command = [
        "xvfb-run", "-a", "-s", "-screen 0 1600x1000x24",
        sys.executable, "-m", "companion.ui.snapshot",
        "--db", str(db), "--settings", str(tmp_path / "settings.ini"),
        "--out", str(out), "--report", str(report), "--vlc-arg=--aout=dummy", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return QImage(str(out)), json.loads(report.read_text(encoding="utf-8"))


def region_stats(image: QImage, rect: list[int]) -> tuple[float, int]:
    """Mean brightness (0-255) and number of distinct coarse colours in a sampled region."""
    x, y, w, h = rect
    total, colours, samples = 0.0, set(), 0
    for py in range(y + 4, y + h - 4, 6):
        for px in range(x + 4, x + w - 4, 6):
            c = image.pixelColor(px, py)
            total += (c.red() + c.green() + c.blue()) / 3
            colours.add((c.red() // 32, c.green() // 32, c.blue() // 32))
            samples += 1
    return total / max(samples, 1), len(colours)


def relative(rect: list[int], window: list[int]) -> list[int]:
    return [rect[0] - window[0], rect[1] - window[1], rect[2], rect[3]]


def test_video_frame_shows_in_the_pane_and_the_panel_has_that_time(db_path, tmp_path, test_clip):
    image, report = run_snapshot(db_path, tmp_path, "--video", str(test_clip), "--at", "5")
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(str(ARTIFACTS / "ui_x11_clip.png"))

    assert report["mode"] == "Video: clip.mkv", report["notice"]
    assert 5.0 <= report["position"] < 7.0
    brightness, colours = region_stats(image, relative(report["video_rect"], report["window_rect"]))
    assert brightness > 40, f"video pane is black (mean {brightness:.0f})"
    assert colours >= 8, f"video pane is flat ({colours} colours): no frame drawn"

    with Store(db_path) as store:
        expected = store.segment_at(store.track()["id"], report["position"])
    assert report["segment_n"] == expected.n
    assert " ".join(expected.text.split()[:6]) in report["panel_text"]
    _panel_brightness, panel_colours = region_stats(
        image, relative(report["panel_rect"], report["window_rect"])
    )
    assert panel_colours >= 2  # text drawn on the panel's background


def test_unplayable_file_on_x11_ends_in_clock_mode_with_a_message(db_path, tmp_path):
    garbage = tmp_path / "film.mkv"
    garbage.write_bytes(bytes(range(256)) * 400)
    _image, report = run_snapshot(db_path, tmp_path, "--video", str(garbage), "--settle", "3")
    assert report["mode"] == "Clock mode"
    assert str(garbage) in report["notice"]
