"""The player window: video (or clock) with the timeline and transport, the Now panel and browser.

The window owns exactly one live ``Player`` at a time: the clock (second-screen mode, and the
fallback whenever a video cannot be shown) or libVLC. Every failure to show a video ends in clock
mode with the reason on screen, so the commentary, notes and search always stay usable.

For the timing editor (issue 5): ``selected_segment()`` / ``selection_changed`` say which segment
an edit applies to, ``add_editing_strip()`` places its strip between the timeline and the
transport bar, and ``reload_segments()`` shows new timings everywhere at once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from companion.model import Segment
from companion.player.base import Player, PlayerError, PlayerState
from companion.player.clock import ClockPlayer, TimeSource
from companion.timing.timecode import TimecodeError, parse_time
from companion.timing.timeline_index import Active
from companion.ui import style
from companion.ui.browse import BrowsePane
from companion.ui.content import FilmContent, first_sentence
from companion.ui.follower import PlayheadFollower
from companion.ui.memory import Memory, clock_key, video_key
from companion.ui.now_panel import NowPanel
from companion.ui.platform import embedding_blocker
from companion.ui.timeline import TimelineWidget
from companion.ui.transport import TransportBar
from companion.ui.video_pane import NoticeBar, VideoPane

VIDEO_FILTER = (
    "Videos (*.mkv *.mp4 *.m4v *.avi *.mov *.webm *.ts *.m2ts *.mpg *.mpeg *.wmv *.iso);;"
    "All files (*)"
)
SUBTITLE_FILTER = "Subtitles (*.srt *.ass *.ssa *.vtt *.sub *.idx);;All files (*)"
VOLUME_STEP = 5
AUTOSAVE_MS = 30_000  # a crash or a kill loses at most this much of "where was I"
RESUME_MARGIN_S = 10.0  # do not resume into the credits: start over instead
PANEL_MODES = ("side", "overlay", "hidden")
CLOCK_STATES = {
    PlayerState.PLAYING: "▶  following the film",
    PlayerState.PAUSED: "❚❚  paused: press Space when the film plays again",
    PlayerState.STOPPED: "press Space when the film starts",
    PlayerState.ENDED: "the end",
}


def legend() -> QLabel:
    """What the timeline's colours mean, always in view in the status bar."""
    entries = [
        *((name, colour) for name, colour in style.ORIGIN_COLOURS.items()),
        *((name, colour) for name, colour in style.KIND_COLOURS.items()),
    ]
    label = QLabel(
        "&nbsp;&nbsp;".join(
            f'<span style="color:{colour}">■</span>&nbsp;{name}' for name, colour in entries
        )
    )
    label.setToolTip(
        "Segment timings: "
        + "; ".join(f"{k}: {v}" for k, v in style.ORIGIN_HINTS.items())
        + ". Notes: trivia and corrections."
    )
    label.setContentsMargins(0, 0, 16, 0)
    return label


