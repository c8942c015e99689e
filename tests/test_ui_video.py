"""The window with real libVLC (dummy video and audio output) on the test clip and bad files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from companion.player.base import PlayerState
from companion.player.clock import ClockPlayer
from companion.player.vlc_player import vlc_available
from companion.ui.browse import TARGET
from companion.ui.content import content_from_store
from companion.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.vlc,
    pytest.mark.skipif(not vlc_available()[0], reason=vlc_available()[1]),
]
DUMMY = ("--vout=dummy", "--aout=dummy")


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_window(qtbot, store, settings) -> MainWindow:
    window = MainWindow(content_from_store(store), settings, vlc_args=DUMMY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, store, settings):
    win = make_window(qtbot, store, settings)
    yield win
    win.close()


def test_missing_file_is_reported_and_clock_mode_stays_usable(qtbot, window, tmp_path):
    missing = tmp_path / "nowhere" / "film.mkv"
    assert window.open_video(str(missing)) is False
    assert window.notice.isVisible()
    assert str(missing) in window.notice.label.text()
    assert "no such file" in window.notice.label.text()
    assert str(missing) in window.statusBar().currentMessage()
    assert isinstance(window.player, ClockPlayer)
    assert window.mode_label.text() == "Clock mode"
    window.seek(600.0)
    assert window.now_panel.active.segment is not None
    assert window.now_panel.active.segment.start_s <= 600.0


def test_empty_and_unreadable_files_are_named(qtbot, window, tmp_path):
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    assert window.open_video(str(empty)) is False
    assert "empty" in window.notice.label.text()
    locked = tmp_path / "locked.mkv"
    locked.write_bytes(b"x" * 100)
    locked.chmod(0)
    try:
        if locked.open("rb"):  # running as root: permissions do not apply
            pytest.skip("running as root, an unreadable file cannot be made")
    except PermissionError:
        assert window.open_video(str(locked)) is False
        assert "not readable" in window.notice.label.text()
    finally:
        locked.chmod(0o600)


def test_a_file_that_is_not_a_video_falls_back_to_the_clock(qtbot, window, tmp_path):
    garbage = tmp_path / "holiday.mkv"
    garbage.write_bytes(bytes(range(256)) * 400)
    window.open_video(str(garbage))  # libVLC only finds out while trying to play it
    qtbot.waitUntil(lambda: isinstance(window.player, ClockPlayer), timeout=10000)
    assert str(garbage) in window.notice.label.text()
    assert window.mode_label.text() == "Clock mode"
    window.toggle_play()
    assert window.player.state() is PlayerState.PLAYING


def test_clip_plays_seeks_and_lists_both_audio_tracks(qtbot, window, test_clip):
    assert window.open_video(str(test_clip), at=4.0)
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    qtbot.waitUntil(lambda: window.player.duration() > 9.0, timeout=5000)
    assert window.transport.duration_label.text() == "00:00:10"
    qtbot.waitUntil(lambda: window.player.position() >= 4.0, timeout=5000)
    window.tracks.fill_audio()
    names = [a.text() for a in window.tracks.audio_menu.actions()]
    assert any("Main" in n for n in names) and any("Commentary" in n for n in names)
    commentary = next(a for a in window.tracks.audio_menu.actions() if "Commentary" in a.text())
    commentary.trigger()
    qtbot.waitUntil(lambda: window.player.audio_track() == window.player.audio_tracks()[1].id)
    window.tracks.fill_subtitles()
    assert next(a.text() for a in window.tracks.subtitle_menu.actions()) == "Off"
    assert len(window.tracks.subtitle_menu.actions()) >= 2
    assert window.now_panel.active.segment.n == 1  # the clip's first seconds: segment 1


def test_position_and_audio_track_are_remembered_per_video(qtbot, store, settings, test_clip):
    first = make_window(qtbot, store, settings)
    first.open_video(str(test_clip))
    qtbot.waitUntil(lambda: first.player.state() is PlayerState.PLAYING, timeout=10000)
    qtbot.waitUntil(lambda: len(first.player.audio_tracks()) == 2, timeout=5000)
    commentary = first.player.audio_tracks()[1].id
    first.tracks.choose_audio(commentary)
    first.seek(6.0)
    qtbot.waitUntil(lambda: first.player.position() >= 6.0, timeout=5000)
    first.player.pause()
    first.close()

    second = make_window(qtbot, store, settings)
    assert str(test_clip.resolve()) in second.memory.recent()
    second.open_video(str(test_clip))
    qtbot.waitUntil(lambda: second.player.state() is PlayerState.PLAYING, timeout=10000)
    qtbot.waitUntil(lambda: second.player.position() >= 6.0, timeout=5000)
    assert second.player.position() < 8.0
    qtbot.waitUntil(lambda: second.player.audio_track() == commentary, timeout=5000)
    second.close()


def drop(window: MainWindow, path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = window.rect().center()
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        window,
        QDropEvent(
            QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )  # fmt: skip


def test_dropping_a_video_plays_it_and_a_subtitle_file_loads_it(qtbot, window, test_clip, tmp_path):
    from clip import write_srt

    drop(window, test_clip)
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    assert window.video_path == str(test_clip)
    before = len(window.player.subtitle_tracks())
    drop(window, write_srt(tmp_path / "extra.srt"))
    qtbot.waitUntil(lambda: len(window.player.subtitle_tracks()) == before + 1, timeout=5000)
    assert "extra.srt" in window.statusBar().currentMessage()


def test_recent_menu_reopens_a_video(qtbot, window, test_clip):
    window.open_video(str(test_clip))
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    window.close_video()
    assert isinstance(window.player, ClockPlayer)
    window.files.fill_recent()
    entry = next(
        a for a in window.files.recent_menu.actions() if a.text() == str(test_clip.resolve())
    )
    entry.trigger()
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    assert window.video_path == str(test_clip.resolve())


def test_missing_libvlc_shows_the_install_command_and_the_rest_works(db_path, tmp_path):
    import json
    import os
    import subprocess
    import sys

    script = """
