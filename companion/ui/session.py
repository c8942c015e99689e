"""What the window remembers: where the viewer was (per video, or the film's clock), the audio
track, the layout (per video and overall), and the view choices, saved as they change and every
half minute while the film plays, so a crash or a kill loses little.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QTimer
from PySide6.QtWidgets import QMainWindow

from companion.player.base import PlayerState
from companion.ui.actions import ActionTable
from companion.ui.memory import Memory, clock_key, video_key
from companion.ui.playback import PlaybackController
from companion.ui.window_builder import Parts

AUTOSAVE_MS = 30_000


class SessionController(QObject):
    def __init__(
        self,
        window: QMainWindow,
        parts: Parts,
        memory: Memory,
        playback: PlaybackController,
        actions: ActionTable,
    ) -> None:
        super().__init__(window)
        self.window, self.parts, self.memory, self.playback = window, parts, memory, playback
        self.panel_action = actions.bind("view.panel", parts.sidebar.setVisible)
        self.browse_action = actions.bind("view.browser", parts.browse.setVisible)
        self.panel_action.setChecked(True)
        self.browse_action.setChecked(True)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.remember_all)
        playback.remember_now.connect(self.remember_video)
        playback.state_changed.connect(self._state_changed)
        playback.video_opened.connect(lambda path: self.restore(memory.layout(video_key(path))))

    def _state_changed(self, state: PlayerState) -> None:
        """Autosave only while the film plays: paused, nothing moves and nothing runs."""
        if state is PlayerState.PLAYING:
            self._autosave.start()
        else:
            self._autosave.stop()

    def layout_state(self) -> dict[str, QByteArray]:
        return {
            "splitter": self.parts.splitter.saveState(),
            "sidebar": self.parts.sidebar.saveState(),
            "panel": QByteArray(b"1" if self.panel_action.isChecked() else b"0"),
            "browser": QByteArray(b"1" if self.browse_action.isChecked() else b"0"),
        }

    def restore(self, layout: dict) -> None:
        if "splitter" in layout:
            self.parts.splitter.restoreState(layout["splitter"])
        if "sidebar" in layout:
            self.parts.sidebar.restoreState(layout["sidebar"])
        for name, action in (("panel", self.panel_action), ("browser", self.browse_action)):
            if name in layout:
                action.setChecked(bytes(layout[name]) != b"0")
        if "geometry" in layout:
            self.window.restoreGeometry(layout["geometry"])

    def remember_video(self) -> None:
        playback = self.playback
        if playback.video_path:
            self.memory.remember(
                video_key(playback.video_path),
                playback.player.position(),
                playback.player.audio_track(),
                self.layout_state(),
                path=playback.video_path,
            )

    def remember_all(self) -> None:
        playback = self.playback
        if playback.video_path:
            self.remember_video()
        else:
            film = playback.content().film_id
            self.memory.remember(clock_key(film), playback.player.position(), None, {})
        self.memory.remember_window({**self.layout_state(), "geometry": self.window.saveGeometry()})

    def stop(self) -> None:
        self._autosave.stop()
