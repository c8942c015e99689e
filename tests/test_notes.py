"""Notes on the clock: placement through the transcript and the real subtitles, re-resolution after
the time map changes, the CLI (notes, pack check, pack add, at, search), a second film."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pysubs2
import pytest
from conftest import SUBTITLES, run_companion

from companion.alignment.subtitles import load_cues
from companion.content.films import track_transcript
from companion.content.notes import (
    NotesError,
    add_pack,
    line_time,
    phrase_index,
    resolve_notes,
)
from companion.content.packs import PackError, load_pack
from companion.content.transcript import normalise, normalised_words, phrase_words
from companion.model import Anchor
from companion.store import Store
from companion.timing.retime import locate_word, retime

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "resources" / "age_of_ultron" / "notes.toml"


def bundled_variant(path: Path, text: str) -> Path:
    """A changed copy of the bundled pack, with the transcript files its commentary names."""
    path.write_text(text, encoding="utf-8")
    for name in ("commentary.txt", "ocr.tsv", "dialogue.tsv"):
        shutil.copy(BUNDLED.parent / name, path.parent / name)
    return path


HARBOUR = Path(__file__).resolve().parent / "data" / "harbour_lights"
FILM = "age_of_ultron"
TRACK = "age_of_ultron/whedon"


@pytest.fixture(scope="module")
def cues(shared):
    return load_cues(SUBTITLES)


@pytest.fixture(scope="module")
def packed_db(built_db: Path, tmp_path_factory) -> Path:
    """The real store with the bundled pack placed by the commentary alone, made once."""
    path = tmp_path_factory.mktemp("packed") / "companion.db"
    shutil.copy(built_db, path)
    with Store(path) as store:
        result = add_pack(store, BUNDLED)
        assert result.warnings == ()
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def packed(packed_db: Path, tmp_path: Path):
    """A fresh copy of ``packed_db`` for one test."""
    shutil.copy(packed_db, tmp_path / "companion.db")
    with Store(tmp_path / "companion.db") as store:
        yield store


def by_id(store) -> dict:
    return {n.id.split("/", 1)[1]: n for n in store.notes(FILM)}


def says(words: list[tuple[str, int]], index: int, phrase: str) -> bool:
    """Whether the spoken words (``normalised_words`` of a transcript) from word ``index`` on
    begin with ``phrase``."""
    spoken = "".join(w for w, i in words if index <= i < index + 60)
    return spoken.startswith(normalise(phrase))


# -- placement through the transcript ---------------------------------------------------------


def test_lines_are_found_where_the_transcript_quotes_the_film(packed):
    transcript = track_transcript(packed, TRACK)
    words = normalised_words(transcript.words)
    for note in packed.notes(FILM):
        spec = note.placement
        if "line" not in spec and "commentary" not in spec:
            continue
        assert spec["resolved_by"] == "transcript", note.id
        index = spec["word_index"]
        assert says(words, index, spec.get("line") or spec["commentary"]), note.id
        segment = packed.segment(TRACK, spec["segment"])
        assert segment.word_start <= index < segment.word_end, note.id
        if "commentary" in spec:
            assert transcript.words[index].kind == "commentary", note.id
        assert note.start_s == locate_word(packed, TRACK, index), note.id
        assert note.end_s == pytest.approx(note.start_s + spec["duration"])


def test_film_lines_prefer_dialogue_and_phrases_prefer_commentary(store):
    """Klaue says "cuttlefish", Whedon talks about cuttlefish, then Klaue says it again."""
    transcript = track_transcript(store, TRACK)
    kind = {w.index: w.kind for w in transcript.words}
    said_by_klaue = phrase_index(transcript, "cuttlefish", 2, prefer="dialogue")
    said_by_whedon = phrase_index(transcript, "cuttlefish", 1, prefer="commentary")
    assert kind[said_by_klaue] == "dialogue" and kind[said_by_whedon] == "commentary"
    assert phrase_index(transcript, "cuttlefish", 1, prefer="dialogue") < said_by_whedon
    assert said_by_whedon < said_by_klaue
    assert phrase_index(transcript, "cuttlefish", 99) is None
    # OCR misspellings are still found ("Spadefs" in the transcript), as locate finds them.
    assert phrase_index(transcript, "they had James Spader's performance to work off") is not None


def test_time_ranges_and_whole_film_notes(packed):
    notes = by_id(packed)
    assert (notes["hulk-vs-hulkbuster"].start_s, notes["hulk-vs-hulkbuster"].end_s) == (
        53 * 60 + 12,
        58 * 60 + 56,
    )
    assert (notes["release-year"].start_s, notes["release-year"].end_s) == (None, None)
    assert notes["release-year"].placement["resolved_by"] == "film"
    assert notes["release-year"].film_wide


def test_notes_follow_the_time_map(packed):
    """After an alignment moves the commentary, resolve_notes moves the notes with it."""
    before = by_id(packed)
    index = before["ultron-actor"].placement["word_index"]
    last = packed.track(TRACK)["word_count"]
    packed.replace_anchors(TRACK, [Anchor(0, 40.0), Anchor(index, 1292.0), Anchor(last, 8000.0)])
    retime(packed, TRACK)
    assert resolve_notes(packed, FILM) == []
    after = by_id(packed)
    assert after["ultron-actor"].start_s == 1292.0
    assert after["ultron-actor"].end_s == 1352.0
    moved = [k for k in after if after[k].start_s != before[k].start_s]
    assert "c-cuttlefish" in moved and "hulk-vs-hulkbuster" not in moved


def test_unfound_line_has_no_time_a_warning_and_is_still_listed(store, tmp_path):
    text = BUNDLED.read_text(encoding="utf-8").replace(
        'line = "What is this?"', 'line = "Nobody in this film ever says this sentence."'
    )
    pack = bundled_variant(tmp_path / "notes.toml", text)
    result = add_pack(store, pack)
    (warning,) = result.warnings
    assert "'age_of_ultron/ultron-actor'" in warning and "Nobody in this film" in warning
    note = by_id(store)["ultron-actor"]
    assert note.start_s is None and note.end_s is None and "warning" in note.placement
    assert note in store.notes(FILM, "correction")


# -- placement through the real subtitles -----------------------------------------------------


def test_lines_are_timed_from_the_real_subtitles(packed, cues):
    assert resolve_notes(packed, FILM, cues) == []
    events = [e for e in pysubs2.load(str(SUBTITLES)) if e.plaintext.strip()]
    for note in packed.notes(FILM):
        if "line" not in note.placement:
            continue
        assert note.placement["resolved_by"] == "subtitles", note.id
        first = normalise(" ".join(phrase_words(note.placement["line"])[:2]))
        starting = [e for e in events if abs(e.start / 1000 - note.start_s) < 0.01]
        assert any(first in normalise(e.plaintext) for e in starting), note.id
        earlier = [e for e in events if e.start / 1000 < note.start_s]
        assert not any(normalise(note.placement["line"]) in normalise(e.plaintext)
                       for e in earlier), note.id  # fmt: skip


def test_subtitle_times_agree_with_the_estimate_within_minutes(packed, cues):
    """Same scene either way: the estimate from word position is minutes off at worst."""
    estimated = {k: n.start_s for k, n in by_id(packed).items() if "line" in n.placement}
    resolve_notes(packed, FILM, cues)
    timed = by_id(packed)
    for key, start in estimated.items():
        assert abs(timed[key].start_s - start) < 180, key


def test_a_line_split_over_two_cues_is_found(cues):
    start = line_time(
        cues, "Every time someone tries to win a war before it starts, innocent people die."
    )
    later = line_time(cues, "innocent people die.")
    assert start is not None and later is not None and 0 < later - start < 6
    assert line_time(cues, "What is this?", occurrence=3) > line_time(cues, "What is this?")
    assert line_time(cues, "What is this?", occurrence=50) is None


def test_subtitle_times_stick_until_subtitles_are_given_again(packed, cues):
    resolve_notes(packed, FILM, cues)
    timed = by_id(packed)
    retime(packed, TRACK)
    resolve_notes(packed, FILM)
    again = by_id(packed)
    assert again["farmhouse"].start_s == timed["farmhouse"].start_s
    assert again["farmhouse"].placement["resolved_by"] == "subtitles"


# -- at, search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (21 * 60 + 40, {"ultron-actor"}),
        (22 * 60 + 40, {"ultron-what-he-is"}),
        (70 * 60 + 30, {"barn-fury", "stark-rogers-argument"}),
        (71 * 60 + 10, {"barn-confession", "barn-fury"}),
        (55 * 60, {"hulk-vs-hulkbuster"}),
    ],
)
def test_notes_at_a_scene(packed, cues, time, expected):
    resolve_notes(packed, FILM, cues)
    active = {n.id.split("/", 1)[1] for n in packed.notes_at(FILM, time)}
    assert expected <= active
    assert all(n.start_s <= time < n.end_s for n in packed.notes_at(FILM, time))


def test_search_finds_notes(packed):
    hits = packed.search("cuttlefish documentary")
    assert any(h.kind == "note" and h.key == "age_of_ultron/c-cuttlefish" for h in hits)
    assert any(h.kind == "note" and "Malekith" in h.snippet for h in packed.search("Malekith"))


# -- import: all or nothing -------------------------------------------------------------------


def test_invalid_pack_changes_nothing(packed, tmp_path):
    before = [n.id for n in packed.notes()]
    bad = tmp_path / "notes.toml"
    bad.write_text(
        BUNDLED.read_text(encoding="utf-8").replace('verdict = "wrong"', 'verdict = "?"', 1)
    )
    with pytest.raises(PackError):
        add_pack(packed, bad)
    assert [n.id for n in packed.notes()] == before


def test_note_ids_taken_by_another_pack_change_nothing(packed, tmp_path):
    other = bundled_variant(
        tmp_path / "other.toml",
        BUNDLED.read_text(encoding="utf-8").replace("age_of_ultron/notes", "mine"),
    )
    with pytest.raises(NotesError, match="already used by another pack"):
        add_pack(packed, other)
    assert {n.id for n in packed.notes()} == {n.id for n in packed.notes(FILM)}
    assert packed.db["notes"].count_where("pack = 'mine'") == 0


def test_new_film_needs_title_and_runtime(store, tmp_path):
    pack = tmp_path / "notes.toml"
    pack.write_text('[film]\nid = "other_film"\n', encoding="utf-8")
    with pytest.raises(PackError, match=r"field 'title'.*\n.*field 'runtime_s'"):
        add_pack(store, pack)
    assert [f["id"] for f in store.films()] == [FILM]


def test_broken_transcript_adds_nothing(store, tmp_path):
    (tmp_path / "commentary.txt").write_bytes(b"\xff\xfe\x00binary")
    text = (HARBOUR / "notes.toml").read_text(encoding="utf-8")
    (tmp_path / "notes.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError, match=r"commentary 'morrow': .*commentary\.txt: not a text file"):
        add_pack(store, tmp_path / "notes.toml")
    assert [f["id"] for f in store.films()] == [FILM]
    checked = run_companion("pack", "check", str(tmp_path / "notes.toml"))
    assert checked.returncode == 2 and "commentary.txt: not a text file" in checked.stderr


def test_a_different_transcript_never_replaces_a_stored_track(store, tmp_path):
    add_pack(store, HARBOUR / "notes.toml")
    segments = store.segments("harbour_lights/morrow")
    (tmp_path / "notes.toml").write_text((HARBOUR / "notes.toml").read_text(encoding="utf-8"))
    (tmp_path / "commentary.txt").write_text(
        (HARBOUR / "commentary.txt").read_text(encoding="utf-8") + " One more thing ."
    )
    with pytest.raises(NotesError, match="already in the database with a different transcript"):
        add_pack(store, tmp_path / "notes.toml")
    assert store.segments("harbour_lights/morrow") == segments


def test_adding_a_pack_again_replaces_its_notes_and_keeps_the_track(store):
    first = add_pack(store, HARBOUR / "notes.toml")
    track = store.track("harbour_lights/morrow")
    store.replace_anchors(track["id"], [Anchor(10, 30.0)])
    second = add_pack(store, HARBOUR / "notes.toml")
    assert first.notes == second.notes == len(load_pack(HARBOUR / "notes.toml").notes)
    assert store.anchors(track["id"]) == [Anchor(10, 30.0)]


# -- the command line -------------------------------------------------------------------------


def test_cli_notes_corrections_json(db_path):
    added = run_companion("pack", "add", str(BUNDLED), "--json", db=db_path)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["notes"] == len(load_pack(BUNDLED).notes)
    out = run_companion("notes", "--kind", "correction", "--json", db=db_path)
    assert out.returncode == 0, out.stderr
    notes = json.loads(out.stdout)
    assert len(notes) == 16 and {n["kind"] for n in notes} == {"correction"}
    for note in notes:
        assert set(note) >= {"id", "kind", "title", "body", "claim", "verdict", "truth",
                             "sources", "start_s", "end_s", "placement"}  # fmt: skip
        placed = note["placement"].get("whole_film") or note["end_s"] > note["start_s"]
        assert note["sources"] and placed
        assert note["verdict"] in ("wrong", "misleading") and note["claim"] and note["truth"]


def test_cli_pack_check(tmp_path, shared):
    ok = run_companion("pack", "check", str(BUNDLED), "--subtitles", str(SUBTITLES), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["lines_not_in_subtitles"] == []
    bad = tmp_path / "bad.toml"
    bad.write_text('[film]\nid = "x"\n[[notes]]\nid = "n1"\nkind = "gossip"\n', encoding="utf-8")
    out = run_companion("pack", "check", str(bad))
    assert out.returncode == 2
    assert f"{bad}: note 'n1', field 'kind'" in out.stderr
    assert f"{bad}: note 'n1', field 'sources'" in out.stderr


def test_cli_at_the_barn_with_subtitles(db_path, shared):
    added = run_companion("pack", "add", str(BUNDLED), "--subtitles", str(SUBTITLES), db=db_path)
    assert added.returncode == 0, added.stderr
    out = run_companion("at", "01:10:30", "--json", db=db_path)
    ids = {n["id"] for n in json.loads(out.stdout)["notes"]}
    assert "age_of_ultron/barn-fury" in ids


def test_cli_unplaced_note_warns(db_path, tmp_path):
    pack = bundled_variant(
        tmp_path / "notes.toml",
        BUNDLED.read_text(encoding="utf-8").replace(
            'line = "Well done."', 'line = "Nobody in this film ever says this sentence."'
        ),
    )
    added = run_companion("pack", "add", str(pack), db=db_path)
    assert added.returncode == 0 and "vision-benevolent" in added.stderr
    out = run_companion("notes", "--json", db=db_path)
    (note,) = [n for n in json.loads(out.stdout) if n["id"].endswith("vision-benevolent")]
    assert note["start_s"] is None
    assert "vision-benevolent" in out.stderr


# -- a second film, without code changes ------------------------------------------------------


def test_second_film_pack_with_its_commentary(db_path):
    srt = HARBOUR / "harbour_lights.srt"
    added = run_companion("pack", "add", str(HARBOUR / "notes.toml"), "--json", db=db_path)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["tracks"] == ["harbour_lights/morrow"]
    segments = run_companion("segments", "--track", "harbour_lights/morrow", "--json", db=db_path)
    spans = [
        (s["source"]["word_start"], s["source"]["word_end"]) for s in json.loads(segments.stdout)
    ]
    source_words = (HARBOUR / "commentary.txt").read_text(encoding="utf-8").split()
    assert spans[0][0] == 0 and spans[-1][1] == len(source_words)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    listed = json.loads(
        run_companion("notes", "--film", "harbour_lights", "--json", db=db_path).stdout
    )
    assert {n["id"] for n in listed} == {
        f"harbour_lights/{n.id}" for n in load_pack(HARBOUR / "notes.toml").notes
    }
    assert all(n["start_s"] is not None or n["placement"].get("whole_film") for n in listed)
    # With the film's subtitles, lines take the cue times (one line is split over two cues).
    again = run_companion(
        "pack", "add", str(HARBOUR / "notes.toml"), "--subtitles", str(srt), db=db_path
    )
    assert again.returncode == 0, again.stderr
    at = json.loads(
        run_companion(
            "at", "00:02:44", "--track", "harbour_lights/morrow", "--json", db=db_path
        ).stdout
    )
    ids = {n["id"] for n in at["notes"]}
    assert "harbour_lights/not-tuesday" in ids
    # The Age of Ultron notes are not mixed in.
    assert not any(i.startswith("age_of_ultron/") for i in ids)


def test_second_film_director_resumptions_are_commentary(store):
    add_pack(store, HARBOUR / "notes.toml")
    transcript = track_transcript(store, "harbour_lights/morrow")
    after_label = [w for w in transcript.words if w.raw == "Tomas"]
    assert after_label and after_label[0].kind == "commentary"


def test_notes_found_in_the_commentary_follow_a_timing_edit(store):
    """A shift of the whole track moves the notes placed through its words by the same amount,
    and undoing it puts them back."""
    from companion.timing import edits

    track_id = store.track()["id"]
    before = {n.id: n for n in store.notes(FILM)}
    edits.shift(store, track_id, 12.5)
    after = {n.id: n for n in store.notes(FILM)}
    anchors = store.anchors(track_id)
    inside = (anchors[0].film_s, anchors[-1].film_s)  # beyond, the map bends to stay in the film
    followed = [
        i
        for i, n in before.items()
        if n.placement.get("resolved_by") == "transcript" and inside[0] <= n.start_s <= inside[1]
    ]
    assert len(followed) > 10
    for note_id in followed:
        assert after[note_id].start_s == pytest.approx(before[note_id].start_s + 12.5, abs=0.01)
        assert after[note_id].end_s - after[note_id].start_s == pytest.approx(
            before[note_id].end_s - before[note_id].start_s, abs=0.002
        )
    edits.undo(store, track_id)
    assert {n.id: n.start_s for n in store.notes(FILM)} == {i: n.start_s for i, n in before.items()}
