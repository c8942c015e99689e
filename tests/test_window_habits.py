"""What a VLC or mpv user reaches for, and what the window costs while nothing happens
(issue 14, items 4 and 5): the real window offscreen, the clock player or libVLC (dummy outputs)."""

from __future__ import annotations

import math
import time
from collections import Counter

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from window_helpers import open_window, settings_in

from companion.player.base import PlayerState
from companion.player.vlc_player import vlc_available
from companion.ui.film_model import WATCH_MS


@pytest.fixture
def window(qtbot, store, tmp_path):
    win = open_window(qtbot, store, settings_in(tmp_path))
    yield win
    win.close()


def picture(window):
    return window.video.currentWidget()


def test_a_click_on_the_picture_plays_and_pauses(qtbot, window):
    qtbot.mouseClick(picture(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=2000)
    qtbot.mouseClick(picture(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PAUSED, timeout=2000)


def test_a_double_click_goes_fullscreen_without_pausing(qtbot, window):
    qtbot.mouseDClick(picture(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    assert window.player.state() is not PlayerState.PLAYING  # the click half did not count
    qtbot.mouseDClick(picture(window), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2000)


def move_over(target, at: QPointF) -> None:
    """The mouse moving over ``target`` with no button down, as the window system reports it."""
    event = QMouseEvent(
        QEvent.Type.MouseMove, at, QPointF(target.mapToGlobal(at.toPoint())),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(target, event)


def test_the_wheel_over_the_picture_changes_the_volume(window):
    target = picture(window)
    before = window.player.volume()
    for delta in (120, 120, -120):
        event = QWheelEvent(
            QPointF(20, 20), QPointF(target.mapToGlobal(QPoint(20, 20))), QPoint(0, 0),
            QPoint(0, delta), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(target, event)
    assert window.player.volume() == before + 5
    assert window.transport.volume.value() == window.player.volume()


def test_controls_hide_in_fullscreen_and_come_back_when_the_mouse_moves(qtbot, window):
    window.fullscreen._hide.setInterval(100)
    window.fullscreen.toggle()
    qtbot.waitUntil(window.isFullScreen, timeout=2000)
    qtbot.waitUntil(lambda: not window.parts.controls.isVisible(), timeout=2000)
    assert window.video.cursor().shape() == Qt.CursorShape.BlankCursor
    # Sent to the picture itself: QTest's moves reached only the main window until a window of
    # the process had been fullscreen once, so this test failed when run alone.
    for x, y in ((30, 30), (60, 40)):
        move_over(picture(window), QPointF(x, y))
    qtbot.waitUntil(window.parts.controls.isVisible, timeout=2000)
    assert window.video.cursor().shape() != Qt.CursorShape.BlankCursor
    window.fullscreen.leave()
    assert window.parts.controls.isVisible()


def test_the_overlay_panel_is_translucent(qtbot, window):
    window.memory.set_choice("fullscreen_panel", "overlay")
    window.fullscreen.toggle()
    qtbot.waitUntil(lambda: window.overlay is not None, timeout=2000)
    overlay = window.overlay
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
    assert overlay.windowOpacity() < 1.0
    assert window.now_panel.window() is overlay
    window.fullscreen.leave()


def test_paused_nothing_polls_but_the_store_watch(qtbot, window):
    assert not window.follower.polling()  # stopped at start
    window.toggle_play()
    assert window.follower.polling()
    window.toggle_play()
    assert window.player.state() is PlayerState.PAUSED
    assert not window.follower.polling()
    assert not window.session._autosave.isActive()
    assert window.model._watch.interval() == WATCH_MS >= 500  # at most 2 Hz


@pytest.mark.vlc
@pytest.mark.skipif(not vlc_available()[0], reason="needs libVLC")
def test_a_paused_video_rests_and_wakes(qtbot, store, tmp_path, test_clip):
    win = open_window(
        qtbot, store, settings_in(tmp_path), vlc_args=("--vout=dummy", "--aout=dummy")
    )
    assert win.open_video(str(test_clip))
    qtbot.waitUntil(lambda: win.player.state() is PlayerState.PLAYING, timeout=10000)
    qtbot.waitUntil(lambda: win.player.position() > 1.0, timeout=5000)
    win.player.pause()
    qtbot.waitUntil(win.player.resting, timeout=5000)
    assert win.video.surface.still is not None and not win.video.surface.still.isNull()
    win.player.set_marquee("WHEDON: a new line")  # the picture must show it: wake, rest again
    assert not win.player.resting()
    qtbot.waitUntil(win.player.resting, timeout=5000)
    at = win.player.position()
    win.player.play()
    assert not win.player.resting() and win.video.surface.still is None
    qtbot.waitUntil(lambda: win.player.position() > at + 0.5, timeout=5000)
    win.close()


class TimerCount(QObject):
    """Counts the timer events delivered in the app, per timer (every wake-up of the app)."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: Counter[int] = Counter()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Timer:
            self.fired[event.timerId()] += 1
        return False


@pytest.mark.vlc
@pytest.mark.skipif(not vlc_available()[0], reason="needs libVLC")
def test_paused_with_a_video_the_app_wakes_at_most_twice_a_second(
    qtbot, store, tmp_path, test_clip
):
    win = open_window(
        qtbot, store, settings_in(tmp_path), vlc_args=("--vout=dummy", "--aout=dummy")
    )
    assert win.open_video(str(test_clip))
    qtbot.waitUntil(lambda: win.player.state() is PlayerState.PLAYING, timeout=10000)
    win.player.pause()
    qtbot.waitUntil(win.player.resting, timeout=5000)
    counter = TimerCount()
    QApplication.instance().installEventFilter(counter)
    started = time.monotonic()
    qtbot.wait(3000)
    elapsed = time.monotonic() - started  # a busy machine makes the wait longer
    QApplication.instance().removeEventFilter(counter)
    repeating = [n for n in counter.fired.values() if n > 1]
    # the store watch at 2 Hz: one tick per half second, both ends of the wait counted
    assert len(repeating) == 1 and repeating[0] <= math.ceil(2 * elapsed) + 1
    # Besides it, only one-shots: a status message and its timeout, or the end of the copy's
    # first sync (a background job) when it finishes during the wait; none of them repeats.
    assert sum(counter.fired.values()) - repeating[0] <= 6
    win.close()
