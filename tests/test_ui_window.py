"""The player window, offscreen, on the real store of the bundled film and the clock player.

The clock runs on a hand-advanced time source, so "the film is at 0:41:52" is exact; the
window's own 50 ms timer still does the following, as in the app.
"""

from __future__ import annotations

import itertools

import pytest
from conftest import ManualClock
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from companion.model import Note, Segment, Source, Span
from companion.player.base import PlayerState
from companion.ui.content import FilmContent, content_from_store
from companion.ui.main_window import MainWindow
from companion.ui.memory import Memory, clock_key
from companion.ui.transport import SLIDER_STEPS_PER_S


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def fake_time() -> ManualClock:
    return ManualClock(500.0)


def open_window(
    qtbot, content: FilmContent, settings: QSettings, fake_time: ManualClock
) -> MainWindow:
    window = MainWindow(content, settings, clock_time=fake_time)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot, store, settings, fake_time):
    win = open_window(qtbot, content_from_store(store), settings, fake_time)
    yield win
    win.close()


def plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def shown(window: MainWindow) -> Segment | None:
    return window.now_panel.active.segment if window.now_panel.active else None


def starts_with_words(window: MainWindow, segment: Segment) -> bool:
    words = " ".join(segment.text.split()[:5])
    return words in plain(window.now_panel.text.text())


def test_panel_follows_the_playhead_across_a_boundary_while_playing(qtbot, window, fake_time):
    segments = window.content.segments
    first, second = segments[40], segments[41]
    window.seek(second.start_s - 1.0)
    qtbot.waitUntil(lambda: shown(window) == first, timeout=1000)
    assert starts_with_words(window, first)
    window.toggle_play()
    assert window.player.state() is PlayerState.PLAYING
    fake_time.advance(0.5)
    qtbot.wait(120)
    assert shown(window) == first  # still before the boundary
    fake_time.advance(0.6)  # now 0.1 s past it: the timer alone must notice
    qtbot.waitUntil(lambda: shown(window) == second, timeout=1000)
    assert starts_with_words(window, second)
    assert "Coming up" in plain(window.now_panel.coming_up.text())
    assert hmsish(segments[42].start_s) in plain(window.now_panel.coming_up.text())


