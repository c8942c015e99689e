"""Writing a file a user asked for (an export) without ever damaging anything else.

The file is written beside its destination under a temporary name and moved over it only when
complete, so a crash or a full disk leaves the old file (and no temporary one) behind. A path
that is the database itself, or one of SQLite's files beside it, is refused: an export written
over the store would destroy every saved edit.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from companion.errors import CompanionError


class OutputError(CompanionError):
    """An output file that can't or mustn't be written; nothing was written."""


def write_text_atomic(path: Path, text: str, protected: Iterable[Path] = ()) -> None:
    """Write ``text`` (UTF-8) to ``path`` in one step; refuse any of the ``protected`` files."""
    if any(_same_file(path, p) for p in protected):
        raise OutputError(f"{path}: that is Companion's database; choose another file name")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc}); nothing written"
        ) from None


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` names ``b`` (through links, other spellings or a hard link)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()
