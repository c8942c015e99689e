"""Checks of what the viewer reads: quotation marks, apostrophes, words no word list knows.

Used by the tests (rules over the whole transcript) and ``benchmarks/text_quality.py`` (the
counts), so both read the display text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

WORD_LISTS = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
SPLIT_APOSTROPHE = re.compile(r"(?:^|\s)'(?:\s|$)|\b[OD] '[A-Z]|\w '(?:s|t|re|ve|ll|d|m)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def wrong_quotes(text: str) -> int:
    """Double quotation marks of ``text`` that are unpaired, or have a space on their inner side
    (marks paired by position: first opens, second closes, ...)."""
    marks = [m.start() for m in re.finditer('"', text)]
    bad = len(marks) % 2
    for k, at in enumerate(marks[: len(marks) - bad]):
        inner = text[at + 1 : at + 2] if k % 2 == 0 else text[at - 1 : at]
        bad += inner.isspace()
    return bad


def split_apostrophes(text: str) -> list[str]:
    """Apostrophes cut off from their word: ``O 'Neill``, ``' sir '``, ``it 's``."""
    return SPLIT_APOSTROPHE.findall(text)


def read_lexicon(path: Path) -> set[str]:
    """Lower-cased words of a lexicon file: words separated by spaces, '#' starts a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {w.lower() for line in lines for w in line.partition("#")[0].split()}


def known_words(lexicon: Path | None = None) -> set[str]:
    """The system's English word lists (Debian wamerican, wbritish) plus ``lexicon``."""
    known = {w.lower() for p in WORD_LISTS if p.is_file() for w in p.read_text().split()}
    return known | (read_lexicon(lexicon) if lexicon else set())


def unknown_words(texts: Iterable[str], known: set[str]) -> list[str]:
    """Words of ``texts`` that are not in ``known`` (possessives and hyphenated parts allowed)."""
    out = []
    for text in texts:
        for word in _WORD.findall(text):
            base = re.sub(r"['’]s$|['’]$", "", word).lower()
            if base not in known and not all(p in known for p in base.split("-")):
                out.append(word)
    return out
