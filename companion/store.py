"""The SQLite store: films, commentary tracks, segments, anchors, notes and the edit history.

One file, WAL mode, a schema version with forward migrations, FTS5 over everything a user may
search. Every write goes through :meth:`Store.transaction`, so a crash leaves either all of an
operation or none of it.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from platformdirs import user_data_dir

from companion.errors import CompanionError, shown
from companion.model import Anchor, HeardSpan, Note, Segment, Source, Span
from companion.timing.releases import ReleaseMap

SCHEMA_VERSION = 7
# The columns of a segment that timing (estimates, alignment, edits) may change.
TIMING_COLUMNS = (
    "start_s",
    "end_s",
    "auto_start_s",
    "auto_end_s",
    "origin",
    "confidence",
    "start_pinned",
    "end_pinned",
)
DB_ENV = "COMPANION_DB"
MAX_SEARCH_RESULTS = 10_000
_SIDE_FILES = ("-wal", "-shm", "-journal")


class StoreError(CompanionError):
    """The database cannot be used; the message names the file and the problem."""


class StoreBusy(StoreError):
    """Another process holds the write lock for longer than we are willing to wait."""


@dataclass(frozen=True)
class StoredCopy:
    """A copy of a film as remembered: recognised by ``fingerprint``, ``path`` where it was last
    seen; ``method`` is "subtitle-stream", "audio" or "manual" (``manual``: set by hand)."""

    film_id: str
    fingerprint: str
    path: str
    release: ReleaseMap
    method: str
    confidence: float
    summary: str
    measured_at: str
    manual: bool


@dataclass(frozen=True)
class Edit:
    """One entry of a track's edit history (its record of before/after values stays stored)."""

    id: int
    track_id: str
    created_at: str
    label: str
    op: str
    state: str  # "done" | "undone" | "damaged" (its record can't be read; set aside)
    warnings: tuple[str, ...] = ()  # what an undo/redo had to skip on its way


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "segment" | "note"
    key: str  # segment number or note id
    title: str
    snippet: str
    start_s: float | None
    rank: float


def default_db_path() -> Path:
    """Where the store lives unless ``--db`` or ``$COMPANION_DB`` say otherwise."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    return Path(user_data_dir("companion", appauthor=False)) / "companion.db"


def _create_v1(db: sqlite_utils.Database) -> None:
    db.table("films").create(
        {"id": str, "title": str, "year": int, "runtime_s": float, "metadata": str}, pk="id"
    )
    db.table("tracks").create(
        {
            "id": str,
            "film_id": str,
            "title": str,
            "speaker": str,
            "source_text": str,
            "source_sha256": str,
            "word_count": int,
            "start_s": float,
            "end_s": float,
        },
        pk="id",
        foreign_keys=[("film_id", "films", "id")],
    )
    db.table("segments").create(
        {
            "track_id": str,
            "n": int,
            "char_start": int,
            "char_end": int,
            "word_start": int,
            "word_end": int,
            "text": str,
            "spans": str,
            "start_s": float,
            "end_s": float,
            "origin": str,
            "confidence": float,
        },
        pk=("track_id", "n"),
        foreign_keys=[("track_id", "tracks", "id")],
    )
    db.table("anchors").create(
        {
            "id": int,
            "track_id": str,
            "word_index": float,
            "film_s": float,
            "score": float,
            "source": str,
        },
        pk="id",
        foreign_keys=[("track_id", "tracks", "id")],
    )
    db.table("anchors").create_index(["track_id", "word_index"])
    db.table("segments").enable_fts(["text"], create_triggers=True, tokenize="porter")


def _migrate_v2(db: sqlite_utils.Database) -> None:
    """v2: pins and machine times on segments, OCR fixes on tracks, notes, the edit history."""
    db.table("tracks").add_column("ocr_table", str, not_null_default="[]")
    for column in ("start_pinned", "end_pinned"):
        db.table("segments").add_column(column, int, not_null_default=0)
    for column in ("auto_start_s", "auto_end_s"):
        db.table("segments").add_column(column, float)
    db.execute("UPDATE segments SET auto_start_s = start_s, auto_end_s = end_s")
    # Re-index a segment's text only when the text changes: every timing edit rewrites many
    # segments' times, and a full FTS delete + insert per row made an edit cost ~30 ms more.
    db.execute("DROP TRIGGER segments_au")
    db.execute(
        "CREATE TRIGGER segments_au AFTER UPDATE OF text ON segments BEGIN "
        "INSERT INTO segments_fts (segments_fts, rowid, text) "
        "VALUES ('delete', old.rowid, old.text); "
        "INSERT INTO segments_fts (rowid, text) VALUES (new.rowid, new.text); END"
    )
    db.table("notes").create(
        {
            "id": str,
            "film_id": str,
            "kind": str,
            "title": str,
            "body": str,
            "claim": str,
            "verdict": str,
            "truth": str,
            "sources": str,
            "tags": str,
            "placement": str,
            "start_s": float,
            "end_s": float,
            "pack": str,
        },
        pk="id",
        foreign_keys=[("film_id", "films", "id")],
    )
    db.table("notes").create_index(["film_id", "start_s"])
    db.table("notes").enable_fts(
        ["title", "body", "claim", "truth"], create_triggers=True, tokenize="porter"
    )
    db.table("edits").create(
        {
            "id": int,
            "track_id": str,
            "created_at": str,
            "label": str,
            "op": str,
            "payload": str,
            "state": str,
        },
        pk="id",
        foreign_keys=[("track_id", "tracks", "id")],
    )


def _migrate_v3(db: sqlite_utils.Database) -> None:
    """v3: an index on the history, so an edit (which drops the undone edits) and an undo
    (which finds the last done one) don't scan every payload of a long history."""
    db.execute("CREATE INDEX IF NOT EXISTS edits_track_state ON edits (track_id, state, id)")


