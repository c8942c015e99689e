"""The one interface the window talks to, whatever plays the film.

Modelled on vidify's ``PlayerBase``: a small surface (load, play, pause, seek, time, tracks) and
Qt signals for everything that happens asynchronously, so a backend never calls into the UI.
Times are seconds (float) throughout.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


class PlayerError(Exception):
    """A file the player cannot open or play; the message says what and where."""


class PlayerState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


@dataclass(frozen=True)
class Track:
    """An audio or subtitle track as the backend names it (``id`` is the backend's own)."""

    id: int
    name: str


class Player(QObject):
    """Abstract player. Subclasses implement the methods; signals are emitted on the Qt thread.

    ``position()`` is the smooth playhead: monotone while playing, exact after a seek or pause.
    """

    state_changed = Signal(object)  # PlayerState
    duration_changed = Signal(float)
    position_jumped = Signal(float)  # after a seek: the panel must update at once
    error = Signal(str)

    def load(self, path: str | None) -> None:
        raise NotImplementedError

    def play(self) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def toggle(self) -> None:
        if self.state() is PlayerState.PLAYING:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        raise NotImplementedError

    def position(self) -> float:
        raise NotImplementedError

    def duration(self) -> float:
        raise NotImplementedError

    def state(self) -> PlayerState:
        raise NotImplementedError

    def set_rate(self, rate: float) -> None:
        raise NotImplementedError

    def rate(self) -> float:
        raise NotImplementedError

    def set_volume(self, percent: int) -> None:
        raise NotImplementedError

    def volume(self) -> int:
        raise NotImplementedError

    def set_muted(self, muted: bool) -> None:
        raise NotImplementedError

    def muted(self) -> bool:
        raise NotImplementedError

    def audio_tracks(self) -> list[Track]:
        return []

    def set_audio_track(self, track_id: int) -> None:
        raise PlayerError("this player has no audio tracks")

    def audio_track(self) -> int | None:
        return None

    def subtitle_tracks(self) -> list[Track]:
        return []

    def set_subtitle_track(self, track_id: int) -> None:
        """Show subtitle track ``track_id``; -1 hides subtitles."""
        raise PlayerError("this player has no subtitle tracks")

    def subtitle_track(self) -> int | None:
        return None

    def load_subtitle_file(self, path: str) -> None:
        raise PlayerError("this player cannot show subtitles")

    def set_marquee(self, text: str | None) -> None:
        """Draw ``text`` on the video (None clears it); players without video ignore it."""

    def refresh_picture(self) -> None:
        """Draw the picture again (the window changed size); players without video ignore it."""

    def set_video_window(self, win_id: int) -> None:
        """Embed video output into the native window ``win_id``; players without video ignore it."""

    def has_video(self) -> bool:
        return False

    def close(self) -> None:
        """Release everything in the safe order; the player is unusable afterwards."""
