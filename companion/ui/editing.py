"""Fixing timings while watching: the editing strip, its hotkeys and Qt's undo stack.

The store's edit history is the truth (it survives restarts and is shared with the CLI); the
``QUndoStack`` mirrors it so the window gets undo/redo actions, texts and an undo view. Every
change goes to :mod:`companion.timing.edits` first and the stack only moves once the store has
moved, so a refused or busy edit never leaves the two disagreeing; if the history changed behind the
window's back (a CLI edit), the stack is rebuilt from the store before anything is undone.

Drag a boundary between two segments on the timeline to move it. Hotkeys (from the window's
action table): I / O set the selected segment's start / end at the playhead; Alt+←/→ nudge its
start by 0.1 s (with Shift: 1 s), Ctrl+Alt+←/→ its end by 0.1 s; P pins it in place or unpins
it, Shift+P reverts it to the machine's time; Ctrl+Z / Ctrl+Shift+Z undo and redo.

Unpin and Revert are different operations: unpinning a segment that was pinned where the machine
had it changes no time, while times set by hand are only ever dropped by Revert (P on such a
segment says so and changes nothing). The controller never writes into the window: it edits the
store, asks the window's film model to refresh (which updates every view) and says what it did.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from companion.errors import CompanionError
from companion.model import Segment
from companion.store import Store
from companion.timing import edits
from companion.timing.copy_times import nudge_to_reference, time_to_reference
from companion.timing.timecode import format_time
from companion.ui import style
from companion.ui.actions import ActionTable
from companion.ui.main_window import MainWindow

SAME_TIME_S = 0.0005  # times equal to the millisecond the store keeps


class _DryRun(Exception):
    """Raised inside a transaction to roll back an edit that was only tried."""


PIN_HINT = {
    (False, False): "",
    (True, False): " · start pinned",
    (False, True): " · end pinned",
    (True, True): " · pinned",
}


class MirrorCommand(QUndoCommand):
    """One store edit on the stack. Moving the stack through it (an undo view click) makes the
    store follow; the controller moves the stack itself only after the store has moved."""

    def __init__(self, controller: EditingController, edit: edits.Edit) -> None:
        super().__init__(edit.label)
        self.controller = controller
        self.edit_id = edit.id

    def undo(self) -> None:
        self.controller.follow_stack(edits.undo)

    def redo(self) -> None:
        self.controller.follow_stack(edits.redo)


class EditingController(QObject):
    """Turns the window's selection + playhead + keys into edits, and shows their results."""

    edited = Signal(object)  # edits.Edit (made, undone or redone)
    failed = Signal(str)

    def __init__(self, window: MainWindow, store: Store, track_id: str) -> None:
        super().__init__(window)
        self.window, self.store, self.track_id = window, store, track_id
        self.stack = QUndoStack(self)
        self._mirroring = False
        self._known: list[tuple[int, str]] = []
        self.strip = EditingStrip(self)
        window.add_editing_strip(self.strip)
        window.selection_changed.connect(self.strip.show_segment)
        window.parts.timeline.boundary_moved.connect(self.move_boundary)
        window.model.changed.connect(self._store_changed)
        self._bind(window.commands)
        self.resync()
        self.strip.show_segment(window.selected_segment())

    # --- the stack mirrors the store ----------------------------------------------------------

    def resync(self) -> None:
        """Rebuild the stack from the store's history (done edits, then the undone tail; a
        damaged record, set aside, is no step of it)."""
        history = edits.history(self.store, self.track_id)
        self._mirroring = True
        try:
            self.stack.clear()
            for edit in history:
                if edit.state != "damaged":
                    self.stack.push(MirrorCommand(self, edit))
            self.stack.setIndex(sum(e.state == "done" for e in history))
        finally:
            self._mirroring = False
        self._known = [(e.id, e.state) for e in history]

    def _store_changed(self, kinds: frozenset[str]) -> None:
        """An edit made elsewhere (the CLI, an import job): the stack follows the history."""
        if "history" in kinds and not self._in_sync():
            self.resync()

    def _in_sync(self) -> bool:
        return self._known == [(e.id, e.state) for e in edits.history(self.store, self.track_id)]

    def _mirror(self, move: Callable[[], None]) -> None:
        self._mirroring = True
        try:
            move()
        finally:
            self._mirroring = False
        self._known = [(e.id, e.state) for e in edits.history(self.store, self.track_id)]

    def follow_stack(self, replay: Callable[[Store, str], edits.Edit]) -> None:
        """The stack moved by itself (undo view): make the store follow, or put it back."""
        if self._mirroring:
            return
        try:
            edit = replay(self.store, self.track_id)
        except CompanionError as exc:
            self.failed.emit(str(exc))
            edit = None
        # known before the views reload: the stack is mid-move and must not be rebuilt now
        self._known = [(e.id, e.state) for e in edits.history(self.store, self.track_id)]
        if edit is not None:
            self._after(edit)

    # --- making edits -------------------------------------------------------------------------

    def apply(self, make: Callable[[Store, str, Segment], edits.Edit]) -> edits.Edit | None:
        """Run one edit on the selected segment."""
        segment = self.window.selected_segment()
        if segment is None:
            self._fail("select a segment first (click it in the list or on the timeline)")
            return None
        return self.run(lambda store, track: make(store, track, segment))

    def run(self, make: Callable[[Store, str], edits.Edit]) -> edits.Edit | None:
        """Run one edit; on success the stack gets its command and the window the new times."""
        if not self._in_sync():
            self.resync()
        try:
            edit = make(self.store, self.track_id)
        except CompanionError as exc:
            self._fail(str(exc))
            return None
        self._mirror(lambda: self.stack.push(MirrorCommand(self, edit)))
        self._after(edit)
        return edit

    def move_boundary(self, n: int, t: float) -> None:
        """A boundary dragged on the timeline: segment ``n`` starts (``n - 1`` ends) at ``t``."""
        self.window.select_segment(self.window.content.segment(n))
        reference = time_to_reference(self.window.content.release, t)
        self.run(lambda store, track: edits.move_boundary(store, track, n, reference))

    def undo(self) -> None:
        self._replay(edits.undo, self.stack.undo, "Undone")

    def redo(self) -> None:
        self._replay(edits.redo, self.stack.redo, "Redone")

    def _replay(
        self, replay: Callable[[Store, str], edits.Edit], move: Callable[[], None], verb: str
    ) -> None:
        if not self._in_sync():
            self.resync()
        try:
            edit = replay(self.store, self.track_id)
        except CompanionError as exc:
            self._fail(str(exc))
            return
        self._mirror(move)
        self._after(edit, f"{verb}: {edit.label}")
        for warning in edit.warnings:  # a damaged record was set aside on the way
            self._fail(warning)
        if edit.warnings:
            self.resync()

    def _after(self, edit: edits.Edit, message: str = "") -> None:
        """Show the new timings everywhere (the film model reloads what the edit wrote)."""
        self.window.model.refresh()
        self.strip.show_segment(self.window.selected_segment())
        self.window.say(message or edit.label, 6000)
        self.edited.emit(edit)

    def _fail(self, message: str) -> None:
        self.window.say(message, 8000)
        self.strip.show_problem(message)
        self.failed.emit(message)

    # --- the edits the keys and buttons make ----------------------------------------------------

    def playhead(self) -> float:
        """The player's time on the reference clock (the window shows the copy's)."""
        position = self.window.player.position()
        return round(time_to_reference(self.window.content.release, position), 3)

    def set_at_playhead(self, edge: edits.Edge) -> None:
        t = self.playhead()
        self.apply(lambda store, track, seg: edits.set_time(store, track, seg.n, t, edge))

    def nudge(self, delta: float, edge: edits.Edge = "start") -> None:
        """Move an edge by ``delta`` seconds of the copy being watched."""
        release = self.window.content.release

        def make(store: Store, track: str, seg: Segment) -> edits.Edit:
            shown = seg.start_s if edge == "start" else seg.end_s
            return edits.nudge(store, track, seg.n, nudge_to_reference(release, shown, delta), edge)

        self.apply(make)

    def toggle_pin(self) -> None:
        """P: pin where it shows; on a pinned segment, unpin, unless that would move it."""
        segment = self.window.selected_segment()
        if segment is not None and segment.pinned and self.unpin_moves(segment):
            self._fail(
                f"segment {segment.n}'s times were set by hand; P leaves them: "
                "Revert (Shift+P) puts it back to the machine's time"
            )
            return
        self.apply(
            lambda store, track, seg: (edits.unpin if seg.pinned else edits.pin)(
                store, track, seg.n
            )
        )

    def unpin_moves(self, segment: Segment) -> bool:
        """Would unpinning move it? Tried in a transaction that is rolled back."""
        try:
            with self.store.transaction():
                edits.unpin(self.store, self.track_id, segment.n)
                after = self.store.segment(self.track_id, segment.n)
                raise _DryRun
        except _DryRun:
            pass
        except CompanionError:
            return False
        return (
            abs(after.start_s - segment.start_s) > SAME_TIME_S
            or abs(after.end_s - segment.end_s) > SAME_TIME_S
        )

    def revert(self) -> None:
        self.apply(lambda store, track, seg: edits.revert(store, track, seg.n))

    def _bind(self, actions: ActionTable) -> None:
        for command, slot in (
            ("edit.start", lambda: self.set_at_playhead("start")),
            ("edit.end", lambda: self.set_at_playhead("end")),
            ("edit.start-0.1", lambda: self.nudge(-0.1)),
            ("edit.start+0.1", lambda: self.nudge(0.1)),
            ("edit.start-1", lambda: self.nudge(-1.0)),
            ("edit.start+1", lambda: self.nudge(1.0)),
            ("edit.end-0.1", lambda: self.nudge(-0.1, "end")),
            ("edit.end+0.1", lambda: self.nudge(0.1, "end")),
            ("edit.pin", self.toggle_pin),
            ("edit.revert", self.revert),
            ("edit.undo", self.undo),
            ("edit.redo", self.redo),
        ):
            actions.bind(command, slot)


