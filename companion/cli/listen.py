"""``companion listen``: place every sentence where the director says it, from his audio track."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from companion.cli.group import emit, json_option, main, open_store
from companion.cli.params import FileName
from companion.cli.sync import copy_release
from companion.jobs import Progress, no_progress
from companion.timing.releases import IDENTITY, ReleaseMap

if TYPE_CHECKING:
    from companion.alignment.hearing import ListenReport


def _progress_printer() -> Progress:
    """Progress on stderr when it is a terminal (one line, rewritten); silent otherwise."""
    if not sys.stderr.isatty():
        return no_progress

    def show(fraction: float, message: str) -> None:
        click.echo(f"\r{fraction:4.0%}  {message[:70]:<70}", err=True, nl=False)

    return show


@main.command("listen")
@click.argument("source")  # checked by listen itself: click.Path fails on a NUL character
@click.option(
    "--track",
    "n",
    type=click.IntRange(min=1),
    help="Which audio track is the commentary (1-based; default: the one titled so).",
)
@click.option("--commentary", "track_id", help="Commentary track id (default: the film's first).")
@click.option(
    "--video",
    type=FileName(dir_okay=False, path_type=Path),
    help="The copy whose clock SOURCE follows (a copy new to Companion is synced first).",
)
@json_option
@click.pass_context
def listen_command(
    ctx: click.Context,
    source: str,
    n: int | None,
    track_id: str | None,
    video: Path | None,
    as_json: bool,
) -> None:
    """Listen to the commentary on SOURCE (a video with it as an audio track, or an audio file)
    and move every sentence heard to where he says it.

    SOURCE's times are on the clock of the copy --video names; without it, on the clock of
    SOURCE itself when Companion knows that copy (companion sync), else on the reference clock
    (the shipped timings'). Replaces the heard times of any earlier run, as one edit (companion
    undo puts them back); pins stay.
    Nothing changes, and the exit code is 2, if the track is missing, silent or not this
    commentary.
    """
    from companion.alignment.hearing import listen_track  # numpy, pocketsphinx: only when used

    store = open_store(ctx)
    track = store.track(track_id)
    release = _clock(ctx, Path(source), video, track["film_id"])
    report = listen_track(
        store, track["id"], Path(source), n, release, progress=_progress_printer()
    )
    if sys.stderr.isatty():
        click.echo("", err=True)
    emit(as_json, report.as_dict(), lambda: _text(report))


def _clock(ctx: click.Context, source: Path, video: Path | None, film_id: str) -> ReleaseMap:
    """The copy clock SOURCE's times are on: --video's, else SOURCE's own when it is a copy
    Companion knows (no sync is started for it), else the reference clock."""
    from companion.alignment.copies import known_copy

    if video is not None:
        return copy_release(ctx, video, film_id)
    if "\x00" in str(source) or not source.is_file():
        return IDENTITY  # listen_track says what is wrong with it
    known = known_copy(open_store(ctx), film_id, source)
    return known.release if known is not None else IDENTITY


def _text(report: ListenReport) -> str:
    from companion.alignment.hearing import report_line

    lines = [
        report_line(report.heard, report.track),
        f"{report.segments_heard} segments now start where he is heard",
    ]
    if not report.changed:
        lines.append("(the same as the last run: nothing changed)")
    return "\n".join(lines)
