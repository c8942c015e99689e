"""``companion sync``: measure (or set by hand) a copy's clock; ``--video`` for the other commands.

Every command that shows or takes film times gets ``--video VIDEO`` from here and the copy's map
through :func:`copy_release`, so "on that copy's clock" means the same everywhere.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from companion.alignment import copies
from companion.cli.group import emit, json_option, main, open_store
from companion.cli.params import FileName
from companion.jobs import no_progress
from companion.store import StoredCopy
from companion.timing.releases import IDENTITY, ReleaseMap

video_option = click.option(
    "--video",
    type=FileName(dir_okay=False, path_type=Path),
    help="Times on this copy's clock (a copy new to Companion is synced first).",
)


def stderr_progress(fraction: float, message: str) -> None:
    """Progress for a person at a terminal: one line per step, on stderr (stdout stays data)."""
    click.echo(f"  {fraction:4.0%}  {message}", err=True)


def copy_release(ctx: click.Context, video: Path | None, film_id: str) -> ReleaseMap:
    """The map of ``video`` (remembered, else measured and remembered); the reference without."""
    if video is None:
        return IDENTITY
    store = open_store(ctx)
    known = copies.known_copy(store, film_id, video)
    if known is not None:
        return known.release
    click.echo(f"{video}: new copy, syncing it first", err=True)
    return copies.sync_copy(store, film_id, video, stderr_progress).release


@main.command("sync")
@click.argument("video", type=FileName(dir_okay=False, path_type=Path))
@click.option(
    "--offset",
    "offset_s",
    type=float,
    help="Set the map by hand: the copy shows reference time 0 at this many seconds.",
)
@click.option(
    "--speed",
    type=float,
    help="With --offset: copy seconds per reference second (PAL copy: 0.95904).",
)
@click.option("--film", "film_id", help="Film id (default: the first film).")
@json_option
@click.pass_context
def sync_command(
    ctx: click.Context,
    video: Path,
    offset_s: float | None,
    speed: float | None,
    film_id: str | None,
    as_json: bool,
) -> None:
    """Measure VIDEO's clock against the reference (its subtitle streams, else its dialogue)
    and remember it; commands given --video VIDEO then work on that clock.

    copy time = offset_s + speed × reference time (a piece's own offset inside it). Nothing is
    stored, and an earlier map is kept, when the copy can't be placed (exit code 2).
    """
    if speed is not None and offset_s is None:
        raise click.UsageError("--speed goes with --offset (a map set by hand)")
    store = open_store(ctx)
    film = store.film(film_id)["id"]
    began = time.monotonic()
    if offset_s is not None:
        copy = copies.set_by_hand(store, film, video, ReleaseMap(offset_s, speed or 1.0))
    else:
        progress = no_progress if as_json else stderr_progress
        copy = copies.sync_copy(store, film, video, progress)
    seconds = round(time.monotonic() - began, 2)
    emit(as_json, copy_json(copy, seconds), lambda: _text(copy, seconds))


def copy_json(copy: StoredCopy, seconds: float) -> dict:
    return {
        "video": copy.path,
        "film": copy.film_id,
        "fingerprint": copy.fingerprint,
        "method": copy.method,
        **copy.release.as_json(),
        "confidence": round(copy.confidence, 3),
        "seconds": seconds,
        "summary": copy.summary,
        "manual": copy.manual,
    }


def _text(copy: StoredCopy, seconds: float) -> str:
    release = copy.release
    lines = [
        copy.summary,
        f"  copy = {release.offset_s:+.3f} s + {release.speed:.6f} × reference"
        f"  ({copy.method}, confidence {copy.confidence:.2f}, {seconds:.1f} s)",
    ]
    lines += [
        f"  from {p.from_s:.1f} s to {p.to_s:.1f} s (reference): offset {p.offset_s:+.3f} s"
        for p in release.pieces
    ]
    return "\n".join(lines)
