"""The picture of how the commentary sits on the film, under the video.

Two strips: an overview of the whole film (segments coloured by origin, note markers, where the
detail view is) and a detail view around the playhead (ruler, anchor ticks, segment blocks with
their numbers and first words, note bars). Click or drag either strip to seek; the wheel zooms the
detail view around the cursor. Everything but the playheads is cached in a pixmap (redrawn when the
view pages on or the data changes) and the widget repaints only when a playhead moves by a pixel,
at most MAX_FPS times a second, so a playing film costs a few pixmap blits a second.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from companion.model import Anchor, Segment
from companion.timing.timeline_index import TimelineIndex, note_span
from companion.ui import style
from companion.ui.content import first_words
from companion.ui.style import hms

OVERVIEW_H = 16
GAP = 6
RULER_H = 14
ANCHOR_H = 7
SEGMENT_H = 26
NOTE_H = 14
MARGIN = 10
MIN_SPAN_S = 10.0
DEFAULT_SPAN_S = 240.0
MAX_FPS = 10
LEAD_IN = 0.25  # share of the detail view kept behind the playhead when it pages on
BOUNDARY_GRAB_PX = 4.0


def _ruler_step(span: float, width: float) -> float:
    """A round tick interval giving labels about 90 px apart."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if width / (span / step) >= 90:
            return float(step)
    return 3600.0


