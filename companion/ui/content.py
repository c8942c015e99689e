"""What the window shows about one film, gathered once, so widgets never query the store per frame.

The window only needs plain records plus a search function; keeping it to this shape lets tests
build a window from lists and lets the store change without touching the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from companion.model import Anchor, Note, Segment
from companion.store import SearchHit, Store
from companion.timing.timeline_index import TimelineIndex

SearchFn = Callable[[str], Sequence[SearchHit]]


def _no_search(_query: str) -> Sequence[SearchHit]:
    return ()


@dataclass
class FilmContent:
    film_id: str
    title: str
    runtime_s: float
    track_id: str | None = None
    db_path: str = ""  # which database this came from: settings are kept per database
    track_title: str = ""
    speaker: str = ""
    segments: Sequence[Segment] = ()
    notes: Sequence[Note] = ()
    anchors: Sequence[Anchor] = ()
    search: SearchFn = _no_search
    index: TimelineIndex = field(init=False)
    _by_n: dict[int, Segment] = field(init=False)

    def __post_init__(self) -> None:
        self.replace_segments(self.segments)

    def segment(self, n: int) -> Segment | None:
        return self._by_n.get(n)

    def note(self, note_id: str) -> Note | None:
        return next((note for note in self.notes if note.id == note_id), None)

    def replace_segments(self, segments: Sequence[Segment]) -> None:
        """After a timing edit: new times, same film; the index is rebuilt (milliseconds)."""
        self.segments = segments
        self._by_n = {segment.n: segment for segment in segments}
        self._reindex()

    def replace_notes(self, notes: Sequence[Note]) -> None:
        """Notes the store moved (they follow the commentary's words): never shown stale."""
        self.notes = notes
        self._reindex()

    def replace_anchors(self, anchors: Sequence[Anchor]) -> None:
        self.anchors = anchors

    def replace(
        self,
        segments: Sequence[Segment] | None = None,
        notes: Sequence[Note] | None = None,
        anchors: Sequence[Anchor] | None = None,
    ) -> None:
        """New records of some kinds (what the film model reloaded)."""
        if anchors is not None:
            self.replace_anchors(anchors)
        if notes is not None:
            self.replace_notes(notes)
        if segments is not None:
            self.replace_segments(segments)

    def _reindex(self) -> None:
        """Segments and scene notes together: a note is found at the time the store gives it."""
        self.index = TimelineIndex(self.segments, timed_notes(self.notes))

    def film_wide_notes(self) -> list[Note]:
        """The cards about the whole film: shown under "About this film", not at 0:00."""
        return [note for note in self.notes if is_film_wide(note)]


def is_film_wide(note: Note) -> bool:
    """A note placed on the whole film rather than on a scene."""
    return bool(getattr(note, "film_wide", False) or note.placement.get("whole_film"))


def timed_notes(notes: Sequence[Note]) -> list[Note]:
    """The notes that belong to a scene: what the timeline and the panel show by time."""
    return [note for note in notes if not is_film_wide(note)]


def first_words(text: str, count: int = 10) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def first_sentence(text: str, limit: int = 120) -> str:
    """The on-video line: short enough to read at a glance over the picture."""
    for stop in (". ", "? ", "! "):
        cut = text.find(stop)
        if 0 < cut < limit:
            return text[: cut + 1]
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def content_from_store(store: Store, film_id: str | None = None) -> FilmContent:
    """The film (first one by default) with its first commentary track, read once."""
    film = store.film(film_id)
    track = store.track(store.tracks(film["id"])[0]["id"]) if store.tracks(film["id"]) else None
    track_id = track["id"] if track else None
    return FilmContent(
        film_id=film["id"],
        track_id=track_id,
        db_path=str(store.path),
        title=f"{film['title']} ({film['year']})" if film.get("year") else film["title"],
        runtime_s=float(film["runtime_s"] or 0.0),
        track_title=track["title"] if track else "",
        speaker=track["speaker"] if track else "",
        segments=store.segments(track_id) if track_id else [],
        notes=store.notes(film["id"]),
        anchors=store.anchors(track_id) if track_id else [],
        search=lambda query: store.search(query, film["id"]),
    )
