"""Listening to a commentary audio track and keeping what was heard: the ``listen`` operation.

Recognition (:mod:`companion.alignment.listen`) is pure and slow; this module chooses the audio
track, gives it the current timing as its prior, and stores its result as one undoable edit.
The three steps are separate so the window can run the slow one on a worker thread and write
the store on its own thread at the end: a cancelled or failed run changes nothing.

Times: the recogniser works on the audio's clock (the copy the track belongs to); the store keeps
timings on the pack's reference clock. A :class:`~companion.timing.releases.ReleaseMap` turns
one into the other; the identity when the audio follows the reference clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from companion.alignment.listen import Heard, ListenError, listen
from companion.content.films import track_transcript
from companion.errors import shown
from companion.jobs import CancelToken, Progress, no_progress
from companion.media.commentary import choose_audio
from companion.media.probe import MediaError, Stream, probe
from companion.model import HeardSpan
from companion.store import Store
from companion.timing import edits
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.timing.retime import track_map


@dataclass(frozen=True)
class ListenReport:
    """What a listen run heard and what it changed, for the CLI and the window to show."""

    source: str
    track: Stream
    heard: Heard
    segments_heard: int
    changed: bool

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "track": {"n": self.track.ordinal, "title": self.track.title},
            "sentences": self.heard.sentences,
            "heard": len(self.heard.heard),
            "share": round(self.heard.share, 3),
            "seconds": round(self.heard.seconds, 1),
            "segments_heard": self.segments_heard,
            "changed": self.changed,
        }


def report_line(heard: Heard, track: Stream) -> str:
    """One sentence saying what a run heard: for the window's notice and the CLI."""
    title = f" ({track.title})" if track.title else ""
    return (
        f"heard {len(heard.heard)} of {heard.sentences} sentences ({heard.share:.0%}) on audio "
        f"track {track.ordinal}{title}, in {heard.seconds:.0f} s"
    )


def prior(store: Store, track_id: str, release: ReleaseMap = IDENTITY) -> Callable[[int], float]:
    """When each word is expected on the audio's clock: the track's current timing (anchors,
    pins and any earlier heard times) carried onto the copy the audio belongs to."""
    timing, _ = track_map(store, track_id)
    return lambda word: release.to_copy(timing.time_at(word))


def on_reference_clock(heard: Heard, release: ReleaseMap = IDENTITY) -> list[HeardSpan]:
    """The heard sentences as the store keeps them: times on the reference clock, to the ms."""

    def ref(t: float) -> float:
        return round(release.to_reference(t), 3)

    return [
        HeardSpan(
            h.word_start,
            h.word_end,
            ref(h.start_s),
            ref(h.end_s),
            round(h.confidence, 3),
            tuple((i, ref(a), ref(b)) for i, a, b in h.words),
        )
        for h in heard.heard
    ]


def heard_edit(
    store: Store, track_id: str, heard: Heard, label: str, release: ReleaseMap = IDENTITY
) -> edits.Edit:
    """Replace the previous run's heard times with these, as one edit (``NoChange`` if equal).

    A sentence heard where the copy shows no part of the film (before the reference clock's
    0, past its end: another cut's extra opening) is left out. A run that heard nothing is
    refused (a :class:`ListenError`), so it cannot wipe out a good earlier run.
    """
    runtime = store.film(store.track(track_id)["film_id"])["runtime_s"]
    spans = [h for h in on_reference_clock(heard, release) if h.start_s >= 0 and h.end_s <= runtime]
    if not spans:
        raise ListenError("no sentence of the commentary was heard on that track")
    return edits.replace_heard(store, track_id, spans, label)


def listen_track(
    store: Store,
    track_id: str,
    source: Path,
    n: int | None = None,
    release: ReleaseMap = IDENTITY,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ListenReport:
    """Listen to ``source``'s commentary track and store what was heard (the CLI's whole run)."""
    if "\x00" in str(source):
        raise MediaError(f"{shown(source)}: not a file name (it holds a NUL character)")
    stream = choose_audio(probe(source), n)
    heard = listen(
        source,
        stream.ordinal,
        track_transcript(store, track_id),
        prior(store, track_id, release),
        progress=progress,
        cancel=cancel,
    )
    label = f"Listen to {source.name} (audio track {stream.ordinal})"
    try:
        changed = bool(heard_edit(store, track_id, heard, label, release))
    except edits.NoChange:
        changed = False
    count = sum(s.origin == "heard" for s in store.segments(track_id))
    return ListenReport(str(source), stream, heard, count, changed)