class MainWindow(QMainWindow):
    selection_changed = Signal(object)  # Segment | None
    player_changed = Signal(object)  # Player
    video_changed = Signal(object)  # the video's path now playing, None in clock mode

    def __init__(
        self,
        content: FilmContent,
        settings: QSettings,
        vlc_args: Sequence[str] = (),
        vlc_problem: str | None = None,
        clock_time: TimeSource = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.content = content
        self.memory = Memory(settings)
        self.vlc_args = tuple(vlc_args)
        self.vlc_problem = vlc_problem  # set when libVLC is missing/too old: never try it
        self.clock_time = clock_time  # the clock player's time source (tests inject their own)
        self.video_path: str | None = None
        self.editing: QObject | None = None  # the timing editor, when the app installs one
        self.copy_clock: QObject | None = None  # the copy's clock, when the app installs one
        self.clock_reason = ""
        self._vlc: Player | None = None
        self._selected: Segment | None = None
        self._pending_audio: int | None = None
        self._fullscreen_restore: dict[str, bool] = {}
        self.player: Player = ClockPlayer(duration=content.runtime_s, now=clock_time, parent=self)

        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.resize(1440, 880)
        self._build_widgets()
        self._build_menus()
        self.follower = PlayheadFollower(self.player, content.index, self)
        self.follower.position_changed.connect(self._on_position)
        self.follower.active_changed.connect(self._on_active)
        self._connect_player(self.player)
        self.set_content(content)
        self._restore_layout(self.memory.window_state())
        self._use_clock(self._default_clock_reason(), resume=True)
        self.vlc_dialog = self._explain_missing_vlc() if vlc_problem else None
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.remember_all)
        self._autosave.start()
        self.follower.start()

    # --- construction -----------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.video = VideoPane()
        self.notice = NoticeBar()
        self.timeline = TimelineWidget()
        self.timeline.seek_requested.connect(self.seek)
        self.timeline.segment_clicked.connect(self.select_segment)
        self.transport = TransportBar()
        self.transport.toggle_requested.connect(self.toggle_play)
        self.transport.seek_requested.connect(self.seek)
        self.transport.skip_requested.connect(self.skip)
        self.transport.volume_requested.connect(self.set_volume)
        self.transport.mute_requested.connect(self.set_muted)
        self.transport.rate_requested.connect(self.set_rate)
        self.transport.goto_requested.connect(self.go_to)

        video_column = QWidget()
        column = QVBoxLayout(video_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notice)
        column.addWidget(self.video, 1)
        column.addWidget(self.timeline)
        self.editing_slot = QVBoxLayout()
        self.editing_slot.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.editing_slot)
        column.addWidget(self.transport)

        self.now_panel = NowPanel(self.content.speaker)
        self.browse = BrowsePane()
        self.browse.seek_requested.connect(self.seek)
        self.browse.segment_chosen.connect(lambda n: self.select_segment(self.content.segment(n)))
        self.sidebar = QSplitter(Qt.Orientation.Vertical)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addWidget(self.now_panel)
        self.sidebar.addWidget(self.browse)
        self.sidebar.setStretchFactor(0, 3)
        self.sidebar.setStretchFactor(1, 2)
        self.sidebar.setSizes([520, 340])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(video_column)
        self.splitter.addWidget(self.sidebar)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([1000, 440])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.mode_label = QLabel()
        self.statusBar().addPermanentWidget(legend())
        self.statusBar().addPermanentWidget(self.mode_label)
        self.overlay: QWidget | None = None

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
        checkable: bool = False,
    ) -> QAction:
        """A menu entry whose shortcut also works with the menu bar hidden (fullscreen)."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open video…", self.choose_video, QKeySequence.StandardKey.Open)
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "&Close video (clock mode)", self.close_video, "Ctrl+W")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        play = bar.addMenu("&Playback")
        self._action(play, "Play / pause", self.toggle_play, "Space")
        self._action(play, "Back 5 s", lambda: self.skip(-5), "Left")
        self._action(play, "Forward 5 s", lambda: self.skip(5), "Right")
        self._action(play, "Back 30 s", lambda: self.skip(-30), "Ctrl+Left")
        self._action(play, "Forward 30 s", lambda: self.skip(30), "Ctrl+Right")
        self._action(play, "Go to time…", self.transport.goto.setFocus, "Ctrl+G")
        play.addSeparator()
        self._action(play, "Slower", lambda: self.step_rate(-1), "[")
        self._action(play, "Faster", lambda: self.step_rate(1), "]")
        self._action(play, "Normal speed", lambda: self.set_rate(1.0), "=")

        audio = bar.addMenu("&Audio")
        self.audio_menu = audio.addMenu("Audio &track")
        self.audio_menu.aboutToShow.connect(self._fill_audio_tracks)
        self._action(audio, "Volume up", lambda: self.change_volume(VOLUME_STEP), "Up")
        self._action(audio, "Volume down", lambda: self.change_volume(-VOLUME_STEP), "Down")
        self.mute_action = self._action(audio, "Mute", self.toggle_mute, "M")

        subtitles = bar.addMenu("&Subtitles")
        self.subtitle_menu = subtitles.addMenu("Subtitle &track")
        self.subtitle_menu.aboutToShow.connect(self._fill_subtitle_tracks)
        self._action(subtitles, "&Load subtitle file…", self.choose_subtitle_file)

        view = bar.addMenu("&View")
        self._action(view, "&Fullscreen", self.toggle_fullscreen, "F")
        self._action(view, "Leave fullscreen", self.leave_fullscreen, "Escape")
        panel_menu = view.addMenu("Panel in fullscreen")
        group = QActionGroup(self)
        current = self.memory.choice("fullscreen_panel", "side")
        for mode in PANEL_MODES:
            action = QAction(mode.capitalize(), self, checkable=True)
            action.setChecked(mode == current)
            action.triggered.connect(
                lambda _=False, m=mode: self.memory.set_choice("fullscreen_panel", m)
            )
            group.addAction(action)
            panel_menu.addAction(action)
        self.panel_action = self._action(
            view, "Show &panel", self.sidebar.setVisible, "Ctrl+P", checkable=True
        )
        self.panel_action.setChecked(True)
        self.browse_action = self._action(
            view, "Show &browser", self.browse.setVisible, "Ctrl+B", checkable=True
        )
        self.browse_action.setChecked(True)
        self._action(view, "&Search", self.focus_search, QKeySequence.StandardKey.Find)
        self.marquee_action = self._action(
            view, "Commentary line on the &video", self.set_marquee_enabled, checkable=True
        )
        self.marquee_action.blockSignals(True)  # the follower does not exist yet
        self.marquee_action.setChecked(self.memory.flag("marquee"))
        self.marquee_action.blockSignals(False)

    # --- content ----------------------------------------------------------------------------

    def set_content(self, content: FilmContent) -> None:
        self.content = content
        self.timeline.set_content(content.index, list(content.anchors), self._runtime())
        self.browse.set_content(content.segments, content.notes, content.search)
        self.now_panel.speaker = content.speaker
        self.follower.set_index(content.index)
        self._update_title()

    def reload_segments(self, segments: Sequence[Segment]) -> None:
        """New timings (an edit): timeline, list, panel and selection follow at once."""
        self.content.replace_segments(segments)
        if self._selected is not None:
            self._selected = self.content.segment(self._selected.n)
        self.set_content(self.content)

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
        self.editing_slot.addWidget(holder)

    def selected_segment(self) -> Segment | None:
        """The segment the viewer picked (list, search, timeline), else the one playing now."""
        return self._selected or self.follower.active.segment

    def select_segment(self, segment: Segment | None) -> None:
        self._selected = segment
        self.selection_changed.emit(self.selected_segment())

    def _runtime(self) -> float:
        duration = self.player.duration() if self.player else 0.0
        return duration if duration > 0 else self.content.runtime_s

    def _update_title(self) -> None:
        parts = ["Companion", self.content.title]
        if self.video_path:
            parts.append(Path(self.video_path).name)
        self.setWindowTitle(" — ".join(p for p in parts if p))

    # --- players ----------------------------------------------------------------------------

    def _connect_player(self, player: Player) -> None:
        player.state_changed.connect(self._on_state)
        player.duration_changed.connect(self._on_duration)
        player.error.connect(self._on_player_error)

    def _disconnect_player(self, player: Player) -> None:
        for signal, slot in (
            (player.state_changed, self._on_state),
            (player.duration_changed, self._on_duration),
            (player.error, self._on_player_error),
        ):
            signal.disconnect(slot)

    def _install(self, player: Player) -> None:
        old = self.player
        if old is player:
            return
        self._disconnect_player(old)
        if isinstance(old, ClockPlayer):
            old.close()
            old.deleteLater()
        self.player = player
        self._connect_player(player)
        self.follower.set_player(player)
        player.set_rate(1.0)
        self.transport.show_rate(1.0)
        self.transport.show_sound(player.volume(), player.muted())
        self.transport.show_state(player.state())
        self._on_duration(player.duration())
        self.player_changed.emit(player)

    def _explain_missing_vlc(self) -> QMessageBox:
        """Non-modal: the viewer reads the install command while the rest of the app works."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "libVLC is missing",
            "Companion plays your film with libVLC (VLC 3), which is not usable here.\n\n"
            f"{self.vlc_problem}\n\nUntil then, the commentary, notes, search and the "
            "second-screen clock all work.",
            parent=self,
        )
        box.setModal(False)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QTimer.singleShot(0, box.show)
        return box

    def _default_clock_reason(self) -> str:
        if self.vlc_problem:
            return f"No video: {self.vlc_problem}"
        return (
            "Second-screen mode: keep this clock in step with the film on your TV (Space plays "
            "and pauses, Ctrl+G takes the time it shows). To watch here, open your copy of the "
            "film with Ctrl+O or drop it on the window."
        )

    def _use_clock(self, reason: str, resume: bool = False) -> None:
        """Switch to (or stay in) clock mode at the current film time, saying why."""
        position = self.player.position()
        if self.video_path:
            self._remember_video()
        self.video_path = None
        if self._vlc is not None and self.player is self._vlc:
            self._vlc.load(None)
        clock = ClockPlayer(duration=self.content.runtime_s, now=self.clock_time, parent=self)
        self._install(clock)
        saved = self.memory.position(clock_key(self.content.film_id)) if resume else None
        clock.seek(saved if saved is not None else position)
        self.clock_reason = reason
        self.video.show_clock(self.content.title, reason)
        self.video.clock.set_state_text(CLOCK_STATES.get(clock.state(), ""))
        self.mode_label.setText("Clock mode")
        self._update_title()
        self.video_changed.emit(None)

    def open_video(self, path: str, at: float | None = None) -> bool:
        """Play ``path`` in the pane; on any failure say why and stay in clock mode."""
        problem = self.vlc_problem or embedding_blocker()
        if problem is not None and not self._vlc_without_window():
            return self._refuse_video(path, problem)
        try:
            player = self._video_player()
            self.video.show_video()
            if problem is None:
                player.set_video_window(int(self.video.surface.winId()))
            if self.video_path:
                self._remember_video()
            player.load(path)
        except PlayerError as exc:
            return self._refuse_video(path, str(exc), already_said=True)
        self._install(player)
        self.video_path = path
        key = video_key(path)
        self._restore_layout(self.memory.layout(key))
        self._pending_audio = self.memory.audio_track(key)
        saved = self.memory.position(key)
        start = at if at is not None else saved
        if start is not None and (
            player.duration() <= 0 or start < player.duration() - RESUME_MARGIN_S
        ):
            player.seek(start)
        player.play()
        self.memory.add_recent(path)
        self.notice.hide()
        self.mode_label.setText(f"Video: {Path(path).name}")
        self.statusBar().showMessage(f"Opened {path}", 5000)
        self._update_title()
        self.video_changed.emit(path)
        return True

    def _vlc_without_window(self) -> bool:
        """Tests run libVLC with --vout=dummy: no window is needed then."""
        return self.vlc_problem is None and "--vout=dummy" in self.vlc_args

    def _video_player(self) -> Player:
        if self._vlc is None:
            from companion.player.vlc_player import VLCPlayer

            self._vlc = VLCPlayer(vlc_args=self.vlc_args, parent=self)
        return self._vlc

    def _refuse_video(self, path: str, problem: str, already_said: bool = False) -> bool:
        message = problem if already_said else f"Cannot play {path}: {problem}."
        self.show_notice(
            f"{message} Staying in clock mode; the commentary still follows the clock."
        )
        self._use_clock(message)
        return False

    def close_video(self) -> None:
        if self.video_path:
            self._use_clock(self._default_clock_reason())

    def show_notice(self, text: str) -> None:
        self.notice.show_message(text)
        self.statusBar().showMessage(text, 15000)

    # --- player signals ---------------------------------------------------------------------

    def _on_state(self, state: PlayerState) -> None:
        self.transport.show_state(state)
        self.video.clock.set_state_text(CLOCK_STATES.get(state, ""))
        if state is PlayerState.PLAYING and self._pending_audio is not None:
            track, self._pending_audio = self._pending_audio, None
            if track in {t.id for t in self.player.audio_tracks()}:
                self.player.set_audio_track(track)

    def _on_duration(self, seconds: float) -> None:
        runtime = seconds if seconds > 0 else self.content.runtime_s
        self.transport.show_duration(runtime)
        self.timeline.set_content(self.content.index, list(self.content.anchors), runtime)

    def _on_player_error(self, message: str) -> None:
        self._refuse_video(self.video_path or "the video", message, already_said=True)

    def _on_position(self, t: float) -> None:
        self.transport.show_position(t)
        self.timeline.set_position(t)
        if not self.video.showing_video():
            self.video.clock.set_time(t)

    def _on_active(self, active: Active) -> None:
        self.now_panel.show_active(active)
        self.browse.show_current(active.segment)
        if self.marquee_action.isChecked():
            self.player.set_marquee(first_sentence(active.segment.text) if active.segment else None)
        if self._selected is None:
            self.selection_changed.emit(active.segment)

    # --- commands ---------------------------------------------------------------------------

    def _guard(self, action) -> None:
        try:
            action()
        except PlayerError as exc:
            self.statusBar().showMessage(str(exc), 8000)

    def toggle_play(self) -> None:
        self._guard(self.player.toggle)

    def seek(self, seconds: float) -> None:
        self._guard(lambda: self.player.seek(max(0.0, min(seconds, self._runtime()))))

    def skip(self, seconds: float) -> None:
        self.seek(self.player.position() + seconds)

    def go_to(self, text: str) -> None:
        try:
            self.seek(parse_time(text))
        except TimecodeError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self.transport.goto.clear()
        self.setFocus()

    def set_volume(self, percent: int) -> None:
        self.player.set_volume(percent)
        self.transport.show_sound(self.player.volume(), self.player.muted())

    def change_volume(self, delta: int) -> None:
        self.set_volume(max(0, min(125, self.player.volume() + delta)))
        self.statusBar().showMessage(f"Volume {self.player.volume()}%", 1500)

    def set_muted(self, muted: bool) -> None:
        self.player.set_muted(muted)
        self.transport.show_sound(self.player.volume(), self.player.muted())

    def toggle_mute(self) -> None:
        self.set_muted(not self.player.muted())

    def set_rate(self, rate: float) -> None:
        self._guard(lambda: self.player.set_rate(rate))
        self.transport.show_rate(self.player.rate())

    def step_rate(self, direction: int) -> None:
        from companion.ui.transport import RATES

        i = min(range(len(RATES)), key=lambda k: abs(RATES[k] - self.player.rate()))
        self.set_rate(RATES[max(0, min(len(RATES) - 1, i + direction))])

    def focus_search(self) -> None:
        self.browse_action.setChecked(True)
        self.browse.show()
        self.browse.search.setFocus()
        self.browse.search.selectAll()

    def set_marquee_enabled(self, enabled: bool) -> None:
        self.memory.set_flag("marquee", enabled)
        segment = self.follower.active.segment
        self.player.set_marquee(first_sentence(segment.text) if enabled and segment else None)

    # --- files and tracks -------------------------------------------------------------------

    def choose_video(self) -> None:
        start = str(Path(self.memory.recent()[0]).parent) if self.memory.recent() else ""
        path, _ = QFileDialog.getOpenFileName(
            self, "Open your copy of the film", start, VIDEO_FILTER
        )
        if path:
            self.open_video(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.memory.recent()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_video(p))
        if not recent:
            self.recent_menu.addAction("No recent videos").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", self.memory.clear_recent)

    def _fill_audio_tracks(self) -> None:
        self.audio_menu.clear()
        tracks = self.player.audio_tracks()
        if not tracks:
            self.audio_menu.addAction("No audio tracks (no video open)").setEnabled(False)
            return
        current = self.player.audio_track()
        for track in tracks:
            action = self.audio_menu.addAction(track.name)
            action.setCheckable(True)
            action.setChecked(track.id == current)
            action.triggered.connect(lambda _=False, i=track.id: self.choose_audio_track(i))

    def choose_audio_track(self, track_id: int) -> None:
        self._guard(lambda: self.player.set_audio_track(track_id))
        if self.video_path:
            self._remember_video()

    def _fill_subtitle_tracks(self) -> None:
        self.subtitle_menu.clear()
        tracks = self.player.subtitle_tracks()
        if not self.player.has_video():
            self.subtitle_menu.addAction("No subtitles (no video open)").setEnabled(False)
            return
        current = getattr(self.player, "subtitle_track", lambda: None)()
        for track_id, name in ((-1, "Off"), *((t.id, t.name) for t in tracks)):
            action = self.subtitle_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(track_id == current or (track_id == -1 and current is None))
            action.triggered.connect(
                lambda _=False, i=track_id: self._guard(lambda: self.player.set_subtitle_track(i))
            )

    def choose_subtitle_file(self) -> None:
        if not self.player.has_video():
            self.show_notice("Open a video first: subtitles are drawn on the video.")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Load subtitle file", "", SUBTITLE_FILTER)
        if path:
            self.load_subtitle_file(path)

    def load_subtitle_file(self, path: str) -> None:
        try:
            self.player.load_subtitle_file(path)
        except PlayerError as exc:
            self.show_notice(str(exc))
            return
        self.statusBar().showMessage(f"Subtitles: {Path(path).name}", 5000)

    # --- drag and drop ----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            path = urls[0].toLocalFile()
            if Path(path).suffix.lower() in {".srt", ".ass", ".ssa", ".vtt", ".sub"}:
                self.load_subtitle_file(path)
            else:
                self.open_video(path)

    # --- fullscreen -------------------------------------------------------------------------

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.leave_fullscreen()
            return
        mode = self.memory.choice("fullscreen_panel", "side")
        self._fullscreen_restore = {
            "sidebar": self.sidebar.isVisible(),
            "browse": self.browse.isVisible(),
        }
        self.menuBar().hide()
        self.statusBar().hide()
        self.browse.hide()
        self.sidebar.setVisible(mode == "side")
        if mode == "overlay":
            self._show_overlay()
        self.showFullScreen()
        self.setFocus()  # hidden widgets passed focus on: keys must stay the player's

    def leave_fullscreen(self) -> None:
        if not self.isFullScreen():
            return
        self._hide_overlay()
        self.showNormal()
        self.menuBar().show()
        self.statusBar().show()
        self.sidebar.setVisible(self._fullscreen_restore.get("sidebar", True))
        self.browse.setVisible(self._fullscreen_restore.get("browse", True))

    def _show_overlay(self) -> None:
        """The panel floats over the video's right side in its own translucent tool window
        (a Qt widget cannot be drawn over libVLC's native window, a top-level can)."""
        self.overlay = QWidget(self, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint)
        self.overlay.setWindowOpacity(0.88)
        layout = QVBoxLayout(self.overlay)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.now_panel)
        self.now_panel.show()
        QTimer.singleShot(300, self._place_overlay)
        self.overlay.show()

    def _place_overlay(self) -> None:
        if self.overlay is None:
            return
        top_left = self.video.mapToGlobal(self.video.rect().topLeft())
        width = max(360, self.video.width() // 3)
        self.overlay.setGeometry(
            top_left.x() + self.video.width() - width - 24,
            top_left.y() + 24,
            width,
            int(self.video.height() * 0.6),
        )

    def _hide_overlay(self) -> None:
        if self.overlay is None:
            return
        self.overlay.hide()
        self.sidebar.insertWidget(0, self.now_panel)
        self.overlay.deleteLater()
        self.overlay = None

    # --- memory -----------------------------------------------------------------------------

    def _layout_state(self) -> dict[str, QByteArray]:
        return {
            "splitter": self.splitter.saveState(),
            "sidebar": self.sidebar.saveState(),
            "panel": QByteArray(b"1" if self.panel_action.isChecked() else b"0"),
            "browser": QByteArray(b"1" if self.browse_action.isChecked() else b"0"),
        }

    def _restore_layout(self, layout: dict) -> None:
        if "splitter" in layout:
            self.splitter.restoreState(layout["splitter"])
        if "sidebar" in layout:
            self.sidebar.restoreState(layout["sidebar"])
        for name, action, widget in (
            ("panel", self.panel_action, self.sidebar),
            ("browser", self.browse_action, self.browse),
        ):
            if name in layout:
                visible = bytes(layout[name]) != b"0"
                action.setChecked(visible)
                widget.setVisible(visible)
        if "geometry" in layout:
            self.restoreGeometry(layout["geometry"])

    def _remember_video(self) -> None:
        assert self.video_path is not None  # callers check that a video is open
        self.memory.remember(
            video_key(self.video_path),
            self.player.position(),
            self.player.audio_track(),
            self._layout_state(),
            path=self.video_path,
        )

    def remember_all(self) -> None:
        if self.video_path:
            self._remember_video()
        else:
            self.memory.remember(clock_key(self.content.film_id), self.player.position(), None, {})
        self.memory.remember_window({**self._layout_state(), "geometry": self.saveGeometry()})

    def closeEvent(self, event: QCloseEvent) -> None:
        self.leave_fullscreen()
        self.remember_all()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Timers first, then the players (stop, release): the order that never hangs libVLC."""
        self.follower.stop()
        self._autosave.stop()
        self.browse.cancel_pending()
        self.player.close()
        if self._vlc is not None and self._vlc is not self.player:
            self._vlc.close()
        self._vlc = None
