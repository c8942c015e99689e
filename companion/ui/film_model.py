"""The one path by which the store's changes reach the window.

Whoever writes (a key in this window, a background job, ``companion pin`` in a terminal), the
store's change counters move (triggers bump one per track and kind on every write). This model
keeps the window's :class:`FilmContent`, reloads exactly the kinds whose counter moved and says
which (``changed``); every view updates from that signal and nothing else. Writes made through
this window call :meth:`FilmModel.refresh` at once; commits by other connections are noticed by
a 2 Hz poll of SQLite's ``data_version``, which costs a few microseconds.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from companion.store import Store
from companion.ui.content import FilmContent, content_from_store

WATCH_MS = 500  # edits from the CLI show within this (and it is the only idle wake-up but one)
TRACK_KINDS = ("segments", "anchors", "history")


class FilmModel(QObject):
    """The film's content, kept in step with the store; ``changed`` carries the kinds reloaded."""

    changed = Signal(object)  # frozenset[str]: "segments", "anchors", "notes", "history"

    def __init__(
        self, content: FilmContent, store: Store | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.content = content
        self.store = store
        self._counters = self._read_counters()
        self._version = store.data_version() if store is not None else 0
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self.poll)

    @classmethod
    def from_store(cls, store: Store, film_id: str | None = None) -> FilmModel:
        """The film (first by default) read from ``store``, kept in step with it."""
        return cls(content_from_store(store, film_id), store)

    def start_watching(self) -> None:
        if self.store is not None:
            self._watch.start()

    def stop_watching(self) -> None:
        self._watch.stop()

    def poll(self) -> frozenset[str]:
        """Reload if another connection committed since the last look."""
        if self.store is None:
            return frozenset()
        version = self.store.data_version()
        if version == self._version:
            return frozenset()
        self._version = version
        return self.refresh()

    def _read_counters(self) -> dict[str, int]:
        if self.store is None:
            return {}
        counters = self.store.change_counters()
        track, film = self.content.track_id or "", self.content.film_id
        mine = {kind: counters.get((track, kind), 0) for kind in TRACK_KINDS}
        mine["notes"] = counters.get((film, "notes"), 0)
        return mine

    def refresh(self) -> frozenset[str]:
        """Reload whatever changed in the store (after this window wrote, or on a poll)."""
        if self.store is None:
            return frozenset()
        counters = self._read_counters()
        kinds = frozenset(k for k, v in counters.items() if v != self._counters.get(k))
        self._counters = counters
        if not kinds:
            return kinds
        track = self.content.track_id
        self.content.replace(
            segments=self.store.segments(track) if track and "segments" in kinds else None,
            anchors=self.store.anchors(track) if track and "anchors" in kinds else None,
            notes=self.store.notes(self.content.film_id) if "notes" in kinds else None,
        )
        self.changed.emit(kinds)
        return kinds
