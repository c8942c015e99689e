"""Listening in the window (real libVLC with dummy outputs on the generated clip, real Qt under
Xvfb): the Audio menu entry, the suggestion, the karaoke highlight of the sentence being spoken."""

from __future__ import annotations

import re

import pytest
from test_ui_video import DUMMY, pytestmark, settings  # noqa: F401  (libVLC marks, fixture)

from companion.alignment.listen import commentary_sentences
from companion.content.films import track_transcript
from companion.model import HeardSpan
from companion.store import Store
from companion.timing import edits
from companion.ui.app import build_window
from companion.ui.listening import ACTION_TEXT, WORD_STYLE, karaoke_html
from companion.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, store, settings):  # noqa: F811  (the imported fixture)
    win = build_window(store, settings, vlc_args=DUMMY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def first_sentences(store: Store, track: str, count: int = 4) -> list[HeardSpan]:
    """The commentary's first sentences heard one after another from 0.5 s, a word each
    0.3 s, with a second's pause between sentences: inside the 10 s test clip."""
    transcript = track_transcript(store, track)
    spans, t = [], 0.5
    for s, e in commentary_sentences(transcript)[:count]:
        words = []
        for w in transcript.words[s:e]:
            if any(c.isalnum() for c in w.raw):
                words.append((w.index, round(t, 3), round(t + 0.28, 3)))
                t += 0.3
        spans.append(HeardSpan(s, e, words[0][1], words[-1][2], 0.9, tuple(words)))
        t += 1.0
    return spans


def open_commentary(qtbot, window: MainWindow, clip) -> None:
    assert window.open_video(str(clip))
    qtbot.waitUntil(lambda: len(window.player.audio_tracks()) == 2, timeout=10000)
    window.tracks.choose_audio(window.player.audio_tracks()[1].id)
    qtbot.waitUntil(
        lambda: window.player.audio_track() == window.player.audio_tracks()[1].id, timeout=5000
    )


def test_the_menu_entry_and_the_suggestion_follow_the_video(qtbot, window, test_clip) -> None:
    action = window.listening.action
    assert not action.isVisible(), "no video: nothing to listen to"
    assert window.open_video(str(test_clip))
    assert action.isVisible() and action.text() == ACTION_TEXT
    audio = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Audio")
    assert action in audio.actions()

    def suggested() -> bool:
        return "commentary audio track (2: Commentary)" in window.notice.label.text()

    try:
        qtbot.waitUntil(suggested, timeout=5000)
    except Exception:
        raise AssertionError(f"notice: {window.notice.label.text()!r}") from None
    assert window.notice.isVisible()
    assert window.listening.target().ordinal == 2
    window.close_video()
    assert not action.isVisible()


def test_no_suggestion_once_heard(qtbot, store, window, test_clip) -> None:
    track = store.track()["id"]
    edits.replace_heard(store, track, first_sentences(store, track), "Listen")
    window.listening.karaoke.reload()
    assert window.open_video(str(test_clip))
    assert window.listening.action.isVisible()
    qtbot.wait(50)
    assert "commentary audio track" not in window.notice.label.text()


def test_the_panel_highlights_the_sentence_being_spoken(qtbot, store, window, test_clip) -> None:
    track = store.track()["id"]
    spans = first_sentences(store, track)
    edits.replace_heard(store, track, spans, "Listen")
    window.listening.karaoke.reload()
    open_commentary(qtbot, window, test_clip)
    window.toggle_play()  # pause: the playhead stays where the test puts it

    third = spans[2]  # "I have a lot to say."
    _index, start, _end = third.words[3]  # "lot"
    window.seek(start + 0.1)
    qtbot.waitUntil(lambda: WORD_STYLE in window.now_panel.text.text(), timeout=5000)
    html = window.now_panel.text.text()
    assert re.search(rf"{re.escape(WORD_STYLE)}'>lot</span>", html), html[:600]
    assert "I have a <span" in html  # the sentence is highlighted from its first word

    # Between two sentences nothing is highlighted; on the film's own track neither.
    window.seek(third.end_s + 0.5)
    qtbot.waitUntil(lambda: WORD_STYLE not in window.now_panel.text.text(), timeout=5000)
    window.seek(start + 0.1)
    qtbot.waitUntil(lambda: WORD_STYLE in window.now_panel.text.text(), timeout=5000)
    window.tracks.choose_audio(window.player.audio_tracks()[0].id)
    qtbot.waitUntil(lambda: WORD_STYLE not in window.now_panel.text.text(), timeout=5000)


def test_karaoke_html_keeps_the_panels_styling_around_the_highlight(store) -> None:
    segment = store.segments(store.track()["id"])[0]
    text = segment.text
    a = text.index("I have a lot")
    b = a + len("I have a lot to say.")
    c = text.index("lot", a)
    html = karaoke_html(segment, (a, b), (c, c + 3))
    assert html.count(WORD_STYLE) == 1
    assert f"{WORD_STYLE}'>lot</span>" in html
    assert "(DISTANT EXPLOSION)" in html or "DISTANT EXPLOSION" in html  # the cue is still there


@pytest.fixture(scope="module")
def rip(built_db, shared):
    from commentary_rip import make_rip
    from conftest import SUBTITLES

    from companion.timing.retime import track_map

    with Store(built_db) as store:
        track = store.track()["id"]
        return make_rip(track_transcript(store, track), track_map(store, track)[0], SUBTITLES)


def open_rip(qtbot, window: MainWindow, rip) -> None:
    assert window.open_video(str(rip.path))
    qtbot.waitUntil(lambda: len(window.player.audio_tracks()) == 2, timeout=10000)
    # a copy new to the store is synced first (its clock is what heard times are carried back
    # through); listening waits for that job
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)


def timings(store: Store) -> list[tuple]:
    return [(s.n, s.start_s, s.origin) for s in store.segments(store.track()["id"])]


@pytest.mark.slow
def test_listening_runs_beside_playback_and_the_panel_reloads(qtbot, store, window, rip) -> None:
    track = store.track()["id"]
    before = timings(store)
    open_rip(qtbot, window, rip)
    assert window.listening.target().ordinal == 2
    done = []
    window.jobs.done.connect(lambda name, result: done.append(name))
    assert window.listening.listen()
    bar = window.jobs.bar
    assert bar.isVisible() and not window.listening.listen(), "one run at a time"
    playing_at = window.player.position()
    qtbot.waitUntil(lambda: window.player.position() > playing_at + 1.0, timeout=10000)
    qtbot.waitUntil(lambda: bool(done), timeout=600_000)

    assert bar.isHidden()
    assert store.heard(track), "something was heard and stored"
    assert window.content.segments == store.segments(track), "the panel reloaded"
    assert "Listen: heard" in window.notice.label.text()
    assert window.listening.karaoke.heard == store.heard(track)
    window.editing.undo()
    assert [(s.n, s.start_s, s.origin) for s in window.content.segments] == before
    assert window.listening.karaoke.heard == []


@pytest.mark.slow
def test_cancelling_changes_nothing(qtbot, store, window, rip) -> None:
    before = timings(store)
    open_rip(qtbot, window, rip)
    assert window.listening.listen()
    window.jobs.bar.cancel_button.click()
    qtbot.waitUntil(window.jobs.bar.isHidden, timeout=600_000)
    assert "Listen failed: cancelled. Nothing was changed." in window.notice.label.text()
    assert timings(store) == before
    assert store.heard(store.track()["id"]) == []