class TimelineWidget(QWidget):
    seek_requested = Signal(float)
    segment_clicked = Signal(object)  # Segment
    boundary_moved = Signal(int, float)  # segment n, its new start (a drag; issue 5's editor)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(
            MARGIN + OVERVIEW_H + GAP + RULER_H + ANCHOR_H + SEGMENT_H + 3 + NOTE_H + MARGIN
        )
        self.index = TimelineIndex([])
        self.anchors: list[Anchor] = []
        self.runtime = 1.0
        self.position = 0.0
        self.view_start = 0.0
        self.view_span = DEFAULT_SPAN_S
        self._longest = 0.0
        self._overview: QPixmap | None = None
        self._background: QPixmap | None = None
        # The playhead moves at most MAX_FPS times a second: smooth to the eye, cheap to run.
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(1000 // MAX_FPS)
        self._repaint.timeout.connect(self.update)
        self._since_paint = QElapsedTimer()
        self._since_paint.start()
        self._background_key: tuple | None = None
        self._painted_px: tuple[int, int] | None = None
        self._drag_strip: str | None = None
        self._boundary: tuple[int, float] | None = None  # (segment n, time) while dragged

    # --- data -------------------------------------------------------------------------------

    def set_content(self, index: TimelineIndex, anchors: list[Anchor], runtime: float) -> None:
        self.index = index
        self.anchors = sorted(anchors, key=lambda a: a.film_s)
        self.runtime = max(runtime, 1.0)
        self.view_span = min(self.view_span, self.runtime)
        self._longest = max((s.end_s - s.start_s for s in index.segments.items), default=0.0)
        self._overview = None
        self._background = None
        self.update()

    def set_position(self, t: float) -> None:
        self.position = t
        if not self._drag_strip and not (
            self.view_start <= t <= self.view_start + self.view_span * 0.95
        ):
            self.view_start = self._clamp_view(t - self.view_span * LEAD_IN)
        px = (round(self._overview_x(t)), round(self.detail_x(t)))
        if px == self._painted_px or self._repaint.isActive():
            return
        wait = self._repaint.interval() - self._since_paint.elapsed()
        if wait <= 0:
            self.update()  # idle until now (a seek, a scrub): show it at once
        else:
            self._repaint.start(wait)

    # --- geometry ---------------------------------------------------------------------------

    def _inner(self) -> tuple[float, float]:
        return MARGIN, max(1.0, self.width() - 2 * MARGIN)

    def _overview_x(self, t: float) -> float:
        left, width = self._inner()
        return left + width * t / self.runtime

    def detail_x(self, t: float) -> float:
        left, width = self._inner()
        return left + width * (t - self.view_start) / self.view_span

    def detail_time(self, x: float) -> float:
        left, width = self._inner()
        return self.view_start + (x - left) / width * self.view_span

    def _overview_time(self, x: float) -> float:
        left, width = self._inner()
        return (x - left) / width * self.runtime

    def _detail_top(self) -> float:
        return MARGIN + OVERVIEW_H + GAP

    def _segment_rect_y(self) -> float:
        return self._detail_top() + RULER_H + ANCHOR_H

    def _clamp_view(self, start: float) -> float:
        return min(max(0.0, start), max(0.0, self.runtime - self.view_span))

    # --- painting ---------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        self._overview = None
        self._background = None
        super().resizeEvent(event)

    def paintEvent(self, _event) -> None:
        key = (self.width(), self.height(), self.view_start, self.view_span)
        if self._background is None or self._background_key != key:
            self._background = self._paint_background()
            self._background_key = key
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._background)
        self._paint_playheads(painter)
        painter.end()
        self._since_paint.restart()
        self._painted_px = (
            round(self._overview_x(self.position)),
            round(self.detail_x(self.position)),
        )

    def _paint_background(self) -> QPixmap:
        """Everything but the playheads: redrawn only when the view or the data changes."""
        pixmap = QPixmap(self.size())
        pixmap.fill(QColor(style.SURFACE))
        painter = QPainter(pixmap)
        if self._overview is None or self._overview.size() != self.size():
            self._overview = self._paint_overview()
        painter.drawPixmap(0, 0, self._overview)
        self._paint_view_marker(painter)
        self._paint_detail(painter)
        painter.end()
        return pixmap

    def _paint_overview(self) -> QPixmap:
        pixmap = QPixmap(self.size())
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        left, width = self._inner()
        painter.fillRect(QRectF(left, MARGIN, width, OVERVIEW_H), QColor(style.CARD))
        for segment in self.index.segments.items:
            x0, x1 = self._overview_x(segment.start_s), self._overview_x(segment.end_s)
            rect = QRectF(x0, MARGIN + 3, max(1.0, x1 - x0), OVERVIEW_H - 6)
            fill = style.origin_colour(segment.origin)
            painter.fillRect(rect, fill if segment.n % 2 else fill.darker(135))
        for note in self.index.notes.items:
            x = self._overview_x(note_span(note)[0])
            painter.fillRect(QRectF(x - 1, MARGIN, 2, 4), style.kind_colour(note.kind))
        painter.end()
        return pixmap

    def _paint_view_marker(self, painter: QPainter) -> None:
        x0 = self._overview_x(self.view_start)
        x1 = self._overview_x(self.view_start + self.view_span)
        pen = QPen(QColor(style.TEXT))
        pen.setWidthF(1.0)
        painter.setPen(pen)
        painter.setBrush(QColor(255, 255, 255, 28))
        painter.drawRect(QRectF(x0, MARGIN - 1, max(3.0, x1 - x0), OVERVIEW_H + 1))

    def _paint_detail(self, painter: QPainter) -> None:
        left, width = self._inner()
        top = self._detail_top()
        end = self.view_start + self.view_span
        painter.fillRect(
            QRectF(left, top, width, self.height() - top - MARGIN + 2), QColor(style.BACKGROUND)
        )
        painter.setClipRect(QRectF(left, top, width, self.height() - top))
        self._paint_ruler(painter, top, end)
        self._paint_anchors(painter, top + RULER_H, end)
        self._paint_segments(painter, self._segment_rect_y(), end)
        self._paint_notes(painter, self._segment_rect_y() + SEGMENT_H + 3, end)
        painter.setClipping(False)

    def _paint_ruler(self, painter: QPainter, top: float, end: float) -> None:
        _, width = self._inner()
        step = _ruler_step(self.view_span, width)
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.setPen(QColor(style.MUTED))
        t = (self.view_start // step) * step
        while t <= end:
            x = self.detail_x(t)
            painter.drawLine(QPointF(x, top + RULER_H - 4), QPointF(x, top + RULER_H))
            painter.drawText(QPointF(x + 3, top + RULER_H - 3), hms(t))
            t += step

    def _paint_anchors(self, painter: QPainter, top: float, end: float) -> None:
        painter.setPen(QPen(QColor(style.ORIGIN_COLOURS["anchored"]), 1))
        for anchor in self.anchors:
            if self.view_start <= anchor.film_s <= end:
                x = self.detail_x(anchor.film_s)
                painter.drawLine(QPointF(x, top + 1), QPointF(x, top + ANCHOR_H - 1))

    def _paint_segments(self, painter: QPainter, y: float, end: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        for segment in self.index.segments.starting_in(self.view_start - self._longest, end):
            if segment.end_s < self.view_start:
                continue
            x0, x1 = self.detail_x(segment.start_s), self.detail_x(segment.end_s)
            rect = QRectF(x0, y, max(1.0, x1 - x0), SEGMENT_H)
            fill = style.origin_colour(segment.origin)
            fill.setAlpha(150 if segment.n % 2 else 110)
            painter.fillRect(rect, fill)
            painter.fillRect(QRectF(x0, y, 1.5, SEGMENT_H), style.origin_colour(segment.origin))
            if rect.width() > 40:
                painter.setPen(QColor(style.TEXT))
                label = f"{segment.n}  {first_words(segment.text, 12)}"
                text_rect = rect.adjusted(5, 0, -3, 0)
                elided = painter.fontMetrics().elidedText(
                    label, Qt.TextElideMode.ElideRight, int(text_rect.width())
                )
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, elided)

    def _paint_notes(self, painter: QPainter, y: float, end: float) -> None:
        for note in self.index.notes.items:
            start, stop = note_span(note)
            if stop < self.view_start or start > end:
                continue
            x0, x1 = self.detail_x(start), self.detail_x(stop)
            colour = style.kind_colour(note.kind)
            rect = QRectF(x0, y, max(3.0, x1 - x0), NOTE_H)
            painter.fillRect(rect, colour.darker(190))
            painter.fillRect(QRectF(x0, y, 3.0, NOTE_H), colour)
            if rect.width() > 40:
                painter.setPen(QColor(style.TEXT))
                text_rect = rect.adjusted(6, 0, -2, 0)
                elided = painter.fontMetrics().elidedText(
                    note.title, Qt.TextElideMode.ElideRight, int(text_rect.width())
                )
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, elided)

    def _paint_playheads(self, painter: QPainter) -> None:
        pen = QPen(QColor(style.PLAYHEAD))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        x = self._overview_x(self.position)
        painter.drawLine(QPointF(x, MARGIN - 2), QPointF(x, MARGIN + OVERVIEW_H + 2))
        x = self.detail_x(self.position)
        painter.drawLine(QPointF(x, self._detail_top()), QPointF(x, self.height() - MARGIN + 2))
        if self._boundary is not None:
            pen = QPen(style.origin_colour("pinned"), 2.0, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            x = self.detail_x(self._boundary[1])
            top = self._segment_rect_y()
            painter.drawLine(QPointF(x, top - 2), QPointF(x, top + SEGMENT_H + 2))

    # --- interaction ------------------------------------------------------------------------

    def _strip_at(self, y: float) -> str:
        return "overview" if y < MARGIN + OVERVIEW_H + GAP / 2 else "detail"

    def time_at(self, x: float, strip: str) -> float:
        t = self._overview_time(x) if strip == "overview" else self.detail_time(x)
        return min(max(0.0, t), self.runtime)

    def boundary_near(self, x: float, y: float) -> Segment | None:
        """The segment whose start is within a few pixels of (x, y) in the segment row."""
        top = self._segment_rect_y()
        if not top <= y <= top + SEGMENT_H:
            return None
        t = self.detail_time(x)
        grab_s = BOUNDARY_GRAB_PX * self.view_span / self._inner()[1]
        for segment in self.index.segments.starting_in(t - grab_s, t + grab_s):
            if segment.n > 1 and abs(self.detail_x(segment.start_s) - x) <= BOUNDARY_GRAB_PX:
                return segment
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        grabbed = self.boundary_near(event.position().x(), event.position().y())
        if grabbed is not None:
            self._boundary = (grabbed.n, grabbed.start_s)
            return
        self._drag_strip = self._strip_at(event.position().y())
        t = self.time_at(event.position().x(), self._drag_strip)
        if self._drag_strip == "detail":
            segment = self.index.segment_at(t)
            if segment is not None:
                self.segment_clicked.emit(segment)
        self.seek_requested.emit(t)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self._boundary is not None:
            self._boundary = (self._boundary[0], round(self.time_at(x, "detail"), 3))
            self.update()
            return
        if self._drag_strip:
            self.seek_requested.emit(self.time_at(x, self._drag_strip))
            return
        t = self.time_at(x, self._strip_at(y))
        QToolTip.showText(event.globalPosition().toPoint(), self._hover_text(t), self)

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        if self._boundary is not None:
            n, t = self._boundary
            self._boundary = None
            self.update()
            self.boundary_moved.emit(n, t)
            return
        if self._drag_strip == "overview":
            self.view_start = self._clamp_view(self.position - self.view_span * LEAD_IN)
            self.update()
        self._drag_strip = None

    def _hover_text(self, t: float) -> str:
        lines = [hms(t)]
        segment: Segment | None = self.index.segment_at(t)
        if segment is not None:
            lines.append(f"#{segment.n} · {segment.origin} · {first_words(segment.text, 14)}")
        lines += [f"{note.kind}: {note.title}" for note in self.index.notes_at(t)]
        return "\n".join(lines)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps:
            return
        x = event.position().x()
        pivot = self.detail_time(x)
        span = min(self.runtime, max(MIN_SPAN_S, self.view_span * (0.8**steps)))
        fraction = (pivot - self.view_start) / self.view_span
        self.view_span = span
        self.view_start = self._clamp_view(pivot - fraction * span)
        self.update()
        event.accept()
