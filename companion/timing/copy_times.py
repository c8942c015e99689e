"""Times on a copy's clock: the one conversion every command and the window go through.

The store keeps segments, notes and anchors on the reference clock. A user watching a copy sees
and types times on that copy's clock; these functions carry records out to it and typed times
(an instant, or a nudge by some seconds) back to the reference.
"""

from __future__ import annotations

from dataclasses import replace

from companion.model import Anchor, Note, Segment
from companion.store import SearchHit
from companion.timing.releases import ReleaseMap


def segment_on_copy(release: ReleaseMap, segment: Segment) -> Segment:
    """``segment`` with its times (and machine times) on the copy's clock."""
    if release.is_identity:
        return segment
    return replace(
        segment,
        start_s=time_on_copy(release, segment.start_s),
        end_s=time_on_copy(release, segment.end_s),
        auto_start_s=_maybe(release, segment.auto_start_s),
        auto_end_s=_maybe(release, segment.auto_end_s),
    )


def note_on_copy(release: ReleaseMap, note: Note) -> Note:
    """``note`` with its span on the copy's clock (an unplaced note stays unplaced)."""
    if release.is_identity:
        return note
    return replace(note, start_s=_maybe(release, note.start_s), end_s=_maybe(release, note.end_s))


def anchor_on_copy(release: ReleaseMap, anchor: Anchor) -> Anchor:
    if release.is_identity:
        return anchor
    return replace(anchor, film_s=time_on_copy(release, anchor.film_s))


def hit_on_copy(release: ReleaseMap, hit: SearchHit) -> SearchHit:
    """A search result with its time on the copy's clock."""
    if release.is_identity or hit.start_s is None:
        return hit
    return replace(hit, start_s=time_on_copy(release, hit.start_s))


def nudge_to_reference(release: ReleaseMap, copy_s: float, copy_seconds: float) -> float:
    """The reference seconds that a nudge by ``copy_seconds`` of a time shown at ``copy_s`` on
    the copy moves it by.

    On a PAL copy a tenth of a second of the copy is 0.104 s of the reference: the edit must
    land where the viewer saw it, not drift by the speed difference.
    """
    if release.is_identity:
        return copy_seconds
    return release.to_reference(copy_s + copy_seconds) - release.to_reference(copy_s)


def time_to_reference(release: ReleaseMap, copy_s: float) -> float:
    """A time the user gave on the copy's clock, on the reference clock (to the millisecond)."""
    return copy_s if release.is_identity else round(release.to_reference(copy_s), 3)


def time_on_copy(release: ReleaseMap, t: float) -> float:
    """A reference time on the copy's clock, to the millisecond (as the store keeps times)."""
    return round(release.to_copy(t), 3)


def _maybe(release: ReleaseMap, t: float | None) -> float | None:
    return None if t is None else time_on_copy(release, t)
