"""The window syncs a copy in the background and then shows everything on the copy's clock.

Real libVLC (dummy outputs) plays a generated copy whose own subtitle stream is the film's
subtitles starting 7 minutes in (a copy missing the opening: copy = reference − 420 s), so the
first seconds of the copy are minutes into the commentary.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from copy_clip import subtitled_copy
from PySide6.QtCore import QSettings

from companion.alignment import copies
from companion.player.base import PlayerState
from companion.player.vlc_player import vlc_available
from companion.store import Store
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.ui.copy_clock import CopyClock
from companion.ui.editing import install_editing
from companion.ui.film_model import FilmModel
from companion.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.vlc,
    pytest.mark.skipif(not vlc_available()[0], reason=vlc_available()[1]),
]
DUMMY = ("--vout=dummy", "--aout=dummy")
CUT_S = 420.0


@pytest.fixture(scope="module")
def late_start(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ui-copy")
    return subtitled_copy(folder / "late-start.mkv", lambda ms: ms - 420_000, picture_s=20.0)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, store: Store, settings: QSettings):
    window = MainWindow(FilmModel.from_store(store), settings, vlc_args=DUMMY)
    qtbot.addWidget(window)
    editing = install_editing(window, store)
    clock = CopyClock(window, store)
    window.show()
    qtbot.waitExposed(window)
    return window, editing, clock


@pytest.fixture
def opened(qtbot, store, settings):
    window, editing, clock = open_window(qtbot, store, settings)
    yield window, editing, clock
    window.jobs.wait(30)
    window.close()


def test_a_new_copy_is_synced_in_the_background_and_the_panel_follows_its_clock(
    qtbot, opened, store: Store, late_start: Path
):
    window, editing, clock = opened
    track = store.track()["id"]
    assert window.open_video(str(late_start))
    assert window.jobs.busy and window.jobs.bar.isVisible()  # progress bar while it measures
    assert clock.copy is None and window.content.release is IDENTITY  # reference until placed
    qtbot.waitUntil(lambda: window.player.state() is PlayerState.PLAYING, timeout=10000)
    qtbot.waitUntil(lambda: clock.copy is not None, timeout=30000)
    assert window.player.state() is PlayerState.PLAYING  # the video played on meanwhile
    assert clock.copy.method == "subtitle-stream"
    assert abs(clock.copy.release.offset_s + CUT_S) < 0.1
    assert "earlier than the reference" in window.statusBar().currentMessage()
    assert store.copy(clock.film_id, clock.copy.fingerprint) is not None  # remembered
    assert not window.jobs.bar.isVisible()

    # every time shown is on the copy's clock: lists, timeline, panel
    reference = store.segments(track)
    shown = window.content.segments
    pairs = zip(shown, reference, strict=True)
    assert all(abs(s.start_s - (r.start_s - CUT_S)) < 0.1 for s, r in pairs)
    window.player.pause()
    window.seek(12.0)
    expected = store.segment_at(track, clock.copy.release.to_reference(12.0))
    qtbot.waitUntil(
        lambda: (
            window.now_panel.active.segment is not None
            and window.now_panel.active.segment.n == expected.n
        ),
        timeout=5000,
    )
    assert expected.start_s > 60  # minutes into the film, not the copy's first seconds
    assert window.now_panel.active.segment.start_s == pytest.approx(expected.start_s - CUT_S, 0.1)

    # I at the playhead pins the start where the viewer sees it: on the reference clock, +420 s
    qtbot.waitUntil(lambda: abs(window.player.position() - 12.0) < 0.5, timeout=5000)
    at = window.player.position()
    editing.set_at_playhead("start")
    pinned = store.segment(track, expected.n)
    assert pinned.start_pinned and pinned.start_s == pytest.approx(at + CUT_S, abs=0.2)
    assert window.content.segment(expected.n).start_s == pytest.approx(at, abs=0.2)
    # a nudge of a tenth of a second on the copy is a tenth on the reference (speed 1)
    editing.nudge(0.1)
    assert store.segment(track, expected.n).start_s == pytest.approx(pinned.start_s + 0.1, 1e-3)


def test_a_known_copy_gets_its_map_at_once_and_closing_it_goes_back(
    qtbot, opened, store: Store, late_start: Path
):
    window, _editing, clock = opened
    copies.set_by_hand(store, clock.film_id, late_start, ReleaseMap(-CUT_S))
    assert window.open_video(str(late_start))
    assert not window.jobs.busy  # remembered: no sync
    assert clock.copy is not None and clock.copy.manual
    assert window.content.release.offset_s == -CUT_S
    assert clock.status.text() == "Your copy's clock (set by hand)"
    first = store.segments(store.track()["id"])[20]
    clock.set_by_hand(-CUT_S + 2.5)  # Copy ▸ Set offset by hand…
    assert window.content.segment(first.n).start_s == pytest.approx(first.start_s - CUT_S + 2.5)
    assert copies.known_copy(store, clock.film_id, late_start).release.offset_s == -CUT_S + 2.5
    window.close_video()
    assert window.content.release is IDENTITY and clock.copy is None
    assert window.content.segment(first.n).start_s == first.start_s
    assert not clock.sync_action.isEnabled() and not clock.manual_action.isEnabled()


def test_a_copy_that_cant_be_placed_says_so_and_stays_on_the_reference(
    qtbot, opened, store: Store, test_clip: Path
):
    window, _editing, clock = opened
    assert window.open_video(str(test_clip))
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    qtbot.waitUntil(lambda: "Couldn't place this copy" in window.notice.label.text(), timeout=5000)
    assert "long" in window.notice.label.text()  # the 10 s clip is too short to be the film
    assert window.content.release is IDENTITY and clock.copy is None
    assert clock.status.text() == "Reference clock"
    assert store.copies(clock.film_id) == []
    assert window.video_path == str(test_clip)  # the video stays open


def test_sync_again_that_fails_keeps_the_earlier_map(qtbot, opened, store: Store, test_clip):
    window, _editing, clock = opened
    copies.set_by_hand(store, clock.film_id, test_clip, ReleaseMap(30.0))
    assert window.open_video(str(test_clip))
    assert window.content.release.offset_s == 30.0 and clock.sync_action.isEnabled()
    clock.sync_action.trigger()
    assert window.jobs.busy and not clock.sync_action.isEnabled()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    assert "Couldn't place this copy" in window.notice.label.text()
    assert "its earlier map" in window.notice.label.text()
    assert window.content.release.offset_s == 30.0
    assert copies.known_copy(store, clock.film_id, test_clip).manual


def test_a_sync_waits_for_another_job_instead_of_cancelling_it(
    qtbot, opened, store: Store, late_start: Path
):
    window, _editing, clock = opened
    finished: list[str] = []
    window.jobs.done.connect(lambda name, _result: finished.append(name))
    other_may_end = threading.Event()
    assert window.jobs.start("Listening", lambda progress, cancel: other_may_end.wait(20))
    assert window.open_video(str(late_start))
    qtbot.wait(300)
    assert clock.copy is None and window.jobs.busy and finished == []
    other_may_end.set()
    qtbot.waitUntil(lambda: clock.copy is not None, timeout=30000)
    assert finished == ["Listening", "Syncing your copy"]  # the other job was not cancelled
    assert abs(window.content.release.offset_s + CUT_S) < 0.1


def test_cancelling_the_sync_keeps_the_reference_clock_and_stores_nothing(
    qtbot, opened, store: Store, late_start: Path, monkeypatch
):
    window, _editing, clock = opened
    measure = copies.measure

    def after_a_cancel(film_id, video, progress, cancel):
        """The real measurement, started once Cancel was pressed (a sync takes well under a
        second here: pressed any later, the test would race it)."""
        deadline = time.monotonic() + 10
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        return measure(film_id, video, progress, cancel)

    monkeypatch.setattr(copies, "measure", after_a_cancel)
    assert window.open_video(str(late_start))
    assert window.jobs.busy
    window.jobs.bar.cancel_button.click()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30000)
    assert "Sync cancelled; the panel stays on the reference clock" in (
        window.statusBar().currentMessage()
    )
    assert clock.copy is None and window.content.release is IDENTITY
    assert store.copies(clock.film_id) == []
    monkeypatch.setattr(copies, "measure", measure)
    clock.sync_action.trigger()  # Tools ▸ Sync again
    qtbot.waitUntil(lambda: clock.copy is not None, timeout=30000)
    assert abs(window.content.release.offset_s + CUT_S) < 0.1
