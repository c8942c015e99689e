"""Alignment on the real commentary and the real subtitles, through the library and the CLI."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pysubs2
import pytest
from conftest import SUBTITLES, run_companion

from companion.alignment.align import MatchWords, align, cue_words, normalize_tokens
from companion.alignment.anchoring import AlignmentRejected, align_track
from companion.alignment.subtitles import Cue, load_cues, load_subtitles
from companion.content.films import track_transcript
from companion.formats.timingfile import (
    TimingFileError,
    apply_timing_file,
    dumps,
    read_timing_file,
    save_timing_file,
    track_document,
)
from companion.store import Store
from companion.timing import edits

WAKANDA_S = 41 * 60 + 52  # "What comes out of Wakanda?" is spoken at 00:41:52.5
PAL = 23.976 / 25


@pytest.fixture(scope="module")
def index(built_db: Path) -> MatchWords:
    with Store(built_db) as store:
        return MatchWords.from_transcript(track_transcript(store, store.track()["id"]))


@pytest.fixture(scope="module")
def cues(shared) -> list[Cue]:
    return load_cues(SUBTITLES)


@pytest.fixture(scope="module")
def matches(index, cues):
    return align(index, cues).matches


def test_contractions_and_spacing_normalise_alike():
    assert normalize_tokens(["No", ",", "it", "wasn", "'t", "."])[0] == cue_words("No, it wasn't.")
    assert cue_words("It’s the Vision!") == ["its", "the", "vision"]
    assert normalize_tokens(["(", "CHUCKLES", ")", "Well", "done"])[0] == ["well", "done"]


def test_real_subtitles_anchor_the_whole_commentary(matches, index):
    assert len(matches) >= 120
    words = [m.word_start for m in matches]
    times = [m.film_s for m in matches]
    assert words == sorted(set(words)) and times == sorted(set(times))
    assert (words[-1] - words[0]) / index.raw_count > 0.8


def test_known_quotes_land_on_their_cues(matches, cues):
    by_text = {m.text: m for m in matches}
    for line in ("What comes out of Wakanda?", "No, it wasn't.", "Cuttlefish."):
        cue = next(c for c in cues if c.text == line)
        assert line in by_text, line
        assert by_text[line].film_s == cue.start_s


def test_out_of_order_quote_is_rejected(matches, cues, index):
    # The director recalls 'I don't have a girlfriend' (spoken at 17:31) during a scene 40 s
    # later in the film... and much later in his commentary: it must not become an anchor.
    said = next(c for c in cues if c.text == "I don't have a girlfriend.")
    assert all(m.cue != cues.index(said) for m in matches)
    assert all(abs(m.film_s - said.start_s) > 5 for m in matches if m.word_start > 7000)


def test_a_retold_line_is_not_anchored_where_nobody_could_talk_that_fast(index, cues):
    # Rhodey tells his tank story twice (23:25 and 24:53); the commentary quotes the second
    # telling. In a release whose subtitles lack that cue, the first telling reads like the quote,
    # but anchoring it there would have the director say 300 words in 48 seconds.
    second = next(c for c in cues if c.text.startswith("I fly right up to the general"))
    first = next(c for c in cues if c.text.startswith("So I take the tank"))
    found = align(index, [c for c in cues if c is not second]).matches
    quote = next(m for m in found if m.text == "Neither was Omaha Beach, blondie.")
    assert all(m.film_s != first.start_s for m in found if m.word_start > quote.word_start - 200)


def test_shifted_subtitles_shift_the_anchors(index, cues, matches):
    shifted = [Cue(c.index, c.start_s + 25, c.end_s + 25, c.text) for c in cues]
    moved = align(index, shifted).matches
    assert [(m.word_start, round(m.film_s - 25, 3)) for m in moved] == [
        (m.word_start, round(m.film_s, 3)) for m in matches
    ]


def _timings(db: Path) -> tuple[list, list]:
    with sqlite3.connect(db) as conn:
        segs = conn.execute(
            "SELECT n, start_s, end_s, origin, confidence, start_pinned, end_pinned, auto_start_s,"
            " auto_end_s FROM segments ORDER BY track_id, n"
        ).fetchall()
        anchors = conn.execute(
            "SELECT track_id, word_index, film_s, score, source FROM anchors ORDER BY 1, 2"
        ).fetchall()
    return segs, anchors


@pytest.mark.slow
def test_cli_align_then_locate_wakanda(db_path: Path, shared):
    result = run_companion("align", str(SUBTITLES), "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["anchors"] >= 120 and report["dialogue_share"] > 0.8
    assert abs(report["speed"] - 1.0) < 0.01 and abs(report["offset_s"]) < 2
    located = run_companion("locate", "What comes out of Wakanda", "--json", db=db_path)
    time_s = json.loads(located.stdout)[0]["time_s"]
    assert abs(time_s - WAKANDA_S) < 1.0
    segs, anchors = _timings(db_path)
    assert {s[3] for s in segs} == {"anchored", "estimated"}  # estimated: far from anchors
    # Re-running on the same input replaces (never merges) and gives the same result.
    again = run_companion("align", str(SUBTITLES), db=db_path)
    assert again.returncode == 0 and "lines anchored" in again.stdout
    assert _timings(db_path) == (segs, anchors)


@pytest.mark.slow
def test_cli_align_measures_a_pal_release(db_path: Path, tmp_path: Path, shared):
    subs = pysubs2.load(str(SUBTITLES))
    for ev in subs:
        ev.start, ev.end = round(ev.start * PAL), round(ev.end * PAL)
    pal = tmp_path / "pal.vtt"
    pal.write_bytes(subs.to_string("vtt").encode("utf-8-sig"))
    report = json.loads(run_companion("align", str(pal), "--json", db=db_path).stdout)
    assert abs(report["speed"] - PAL) < 0.003
    assert abs(report["release"]["speed"] - PAL) < 0.0002  # measured from the cue starts
    # the store stays on the reference clock: the PAL release's anchors were carried back
    located = run_companion("locate", "What comes out of Wakanda", "--json", db=db_path)
    assert abs(json.loads(located.stdout)[0]["time_s"] - WAKANDA_S) < 1.0


@pytest.mark.slow
def test_pins_survive_a_realign(db_path: Path, shared):
    with Store(db_path) as store:
        track_id = store.track()["id"]
        edits.set_time(store, track_id, 70, 2400.0)
    assert run_companion("align", str(SUBTITLES), db=db_path).returncode == 0
    with Store(db_path) as store:
        seg = store.segment(track_id, 70)
        assert seg.start_s == 2400.0 and seg.start_pinned and seg.origin == "pinned"
        following = store.segment(track_id, 71)
        assert following.start_s >= 2400.0


def _reversed_lines(tmp_path: Path) -> Path:
    """This film's lines in the wrong order: matches exist, but no consistent chain."""
    subs = pysubs2.load(str(SUBTITLES))
    texts = [ev.text for ev in subs][::-1]
    for ev, text in zip(subs, texts, strict=True):
        ev.text = text
    path = tmp_path / "scrambled.srt"
    subs.save(str(path))
    return path


