"""A segment's timing label and its confidence say the same thing (issue 12)."""

from __future__ import annotations

import json

from conftest import run_companion

from companion.store import Store
from companion.timing.retime import MIN_ANCHORED_CONFIDENCE, track_map


def test_no_anchored_segment_is_unsure_and_none_beyond_the_anchors(store: Store):
    track_id = store.track()["id"]
    segments = store.segments(track_id)
    timing, anchored = track_map(store, track_id)
    assert anchored
    timemap = timing.timemap
    first, last = timemap.times[0], timemap.times[-1]
    for seg in segments:
        if seg.origin == "anchored":
            assert seg.confidence >= MIN_ANCHORED_CONFIDENCE, seg.n
            assert seg.start_s <= last and seg.end_s >= first, seg.n
    beyond = [s for s in segments if s.start_s > last]
    assert beyond and {s.origin for s in beyond} == {"estimated"}
    assert any(s.origin == "estimated" and s.start_s < last for s in segments)  # long gaps


def test_the_cli_shows_the_stored_labels(db_path):
    listed = json.loads(run_companion("segments", "--json", db=db_path).stdout)
    with Store(db_path) as store:
        stored = {s.n: (s.origin, s.confidence) for s in store.segments(store.track()["id"])}
    assert {s["id"]: (s["origin"], s["confidence"]) for s in listed} == stored
    assert not [s for s in listed if s["origin"] == "anchored" and s["confidence"] < 0.2]
