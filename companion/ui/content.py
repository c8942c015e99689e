"""What the window shows about one film, gathered once, so widgets never query the store per frame.

The window only needs plain records plus a search function; keeping it to this shape lets tests
build a window from lists and lets the store change without touching the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from companion.model import Anchor, Note, Segment
from companion.store import SearchHit, Store
from companion.timing.copy_times import anchor_on_copy, hit_on_copy, note_on_copy, segment_on_copy
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.timing.timeline_index import TimelineIndex

SearchFn = Callable[[str], Sequence[SearchHit]]


def _no_search(_query: str) -> Sequence[SearchHit]:
    return ()


@dataclass
class FilmContent:
    """Records are given on the reference clock (as the store keeps them) and shown on
    ``release``'s: the clock of the copy being watched, so every widget that reads them (panel,
    timeline, lists, search) agrees with the player's time without converting anything itself.
    """

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
    release: ReleaseMap = IDENTITY
    index: TimelineIndex = field(init=False)
    _by_n: dict[int, Segment] = field(init=False)
    # the records as given (reference clock): what a change of clock maps again
    _reference: dict[str, Sequence] = field(init=False)
    _reference_search: SearchFn = field(init=False)

    def __post_init__(self) -> None:
        self._reference = {"segments": self.segments, "notes": self.notes, "anchors": self.anchors}
        self._reference_search = self.search
        self.set_release(self.release)

    def set_release(self, release: ReleaseMap) -> None:
        """Show everything on ``release``'s clock (IDENTITY: the reference clock)."""
        self.release = release
        search = self._reference_search
        self.search = search if release.is_identity else _search_on(release, search)
        self.replace(**self._reference)

    def segment(self, n: int) -> Segment | None:
        return self._by_n.get(n)

    def note(self, note_id: str) -> Note | None:
        return next((note for note in self.notes if note.id == note_id), None)

    # Every record comes in through these three, on the reference clock (as the store keeps
    # them), and is kept as given and shown on ``release``'s clock.

    def replace_segments(self, segments: Sequence[Segment]) -> None:
        """After a timing edit: new times, same film; the index is rebuilt (milliseconds)."""
        self._reference["segments"] = segments
        self.segments = _mapped(self.release, segment_on_copy, segments)
        self._by_n = {segment.n: segment for segment in self.segments}
        self._reindex()

    def replace_notes(self, notes: Sequence[Note]) -> None:
        """Notes the store moved (they follow the commentary's words): never shown stale."""
        self._reference["notes"] = notes
        self.notes = _mapped(self.release, note_on_copy, notes)
        self._reindex()

    def replace_anchors(self, anchors: Sequence[Anchor]) -> None:
        self._reference["anchors"] = anchors
        self.anchors = _mapped(self.release, anchor_on_copy, anchors)

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
        self.index = TimelineIndex(self.segments, self.notes)

    def film_wide_notes(self) -> tuple[Note, ...]:
        """The cards about the whole film: shown under "About this film", not at 0:00."""
        return self.index.film_wide_notes


def _mapped(release: ReleaseMap, on_copy: Callable, records: Sequence) -> Sequence:
    """``records`` on the copy's clock; the very same sequence on the reference clock."""
    return records if release.is_identity else [on_copy(release, r) for r in records]


def _search_on(release: ReleaseMap, search: SearchFn) -> SearchFn:
    def on_copy(query: str) -> Sequence[SearchHit]:
        return [hit_on_copy(release, h) for h in search(query)]

    return on_copy


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
