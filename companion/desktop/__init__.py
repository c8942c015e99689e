"""Companion in the desktop's menu and in a video's "Open with": the freedesktop entry and icon.

They ship inside the package, so a wheel or a pipx install has them; :func:`install` copies them
into the user's data folder (``$XDG_DATA_HOME``, by default ``~/.local/share``), with ``Exec``
naming the ``companion`` command of the running installation, so the menu starts this one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from companion.errors import CompanionError

APP_ID = "companion"
ICON_SIZES = (48, 256)  # PNGs beside the SVG: the icon theme spec asks for at least 48x48
_EXEC_TEMPLATE = "Exec=companion play %f"
# characters the desktop entry spec says an Exec argument must be quoted for
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


class DesktopInstallError(CompanionError):
    """The entry or icon cannot be written (a read-only home, a full disk)."""


def icon_png_name(size: int) -> str:
    return f"{APP_ID}-{size}.png"


def data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (the freedesktop default)."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def command() -> str:
    """The ``companion`` script of the running installation: its venv's, else the one on PATH."""
    beside = Path(sys.executable).parent / APP_ID
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(APP_ID) or APP_ID


def exec_argument(arg: str) -> str:
    """``arg`` as one argument of an ``Exec`` key: quoted and escaped as the spec requires."""
    arg = arg.replace("%", "%%")
    if _RESERVED.search(arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return arg.replace("\\", "\\\\")  # the string escape, applied on top of the quoting


def entry_text(program: str) -> str:
    """The shipped desktop entry, starting ``program`` (``Exec=… play %f``)."""
    template = files(__package__).joinpath(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    return template.replace(_EXEC_TEMPLATE, f"Exec={exec_argument(program)} play %f")


def install(home: Path | None = None, program: str | None = None) -> list[Path]:
    """Write the entry and the icons under ``home`` where they differ; returns what was written.

    Idempotent: a second run writes nothing. Each file is replaced atomically. After a change the
    MIME cache is refreshed (when ``update-desktop-database`` is installed), so file managers
    offer Companion for videos at once.
    """
    home = home or data_home()
    shipped = files(__package__)
    icons = home / "icons" / "hicolor"
    svg = shipped.joinpath(f"{APP_ID}.svg").read_bytes()
    wanted = {
        home / "applications" / f"{APP_ID}.desktop": entry_text(program or command()).encode(),
        icons / "scalable" / "apps" / f"{APP_ID}.svg": svg,
    }
    for size in ICON_SIZES:
        png = shipped.joinpath(icon_png_name(size)).read_bytes()
        wanted[icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = png
    written = []
    try:
        for path, content in wanted.items():
            if path.is_file() and path.read_bytes() == content:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(content)
            partial.replace(path)
            written.append(path)
    except OSError as exc:
        raise DesktopInstallError(f"cannot install the desktop entry: {exc}") from None
    if written and (update := shutil.which("update-desktop-database")):
        subprocess.run([update, "-q", str(home / "applications")], check=False)
    return written