# What each change counter counts: (table, the column naming the scope, the counter's kind).
# A window reloads only the kinds whose counter moved (see ``Store.change_counters``).
CHANGE_SOURCES = (
    ("segments", "track_id", "segments"),
    ("anchors", "track_id", "anchors"),
    ("edits", "track_id", "history"),
    ("notes", "film_id", "notes"),
)


def _migrate_v4_changes(db: sqlite_utils.Database) -> None:
    """v4: a change counter per (track or film, kind), bumped by triggers on every write.

    Triggers, not Python, so that every writer (this process, the CLI, a worker thread, another
    Companion) moves the counters, whichever module did the write.
    """
    db.table("changes").create({"scope": str, "kind": str, "counter": int}, pk=("scope", "kind"))
    for table, column, kind in CHANGE_SOURCES:
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            db.execute(
                f"CREATE TRIGGER {table}_count_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"INSERT INTO changes (scope, kind, counter) VALUES ({row}.{column}, '{kind}', 1) "
                "ON CONFLICT (scope, kind) DO UPDATE SET counter = counter + 1; END"
            )


def _migrate_v5_dialogue(db: sqlite_utils.Database) -> None:
    """v5: a track's dialogue evidence, word spans that read like a subtitle line (JSON rows
    [word_start, word_end, speaker]), which ingestion marks as film dialogue."""
    db.table("tracks").add_column("dialogue_table", str, not_null_default="[]")


def _migrate_v6_heard(db: sqlite_utils.Database) -> None:
    """v6: heard timings, the commentary sentences a listen run heard on an audio track."""
    heard = db.table("heard")
    heard.create(
        {
            "id": int,
            "track_id": str,
            "word_start": int,
            "word_end": int,
            "start_s": float,
            "end_s": float,
            "confidence": float,
            "words": str,  # JSON [[word index, start_s, end_s], ...]
        },
        pk="id",
        foreign_keys=[("track_id", "tracks", "id")],
        if_not_exists=True,
    )
    heard.create_index(["track_id", "word_start"], if_not_exists=True)


