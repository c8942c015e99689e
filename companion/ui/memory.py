"""What the window remembers between runs, per video and overall, in the user's QSettings.

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


class Memory:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    # --- per video (or per film in clock mode) ----------------------------------------------

    def position(self, key: str) -> float | None:
        value = self.settings.value(f"{key}/position")
        return float(value) if value is not None else None

    def audio_track(self, key: str) -> int | None:
        value = self.settings.value(f"{key}/audio_track")
        return int(value) if value is not None else None

    def layout(self, key: str) -> dict[str, QByteArray]:
        self.settings.beginGroup(f"{key}/layout")
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
        self.settings.setValue(f"{key}/position", float(position))
        if audio_track is not None:
            self.settings.setValue(f"{key}/audio_track", int(audio_track))
        if path is not None:
            self.settings.setValue(f"{key}/path", path)
        for name, state in layout.items():
            self.settings.setValue(f"{key}/layout/{name}", state)
        self.settings.sync()

    # --- overall ----------------------------------------------------------------------------

    def recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, path: str) -> list[str]:
        absolute = str(Path(path).expanduser().resolve())
        recent = [absolute, *(p for p in self.recent() if p != absolute)][:MAX_RECENT]
        self.settings.setValue("recent", recent)
        self.settings.sync()
        return recent

    def clear_recent(self) -> None:
        self.settings.remove("recent")

    def window_state(self) -> dict[str, QByteArray]:
        return self.layout("window")

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
