"""Notes packs: the format's validation (every error path) and the bundled pack's content."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from companion.content.packs import PackError, load_pack, parse_clock
from companion.content.transcript import normalise

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BUNDLED = REPO / "resources" / "age_of_ultron" / "notes.toml"
FACTS = SHARED / "reference" / "age-of-ultron-facts.md"

FILM = '[film]\nid = "test_film"\ntitle = "Test Film"\nruntime_s = 600\n'
GOOD_NOTE = """
[[notes]]
id = "good"
kind = "trivia"
title = "A title"
body = "A body."
sources = [{ name = "Somebody" }]
line = "Hello there."
"""


def write(tmp_path: Path, text: str, name: str = "pack.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_pack(path)
    return caught.value.problems


# -- the format -------------------------------------------------------------------------------


def test_minimal_pack_loads_with_defaults(tmp_path):
    pack = load_pack(write(tmp_path, FILM + GOOD_NOTE))
    assert pack.name == "test_film/pack"
    assert pack.film.id == "test_film" and pack.film.runtime_s == 600
    (note,) = pack.notes
    assert note.placement == {"line": "Hello there.", "occurrence": 1, "duration": 60.0}
    assert note.sources[0].name == "Somebody" and note.sources[0].url is None


@pytest.mark.parametrize(
    ("placement", "expected"),
    [
        ('start = "00:53:12"\nend = "00:58:56.5"', {"start": 3192.0, "end": 3536.5}),
        ("start = 00:53:12\nend = 3300", {"start": 3192.0, "end": 3300.0}),
        ('start = "00:01:00"\nduration = 30', {"start": 60.0, "end": 90.0}),
        ("whole_film = true", {"whole_film": True, "duration": 60.0}),
        (
            'commentary = "cuttlefish"\ntrack = "whedon"\noccurrence = 2\nduration = 15',
            {"commentary": "cuttlefish", "track": "whedon", "occurrence": 2, "duration": 15.0},
        ),
    ],
)
def test_placement_forms(tmp_path, placement, expected):
    note = GOOD_NOTE.replace('line = "Hello there."', placement)
    (loaded,) = load_pack(write(tmp_path, FILM + note)).notes
    assert loaded.placement == expected


def test_correction_fields_and_extra_film_metadata(tmp_path):
    text = (
        FILM.replace("runtime_s = 600", 'runtime_s = "00:10:00"\ndirector = "Someone"')
        + """