import json, sys
from PySide6.QtCore import QSettings
from companion.ui.app import application, build_window
from companion.store import Store
app = application()
window = build_window(Store(sys.argv[1]), QSettings(sys.argv[2], QSettings.Format.IniFormat),
                      video=sys.argv[3])
app.processEvents()
window.seek(1362.0)
window.browse.search.setText("Hemsworth")
hits = window.browse.run_search()
print(json.dumps({
    "dialog": window.vlc_dialog.text(), "dialog_visible": window.vlc_dialog.isVisible(),
    "mode": window.mode_label.text(), "notice": window.notice.label.text(),
    "segment": window.now_panel.active.segment.n, "hits": len(hits),
}))
window.close()
"""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_VLC_LIB_PATH": "/nonexistent/libvlc.so.5",
    }
    args = [str(db_path), str(tmp_path / "s.ini"), str(tmp_path / "film.mkv")]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    from companion.player.vlc_player import install_command

    assert install_command() in shown["dialog"]
    assert shown["dialog_visible"]
    assert shown["mode"] == "Clock mode"
    assert "film.mkv" in shown["notice"]
    assert shown["segment"] > 0 and shown["hits"] > 0


def test_on_video_line_sends_the_first_sentence_to_libvlc(qtbot, window, test_clip):
    from companion.ui.content import first_sentence

    window.open_video(str(test_clip), at=2.0)
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    assert window.player._marquee is None  # off by default
    window.marquee_action.trigger()
    segment = window.follower.active.segment
    assert window.player._marquee == first_sentence(segment.text)
    window.marquee_action.trigger()
    assert window.player._marquee is None


def test_window_layout_is_remembered_per_video(qtbot, window, test_clip):
    window.open_video(str(test_clip))
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    window.session.browse_action.trigger()  # hide the browser while watching this film
    total = sum(window.splitter.sizes())
    window.splitter.setSizes([total - 320, 320])
    sizes = window.splitter.sizes()
    window.close_video()  # remembers the video's layout

    window.session.browse_action.trigger()
    window.splitter.setSizes([total - 420, 420])
    assert window.splitter.sizes() != sizes
    window.open_video(str(test_clip))
    assert not window.session.browse_action.isChecked()
    assert not window.browse.isVisible()
    assert window.splitter.sizes() == sizes


def test_no_window_to_draw_in_means_clock_mode_with_the_reason(qtbot, store, settings, test_clip):
    window = MainWindow(content_from_store(store), settings)  # real video output, offscreen Qt
    qtbot.addWidget(window)
    assert window.open_video(str(test_clip)) is False
    assert "offscreen" in window.notice.label.text()
    assert "offscreen" in window.playback.clock_reason
    assert isinstance(window.player, ClockPlayer)
    window.close()


def test_choosing_a_note_seeks_to_it_and_shows_its_card(qtbot, window):
    model = window.browse.note_model
    row = next(i for i in range(model.rowCount()) if model.rows[i].target[2] not in (None, 0.0))
    _kind, note_id, start = model.index(row).data(TARGET)
    window.browse.notes.activated.emit(model.index(row))
    assert window.player.position() == pytest.approx(start)
    assert note_id in {note.id for note in window.now_panel.active.notes}
    assert window.now_panel.cards.count() == len(window.now_panel.active.notes)