def _migrate_copies(db: sqlite_utils.Database) -> None:
    """Copies of a film the user has opened, by content fingerprint, with their release map."""
    db.table("copies").create(
        {
            "film_id": str,
            "fingerprint": str,
            "path": str,
            "map": str,
            "method": str,
            "confidence": float,
            "summary": str,
            "measured_at": str,
            "manual": int,
        },
        pk=("film_id", "fingerprint"),
        foreign_keys=[("film_id", "films", "id")],
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _create_v1,
    _migrate_v2,
    _migrate_v3,
    _migrate_v4_changes,
    _migrate_v5_dialogue,
    _migrate_v6_heard,
    _migrate_copies,
]


class Store:
    """An open companion database. Use one per thread; close it when done."""

    def __init__(self, path: Path | str) -> None:
        """Open (creating and migrating when needed) the database at ``path``.

        A file this process can't write, or that is marked read-only (honoured for root too),
        is opened read-only: everything that reads works, and every write says it's read-only.
        """
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        existed = self.path.exists()
        self.readonly = existed and (
            not os.access(self.path, os.W_OK) or not self.path.stat().st_mode & 0o222
        )
        try:
            self.db = self._connect()
            version = self._version() if existed else 0
        except sqlite3.DatabaseError as exc:
            if _primary(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_OK):
                raise StoreError(f"{self.path}: not a usable companion database ({exc})") from None
            raise self._problem(exc, "nothing was changed") from None
        if version > SCHEMA_VERSION:
            self.db.close()
            raise StoreError(
                f"{self.path}: database is from a newer Companion (schema {version}, "
                f"this version reads up to {SCHEMA_VERSION}); upgrade Companion"
            )
        if self.readonly and version < SCHEMA_VERSION:
            self.db.close()
            raise StoreError(
                f"{self.path}: database file is read-only and needs upgrading to schema "
                f"{SCHEMA_VERSION}; make it writable once"
            )
        if version < SCHEMA_VERSION:
            self._migrate()
        elif not self.readonly:
            self._enable_wal()

    def _connect(self) -> sqlite_utils.Database:
        """A connection; read-only ones fall back to ``immutable`` when SQLite can't create the
        WAL index beside a read-only file (nothing can change it under us then anyway)."""
        if not self.readonly:
            conn = sqlite3.connect(str(self.path), timeout=5.0)
        else:
            uri = self.path.resolve().as_uri()
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5.0)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=5.0)
        conn.execute("PRAGMA foreign_keys = ON")
        return sqlite_utils.Database(conn)

    def _version(self) -> int:
        tables = set(self.db.table_names())
        if not tables:
            return 0
        if "meta" not in tables:
            raise StoreError(f"{self.path}: not a companion database (no meta table)")
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            return 0
        try:
            version = int(row[0])
        except (TypeError, ValueError):
            version = -1
        if version < 0:
            raise StoreError(
                f"{self.path}: not a usable companion database (schema version "
                f"{shown(row[0])} is not a number of a version)"
            )
        return version

    def _enable_wal(self) -> None:
        try:
            self.db.enable_wal()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot open for writing ({exc})") from None

    def _migrate(self) -> None:
        """Bring the schema up to date. The version is read again inside the write transaction:
        two first runs at once both see an empty file, and only the first may build it."""
        self._enable_wal()
        try:
            with self.transaction():
                version = self._version()
                if version == 0:
                    self.db.table("meta").create(
                        {"key": str, "value": str}, pk="key", if_not_exists=True
                    )
                for step in MIGRATIONS[version:]:
                    step(self.db)
                self.db.table("meta").upsert(
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: migration to schema {SCHEMA_VERSION} failed ({exc})"
            ) from None

    def files(self) -> list[Path]:
        """The database file and the files SQLite keeps beside it (nothing may write over them)."""
        return [self.path, *(self.path.with_name(self.path.name + x) for x in _SIDE_FILES)]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """All-or-nothing block; takes the write lock up front so a second writer waits or fails.

        A failure of the disk (full, I/O error) or of the file, in the block or at COMMIT, rolls
        everything back and says so as a :class:`StoreError`: nothing was changed.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        if self.readonly:
            raise StoreError(
                f"{self.path}: the database file is read-only (it can be read, not changed)"
            )
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._problem(exc, "nothing was changed") from None
        try:
            yield self.db
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and _primary(exc) in _ENVIRONMENT:
                raise self._problem(exc, "nothing was changed") from None
            raise

    def _problem(self, exc: sqlite3.Error, outcome: str) -> StoreError:
        """The error to show for SQLite's ``exc``: busy, the disk, or the file itself."""
        code = _primary(exc)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return StoreBusy(
                f"{self.path}: the database is busy (another Companion is writing); "
                f"{outcome}; try again in a moment"
            )
        problem = _ENVIRONMENT[code] if code in _ENVIRONMENT else str(exc)
        return StoreError(f"{self.path}: {problem}; {outcome}")

    # what changed ------------------------------------------------------------------------

    def change_counters(self) -> dict[tuple[str, str], int]:
        """{(track or film id, kind): counter}; a counter moves with every write of its kind.

        Kinds: "segments", "anchors", "history" (per track) and "notes" (per film).
        """
        rows = self.db.execute("SELECT scope, kind, counter FROM changes").fetchall()
        return {(scope, kind): counter for scope, kind, counter in rows}

    def data_version(self) -> int:
        """SQLite's ``data_version``: it moves when another connection commits (cheap to poll)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    # films and tracks -------------------------------------------------------------------

    def films(self) -> list[dict]:
        return list(self.db["films"].rows_where(order_by="id"))

    def film(self, film_id: str | None = None) -> dict:
        """The film ``film_id``, or the only/first film when none is named."""
        rows = self.films()
        if not rows:
            raise StoreError(f"{self.path}: no film in the database")
        if film_id is None:
            return rows[0]
        for row in rows:
            if row["id"] == film_id:
                return row
        raise StoreError(f"no film {film_id!r} (have: {', '.join(r['id'] for r in rows)})")

    def tracks(self, film_id: str | None = None) -> list[dict]:
        where, args = ("film_id = ?", [film_id]) if film_id else (None, None)
        return list(self.db["tracks"].rows_where(where, args, order_by="id"))

    def track(self, track_id: str | None = None) -> dict:
        """The track ``track_id``, or the first film's first track."""
        if track_id is None:
            tracks = self.tracks(self.film()["id"])
            if not tracks:
                raise StoreError(f"{self.path}: the film has no commentary track")
            return tracks[0]
        try:
            return self.db.table("tracks").get(track_id)
        except sqlite_utils.db.NotFoundError:
            raise StoreError(f"no commentary track {track_id!r}") from None

    def put_track(self, track: dict, segments: Iterable[dict]) -> None:
        """Store a track row (replacing the one of the same id) and its segment rows.

        Whatever was stored under the id goes first: anchors, heard sentences, the edit history
        and segments all belong to the transcript being replaced, and would not fit the new one.
        """
        with self.transaction():
            for table in ("anchors", "heard", "edits", "segments"):
                self.db.table(table).delete_where("track_id = ?", [track["id"]])
            self.db.table("tracks").upsert(track, pk="id")
            self.db.table("segments").insert_all(segments)

    def add_film(self, film: dict) -> None:
        """Store a new film's row (``id``, ``title``, ``year``, ``runtime_s``, ``metadata``)."""
        with self.transaction():
            self.db.table("films").insert(film)

    def track_span(self, track_id: str) -> list[float]:
        """[start_s, end_s] of the commentary: what the linear estimate spreads it over."""
        track = self.db.table("tracks").get(track_id)
        return [track["start_s"], track["end_s"]]

    def set_track_span(self, track_id: str, span: Sequence[float]) -> None:
        """Move the commentary's [start_s, end_s] (a clock change, or its undo)."""
        start_s, end_s = span
        with self.transaction():
            self.db.table("tracks").update(track_id, {"start_s": start_s, "end_s": end_s})

    def track_runtime(self, track_id: str) -> float | None:
        """The running time of the track's film (the bound of every timing); None: no track."""
        row = self.db.execute(
            "SELECT f.runtime_s FROM films f JOIN tracks t ON t.film_id = f.id WHERE t.id = ?",
            [track_id],
        ).fetchone()
        return None if row is None else row[0]

    # segments ---------------------------------------------------------------------------

    def segments(self, track_id: str) -> list[Segment]:
        rows = self.db["segments"].rows_where("track_id = ?", [track_id], order_by="n")
        return [_segment(row) for row in rows]

    def segment(self, track_id: str, n: int) -> Segment:
        row = self.db.execute(
            "SELECT * FROM segments WHERE track_id = ? AND n = ?", [track_id, n]
        ).fetchone()
        if row is None:
            count = self.segment_count(track_id)
            raise StoreError(f"no segment {n} in {track_id} (segments are 1 to {count})")
        columns = [d[0] for d in self.db.execute("SELECT * FROM segments LIMIT 0").description]
        return _segment(dict(zip(columns, row, strict=True)))

    def segment_at(self, track_id: str, t: float) -> Segment | None:
        """The segment showing at film time ``t`` (the last one starting at or before it)."""
        row = self.db.execute(
            "SELECT n FROM segments WHERE track_id = ? AND start_s <= ? "
            "ORDER BY start_s DESC, n DESC LIMIT 1",
            [track_id, t],
        ).fetchone()
        return self.segment(track_id, row[0]) if row else None

    def segment_count(self, track_id: str) -> int:
        return self.db.table("segments").count_where("track_id = ?", [track_id])

    def segment_columns(self, track_id: str, columns: Sequence[str]) -> list[tuple]:
        """Only these columns of each of the track's segments, in order: timing reads a few
        columns of every segment on every edit, and full Segments (text, spans) made it slow."""
        return self.db.execute(
            f"SELECT {', '.join(columns)} FROM segments WHERE track_id = ? ORDER BY n", [track_id]
        ).fetchall()

    def update_segments(self, track_id: str, rows: dict[int, dict]) -> None:
        """Write timing columns of segments, by segment number.

        One executemany per set of columns: an edit usually writes the same columns everywhere.
        """
        by_columns: dict[tuple[str, ...], list] = {}
        for n, values in rows.items():
            columns = tuple(sorted(values))
            if not set(columns) <= set(TIMING_COLUMNS):
                raise ValueError(
                    f"not timing columns: {sorted(set(columns) - set(TIMING_COLUMNS))}"
                )
            by_columns.setdefault(columns, []).append([values[c] for c in columns] + [track_id, n])
        with self.transaction():
            for columns, params in by_columns.items():
                self.db.conn.executemany(
                    f"UPDATE segments SET {', '.join(f'{c} = ?' for c in columns)} "
                    "WHERE track_id = ? AND n = ?",
                    params,
                )

    # anchors ----------------------------------------------------------------------------

    def anchors(self, track_id: str) -> list[Anchor]:
        rows = self.db["anchors"].rows_where("track_id = ?", [track_id], order_by="word_index")
        return [Anchor(r["word_index"], r["film_s"], r["score"], r["source"]) for r in rows]

    def anchor_rows(self, track_id: str) -> list[list]:
        """[word_index, film_s, score, source] of each anchor, equal positions in stored order:
        the form an edit's record keeps them in, compared as they come back."""
        return [
            list(row)
            for row in self.db.execute(
                "SELECT word_index, film_s, score, source FROM anchors WHERE track_id = ? "
                "ORDER BY word_index, id",
                [track_id],
            )
        ]

    def replace_anchors(self, track_id: str, anchors: Iterable[Anchor]) -> None:
        """Drop every anchor of the track and store these instead (a re-align never merges)."""
        with self.transaction():
            self.db.table("anchors").delete_where("track_id = ?", [track_id])
            self.db.table("anchors").insert_all(
                {
                    "track_id": track_id,
                    "word_index": a.word_index,
                    "film_s": a.film_s,
                    "score": a.score,
                    "source": a.source,
                }
                for a in anchors
            )

    # heard timings ----------------------------------------------------------------------

    def heard(self, track_id: str) -> list[HeardSpan]:
        """The sentences the last listen run heard, in transcript order (reference clock)."""
        rows = self.db.execute(
            "SELECT word_start, word_end, start_s, end_s, confidence, words FROM heard "
            "WHERE track_id = ? ORDER BY word_start",
            [track_id],
        )
        return [
            HeardSpan(ws, we, start, end, conf, _heard_words(words))
            for ws, we, start, end, conf, words in rows
        ]

    def replace_heard(self, track_id: str, spans: Iterable[HeardSpan]) -> None:
        """Drop the track's heard sentences and store these instead (a new run replaces)."""
        with self.transaction():
            self.db.execute("DELETE FROM heard WHERE track_id = ?", [track_id])
            self.db.conn.executemany(
                "INSERT INTO heard (track_id, word_start, word_end, start_s, end_s, confidence, "
                "words) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        track_id,
                        s.word_start,
                        s.word_end,
                        s.start_s,
                        s.end_s,
                        s.confidence,
                        json.dumps([list(w) for w in s.words], separators=(",", ":")),
                    )
                    for s in spans
                ],
            )

    # notes ------------------------------------------------------------------------------

    def notes(self, film_id: str | None = None, kind: str | None = None) -> list[Note]:
        clauses, args = [], []
        if film_id:
            clauses.append("film_id = ?")
            args.append(film_id)
        if kind:
            clauses.append("kind = ?")
            args.append(kind)
        rows = self.db["notes"].rows_where(
            " AND ".join(clauses) or None, args, order_by="coalesce(start_s, 1e12), id"
        )
        return [_note(row) for row in rows]

    def notes_at(self, film_id: str, t: float) -> list[Note]:
        rows = self.db["notes"].rows_where(
            "film_id = ? AND start_s <= ? AND ? < end_s", [film_id, t, t], order_by="start_s, id"
        )
        return [_note(row) for row in rows]

    def note_places(self, film_id: str) -> dict[str, list]:
        """Where each note of the film is: {id: [start_s, end_s, placement JSON]} (unplaced
        notes have no times)."""
        rows = self.db.execute(
            "SELECT id, start_s, end_s, placement FROM notes WHERE film_id = ?", [film_id]
        )
        return {row[0]: list(row[1:]) for row in rows}

    def pack_notes(self, film_id: str, pack: str | None = None) -> list[dict]:
        """The stored rows of the film's notes (of one pack), by id: what placing them reads."""
        where, args = "film_id = ?", [film_id]
        if pack is not None:
            where, args = where + " AND pack = ?", [film_id, pack]
        return list(self.db.table("notes").rows_where(where, args, order_by="id"))

    def place_note(
        self, note_id: str, start_s: float | None, end_s: float | None, placement: str
    ) -> None:
        """Set where a note shows and how it was placed; a note since removed with its pack
        stays gone (an undo of an align that placed it, say)."""
        with self.transaction():
            self.db.execute(
                "UPDATE notes SET start_s = ?, end_s = ?, placement = ? WHERE id = ?",
                [start_s, end_s, placement, note_id],
            )

    def set_note_times(self, times: Iterable[tuple[str, float, float]]) -> None:
        """Write (id, start_s, end_s) of notes whose times moved, in one batch."""
        with self.transaction():
            self.db.conn.executemany(
                "UPDATE notes SET start_s = ?, end_s = ? WHERE id = ?",
                [(start_s, end_s, note_id) for note_id, start_s, end_s in times],
            )

    def transcript_notes(self, track_id: str) -> list[tuple]:
        """(id, start_s, end_s, word_index) of the notes placed at a word of the track."""
        return self.db.execute(
            "SELECT id, start_s, end_s, json_extract(placement, '$.word_index') FROM notes "
            "WHERE json_extract(placement, '$.resolved_by') = 'transcript' "
            "AND json_extract(placement, '$.track_id') = ?",
            [track_id],
        ).fetchall()

    def other_packs_notes(self, pack: str) -> dict[str, str]:
        """{note id: its pack} of every note another pack brought (ids a pack may not take)."""
        rows = self.db.table("notes").rows_where("pack != ?", [pack], select="id, pack")
        return {row["id"]: row["pack"] for row in rows}

    def replace_pack_notes(self, pack: str, rows: Iterable[dict]) -> None:
        """Drop the notes a pack brought and store these rows instead (a re-import replaces)."""
        with self.transaction():
            self.db.table("notes").delete_where("pack = ?", [pack])
            self.db.table("notes").insert_all(rows)

    # the edit history -------------------------------------------------------------------

    def edits(self, track_id: str) -> list[Edit]:
        """Every edit of the track, oldest first."""
        rows = self.db.execute(
            f"SELECT {_EDIT_COLUMNS} FROM edits WHERE track_id = ? ORDER BY id", [track_id]
        )
        return [Edit(*row) for row in rows]

    def edit(self, edit_id: int) -> Edit:
        """The edit ``edit_id`` as it is now (after its state changed, say)."""
        return Edit(
            *self.db.execute(
                f"SELECT {_EDIT_COLUMNS} FROM edits WHERE id = ?", [edit_id]
            ).fetchone()
        )

    def log_edit(self, track_id: str, op: str, label: str, payload: bytes) -> Edit:
        """Record a done edit, now; the undone edits go, since a new edit ends what redo had."""
        with self.transaction():
            self.db.table("edits").delete_where("track_id = ? AND state = 'undone'", [track_id])
            edits = self.db.table("edits").insert(
                {
                    "track_id": track_id,
                    "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "label": label,
                    "op": op,
                    "payload": payload,
                    "state": "done",
                }
            )
            assert edits.last_pk is not None  # set by the insert
            return self.edit(edits.last_pk)

    def edit_record(
        self, track_id: str, state: str, newest: bool
    ) -> tuple[int, str, object] | None:
        """(id, label, stored payload) of the newest (or oldest) edit in ``state``, or None.

        An undo takes the newest done edit, a redo the oldest undone one; the payload comes as
        stored, for the caller to check before it writes any of it back.
        """
        return self.db.execute(
            f"SELECT id, label, payload FROM edits WHERE track_id = ? AND state = ? "
            f"ORDER BY id {'DESC' if newest else 'ASC'} LIMIT 1",
            [track_id, state],
        ).fetchone()

    def set_edit_state(self, edit_id: int, state: str) -> None:
        """Mark an edit "done", "undone" (redo brings it back) or "damaged" (set aside)."""
        with self.transaction():
            self.db.table("edits").update(edit_id, {"state": state})

    # copies -----------------------------------------------------------------------------

    def copy(self, film_id: str, fingerprint: str) -> StoredCopy | None:
        """The copy with this content fingerprint, if it was ever synced or set by hand."""
        row = self.db.execute(
            f"SELECT {_COPY_COLUMNS} FROM copies WHERE film_id = ? AND fingerprint = ?",
            [film_id, fingerprint],
        ).fetchone()
        return _copy(row) if row else None

    def remember_copy(self, copy: StoredCopy) -> None:
        """Store ``copy``'s map, replacing what was known of the same content."""
        with self.transaction():
            self.db.table("copies").upsert(
                {
                    "film_id": copy.film_id,
                    "fingerprint": copy.fingerprint,
                    "path": copy.path,
                    # full precision: as_json rounds for people, and a speed rounded to 6
                    # digits would drift by a frame over the film
                    "map": json.dumps(asdict(copy.release), sort_keys=True),
                    "method": copy.method,
                    "confidence": copy.confidence,
                    "summary": copy.summary,
                    "measured_at": copy.measured_at,
                    "manual": int(copy.manual),
                },
                pk=("film_id", "fingerprint"),
            )

    def copies(self, film_id: str) -> list[StoredCopy]:
        """Every remembered copy of the film, the most recently measured last."""
        rows = self.db.execute(
            f"SELECT {_COPY_COLUMNS} FROM copies WHERE film_id = ? ORDER BY measured_at",
            [film_id],
        ).fetchall()
        return [_copy(row) for row in rows]

    # search -----------------------------------------------------------------------------

    def search(self, query: str, film_id: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search over commentary and notes; any user input is safe.

        The query is reduced to its words, each quoted for FTS5, so quotes, '*', '-' or
        'AND' typed by a user are searched for as text instead of parsed as syntax. The last
        word also matches as a prefix, so results come while the user is still typing.
        """
        if not 1 <= limit <= MAX_SEARCH_RESULTS:
            raise StoreError(f"a search shows 1 to {MAX_SEARCH_RESULTS} results, not {limit}")
        match = fts_query(query)
        if not match:
            return []
        film_id = film_id or self.film()["id"]
        segments = self.db.execute(
            "SELECT s.n, s.text, snippet(segments_fts, 0, '[', ']', '…', 12), s.start_s, "
            "bm25(segments_fts) FROM segments_fts JOIN segments s ON s.rowid = segments_fts.rowid "
            "JOIN tracks t ON t.id = s.track_id "
            "WHERE segments_fts MATCH ? AND t.film_id = ? ORDER BY bm25(segments_fts) LIMIT ?",
            [match, film_id, limit],
        ).fetchall()
        notes = self.db.execute(
            "SELECT n.id, n.title, snippet(notes_fts, 1, '[', ']', '…', 12), n.start_s, "
            "bm25(notes_fts) FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid "
            "WHERE notes_fts MATCH ? AND n.film_id = ? ORDER BY bm25(notes_fts) LIMIT ?",
            [match, film_id, limit],
        ).fetchall()
        hits = [
            SearchHit("segment", str(n), _first_words(text), snip, start, rank)
            for n, text, snip, start, rank in segments
        ] + [
            SearchHit("note", note_id, title, snip, start, rank)
            for note_id, title, snip, start, rank in notes
        ]
        return sorted(hits, key=lambda h: h.rank)[:limit]


@functools.lru_cache(maxsize=16384)
def _heard_words(text: str) -> tuple[tuple[int, float, float], ...]:
    """A heard sentence's words from their JSON, parsed once: every re-timing reads them all."""
    return tuple((int(i), float(a), float(b)) for i, a, b in json.loads(text))


# SQLite's failures that come from the disk or the file, not from Companion, as users read them.
_ENVIRONMENT = {
    sqlite3.SQLITE_FULL: "the disk is full (or the database reached its size limit)",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written (I/O error)",
    sqlite3.SQLITE_READONLY: "the database file is read-only",
    sqlite3.SQLITE_CANTOPEN: "the database or its folder cannot be written",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged",
    sqlite3.SQLITE_NOTADB: "the file is not a database",
    sqlite3.SQLITE_NOMEM: "out of memory",
    sqlite3.SQLITE_BUSY: "the database is busy",
    sqlite3.SQLITE_LOCKED: "the database is busy",
}


def _primary(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of ``exc`` (extended codes keep it in the low byte); 0
    (SQLITE_OK, never an error's) when the error has none."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression that finds all of the words of ``text``, whatever it contains."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _segment(row: dict) -> Segment:
    return Segment(
        track_id=row["track_id"],
        n=row["n"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        word_start=row["word_start"],
        word_end=row["word_end"],
        text=row["text"],
        spans=tuple(Span(**s) for s in json.loads(row["spans"])),
        start_s=row["start_s"],
        end_s=row["end_s"],
        origin=row["origin"],
        confidence=row["confidence"],
        start_pinned=bool(row["start_pinned"]),
        end_pinned=bool(row["end_pinned"]),
        auto_start_s=row["auto_start_s"],
        auto_end_s=row["auto_end_s"],
    )


_EDIT_COLUMNS = "id, track_id, created_at, label, op, state"
_COPY_COLUMNS = "film_id, fingerprint, path, map, method, confidence, summary, measured_at, manual"


def _copy(row: tuple) -> StoredCopy:
    film_id, fingerprint, path, release, method, confidence, summary, when, manual = row
    return StoredCopy(
        film_id,
        fingerprint,
        path,
        ReleaseMap.from_json(json.loads(release)),
        method,
        confidence,
        summary,
        when,
        bool(manual),
    )


def _note(row: dict) -> Note:
    return Note(
        id=row["id"],
        film_id=row["film_id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        sources=tuple(Source(**s) for s in json.loads(row["sources"] or "[]")),
        placement=json.loads(row["placement"] or "{}"),
        start_s=row["start_s"],
        end_s=row["end_s"],
        claim=row["claim"],
        verdict=row["verdict"],
        truth=row["truth"],
        tags=tuple(json.loads(row["tags"] or "[]")),
    )
