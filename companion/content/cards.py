"""No more than three cards on screen at once, for every reader of the notes' times.

The limit is applied to the stored times, not to one view of them, so ``companion at``, the
timeline, the panel and ``companion notes`` all show the same cards: whenever one more card
starts while three are up, the one that has been up longest ends there. Each note's full length
comes from its placement (``duration`` or ``end``), so a card shortened to make room gets its
length back once the crowd that shortened it moves away (after an alignment or a timing edit).
"""

from __future__ import annotations

import json

from companion.store import Store
from companion.timing.timeline_index import MAX_CARDS, limit_overlap


def full_end(placement: dict, start: float) -> float:
    """Where a note placed at ``start`` ends when nothing crowds it."""
    if "end" in placement:
        return float(placement["end"])
    return round(start + float(placement.get("duration", 60.0)), 3)


def limit_cards(store: Store, film_id: str, most: int = MAX_CARDS) -> None:
    """Set every placed note's end so that at most ``most`` are on at any time."""
    rows = [
        (note_id, start, end, placement)
        for note_id, (start, end, placement) in store.note_places(film_id).items()
        if start is not None
    ]
    full = {note_id: full_end(json.loads(p or "{}"), s) for note_id, s, _e, p in rows}
    cut = limit_overlap(((k, s, full[k]) for k, s, _e, _p in rows), most)
    store.set_note_times(
        (note_id, start, end)
        for note_id, start, old, _p in rows
        if (end := round(cut.get(note_id, full[note_id]), 3)) != old
    )