[[notes]]
id = "wrong-year"
kind = "correction"
title = "Year"
body = "Body."
claim = "Made in 1999"
verdict = "misleading"
truth = "Made in 2000"
tags = ["release"]
sources = [{ name = "Wikipedia", url = "https://en.wikipedia.org/wiki/X" }]
whole_film = true
"""
    )
    pack = load_pack(write(tmp_path, text))
    assert pack.film.metadata == {"director": "Someone"} and pack.film.runtime_s == 600
    (note,) = pack.notes
    assert (note.claim, note.verdict, note.truth) == ("Made in 1999", "misleading", "Made in 2000")
    assert note.tags == ("release",)


def test_parse_clock():
    assert parse_clock("01:02:03.5") == 3723.5
    assert parse_clock(dt.time(0, 53, 12)) == 3192
    assert parse_clock(90) == 90.0
    for bad in ("1:2:3", "00:61:00", "soon", -5, True, None):
        with pytest.raises(ValueError):
            parse_clock(bad)


# -- validation: whole-file problems ----------------------------------------------------------


def test_a_folder_means_its_notes_toml(tmp_path):
    write(tmp_path, FILM + GOOD_NOTE, "notes.toml")
    assert load_pack(tmp_path).path == tmp_path / "notes.toml"


def test_missing_file(tmp_path):
    (problem,) = problems(tmp_path / "nope.toml")
    assert "nope.toml" in problem and "not found" in problem


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(FILM.encode() + b"# caf\xe9\n")
    (problem,) = problems(path)
    assert str(path) in problem and "UTF-8" in problem


def test_not_toml(tmp_path):
    (problem,) = problems(write(tmp_path, FILM + "[[notes]\nid = 1\n"))
    assert "pack.toml" in problem and "not valid TOML" in problem


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        (GOOD_NOTE, "pack", "film"),
        ("film = 3\n" + GOOD_NOTE, "pack", "film"),
        (FILM.replace("test_film", "Test Film") + GOOD_NOTE, "[film]", "id"),
        (FILM + "year = 'soon'\n" + GOOD_NOTE, "[film]", "year"),
        (FILM.replace("600", "'long'") + GOOD_NOTE, "[film]", "runtime_s"),
        (FILM.replace("600", "0") + GOOD_NOTE, "[film]", "runtime_s"),
        ("format = 2\n" + FILM + GOOD_NOTE, "pack", "format"),
        ("name = ''\n" + FILM + GOOD_NOTE, "pack", "name"),
        ("colour = 'red'\n" + FILM + GOOD_NOTE, "pack", "colour"),
        ("notes = 3\n" + FILM, "pack", "notes"),
        ("commentary = 3\n" + FILM, "pack", "commentary"),
    ],
)
def test_pack_level_errors_name_the_place_and_field(tmp_path, text, where, field):
    path = write(tmp_path, text)
    found = problems(path)
    assert any(p.startswith(f"{path}: {where}") and f"field '{field}'" in p for p in found), found


COMMENTARY = """
[[commentary]]
id = "director"
title = "Director's commentary"
speaker = "A. Director"
transcript = "commentary.txt"
start_s = 0
end_s = 500
"""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('transcript = "commentary.txt"', 'transcript = "missing.txt"'), "transcript"),
        (("end_s = 500", "end_s = 0"), "end_s"),
        (("end_s = 500", 'end_s = "late"'), "end_s"),
        (('speaker = "A. Director"\n', ""), "speaker"),
        (('id = "director"', 'id = "Director!"'), "id"),
        (("start_s = 0", 'start_s = 0\nlanguage = "en"'), "language"),
        (("start_s = 0", 'start_s = 0\nocr_table = "missing.tsv"'), "ocr_table"),
    ],
)
def test_commentary_errors(tmp_path, change, field):
    write(tmp_path, "Hello .", "commentary.txt")
    path = write(tmp_path, FILM + COMMENTARY.replace(*change))
    found = problems(path)
    assert any(f"{path}: commentary #1, field '{field}'" in p for p in found), found


def test_commentary_ids_must_be_unique(tmp_path):
    write(tmp_path, "Hello .", "commentary.txt")
    path = write(tmp_path, FILM + COMMENTARY + COMMENTARY)
    assert any("commentary #2, field 'id'" in p for p in problems(path))


def test_commentary_paths_resolve_next_to_the_pack(tmp_path):
    write(tmp_path, "Hello .", "commentary.txt")
    (track,) = load_pack(write(tmp_path, FILM + COMMENTARY)).tracks
    assert track.transcript == (tmp_path / "commentary.txt").resolve()
    assert (track.start_s, track.end_s, track.ocr_table) == (0.0, 500.0, None)


# -- validation: note problems ----------------------------------------------------------------

CORRECTION = """
[[notes]]
id = "good"
kind = "correction"
title = "A title"
body = "A body."
claim = "A claim"
verdict = "wrong"
truth = "The truth"
sources = [{ name = "Somebody" }]
line = "Hello there."
"""


@pytest.mark.parametrize(
    ("base", "change", "field"),
    [
        (GOOD_NOTE, ('kind = "trivia"', 'kind = "gossip"'), "kind"),
        (GOOD_NOTE, ('kind = "trivia"\n', ""), "kind"),
        (GOOD_NOTE, ('title = "A title"\n', ""), "title"),
        (GOOD_NOTE, ('title = "A title"', 'title = "  "'), "title"),
        (GOOD_NOTE, ('body = "A body."', "body = 7"), "body"),
        (GOOD_NOTE, ('kind = "trivia"', 'kind = "trivia"\nverdict = "wrong"'), "verdict"),
        (CORRECTION, ('claim = "A claim"\n', ""), "claim"),
        (CORRECTION, ('truth = "The truth"\n', ""), "truth"),
        (CORRECTION, ('verdict = "wrong"\n', ""), "verdict"),
        (CORRECTION, ('verdict = "wrong"', 'verdict = "correct"'), "verdict"),
        (GOOD_NOTE, ('sources = [{ name = "Somebody" }]\n', ""), "sources"),
        (GOOD_NOTE, ('[{ name = "Somebody" }]', "[]"), "sources"),
        (GOOD_NOTE, ('[{ name = "Somebody" }]', '"Somebody"'), "sources"),
        (GOOD_NOTE, ('[{ name = "Somebody" }]', '["Somebody"]'), "sources[1]"),
        (GOOD_NOTE, ('{ name = "Somebody" }', '{ url = "https://x.org" }'), "sources[1].name"),
        (GOOD_NOTE, ('{ name = "Somebody" }', '{ name = "S", url = "x.org" }'), "sources[1].url"),
        (GOOD_NOTE, ('{ name = "Somebody" }', '{ name = "S", page = 3 }'), "sources[1].page"),
        (GOOD_NOTE, ('kind = "trivia"', 'kind = "trivia"\ntags = "Thor"'), "tags"),
        (GOOD_NOTE, ('kind = "trivia"', 'kind = "trivia"\ntags = ["Thor", ""]'), "tags"),
        (GOOD_NOTE, ('kind = "trivia"', 'kind = "trivia"\nverdit = "wrong"'), "verdit"),
        (GOOD_NOTE, ('line = "Hello there."\n', ""), "placement"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "Hi."\nwhole_film = true'), "placement"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "?!"'), "line"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = ""'), "line"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "Hi."\noccurrence = 0'), "occurrence"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "Hi."\nduration = -5'), "duration"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "Hi."\ntrack = "whedon"'), "track"),
        (GOOD_NOTE, ('line = "Hello there."', 'commentary = "Hi."\ntrack = "No!"'), "track"),
        (GOOD_NOTE, ('line = "Hello there."', 'line = "Hi."\nend = "00:01:00"'), "end"),
        (GOOD_NOTE, ('line = "Hello there."', 'start = "1:00"'), "start"),
        (GOOD_NOTE, ('line = "Hello there."', 'start = "00:02:00"\nend = "00:01:00"'), "end"),
        (GOOD_NOTE, ('line = "Hello there."', 'start = "00:02:00"\nend = "later"'), "end"),
        (GOOD_NOTE, ('line = "Hello there."', "start = 60\nend = 90\nduration = 5"), "duration"),
        (GOOD_NOTE, ('line = "Hello there."', "start = 60\noccurrence = 2"), "occurrence"),
        (GOOD_NOTE, ('line = "Hello there."', "whole_film = false"), "whole_film"),
        (GOOD_NOTE, ('line = "Hello there."', "whole_film = true\ntrack = 'x'"), "track"),
        (GOOD_NOTE, ('line = "Hello there."', "whole_film = true\nduration = 0"), "duration"),
        (GOOD_NOTE, ('id = "good"', 'id = "Good Note"'), "id"),
    ],
)
def test_note_errors_name_file_note_and_field(tmp_path, base, change, field):
    assert change[0] in base
    path = write(tmp_path, FILM + base.replace(*change))
    note_id = re.search(r'id = "([^"]*)"', base.replace(*change))[1]
    found = problems(path)
    assert any(p.startswith(f"{path}: note {note_id!r}, field '{field}':") for p in found), found


def test_note_without_id_is_named_by_position(tmp_path):
    path = write(tmp_path, FILM + GOOD_NOTE + GOOD_NOTE.replace('id = "good"\n', ""))
    assert any(p.startswith(f"{path}: note #2, field 'id': missing") for p in problems(path))


def test_duplicate_note_ids(tmp_path):
    path = write(tmp_path, FILM + GOOD_NOTE + GOOD_NOTE)
    (problem,) = problems(path)
    assert "note 'good', field 'id'" in problem and "another note" in problem


def test_every_problem_is_reported_at_once(tmp_path):
    broken = [
        GOOD_NOTE.replace('id = "good"', f'id = "n{i}"').replace(*change)
        for i, change in enumerate(
            [('kind = "trivia"', 'kind = "x"'), ('body = "A body."', ""), ("line", "lime")]
        )
    ]
    path = write(tmp_path, FILM.replace("600", "'x'") + "".join(broken) + GOOD_NOTE)
    found = problems(path)
    for expected in ("[film], field 'runtime_s'", "note 'n0', field 'kind'",
                     "note 'n1', field 'body'", "note 'n2', field 'lime'",
                     "note 'n2', field 'placement'"):  # fmt: skip
        assert any(expected in p for p in found), (expected, found)
    assert not any("'good'" in p for p in found)


# -- the bundled pack -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return load_pack(BUNDLED)


def facts_corrections() -> list[tuple[int, str, str]]:
    """(row number, claim cell, verdict) of the fact sheet's wrong or misleading claims."""
    if not FACTS.is_file():
        pytest.skip(f"{FACTS} is absent: the fact sheet is kept beside the repository, not in it")
    rows = []
    for line in FACTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit():
            rows.append((int(cells[0]), cells[1], cells[2]))
    return rows


