"""Notes packs: a film's trivia and corrections (and optionally its commentary) as one TOML file.

A pack is written by people, often for a film the code has never heard of, so it is validated as
a whole: every problem is reported at once, each naming the file, the note id and the field,
instead of stopping at the first one. Nothing here touches the store; placing notes on the film
clock is ``companion.content.notes``.

Pack format
===========

A pack is a UTF-8 TOML file (a folder given as a pack means its ``notes.toml``). Times are
``"HH:MM:SS"`` strings (``.mmm`` allowed), TOML times (``start = 00:53:12``) or plain seconds.

.. code-block:: toml

    format = 1                         # optional; the only version so far
    name = "my-film-notes"             # optional; default "<film id>/<file name without .toml>"

    [film]                             # required
    id = "my_film"                     # required: lower-case letters, digits, "_" and "-"
    title = "My Film"                  # required when the film is new to the database
    year = 2019
    runtime_s = 5400                   # or "01:30:00"
    director = "Someone"               # any other key is kept as film metadata

    [[commentary]]                     # optional, repeatable: a commentary track to import
    id = "director"                    # track id within the film
    title = "Director's commentary"
    speaker = "A. Director"
    transcript = "commentary.txt"      # path relative to the pack file
    ocr_table = "ocr.tsv"              # optional: OCR fixes, "wrong<TAB>right" per line
    dialogue_table = "dialogue.tsv"    # optional: "word_start<TAB>word_end<TAB>speaker" rows
    start_s = 0                        # the part of the film the commentary talks over
    end_s = 5300

    [[notes]]
    id = "wrong-year"                  # required, unique in the pack
    kind = "correction"                # "trivia" or "correction"
    title = "Released in 2019"
    body = "What a viewer should know, in a few sentences."
    claim = "Released in 2018"         # corrections only (required): the claim as made
    verdict = "wrong"                  # corrections only (required): "wrong" or "misleading"
    truth = "It came out in 2019."     # corrections only (required): what is true
    tags = ["release"]                 # optional: people, places, topics
    sources = [                        # required, at least one; url optional (http/https)
      { name = "Wikipedia", url = "https://en.wikipedia.org/wiki/My_Film" },
    ]
    # Placement: exactly one of the four forms below.
    line = "Gentlemen, this is Laura."  # a film line spoken in the scene
    # commentary = "cuttlefish"        # a phrase the commentary says (track = "..." picks one)
    # start = "00:53:12"               # a time range on the film (end optional)
    # end = "00:58:55"
    # whole_film = true                # about the film as a whole: listed apart, not on the clock

A ``line`` is found in the subtitles when a subtitle file is given, otherwise among the film lines
the commentary quotes (its dialogue spans), so the note follows the scene on any release once the
commentary is aligned. ``commentary`` puts the note where the commentary says the phrase. Both
match case-, punctuation- and spacing-blind; ``occurrence = N`` picks the N-th match. A line
or phrase that can't be found leaves the note without times (still listed, with a warning)
rather than failing the pack.

``duration`` (seconds, default 60) sets how long a note stays up after a ``line``, a
``commentary`` phrase or a ``start`` without ``end``. ``whole_film`` notes are about the film as a
whole: they get no time (the window lists them apart); ``companion notes`` lists every note.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.model import NoteKind, Source

FORMAT_VERSION = 1
DEFAULT_DURATION_S = 60.0
NOTE_KINDS: tuple[NoteKind, ...] = ("trivia", "correction")
VERDICTS = ("wrong", "misleading")
PLACEMENT_FORMS = ("line", "commentary", "start", "whole_film")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
_URL = re.compile(r"^https?://\S+$")
_TOP_KEYS = {"format", "name", "film", "commentary", "notes"}
_FILM_KEYS = {"id", "title", "year", "runtime_s"}
_TRACK_KEYS = {
    "id", "title", "speaker", "transcript", "ocr_table", "dialogue_table", "start_s", "end_s",
}  # fmt: skip
_CORRECTION_KEYS = ("claim", "verdict", "truth")
_NOTE_KEYS = {
    "id", "kind", "title", "body", "sources", "tags", *_CORRECTION_KEYS,
    "line", "commentary", "track", "occurrence", "duration", "start", "end", "whole_film",
}  # fmt: skip


class PackError(CompanionError):
    """A pack that can't be used; ``problems`` lists every one found, each a full sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PackFilm:
    id: str
    title: str | None
    year: int | None
    runtime_s: float | None
    metadata: dict[str, Any]


