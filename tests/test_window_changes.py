"""One path for changes: whoever writes to the store, the open window shows it (issue 14, item 1).

Real store files, the real CLI in a subprocess, the real window offscreen on the clock player.
"""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run_companion_process
from window_helpers import open_window, settings_in

from companion.store import Store
from companion.timing import edits
from companion.ui.editing import install_editing


@pytest.fixture
def editor(qtbot, store, tmp_path):
    window = open_window(qtbot, store, settings_in(tmp_path))
    controller = install_editing(window, store)
    yield window, controller, store
    window.close()


def commentary_note(store: Store):
    """A note placed through the commentary's words: it moves when the timings move."""
    return next(n for n in store.notes() if "commentary" in n.placement and n.start_s is not None)


def test_a_timing_edit_moves_the_notes_the_window_shows(qtbot, editor):
    window, controller, store = editor
    note = commentary_note(store)
    controller.run(lambda s, track: edits.shift(s, track, 20.0))
    moved = next(n for n in store.notes() if n.id == note.id)
    assert moved.start_s > note.start_s + 5.0  # the store moved it with its words
    assert window.content.note(note.id).start_s == moved.start_s
    window.seek(moved.start_s + 0.5)
    assert note.id in {n.id for n in window.now_panel.active.notes}
    window.seek(note.start_s + 0.2)  # the old place no longer shows it
    assert note.id not in {n.id for n in window.now_panel.active.notes}


def test_an_edit_from_the_cli_shows_in_the_open_window_within_a_second(qtbot, editor, db_path):
    window, controller, store = editor
    assert window.content.segment(42).start_s != pytest.approx(2512.3)
    done = run_companion_process("pin", "42", "00:41:52.3", db=db_path)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(
        lambda: window.content.segment(42).start_s == pytest.approx(2512.3), timeout=1500
    )
    assert window.content.segment(42).start_pinned
    # the undo stack follows the store's history: Ctrl+Z undoes the CLI's edit
    assert controller.stack.undoText() == "Pin segment 42 at 00:41:52.300"
    controller.undo()
    assert store.segment(controller.track_id, 42).start_s != pytest.approx(2512.3)
    assert window.content.segment(42).start_s == store.segment(controller.track_id, 42).start_s


def test_an_edit_repaints_only_the_rows_it_changed(qtbot, editor):
    window, controller, store = editor
    model = window.browse.segment_model
    resets, changed = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(
        lambda top, bottom: changed.extend(range(top.row(), bottom.row() + 1))
    )
    window.select_segment(window.content.segment(42))
    controller.nudge(0.5)
    assert store.segment(controller.track_id, 42).start_pinned
    assert not resets
    assert 0 < len(changed) < 20  # the nudged segment and the neighbours that were re-spread
    assert model.row_of("segment", "42") in changed


def test_change_counters_move_with_every_write_of_their_kind(store, db_path):
    track = store.track()["id"]
    film = store.film()["id"]
    before = store.change_counters()
    edits.pin(store, track, 30)
    after = store.change_counters()
    assert after[(track, "segments")] > before.get((track, "segments"), 0)
    assert after[(track, "history")] > before.get((track, "history"), 0)
    assert after.get((film, "notes")) == before.get((film, "notes"))
    version = store.data_version()
    other = sqlite3.connect(db_path)  # another process's connection, as the CLI would be
    other.execute("UPDATE segments SET origin = origin WHERE track_id = ? AND n = 1", [track])
    other.commit()
    other.close()
    assert store.data_version() != version
    assert store.change_counters()[(track, "segments")] > after[(track, "segments")]
