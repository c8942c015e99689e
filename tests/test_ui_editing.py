"""The timing editor in the real window (offscreen, clock player) on a real store file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from companion.store import Store
from companion.timing import edits
from companion.timing.timecode import format_time
from companion.ui.editing import install_editing
from companion.ui.film_model import FilmModel
from companion.ui.main_window import MainWindow

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class FrozenClock:
    """The clock player's time source, held still so the playhead is exactly where we seek."""

    def __call__(self) -> float:
        return 100.0


def open_editor(qtbot, store: Store, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(FilmModel.from_store(store), settings, clock_time=FrozenClock())
    qtbot.addWidget(window)
    controller = install_editing(window, store)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    return window, controller


@pytest.fixture
def editor(qtbot, store, tmp_path):
    window, controller = open_editor(qtbot, store, tmp_path)
    yield window, controller, store
    window.close()


def key(qtbot, window, k, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window, k, modifiers)


def test_hotkeys_edit_the_selected_segment_and_undo_through_the_store(qtbot, editor):
    window, controller, store = editor
    track = controller.track_id
    window.select_segment(window.content.segment(42))
    window.seek(2512.3)
    key(qtbot, window, Qt.Key.Key_I)
    seg = store.segment(track, 42)
    assert seg.start_s == 2512.3 and seg.start_pinned
    assert controller.stack.count() == 1
    assert controller.stack.undoText() == "Pin segment 42 at 00:41:52.300"
    key(qtbot, window, Qt.Key.Key_Right, ALT)
    key(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)
    assert store.segment(track, 42).start_s == pytest.approx(2513.4)
    window.seek(2540.0)
    key(qtbot, window, Qt.Key.Key_O)
    key(qtbot, window, Qt.Key.Key_Left, CTRL | ALT)
    assert store.segment(track, 42).end_s == pytest.approx(2539.9)
    assert controller.stack.count() == 5
    # the window shows the new times: content, list (origin in the tooltip), strip
    shown = window.content.segment(42)
    assert (shown.start_s, shown.origin) == (store.segment(track, 42).start_s, "pinned")
    model = window.browse.segment_model
    assert "pinned" in model.rows[model.row_of("segment", "42")].tip
    assert "00:41:53.400" in controller.strip.label.text()
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert store.segment(track, 42).end_s != pytest.approx(2539.9)
    assert not store.segment(track, 42).end_pinned
    assert controller.stack.index() == 3
    assert [e.state for e in edits.history(store, track)] == ["done"] * 3 + ["undone"] * 2
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert store.segment(track, 42).end_s == 2540.0 and controller.stack.index() == 4


def test_pin_toggle_and_a_refused_edit(qtbot, editor):
    window, controller, store = editor
    track = controller.track_id
    window.select_segment(window.content.segment(60))
    before = store.segment(track, 60)
    key(qtbot, window, Qt.Key.Key_P)
    seg = store.segment(track, 60)
    assert seg.start_pinned and seg.end_pinned and seg.start_s == before.start_s
    assert controller.strip.pin_button.text() == "Unpin"
    window.select_segment(window.content.segment(61))
    window.seek(before.start_s - 5)  # before segment 60's pinned start: out of order
    key(qtbot, window, Qt.Key.Key_I)
    assert "must stay in order" in window.statusBar().currentMessage()
    assert "must stay in order" in controller.strip.label.text()
    assert controller.stack.count() == 1 and len(edits.history(store, track)) == 1
    window.select_segment(window.content.segment(60))
    key(qtbot, window, Qt.Key.Key_P)
    assert not store.segment(track, 60).pinned
    assert store.segment(track, 60).start_s == before.start_s


def test_history_survives_a_restart_and_follows_edits_made_elsewhere(qtbot, store, tmp_path):
    track = store.track()["id"]
    window, controller = open_editor(qtbot, store, tmp_path)
    window.select_segment(window.content.segment(30))
    window.seek(1000.0)
    key(qtbot, window, Qt.Key.Key_I)
    key(qtbot, window, Qt.Key.Key_Right, ALT)
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    window.close()
    other = Store(store.path)  # e.g. the CLI, in another process
    edits.shift(other, track, 1.0, segments=(100, 101))
    other.close()

    window, controller = open_editor(qtbot, store, tmp_path / "again")
    assert controller.stack.count() == 2  # the undone nudge was dropped by the newer edit
    assert controller.stack.undoText() == "Shift segments 100-101 by +1 s"
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert not store.segment(track, 100).pinned
    edits.set_time(store, track, 150, store.segment(track, 150).start_s + 2)  # behind its back
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # undoes what the store says is last
    assert not store.segment(track, 150).pinned
    assert store.segment(track, 30).start_s == 1000.0  # the pin from the first session
    assert controller.stack.index() == 1
    assert [e.state for e in edits.history(store, track)] == ["done", "undone"]
    window.close()


def test_moving_through_the_stack_moves_the_store(qtbot, editor):
    """An undo view or the stack's own actions move the stack first: the store follows."""
    window, controller, store = editor
    track = controller.track_id
    window.select_segment(window.content.segment(80))
    window.seek(store.segment(track, 80).start_s + 3)
    key(qtbot, window, Qt.Key.Key_I)
    key(qtbot, window, Qt.Key.Key_Right, CTRL | ALT)
    controller.stack.setIndex(0)
    assert not store.segment(track, 80).pinned
    assert [e.state for e in edits.history(store, track)] == ["undone", "undone"]
    controller.stack.setIndex(2)
    assert store.segment(track, 80).end_pinned


def test_dragging_a_boundary_on_the_timeline_moves_it(qtbot, editor):
    window, controller, store = editor
    track = controller.track_id
    seg = window.content.segment(42)
    window.seek(seg.start_s)
    timeline = window.timeline
    qtbot.waitUntil(lambda: timeline.view_start <= seg.start_s <= timeline.view_start + 60)
    y = timeline._segment_rect_y() + 5
    x = timeline.detail_x(seg.start_s)
    assert timeline.boundary_near(x + 2, y).n == 42
    target = round(timeline.detail_time(x + 40), 3)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    qtbot.mouseMove(timeline, QPoint(round(x + 40), round(y)))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(x + 40), round(y)))
    moved = store.segment(track, 42)
    assert moved.start_pinned and moved.start_s == pytest.approx(target, abs=0.2)
    assert store.segment(track, 41).end_s == moved.start_s
    assert (
        controller.stack.undoText() == f"Move start of segment 42 to {format_time(moved.start_s)}"
    )
    assert window.content.segment(42).start_s == moved.start_s
