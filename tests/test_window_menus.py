"""Actions and keys as data, Help, and the CLI's operations in the Tools menu (issue 14, items
2 and 5): the real window offscreen on a real store, jobs on their worker thread."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import SUBTITLES
from PySide6.QtGui import QKeySequence
from window_helpers import open_window, settings_in

from companion.store import Store
from companion.ui.actions import ACTIONS, MENUS, shortcut_text
from companion.ui.editing import install_editing


@pytest.fixture
def editor(qtbot, store, tmp_path):
    window = open_window(qtbot, store, settings_in(tmp_path))
    controller = install_editing(window, store)
    yield window, controller, store
    window.jobs.wait(60)
    window.close()


def test_keys_are_defined_once_and_shown_in_menus_tooltips_and_help(editor):
    window, _controller, _store = editor
    bound = [c for c in ACTIONS if c.id in window.commands.actions]
    sequences = [QKeySequence(k).toString() for c in bound for k in c.keys]
    assert len(sequences) == len(set(sequences)), "a key bound twice"
    help_html = window.commands.key_table_html()
    for command in bound:
        action = window.commands[command.id]
        if command.keys:
            assert shortcut_text(command) in action.toolTip()
            assert shortcut_text(command) in help_html
            assert action.shortcut() == QKeySequence(command.keys[0])
        assert action in window.commands.menus[command.menu].actions()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == [m for m in MENUS if m in titles]  # the table's order


def test_a_command_added_to_the_table_needs_one_bind(editor):
    window, _controller, _store = editor
    tools = window.commands.menus["&Tools"]
    assert "&Sync again" not in [a.text() for a in tools.actions()]  # unbound: hidden
    calls = []
    window.commands.bind("tools.sync", lambda: calls.append(1))
    assert "&Sync again" in [a.text() for a in tools.actions()]
    window.commands["tools.sync"].trigger()
    assert calls == [1]


def test_help_keys_and_about(qtbot, editor):
    window, _controller, _store = editor
    window.commands["help.keys"].trigger()
    dialog = window.help.keys_dialog
    assert dialog.isVisible() and "Set start at playhead" in dialog.table.text()
    dialog.close()
    about = window.help.show_about()
    assert "Companion" in about.text() and str(window.content.db_path) in about.text()
    about.close()


def dialog_returns(monkeypatch, name: str, path) -> None:
    monkeypatch.setattr(f"companion.ui.tools.QFileDialog.{name}", lambda *a, **k: (str(path), ""))


def wait_for_job(qtbot, window, timeout=120_000) -> str:
    qtbot.waitUntil(lambda: not window.jobs.busy and window.notice.isVisible(), timeout=timeout)
    return window.notice.label.text()


def test_align_to_subtitles_runs_as_a_job_and_shows_its_result(qtbot, editor, monkeypatch, shared):
    window, controller, store = editor
    dialog_returns(monkeypatch, "getOpenFileName", SUBTITLES)
    with Store(store.path) as fresh:
        fresh.replace_anchors(controller.track_id, [])  # as if never aligned
    window.model.poll()
    assert not window.content.anchors
    window.commands["tools.align"].trigger()
    assert window.jobs.busy and window.parts.job_bar.isVisible()
    text = wait_for_job(qtbot, window)
    assert text.startswith("Align to subtitles: ") and "subtitle lines anchored" in text
    assert len(window.content.anchors) == len(store.anchors(controller.track_id)) > 100
    assert not window.parts.job_bar.isVisible()


def test_export_then_import_a_changed_file_through_the_menus(qtbot, editor, monkeypatch, tmp_path):
    window, controller, store = editor
    exported = tmp_path / "timings.csv"
    dialog_returns(monkeypatch, "getSaveFileName", exported)
    window.commands["tools.export"].trigger()
    assert "wrote" in wait_for_job(qtbot, window) and exported.is_file()
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.reader(io.StringIO("".join(lines[4:]))))
    row, previous = (next(r for r in rows[1:] if r[0] == n) for n in ("42", "41"))
    before = store.segment(controller.track_id, 42).start_s
    moved = f"{before + 1.0:.3f}"
    row[1], row[5] = moved, "1"
    previous[2], previous[6] = moved, "1"  # neighbours share the boundary
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (tmp_path / "changed.csv").write_text("".join(lines[:4]) + out.getvalue(), encoding="utf-8")
    window.notice.hide()
    dialog_returns(monkeypatch, "getOpenFileName", tmp_path / "changed.csv")
    window.commands["tools.import"].trigger()
    assert "one edit" in wait_for_job(qtbot, window)
    assert window.content.segment(42).start_s == pytest.approx(before + 1.0)
    assert controller.stack.undoText() == "Import timings from changed.csv"


def test_a_bad_import_changes_nothing_and_says_why(qtbot, editor, monkeypatch, tmp_path):
    window, controller, store = editor
    bad = tmp_path / "bad.csv"
    bad.write_text("# companion-timings csv v1\nnot a table\n", encoding="utf-8")
    before = store.segments(controller.track_id)
    dialog_returns(monkeypatch, "getOpenFileName", bad)
    window.commands["tools.import"].trigger()
    text = wait_for_job(qtbot, window)
    assert text.startswith("Import failed: ") and "Nothing was changed" in text
    assert store.segments(controller.track_id) == before