@dataclass(frozen=True)
class PackTrack:
    """A commentary track the pack brings; ``transcript`` and the tables are absolute paths."""

    id: str
    title: str
    speaker: str
    transcript: Path
    ocr_table: Path | None
    start_s: float
    end_s: float
    dialogue_table: Path | None = None


@dataclass(frozen=True)
class PackNote:
    """A note as written; ``placement`` holds the placement keys as given (times in seconds)."""

    id: str
    kind: NoteKind
    title: str
    body: str
    sources: tuple[Source, ...]
    tags: tuple[str, ...]
    placement: dict[str, Any]
    claim: str | None = None
    verdict: str | None = None
    truth: str | None = None


@dataclass(frozen=True)
class Pack:
    path: Path
    name: str
    film: PackFilm
    tracks: tuple[PackTrack, ...]
    notes: tuple[PackNote, ...]


def parse_clock(value: Any) -> float:
    """Seconds from ``"HH:MM:SS(.mmm)"``, a TOML time or a number; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("expected a time")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    elif isinstance(value, str) and (m := _CLOCK.match(value.strip())):
        seconds = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    else:
        raise ValueError('expected "HH:MM:SS" or seconds')
    if seconds < 0:
        raise ValueError("must not be negative")
    return seconds


class _Checker:
    """Collects problems while reading one pack, so all of them are reported together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def fail(self, where: str, field: str, problem: str) -> None:
        self.problems.append(f"{self.path}: {where}, field '{field}': {problem}")

    def unknown(self, where: str, table: dict, allowed: set[str]) -> None:
        for key in sorted(set(table) - allowed):
            self.fail(where, key, "unknown field")

    def text(self, where: str, table: dict, field: str, required: bool = True) -> str | None:
        value = table.get(field)
        if value is None:
            if required:
                self.fail(where, field, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, field, "must be non-empty text")
            return None
        return value.strip()

    def slug(self, where: str, table: dict, field: str) -> str | None:
        value = self.text(where, table, field)
        if value is not None and not _SLUG.match(value):
            self.fail(where, field, f"{value!r} must use only a-z, 0-9, '_' and '-'")
            return None
        return value

    def clock(self, where: str, table: dict, field: str, required: bool = False) -> float | None:
        if field not in table:
            if required:
                self.fail(where, field, "missing")
            return None
        try:
            return parse_clock(table[field])
        except ValueError as exc:
            self.fail(where, field, f"{table[field]!r}: {exc}")
            return None

    def file(self, where: str, table: dict, field: str, required: bool = True) -> Path | None:
        name = self.text(where, table, field, required)
        if name is None:
            return None
        path = (self.path.parent / name).resolve()
        if not path.is_file():
            self.fail(where, field, f"file {path} not found")
            return None
        return path


def load_pack(path: Path | str) -> Pack:
    """Read and validate a pack (a folder: its notes.toml); PackError lists every problem."""
    path = Path(path)
    if path.is_dir():
        path = path / "notes.toml"
    data = _read_toml(path)
    check = _Checker(path)
    check.unknown("pack", data, _TOP_KEYS)
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        check.fail("pack", "format", f"unsupported version {data['format']!r} (expected 1)")
    film = _film(check, data.get("film"))
    tracks = tuple(_tracks(check, data.get("commentary", [])))
    notes = tuple(_notes(check, data.get("notes", [])))
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        check.fail("pack", "name", "must be non-empty text")
    if check.problems:
        raise PackError(check.problems)
    assert film is not None
    return Pack(path, name or f"{film.id}/{path.stem}", film, tracks, notes)


