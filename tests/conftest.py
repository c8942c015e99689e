"""Shared fixtures: where the real data lives, a real store built from the bundled film, the CLI.

Tiers (markers): ``-m "not slow and not vlc and not x11"`` is the fast one (no libVLC, no X).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (a red CI must be reproducible); locally they vary.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SUBTITLES = SHARED / "data" / "age_of_ultron.en.srt"
FACTS = SHARED / "reference" / "age-of-ultron-facts.md"
TRANSCRIPT = REPO / "resources" / "age_of_ultron" / "commentary.txt"
SHARED_ABSENT = (
    f"{SHARED} is absent: this test reads the third-party data (the film's subtitles, articles) "
    "kept beside the repository, never in it"
)
# for tests that read SHARED's files without the ``shared`` fixture (e.g. hypothesis tests)
needs_shared = pytest.mark.skipif(not SUBTITLES.is_file(), reason=SHARED_ABSENT)


class ManualClock:
    """A monotonic time source the test advances by hand (players and playheads take one)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only project data beside the clone (third-party: never copied into the repo)."""
    if not SUBTITLES.is_file():
        pytest.skip(SHARED_ABSENT)
    return SHARED


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """A store built once from the bundled film pack: copy it (``db_path``), never change it."""
    from companion.bootstrap import ensure_loaded
    from companion.store import Store

    path = tmp_path_factory.mktemp("built") / "companion.db"
    with Store(path) as store:
        ensure_loaded(store)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db_path(built_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built store for one test."""
    path = tmp_path / "companion.db"
    shutil.copy(built_db, path)
    return path


@pytest.fixture
def store(db_path: Path):
    from companion.store import Store

    with Store(db_path) as opened:
        yield opened


@dataclass(frozen=True)
class Ran:
    """What a command did, as :class:`subprocess.CompletedProcess` reports it."""

    returncode: int
    stdout: str
    stderr: str


def run_companion(*args: str, db: Path | None = None, env: dict | None = None) -> Ran:
    """Run a ``companion`` command in this process (click's runner): the same parsing, output,
    errors and exit code as the real command, without starting Python for each call."""
    from click.testing import CliRunner

    from companion.cli import main

    command = ["--db", str(db)] if db is not None else []
    result = CliRunner().invoke(
        main,
        [*command, *args],
        env={"COMPANION_DB": None, **(env or {})},
        prog_name="companion",
        catch_exceptions=False,
    )
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_companion_process(
    *args: str, db: Path | None = None, env: dict | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would (end-to-end tests: entry point, exit)."""
    full_env = {k: v for k, v in os.environ.items() if k != "COMPANION_DB"} | (env or {})
    command = [sys.executable, "-m", "companion"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


# ==== Player layer (issue 4): a generated test clip ===========================================
# Owned by the player helper. Qt runs offscreen unless the caller chose a platform (xvfb: xcb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def test_clip(tmp_path_factory):
    """A 10 s MKV: testsrc2 video, audio "Main" + "Commentary", one SRT subtitle track."""
    from clip import make_clip

    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mkv")


@pytest.fixture(scope="session")
def short_clips(tmp_path_factory) -> tuple[Path, Path]:
    """Two short clips like ``test_clip`` (audio "Main" and "Commentary", one SRT track), 4 s and
    5 s long: different content, so different fingerprints."""
    from clip import make_clip

    folder = tmp_path_factory.mktemp("copies")
    return make_clip(folder / "a.mkv", seconds=4.0), make_clip(folder / "b.mkv", seconds=5.0)


# ==== Bad input and bad conditions (issue 13) =================================================


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real 4 MB filesystem (tmpfs; needs root), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)
