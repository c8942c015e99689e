"""Timing files a user can share or edit by hand (CSV, JSON), and the commentary as subtitles.

A timing file names the film, the track and the checksum of the transcript it was made for:
segment ids are positions in that exact text, so a file for another version of the transcript
is refused instead of putting its times on the wrong segments. Import checks the whole file
first and applies it as one edit (undoable), or nothing at all.

SRT and WebVTT exports let any player (VLC, mpv, Plex) show the commentary as a subtitle track.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pysubs2

from companion.formats import timingfile
from companion.formats.encoding import decode_bytes
from companion.formats.output import write_text_atomic
from companion.formats.timingfile import TimingFileError
from companion.model import HeardSpan
from companion.store import Store
from companion.timing import edits
from companion.timing.copy_times import segment_on_copy
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.timing.timecode import TimecodeError, format_time, parse_time

CSV_MAGIC = "# companion-timings csv v1"
CSV_COLUMNS = (
    "id",
    "start",
    "end",
    "origin",
    "confidence",
    "start_pinned",
    "end_pinned",
    "text",
)
FORMATS = ("json", "csv", "srt", "vtt")
IMPORT_FORMATS = ("json", "csv")
CUE_LINE_CHARS = 42  # the usual subtitle line length
CUE_LINES = 2
TEXT_WORDS = 8  # words of each segment shown in a CSV row, for people editing it


@dataclass(frozen=True)
class TimingEntry:
    id: int
    start_s: float
    end_s: float
    start_pinned: bool
    end_pinned: bool
    where: str  # "line 12" / "segments[3]": how a problem message points at it


@dataclass(frozen=True)
class TimingTable:
    """What an importable timing file says, whatever its format."""

    film: str
    track: str
    source_sha256: str
    entries: tuple[TimingEntry, ...]
    anchors: list[list] | None  # [word_index, film_s, score, source]; None: keep the store's
    heard: list[HeardSpan] | None = None  # heard sentences; None: keep the store's


def file_format(path: Path, fmt: str | None, allowed: tuple[str, ...] = FORMATS) -> str:
    """The format asked for, or the one the file name's extension says."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in allowed:
        raise TimingFileError(
            f"{path}: can't tell the format from the name; use --format {'|'.join(allowed)}"
            if not fmt
            else f"{path}: format {fmt!r} is not one of {', '.join(allowed)}"
        )
    return chosen


# export ---------------------------------------------------------------------------------------


def export_text(store: Store, track_id: str, fmt: str, release: ReleaseMap = IDENTITY) -> str:
    """The track's timings (json, csv) or commentary (srt, vtt) as file content.

    Subtitles play beside one copy, so they are on ``release``'s clock; timing files are shared
    and always on the reference clock (they say so).
    """
    if fmt == "csv":
        return csv_text(store, track_id)
    if fmt == "json":
        return timingfile.dumps(timingfile.track_document(store, track_id))
    return subtitle_text(store, track_id, fmt, release)


def export_file(
    store: Store,
    track_id: str,
    path: Path,
    fmt: str | None = None,
    release: ReleaseMap = IDENTITY,
) -> str:
    """Write the export to ``path`` atomically (a crash never leaves half a file, nor a
    temporary one), never over the database; returns its format."""
    fmt = file_format(path, fmt)
    write_text_atomic(path, export_text(store, track_id, fmt, release), store.files())
    return fmt


