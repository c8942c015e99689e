"""The store's methods behind the edit history, note places and track replacement, on a real
database built from the bundled film (their callers' tests cover them through edits, undo and
re-timing; these pin down what the callers rely on)."""

from __future__ import annotations

import pytest

from companion.model import HeardSpan
from companion.timing import edits


def test_a_new_edit_ends_what_redo_had(store):
    track_id = store.track()["id"]
    first = store.log_edit(track_id, "pin", "first", b"{}")
    second = store.log_edit(track_id, "pin", "second", b"{}")
    store.set_edit_state(second.id, "undone")
    assert store.edit_record(track_id, "undone", newest=False) == (second.id, "second", b"{}")
    third = store.log_edit(track_id, "nudge", "third", b"{}")
    assert [(e.id, e.label, e.state) for e in store.edits(track_id)] == [
        (first.id, "first", "done"),
        (third.id, "third", "done"),
    ]
    assert store.edit_record(track_id, "done", newest=True)[0] == third.id
    assert store.edit_record(track_id, "done", newest=False)[0] == first.id
    assert store.edit_record(track_id, "undone", newest=True) is None


def test_a_note_is_put_back_unless_it_is_gone(store):
    film_id = store.film()["id"]
    places = store.note_places(film_id)
    note_id = next(k for k, (start, _end, _p) in places.items() if start is not None)
    store.place_note(note_id, 12.0, 20.0, '{"start": 12}')
    store.place_note("no such note", 1.0, 2.0, "{}")
    assert store.note_places(film_id) == {**places, note_id: [12.0, 20.0, '{"start": 12}']}


def test_other_packs_notes_leaves_out_the_packs_own(store):
    packs = {row["pack"] for row in store.db.table("notes").rows_where(select="pack")}
    assert len(packs) == 1
    (pack,) = packs
    assert store.other_packs_notes(pack) == {}
    every = store.other_packs_notes("another pack")
    assert set(every) == set(store.note_places(store.film()["id"])) and set(every.values()) == {
        pack
    }


def test_putting_a_track_drops_what_its_old_transcript_had(store):
    track = store.track()
    track_id = track["id"]
    segments = list(store.db.table("segments").rows_where("track_id = ?", [track_id]))
    edits.nudge(store, track_id, 5, 0.5)
    store.replace_heard(track_id, [HeardSpan(0, 3, 1.0, 2.0, 0.9, ())])
    assert store.anchor_rows(track_id) and store.edits(track_id) and store.heard(track_id)
    store.put_track({**track, "title": "Again"}, segments)
    assert store.track(track_id)["title"] == "Again"
    assert not (store.anchor_rows(track_id) or store.edits(track_id) or store.heard(track_id))
    assert len(store.segments(track_id)) == len(segments)


def test_track_span_and_runtime(store):
    track_id = store.track()["id"]
    store.set_track_span(track_id, [3.5, 4000.0])
    assert store.track_span(track_id) == [3.5, 4000.0]
    assert store.track_runtime(track_id) == pytest.approx(8460)
    assert store.track_runtime("no/track") is None


def test_pack_notes_and_segment_count(store):
    film_id, track_id = store.film()["id"], store.track()["id"]
    rows = store.pack_notes(film_id)
    assert [r["id"] for r in rows] == sorted(store.note_places(film_id))
    assert store.pack_notes(film_id, rows[0]["pack"]) == rows
    assert store.pack_notes(film_id, "another pack") == []
    assert store.segment_count(track_id) == len(store.segments(track_id)) > 100
    assert store.segment_count("no/track") == 0
