"""Trivia and corrections: ``notes``, ``pack check``, ``pack add``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from companion.alignment.subtitles import Cue, SubtitleError, load_cues
from companion.cli.core import note_json
from companion.cli.group import emit, json_option, main, open_store, warn
from companion.cli.params import FileName
from companion.cli.sync import copy_release, video_option
from companion.content.notes import NotesError, add_pack, line_time, read_tracks
from companion.content.packs import NOTE_KINDS, load_pack
from companion.model import Note
from companion.timing.copy_times import note_on_copy
from companion.timing.timecode import format_time

subtitles_option = click.option(
    "--subtitles",
    type=FileName(exists=True, dir_okay=False, path_type=Path),
    help="Time film lines from this subtitle file (or video) of your release.",
)


def _cues(path: Path) -> list[Cue]:
    try:
        return load_cues(path, warn)
    except SubtitleError as exc:
        raise NotesError(str(exc)) from None


@main.command()
@click.option("--kind", type=click.Choice(NOTE_KINDS), help="Only trivia or only corrections.")
@click.option("--film", "film_id", help="Film id (default: the first film).")
@video_option
@json_option
@click.pass_context
def notes(
    ctx: click.Context, kind: str | None, film_id: str | None, video: Path | None, as_json: bool
) -> None:
    """List the film's trivia and corrections with their times and sources."""
    store = open_store(ctx)
    film = store.film(film_id)["id"]
    release = copy_release(ctx, video, film)
    rows = [note_on_copy(release, n) for n in store.notes(film, kind)]
    emit(
        as_json,
        [note_json(n) for n in rows],
        lambda: "\n\n".join(map(_note_text, rows)) or "no notes",
    )
    for note in rows:
        if note.start_s is None and not note.film_wide:
            warning = note.placement.get("warning", "placement not found")
            click.echo(f"companion: warning: note {note.id}: {warning}", err=True)


def _note_text(note: Note) -> str:
    when = (
        ("about the film" if note.film_wide else "not placed")
        if note.start_s is None
        else f"{format_time(note.start_s, millis=False)} – {format_time(note.end_s, millis=False)}"
    )
    lines = [f"{when}  [{note.kind}] {note.title}  ({note.id})"]
    if note.claim:
        lines.append(f"  Claim ({note.verdict}): {note.claim}")
        lines.append(f"  Truth: {note.truth}")
    lines.append(f"  {note.body}")
    lines += [f"  Source: {s.name}" + (f" <{s.url}>" if s.url else "") for s in note.sources]
    return "\n".join(lines)


@main.group()
def pack() -> None:
    """Check or import a notes pack (TOML: a film's trivia, corrections and commentary)."""


@pack.command("check")
@click.argument("path", type=FileName(path_type=Path))
@subtitles_option
@json_option
def pack_check(path: Path, subtitles: Path | None, as_json: bool) -> None:
    """Validate the pack at PATH (and read its transcripts) without importing it.

    With --subtitles, also look up its film lines in them.

    Exit code 2 when the pack is invalid, 1 when a film line is not in the subtitles.
    """
    loaded = load_pack(path)
    read_tracks(loaded)
    missing = []
    if subtitles is not None:
        cues = _cues(subtitles)
        missing = [
            n.id
            for n in loaded.notes
            if "line" in n.placement
            and line_time(cues, n.placement["line"], n.placement["occurrence"]) is None
        ]
    data = {
        "pack": loaded.name,
        "film": loaded.film.id,
        "notes": len(loaded.notes),
        "commentary": [t.id for t in loaded.tracks],
        "lines_not_in_subtitles": missing,
    }
    emit(as_json, data, lambda: _check_text(loaded.path, data))
    if missing:
        sys.exit(1)


def _check_text(path: Path, data: dict) -> str:
    lines = [
        f"{path}: valid pack {data['pack']!r} for film {data['film']!r}, {data['notes']} notes"
    ]
    if data["commentary"]:
        lines.append(f"  commentary tracks: {', '.join(data['commentary'])}")
    lines += [f"  film line not in the subtitles: note {n}" for n in data["lines_not_in_subtitles"]]
    return "\n".join(lines)


@pack.command("add")
@click.argument("path", type=FileName(path_type=Path))
@subtitles_option
@json_option
@click.pass_context
def pack_add(ctx: click.Context, path: Path, subtitles: Path | None, as_json: bool) -> None:
    """Import the pack at PATH (all or nothing); adding it again replaces its notes."""
    store = open_store(ctx)
    cues = _cues(subtitles) if subtitles is not None else None
    result = add_pack(store, path, cues)
    data = {
        "film": result.film_id,
        "pack": result.pack,
        "notes": result.notes,
        "tracks": list(result.tracks),
        "warnings": list(result.warnings),
    }
    for warning in result.warnings:
        click.echo(f"companion: warning: {warning}", err=True)
    emit(
        as_json,
        data,
        lambda: (
            f"added pack {result.pack!r} to {result.film_id}: {result.notes} notes"
            + (f", commentary {', '.join(result.tracks)}" if result.tracks else "")
        ),
    )