class EditingStrip(QWidget):
    """The selected segment's times and origin, with the edit buttons."""

    def __init__(self, controller: EditingController) -> None:
        super().__init__()
        self.controller = controller
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        self.label = QLabel()
        self.label.setObjectName("editing-label")
        layout.addWidget(self.label, 1)
        for text, tip, slot in (
            ("⇤ Start", "Set start at playhead (I)", lambda: controller.set_at_playhead("start")),
            ("−1", "Start −1 s (Alt+Shift+←)", lambda: controller.nudge(-1.0)),
            ("−.1", "Start −0.1 s (Alt+←)", lambda: controller.nudge(-0.1)),
            ("+.1", "Start +0.1 s (Alt+→)", lambda: controller.nudge(0.1)),
            ("+1", "Start +1 s (Alt+Shift+→)", lambda: controller.nudge(1.0)),
            ("End ⇥", "Set end at playhead (O)", lambda: controller.set_at_playhead("end")),
            ("Pin", "Pin in place / unpin (P)", controller.toggle_pin),
            ("Revert", "Back to the machine's time (Shift+P)", controller.revert),
            ("↶", "Undo (Ctrl+Z)", controller.undo),
            ("↷", "Redo (Ctrl+Shift+Z)", controller.redo),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setFlat(True)
            button.clicked.connect(slot)
            layout.addWidget(button)
            if text == "Pin":
                self.pin_button = button

    def show_segment(self, segment: Segment | None) -> None:
        if segment is None:
            self.label.setText("No segment selected")
            return
        colour = style.ORIGIN_COLOURS.get(segment.origin, style.MUTED)
        self.label.setText(
            f"<b>#{segment.n}</b>  {format_time(segment.start_s)} – {format_time(segment.end_s)}"
            f"  <span style='color:{colour}'>● {segment.origin}</span>"
            f"{PIN_HINT[(segment.start_pinned, segment.end_pinned)]}"
        )
        self.pin_button.setText("Unpin" if segment.pinned else "Pin")

    def show_problem(self, message: str) -> None:
        """Say why an edit was refused, under the segment it was meant for."""
        segment = self.controller.window.selected_segment()
        self.show_segment(segment)
        self.label.setText(
            f"{self.label.text()}  <span style='color:{style.ORIGIN_COLOURS['pinned']}'>"
            f"⚠ {html.escape(message)}</span>"
        )


def install_editing(
    window: MainWindow, store: Store, track_id: str | None = None
) -> EditingController:
    """Give the window its timing editor for the store's track (the film's first by default)."""
    return EditingController(window, store, store.track(track_id)["id"])
