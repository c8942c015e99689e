"""Heard timings in the store, on the real bundled commentary: the time map, pins, quoted lines,
re-runs and undo, clock changes and timing-file round trips."""

from __future__ import annotations

import bisect
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from companion.alignment.listen import commentary_sentences
from companion.content.films import track_transcript
from companion.formats import exports
from companion.formats.timingfile import TimingFileError
from companion.model import Anchor, HeardSpan
from companion.store import Store
from companion.timing import edits
from companion.timing.retime import locate_word, track_map
from companion.timing.timemap import spoken_positions


def state(store: Store, track_id: str) -> tuple:
    """Everything a listen run may change: segment timings, heard sentences, notes' times."""
    segments = store.db.execute(
        f"SELECT n, {', '.join(edits.TIMING_COLUMNS)} FROM segments WHERE track_id = ? ORDER BY n",
        [track_id],
    ).fetchall()
    notes = store.db.execute("SELECT id, start_s, end_s FROM notes ORDER BY id").fetchall()
    return segments, store.heard(track_id), notes


def widest_gap(store: Store, track_id: str) -> tuple[float, float, float, float]:
    """The two consecutive anchors (word, time) with the most commentary sentences between."""
    anchors = sorted(store.anchors(track_id), key=lambda a: a.word_index)
    sentences = sorted(commentary_sentences(track_transcript(store, track_id)))
    starts = [s for s, _ in sentences]

    def held(pair: tuple[Anchor, Anchor]) -> int:
        first, last = pair[0].word_index, pair[1].word_index
        inside = sentences[bisect.bisect_left(starts, first) : bisect.bisect_left(starts, last)]
        return sum(s < e <= last for s, e in inside)

    best = max(itertools.pairwise(anchors), key=held)
    return best[0].word_index, best[0].film_s, best[1].word_index, best[1].film_s


def speak(
    store: Store, track_id: str, seed: int = 1, shift: float = 0.0
) -> tuple[list[HeardSpan], tuple[float, float]]:
    """Heard sentences for the commentary between the two anchors with the most of it: spoken at
    a steady rate with uneven pauses (0.2-4 s), as a real speaker does and interpolation can't
    know; ``shift`` moves them all. Returns the spans and the anchors' (word, word) range."""
    w0, t0, w1, t1 = widest_gap(store, track_id)
    transcript = track_transcript(store, track_id)
    spoken = spoken_positions([w.raw for w in transcript.words])
    chosen = [
        (s, e) for s, e in commentary_sentences(transcript) if w0 <= s and e <= w1 and e - s > 1
    ]
    rng = random.Random(seed)
    pauses = [rng.uniform(0.2, 4.0) for _ in chosen]
    talk = sum(spoken[e] - spoken[s] for s, e in chosen)
    rate = (t1 - t0 - 1.0 - sum(pauses)) / talk
    assert rate > 0.1, "the gap must leave time to talk"
    spans, t = [], t0 + 0.5
    for (s, e), pause in zip(chosen, pauses, strict=True):
        t += pause / 2
        words, at = [], t
        for index in range(s, e):
            length = (spoken[index + 1] - spoken[index]) * rate
            if length:
                words.append((index, round(at + shift, 3), round(at + length + shift, 3)))
            at += length
        conf = round(rng.uniform(0.6, 1.0), 3)
        spans.append(HeardSpan(s, e, words[0][1], words[-1][2], conf, tuple(words)))
        t = at + pause / 2
    return spans, (w0, w1)


@pytest.fixture
def track(store: Store) -> str:
    return store.track()["id"]


