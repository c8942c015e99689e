"""Cards about the whole film go to "About this film", and never more than three cards are on
screen at once (issue 12, item 7): the bundled film's real notes in the real window."""

from __future__ import annotations

import pytest
from window_helpers import open_window, settings_in

from companion.timing.timeline_index import MAX_CARDS


@pytest.fixture
def window(qtbot, store, tmp_path):
    win = open_window(qtbot, store, settings_in(tmp_path))
    yield win
    win.close()


def test_film_wide_cards_are_about_the_film_not_at_its_first_minutes(window, store):
    film_wide = [n for n in store.notes() if n.film_wide]
    assert film_wide, "the bundled pack has notes about the whole film"
    about = window.browse.about_cards
    shown = [about.itemAt(i).widget() for i in range(about.count()) if about.itemAt(i).widget()]
    assert len(shown) == len(film_wide)
    assert window.browse.tabs.tabText(3) == f"About ({len(film_wide)})"
    assert "About this film" in window.browse.tabs.tabToolTip(3)
    wide = {n.id for n in film_wide}
    for t in (0.0, 30.0, 90.0, 170.0):
        window.seek(t)
        assert not wide & {n.id for n in window.now_panel.active.notes}
    listed = {
        window.browse.note_model.rows[i].target[1]
        for i in range(len(window.browse.note_model.rows))
    }
    assert not wide & listed  # the Notes tab lists the scene cards


def test_never_more_than_three_cards_on_screen(window):
    index = window.content.index
    times = sorted({s for n in index.notes.items for s in (n.start_s, n.start_s + 0.01)})
    most = 0
    for t in times:
        window.seek(t)
        cards = window.now_panel.cards
        widgets = [cards.itemAt(i).widget() for i in range(cards.count())]
        shown = sum(1 for w in widgets if w is not None and w.objectName() == "card")
        assert shown <= MAX_CARDS, f"{shown} cards at {t:.1f} s"
        most = max(most, shown)
    assert most >= 1
