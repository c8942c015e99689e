"""The copies of a film a user watches, each with its release map, measured once and remembered.

A copy is known by its content (:func:`companion.media.identity.fingerprint`), so a file that was
moved or renamed keeps its map. Measuring is split from remembering: the window measures on a
worker thread (which must not touch the store) and remembers on its own thread. A measurement
that fails or is refused raises before anything is written, so an earlier map stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from companion.alignment.anchoring import AlignReport, align_track
from companion.alignment.speech import load_pattern
from companion.alignment.subtitles import SUBTITLE_SUFFIXES, Subtitles
from companion.alignment.sync import (
    Measurement,
    SyncError,
    describe,
    measure_copy,
    measure_cue_starts,
)
from companion.bootstrap import timings_dir
from companion.formats.timingfile import reference_anchors
from companion.jobs import CancelToken, Progress, no_progress
from companion.media.identity import fingerprint
from companion.media.probe import MediaError, probe
from companion.store import Store, StoredCopy
from companion.timing.releases import IDENTITY, ReleaseMap

MANUAL = "manual"


@dataclass(frozen=True)
class Measured:
    """What :func:`measure` found for one file, ready to be remembered."""

    path: Path
    fingerprint: str
    measurement: Measurement


def known_copy(store: Store, film_id: str, path: Path) -> StoredCopy | None:
    """The remembered copy whose content ``path`` holds, wherever it was seen before (a moved
    file keeps its map; the store notes where it is now)."""
    copy = store.copy(film_id, fingerprint(path))
    if copy is not None and copy.path != str(path):
        copy = replace(copy, path=str(path))
        store.remember_copy(copy)
    return copy


def measure(
    film_id: str,
    path: Path,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Measured:
    """Measure ``path``'s release map against the film's reference speech pattern.

    Touches no store, so it may run on any thread.
    """
    print_ = fingerprint(path)
    found = measure_copy(path, load_pattern(film_id), progress=progress, cancel=cancel)
    return Measured(path, print_, found)


def remember(store: Store, film_id: str, measured: Measured) -> StoredCopy:
    """Store a measurement as the copy's map (replacing an earlier one of the same content)."""
    found = measured.measurement
    copy = StoredCopy(
        film_id,
        measured.fingerprint,
        str(measured.path),
        found.release,
        found.method,
        found.confidence,
        found.summary,
        _now(),
        manual=False,
    )
    store.remember_copy(copy)
    return copy


def sync_copy(
    store: Store,
    film_id: str,
    path: Path,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> StoredCopy:
    """Measure the copy at ``path`` and remember its map; on any failure nothing is stored."""
    return remember(store, film_id, measure(film_id, path, progress, cancel))


def set_by_hand(store: Store, film_id: str, path: Path, release: ReleaseMap) -> StoredCopy:
    """Remember a map the user typed (a copy that can't be measured, or a correction).

    The file must still be a video ffmpeg can open: a map for anything else would never be used.
    """
    if not probe(path).has_video:
        raise MediaError(f"{path}: no video stream (an audio-only file is not a copy of the film)")
    copy = StoredCopy(
        film_id,
        fingerprint(path),
        str(path),
        release,
        MANUAL,
        1.0,
        "Set by hand. " + describe(release, "Your copy"),
        _now(),
        manual=True,
    )
    store.remember_copy(copy)
    return copy


@dataclass(frozen=True)
class Aligned:
    """An ``align``: what it anchored, and the subtitles' release (None: their cue starts gave
    no clock, so they were taken as on the reference clock)."""

    report: AlignReport
    measured: Measurement | None


def align_release(
    store: Store, track_id: str, source: Path, subtitles: Subtitles, label: str
) -> Aligned:
    """Anchor the track on ``subtitles`` (read from ``source``) and keep the store on the reference
    clock: the subtitles' release is measured from their cue starts and the anchors carried
    back through its map; when ``source`` is a video, its map is remembered as a copy's.

    The CLI and the window both align through here. Raises like
    :func:`~companion.alignment.anchoring.align_track`, having stored nothing.
    """
    film_id = store.track(track_id)["film_id"]
    try:
        measured: Measurement | None = measure_cue_starts(
            [c.start_s for c in subtitles.cues], load_pattern(film_id)
        )
    except SyncError:
        measured = None  # the text match decides whether they are this film's at all
    report = align_track(
        store,
        track_id,
        subtitles.cues,
        reference_anchors(timings_dir(), track_id),
        label=label,
        sounds=subtitles.sounds,
        release=measured.release if measured else IDENTITY,
    )
    if measured is not None and source.suffix.lower() not in SUBTITLE_SUFFIXES:
        remember(store, film_id, Measured(source, fingerprint(source), measured))
    return Aligned(report, measured)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
