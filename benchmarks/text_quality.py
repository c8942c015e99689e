"""Counts of what the viewer reads that is wrong, over the whole bundled commentary (issue 12).

Prints one figure per line (nothing asserted; the tests hold the rules): quotation marks facing
the wrong way or unpaired inside their segment, split apostrophes, known OCR leftovers, words
found in no word list, segments starting mid-sentence or cut inside a quotation, transcript
sentences that match a subtitle line but are not marked as film dialogue, transcript phrases
``locate`` cannot find, "anchored" segments under 20% confidence, the most cards on screen at
once, and when the opening sound cue is placed. Uses only the public core, so the same script
measures any branch.

Run: .venv/bin/python benchmarks/text_quality.py [--subtitles SRT]
"""

from __future__ import annotations

import argparse
import itertools
import re
import tempfile
from pathlib import Path

from rapidfuzz import fuzz, process

from companion.alignment.subtitles import load_cues
from companion.bootstrap import ensure_loaded
from companion.content.films import track_transcript
from companion.content.locate import find_phrase
from companion.content.proofread import known_words, split_apostrophes, unknown_words, wrong_quotes
from companion.content.transcript import normalise
from companion.store import Store
from companion.timing.retime import locate_word

REPO = Path(__file__).resolve().parents[1]
SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
LEXICON = REPO / "resources" / "age_of_ultron" / "lexicon.txt"
# The leftovers the issue names, those the systematic pass found, and spaced punctuation.
KNOWN_OCR = ("colourthem", "Soto give her", "CG!", "....", "firey", "Dneg", "Hot Show", " ,", "..,")
SENTENCE_END = re.compile(r"""[.?!…:]["')\]]*$""")
TRAILING_CUES = re.compile(r"(\s*-?\s*\([A-Z ,'-]+\))+$")
PHRASE_TOKENS = 6
FILM_LINE_RATIO = 90.0
FILM_LINE_MIN_CHARS = 15


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r'(?<=[.?!])["”]?\s+', text) if s]


def unmarked_film_lines(store: Store, track_id: str, cues) -> int:
    """Commentary-styled sentences that read like a subtitle line (they are the film talking)."""
    lines = [normalise(c.text) for c in cues]
    lines += [normalise(a.text + " " + b.text) for a, b in itertools.pairwise(cues)]
    lines = [line for line in lines if len(line) >= FILM_LINE_MIN_CHARS]
    count = 0
    for seg in store.segments(track_id):
        for span in seg.spans:
            if span.kind != "commentary":
                continue
            spoken = re.sub(r'"[^"]*"', " ", seg.text[span.start : span.end])  # not his quotes
            for sentence in sentences(spoken):
                norm = normalise(sentence)
                if len(norm) < FILM_LINE_MIN_CHARS:
                    continue
                hit = process.extractOne(
                    norm, lines, scorer=fuzz.ratio, score_cutoff=FILM_LINE_RATIO
                )
                if hit is not None:
                    count += 1
                    print(f"  unmarked film line: {sentence}")
    return count


def locate_misses(transcript) -> tuple[int, int, list[str]]:
    """Phrases of the raw transcript and of the display text that ``find_phrase`` misses."""
    phrases = []
    raw = transcript.source.split()
    phrases += [" ".join(raw[i : i + PHRASE_TOKENS]) for i in range(0, len(raw), 5)]
    for draft in transcript.drafts:
        words = draft.text.split()
        phrases += [" ".join(words[i : i + PHRASE_TOKENS]) for i in range(0, len(words), 6)]
    missed = [p for p in phrases if find_phrase(transcript, p) is None]
    return len(missed), len(phrases), missed[:5]


def max_cards(store: Store, film_id: str) -> int:
    notes = [n for n in store.notes(film_id) if n.start_s is not None]
    return max((len(store.notes_at(film_id, n.start_s)) for n in notes), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subtitles", type=Path, default=SUBTITLES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "q.db") as store:
        ensure_loaded(store)
        track = store.track()
        segments = store.segments(track["id"])
        transcript = track_transcript(store, track["id"])
        texts = [s.text for s in segments]
        previous = [TRAILING_CUES.sub("", t) for t in ["", *texts[:-1]]]
        mid = sum(
            1
            for text, before in zip(texts, previous, strict=True)
            if before and (not SENTENCE_END.search(before) or text[:1].islower())
        )
        unknown = unknown_words(texts, known_words(LEXICON))
        cue_at = transcript.source.split().index("DISTANT")
        figures = {
            "segments": len(segments),
            "wrong-facing or unpaired quotation marks": sum(map(wrong_quotes, texts)),
            "segments with quotation marks wrong": sum(wrong_quotes(t) > 0 for t in texts),
            "split apostrophes": sum(len(split_apostrophes(t)) for t in texts),
            "known OCR leftovers": sum(t.count(k) for t in texts for k in KNOWN_OCR),
            "words in no word list": len(unknown),
            "segments starting mid-sentence": mid,
            "segments with an odd number of quotation marks": sum(t.count('"') % 2 for t in texts),
            "unmarked film lines": unmarked_film_lines(
                store, track["id"], load_cues(args.subtitles)
            ),
            "anchored under 20%": sum(
                s.origin == "anchored" and s.confidence < 0.2 for s in segments
            ),
            "max cards on screen": max_cards(store, track["film_id"]),
            "opening cue (DISTANT EXPLOSION) at s": locate_word(store, track["id"], cue_at),
        }
        misses, total, examples = locate_misses(transcript)
        figures["locate misses"] = f"{misses} of {total} phrases"
        for name, value in figures.items():
            print(f"{name:52} {value}")
        if examples:
            print("  e.g. " + " | ".join(examples))
        if unknown:
            print("  unknown words, e.g. " + ", ".join(sorted(set(unknown))[:40]))


if __name__ == "__main__":
    main()
