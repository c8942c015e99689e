"""Installed like a user installs it: a wheel built from the checkout, run away from the checkout.

The wheel must carry the bundled packs (``resources/``) and the shipped timings (``timings/``)
whole, and the installed ``companion`` must find them through ``importlib.resources``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing at the checkout or at a database."""
    hidden = {"PYTHONPATH", "COMPANION_DB", "COMPANION_RESOURCES", "COMPANION_TIMINGS"}
    return {k: v for k, v in os.environ.items() if k not in hidden} | extra


def build_wheel(out: Path) -> Path:
    """``pip wheel`` of the checkout, offline (the dev venv's setuptools builds it)."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("companion-*.whl")
    return wheel


def shipped_files(folder: str) -> set[str]:
    """Every file of a top-level data folder, as its path inside the wheel."""
    root = REPO / folder
    return {
        f"companion/bundled/{folder}/{p.relative_to(root).as_posix()}"
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Iterator[Path]:
    """A fresh venv (not the dev one, no system site-packages) with only the wheel installed.

    Its dependencies come from the dev venv through a ``.pth`` line, so the test needs no
    network: that directory's own ``.pth`` files (the dev venv's editable install of the
    checkout) are not run, so ``companion`` can only come from the wheel.
    """
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dev_venv_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    yield venv
    shutil.rmtree(root, ignore_errors=True)  # keep pytest's temporary folders small


def test_wheel_carries_the_data_folders_whole_and_the_desktop_entry(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert shipped_files("resources") <= names
    assert shipped_files("timings") <= names
    assert any(n.startswith("companion/bundled/timings/") and n.endswith(".json") for n in names)
    desktop = {f"companion/desktop/{n}" for n in ("companion.desktop", "companion.svg")}
    assert desktop <= names


def test_installed_wheel_runs_the_bundled_film_with_its_shipped_timings(
    installed: Path, tmp_path: Path, store
):
    show = "import companion.bootstrap as b; print(b.__file__, b.resources_dir(), b.timings_dir())"
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", show],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    module, resources, timings = map(Path, where)
    assert module.is_relative_to(installed), where  # not the checkout's
    assert resources == module.parent / "bundled" / "resources"
    assert timings == module.parent / "bundled" / "timings"

    done = subprocess.run(
        [
            str(installed / "bin" / "companion"),
            "--db",
            str(tmp_path / "c.db"),
            "segments",
            "--json",
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    segments = json.loads(done.stdout)
    expected = store.segments(store.track()["id"])  # the checkout's own first run
    made = [(s["id"], s["start_s"], s["origin"]) for s in segments]
    assert made == [(s.n, s.start_s, s.origin) for s in expected]
    assert "anchored" in {s["origin"] for s in segments}  # the shipped timings were applied


def test_installed_wheel_installs_its_desktop_entry(installed: Path, tmp_path: Path):
    done = subprocess.run(
        [str(installed / "bin" / "companion"), "install-desktop"],
        cwd=tmp_path,
        env=clean_env(XDG_DATA_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    entry = (tmp_path / "applications" / "companion.desktop").read_text(encoding="utf-8")
    assert f"Exec={installed / 'bin' / 'companion'} play %f" in entry.splitlines()
    assert (tmp_path / "icons/hicolor/scalable/apps/companion.svg").is_file()


@pytest.fixture
def pipx_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "pipx"
    shutil.rmtree(tmp_path / "pipx", ignore_errors=True)  # a whole venv: don't keep it


@pytest.mark.skipif(shutil.which("pipx") is None, reason="pipx is not installed")
def test_pipx_install_runs_the_bundled_film(tmp_path: Path, pipx_home: Path):
    """``pipx install .``: needs the package index (pipx resolves the dependencies)."""
    env = clean_env(PIPX_HOME=str(pipx_home), PIPX_BIN_DIR=str(tmp_path / "bin"))
    installed = subprocess.run(
        ["pipx", "install", str(REPO)], env=env, capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stderr
    done = subprocess.run(
        [str(tmp_path / "bin" / "companion"), "--db", str(tmp_path / "c.db"), "at", "1:00:00"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "anchored" in done.stdout
