"""The window's listed defects (issue 14), each on the real window: the clock player offscreen,
or real libVLC with dummy outputs on a clip made by ffmpeg."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ManualClock
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from window_helpers import open_window

from companion.player.base import PlayerState
from companion.player.vlc_player import MARQUEE_TOP, vlc_available
from companion.ui.editing import install_editing
from companion.ui.memory import video_key
from companion.ui.style import hms

DUMMY = ("--vout=dummy", "--aout=dummy")


def needs_vlc(test):
    """Plays through libVLC: marked ``vlc`` (out of the fast tier), skipped without it."""
    return pytest.mark.vlc(
        pytest.mark.skipif(not vlc_available()[0], reason=vlc_available()[1])(test)
    )


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


make_window = open_window


@pytest.fixture
def clock_window(qtbot, store, settings):
    window = make_window(qtbot, store, settings, clock_time=ManualClock(100.0))
    yield window
    window.close()


@pytest.fixture
def vlc_window(qtbot, store, settings):
    window = make_window(qtbot, store, settings, vlc_args=DUMMY)
    yield window
    window.close()


def focused_key(qtbot, window, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as a viewer types it: to whatever has the focus."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


def test_search_gives_the_keys_back_after_enter(qtbot, clock_window):
    window = clock_window
    focused_key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.browse.search
    qtbot.keyClicks(window.browse.search, "Hemsworth")
    focused_key(qtbot, window, Qt.Key.Key_Return)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_M):
        focused_key(qtbot, window, key)
    assert window.browse.search.text() == "Hemsworth"  # nothing typed into the box
    assert window.player.state() is PlayerState.PLAYING
    assert window.player.muted()


def test_escape_in_the_search_box_gives_the_keys_back(qtbot, clock_window):
    window = clock_window
    window.focus_search()
    qtbot.keyClicks(window.browse.search, "Ultron")
    focused_key(qtbot, window, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is not window.browse.search
    focused_key(qtbot, window, Qt.Key.Key_Space)
    assert window.browse.search.text() == "Ultron"
    assert window.player.state() is PlayerState.PLAYING


@pytest.fixture
def editor(qtbot, store, settings):
    window = make_window(qtbot, store, settings, clock_time=lambda: 100.0)
    controller = install_editing(window, store)
    yield window, controller, store
    window.close()


def test_p_on_hand_made_times_keeps_them_and_revert_is_its_own_operation(qtbot, editor):
    window, controller, store = editor
    track = controller.track_id
    window.select_segment(window.content.segment(42))
    window.seek(2512.3)
    focused_key(qtbot, window, Qt.Key.Key_I)  # a start set by hand
    assert store.segment(track, 42).start_s == 2512.3
    focused_key(qtbot, window, Qt.Key.Key_P)
    kept = store.segment(track, 42)
    assert kept.start_s == 2512.3 and kept.start_pinned  # P did not silently revert it
    assert "Revert" in window.statusBar().currentMessage()
    assert controller.stack.count() == 1
    focused_key(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    reverted = store.segment(track, 42)
    assert not reverted.pinned and reverted.start_s != 2512.3
    assert controller.stack.undoText() == "Revert segment 42"


def test_p_unpins_a_segment_pinned_in_place_without_moving_it(qtbot, editor):
    window, controller, store = editor
    track = controller.track_id
    before = store.segment(track, 60)
    window.select_segment(window.content.segment(60))
    focused_key(qtbot, window, Qt.Key.Key_P)
    assert store.segment(track, 60).pinned
    focused_key(qtbot, window, Qt.Key.Key_P)
    after = store.segment(track, 60)
    assert not after.pinned
    assert (after.start_s, after.end_s) == pytest.approx((before.start_s, before.end_s), abs=1e-3)
    assert controller.stack.undoText() == "Unpin segment 60"


def test_undo_and_redo_say_what_they_did(qtbot, editor):
    window, _controller, _store = editor
    window.select_segment(window.content.segment(42))
    window.seek(2512.3)
    focused_key(qtbot, window, Qt.Key.Key_I)
    focused_key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "Undone: Pin segment 42 at 00:41:52.300"
    focused_key(
        qtbot, window, Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # fmt: skip
    assert window.statusBar().currentMessage() == "Redone: Pin segment 42 at 00:41:52.300"


# --- with libVLC --------------------------------------------------------------------------


def start(qtbot, window, path) -> None:
    assert window.open_video(str(path))
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)


@needs_vlc
def test_the_big_clock_shows_the_film_time_on_switching_to_clock_mode(qtbot, vlc_window, test_clip):
    window = vlc_window
    start(qtbot, window, test_clip)
    window.seek(6.0)
    qtbot.waitUntil(lambda: window.player.position() >= 6.0, timeout=5000)
    window.player.pause()
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PAUSED, timeout=5000)
    position = window.player.position()
    window.close_video()
    assert not window.video.showing_video()
    assert window.video.clock._time_text == hms(position)
    assert window.transport.time_label.text() == hms(position)


@needs_vlc
def test_the_commentary_line_is_drawn_at_the_top_clear_of_the_subtitles(
    qtbot, vlc_window, test_clip
):
    import vlc

    window = vlc_window
    window.marquee_action.trigger()
    start(qtbot, window, test_clip)
    mp = window.player._mp
    qtbot.waitUntil(lambda: mp.video_get_marquee_int(vlc.VideoMarqueeOption.Enable) == 1)
    position = mp.video_get_marquee_int(vlc.VideoMarqueeOption.Position)
    assert position & MARQUEE_TOP and not position & 8  # top, never bottom (the subtitles)


@needs_vlc
def test_resuming_at_the_end_of_a_video_starts_it_over(qtbot, store, settings, test_clip):
    first = make_window(qtbot, store, settings, vlc_args=DUMMY)
    first.memory.remember(video_key(str(test_clip)), 9.9, None, {}, path=str(test_clip))
    start(qtbot, first, test_clip)
    qtbot.wait(300)
    assert first.player.state() is PlayerState.PLAYING
    assert first.player.position() < 5.0  # the frame and the clock agree: near the start
    first.close()


@needs_vlc
def test_a_video_far_shorter_than_the_film_gets_a_warning(qtbot, vlc_window, test_clip):
    window = vlc_window
    start(qtbot, window, test_clip)
    assert window.notice.isVisible()
    text = window.notice.label.text()
    assert "00:00:10" in text and "right file" in text and hms(window.content.runtime_s) in text


def silent_clip(path):
    ffmpeg = shutil.which("ffmpeg")
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=160x120:rate=25:duration=4", "-c:v", "libx264", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


@needs_vlc
def test_a_video_without_audio_says_so_in_the_audio_menu(qtbot, vlc_window, tmp_path):
    window = vlc_window
    start(qtbot, window, silent_clip(tmp_path / "silent.mkv"))
    window.tracks.fill_audio()
    texts = [a.text() for a in window.tracks.audio_menu.actions()]
    assert texts == ["This video has no audio tracks"]


@needs_vlc
def test_a_file_that_failed_to_open_stays_out_of_recent(qtbot, vlc_window, tmp_path):
    from clip import make_unknown_codec_clip

    window = vlc_window
    bad = make_unknown_codec_clip(tmp_path / "unknown.avi", with_audio=False)
    window.open_video(str(bad))
    qtbot.waitUntil(lambda: window.notice.isVisible() and window.video_path is None, timeout=10000)
    assert str(bad.resolve()) not in window.memory.recent()
    missing = tmp_path / "missing.mkv"
    window.open_video(str(missing))
    assert str(missing.resolve()) not in window.memory.recent()


@needs_vlc
def test_recent_files_and_positions_are_kept_per_database(
    qtbot, store, settings, test_clip, built_db, tmp_path
):
    from companion.store import Store

    first = make_window(qtbot, store, settings, vlc_args=DUMMY)
    start(qtbot, first, test_clip)
    first.close()
    other_path = tmp_path / "other.db"
    shutil.copy(built_db, other_path)
    with Store(other_path) as other:
        second = make_window(qtbot, other, settings, vlc_args=DUMMY)
        assert str(test_clip.resolve()) not in second.memory.recent()
        second.close()
    third = make_window(qtbot, store, settings, vlc_args=DUMMY)
    assert str(test_clip.resolve()) in third.memory.recent()
    third.close()
