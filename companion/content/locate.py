"""Finding a phrase of the commentary in the transcript, whatever its spacing or OCR spelling."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from companion.content.transcript import Transcript, normalised_words, phrase_words

FUZZY_CUTOFF = 88.0


def find_phrase(transcript: Transcript, phrase: str) -> int | None:
    """Word index of the first word of the first occurrence of ``phrase``, or None.

    An exact match of the normalised words wins; otherwise the best fuzzy match of a window of
    the same length, if it is close enough to be the same words misread ("Spadefs").
    """
    wanted = phrase_words(phrase)
    if not wanted:
        return None
    words = normalised_words(transcript.words)
    tokens = [w for w, _ in words]
    size = len(wanted)
    for i in range(len(tokens) - size + 1):
        if tokens[i] == wanted[0] and tokens[i : i + size] == wanted:
            return words[i][1]
    if sum(map(len, wanted)) < 6:
        return None
    windows = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    best = process.extractOne(
        " ".join(wanted), windows, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
    )
    return words[best[2]][1] if best else None
