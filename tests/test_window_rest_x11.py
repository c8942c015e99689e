"""A paused video rests (libVLC's output off, nothing redrawn) yet shows what the viewer does:
libVLC's own X11 output in a real window under Xvfb, checked by reading the pixels back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from companion.player.vlc_player import vlc_available

REPO = Path(__file__).parents[1]

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QWidget
    from companion.player.vlc_player import VLCPlayer

    app = QApplication([])
    window = QWidget()
    window.resize(320, 240)
    window.show()

    def wait(ms):
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def grab():
        return QGuiApplication.primaryScreen().grabWindow(int(window.winId())).toImage()

    def changed(a, b):
        points = [(x, y) for x in range(0, 320, 2) for y in range(0, 240, 2)]
        return sum(a.pixel(x, y) != b.pixel(x, y) for x, y in points)

    wait(200)
    player = VLCPlayer(("--aout=dummy",))
    player.set_video_window(int(window.winId()))
    player.load(sys.argv[1])
    player.play()
    wait(1200)
    player.pause()
    wait(1600)
    rested = player.resting()
    before = grab()
    player.seek(7.0)
    wait(900)
    after_seek = grab()
    woke = not player.resting()
    wait(1600)
    rested_again = player.resting()
    player.play()
    wait(800)
    playing = grab()
    print(json.dumps({
        "rested": rested, "woke": woke, "rested_again": rested_again,
        "seek_pixels": changed(before, after_seek), "play_pixels": changed(after_seek, playing),
        "position": player.position(),
    }))
    player.close()
    """
)


@pytest.mark.x11
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run")
@pytest.mark.skipif(not vlc_available()[0], reason=vlc_available()[1])
def test_a_seek_while_resting_shows_the_new_frame_and_play_resumes(tmp_path, test_clip):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-c", SCRIPT, str(test_clip)],
        capture_output=True, text=True, timeout=60, cwd=REPO, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["rested"] and seen["woke"] and seen["rested_again"]
    assert seen["seek_pixels"] > 1000  # the frame at 7 s, not the rested one
    assert seen["play_pixels"] > 1000  # playing again moves the picture
    assert seen["position"] > 7.2
