"""The desktop entry (menu, "Open with" for videos), its icon, ``companion --version``."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import companion
from companion import desktop
from companion.cli import main

VIDEO_TYPES = {
    "video/x-matroska",  # mkv
    "video/mp4",
    "video/x-msvideo",  # avi
    "video/webm",
    "video/quicktime",  # mov
    "video/x-m4v",
    "video/mp2t",  # ts
    "video/mpeg",
    "video/ogg",
}


def read_entry(home: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  (keys are case-sensitive)
    parser.read(home / "applications" / "companion.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_version_is_the_package_version():
    result = CliRunner().invoke(main, ["--version"], prog_name="companion")
    assert result.exit_code == 0
    assert result.output == f"companion, version {companion.__version__}\n"
    assert version("companion") == companion.__version__


def test_install_desktop_writes_entry_and_icons_then_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = CliRunner().invoke(main, ["install-desktop"])
    assert first.exit_code == 0, first.output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("companion*"))
    assert written == [
        "applications/companion.desktop",
        "icons/hicolor/256x256/apps/companion.png",
        "icons/hicolor/48x48/apps/companion.png",
        "icons/hicolor/scalable/apps/companion.svg",
    ]
    assert first.output.count("installed ") == 4

    entry = read_entry(tmp_path)
    assert entry["Exec"] == f"{desktop.command()} play %f"
    assert entry["Icon"] == "companion" and entry["Type"] == "Application"
    assert set(entry["MimeType"].rstrip(";").split(";")) >= VIDEO_TYPES
    assert (tmp_path / "icons/hicolor/48x48/apps/companion.png").read_bytes()[:4] == b"\x89PNG"

    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    again = CliRunner().invoke(main, ["install-desktop"])
    assert again.output == f"the desktop entry in {tmp_path} is up to date\n"
    assert CliRunner().invoke(main, ["install-desktop", "--quiet"]).output == ""
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
@pytest.mark.parametrize("program", ["/usr/bin/companion", '/home/a b/$x "q" 100%/companion'])
def test_entry_is_valid_and_opens_videos(tmp_path: Path, program: str):
    desktop.install(tmp_path, program)
    path = tmp_path / "applications" / "companion.desktop"
    checked = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout
    cache = (tmp_path / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    for mime in VIDEO_TYPES:
        assert f"{mime}=companion.desktop;" in cache


def test_exec_argument_quotes_as_the_spec_says():
    assert desktop.exec_argument("/usr/bin/companion") == "/usr/bin/companion"
    assert desktop.exec_argument("/opt/my apps/companion") == '"/opt/my apps/companion"'
    # `$` is escaped for the quoting, then the backslash for the string: four layers read back
    assert desktop.exec_argument("/a$b") == '"/a\\\\$b"'
    assert desktop.exec_argument("/100%/c") == "/100%%/c"


def test_install_desktop_into_an_unwritable_place_is_one_line_and_exit_2(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["install-desktop"], env={"XDG_DATA_HOME": str(blocker)})
    assert result.exit_code == 2
    assert result.stderr.startswith("companion: error: cannot install the desktop entry: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_run_sh_app_installs_the_entry_once_and_quietly(tmp_path: Path):
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [str(REPO / "run.sh"), "app", "--version"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[1].stdout == f"companion, version {companion.__version__}\n"
    assert runs[1].stderr == ""  # nothing missing, nothing to say
    assert read_entry(tmp_path)["Exec"] == f"{REPO / '.venv' / 'bin' / 'companion'} play %f"