def csv_text(store: Store, track_id: str) -> str:
    track = store.track(track_id)
    out = io.StringIO()
    out.write(
        f"{CSV_MAGIC}\n# film={track['film_id']}\n# track={track_id}\n"
        f"# source_sha256={track['source_sha256']}\n# clock={timingfile.CLOCK}\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for seg in store.segments(track_id):
        words = seg.text.split()
        writer.writerow(
            [
                seg.n,
                format_time(seg.start_s),
                format_time(seg.end_s),
                seg.origin,
                f"{seg.confidence:.3f}",
                int(seg.start_pinned),
                int(seg.end_pinned),
                " ".join(words[:TEXT_WORDS]) + (" …" if len(words) > TEXT_WORDS else ""),
            ]
        )
    return out.getvalue()


def subtitle_text(store: Store, track_id: str, fmt: str, release: ReleaseMap = IDENTITY) -> str:
    """The commentary as SRT or WebVTT, each segment split into readable two-line cues.

    A segment is often a minute of talk; one cue holding all of it would fill the screen, so its
    words are cut into cues of at most two lines that share the segment's time in proportion to
    their length.
    """
    subs = pysubs2.SSAFile()
    for seg in (segment_on_copy(release, s) for s in store.segments(track_id)):
        start, end = max(seg.start_s, 0.0), seg.end_s
        if end <= start:
            continue
        cues = _wrap(seg.text, CUE_LINE_CHARS * CUE_LINES)
        total = sum(len(c) for c in cues)
        t = start
        for cue in cues:
            t_end = t + (end - start) * len(cue) / total
            text = "\\N".join(_wrap(cue, CUE_LINE_CHARS))
            subs.events.append(
                pysubs2.SSAEvent(start=round(t * 1000), end=round(t_end * 1000), text=text)
            )
            t = t_end
    return subs.to_string(fmt)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, cut only between words (a word is never split)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


# import ---------------------------------------------------------------------------------------


def read_table(path: Path, fmt: str | None = None) -> tuple[TimingTable, list[str]]:
    """Parse a json/csv timing file: the entries that parsed, and a line per one that did not.

    Either is read in any common encoding (UTF-8 with or without a BOM, UTF-16, Windows-1252),
    as a spreadsheet or a text editor may have saved it.

    A file whose header can't be read raises at once: nothing else in it can be trusted.
    """
    fmt = file_format(path, fmt, IMPORT_FORMATS)
    if fmt == "json":
        return json_table(timingfile.read_timing_file(path)), []
    try:
        if path.stat().st_size > timingfile.MAX_SIZE:
            raise TimingFileError(f"{path}: too large for a timing file")
        text = decode_bytes(path.read_bytes())
    except FileNotFoundError:
        raise TimingFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise TimingFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise TimingFileError(f"{path}: not a text file (broken UTF-16)") from None
    return parse_csv(text, path)


def json_table(timing: timingfile.TimingFile) -> TimingTable:
    """A JSON timing file (read and checked for form by :mod:`companion.formats.timingfile`)."""
    entries = tuple(
        TimingEntry(
            s.id,
            s.start_s,
            s.end_s,
            s.pinned in ("start", "both"),
            s.pinned in ("end", "both"),
            f"segments[{i}] (id {s.id})",
        )
        for i, s in enumerate(timing.segments)
    )
    anchors = [[a.word_index, a.film_s, a.score, a.source] for a in timing.anchors]
    heard = list(timing.heard) if timing.heard is not None else None
    return TimingTable(timing.film, timing.track, timing.source_sha256, entries, anchors, heard)


def parse_csv(text: str, path: Path) -> tuple[TimingTable, list[str]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != CSV_MAGIC:
        raise TimingFileError(
            f"{path}: line 1: not a Companion timing CSV (expected {CSV_MAGIC!r})"
        )
    meta, body_start = {}, 1
    while body_start < len(lines) and lines[body_start].startswith("#"):
        key, _, value = lines[body_start].lstrip("# ").partition("=")
        meta[key.strip()] = value.strip()
        body_start += 1
    problems = [
        f"header: missing '# {key}=…'"
        for key in ("film", "track", "source_sha256")
        if not meta.get(key)
    ]
    if meta.get("clock", timingfile.CLOCK) != timingfile.CLOCK:
        problems.append(f"header: clock must be {timingfile.CLOCK!r} (timings are shared on it)")
    reader = csv.reader(lines[body_start:])
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(CSV_COLUMNS):
        problems.append(f"line {body_start + 1}: columns must be {','.join(CSV_COLUMNS)}")
    _raise(path, problems)
    entries = []
    for offset, row in enumerate(reader, body_start + 2):
        if not any(cell.strip() for cell in row):
            continue
        entry = _csv_entry(row, f"line {offset}", problems)
        if entry is not None:
            entries.append(entry)
    table = TimingTable(meta["film"], meta["track"], meta["source_sha256"], tuple(entries), None)
    return table, problems


def _csv_entry(row: list[str], where: str, problems: list[str]) -> TimingEntry | None:
    if len(row) != len(CSV_COLUMNS):
        problems.append(f"{where}: {len(row)} fields, expected {len(CSV_COLUMNS)}")
        return None
    cells = dict(zip(CSV_COLUMNS, (c.strip() for c in row), strict=True))
    start_problems = len(problems)
    number = _int(cells["id"], where, "id", problems)
    start, end = (_time(cells[k], where, k, problems) for k in ("start", "end"))
    pins = [_flag(cells[k], where, k, problems) for k in ("start_pinned", "end_pinned")]
    if len(problems) > start_problems:
        return None
    return TimingEntry(number, start, end, pins[0], pins[1], where)


def _int(value: str, where: str, name: str, problems: list[str]) -> int:
    try:
        return int(value)
    except ValueError:
        problems.append(f"{where}: {name} {value!r} is not a whole number")
        return 0


def _time(value: str, where: str, name: str, problems: list[str]) -> float:
    try:
        negative = value.startswith("-")
        seconds = parse_time(value[1:] if negative else value)
        return round(-seconds if negative else seconds, 3)
    except TimecodeError as exc:
        problems.append(f"{where}: {name}: {exc}")
        return 0.0


def _flag(value: str, where: str, name: str, problems: list[str]) -> bool:
    if value not in ("0", "1"):
        problems.append(f"{where}: {name} must be 0 or 1, not {value!r}")
    return value == "1"


def _raise(path: Path, problems: list[str]) -> None:
    if problems:
        shown = problems[:50]
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise TimingFileError(
            f"{path}: {len(problems)} problem(s), nothing imported:\n  " + "\n  ".join(shown) + more
        )


def check_table(store: Store, table: TimingTable) -> list[str]:
    """Everything that keeps ``table`` from applying to this store, one line per problem."""
    tracks = {t["id"]: t for t in store.tracks()}
    track = tracks.get(table.track)
    if track is None or track["film_id"] != table.film:
        return [
            f"made for {table.film} / {table.track}, which this database does not have "
            f"(it has: {', '.join(tracks) or 'no tracks'})"
        ]
    if table.source_sha256 != track["source_sha256"]:
        return [
            f"made for another version of the transcript of {table.track} (checksum "
            f"{table.source_sha256[:12]}…, this one is {track['source_sha256'][:12]}…): its "
            "segment ids would point at the wrong text"
        ]
    runtime = store.film(table.film)["runtime_s"]
    count = store.segment_count(table.track)
    problems = [
        f"anchors[{i}]: word {word:g} at {format_time(t)} is outside the transcript "
        f"(0 to {track['word_count']}) or the film (to {format_time(runtime)})"
        for i, (word, t, *_rest) in enumerate(table.anchors or [])
        if not (0 <= word <= track["word_count"] and 0 <= t <= runtime)
    ]
    seen, previous = set(), None
    for entry in table.entries:
        if not 1 <= entry.id <= count:
            problems.append(f"{entry.where}: no segment {entry.id} (segments are 1 to {count})")
            continue
        if entry.id in seen:
            problems.append(f"{entry.where}: segment {entry.id} appears twice")
            continue
        seen.add(entry.id)
        problems += _entry_problems(entry, previous, runtime)
        previous = entry
    return problems


def _entry_problems(entry: TimingEntry, previous: TimingEntry | None, runtime: float) -> list[str]:
    """Pinned times inside the film, a start before its end, entries in order, and one time
    for a boundary two segments share (machine times may run past the film's ends: they
    are recomputed on import anyway)."""
    problems = []
    for name, t, pinned in (
        ("start", entry.start_s, entry.start_pinned),
        ("end", entry.end_s, entry.end_pinned),
    ):
        if pinned and not 0 <= t <= runtime:
            problems.append(
                f"{entry.where}: pinned {name} {format_time(t)} is outside the film "
                f"(00:00:00.000 to {format_time(runtime)})"
            )
    if entry.end_s < entry.start_s:
        problems.append(f"{entry.where}: segment {entry.id} ends before it starts")
    if previous is None:
        return problems
    if entry.id < previous.id:
        problems.append(f"{entry.where}: segment {entry.id} comes after segment {previous.id}")
    elif entry.id == previous.id + 1 and entry.start_s != previous.end_s:
        problems.append(
            f"{entry.where}: segment {entry.id} starts at {format_time(entry.start_s)} but "
            f"segment {previous.id} ({previous.where}) ends at {format_time(previous.end_s)}; "
            "neighbours share that boundary: give both the same time"
        )
    elif entry.start_s < previous.end_s:
        problems.append(
            f"{entry.where}: segment {entry.id} starts at {format_time(entry.start_s)}, "
            f"before segment {previous.id} ({previous.where}) ends: segments must be in order"
        )
    return problems


def import_file(
    store: Store, path: Path, fmt: str | None = None
) -> tuple[TimingTable, edits.Edit | None]:
    """Check the file completely, then apply it as one edit; ``None`` when nothing changes."""
    table, problems = read_table(path, fmt)
    _raise(path, problems + check_table(store, table))
    entries = {e.id: (e.start_s, e.end_s, e.start_pinned, e.end_pinned) for e in table.entries}
    anchors = table.anchors
    if anchors is not None and _rounded(store, table.track) == [a[:3] for a in anchors]:
        anchors = None  # the file's are ours, rounded to the millisecond: keep ours exact
    heard = table.heard if table.heard != store.heard(table.track) else None
    try:
        edit = edits.apply_timings(
            store, table.track, entries, f"Import timings from {path.name}", anchors, heard
        )
    except edits.NoChange:
        return table, None
    except edits.EditError as exc:
        raise TimingFileError(f"{path}: nothing imported: {exc}") from None
    return table, edit


def _rounded(store: Store, track_id: str) -> list[list[float]]:
    return [
        [round(a.word_index, 3), round(a.film_s, 3), round(a.score, 3)]
        for a in store.anchors(track_id)
    ]
