"""Fixing timings from the command line: pin, nudge, shift, scale, undo/redo, import/export.

Every command is one edit through :mod:`companion.timing.edits`, committed before the command prints
anything: a printed line is an edit that is safe on disk.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from companion.cli.core import segment_json, track_option
from companion.cli.group import TIME, emit, json_option, main, open_store
from companion.cli.params import FACTOR, SECONDS, SEGMENT, FileName
from companion.cli.sync import copy_release, video_option
from companion.errors import shown
from companion.formats import exports
from companion.timing import edits
from companion.timing.copy_times import nudge_to_reference, segment_on_copy, time_to_reference
from companion.timing.releases import ReleaseMap
from companion.timing.timecode import format_time

end_option = click.option("--end", "at_end", is_flag=True, help="Change the segment's end.")


def _track(ctx: click.Context, track_id: str | None) -> str:
    return open_store(ctx).track(track_id)["id"]


def _report(edit: edits.Edit, as_json: bool, verb: str = "") -> None:
    for warning in edit.warnings:
        click.echo(f"companion: warning: {warning}", err=True)
    emit(as_json, asdict(edit), lambda: f"{verb}{edit.label}  (edit {edit.id})")


def _report_on_copy(
    ctx: click.Context, edit: edits.Edit, segment: int, release: ReleaseMap, video: Path | None
) -> dict | None:
    """With --video: the edited segment as it now shows on the copy (the edit's label, kept in
    the shared history, is on the reference clock)."""
    if video is None:
        return None
    seg = segment_on_copy(release, open_store(ctx).segment(edit.track_id, segment))
    return segment_json(seg)


def _report_edit(edit: edits.Edit, as_json: bool, on_copy: dict | None) -> None:
    if on_copy is None:
        _report(edit, as_json)
        return
    times = f"{format_time(on_copy['start_s'])} – {format_time(on_copy['end_s'])}"
    emit(
        as_json,
        {**asdict(edit), "segment": on_copy},
        lambda: f"{edit.label}  (edit {edit.id}); on your copy #{on_copy['id']} is at {times}",
    )


class SegmentRange(click.ParamType):
    """``A-B`` (or a single ``A``): segments A to B inclusive."""

    name = "A-B"

    def convert(self, value, param, ctx) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        first, _, last = str(value).partition("-")
        if not (first.strip().isdigit() and (last or first).strip().isdigit()):
            self.fail(f"{shown(value)}: use A-B, e.g. 40-55", param, ctx)
        bounds = (SEGMENT.convert(first, param, ctx), SEGMENT.convert(last or first, param, ctx))
        if bounds[0] > bounds[1]:
            self.fail(f"{shown(value)}: the first segment must come before the last", param, ctx)
        return bounds


@main.command()
@click.argument("segment", type=SEGMENT)
@click.argument("time", type=TIME)
@end_option
@track_option
@video_option
@json_option
@click.pass_context
def pin(
    ctx: click.Context,
    segment: int,
    time: float,
    at_end: bool,
    track_id: str | None,
    video: Path | None,
    as_json: bool,
) -> None:
    """Pin SEGMENT's start (or --end) at TIME; the segments around it follow."""
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    edge: edits.Edge = "end" if at_end else "start"
    reference = time_to_reference(release, time)
    edit = edits.set_time(store, track["id"], segment, reference, edge)
    _report_edit(edit, as_json, _report_on_copy(ctx, edit, segment, release, video))


@main.command()
@click.argument("segment", type=SEGMENT)
@click.option("--start", "edge", flag_value="start", help="Unpin only the start.")
@click.option("--end", "edge", flag_value="end", help="Unpin only the end.")
@track_option
@json_option
@click.pass_context
def unpin(
    ctx: click.Context, segment: int, edge: edits.Edge | None, track_id: str | None, as_json: bool
) -> None:
    """Let SEGMENT follow the machine's timing again (both edges, or one)."""
    store = open_store(ctx)
    edges: tuple[edits.Edge, ...] = (edge,) if edge else ("start", "end")
    _report(edits.unpin(store, _track(ctx, track_id), segment, edges), as_json)


@main.command()
@click.argument("segment", type=SEGMENT)
@click.argument("seconds", type=SECONDS)
@end_option
@track_option
@video_option
@json_option
@click.pass_context
def nudge(
    ctx: click.Context,
    segment: int,
    seconds: float,
    at_end: bool,
    track_id: str | None,
    video: Path | None,
    as_json: bool,
) -> None:
    """Move SEGMENT's start (or --end) by SECONDS (e.g. -0.1) and pin it there."""
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    edge: edits.Edge = "end" if at_end else "start"
    if not release.is_identity:
        seg = segment_on_copy(release, store.segment(track["id"], segment))
        seconds = nudge_to_reference(release, seg.end_s if at_end else seg.start_s, seconds)
    edit = edits.nudge(store, track["id"], segment, seconds, edge)
    _report_edit(edit, as_json, _report_on_copy(ctx, edit, segment, release, video))


