"""What the window remembers between runs, per video and overall, in the user's QSettings.

Where you were in a video, its audio track and layout, and the recent files belong to a database
(two databases are two different sets of timings, maybe of two films), so they are kept under a
key of the database's path; the window's geometry and the view choices are the user's, shared.
The QSettings object is handed in, so tests point it at a temporary file and never touch the
user's real settings.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


def video_key(path: str) -> str:
    """A settings group per video, stable across runs and safe as a key whatever the path holds."""
    absolute = str(Path(path).expanduser().resolve())
    return "videos/" + hashlib.sha1(absolute.encode("utf-8")).hexdigest()[:16]


def clock_key(film_id: str) -> str:
    return "clock/" + hashlib.sha1(film_id.encode("utf-8")).hexdigest()[:16]


def database_key(db_path: str) -> str:
    """The settings group of one database ("" when the window has none, e.g. a test's lists)."""
    if not db_path:
        return "databases/none"
    absolute = str(Path(db_path).expanduser().resolve())
    return "databases/" + hashlib.sha1(absolute.encode("utf-8")).hexdigest()[:16]


class Memory:
    def __init__(self, settings: QSettings, db_path: str = "") -> None:
        self.settings = settings
        self.scope = database_key(db_path)

    # --- per video (or per film in clock mode) ----------------------------------------------

    def position(self, key: str) -> float | None:
        value = self.settings.value(f"{self.scope}/{key}/position")
        return float(value) if value is not None else None

    def audio_track(self, key: str) -> int | None:
        value = self.settings.value(f"{self.scope}/{key}/audio_track")
        return int(value) if value is not None else None

    def layout(self, key: str) -> dict[str, QByteArray]:
        return self._group(f"{self.scope}/{key}/layout")

    def _group(self, group: str) -> dict[str, QByteArray]:
        self.settings.beginGroup(group)
        try:
            return {name: self.settings.value(name) for name in self.settings.childKeys()}
        finally:
            self.settings.endGroup()

    def remember(
        self,
        key: str,
        position: float,
        audio_track: int | None,
        layout: dict[str, QByteArray],
        path: str | None = None,
    ) -> None:
        group = f"{self.scope}/{key}"
        self.settings.setValue(f"{group}/position", float(position))
        if audio_track is not None:
            self.settings.setValue(f"{group}/audio_track", int(audio_track))
        if path is not None:
            self.settings.setValue(f"{group}/path", path)
        for name, state in layout.items():
            self.settings.setValue(f"{group}/layout/{name}", state)
        self.settings.sync()

    # --- overall ----------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value(f"{self.scope}/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, path: str) -> list[str]:
        absolute = str(Path(path).expanduser().resolve())
        recent = [absolute, *(p for p in self.recent() if p != absolute)][:MAX_RECENT]
        self.settings.setValue(f"{self.scope}/recent", recent)
        self.settings.sync()
        return recent

    def clear_recent(self) -> None:
        self.settings.remove(f"{self.scope}/recent")

    def window_state(self) -> dict[str, QByteArray]:
        return self._group("window/layout")

    def remember_window(self, layout: dict[str, QByteArray]) -> None:
        for name, state in layout.items():
            self.settings.setValue(f"window/layout/{name}", state)
        self.settings.sync()

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.settings.value(f"flags/{name}", default)
        return value in (True, "true", "1", 1)

    def set_flag(self, name: str, value: bool) -> None:
        self.settings.setValue(f"flags/{name}", bool(value))

    def choice(self, name: str, default: str) -> str:
        return str(self.settings.value(f"choices/{name}", default))

    def set_choice(self, name: str, value: str) -> None:
        self.settings.setValue(f"choices/{name}", value)
