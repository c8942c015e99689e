"""The player window: video (or clock) with the timeline and transport, the Now panel and browser.

A builder plus named controllers, wired here: ``playback`` (clock or libVLC, resume, transport),
``files``, ``tracks``, ``fullscreen``, ``session`` (what is remembered), ``tools`` (jobs) and
``help``. Commands and keys come from the action table (``window.commands``). The views update
from the film model's ``changed`` (whoever wrote to the store) and from the playhead follower.
Hooks: ``selected_segment()`` / ``selection_changed``, ``add_editing_strip()``, ``say()``,
``show_notice()``, ``model.refresh()``, ``jobs`` and the player and video signals.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QFrame, QMainWindow, QScrollArea, QWidget

from companion.model import Segment
from companion.player.base import Player
from companion.player.clock import TimeSource
from companion.timing.timeline_index import Active
from companion.ui.actions import ActionTable
from companion.ui.content import FilmContent, first_sentence
from companion.ui.files import FilesController
from companion.ui.film_model import FilmModel
from companion.ui.follower import PlayheadFollower
from companion.ui.fullscreen import FullscreenController
from companion.ui.help import HelpController, missing_vlc_box
from companion.ui.jobs import JobRunner
from companion.ui.memory import Memory
from companion.ui.playback import VOLUME_STEP, PlaybackController
from companion.ui.session import SessionController
from companion.ui.tools import ToolsController
from companion.ui.tracks import TracksController
from companion.ui.window_builder import build_parts

ALL_KINDS = frozenset({"segments", "anchors", "notes", "history"})


class MainWindow(QMainWindow):
    selection_changed = Signal(object)  # Segment | None
    player_changed = Signal(object)  # the live Player (hooks: ui.listening)
    video_opened = Signal(str)  # a video's path, once it is loaded
    video_changed = Signal(object)  # the video's path now shown, None in clock mode

    def __init__(
        self,
        content: FilmContent | FilmModel,
        settings: QSettings,
        vlc_args: Sequence[str] = (),
        vlc_problem: str | None = None,
        clock_time: TimeSource = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = content if isinstance(content, FilmModel) else FilmModel(content, parent=self)
        self.model.setParent(self)
        self.memory = Memory(settings, self.content.db_path)
        self._selected: Segment | None = None
        self.editing: QObject | None = None  # the timing editor, when the app installs one
        self.copy_clock: QObject | None = None  # the copy's clock, when the app installs one
        self.listening: QObject | None = None  # listening to a commentary track (ui.listening)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.resize(1440, 880)
        self.parts = parts = build_parts(self, self.content.speaker)
        self.commands = ActionTable(self)
        self.jobs = JobRunner(parts.job_bar, self)
        self.playback = PlaybackController(
            parts, lambda: self.model.content, self.memory, self.say,
            vlc_args, vlc_problem, clock_time, self,
        )  # fmt: skip
        self.follower = PlayheadFollower(self.playback.player, self.content.index, self)
        self._bind_commands()
        self.files = FilesController(self, self.playback, self.memory, self.commands)
        self.tracks = TracksController(self.playback, self.commands)
        self.fullscreen = FullscreenController(self, parts, self.memory, self.commands)
        self.session = SessionController(self, parts, self.memory, self.playback, self.commands)
        self.tools = ToolsController(self, self.model, self.jobs, self.commands, self.show_notice)
        self.help = HelpController(self, self.commands, self._about())
        self._wire()
        self.show_content(ALL_KINDS)
        self.session.restore(self.memory.window_state())
        self.playback.use_clock(self.playback.default_clock_reason(), resume=True)
        self.vlc_dialog = missing_vlc_box(self, vlc_problem) if vlc_problem else None
        self.model.start_watching()
        self.follower.start()

    # --- construction -----------------------------------------------------------------------

    def _bind_commands(self) -> None:
        playback, bind = self.playback, self.commands.bind
        bind("file.quit", self.close)
        bind("play.toggle", playback.toggle_play)
        for command, seconds in (
            ("back5", -5),
            ("forward5", 5),
            ("back30", -30),
            ("forward30", 30),
        ):
            bind(f"play.{command}", lambda _=False, s=seconds: playback.skip(s))
        bind("play.goto", self.parts.transport.goto.setFocus)
        bind("play.slower", lambda: playback.step_rate(-1))
        bind("play.faster", lambda: playback.step_rate(1))
        bind("play.normal", lambda: playback.set_rate(1.0))
        bind("audio.up", lambda: playback.change_volume(VOLUME_STEP))
        bind("audio.down", lambda: playback.change_volume(-VOLUME_STEP))
        self.mute_action = bind("audio.mute", playback.toggle_mute)
        bind("view.leave", self.escape)
        bind("view.search", self.focus_search)
        self.marquee_action = bind("view.marquee", self.set_marquee_enabled)

    def _wire(self) -> None:
        parts, playback = self.parts, self.playback
        parts.timeline.seek_requested.connect(playback.seek)
        parts.timeline.segment_clicked.connect(self.select_segment)
        parts.browse.seek_requested.connect(playback.seek)
        parts.browse.segment_chosen.connect(lambda n: self.select_segment(self.content.segment(n)))
        parts.browse.search.returnPressed.connect(self.give_keys_back)
        parts.video.clicked.connect(playback.toggle_play)
        parts.video.wheel_steps.connect(lambda n: playback.change_volume(n * VOLUME_STEP))
        parts.transport.goto_requested.connect(lambda _text: self.setFocus())
        playback.player_changed.connect(self.follower.set_player)
        playback.player_changed.connect(self.player_changed)
        playback.video_opened.connect(self.video_opened)
        playback.video_opened.connect(lambda path: self.video_changed.emit(path))
        playback.clock_shown.connect(lambda: self.video_changed.emit(None))
        playback.runtime_changed.connect(lambda _s: self.show_content(frozenset({"anchors"})))
        self.follower.position_changed.connect(self._on_position)
        self.follower.active_changed.connect(self._on_active)
        self.model.changed.connect(self.show_content)
        self.marquee_action.setChecked(self.memory.flag("marquee"))

    def _about(self) -> str:
        db = self.content.db_path or "none (lists given by the caller)"
        return f"Film: {self.content.title}<br>Database: {db}"

    # --- compatibility and shortcuts to the controllers ----------------------------------

    def __getattr__(self, name: str) -> Any:
        """The parts by name (``window.timeline``, ``window.browse``), as before the split."""
        parts = self.__dict__.get("parts")
        if parts is not None and hasattr(parts, name):
            return getattr(parts, name)
        raise AttributeError(name)

    @property
    def content(self) -> FilmContent:
        return self.model.content

    @property
    def player(self) -> Player:
        return self.playback.player

    @property
    def video_path(self) -> str | None:
        return self.playback.video_path

    @property
    def overlay(self) -> QWidget | None:
        return self.fullscreen.overlay

    def open_video(self, path: str, at: float | None = None) -> bool:
        return self.playback.open_video(path, at)

    def close_video(self) -> None:
        self.playback.close_video()

    def seek(self, seconds: float) -> None:
        self.playback.seek(seconds)

    def toggle_play(self) -> None:
        self.playback.toggle_play()

    def say(self, text: str, ms: int = 4000) -> None:
        self.statusBar().showMessage(text, ms)

    def show_notice(self, text: str) -> None:
        self.playback.show_notice(text)

    # --- content ----------------------------------------------------------------------------

    def show_content(self, kinds: frozenset[str]) -> None:
        """What the film model reloaded, shown everywhere: only the views of those kinds."""
        content, parts = self.content, self.parts
        if kinds & {"segments", "anchors", "notes"}:
            parts.timeline.set_content(
                content.index, list(content.anchors), self.playback.runtime()
            )
        if "segments" in kinds:
            parts.browse.show_segments(content.segments)
            if self._selected is not None:
                self._selected = content.segment(self._selected.n)
        if "notes" in kinds:
            parts.browse.show_notes(content.notes, content.film_wide_notes())
        parts.browse.set_search(content.search)
        parts.now_panel.speaker = content.speaker
        if kinds & {"segments", "notes"}:
            self.follower.set_index(content.index)
            self.selection_changed.emit(self.selected_segment())
        self._update_title()

    def reload_segments(self, segments: Sequence[Segment]) -> None:
        """Show these segments (e.g. the same ones on another copy's clock) everywhere."""
        self.content.replace_segments(segments)
        self.show_content(ALL_KINDS)

    def add_editing_strip(self, widget: QWidget) -> None:
        """Place a strip under the timeline; it scrolls sideways rather than widen the video
        column and squeeze the panel off the window."""
        holder = QScrollArea()
        holder.setWidget(widget)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        holder.setFixedHeight(widget.sizeHint().height())
        self.parts.editing_slot.addWidget(holder)

    def selected_segment(self) -> Segment | None:
        """The segment the viewer picked (list, search, timeline), else the one playing now."""
        return self._selected or self.follower.active.segment

    def select_segment(self, segment: Segment | None) -> None:
        self._selected = segment
        self.selection_changed.emit(self.selected_segment())

    def _update_title(self) -> None:
        parts = ["Companion", self.content.title]
        if self.video_path:
            parts.append(Path(self.video_path).name)
        self.setWindowTitle(" — ".join(p for p in parts if p))

    # --- player and playhead ----------------------------------------------------------------

    def _on_position(self, t: float) -> None:
        self.parts.transport.show_position(t)
        self.parts.timeline.set_position(t)
        if not self.parts.video.showing_video():
            self.parts.video.clock.set_time(t)

    def _on_active(self, active: Active) -> None:
        self.parts.now_panel.show_active(active)
        self.parts.browse.show_current(active.segment)
        self.playback.show_line(first_sentence(active.segment.text) if active.segment else None)
        if self._selected is None:
            self.selection_changed.emit(active.segment)

    # --- keys -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.session.browse_action.setChecked(True)
        self.parts.browse.search.setFocus()
        self.parts.browse.search.selectAll()

    def give_keys_back(self) -> None:
        """After Enter (or Esc) in a text box, Space, I, O, P and M are the player's again."""
        self.setFocus()

    def escape(self) -> None:
        """Esc leaves a text box first, then fullscreen."""
        focused = QApplication.focusWidget()
        if focused in (self.parts.browse.search, self.parts.transport.goto):
            self.give_keys_back()
        else:
            self.fullscreen.leave()

    def set_marquee_enabled(self, enabled: bool) -> None:
        self.memory.set_flag("marquee", enabled)
        self.playback.marquee = enabled
        segment = self.follower.active.segment
        self.playback.show_line(first_sentence(segment.text) if segment else None)

    # --- closing ----------------------------------------------------------------------------

    def remember_all(self) -> None:
        self.session.remember_all()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.fullscreen.leave()
        self.remember_all()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Timers first, then the players (stop, release): the order that never hangs libVLC."""
        self.follower.stop()
        self.model.stop_watching()
        self.session.stop()
        self.jobs.cancel()
        self.jobs.wait(5.0)
        self.parts.browse.cancel_pending()
        self.playback.close()
