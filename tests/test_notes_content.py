"""The bundled notes (issue 12): at their scenes, in our own words, linked to their sources."""

from __future__ import annotations

import re

import pytest
from conftest import FACTS, REPO

from companion.content.packs import load_pack
from companion.store import Store

PACK = REPO / "resources" / "age_of_ultron" / "notes.toml"
COPIED_WORDS = 7  # this many words in a row from the reference sheet is copying, not a title


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_no_note_repeats_the_reference_sheet(shared):
    sheet = words(FACTS.read_text(encoding="utf-8"))
    runs = {tuple(sheet[i : i + COPIED_WORDS]) for i in range(len(sheet) - COPIED_WORDS + 1)}
    copied = []
    for note in load_pack(PACK).notes:
        for field in (note.title, note.body, note.truth or ""):
            w = words(field)
            if any(tuple(w[i : i + COPIED_WORDS]) in runs for i in range(len(w))):
                copied.append((note.id, field[:60]))
    assert copied == []


def test_sources_that_are_on_the_web_are_linked():
    notes = load_pack(PACK).notes
    for note in notes:
        assert note.sources
        for source in note.sources:
            if source.name.startswith(("Wikipedia", "Box Office Mojo")):
                assert source.url and source.url.startswith("https://"), note.id
    assert sum(any(s.url for s in n.sources) for n in notes) >= 15


@pytest.mark.parametrize(
    ("note_id", "scene_from", "scene_to"),
    [
        ("vision-origin", 92 * 60, 95 * 60),  # the Vision's birth, 1:32-1:35
        ("stark-rogers-argument", 68 * 60 + 40, 68 * 60 + 50),  # the wood pile, 1:08:43
    ],
)
def test_cards_start_at_their_scene(store: Store, note_id, scene_from, scene_to):
    note = next(n for n in store.notes("age_of_ultron") if n.id.endswith("/" + note_id))
    assert scene_from <= note.start_s <= scene_to, note.start_s
