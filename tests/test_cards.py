"""Cards on screen (issue 12): never more than three at once, film-wide ones off the clock."""

from __future__ import annotations

from companion.model import Note
from companion.store import Store
from companion.timing.edits import shift
from companion.timing.timeline_index import MAX_CARDS, TimelineIndex, limit_overlap


def most_on_screen(store: Store, film_id: str) -> int:
    """The most notes ``companion at`` shows at any instant (checked at every start)."""
    starts = [n.start_s for n in store.notes(film_id) if n.start_s is not None]
    return max(len(store.notes_at(film_id, t)) for t in starts)


def test_limit_overlap_ends_the_card_up_longest():
    spans = [("a", 0, 100), ("b", 10, 100), ("c", 20, 100), ("d", 30, 40), ("e", 35, 100)]
    assert limit_overlap(spans, 3) == {"a": 30, "b": 35}
    assert limit_overlap([("a", 0, 10), ("b", 10, 20), ("c", 20, 30), ("d", 25, 30)], 3) == {}


def test_never_more_than_three_cards_and_the_window_agrees(store: Store):
    film_id = store.track()["film_id"]
    assert most_on_screen(store, film_id) <= MAX_CARDS
    index = TimelineIndex(store.segments(store.track()["id"]), store.notes(film_id))
    for note in index.notes.items:
        shown = index.notes_at(note.start_s)
        assert len(shown) <= MAX_CARDS
        assert {n.id for n in shown} == {n.id for n in store.notes_at(film_id, note.start_s)}


def test_film_wide_cards_are_listed_apart_not_piled_at_the_start(store: Store):
    film_id = store.track()["film_id"]
    notes = store.notes(film_id)
    film_wide = {n.id for n in notes if n.film_wide}
    assert {"age_of_ultron/release-year", "age_of_ultron/budget"} <= film_wide
    assert all(n.start_s is None for n in notes if n.film_wide)
    for t in (0.0, 30.0, 120.0):
        assert not film_wide & {n.id for n in store.notes_at(film_id, t)}
    index = TimelineIndex([], notes)
    assert {n.id for n in index.film_wide_notes} == film_wide
    assert not film_wide & {n.id for n in index.unplaced_notes}


def test_a_shortened_card_gets_its_length_back_when_the_crowd_moves(store: Store):
    film_id = store.track()["film_id"]
    track_id = store.track()["id"]
    shift(store, track_id, 3.0)
    assert most_on_screen(store, film_id) <= MAX_CARDS
    for note in store.notes(film_id):
        if note.start_s is not None and "duration" in note.placement:
            assert note.end_s <= note.start_s + note.placement["duration"] + 1e-6


def test_a_note_is_film_wide_by_its_placement():
    def note(placement: dict) -> Note:
        return Note("x", "f", "trivia", "t", "b", (), placement, None, None)

    assert note({"whole_film": True, "duration": 60}).film_wide
    assert not note({"line": "Hello."}).film_wide
