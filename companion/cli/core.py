"""Reading the commentary: ``segments``, ``at``, ``locate``, ``search``."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from companion.cli.group import TIME, emit, json_option, main, open_store
from companion.cli.params import COUNT
from companion.cli.sync import copy_release, video_option
from companion.content.films import track_transcript
from companion.content.locate import find_phrase
from companion.model import Note, Segment
from companion.store import Store
from companion.timing.copy_times import (
    hit_on_copy,
    note_on_copy,
    segment_on_copy,
    time_on_copy,
    time_to_reference,
)
from companion.timing.releases import ReleaseMap
from companion.timing.retime import locate_word
from companion.timing.timecode import TimecodeError, format_time, outside_film

track_option = click.option(
    "--track", "track_id", help="Commentary track id (default: the film's first)."
)


def segment_json(seg: Segment) -> dict:
    return {
        "id": seg.n,
        "start_s": seg.start_s,
        "end_s": seg.end_s,
        "origin": seg.origin,
        "confidence": seg.confidence,
        "pinned": seg.pinned,
        "text": seg.text,
        "source": {
            "char_start": seg.char_start,
            "char_end": seg.char_end,
            "word_start": seg.word_start,
            "word_end": seg.word_end,
        },
        "spans": [asdict(s) for s in seg.spans],
    }


def note_json(note: Note) -> dict:
    return {
        "id": note.id,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "claim": note.claim,
        "verdict": note.verdict,
        "truth": note.truth,
        "sources": [asdict(s) for s in note.sources],
        "tags": list(note.tags),
        "start_s": note.start_s,
        "end_s": note.end_s,
        "placement": note.placement,
    }


def segment_line(seg: Segment, width: int = 70) -> str:
    text = seg.text if len(seg.text) <= width else seg.text[: width - 1] + "…"
    return (
        f"{seg.n:>4}  {format_time(seg.start_s)} – {format_time(seg.end_s)}  "
        f"{seg.origin:<9} {seg.confidence:4.2f}  {text}"
    )


@main.command()
@track_option
@video_option
@json_option
@click.pass_context
def segments(ctx: click.Context, track_id: str | None, video: Path | None, as_json: bool) -> None:
    """List the commentary's segments with their times, origin and text."""
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    rows = [segment_on_copy(release, s) for s in store.segments(track["id"])]
    emit(as_json, [segment_json(s) for s in rows], lambda: "\n".join(map(segment_line, rows)))


@main.command()
@click.argument("time", type=TIME)
@track_option
@video_option
@json_option
@click.pass_context
def at(
    ctx: click.Context, time: float, track_id: str | None, video: Path | None, as_json: bool
) -> None:
    """What is showing at TIME: the commentary segment and the active notes."""
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    runtime = store.film(track["film_id"])["runtime_s"]
    problem = outside_film(time, time_on_copy(release, runtime))  # the film's end on the copy
    if problem:
        raise TimecodeError(problem)
    reference = time_to_reference(release, time)
    found = store.segment_at(track["id"], reference)
    seg = segment_on_copy(release, found) if found else None
    ended = seg is not None and time >= seg.end_s  # past the last segment: nothing is playing
    shown_seg = None if ended else seg
    notes = [note_on_copy(release, n) for n in store.notes_at(track["film_id"], reference)]
    data = {
        "time_s": time,
        "segment": segment_json(shown_seg) if shown_seg else None,
        "notes": [note_json(n) for n in notes],
    }
    emit(as_json, data, lambda: _at_text(time, shown_seg, ended, notes))


def _at_text(time: float, seg: Segment | None, ended: bool, notes: list[Note]) -> str:
    lines = [f"At {format_time(time)}:"]
    if seg is None:
        lines.append(
            "  (the commentary is over)" if ended else "  (the commentary has not started yet)"
        )
    else:
        lines += [
            f"  segment {seg.n}, {format_time(seg.start_s)} – {format_time(seg.end_s)} "
            f"({seg.origin}, confidence {seg.confidence:.2f})",
            f"  {seg.text}",
        ]
    for note in notes:
        lines.append(f"  [{note.kind}] {note.title}")
    return "\n".join(lines)


@main.command()
@click.argument("phrases", nargs=-1, required=True)
@track_option
@video_option
@json_option
@click.pass_context
def locate(
    ctx: click.Context,
    phrases: tuple[str, ...],
    track_id: str | None,
    video: Path | None,
    as_json: bool,
) -> None:
    """When each PHRASE of the commentary is spoken (the time of its first word).

    Exit code 1 when a phrase is not in the commentary.
    """
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    transcript = track_transcript(store, track["id"])
    results = [_locate_one(store, track["id"], transcript, p, release) for p in phrases]
    emit(as_json, results, lambda: "\n".join(_locate_text(r) for r in results))
    if any(r["time_s"] is None for r in results):
        sys.exit(1)


def _locate_one(store: Store, track_id: str, transcript, phrase: str, release: ReleaseMap) -> dict:
    index = find_phrase(transcript, phrase)
    if index is None:
        return {"phrase": phrase, "time_s": None, "segment": None}
    segment = next(d.n for d in transcript.drafts if d.word_start <= index < d.word_end)
    time_s = time_on_copy(release, locate_word(store, track_id, index))
    return {"phrase": phrase, "time_s": time_s, "segment": segment}


def _locate_text(result: dict) -> str:
    if result["time_s"] is None:
        return f"not found      {result['phrase']}"
    return f"{format_time(result['time_s'])}  #{result['segment']:<4} {result['phrase']}"


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=COUNT, default=20, show_default=True, help="Most results to show.")
@video_option
@json_option
@click.pass_context
def search(
    ctx: click.Context, query: tuple[str, ...], limit: int, video: Path | None, as_json: bool
) -> None:
    """Full-text search of the commentary and the notes, best matches first."""
    store = open_store(ctx)
    release = copy_release(ctx, video, store.film()["id"])
    hits = [hit_on_copy(release, h) for h in store.search(" ".join(query), limit=limit)]
    emit(
        as_json,
        [asdict(h) for h in hits],
        lambda: (
            "\n".join(f"{format_time(h.start_s)}  {h.kind:<7} {h.key:<6} {h.snippet}" for h in hits)
            or "no matches"
        ),
    )
