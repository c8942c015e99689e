"""``companion play`` as a user runs it: a real process on a real X server, closed by a signal."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from configparser import ConfigParser
from pathlib import Path

import pytest

from companion.player.vlc_player import vlc_available

needs_xvfb = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "COMPANION_DB")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # the app's QSettings land here
    env.pop("WAYLAND_DISPLAY", None)
    return env


@pytest.fixture
def xvfb(tmp_path):
    """A private Xvfb server; yields its DISPLAY name."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    yield display
    server.terminate()
    server.wait(10)


def play(db: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "companion", "--db", str(db), "play", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def saved_settings(tmp_path: Path) -> ConfigParser:
    parser = ConfigParser(interpolation=None)
    parser.read(tmp_path / "config" / "Companion" / "Companion.conf")
    return parser


@pytest.mark.slow
@pytest.mark.parametrize("command", [["play"], []], ids=["play", "no-command"])
def test_without_any_display_it_says_so_and_exits(db_path, tmp_path, command):
    env = base_env(tmp_path)
    env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--db", str(db_path), *command],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "no display" in done.stderr


@pytest.mark.x11
@pytest.mark.slow
@needs_xvfb
def test_play_clip_at_time_then_sigterm_saves_the_position(db_path, tmp_path, xvfb, test_clip):
    if not vlc_available()[0]:
        pytest.skip(vlc_available()[1])
    env = {**base_env(tmp_path), "DISPLAY": xvfb}
    app = play(db_path, env, str(test_clip), "--at", "0:03")
    time.sleep(6)  # start, open the clip at 3 s, play a little
    assert app.poll() is None, app.communicate()[1][-2000:]
    app.send_signal(signal.SIGTERM)
    _out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err[-2000:]
    settings = saved_settings(tmp_path)
    assert "databases" in settings.sections(), f"nothing remembered: {settings.sections()}"
    kept = settings["databases"].items()  # per database: <db>\videos\<video>\position
    positions = [float(v) for k, v in kept if "\\videos\\" in k and k.endswith("\\position")]
    assert positions and 3.0 < positions[0] <= 10.0


@pytest.mark.x11
@pytest.mark.slow
@needs_xvfb
def test_play_without_video_is_clock_mode_and_remembers_the_time(db_path, tmp_path, xvfb):
    env = {**base_env(tmp_path), "DISPLAY": xvfb}
    app = play(db_path, env, "--at", "1:00:00")
    time.sleep(4)
    app.send_signal(signal.SIGTERM)
    _out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err[-2000:]
    kept = saved_settings(tmp_path)["databases"].items()
    positions = [float(v) for k, v in kept if "\\clock\\" in k and k.endswith("\\position")]
    assert positions == [3600.0]  # paused at the requested time: the clock did not run
