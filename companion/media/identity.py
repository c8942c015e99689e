"""Recognising a copy of a film by its content, not its path: the user may move or rename it.

Hashing a 30 GB rip would take minutes, so the fingerprint is the size plus a hash of three
1 MiB samples (start, middle, end): two different releases differ in size or in those bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from companion.media.probe import MediaError

SAMPLE = 1 << 20


def fingerprint(path: Path) -> str:
    """``"<size>:<sha256 of three samples>"``; :class:`MediaError` if the file can't be read."""
    try:
        size = path.stat().st_size
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for offset in sorted({0, max(size // 2 - SAMPLE // 2, 0), max(size - SAMPLE, 0)}):
                handle.seek(offset)
                digest.update(handle.read(SAMPLE))
    except OSError as exc:
        raise MediaError(f"{path}: can't read it ({exc.strerror or exc})") from None
    return f"{size}:{digest.hexdigest()[:32]}"
