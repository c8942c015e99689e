"""Notes on the film's clock: importing packs into the store and placing each note in time.

A pack says *where* a note belongs in words (a film line, a phrase of the commentary, a time
range, the whole film); this module turns that into seconds of the film. Lines are looked up in
the subtitles when the caller has them, otherwise among the film lines the commentary quotes, then
put on the clock by the commentary's current time map. That is why placement is redone whenever the
map changes (:func:`resolve_notes` after an alignment or a timing edit): the note keeps following
its scene, on whatever release the commentary was aligned to.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from companion.alignment.subtitles import Cue
from companion.content.cards import limit_cards
from companion.content.films import add_track, source_sha256, track_transcript
from companion.content.locate import PhraseIndex, find_phrase
from companion.content.packs import Pack, PackError, PackNote, PackTrack, load_pack
from companion.content.transcript import (
    Transcript,
    TranscriptError,
    normalise,
    parse,
    read_dialogue_table,
    read_ocr_table,
    read_source,
)
from companion.errors import CompanionError
from companion.model import SpanKind
from companion.store import Store
from companion.timing.retime import TrackTiming, track_map

# Keys the resolver adds to a stored placement; everything else is the pack's own wording.
_RESOLUTION_KEYS = ("resolved_by", "track_id", "segment", "word_index", "warning")


class NotesError(CompanionError):
    """A pack that validated but cannot be imported into this database."""


@dataclass(frozen=True)
class Placed:
    """Where one note landed: times (None when not found), how, and a warning if it failed."""

    start_s: float | None
    end_s: float | None
    resolved_by: str | None
    track_id: str | None = None
    segment: int | None = None
    word_index: int | None = None
    warning: str | None = None


@dataclass(frozen=True)
class AddResult:
    film_id: str
    pack: str
    notes: int
    tracks: tuple[str, ...]
    warnings: tuple[str, ...]


def add_pack(store: Store, path: Path | str, cues: Sequence[Cue] | None = None) -> AddResult:
    """Import a pack: its film if new, its commentary tracks, its notes placed on the clock.

    All or nothing: a pack that fails validation or import leaves the database as it was. Adding
    the same pack again replaces its notes; its commentary tracks are kept as they are (with
    their alignment and the user's timing edits), and a different transcript under a stored
    track's id is refused.
    """
    pack = load_pack(path)
    parsed = read_tracks(pack)
    with store.transaction():
        _ensure_film(store, pack)
        track_ids = tuple(_ensure_track(store, pack.film.id, t, tr) for t, tr in parsed)
        _replace_notes(store, pack)
        warnings = resolve_notes(store, pack.film.id, cues, pack=pack.name)
    count = len(store.pack_notes(pack.film.id, pack.name))
    return AddResult(pack.film.id, pack.name, count, track_ids, tuple(warnings))


def resolve_notes(
    store: Store, film_id: str, cues: Sequence[Cue] | None = None, pack: str | None = None
) -> list[str]:
    """Recompute every note's times from its placement and the current time maps.

    Call after anything that moves the commentary on the clock (align, a timing edit). With
    ``cues`` (the film's subtitles) film lines are timed from them; without, a note that was
    timed from subtitles before keeps its times, since no time map can improve on them.
    Returns one warning per note whose placement could not be found.
    """
    resolver = _Resolver(store, film_id, cues)
    warnings, updates = [], []
    for row in store.pack_notes(film_id, pack):
        stored = json.loads(row["placement"])
        spec = {k: v for k, v in stored.items() if k not in _RESOLUTION_KEYS}
        if cues is None and stored.get("resolved_by") == "subtitles":
            continue
        placed = resolver.place(spec)
        if placed.warning:
            warnings.append(f"{row['pack']}: note {row['id']!r}: {placed.warning}")
        updates.append((row["id"], spec, placed))
    with store.transaction():
        for note_id, spec, placed in updates:
            how = {k: getattr(placed, k) for k in _RESOLUTION_KEYS}
            placement = {**spec, **{k: v for k, v in how.items() if v is not None}}
            store.place_note(note_id, placed.start_s, placed.end_s, json.dumps(placement))
        limit_cards(store, film_id)
    return warnings


def note_key(film_id: str, note_id: str) -> str:
    """The stored id of a pack's note: pack ids need only be unique within their film."""
    return f"{film_id}/{note_id}"


def line_time(cues: Sequence[Cue], line: str, occurrence: int = 1) -> float | None:
    """Start of the cue where the ``occurrence``-th match of a film line begins, or None.

    Cues are matched as one stream of words, so a line split over two cues is still found.
    """
    return _CueWords(cues).line_time(line, occurrence)


class _CueWords(PhraseIndex):
    def __init__(self, cues: Sequence[Cue]) -> None:
        words = ((normalise(w), i) for i, cue in enumerate(cues) for w in cue.text.split())
        super().__init__([(w, i) for w, i in words if w])
        self.cues = cues

    def line_time(self, line: str, occurrence: int) -> float | None:
        hits = self.find(line)
        return self.cues[hits[occurrence - 1]].start_s if len(hits) >= occurrence else None


class _Resolver:
    """Placement of notes for one film, reading each track's transcript and time map once."""

    def __init__(self, store: Store, film_id: str, cues: Sequence[Cue] | None) -> None:
        self.store = store
        self.film = store.film(film_id)
        self.track_ids = [t["id"] for t in store.tracks(film_id)]
        self.cues = _CueWords(cues) if cues else None
        self._tracks: dict[str, tuple[_TranscriptWords, TrackTiming]] = {}

    def place(self, spec: dict[str, Any]) -> Placed:
        if spec.get("whole_film"):  # about the film: listed apart, not on the clock
            return Placed(None, None, "film")
        if "start" in spec:
            return Placed(spec["start"], spec["end"], "time")
        if "line" in spec:
            return self._line(spec["line"], spec["occurrence"], spec["duration"])
        return self._commentary(spec)

    def _line(self, line: str, occurrence: int, duration: float) -> Placed:
        if self.cues:
            start = self.cues.line_time(line, occurrence)
            if start is not None:
                return Placed(round(start, 3), round(start + duration, 3), "subtitles")
        for track_id in self.track_ids:
            placed = self._in_track(track_id, line, occurrence, duration, "dialogue")
            if placed is not None:
                return placed
        where = "the subtitles or " if self.cues else ""
        return Placed(None, None, None, warning=f"film line {line!r} not found in {where}"
                      "the film lines the commentary quotes")  # fmt: skip

    def _commentary(self, spec: dict[str, Any]) -> Placed:
        track_id = spec.get("track")
        if track_id is not None:
            track_id = f"{self.film['id']}/{track_id}"
        elif self.track_ids:
            track_id = self.track_ids[0]
        if track_id is None or track_id not in self.track_ids:
            problem = (
                f"no commentary track {track_id!r}" if track_id else "the film has no commentary"
            )
            return Placed(None, None, None, warning=problem)
        placed = self._in_track(
            track_id, spec["commentary"], spec["occurrence"], spec["duration"], "commentary"
        )
        if placed is None:
            warning = f"phrase {spec['commentary']!r} not found in the commentary {track_id}"
            return Placed(None, None, None, warning=warning)
        return placed

    def _in_track(
        self, track_id: str, phrase: str, occurrence: int, duration: float, prefer: SpanKind
    ) -> Placed | None:
        words, timemap = self._track(track_id)
        index = words.index(phrase, occurrence, prefer)
        if index is None:
            return None
        start = round(timemap.time_at(index), 3)
        end = round(start + duration, 3)
        return Placed(start, end, "transcript", track_id, words.segment_of(index), index)

    def _track(self, track_id: str) -> tuple[_TranscriptWords, TrackTiming]:
        if track_id not in self._tracks:
            words = _TranscriptWords(track_transcript(self.store, track_id))
            self._tracks[track_id] = (words, track_map(self.store, track_id)[0])
        return self._tracks[track_id]


def phrase_index(
    transcript: Transcript, phrase: str, occurrence: int = 1, prefer: SpanKind = "dialogue"
) -> int | None:
    """Word index where the ``occurrence``-th match of ``phrase`` starts, or None."""
    return _TranscriptWords(transcript).index(phrase, occurrence, prefer)


class _TranscriptWords(PhraseIndex):
    def __init__(self, transcript: Transcript) -> None:
        super().__init__(transcript.spoken_words)
        self.transcript = transcript
        self.segment_starts = [d.word_start for d in transcript.drafts]

    def segment_of(self, index: int) -> int:
        """Number of the segment holding word ``index`` (segments are numbered like drafts)."""
        return self.transcript.drafts[bisect.bisect_right(self.segment_starts, index) - 1].n

    def index(self, phrase: str, occurrence: int, prefer: SpanKind) -> int | None:
        """Where the ``occurrence``-th match starts, matches in ``prefer`` spans first.

        A film line is looked for where the transcript quotes the film (the director also
        repeats lines out of place, "then later says 'Girlfriend'"), a phrase of the commentary
        where the director speaks. With no exact match at all, the first occurrence may still be
        found despite OCR misspellings, as ``companion locate`` does.
        """
        hits = self.find(phrase)
        kinds = self.transcript.words
        ordered = sorted(hits, key=lambda i: kinds[i].kind != prefer)
        if len(ordered) >= occurrence:
            return ordered[occurrence - 1]
        if not hits and occurrence == 1:
            return find_phrase(self.transcript, phrase)
        return None


def read_tracks(pack: Pack) -> list[tuple[PackTrack, Transcript]]:
    """The pack's commentary transcripts, parsed; PackError names every one that can't be."""
    parsed, problems = [], []
    for track in pack.tracks:
        try:
            ocr = read_ocr_table(track.ocr_table) if track.ocr_table else []
            heard = read_dialogue_table(track.dialogue_table) if track.dialogue_table else []
            parsed.append((track, parse(read_source(track.transcript), ocr, dialogue=heard)))
        except TranscriptError as exc:
            problems.append(f"{pack.path}: commentary {track.id!r}: {exc}")
    if problems:
        raise PackError(problems)
    return parsed


def _ensure_film(store: Store, pack: Pack) -> None:
    """Add the pack's film if the database doesn't have it; an existing film is left as it is."""
    film = pack.film
    if any(row["id"] == film.id for row in store.films()):
        return
    missing = [f for f in ("title", "runtime_s") if getattr(film, f) is None]
    if missing:
        raise PackError(
            [f"{pack.path}: [film], field '{f}': needed to add the new film {film.id!r}"
             for f in missing]
        )  # fmt: skip
    store.add_film(
        {
            "id": film.id,
            "title": film.title,
            "year": film.year,
            "runtime_s": film.runtime_s,
            "metadata": json.dumps(
                {"id": film.id, "title": film.title, "year": film.year,
                 "runtime_s": film.runtime_s, **film.metadata},
                sort_keys=True, default=str,
            ),
        }
    )  # fmt: skip


def _ensure_track(store: Store, film_id: str, track: PackTrack, transcript: Transcript) -> str:
    """Add the track, or keep the stored one if it has the same transcript.

    A different transcript under the same id is refused rather than replaced: replacing would
    throw away the track's alignment and the user's timing edits.
    """
    track_id = f"{film_id}/{track.id}"
    rows = [row for row in store.tracks(film_id) if row["id"] == track_id]
    if rows:
        if rows[0]["source_sha256"] == source_sha256(transcript.source):
            return track_id
        raise NotesError(
            f"{track.transcript}: commentary {track_id} is already in the database with a "
            "different transcript; give the new one another id"
        )
    ocr_rows = read_ocr_table(track.ocr_table) if track.ocr_table else []
    return add_track(store, film_id, {**asdict(track), "ocr_rows": ocr_rows}, transcript)


def _replace_notes(store: Store, pack: Pack) -> None:
    film_id = pack.film.id
    keys = {note_key(film_id, n.id) for n in pack.notes}
    others = store.other_packs_notes(pack.name)
    taken = [(key, other) for key, other in others.items() if key in keys]
    if taken:
        raise NotesError(
            f"{pack.path}: note ids already used by another pack of {film_id}: "
            + ", ".join(f"{key} (pack {other})" for key, other in taken)
        )
    store.replace_pack_notes(pack.name, (_row(film_id, pack.name, note) for note in pack.notes))


def _row(film_id: str, pack_name: str, note: PackNote) -> dict[str, Any]:
    return {
        "id": note_key(film_id, note.id),
        "film_id": film_id,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "claim": note.claim,
        "verdict": note.verdict,
        "truth": note.truth,
        "sources": json.dumps([asdict(s) for s in note.sources]),
        "tags": json.dumps(list(note.tags)),
        "placement": json.dumps(note.placement),
        "start_s": None,
        "end_s": None,
        "pack": pack_name,
    }
