"""Timing files: a commentary track's anchors and segment times as a shareable JSON document.

Format (``companion-timings``, version 1), one object::

    {
      "format": "companion-timings",
      "version": 1,
      "film": "age_of_ultron",                 # film id
      "track": "age_of_ultron/whedon",         # commentary track id
      "source_sha256": "<64 hex>",             # checksum of the transcript the positions index
      "clock": "reference",                    # times are on the pack's reference release
      "anchors": [                             # where the transcript meets the film
        {"word": 1262.0, "time_s": 420.92, "score": 0.86}, ...
      ],
      "segments": [                            # every segment's timing, by its stable id
        {"id": 1, "start_s": 0.0, "end_s": 38.5, "origin": "anchored",
         "pinned": "none", "confidence": 0.41}, ...
      ],
      "heard": [                               # optional: sentences heard on the audio track
        {"word_start": 21, "word_end": 28, "start_s": 7.17, "end_s": 8.37, "confidence": 0.86,
         "words": [[21, 7.17, 7.3], ...]}, ...
      ]
    }

``clock`` says the times are on the reference clock (the release the shipped timings belong
to), whatever copy the user watches: a shared file means the same on every copy. Files from
before it was written lack it and are read the same way; any other clock is refused.
``word`` is a position in the transcript's whitespace-separated words (fractions allowed);
``time_s`` film seconds; ``score`` 0-1, how much the anchor is trusted. ``origin`` is
``estimated``, ``anchored``, ``heard`` or ``pinned`` (informative); ``pinned`` says which edges
the user fixed: ``none``, ``start``, ``end`` or ``both``. Files are written with sorted keys, one
entry per line and times rounded to the millisecond, so the same timings always give the same
bytes and diff well.

Reading checks everything first and names each bad entry; nothing is applied unless all of it is
good, and a file made for another version of the transcript (checksum) is refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from companion.errors import CompanionError
from companion.formats.encoding import decode_bytes
from companion.formats.output import write_text_atomic
from companion.model import Anchor, HeardSpan, Segment
from companion.store import Store
from companion.timing.retime import retime

FORMAT = "companion-timings"
CLOCK = "reference"
VERSION = 1
ORIGINS = ("estimated", "anchored", "heard", "pinned")
PINNED = ("none", "start", "end", "both")
MAX_SIZE = 50_000_000
T = TypeVar("T")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TimingFileError(CompanionError):
    """A timing file that can't be used; the message lists every problem with its entry."""


@dataclass(frozen=True)
class SegmentTiming:
    id: int
    start_s: float
    end_s: float
    origin: str
    pinned: str
    confidence: float


@dataclass(frozen=True)
class TimingFile:
    film: str
    track: str
    source_sha256: str
    anchors: tuple[Anchor, ...]
    segments: tuple[SegmentTiming, ...]
    heard: tuple[HeardSpan, ...] | None = None  # None: the file says nothing of heard times


def file_name(track_id: str) -> str:
    """Where a track's timings live in a timings folder: ``age_of_ultron.whedon.json``."""
    return track_id.replace("/", ".") + ".json"


def _round(x: float) -> float:
    return round(float(x), 3) + 0.0  # + 0.0 turns -0.0 into 0.0: same value, same bytes


def _pinned(seg: Segment) -> str:
    return {(False, False): "none", (True, False): "start", (False, True): "end"}.get(
        (seg.start_pinned, seg.end_pinned), "both"
    )


def track_document(store: Store, track_id: str) -> dict:
    """The timing document of a stored track."""
    track = store.track(track_id)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "film": track["film_id"],
        "track": track_id,
        "source_sha256": track["source_sha256"],
        "clock": CLOCK,
        "anchors": [
            {"word": _round(a.word_index), "time_s": _round(a.film_s), "score": _round(a.score)}
            for a in store.anchors(track_id)
        ],
        "segments": [
            {
                "id": s.n,
                "start_s": _round(s.start_s),
                "end_s": _round(s.end_s),
                "origin": s.origin,
                "pinned": _pinned(s),
                "confidence": _round(s.confidence),
            }
            for s in store.segments(track_id)
        ],
    }
    heard = store.heard(track_id)
    if heard:  # only then: a file of a track never listened to keeps its bytes
        document["heard"] = [_heard_entry(h) for h in heard]
    return document


def _heard_entry(h: HeardSpan) -> dict:
    return {
        "word_start": h.word_start,
        "word_end": h.word_end,
        "start_s": _round(h.start_s),
        "end_s": _round(h.end_s),
        "confidence": _round(h.confidence),
        "words": [[i, _round(a), _round(b)] for i, a, b in h.words],
    }


