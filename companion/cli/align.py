"""``companion align``: put the commentary on the film's clock from the film's subtitles."""

from __future__ import annotations

from pathlib import Path

import click

from companion.alignment import copies
from companion.alignment.anchoring import AlignmentRejected, AlignReport, align_track
from companion.alignment.speech import load_pattern
from companion.alignment.subtitles import SUBTITLE_SUFFIXES, Cue, load_cues
from companion.alignment.sync import Measurement, SyncError, measure_cue_starts
from companion.bootstrap import timings_dir
from companion.cli.group import emit, json_option, main, open_store, warn
from companion.formats.timingfile import reference_anchors
from companion.media.identity import fingerprint
from companion.timing.releases import IDENTITY
from companion.timing.timecode import format_time

NOT_MEASURED = "The subtitles' cue starts don't tell their clock: taken as the reference clock."


@main.command("align")
@click.argument("source", type=click.Path(path_type=Path))
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
    cues = load_cues(source, warn)
    measured = _release_of(cues, track["film_id"])
    try:
        report = align_track(
            store,
            track["id"],
            cues,
            reference_anchors(timings_dir(), track["id"]),
            label=f"Align to {source.name}",
            release=measured.release if measured else IDENTITY,
        )
    except AlignmentRejected as exc:
        raise AlignmentRejected(f"{source}: {exc}") from None
    if measured is not None and source.suffix.lower() not in SUBTITLE_SUFFIXES:
        copies.remember(
            store, track["film_id"], copies.Measured(source, fingerprint(source), measured)
        )
    if report.outside_film:
        warn(
            f"{source}: {report.outside_film} subtitle lines are timed outside the film "
            "and were left out"
        )
    release = measured.as_json() if measured else None
    data = {"source": str(source), **report.as_dict(), "release": release}
    emit(as_json, data, lambda: _text(report, measured))


def _release_of(cues: list[Cue], film_id: str) -> Measurement | None:
    """The map of the subtitles' release from their cue starts; None if they don't give one."""
    try:
        return measure_cue_starts([c.start_s for c in cues], load_pattern(film_id))
    except SyncError:
        return None


def _text(report: AlignReport, measured: Measurement | None) -> str:
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
            f"{report.anchors} subtitle lines anchored (of {report.cues} spoken lines)",
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