def claim_pieces(text: str) -> list[str]:
    """The normalised runs of words between ellipses of a quoted claim."""
    return [normalise(p) for p in re.split(r"…|\.\.\.", text) if normalise(p)]


def covers(note_claim: str, facts_claim: str) -> bool:
    """Whether a note quotes one of the claim cell's quotations (each of its pieces, in order)."""
    claim = normalise(note_claim)
    for quoted in re.findall(r'"([^"]+)"', facts_claim):
        pieces = claim_pieces(quoted)
        if pieces and all(len(p) >= 6 and p in claim for p in pieces):
            return True
    return False


def test_facts_table_is_read():
    rows = facts_corrections()
    assert [n for n, _, _ in rows] == list(range(1, 19))


def test_every_wrong_or_misleading_claim_has_a_matching_correction(bundled):
    corrections = [n for n in bundled.notes if n.kind == "correction"]
    for number, claim, verdict in facts_corrections():
        if verdict not in ("wrong", "misleading"):
            continue
        matching = [n for n in corrections if covers(n.claim, claim)]
        assert matching, f"row {number} ({claim}) has no correction"
        assert {n.verdict for n in matching} == {verdict}, (number, matching)


def test_every_correction_quotes_the_article_and_a_row_of_the_fact_sheet(bundled):
    rows = [(claim, verdict) for _, claim, verdict in facts_corrections()]
    article = normalise(next((SHARED / "seeds").glob("001_*")).read_text(encoding="utf-8"))
    for note in (n for n in bundled.notes if n.kind == "correction"):
        assert all(piece in article for piece in claim_pieces(note.claim)), note.id
        assert any(covers(note.claim, claim) and verdict == note.verdict
                   for claim, verdict in rows), note.id  # fmt: skip


def test_bundled_pack_has_sources_trivia_and_commentary_highlights(bundled):
    assert all(n.sources and all(s.name for s in n.sources) for n in bundled.notes)
    trivia = [n for n in bundled.notes if n.kind == "trivia"]
    assert len([n for n in trivia if "line" in n.placement or "start" in n.placement]) >= 6
    assert len([n for n in trivia if "commentary" in n.placement]) >= 14
    film_wide = [n.id for n in bundled.notes if "whole_film" in n.placement]
    assert {"release-year", "budget", "all-time-ranking"} <= set(film_wide)


def test_bundled_placements_are_short_single_lines(bundled):
    """The repository may quote the film only in single short lines used to find a scene."""
    for note in bundled.notes:
        for key in ("line", "commentary"):
            if key in note.placement:
                assert "\n" not in note.placement[key] and len(note.placement[key]) <= 80
