"""Which transcript words are film dialogue, from the evidence of the film's subtitles.

The transcript labels only some film lines (``STARK :``); many it leaves unlabelled, so they would
read as the director's words ("I want to apply this to the Ultron program."). A transcript
sentence that reads like a subtitle line *is* the film speaking, and the cue says who speaks it
when its SDH label names them. Two kinds of evidence, both kept as word spans:

- the lines the aligner anchored (in order, the quotes the director paused for), each with its
  cue's speaker, which also splits a labelled run holding several speakers' lines at their cues;
- every other sentence of the director's own text (outside his quotation marks) that fuzzily
  matches a subtitle line of some length.

This runs at build time (``scripts/make_timings.py``), where the subtitles are; what ships is
the word spans and speaker names (``dialogue.tsv``), no subtitle text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from companion.alignment.align import Match
from companion.alignment.subtitles import Cue
from companion.content.transcript import DialogueRow, Transcript, Word, normalise

SENTENCE_RATIO = 90.0
SENTENCE_MIN_CHARS = 15
_ENDS = {".", "?", "!", "..."}


def dialogue_evidence(
    transcript: Transcript, cues: Sequence[Cue], matches: Sequence[Match]
) -> list[DialogueRow]:
    """Word spans that are film lines, with the speaker the subtitles name (sorted, disjoint)."""
    rows = {}
    for m in matches:
        if not m.sound:
            said = {
                normalise(part)
                for c in cues[m.cue : m.last_cue + 1]
                for w in c.text.split()
                for part in (w, *re.split("['’]", w))  # "wasn't": "wasnt", "wasn", "t"
            }
            span = _trimmed(transcript.words, m.word_start, m.word_end, said)
            if span:
                rows[span] = cues[m.cue].speaker
    lines = _lines(cues)
    choices = [text for text, _ in lines]
    for start, end, text in sentences(transcript.words):
        if len(text) < SENTENCE_MIN_CHARS or any(a < end and start < b for a, b in rows):
            continue
        hit = process.extractOne(text, choices, scorer=fuzz.ratio, score_cutoff=SENTENCE_RATIO)
        if hit is not None:
            rows[(start, end)] = lines[hit[2]][1]
    return [(a, b, speaker) for (a, b), speaker in sorted(rows.items())]


def _trimmed(words: Sequence[Word], start: int, end: int, said: set[str]) -> tuple[int, int] | None:
    """The part of a fuzzy match [start, end) that the cue really says: the ends are cut back
    to two spoken words in a row that the cue has (a match of a two-cue line can reach into the
    director's own words before it: "... if he was one of them. ...and as long as")."""

    def says(k: int) -> bool:  # a token may hold two words after an OCR fix ("lam": "I am")
        return all(normalise(part) in said for part in words[k].text.split())

    spoken = [k for k in range(start, end) if normalise(words[k].text)]
    if len(spoken) == 1:  # a one-word line ("Cuttlefish.")
        return (spoken[0], spoken[0] + 1) if says(spoken[0]) else None
    while len(spoken) >= 2 and not (says(spoken[0]) and says(spoken[1])):
        spoken.pop(0)
    while len(spoken) >= 2 and not (says(spoken[-1]) and says(spoken[-2])):
        spoken.pop()
    return (spoken[0], spoken[-1] + 1) if len(spoken) >= 2 else None


def _lines(cues: Sequence[Cue]) -> list[tuple[str, str | None]]:
    """Normalised subtitle lines (single cues and two in a row) with the first named speaker."""
    single = [(normalise(c.text), c.speaker) for c in cues]
    pairs = [
        (normalise(f"{a.text} {b.text}"), a.speaker or b.speaker)
        for a, b in itertools.pairwise(cues)
    ]
    return [(text, speaker) for text, speaker in single + pairs if text]


def sentences(words: Sequence[Word]) -> Iterator[tuple[int, int, str]]:
    """(start, end, normalised text) of the director's unquoted, unlabelled sentences: split at
    sentence ends, labels, sound cues and quotation marks."""
    run: list[Word] = []
    for word in (*words, None):
        stop = word is None or word.label or word.kind == "cue" or word.quote or word.in_quote
        if run and (stop or run[-1].text in _ENDS):
            text = normalise(" ".join(w.text for w in run))
            yield run[0].index, run[-1].index + 1, text
            run = []
        if word is not None and not stop and word.text:
            run.append(word)


def write_dialogue_table(rows: Sequence[DialogueRow], path: Path) -> None:
    """The rows as ``start<TAB>end<TAB>speaker`` lines (read back by ``read_dialogue_table``)."""
    header = (
        "# Film dialogue in the transcript, found by its subtitles (scripts/make_timings.py):\n"
        "# word start, word end (exclusive), speaker named by the subtitles (may be empty).\n"
    )
    body = "".join(f"{a}\t{b}\t{speaker or ''}\n" for a, b, speaker in rows)
    path.write_text(header + body, encoding="utf-8")