def hmsish(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def test_boundaries_are_exact(window):
    segments = window.content.segments
    for k in (1, 100, len(segments) - 1):
        segment = segments[k]
        window.seek(segment.start_s)
        assert shown(window) == segment
        window.seek(segment.start_s - 0.01)
        assert shown(window) == segments[k - 1]


def test_scrubbing_the_slider_while_paused_updates_at_once(qtbot, window):
    assert window.player.state() is not PlayerState.PLAYING
    target = window.content.segments[120]
    slider = window.transport.slider
    slider.setSliderDown(True)
    value = round((target.start_s + 2) * SLIDER_STEPS_PER_S)
    slider.sliderMoved.emit(value)
    # No event-loop turn: the seek's position_jumped re-rendered synchronously.
    assert shown(window) == target
    assert window.transport.time_label.text() == hmsish(value / SLIDER_STEPS_PER_S)
    slider.setSliderDown(False)


def test_dragging_on_the_timeline_seeks_while_paused(qtbot, window):
    timeline = window.timeline
    y_overview = 12
    qtbot.mousePress(
        timeline, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() // 2, y_overview)
    )
    t_press = window.player.position()
    expected = timeline.time_at(timeline.width() // 2, "overview")
    assert abs(t_press - expected) < 0.01
    assert shown(window) == window.content.index.segment_at(expected)
    qtbot.mouseMove(timeline, QPoint(timeline.width() * 3 // 4, y_overview))
    qtbot.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, pos=QPoint(timeline.width() * 3 // 4, y_overview)
    )
    assert window.player.position() > t_press


def test_wheel_zooms_the_detail_view_around_the_cursor(qtbot, window):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    timeline = window.timeline
    window.seek(3000.0)
    x = timeline.width() * 0.6
    y = timeline.height() - 20
    before_span, pivot = timeline.view_span, timeline.detail_time(x)
    event = QWheelEvent(
        QPointF(x, y),
        timeline.mapToGlobal(QPointF(x, y)),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    timeline.wheelEvent(event)
    assert timeline.view_span < before_span
    assert abs(timeline.detail_time(x) - pivot) < 0.01


def test_search_then_enter_seeks_and_shows_the_segment(qtbot, window, store):
    hits = store.search("Hemsworth")
    top = hits[0]
    assert top.kind == "segment"
    qtbot.keyClicks(window.browse.search, "Hemsworth")
    qtbot.keyClick(window.browse.search, Qt.Key.Key_Return)
    assert window.player.position() == pytest.approx(top.start_s)
    assert shown(window).n == int(top.key)
    assert "Hemsworth" in plain(window.now_panel.text.text())
    assert window.selected_segment().n == int(top.key)
    assert window.browse.results.count() == len(hits)


def test_search_is_safe_with_any_input(qtbot, window):
    for query in ['"', "AND OR NOT", "*", "a' OR 1=1 --", "NEAR(", "ü -x"]:
        window.browse.search.setText(query)
        window.browse.run_search()  # must not raise
    assert window.browse.status.text()


def test_clicking_a_listed_segment_seeks_there(qtbot, window):
    segment = window.content.segments[77]
    index = window.browse.segment_model.index(77)
    window.browse.segments.scrollTo(index)
    rect = window.browse.segments.visualRect(index)
    qtbot.mouseClick(
        window.browse.segments.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    assert window.player.position() == pytest.approx(segment.start_s)
    assert shown(window) == segment


def test_keyboard_shortcuts(qtbot, window, fake_time):
    window.seek(1000.0)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state() is PlayerState.PLAYING
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state() is PlayerState.PAUSED
    for key, modifier, delta in (
        (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier, 5),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier, -5),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier, 30),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier, -30),
    ):
        before = window.player.position()
        qtbot.keyClick(window, key, modifier)
        assert window.player.position() == pytest.approx(before + delta)
    volume = window.player.volume()
    qtbot.keyClick(window, Qt.Key.Key_Down)
    assert window.player.volume() == volume - 5
    qtbot.keyClick(window, Qt.Key.Key_Up)
    assert window.player.volume() == volume
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert window.player.muted() and window.transport.mute_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert not window.player.muted()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.player.rate() == 1.25
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: not window.menuBar().isVisible())
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.menuBar().isVisible())


def test_ctrl_o_opens_the_file_dialog_and_the_chosen_file(qtbot, window, monkeypatch, tmp_path):
    missing = str(tmp_path / "not-here.mkv")
    monkeypatch.setattr(
        "companion.ui.files.QFileDialog.getOpenFileName", lambda *a, **k: (missing, "")
    )
    opened = []
    monkeypatch.setattr(window.playback, "open_video", lambda path, at=None: opened.append(path))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert opened == [missing]


def test_typing_the_tv_time_goes_there(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.transport.goto.hasFocus()
    qtbot.keyClicks(window.transport.goto, "1:02:03")
    qtbot.keyClick(window.transport.goto, Qt.Key.Key_Return)
    assert window.player.position() == pytest.approx(3723.0)
    window.transport.goto.setText("soon")
    window.transport.goto.returnPressed.emit()
    assert window.player.position() == pytest.approx(3723.0)
    assert "soon" in window.statusBar().currentMessage()


def test_playhead_never_goes_backwards_while_playing(qtbot, window, fake_time):
    seen: list[float] = []
    window.follower.position_changed.connect(seen.append)
    window.seek(2000.0)
    window.toggle_play()
    for step in (0.03, 0.2, 0.0, 0.01, 1.0, 0.05) * 5:
        fake_time.advance(step)
        window.follower.tick()
    window.toggle_play()
    assert len(seen) > 10
    assert all(b >= a for a, b in itertools.pairwise(seen))
    assert window.timeline.position == seen[-1]


def test_panel_renders_dialogue_apart_with_its_speaker(qtbot, settings, fake_time):
    text = "I love this line. Not a hero. Ha."
    segment = Segment(
        "f/t",
        1,
        0,
        len(text),
        0,
        7,
        text,
        (Span(18, 30, "dialogue", "STARK"), Span(31, 34, "cue")),
        0.0,
        100.0,
        "anchored",
        0.82,
    )
    correction = Note(
        "c1",
        "f",
        "correction",
        "Wrong composer",
        "",
        (Source("Movie Music UK", "https://example.org/r"),),
        {},
        10.0,
        50.0,
        claim="Alan Silvestri scored it",
        verdict="wrong",
        truth="Brian Tyler and Danny Elfman",
    )
    content = FilmContent("f", "Film", 200.0, segments=[segment], notes=[correction])
    win = open_window(qtbot, content, settings, fake_time)
    win.seek(20.0)
    html = win.now_panel.text.text()
    assert "font-style:italic" in html.split("Not a hero")[0].rsplit("<span", 2)[-2]
    assert "STARK" in plain(html)
    assert "ANCHORED" in plain(win.now_panel.header.text())
    assert "82%" in plain(win.now_panel.header.text())
    cards = [win.now_panel.cards.itemAt(i).widget() for i in range(win.now_panel.cards.count())]
    card_text = " ".join(
        plain(label.text())
        for card in cards
        for label in card.findChildren(type(win.now_panel.text))
    )
    for expected in (
        "CORRECTION",
        "WRONG",
        "Alan Silvestri scored it",
        "Brian Tyler",
        "Movie Music UK",
    ):
        assert expected in card_text
    win.seek(60.0)
    assert win.now_panel.cards.count() == 0
    win.close()


def test_clock_position_is_remembered_for_the_film(qtbot, store, settings, fake_time):
    content = content_from_store(store)
    first = open_window(qtbot, content, settings, fake_time)
    first.seek(4321.0)
    first.close()
    scope = Memory(settings, content.db_path).scope  # kept per database
    saved = settings.value(f"{scope}/{clock_key(content.film_id)}/position")
    assert float(saved) == pytest.approx(4321.0)
    second = open_window(qtbot, content_from_store(store), settings, fake_time)
    assert second.player.position() == pytest.approx(4321.0)
    second.close()


def test_new_segments_move_everything(qtbot, window):
    from dataclasses import replace

    segments = list(window.content.segments)
    moved = replace(
        segments[10], start_s=segments[10].start_s + 3.0, origin="pinned", start_pinned=True
    )
    segments[10] = moved
    window.select_segment(segments[10])
    window.content.replace(segments=segments)
    window.show_content(frozenset({"segments"}))
    window.seek(moved.start_s - 1.5)  # was inside segment 11 before the edit
    assert shown(window) is None
    window.seek(moved.start_s)
    assert shown(window).origin == "pinned"
    assert window.selected_segment() == moved


@pytest.mark.parametrize("mode", ["side", "overlay", "hidden"])
def test_fullscreen_panel_modes_and_back(qtbot, window, mode):
    window.memory.set_choice("fullscreen_panel", mode)
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: not window.menuBar().isVisible())
    assert not window.browse.isVisible()
    assert window.sidebar.isVisible() == (mode == "side")
    assert (window.overlay is not None and window.now_panel.window() is window.overlay) == (
        mode == "overlay"
    )
    assert window.focusWidget() in (None, window)  # Space still plays, never types
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state() is PlayerState.PLAYING
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.menuBar().isVisible())
    assert window.overlay is None
    assert window.now_panel.parent() is window.sidebar
    assert window.sidebar.isVisible() and window.browse.isVisible()