@main.command()
@click.argument("segment", type=SEGMENT)
@track_option
@json_option
@click.pass_context
def revert(ctx: click.Context, segment: int, track_id: str | None, as_json: bool) -> None:
    """Put SEGMENT back at its estimated or anchored time (drops its pins)."""
    store = open_store(ctx)
    _report(edits.revert(store, _track(ctx, track_id), segment), as_json)


@main.command()
@click.argument("seconds", type=SECONDS)
@click.option("--from", "from_s", type=TIME, help="Only segments starting at or after TIME.")
@click.option("--segments", "segments", type=SegmentRange(), help="Only segments A-B.")
@track_option
@json_option
@click.pass_context
def shift(
    ctx: click.Context,
    seconds: float,
    from_s: float | None,
    segments: tuple[int, int] | None,
    track_id: str | None,
    as_json: bool,
) -> None:
    """Move timings by SECONDS (negative: earlier).

    The whole track by default (for a release with a longer or shorter opening); with --from or
    --segments, only those segments, which are then pinned.
    """
    store = open_store(ctx)
    edit = edits.shift(store, _track(ctx, track_id), seconds, from_s=from_s, segments=segments)
    _report(edit, as_json)


@main.command()
@click.argument("factor", required=False, type=FACTOR)
@click.option("--fps", help="FROM:TO frame rates, e.g. 25:23.976 (timings made on a PAL copy).")
@track_option
@json_option
@click.pass_context
def scale(
    ctx: click.Context,
    factor: float | None,
    fps: str | None,
    track_id: str | None,
    as_json: bool,
) -> None:
    """Stretch the whole track's timings by FACTOR, or between frame rates with --fps."""
    if (factor is None) == (fps is None):
        raise click.UsageError("give either FACTOR or --fps FROM:TO")
    store = open_store(ctx)
    label = None
    if fps is not None:
        factor = edits.fps_factor(fps)  # refuses "" and anything else not FROM:TO
        label = f"Scale all from {fps.replace(':', ' to ')} fps"
    assert factor is not None  # exactly one of FACTOR and --fps was given
    _report(edits.scale(store, _track(ctx, track_id), factor, label), as_json)


@main.command()
@track_option
@json_option
@click.pass_context
def undo(ctx: click.Context, track_id: str | None, as_json: bool) -> None:
    """Undo the last edit."""
    store = open_store(ctx)
    _report(edits.undo(store, _track(ctx, track_id)), as_json, "Undid: ")


@main.command()
@track_option
@json_option
@click.pass_context
def redo(ctx: click.Context, track_id: str | None, as_json: bool) -> None:
    """Redo the last undone edit."""
    store = open_store(ctx)
    _report(edits.redo(store, _track(ctx, track_id)), as_json, "Redid: ")


@main.command()
@track_option
@json_option
@click.pass_context
def history(ctx: click.Context, track_id: str | None, as_json: bool) -> None:
    """The timing edits made so far, oldest first (undone ones marked)."""
    store = open_store(ctx)
    rows = edits.history(store, _track(ctx, track_id))
    emit(
        as_json,
        [asdict(e) for e in rows],
        lambda: (
            "\n".join(
                f"{e.id:>5}  {e.created_at[:19].replace('T', ' ')}  "
                f"{'' if e.state == 'done' else e.state:<8}{e.label}"
                for e in rows
            )
            or "no edits yet"
        ),
    )


@main.command(name="export")
@click.argument("file", type=FileName(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), help="Default: from FILE.")
@track_option
@video_option
@click.pass_context
def export_cmd(
    ctx: click.Context, file: Path, fmt: str | None, track_id: str | None, video: Path | None
) -> None:
    """Write the timings (json, csv) or the commentary as subtitles (srt, vtt) to FILE.

    Subtitles follow --video's clock; timing files are always on the reference clock.
    """
    store = open_store(ctx)
    track = store.track(track_id)
    release = copy_release(ctx, video, track["film_id"])
    fmt = exports.export_file(store, track["id"], file, fmt, release)
    if video is None:
        click.echo(f"Wrote {file} ({fmt})")
    elif fmt in ("srt", "vtt"):
        click.echo(f"Wrote {file} ({fmt}, on the clock of {video.name})")
    else:
        click.echo(f"Wrote {file} ({fmt}, on the reference clock: timing files are shared)")


@main.command(name="import")
@click.argument("file", type=FileName(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(exports.IMPORT_FORMATS))
@json_option
@click.pass_context
def import_cmd(ctx: click.Context, file: Path, fmt: str | None, as_json: bool) -> None:
    """Apply a timing file (json, csv) as one undoable edit; checks all of it first."""
    store = open_store(ctx)
    table, edit = exports.import_file(store, file, fmt)
    data = {"file": str(file), "track": table.track, "edit": asdict(edit) if edit else None}
    emit(
        as_json,
        data,
        lambda: (
            f"{edit.label} ({len(table.entries)} segments; edit {edit.id})"
            if edit
            else f"{file}: timings already match; nothing to import"
        ),
    )
