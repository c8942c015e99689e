"""The window's undo past a damaged history record: said in the window, the others still undo."""

from __future__ import annotations

from test_ui_editing import open_editor

from companion.timing import edits


def test_undo_in_the_window_sets_a_damaged_record_aside(qtbot, store, tmp_path):
    track = store.track()["id"]
    for n in (40, 41, 42):
        edits.nudge(store, track, n, 1.0)
    store.db.execute("UPDATE edits SET payload = 'not json' WHERE id = 2")
    store.db.conn.commit()
    window, controller = open_editor(qtbot, store, tmp_path)
    messages: list[str] = []
    controller.failed.connect(messages.append)
    controller.undo()
    controller.undo()  # edit 2 is set aside, edit 1 undone
    assert [e.state for e in edits.history(store, track)] == ["undone", "damaged", "undone"]
    assert messages and "edit 2" in messages[0] and "damaged" in messages[0]
    assert controller.stack.count() == 2 and controller.stack.index() == 0
    controller.redo()
    assert store.segment(track, 40).start_pinned
    window.close()