def dumps(document: dict) -> str:
    """The canonical text of a timing document: keys sorted, one list entry per line."""
    lines = []
    for key in sorted(document):
        value = document[key]
        if isinstance(value, list):
            rows = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in value]
            text = "[\n  " + ",\n  ".join(rows) + "\n ]" if rows else "[]"
        else:
            text = json.dumps(value, ensure_ascii=False)
        lines.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def save_timing_file(store: Store, track_id: str, path: Path) -> None:
    """Write the track's timings to ``path``, atomically (a crash leaves the old file)."""
    write_text_atomic(path, dumps(track_document(store, track_id)), store.files())


def _number(value: object, where: str, problems: list[str], low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{where}: must be a number")
        return 0.0
    if value < low:
        problems.append(f"{where}: must be at least {low:g}")
    return float(value)


def _text(value: object, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value:
        problems.append(f"{where}: must be a non-empty string")
        return ""
    return value


def _entry(row: object, where: str, problems: list[str], fields: set[str]) -> dict | None:
    """``row`` if it is an object (noting any field it should not have), else None."""
    if not isinstance(row, dict):
        problems.append(f"{where}: must be an object")
        return None
    unknown = sorted(set(row) - fields)
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    return row


def _anchor(entry: object, where: str, problems: list[str]) -> Anchor | None:
    row = _entry(entry, where, problems, {"word", "time_s", "score"})
    if row is None:
        return None
    word = _number(row.get("word"), f"{where}.word", problems)
    time_s = _number(row.get("time_s"), f"{where}.time_s", problems)
    score = _number(row.get("score"), f"{where}.score", problems)
    if score > 1:
        problems.append(f"{where}.score: must be at most 1")
    return Anchor(word, time_s, score, "timings")


def _segment(entry: object, where: str, problems: list[str]) -> SegmentTiming | None:
    fields = {"id", "start_s", "end_s", "origin", "pinned", "confidence"}
    row = _entry(entry, where, problems, fields)
    if row is None:
        return None
    seg_id = row.get("id")
    if isinstance(seg_id, bool) or not isinstance(seg_id, int) or seg_id < 1:
        problems.append(f"{where}.id: must be a positive integer")
        seg_id = 0
    start = _number(row.get("start_s"), f"{where}.start_s", problems)
    end = _number(row.get("end_s"), f"{where}.end_s", problems)
    if end < start:
        problems.append(f"{where}: end_s {end:g} is before start_s {start:g}")
    origin, pinned = row.get("origin"), row.get("pinned")
    if origin not in ORIGINS:
        problems.append(f"{where}.origin: must be one of {', '.join(ORIGINS)}")
    if pinned not in PINNED:
        problems.append(f"{where}.pinned: must be one of {', '.join(PINNED)}")
    conf = _number(row.get("confidence"), f"{where}.confidence", problems)
    if conf > 1:
        problems.append(f"{where}.confidence: must be at most 1")
    return SegmentTiming(seg_id, start, end, str(origin), str(pinned), conf)


def _heard(entry: object, where: str, problems: list[str]) -> HeardSpan | None:
    """A heard sentence: its word span, start and end (seconds), confidence and words' times."""
    fields = {"word_start", "word_end", "start_s", "end_s", "confidence", "words"}
    row = _entry(entry, where, problems, fields)
    if row is None:
        return None
    first, last = row.get("word_start"), row.get("word_end")
    if not (isinstance(first, int) and _whole(first) and isinstance(last, int) and _whole(last)):
        problems.append(f"{where}: word_start and word_end must be whole numbers")
        return None
    if last <= first:
        problems.append(f"{where}: word_end must be after word_start")
    start = _number(row.get("start_s"), f"{where}.start_s", problems)
    end = _number(row.get("end_s"), f"{where}.end_s", problems)
    if end < start:
        problems.append(f"{where}: end_s {end:g} is before start_s {start:g}")
    conf = _number(row.get("confidence"), f"{where}.confidence", problems)
    if conf > 1:
        problems.append(f"{where}.confidence: must be at most 1")
    words = row.get("words", [])
    if not (
        isinstance(words, list)
        and all(isinstance(w, list) and len(w) == 3 and _whole(w[0]) for w in words)
    ):
        problems.append(f"{where}.words: must be a list of [word, start_s, end_s]")
        return None
    times = tuple(
        (i, _number(a, f"{where}.words", problems), _number(b, f"{where}.words", problems))
        for i, a, b in words
    )
    return HeardSpan(first, last, start, end, conf, times)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _entries(
    data: dict, key: str, parse: Callable[[object, str, list[str]], T | None], problems: list[str]
) -> list[T]:
    """The list ``data[key]``, each entry parsed; one that is not an object is left out."""
    rows = data.get(key)
    if not isinstance(rows, list):
        problems.append(f"{key}: must be a list")
        return []
    parsed = (parse(row, f"{key}[{i}]", problems) for i, row in enumerate(rows))
    return [entry for entry in parsed if entry is not None]


def parse_timing_document(data: object, name: str) -> TimingFile:
    """A checked timing document; raises TimingFileError listing every problem."""
    if not isinstance(data, dict):
        raise TimingFileError(f"{name}: not a timing file (expected a JSON object)")
    if data.get("format") != FORMAT:
        raise TimingFileError(f"{name}: not a timing file (format is not {FORMAT!r})")
    if data.get("version") != VERSION:
        raise TimingFileError(
            f"{name}: timing file version {data.get('version')!r} (this Companion reads {VERSION})"
        )
    problems: list[str] = []
    film = _text(data.get("film"), "film", problems)
    track = _text(data.get("track"), "track", problems)
    sha = _text(data.get("source_sha256"), "source_sha256", problems)
    if sha and not _SHA256.match(sha):
        problems.append("source_sha256: must be 64 lowercase hex digits")
    if data.get("clock", CLOCK) != CLOCK:
        problems.append(f"clock: must be {CLOCK!r} (timing files are on the reference clock)")
    anchors = _entries(data, "anchors", _anchor, problems)
    segments = _entries(data, "segments", _segment, problems)
    heard = tuple(_entries(data, "heard", _heard, problems)) if "heard" in data else None
    ids = [s.id for s in segments]
    if len(set(ids)) != len(ids):
        problems.append("segments: ids must be unique")
    if problems:
        raise TimingFileError(f"{name}: " + "; ".join(problems))
    return TimingFile(film, track, sha, tuple(anchors), tuple(segments), heard)


def read_timing_file(path: Path) -> TimingFile:
    """Read and check a timing file (see the module docstring for the format)."""
    try:
        if path.stat().st_size > MAX_SIZE:
            raise TimingFileError(f"{path}: too large for a timing file")
        data = json.loads(decode_bytes(path.read_bytes()))
    except FileNotFoundError:
        raise TimingFileError(f"{path}: no such timing file") from None
    except OSError as exc:
        raise TimingFileError(f"{path}: can't read the file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise TimingFileError(f"{path}: not a text file (broken UTF-16)") from None
    except json.JSONDecodeError as exc:
        raise TimingFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise TimingFileError(f"{path}: not a timing file (values nested too deeply)") from None
    return parse_timing_document(data, str(path))


def check_fits(store: Store, timing: TimingFile, name: str) -> None:
    """Refuse a timing file made for another film, track or version of the transcript."""
    track = store.track(timing.track)
    problems = []
    if timing.film != track["film_id"]:
        problems.append(f"film {timing.film!r} is not the track's film {track['film_id']!r}")
    if timing.source_sha256 != track["source_sha256"]:
        problems.append(
            "made for another version of the transcript (source_sha256 differs); "
            "its word positions would land in the wrong places"
        )
    for i, a in enumerate(timing.anchors):
        if a.word_index > track["word_count"]:
            problems.append(f"anchors[{i}].word: {a.word_index:g} is past the transcript's end")
    for i, h in enumerate(timing.heard or ()):
        if h.word_end > track["word_count"]:
            problems.append(f"heard[{i}].word_end: {h.word_end} is past the transcript's end")
    known = {s.n for s in store.segments(timing.track)}
    unknown = [s.id for s in timing.segments if s.id not in known]
    if unknown:
        problems.append(f"segments: unknown id(s) {', '.join(map(str, unknown[:10]))}")
    if problems:
        raise TimingFileError(f"{name}: " + "; ".join(problems))


def apply_timing_file(store: Store, path: Path) -> str:
    """Load a timing file's anchors (and heard sentences, when it has them) into the store: they
    replace the track's and every unpinned segment is re-timed from them; pins stay. All or
    nothing. Returns the track id."""
    timing = read_timing_file(path)
    check_fits(store, timing, str(path))
    with store.transaction():
        store.replace_anchors(timing.track, timing.anchors)
        if timing.heard is not None:
            store.replace_heard(timing.track, timing.heard)
        retime(store, timing.track)
    return timing.track


def reference_anchors(folder: Path, track_id: str) -> list[Anchor]:
    """The shipped anchors of a track (the reference clock), or none if there is no good file."""
    path = folder / file_name(track_id)
    try:
        timing = read_timing_file(path)
    except TimingFileError:
        return []
    return list(timing.anchors) if timing.track == track_id else []