def test_on_video_line_is_off_by_default_and_remembered(qtbot, store, settings, fake_time):
    first = open_window(qtbot, content_from_store(store), settings, fake_time)
    assert not first.marquee_action.isChecked()
    first.marquee_action.trigger()
    first.close()
    second = open_window(qtbot, content_from_store(store), settings, fake_time)
    assert second.marquee_action.isChecked()
    second.close()


def test_coming_up_names_the_next_segment_and_card(qtbot, window):
    notes = [n for n in window.content.index.notes.items if n.start_s > 600]
    if not notes:
        pytest.skip("the bundled store has no placed notes after 10 min")
    card = notes[0]
    window.seek(card.start_s - 5.0)
    line = plain(window.now_panel.coming_up.text())
    following = window.content.index.next_segment(card.start_s - 5.0)
    assert hmsish(following.start_s) in line
    assert f"Next card at {hmsish(card.start_s)}" in line
    assert card.title in line


def test_timeline_hover_tells_the_segment_and_notes(window):
    segment = window.content.segments[60]
    text = window.timeline._hover_text(segment.start_s + 0.5)
    assert f"#{segment.n}" in text
    assert " ".join(segment.text.split()[:5]) in text
    assert segment.origin in text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "xcb"),  # XWayland: embed there
        (
            {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"},
            "wayland",
        ),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),  # no X server: xcb would abort Qt
        ({"DISPLAY": ":0"}, None),
    ],
)
def test_wayland_sessions_use_xwayland_when_there_is_one(environ, expected, monkeypatch):
    from companion.ui.platform import prefer_x11

    monkeypatch.setattr("sys.platform", "linux")
    prefer_x11(environ)
    assert environ.get("QT_QPA_PLATFORM") == expected