def _shuffled_times(tmp_path: Path) -> Path:
    subs = pysubs2.load(str(SUBTITLES))
    starts = [ev.start for ev in subs]
    random.Random(7).shuffle(starts)
    for ev, start in zip(subs, starts, strict=True):
        ev.start, ev.end = start, start + 2000
    path = tmp_path / "shuffled.srt"
    subs.save(str(path))
    return path


def _other_film(tmp_path: Path) -> Path:
    """Subtitles of 'another film': the dialogue-free prose of the trivia and errors articles."""
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("00[01]_*.txt")))
    sentences = [s.strip() for s in text.replace("!", ".").replace("?", ".").split(".")]
    subs = pysubs2.SSAFile()
    for i, sentence in enumerate(s for s in sentences if s):
        subs.append(pysubs2.SSAEvent(start=3000 * i, end=3000 * i + 2500, text=sentence[:80]))
    path = tmp_path / "other.srt"
    subs.save(str(path))
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.srt"
    path.write_bytes(b"")
    return path


def _no_subtitle_video(tmp_path: Path) -> Path:
    import subprocess

    path = tmp_path / "silent.mkv"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=size=64x48:duration=1",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_reversed_lines, "don't fit this commentary"),
        (_shuffled_times, "don't fit this commentary"),
        (_other_film, "don't fit this commentary"),
        (_empty, "empty"),
        (_no_subtitle_video, "no subtitle track"),
    ],
)
def test_bad_input_exits_2_and_leaves_timings_alone(
    db_path: Path, tmp_path: Path, make, message, shared
):
    assert run_companion("align", str(SUBTITLES), db=db_path).returncode == 0
    before = _timings(db_path)
    bad = make(tmp_path)
    result = run_companion("align", str(bad), db=db_path)
    assert result.returncode == 2
    assert message in result.stderr and str(bad) in result.stderr
    assert _timings(db_path) == before