def test_heard_sentences_give_segments_and_locate_their_times(store: Store, track: str) -> None:
    spans, _ = speak(store, track)
    assert len(spans) >= 8
    before = {s.n: s for s in store.segments(track)}
    edits.replace_heard(store, track, spans, "Listen to commentary.mkv")

    starts = {h.word_start: h for h in spans}
    moved = 0
    for seg in store.segments(track):
        if seg.word_start in starts:
            heard = starts[seg.word_start]
            assert (seg.start_s, seg.origin) == (heard.start_s, "heard"), seg.n
            assert seg.confidence <= heard.confidence
            moved += abs(seg.start_s - before[seg.n].start_s) > 0.5
        if seg.word_end in starts:  # neighbours share the boundary where the next is heard
            assert (seg.end_s, seg.origin) == (starts[seg.word_end].start_s, "heard"), seg.n
    assert moved >= 1, "uneven pauses put some segment start half a second off interpolation"
    for heard in spans:
        assert locate_word(store, track, heard.word_start) == heard.start_s
        index, start, _end = heard.words[len(heard.words) // 2]
        assert locate_word(store, track, index) == start
    assert store.heard(track) == sorted(spans, key=lambda h: h.word_start)


def test_pins_win_over_heard_times(store: Store, track: str) -> None:
    spans, _ = speak(store, track)
    starts = {h.word_start: h for h in spans}
    seg = next(s for s in store.segments(track) if s.word_start in starts)
    pinned_at = round(starts[seg.word_start].start_s - 2.0, 3)
    edits.set_time(store, track, seg.n, pinned_at)
    edits.replace_heard(store, track, spans, "Listen")
    after = store.segment(track, seg.n)
    assert (after.start_s, after.origin, after.start_pinned) == (pinned_at, "pinned", True)
    assert locate_word(store, track, seg.word_start) == pinned_at
    # A heard sentence that runs back past a pin is left out; the pin stays where it was.
    later = [h for h in spans if h.word_start > seg.word_start]
    against = HeardSpan(later[0].word_start, later[0].word_end, pinned_at - 5, pinned_at - 4, 1.0)
    edits.replace_heard(store, track, [against], "Listen again")
    assert store.segment(track, seg.n).start_s == pinned_at
    assert locate_word(store, track, against.word_start) > pinned_at


def test_quoted_film_lines_keep_their_subtitle_anchors(store: Store, track: str) -> None:
    before, _ = track_map(store, track)
    spans, (w0, w1) = speak(store, track)
    # The sentence before the quote that closes the gap runs over its subtitle time, and the one
    # after the quote that opens it starts before the film line was said: the film lines win.
    last, first = spans[-1], spans[0]
    _, t0, _, t1 = widest_gap(store, track)
    late = HeardSpan(last.word_start, last.word_end, last.start_s, t1 + 1.0, last.confidence)
    early = HeardSpan(first.word_start, first.word_end, t0 - 1.0, first.end_s, first.confidence)
    edits.replace_heard(store, track, [early, *spans[1:-1], late], "Listen")
    after, _ = track_map(store, track)

    kept_before = set(zip(before.timemap.positions, before.timemap.times, strict=True))
    kept_after = set(zip(after.timemap.positions, after.timemap.times, strict=True))
    assert kept_before <= kept_after, "every anchor the map used is still used"
    # Each quoted line's anchor keeps its time (dialogue words between anchors may follow the
    # director's heard sentences around them).
    for anchor in store.anchors(track):
        index = anchor.word_index
        assert after.time_at(index) == pytest.approx(before.time_at(index), abs=1e-6), index
    assert after.time_at(w1) == pytest.approx(t1) and after.time_at(w0) < t0 + 1e-6
    assert late.end_s not in after.timemap.times and early.word_start not in after.starts
    assert spans[1].word_start in after.starts  # the rest are heard


def test_a_rerun_replaces_the_heard_times_as_one_undoable_edit(store: Store, track: str) -> None:
    original = state(store, track)
    first, _ = speak(store, track, seed=1)
    second, _ = speak(store, track, seed=2)
    edits.replace_heard(store, track, first, "Listen (first)")
    after_first = state(store, track)
    edits.replace_heard(store, track, second, "Listen (second)")
    assert store.heard(track) == second
    assert [e.op for e in edits.history(store, track)][-2:] == ["listen", "listen"]

    edits.undo(store, track)
    assert state(store, track) == after_first
    edits.undo(store, track)
    assert state(store, track) == original
    edits.redo(store, track)
    assert state(store, track) == after_first
    with pytest.raises(edits.NoChange):
        edits.replace_heard(store, track, first, "Listen (same again)")


def test_a_clock_change_moves_heard_times_and_undo_puts_them_back(store: Store, track: str) -> None:
    spans, _ = speak(store, track)
    edits.replace_heard(store, track, spans, "Listen")
    before = state(store, track)
    edits.shift(store, track, 2.5)
    moved = store.heard(track)
    assert [h.start_s for h in moved] == [round(h.start_s + 2.5, 3) for h in spans]
    assert moved[0].words[1][1] == round(spans[0].words[1][1] + 2.5, 3)
    assert locate_word(store, track, spans[0].word_start) == round(spans[0].start_s + 2.5, 3)
    edits.undo(store, track)
    assert state(store, track) == before


def test_heard_times_outside_the_film_are_refused(store: Store, track: str) -> None:
    spans, _ = speak(store, track)
    before = state(store, track)
    bad = HeardSpan(spans[0].word_start, spans[0].word_end, -3.0, 1.0, 0.9)
    with pytest.raises(edits.EditError, match="outside the film"):
        edits.replace_heard(store, track, [bad, *spans[1:]], "Listen")
    assert state(store, track) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_keeps_heard_timings(
    store: Store, track: str, tmp_path: Path, fmt: str
) -> None:
    spans, _ = speak(store, track)
    edits.replace_heard(store, track, spans, "Listen")
    path = tmp_path / f"timings.{fmt}"
    exports.export_file(store, track, path)
    first = path.read_bytes()
    assert b"heard" in first
    before = state(store, track)
    _table, edit = exports.import_file(store, path)
    assert edit is None, "the file is what the store holds: importing it changes nothing"
    exports.export_file(store, track, path)
    assert path.read_bytes() == first
    assert state(store, track)[0] == before[0]


def test_a_timing_file_shares_heard_times_with_a_store_that_never_listened(
    store: Store, track: str, built_db: Path, tmp_path: Path
) -> None:
    spans, _ = speak(store, track)
    edits.replace_heard(store, track, spans, "Listen")
    sent = tmp_path / "heard.json"
    exports.export_file(store, track, sent)
    assert '"heard": [' in sent.read_text()

    other_path = tmp_path / "other.db"
    shutil.copy(built_db, other_path)
    with Store(other_path) as other:
        _table, edit = exports.import_file(other, sent)
        assert edit is not None and other.heard(track) == store.heard(track)
        assert state(other, track)[0] == state(store, track)[0], "same times, no pins added"
        back = tmp_path / "back.json"
        exports.export_file(other, track, back)
        assert back.read_bytes() == sent.read_bytes()
        edits.undo(other, track)
        assert other.heard(track) == []


def test_a_timing_file_with_a_bad_heard_entry_is_refused_whole(
    store: Store, track: str, tmp_path: Path
) -> None:
    spans, _ = speak(store, track)
    edits.replace_heard(store, track, spans, "Listen")
    path = tmp_path / "t.json"
    exports.export_file(store, track, path)
    document = json.loads(path.read_text())
    document["heard"][1]["end_s"] = document["heard"][1]["start_s"] - 1
    document["heard"][2]["words"] = "soon"
    path.write_text(json.dumps(document))
    edits.replace_heard(store, track, spans[:3], "Listen again")
    before = state(store, track)
    with pytest.raises(TimingFileError) as refused:
        exports.import_file(store, path)
    assert "heard[1]: end_s" in str(refused.value) and "heard[2].words" in str(refused.value)
    assert state(store, track) == before


def test_a_store_from_before_heard_timings_gains_the_table(tmp_path: Path) -> None:
    import sqlite_utils

    from companion.store import MIGRATIONS, _migrate_v6_heard

    before = MIGRATIONS.index(_migrate_v6_heard)
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    old["meta"].create({"key": str, "value": str}, pk="key")
    for step in MIGRATIONS[:before]:
        step(old)
    old["meta"].insert({"key": "schema_version", "value": str(before)})
    old.close()
    with Store(path) as migrated:
        assert "heard" in migrated.db.table_names()
        assert migrated.heard("any/track") == []
