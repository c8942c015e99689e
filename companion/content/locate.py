"""Finding a phrase of the commentary in the transcript, whatever its spacing or OCR spelling.

A phrase may be copied from the display text (OCR fixed, ``STARK:`` labels, ``(CHUCKLES)``) or
from the raw transcript (``Stop trying to scare us . WHEDON``, ``Spadefs``), or typed from what
was heard. Each is looked for, in that order of preference, in its own reading of the words:
what is spoken, what is shown, what the file says. Phrases are compared as letters and digits at
word boundaries, so "wasn't", "wasn 't" and "wasnt" are the same words.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from companion.content.transcript import (
    Transcript,
    display_tokens,
    normalise,
    phrase_words,
)

FUZZY_CUTOFF = 88.0


class PhraseIndex:
    """A run of normalised words, each pointing back to where it came from, searchable by phrase.

    Phrases are compared as letters and digits only, at word boundaries, so however a line is
    split into words ("him 'sir'", "wasn 't", "Elf man") it still meets itself.
    """

    def __init__(self, words: Sequence[tuple[str, int]]) -> None:
        self.refs = [r for _, r in words]
        self.offsets = list(itertools.accumulate((len(w) for w, _ in words), initial=0))
        self.text = "".join(w for w, _ in words)
        self.boundaries = set(self.offsets)

    def find(self, phrase: str) -> list[int]:
        """The reference of the first word of every match of ``phrase``, in order."""
        needle = normalise(phrase)
        hits, at = [], self.text.find(needle) if needle else -1
        while at >= 0:
            if at in self.boundaries and at + len(needle) in self.boundaries:
                hits.append(self.refs[bisect.bisect_right(self.offsets, at) - 1])
            at = self.text.find(needle, at + 1)
        return hits


class Locator:
    """The three readings of one transcript (spoken, shown, raw), built once for many phrases."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.spoken_words = transcript.spoken_words
        shown = [
            (token, word.index)
            for d in transcript.drafts
            for token, _role, word in display_tokens(transcript.words[d.word_start : d.word_end])
        ]
        raw = [(w.raw, w.index) for w in transcript.words]
        self.readings = [
            PhraseIndex(self.spoken_words),
            PhraseIndex([(normalise(t), i) for t, i in shown]),
            PhraseIndex([(normalise(t), i) for t, i in raw]),
        ]
        self._windows: dict[int, list[str]] = {}

    def find(self, phrase: str) -> int | None:
        """Word index of the first word of the first occurrence of ``phrase``, or None.

        An exact match wins (spoken words first, then the display's, then the raw file's);
        otherwise the best fuzzy match of a window of as many spoken words, if it is close
        enough to be the same words misread ("Spadefs").
        """
        if not normalise(phrase):
            return None
        for reading in self.readings:
            hits = reading.find(phrase)
            if hits:
                return hits[0]
        wanted = phrase_words(phrase)
        if sum(map(len, wanted)) < 6:
            return None
        tokens = [w for w, _ in self.spoken_words]
        size = len(wanted)
        if size not in self._windows:
            self._windows[size] = [
                " ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)
            ]
        best = process.extractOne(
            " ".join(wanted), self._windows[size], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        return self.spoken_words[best[2]][1] if best else None


_last: list[Locator] = []


def find_phrase(transcript: Transcript, phrase: str) -> int | None:
    """:meth:`Locator.find` on ``transcript``; the last transcript's readings are kept, since
    callers ask about one transcript many times in a row."""
    kept = _last[0] if _last else None  # read once: a worker thread may replace it meanwhile
    locator = kept if kept is not None and kept.transcript is transcript else Locator(transcript)
    _last[:] = [locator]
    return locator.find(phrase)