def test_rejection_changes_nothing_in_process(store: Store, index):
    track_id = store.track()["id"]
    before = (store.anchors(track_id), store.segments(track_id))
    few = [Cue(0, 10.0, 12.0, "What comes out of Wakanda?")]
    with pytest.raises(AlignmentRejected, match="only 1 lines matched"):
        align_track(store, track_id, few)
    assert (store.anchors(track_id), store.segments(track_id)) == before


def test_timing_file_round_trip_is_byte_identical(store: Store, cues, tmp_path: Path):
    track_id = store.track()["id"]
    align_track(store, track_id, cues)
    first = tmp_path / "a.json"
    save_timing_file(store, track_id, first)
    store.replace_anchors(track_id, [])
    apply_timing_file(store, first)
    second = tmp_path / "b.json"
    save_timing_file(store, track_id, second)
    assert first.read_bytes() == second.read_bytes()
    assert read_timing_file(first).anchors[0].word_index > 0


def test_shipped_timings_match_what_the_script_makes(store: Store, cues):
    shipped = Path(__file__).resolve().parents[1] / "timings" / "age_of_ultron.whedon.json"
    track_id = store.track()["id"]
    found = load_subtitles(SUBTITLES)
    align_track(store, track_id, found.cues, sounds=found.sounds)
    assert dumps(track_document(store, track_id)) == shipped.read_text(encoding="utf-8")


def test_bad_timing_files_list_every_problem(store: Store, tmp_path: Path):
    track_id = store.track()["id"]
    doc = track_document(store, track_id)
    doc["anchors"] = [{"word": -1, "time_s": "soon", "score": 2}]
    doc["segments"][3]["origin"] = "guessed"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TimingFileError) as err:
        apply_timing_file(store, path)
    message = str(err.value)
    for part in ("anchors[0].word", "anchors[0].time_s", "anchors[0].score", "segments[3].origin"):
        assert part in message
    doc = track_document(store, track_id) | {"source_sha256": "0" * 64}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TimingFileError, match="another version of the transcript"):
        apply_timing_file(store, path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TimingFileError, match="not valid JSON"):
        apply_timing_file(store, path)


@pytest.mark.slow
def test_cli_aligns_from_a_videos_own_subtitle_track(db_path: Path, tmp_path: Path, shared):
    import subprocess

    video = tmp_path / "film.mkv"
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=size=64x48:duration=1"),
            *("-i", str(SUBTITLES), "-map", "0:v", "-map", "1:s", "-c:s", "srt", str(video)),
        ],
        check=True,
        timeout=120,
    )
    result = run_companion("align", str(video), "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["anchors"] >= 120
    located = run_companion("locate", "What comes out of Wakanda", "--json", db=db_path)
    assert abs(json.loads(located.stdout)[0]["time_s"] - WAKANDA_S) < 1.0
