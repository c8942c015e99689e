"""Every segment and note in film order, and a ranked search over both (the store's FTS).

Activating an entry (click or Enter) asks the window to seek there, so the panel shows it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion.model import Note, Segment
from companion.store import SearchHit
from companion.timing.timeline_index import note_span
from companion.ui import style
from companion.ui.content import SearchFn, first_words
from companion.ui.style import hms

TARGET = Qt.ItemDataRole.UserRole  # (kind, key, start seconds or None)
RICH = Qt.ItemDataRole.UserRole + 1  # the entry as rich text, drawn by RichTextDelegate
SEARCH_DELAY_MS = 150


def dot_icon(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


def _time(seconds: float | None) -> str:
    return hms(seconds) if seconds is not None else "unplaced"


def hit_html(hit: SearchHit) -> str:
    """Time, kind, title, then the snippet with the matched words (FTS marks them [so]) bold."""
    kind = "COMMENTARY" if hit.kind == "segment" else "NOTE"
    snippet = escape(hit.snippet)
    snippet = snippet.replace("[", f'<b style="color:{style.TEXT}">').replace("]", "</b>")
    return (
        f'<span style="color:{style.MUTED}">{_time(hit.start_s)}</span>&nbsp;&nbsp;'
        f'<span style="color:{style.ACCENT}; font-size:small; font-weight:700">{kind}</span>'
        f"&nbsp;&nbsp;<b>{escape(hit.title)}</b><br>"
        f'<span style="color:{style.MUTED}">{snippet}</span>'
    )


class RichTextDelegate(QStyledItemDelegate):
    """Draws an item's RICH html (selection and hover as usual), word-wrapped to the row."""

    def _document(self, option: QStyleOptionViewItem, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(6)
        doc.setHtml(index.data(RICH) or "")
        doc.setTextWidth(max(50, option.rect.width()))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        self.initStyleOption(option, index)
        doc = self._document(option, index)
        option.text = ""
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        painter.save()
        painter.translate(option.rect.topLeft())
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        self.initStyleOption(option, index)
        view = option.widget
        width = view.viewport().width() if isinstance(view, QAbstractScrollArea) else 300
        option.rect.setWidth(width)
        doc = self._document(option, index)
        return QSize(width, int(doc.size().height()))


class BrowsePane(QWidget):
    seek_requested = Signal(float)
    segment_chosen = Signal(int)  # segment n
    note_chosen = Signal(str)  # note id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search_fn: SearchFn = lambda _q: ()
        self._rows: dict[int, QListWidgetItem] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the commentary and notes…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Ctrl+F or a click, not Tab
        layout.addWidget(self.search)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.segments = self._list()
        self.notes = self._list()
        self.results = self._list()
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.tabs.addTab(self.segments, "Commentary")
        self.tabs.addTab(self.notes, "Notes")
        self.tabs.addTab(self.results, "Search")
        layout.addWidget(self.tabs, 1)
        self.status = QLabel("")
        self.status.setObjectName("muted")
        layout.addWidget(self.status)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._activate_first_result)

    def _list(self) -> QListWidget:
        widget = QListWidget()
        widget.setUniformItemSizes(False)
        widget.setWordWrap(True)
        widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        widget.itemActivated.connect(self._activate)
        widget.itemClicked.connect(self._activate)
        return widget

    # --- content ----------------------------------------------------------------------------

    def set_content(
        self, segments: Sequence[Segment], notes: Sequence[Note], search: SearchFn
    ) -> None:
        self._search_fn = search
        self.segments.clear()
        self._rows.clear()
        icons = {origin: dot_icon(c) for origin, c in style.ORIGIN_COLOURS.items()}
        for segment in segments:
            item = QListWidgetItem(
                icons.get(segment.origin, QIcon()),
                f"{_time(segment.start_s)}   {first_words(segment.text, 12)}",
            )
            item.setToolTip(f"#{segment.n} · {segment.origin} · {round(segment.confidence * 100)}%")
            item.setData(TARGET, ("segment", str(segment.n), segment.start_s))
            self.segments.addItem(item)
            self._rows[segment.n] = item
        self.notes.clear()
        kinds = {kind: dot_icon(c) for kind, c in style.KIND_COLOURS.items()}
        for note in notes:
            start = note_span(note)[0] if note.start_s is not None else None
            item = QListWidgetItem(kinds.get(note.kind, QIcon()), f"{_time(start)}   {note.title}")
            item.setToolTip(note.kind)
            item.setData(TARGET, ("note", note.id, start))
            self.notes.addItem(item)
        self.tabs.setTabText(0, f"Commentary ({len(segments)})")
        self.tabs.setTabText(1, f"Notes ({len(notes)})")

    def show_current(self, segment: Segment | None) -> None:
        """Follow playback in the list without stealing the viewer's scroll while they browse."""
        item = self._rows.get(segment.n) if segment else None
        if item is None:
            return
        self.segments.blockSignals(True)
        self.segments.setCurrentItem(item)
        self.segments.blockSignals(False)
        if not self.segments.underMouse():
            self.segments.scrollToItem(item, QListWidget.ScrollHint.PositionAtCenter)

    # --- search -----------------------------------------------------------------------------

    def run_search(self) -> list[SearchHit]:
        query = self.search.text().strip()
        self.results.clear()
        if not query:
            self.status.setText("")
            return []
        hits = list(self._search_fn(query))
        for hit in hits:
            item = QListWidgetItem(f"{_time(hit.start_s)}  {hit.title}\n{hit.snippet}")
            item.setData(TARGET, (hit.kind, hit.key, hit.start_s))
            item.setData(RICH, hit_html(hit))
            self.results.addItem(item)
        self.status.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''} for “{query}”")
        self.tabs.setCurrentWidget(self.results)
        return hits

    def cancel_pending(self) -> None:
        """Drop a search still waiting for the typing to pause (the window is closing)."""
        self._debounce.stop()

    def _activate_first_result(self) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self.run_search()
        if self.results.count():
            self.results.setCurrentRow(0)
            self._activate(self.results.item(0))

    def _activate(self, item: QListWidgetItem) -> None:
        kind, key, start = item.data(TARGET)
        if start is not None:
            self.seek_requested.emit(float(start))
        if kind == "segment":
            self.segment_chosen.emit(int(key))
        else:
            self.note_chosen.emit(key)