def test_header_says_which_edge_was_pinned_by_hand(qtbot, settings, fake_time):
    text = "A segment with a hand-set start."
    half = Segment(
        "f/t", 1, 0, len(text), 0, 6, text, (), 0.0, 50.0, "anchored", 0.7, start_pinned=True
    )
    full = Segment("f/t", 2, 0, len(text), 6, 12, text, (), 50.0, 90.0, "pinned", 1.0, True, True)
    win = open_window(
        qtbot, FilmContent("f", "Film", 100.0, segments=[half, full]), settings, fake_time
    )
    win.seek(10.0)
    header = plain(win.now_panel.header.text())
    assert "ANCHORED" in header and "START PINNED" in header
    win.seek(60.0)
    header = plain(win.now_panel.header.text())
    assert "PINNED" in header and "START PINNED" not in header and "100% sure" in header
    win.close()


@pytest.mark.parametrize(
    ("scene_note", "expected"),
    [
        # Ultron's first appearance ("What is this?"): who really plays him.
        ("age_of_ultron/ultron-actor", {"age_of_ultron/ultron-actor"}),
        # The barn: Fury and Stark, then Stark's confession.
        ("age_of_ultron/barn-fury", {"age_of_ultron/barn-fury"}),
        (
            "age_of_ultron/barn-confession",
            {"age_of_ultron/barn-fury", "age_of_ultron/barn-confession"},
        ),
    ],
)
def test_panel_shows_the_scene_cards(qtbot, window, store, scene_note, expected):
    """The bundled pack's cards for a scene appear on the panel when the film reaches it."""
    (note,) = [n for n in store.notes() if n.id == scene_note]
    window.seek(note.start_s + 1.0)
    qtbot.waitUntil(lambda: window.now_panel.active is not None)
    shown_ids = {n.id for n in window.now_panel.active.notes}
    assert expected <= shown_ids
    titles = {store_note.title for store_note in store.notes() if store_note.id in expected}
    cards = window.now_panel.cards
    card_text = " ".join(
        plain(label.text())
        for i in range(cards.count())
        for label in cards.itemAt(i).widget().findChildren(QLabel)
    )
    assert all(title in card_text for title in titles)
