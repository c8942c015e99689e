"""The left-hand picture: libVLC's native child window, or the clock face in second-screen mode.

The surface is a native window (its own X11 id / HWND / NSView) that libVLC draws into; Qt paints
it only while the player rests (a long pause: the paused picture as a still). The pane does what
VLC and mpv users reach for: a click plays or pauses, a double-click goes fullscreen, the wheel
changes the volume (libVLC is told to leave the mouse to us). Without a video the same place
shows a large clock, the film title and why there is no picture, so clock mode reads as a
feature, not as a broken player.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from companion.ui import style
from companion.ui.style import hms


class VideoSurface(QWidget):
    """A black native window for libVLC; ``winId()`` is what the player embeds into."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("black"))
        self.setPalette(palette)
        self.setMinimumSize(320, 180)
        self.setMouseTracking(True)
        self.still: QImage | None = None
        self.line: str | None = None  # the on-video commentary line, drawn on the still

    def set_line(self, text: str | None) -> None:
        """libVLC draws the line on a playing picture; a still gets it from here."""
        self.line = text
        if self.still is not None:
            self.update()

    def show_still(self, path: str | None) -> None:
        """The paused picture while libVLC rests (None: libVLC draws again)."""
        self.still = QImage(path) if path else None
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("black"))
        if self.still is not None and not self.still.isNull():
            size = self.still.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) // 2, (self.height() - size.height()) // 2
            painter.drawImage(QRectF(x, y, size.width(), size.height()), self.still)
            if self.line:
                self._draw_line(painter, QRectF(x, y + 16, size.width(), 60))
        painter.end()

    def _draw_line(self, painter: QPainter, rect: QRectF) -> None:
        font = QFont(self.font())
        font.setPixelSize(22)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.setPen(QColor(0, 0, 0, 200))
        painter.drawText(rect.translated(2, 2), flags, self.line or "")
        painter.setPen(QColor("white"))
        painter.drawText(rect, flags, self.line or "")


class ClockFace(QWidget):
    """Big film time for second-screen use; repainted only when the shown second changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.reason = ""
        self.state_text = ""
        self._time_text = hms(0.0)
        self.setMinimumSize(320, 180)

    def set_time(self, t: float) -> None:
        text = hms(t)
        if text != self._time_text:
            self._time_text = text
            self.update()

    def set_state_text(self, text: str) -> None:
        if text != self.state_text:
            self.state_text = text
            self.update()

    def set_info(self, title: str, reason: str) -> None:
        self.title, self.reason = title, reason
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#0b0c0f"))
        w, h = self.width(), self.height()
        font = QFont(self.font())
        font.setPixelSize(max(28, int(min(w / 8, h / 5))))
        font.setWeight(QFont.Weight.Light)
        painter.setFont(font)
        painter.setPen(QColor(style.TEXT))
        painter.drawText(
            QRectF(0, h * 0.22, w, h * 0.36), Qt.AlignmentFlag.AlignCenter, self._time_text
        )
        font.setPixelSize(max(13, int(h / 22)))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.drawText(QRectF(0, h * 0.10, w, h * 0.12), Qt.AlignmentFlag.AlignCenter, self.title)
        font.setPixelSize(max(11, int(h / 34)))
        font.setWeight(QFont.Weight.Normal)
        painter.setFont(font)
        painter.setPen(QColor(style.ACCENT))
        painter.drawText(
            QRectF(0, h * 0.56, w, h * 0.06), Qt.AlignmentFlag.AlignCenter, self.state_text
        )
        painter.setPen(QColor(style.MUTED))
        painter.drawText(
            QRectF(w * 0.1, h * 0.66, w * 0.8, h * 0.3),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.reason,
        )
        painter.end()


class VideoPane(QStackedWidget):
    clicked = Signal()  # a single click (not the first half of a double-click)
    double_clicked = Signal()
    wheel_steps = Signal(int)  # +1 per notch away from the viewer
    mouse_moved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = ClockFace()
        self.surface = VideoSurface()
        self.addWidget(self.clock)
        self.addWidget(self.surface)
        self.setMouseTracking(True)
        self.clock.setMouseTracking(True)
        self._click = QTimer(self)
        self._click.setSingleShot(True)
        self._click.timeout.connect(self.clicked)
        for child in (self.clock, self.surface):
            child.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        """The children's mouse events are the pane's (the surface is a native window)."""
        kind = event.type()
        if kind == event.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._click.start(QApplication.doubleClickInterval())
        elif kind == event.Type.MouseButtonDblClick:
            self._click.stop()
            self.double_clicked.emit()
        elif kind == event.Type.Wheel and isinstance(event, QWheelEvent):
            notches = round(event.angleDelta().y() / 120)
            if notches:
                self.wheel_steps.emit(notches)
            return True
        elif kind == event.Type.MouseMove and isinstance(event, QMouseEvent):
            self.mouse_moved.emit()
        return False

    def show_video(self) -> None:
        self.setCurrentWidget(self.surface)

    def show_clock(self, title: str, reason: str) -> None:
        self.clock.set_info(title, reason)
        self.setCurrentWidget(self.clock)

    def showing_video(self) -> bool:
        return self.currentWidget() is self.surface


class NoticeBar(QFrame):
    """A dismissible, non-modal message above the video: bad files are reported, never blocking."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            f"NoticeBar {{ background: #3a2a12; border-bottom: 1px solid {style.BORDER}; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.closed.emit()
