"""``companion align``: put the commentary on the film's clock from the film's subtitles."""

from __future__ import annotations

from pathlib import Path

import click

from companion.alignment.anchoring import AlignmentRejected, AlignReport
from companion.alignment.copies import align_release
from companion.alignment.subtitles import load_subtitles
from companion.alignment.sync import Measurement
from companion.cli.group import emit, json_option, main, open_store, warn
from companion.cli.params import FileName
from companion.timing.timecode import format_time

NOT_MEASURED = "The subtitles' cue starts don't tell their clock: taken as the reference clock."


@main.command("align")
@click.argument("source", type=FileName(path_type=Path))
@click.option("--track", "track_id", help="Commentary track id (default: the film's first).")
@json_option
@click.pass_context
def align_command(ctx: click.Context, source: Path, track_id: str | None, as_json: bool) -> None:
    """Anchor the commentary on SOURCE, a subtitle file or a video with a text subtitle track.

    Replaces the anchors of any earlier run (and the shipped ones); pinned timings stay.
    The subtitles' release is measured first and the anchors carried back to the reference
    clock, so timings stay shared by every copy; a video's map is remembered (as by sync).
    Subtitles whose cue starts don't place them are taken as on the reference clock (and the
    text match then decides). Nothing changes, and the exit code is 2, if the subtitles can't
    be read or don't fit.
    """
    store = open_store(ctx)
    track = store.track(track_id)
    subtitles = load_subtitles(source, warn)
    try:
        aligned = align_release(store, track["id"], source, subtitles, f"Align to {source.name}")
    except AlignmentRejected as exc:
        raise AlignmentRejected(f"{source}: {exc}") from None
    report, measured = aligned.report, aligned.measured
    if report.outside_film:
        warn(
            f"{source}: {report.outside_film} subtitle lines are timed outside the film "
            "and were left out"
        )
    release = measured.as_json() if measured else None
    data = {"source": str(source), **report.as_dict(), "release": release}
    emit(as_json, data, lambda: report_text(report, measured))


def report_text(report: AlignReport, measured: Measurement | None = None) -> str:
    """What an alignment did, in a few lines (the CLI prints it, the window shows it)."""
    data = report.as_dict()
    gap = data["longest_gap"]
    clock = (
        f"offset {report.offset_s:+.2f} s, speed {report.speed:.4f} (against the shipped timings)"
        if report.speed is not None
        else "offset and speed: no reference timings to compare with"
    )
    return "\n".join(
        [
            measured.summary if measured else NOT_MEASURED,
            f"{report.anchors} subtitle lines anchored (of {report.cues} spoken lines),"
            f" and {report.sounds} sound cues",
            f"{report.dialogue_spans_matched} of {report.dialogue_spans} quoted film lines matched"
            f" ({data['dialogue_share']:.0%})",
            clock,
            f"longest stretch without an anchor: {gap['seconds']:.0f} s"
            f" ({format_time(gap['from_s'])} – {format_time(gap['to_s'])})",
            f"edit {report.edit_id} (companion undo puts the previous timings back)"
            if report.edit_id
            else "the timings already matched these subtitles: nothing changed",
        ]
    )
