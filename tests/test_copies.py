"""Copies of the film in the store: recognised by content, their maps kept, refusals harmless."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from copy_clip import subtitled_copy

from companion.alignment import copies
from companion.jobs import Cancelled, CancelToken
from companion.media.probe import MediaError
from companion.model import Anchor, Note, Segment
from companion.store import Store
from companion.timing.copy_times import (
    anchor_on_copy,
    note_on_copy,
    nudge_to_reference,
    segment_on_copy,
    time_to_reference,
)
from companion.timing.releases import IDENTITY, Piece, ReleaseMap

PAL = 24000 / 1001 / 25
FILM = "age_of_ultron"


@pytest.fixture
def clip(short_clips) -> Path:
    """A copy of the film (a short clip: only its content counts here)."""
    return short_clips[0]


def test_a_map_set_by_hand_is_kept_and_found_again_by_content(store: Store, clip, tmp_path):
    release = ReleaseMap(23.7, PAL, (Piece(3000.0, 9000.0, 53.7),))
    made = copies.set_by_hand(store, FILM, clip, release)
    assert made.manual and made.method == "manual" and "23.7 s later" in made.summary
    moved = tmp_path / "renamed.mkv"
    shutil.copy(clip, moved)
    found = copies.known_copy(store, FILM, moved)
    assert found is not None and found.release == release
    assert found.path == str(moved)  # the store now knows where it is
    assert store.copy(FILM, made.fingerprint).path == str(moved)
    assert [c.fingerprint for c in store.copies(FILM)] == [made.fingerprint]


def test_setting_a_map_again_replaces_it(store: Store, clip):
    copies.set_by_hand(store, FILM, clip, ReleaseMap(5.0))
    copies.set_by_hand(store, FILM, clip, ReleaseMap(-2.5, 1.001))
    assert len(store.copies(FILM)) == 1
    assert copies.known_copy(store, FILM, clip).release == ReleaseMap(-2.5, 1.001)


def test_another_file_is_another_copy(store: Store, short_clips):
    clip, other = short_clips
    copies.set_by_hand(store, FILM, clip, ReleaseMap(5.0))
    assert copies.known_copy(store, FILM, other) is None


def _audio_only(path: Path) -> Path:
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi"),
            *("-i", "sine=frequency=440:duration=2", str(path)),
        ],
        check=True,
        timeout=60,
    )
    return path


def test_a_refused_file_stores_nothing_and_keeps_the_earlier_map(store: Store, clip, tmp_path):
    copies.set_by_hand(store, FILM, clip, ReleaseMap(5.0))
    before = store.copies(FILM)
    with pytest.raises(MediaError, match="no video stream"):
        copies.set_by_hand(store, FILM, _audio_only(tmp_path / "sound.m4a"), ReleaseMap(1.0))
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError, match="can't open"):
        copies.set_by_hand(store, FILM, broken, ReleaseMap(1.0))
    assert store.copies(FILM) == before


def test_the_copies_table_survives_reopening(db_path: Path, clip):
    with Store(db_path) as store:
        made = copies.set_by_hand(store, FILM, clip, ReleaseMap(12.0))
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT film_id, method, manual, map FROM copies").fetchone()
    assert row[:3] == (FILM, "manual", 1) and '"offset_s": 12.0' in row[3]
    with Store(db_path) as store:
        assert store.copy(FILM, made.fingerprint) == made


def test_records_go_out_to_the_copy_and_typed_times_come_back() -> None:
    release = ReleaseMap(23.7, PAL)
    seg = Segment("t", 1, 0, 1, 0, 1, "x", (), 1000.0, 1040.0, "anchored", 0.5, False, False,
                  1000.0, 1040.0)  # fmt: skip
    on_copy = segment_on_copy(release, seg)
    assert on_copy.start_s == round(23.7 + 1000.0 * PAL, 3)
    assert on_copy.auto_end_s == round(23.7 + 1040.0 * PAL, 3)
    assert time_to_reference(release, on_copy.start_s) == pytest.approx(1000.0, abs=1e-3)
    note = Note("n", FILM, "trivia", "T", "B", (), {}, None, None)
    assert note_on_copy(release, note) == note  # unplaced stays unplaced
    assert anchor_on_copy(release, Anchor(5.0, 100.0)).film_s == round(23.7 + 100.0 * PAL, 3)
    # a tenth of a second on a PAL copy is a little more of the reference
    assert nudge_to_reference(release, on_copy.start_s, 0.1) == pytest.approx(0.1 / PAL)
    assert nudge_to_reference(IDENTITY, 1000.0, 0.1) == 0.1
    assert segment_on_copy(IDENTITY, seg) is seg


def test_a_cancelled_sync_stores_nothing_and_keeps_the_earlier_map(store: Store, tmp_path):
    film_copy = subtitled_copy(tmp_path / "late.mkv", lambda ms: ms + 5_000)
    copies.set_by_hand(store, FILM, film_copy, ReleaseMap(2.0))
    before = store.copies(FILM)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        copies.sync_copy(store, FILM, film_copy, cancel=token)
    assert store.copies(FILM) == before
    measured = copies.sync_copy(store, FILM, film_copy)  # not cancelled: measured and replaced
    assert abs(measured.release.offset_s - 5.0) < 0.1 and not measured.manual
    assert store.copies(FILM) == [measured]
