"""CI's checks (``./run.sh check``, run first by ``./run.sh test``) fail on any lint, format or
type error, and pass on the checkout as it is."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


def checkout_copy(to: Path) -> Path:
    """The tracked files (times kept, so run.sh installs nothing), the dev venv, mypy's cache."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        if (REPO / name).is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, to / name)
    (to / ".venv").symlink_to(REPO / ".venv")
    if (REPO / ".mypy_cache").is_dir():
        shutil.copytree(REPO / ".mypy_cache", to / ".mypy_cache")
    return to


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(root / "run.sh"), "check"], cwd=root, capture_output=True, text=True, timeout=600
    )


def test_checks_pass_on_the_checkout_and_fail_on_each_kind_of_error(tmp_path: Path):
    installed = REPO / ".venv" / ".installed"
    if (
        not installed.is_file()
        or installed.stat().st_mtime < (REPO / "pyproject.toml").stat().st_mtime
    ):
        # run.sh in the copy would reinstall the dev venv from the copy
        pytest.skip("the dev venv is older than pyproject.toml: run ./run.sh test")
    root = checkout_copy(tmp_path)
    clean = check(root)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (root / "companion" / "broken.py").write_text(
        "import os\n\n\ndef half(n: int) -> int:\n    return  n / 2\n", encoding="utf-8"
    )
    broken = check(root)
    assert broken.returncode == 1
    assert broken.stderr.splitlines()[-3:] == [
        "companion check: ruff check failed",  # os imported, never used
        "companion check: ruff format --check failed",  # "return  n"
        "companion check: mypy failed",  # a float returned as int
    ]
    assert "broken.py" in broken.stdout
