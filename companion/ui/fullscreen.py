"""Fullscreen: the menu and status bars go, the panel stays beside, floats over or hides, and the
controls (timeline, editing strip, transport) hide themselves until the mouse moves.

The overlay is its own translucent frameless tool window over the video's right side: a Qt widget
cannot be drawn over libVLC's native window, a top-level can. On a desktop without a compositor
the window manager may draw it opaque; it is still readable.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from companion.ui.actions import ActionTable
from companion.ui.memory import Memory
from companion.ui.window_builder import Parts

PANEL_MODES = ("side", "overlay", "hidden")
HIDE_CONTROLS_MS = 2500
OVERLAY_OPACITY = 0.85


class FullscreenController(QObject):
    def __init__(
        self, window: QMainWindow, parts: Parts, memory: Memory, actions: ActionTable
    ) -> None:
        super().__init__(window)
        self.window, self.parts, self.memory = window, parts, memory
        self.overlay: QWidget | None = None
        self._restore: dict[str, bool] = {}
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(HIDE_CONTROLS_MS)
        self._hide.timeout.connect(self._hide_controls)
        actions.bind("view.fullscreen", self.toggle)
        menu = actions.submenu("view.panel_mode")
        group = QActionGroup(self)
        current = memory.choice("fullscreen_panel", "side")
        for mode in PANEL_MODES:
            action = menu.addAction(mode.capitalize())
            action.setCheckable(True)
            action.setChecked(mode == current)
            action.triggered.connect(
                lambda _=False, m=mode: memory.set_choice("fullscreen_panel", m)
            )
            group.addAction(action)
        parts.video.double_clicked.connect(self.toggle)
        parts.video.mouse_moved.connect(self.show_controls)

    def active(self) -> bool:
        return self.window.isFullScreen()

    def toggle(self) -> None:
        if self.active():
            self.leave()
            return
        parts = self.parts
        mode = self.memory.choice("fullscreen_panel", "side")
        self._restore = {"sidebar": parts.sidebar.isVisible(), "browse": parts.browse.isVisible()}
        self.window.menuBar().hide()
        self.window.statusBar().hide()
        parts.browse.hide()
        parts.sidebar.setVisible(mode == "side")
        if mode == "overlay":
            self._show_overlay()
        self.window.showFullScreen()
        self.window.setFocus()  # hidden widgets passed focus on: keys must stay the player's
        self._hide.start()

    def leave(self) -> bool:
        """Back to the window; False if it was not fullscreen."""
        if not self.active():
            return False
        self._hide.stop()
        self._hide_overlay()
        self.window.showNormal()
        self.window.menuBar().show()
        self.window.statusBar().show()
        self.parts.controls.show()
        self.parts.video.unsetCursor()
        self.parts.sidebar.setVisible(self._restore.get("sidebar", True))
        self.parts.browse.setVisible(self._restore.get("browse", True))
        return True

    # --- controls that hide themselves ----------------------------------------------------

    def show_controls(self) -> None:
        if self.active():
            self.parts.controls.show()
            self.parts.video.unsetCursor()
            self._hide.start()

    def _hide_controls(self) -> None:
        """The controls and the mouse pointer leave the picture until the mouse moves."""
        if self.active() and not self.parts.controls.underMouse():
            self.parts.controls.hide()
            self.parts.video.setCursor(Qt.CursorShape.BlankCursor)

    # --- the overlay panel ----------------------------------------------------------------

    def _show_overlay(self) -> None:
        overlay = QWidget(self.window, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint)
        overlay.setObjectName("overlay")
        overlay.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        overlay.setWindowOpacity(OVERLAY_OPACITY)
        overlay.setStyleSheet("QWidget#overlay { background: rgba(15, 16, 20, 200); }")
        layout = QVBoxLayout(overlay)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.parts.now_panel)
        self.parts.now_panel.show()
        self.overlay = overlay
        QTimer.singleShot(300, self._place_overlay)
        overlay.show()

    def _place_overlay(self) -> None:
        if self.overlay is None:
            return
        video = self.parts.video
        top_left = video.mapToGlobal(video.rect().topLeft())
        width = max(360, video.width() // 3)
        self.overlay.setGeometry(
            top_left.x() + video.width() - width - 24,
            top_left.y() + 24,
            width,
            int(video.height() * 0.6),
        )

    def _hide_overlay(self) -> None:
        if self.overlay is None:
            return
        self.overlay.hide()
        self.parts.sidebar.insertWidget(0, self.parts.now_panel)
        self.overlay.deleteLater()
        self.overlay = None