def _read_toml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PackError([f"{path}: pack file not found"]) from None
    except OSError as exc:
        raise PackError([f"{path}: cannot read the pack ({exc.strerror or exc})"]) from None
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PackError([f"{path}: not UTF-8 text (bad byte at offset {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError([f"{path}: not valid TOML ({exc})"]) from None
    except RecursionError:
        raise PackError([f"{path}: not a pack (values nested too deeply)"]) from None


def _film(check: _Checker, table: Any) -> PackFilm | None:
    if not isinstance(table, dict):
        check.fail("pack", "film", "missing [film] table" if table is None else "must be a table")
        return None
    film_id = check.slug("[film]", table, "id")
    title = check.text("[film]", table, "title", required=False)
    year = table.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        check.fail("[film]", "year", "must be a whole number")
        year = None
    runtime = check.clock("[film]", table, "runtime_s")
    if runtime == 0:
        check.fail("[film]", "runtime_s", "must be more than zero")
    metadata = {k: v for k, v in table.items() if k not in _FILM_KEYS}
    if film_id is None:
        return None
    return PackFilm(film_id, title, year, runtime, metadata)


def _tracks(check: _Checker, tables: Any) -> list[PackTrack]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        check.fail("pack", "commentary", "must be [[commentary]] tables")
        return []
    tracks, seen = [], set()
    for number, table in enumerate(tables, 1):
        where = f"commentary #{number}"
        check.unknown(where, table, _TRACK_KEYS)
        track_id = check.slug(where, table, "id")
        if track_id in seen:
            check.fail(where, "id", f"{track_id!r} is used by another commentary")
        seen.add(track_id)
        title = check.text(where, table, "title")
        speaker = check.text(where, table, "speaker")
        transcript = check.file(where, table, "transcript")
        ocr_table = check.file(where, table, "ocr_table", required=False)
        dialogue = check.file(where, table, "dialogue_table", required=False)
        start = check.clock(where, table, "start_s", required=True)
        end = check.clock(where, table, "end_s", required=True)
        if start is not None and end is not None and end <= start:
            check.fail(where, "end_s", "must be after start_s")
        if (
            track_id is not None
            and title is not None
            and speaker is not None
            and transcript is not None
            and start is not None
            and end is not None
            and end > start
        ):
            tracks.append(
                PackTrack(track_id, title, speaker, transcript, ocr_table, start, end, dialogue)
            )
    return tracks


def _notes(check: _Checker, tables: Any) -> list[PackNote]:
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        check.fail("pack", "notes", "must be [[notes]] tables")
        return []
    notes, seen = [], set()
    for number, table in enumerate(tables, 1):
        raw_id = table.get("id")
        where = f"note {raw_id!r}" if isinstance(raw_id, str) else f"note #{number}"
        before = len(check.problems)
        note_id = check.slug(where, table, "id")
        if note_id is not None and note_id in seen:
            check.fail(where, "id", "used by another note of this pack")
        seen.add(note_id)
        note = _note(check, where, table, note_id)
        if note is not None and len(check.problems) == before:
            notes.append(note)
    return notes


def _note(check: _Checker, where: str, table: dict, note_id: str | None) -> PackNote | None:
    check.unknown(where, table, _NOTE_KEYS)
    kind = table.get("kind")
    if kind not in NOTE_KINDS:
        problem = "missing" if kind is None else f"{kind!r} is not trivia|correction"
        check.fail(where, "kind", problem)
    title = check.text(where, table, "title")
    body = check.text(where, table, "body")
    correction = {f: check.text(where, table, f, kind == "correction") for f in _CORRECTION_KEYS}
    if kind == "trivia":
        for field in _CORRECTION_KEYS:
            if field in table:
                check.fail(where, field, "only corrections have a claim, verdict and truth")
    verdict = correction["verdict"]
    if verdict is not None and verdict not in VERDICTS:
        check.fail(where, "verdict", f"{verdict!r} is not wrong|misleading")
    sources = _sources(check, where, table.get("sources"))
    tags = table.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        check.fail(where, "tags", "must be a list of non-empty text")
        tags = []
    placement = _placement(check, where, table)
    if note_id is None or title is None or body is None or placement is None:
        return None
    if kind not in NOTE_KINDS:
        return None
    return PackNote(note_id, kind, title, body, sources, tuple(tags), placement, **correction)


def _sources(check: _Checker, where: str, value: Any) -> tuple[Source, ...]:
    if value is None:
        check.fail(where, "sources", "missing: every note needs at least one source")
        return ()
    if not isinstance(value, list) or not value:
        check.fail(where, "sources", "must be a non-empty list of { name = ..., url = ... }")
        return ()
    sources = []
    for number, item in enumerate(value, 1):
        field = f"sources[{number}]"
        if not isinstance(item, dict):
            check.fail(where, field, "must be a table { name = ..., url = ... }")
            continue
        for key in sorted(set(item) - {"name", "url"}):
            check.fail(where, f"{field}.{key}", "unknown field")
        name = item.get("name")
        url = item.get("url")
        if not isinstance(name, str) or not name.strip():
            check.fail(where, f"{field}.name", "missing or empty")
        elif url is not None and (not isinstance(url, str) or not _URL.match(url)):
            check.fail(where, f"{field}.url", f"{url!r} is not an http(s) link")
        else:
            sources.append(Source(name.strip(), url))
    return tuple(sources)


def _placement(check: _Checker, where: str, table: dict) -> dict[str, Any] | None:
    """The note's placement as a plain dict, or None (after reporting) when it isn't exactly one."""
    forms = [f for f in PLACEMENT_FORMS if f in table]
    if "end" in table and "start" not in table:
        check.fail(where, "end", "needs a start")
    if len(forms) != 1:
        problem = "missing" if not forms else f"give only one of {', '.join(forms)}"
        check.fail(where, "placement", f"{problem} (line, commentary, start/end or whole_film)")
        return None
    form = forms[0]
    if form == "whole_film":
        return _whole_film(check, where, table)
    if form == "start":
        return _time_range(check, where, table)
    return _phrase(check, where, table, form)


def _whole_film(check: _Checker, where: str, table: dict) -> dict[str, Any] | None:
    for key in ("occurrence", "track"):
        if key in table:
            check.fail(where, key, "does not apply to whole_film")
    if table["whole_film"] is not True:
        check.fail(where, "whole_film", "must be true")
        return None
    duration = _duration(check, where, table)
    return None if duration is None else {"whole_film": True, "duration": duration}


def _time_range(check: _Checker, where: str, table: dict) -> dict[str, Any] | None:
    for key in ("occurrence", "track"):
        if key in table:
            check.fail(where, key, "only applies to line and commentary placements")
    start = check.clock(where, table, "start")
    end = check.clock(where, table, "end")
    if "end" in table and "duration" in table:
        check.fail(where, "duration", "give end or duration, not both")
    duration = _duration(check, where, table)
    if start is None or (end is None and "end" in table) or duration is None:
        return None
    if end is not None and end <= start:
        check.fail(where, "end", "must be after start")
        return None
    return {"start": start, "end": end if end is not None else start + duration}


def _phrase(check: _Checker, where: str, table: dict, form: str) -> dict[str, Any] | None:
    text = check.text(where, table, form)
    if text is not None and not re.search(r"[0-9A-Za-z]", text):
        check.fail(where, form, "has no words to look for")
        text = None
    if form == "line" and "track" in table:
        check.fail(where, "track", "only applies to commentary placements")
    occurrence = table.get("occurrence", 1)
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        check.fail(where, "occurrence", "must be a whole number from 1")
        occurrence = None
    track = check.slug(where, table, "track") if "track" in table else None
    duration = _duration(check, where, table)
    if text is None or occurrence is None or duration is None:
        return None
    placement: dict[str, Any] = {form: text, "occurrence": occurrence, "duration": duration}
    if track is not None:
        placement["track"] = track
    return placement


def _duration(check: _Checker, where: str, table: dict) -> float | None:
    value = table.get("duration", DEFAULT_DURATION_S)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        check.fail(where, "duration", "must be a number of seconds above zero")
        return None
    return float(value)
