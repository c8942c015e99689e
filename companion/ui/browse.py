"""Every segment and note in film order, a ranked search over both (the store's FTS), and the
cards about the whole film ("About this film": they belong to no scene, so they don't pile up at
0:00).

The two lists are views on item models that change only the rows whose content changed, so an
edit that moves three segments repaints three rows, not all 255. Activating an entry (click or
Enter) asks the window to seek there, so the panel shows it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
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
from companion.ui.now_panel import clear_layout, note_card
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


@dataclass(frozen=True)
class Row:
    """One entry of a list: its text, dot colour, tooltip and where activating it goes."""

    text: str
    colour: str
    tip: str
    target: tuple[str, str, float | None]  # (kind, key, start seconds or None)


def segment_row(segment: Segment) -> Row:
    return Row(
        f"{_time(segment.start_s)}   {first_words(segment.text, 12)}",
        style.ORIGIN_COLOURS.get(segment.origin, style.MUTED),
        f"#{segment.n} · {segment.origin} · {round(segment.confidence * 100)}%"
        + (" · pinned by hand" if segment.pinned else ""),
        ("segment", str(segment.n), segment.start_s),
    )


def note_row(note: Note) -> Row:
    start = note_span(note)[0] if note.start_s is not None else None
    return Row(
        f"{_time(start)}   {note.title}",
        style.KIND_COLOURS.get(note.kind, style.MUTED),
        note.kind,
        ("note", note.id, start),
    )


class RowModel(QAbstractListModel):
    """A list of :class:`Row`; ``set_rows`` reports only the rows that changed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self._icons: dict[str, QIcon] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == Qt.ItemDataRole.DecorationRole:
            if row.colour not in self._icons:  # painted once per colour, not per repaint
                self._icons[row.colour] = dot_icon(row.colour)
            return self._icons[row.colour]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip
        if role == TARGET:
            return row.target
        return None

    def set_rows(self, rows: Sequence[Row]) -> int:
        """Replace the rows; the number of rows reported changed (a reset counts them all)."""
        rows = list(rows)
        if len(rows) != len(self.rows) or [r.target[:2] for r in rows] != [
            r.target[:2] for r in self.rows
        ]:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()
            return len(rows)
        changed = [
            i for i, (old, new) in enumerate(zip(self.rows, rows, strict=True)) if old != new
        ]
        self.rows = rows
        for i in changed:
            self.dataChanged.emit(self.index(i), self.index(i))
        return len(changed)

    def row_of(self, kind: str, key: str) -> int | None:
        return next(
            (i for i, r in enumerate(self.rows) if r.target[0] == kind and r.target[1] == key),
            None,
        )


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
        self._segment_rows: dict[int, int] = {}  # segment n -> row
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
        self.segment_model, self.note_model = RowModel(self), RowModel(self)
        self.segments = self._view(self.segment_model)
        self.notes = self._view(self.note_model)
        self.results = self._list()
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.about = QWidget()
        self.about_cards = QVBoxLayout(self.about)
        self.about_cards.setContentsMargins(8, 8, 8, 8)
        about_scroll = QScrollArea()
        about_scroll.setWidget(self.about)
        about_scroll.setWidgetResizable(True)
        self.tabs.addTab(self.segments, "Commentary")
        self.tabs.addTab(self.notes, "Notes")
        self.tabs.addTab(self.results, "Search")
        self.tabs.addTab(about_scroll, "About")
        self.tabs.setTabToolTip(3, "About this film: the cards about the whole film")
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

    def _view(self, model: RowModel) -> QListView:
        view = QListView()
        view.setModel(model)
        view.setWordWrap(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.activated.connect(lambda index: self._go(index.data(TARGET)))
        view.clicked.connect(lambda index: self._go(index.data(TARGET)))
        return view

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
        self,
        segments: Sequence[Segment],
        notes: Sequence[Note],
        search: SearchFn,
        film_wide: Sequence[Note] = (),
    ) -> None:
        self.set_search(search)
        self.show_segments(segments)
        self.show_notes(notes, film_wide)

    def set_search(self, search: SearchFn) -> None:
        self._search_fn = search

    def show_segments(self, segments: Sequence[Segment]) -> int:
        """New timings: only the rows that changed repaint; how many did."""
        changed = self.segment_model.set_rows([segment_row(s) for s in segments])
        self._segment_rows = {s.n: i for i, s in enumerate(segments)}
        self.tabs.setTabText(0, f"Commentary ({len(segments)})")
        return changed

    def show_notes(self, notes: Sequence[Note], film_wide: Sequence[Note] = ()) -> None:
        self.note_model.set_rows([note_row(n) for n in notes if n not in film_wide])
        self.tabs.setTabText(1, f"Notes ({len(notes) - len(film_wide)})")
        clear_layout(self.about_cards)
        for note in film_wide:
            self.about_cards.addWidget(note_card(note))
        self.about_cards.addStretch(1)
        self.tabs.setTabText(3, f"About ({len(film_wide)})")

    def show_current(self, segment: Segment | None) -> None:
        """Follow playback in the list without stealing the viewer's scroll while they browse."""
        row = self._segment_rows.get(segment.n) if segment else None
        if row is None:
            return
        index = self.segment_model.index(row)
        self.segments.selectionModel().blockSignals(True)
        self.segments.setCurrentIndex(index)
        self.segments.selectionModel().blockSignals(False)
        if not self.segments.underMouse():
            self.segments.scrollTo(index, QListView.ScrollHint.PositionAtCenter)

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
        self._go(item.data(TARGET))

    def _go(self, target: tuple[str, str, float | None]) -> None:
        kind, key, start = target
        if start is not None:
            self.seek_requested.emit(float(start))
        if kind == "segment":
            self.segment_chosen.emit(int(key))
        else:
            self.note_chosen.emit(key)
