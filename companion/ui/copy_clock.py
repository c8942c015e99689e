"""The window on the clock of the copy being watched: sync it in the background, remember it.

Opening a video the store has not seen starts a sync on the window's job runner (progress bar,
Cancel; the video plays meanwhile) and, once measured, remembers the map and says what it found.
A copy seen before (by content, wherever it now lives) gets its remembered map at once. Until a
copy is placed, and for one that can't be, the panel stays on the reference clock and says so.

All the window shows comes from its :class:`~companion.ui.content.FilmContent`, so putting that on
the copy's clock is the whole conversion for the panel, timeline, lists and go-to; the editor
converts what it sends to the store back to the reference clock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from companion.alignment import copies
from companion.errors import CompanionError
from companion.jobs import CancelToken, Progress
from companion.player.base import Player
from companion.player.clock import ClockPlayer
from companion.store import Store, StoredCopy
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.ui.main_window import MainWindow

SYNC_JOB = "Syncing your copy"  # ui.tools leaves this job's result to this module
RETIMED = frozenset({"segments", "anchors", "notes"})  # what a change of clock moves


class CopyClock(QObject):
    """Keeps the window's content on the clock of the video it plays."""

    def __init__(self, window: MainWindow, store: Store) -> None:
        super().__init__(window)
        self.window, self.store = window, store
        self.film_id = window.content.film_id
        self.jobs = window.jobs  # one job at a time, shared with the window's other tools
        self.copy: StoredCopy | None = None
        self.video: Path | None = None
        self._waiting: Path | None = None  # to sync once the running job ends
        self._syncing = False  # the running job is a sync of ours
        self.jobs.done.connect(self._measured)
        self.jobs.failed.connect(self._not_measured)
        window.playback.video_opened.connect(self.follow)
        window.playback.player_changed.connect(self._player_changed)
        self.sync_action = window.commands.bind("tools.sync", self.sync_again)
        self.manual_action = window.commands.bind("tools.offset", self.ask_offset)
        self.status = QLabel()
        window.statusBar().addPermanentWidget(self.status)
        self._enable()
        if window.video_path:
            self.follow(window.video_path)

    def _player_changed(self, player: Player) -> None:
        if isinstance(player, ClockPlayer):  # the video was closed or refused: clock mode
            self.follow(None)

    # --- which copy ------------------------------------------------------------------------

    def follow(self, path: str | None) -> None:
        """A video was opened (or closed: ``None``): show its clock, syncing it if it is new."""
        self.video = Path(path) if path else None
        self._show(None)
        if self.video is not None:
            self._place(self.video)
        self._enable()

    def _place(self, video: Path) -> None:
        try:
            known = copies.known_copy(self.store, self.film_id, video)
        except CompanionError as exc:
            self._say(f"Can't tell which copy this is ({exc}); showing the reference clock.")
            return
        if known is not None:
            self._show(known)
            self._say(known.summary)
        else:
            self.sync(video)

    def sync(self, video: Path) -> None:
        """Measure ``video`` on a worker thread; the result is remembered on this thread.

        The window runs one job at a time: while one runs, this sync waits for it to end (and a
        sync of the video before is cancelled: its result would no longer be shown).
        """
        self._waiting = video
        if self.jobs.busy:
            if self._syncing:
                self.jobs.cancel()
            return
        self._waiting, self._syncing = None, True
        film_id = self.film_id

        def work(progress: Progress, cancel: CancelToken) -> copies.Measured:
            return copies.measure(film_id, video, progress, cancel)

        self.jobs.start(SYNC_JOB, work)
        self._enable()

    def sync_again(self) -> None:
        if self.video is not None:
            self.sync(self.video)

    def _measured(self, name: str, measured: object) -> None:
        if name == SYNC_JOB and isinstance(measured, copies.Measured):
            self._syncing = False
            copy = copies.remember(self.store, self.film_id, measured)
            if measured.path == self.video and self._waiting is None:
                self._show(copy)
                self._say(copy.summary)
        self._next()

    def _not_measured(self, name: str, message: str) -> None:
        if name == SYNC_JOB:
            self._syncing = False
            if self._waiting is None:
                self._say_why(message)
        self._next()

    def _say_why(self, message: str) -> None:
        clock = "its earlier map" if self.copy else "the reference clock"
        if message == "cancelled":
            self._say(f"Sync cancelled; the panel stays on {clock}.")
            return
        self.window.playback.add_notice(
            f"Couldn't place this copy on the film's clock ({message.rstrip('.')}). The panel "
            f"stays on {clock}; if your copy runs differently, use Tools ▸ Set offset by hand…"
        )

    def _next(self) -> None:
        """A job ended: start the sync that was waiting for it, if its video is still open."""
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting == self.video:
            self.sync(waiting)
        self._enable()

    # --- by hand -----------------------------------------------------------------------------

    def ask_offset(self) -> None:
        if self.video is None:
            self._say("Open your copy of the film first: the offset belongs to a copy.")
            return
        current = self.copy.release if self.copy else IDENTITY
        dialog = OffsetDialog(current, self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_by_hand(dialog.offset.value(), dialog.speed.value())

    def set_by_hand(self, offset_s: float, speed: float = 1.0) -> None:
        if self.video is None:
            return
        try:
            copy = copies.set_by_hand(
                self.store, self.film_id, self.video, ReleaseMap(offset_s, speed)
            )
        except CompanionError as exc:
            self.window.show_notice(str(exc))
            return
        self._show(copy)
        self._say(copy.summary)

    # --- showing ---------------------------------------------------------------------------

    def _show(self, copy: StoredCopy | None) -> None:
        """Put the window's content on ``copy``'s clock (None: the reference clock)."""
        self.copy = copy
        release = copy.release if copy else IDENTITY
        content = self.window.content
        if content.release != release:
            content.set_release(release)
            self.window.model.changed.emit(RETIMED)  # the one way views learn of new times
        self.status.setText(_clock_label(copy, self.video))

    def _say(self, text: str) -> None:
        self.window.say(text, 15000)

    def _enable(self) -> None:
        self.sync_action.setEnabled(self.video is not None and not self.jobs.busy)
        self.manual_action.setEnabled(self.video is not None)


def _clock_label(copy: StoredCopy | None, video: Path | None) -> str:
    if video is None:
        return ""
    if copy is None:
        return "Reference clock"
    return "Your copy's clock" + (" (set by hand)" if copy.manual else "")


class OffsetDialog(QDialog):
    """Offset and speed of the copy, as ``copy = offset + speed × reference``."""

    def __init__(self, current: ReleaseMap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set offset by hand")
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "When the commentary runs early or late on your copy: how many seconds later "
                "(negative: earlier) your copy shows the same scene."
            )
        )
        self.offset = QDoubleSpinBox()
        self.offset.setRange(-3600.0, 3600.0)
        self.offset.setDecimals(2)
        self.offset.setSingleStep(0.1)
        self.offset.setSuffix(" s")
        self.offset.setValue(current.offset_s)
        self.speed = QDoubleSpinBox()
        self.speed.setRange(0.5, 2.0)
        self.speed.setDecimals(6)
        self.speed.setSingleStep(0.001)
        self.speed.setValue(current.speed)
        self.speed.setToolTip("Copy seconds per reference second: a PAL copy is 0.959041")
        form.addRow("Offset", self.offset)
        form.addRow("Speed", self.speed)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
