"""Opening files: the Open dialog, Open recent, drag and drop, and subtitle files.

A video enters Recent only once it really plays: a file that is missing, not a video, or in a
codec libVLC cannot decode is reported and stays out of the list.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from companion.player.base import PlayerError
from companion.ui.actions import ActionTable
from companion.ui.memory import Memory
from companion.ui.playback import PlaybackController

VIDEO_FILTER = (
    "Videos (*.mkv *.mp4 *.m4v *.avi *.mov *.webm *.ts *.m2ts *.mpg *.mpeg *.wmv *.iso);;"
    "All files (*)"
)
SUBTITLE_FILTER = "Subtitles (*.srt *.ass *.ssa *.vtt *.sub *.idx);;All files (*)"
SUBTITLE_SUFFIXES = {".srt", ".ass", ".ssa", ".vtt", ".sub"}


class FilesController(QObject):
    def __init__(
        self,
        window: QWidget,
        playback: PlaybackController,
        memory: Memory,
        actions: ActionTable,
    ) -> None:
        super().__init__(window)
        self.window, self.playback, self.memory = window, playback, memory
        actions.bind("file.open", self.choose_video)
        self.recent_menu = actions.submenu("file.recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        actions.bind("file.close", playback.close_video)
        actions.bind("subs.load", self.choose_subtitle_file)
        playback.video_started.connect(self.memory.add_recent)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def choose_video(self) -> None:
        recent = self.memory.recent()
        start = str(Path(recent[0]).parent) if recent else ""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open your copy of the film", start, VIDEO_FILTER
        )
        if path:
            self.playback.open_video(path)

    def fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.memory.recent()
        for path in recent:
            action = menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.playback.open_video(p))
        if not recent:
            menu.addAction("No recent videos").setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction("Clear list", self.memory.clear_recent)

    def choose_subtitle_file(self) -> None:
        if not self.playback.player.has_video():
            self.playback.show_notice("Open a video first: subtitles are drawn on the video.")
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Load subtitle file", "", SUBTITLE_FILTER
        )
        if path:
            self.load_subtitle_file(path)

    def load_subtitle_file(self, path: str) -> None:
        try:
            self.playback.player.load_subtitle_file(path)
        except PlayerError as exc:
            self.playback.show_notice(str(exc))
            return
        self.playback.say(f"Subtitles: {Path(path).name}", 5000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Drops on the window: a subtitle file loads, anything else opens as the video."""
        if isinstance(event, QDragEnterEvent | QDropEvent):
            urls = event.mimeData().urls()
            if not (urls and urls[0].isLocalFile()):
                return False
            event.acceptProposedAction()
            if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
                path = urls[0].toLocalFile()
                if Path(path).suffix.lower() in SUBTITLE_SUFFIXES:
                    self.load_subtitle_file(path)
                else:
                    self.playback.open_video(path)
            return True
        return False
