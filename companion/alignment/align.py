"""Find where the commentary quotes the film, using the film's subtitles as the clock.

The director pauses and the film's dialogue is heard (and transcribed) in the commentary, so a
stretch of transcript words that reads like a subtitle cue was spoken when that cue is on screen.
Each such meeting point is an *anchor*: transcript word index -> film seconds.

How anchors are chosen, and why:

1. Both sides are reduced to the same plain words (lowercase, no punctuation, contractions
   rejoined: the transcript's ``wasn 't`` and the subtitle's ``wasn't`` are both ``wasnt``).
2. Candidates: each cue votes, word by word, for the transcript diagonals (start positions) that
   share its words; a diagonal with enough votes is verified with a fuzzy ratio over the words
   with spaces removed, which forgives OCR slips and the transcript's odd spacing. Lines that
   wrap across two cues are also tried as one line.
3. Each candidate carries its evidence as log-odds: letters matched and match quality for it,
   the number of places the line could be (in the transcript, and repeats in the film) against
   it, plus a bonus when ingestion marked the words as quoted dialogue. A long, exact, unique
   match is strong evidence; "Yes." matching at forty places is almost none.
4. The chosen anchors are the highest-scoring chain that is strictly increasing in both
   transcript position and film time. Consecutive anchors close together (a run of quoted
   dialogue) earn a bonus; a speaking rate far from the commentary's costs in proportion to how
   far (log of the ratio), and one faster than anyone speaks is not allowed.
   Quotes out of order ("then later he says 'Girlfriend'") cannot be on such a chain with the
   surrounding in-order quotes, so they fall out without any special case.
5. A first chain over distinctive lines gives the backbone; short and repeated lines are then
   searched only between the backbone anchors that bracket their time, where they are
   unambiguous, and the chain is solved again over everything.
6. Sound cues are anchors too: the transcript writes what the film makes heard
   (``( DISTANT EXPLOSION )``) as the SDH subtitles do (``(DISTANT EXPLOSION)`` at 0:39.8). They
   are matched within the same brackets and join the same chain, with less evidence per letter
   than a spoken line (a sound is heard under the director's voice, not in a pause for it), so a
   common one ("GRUNTS") never anchors on its own and a distinctive one can place the stretch
   before the first quote, where otherwise the map could only extrapolate.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from companion.alignment.subtitles import Cue, Sound
from companion.content.transcript import Transcript
from companion.model import Anchor

CONTRACTION_TAILS = {"s", "t", "re", "m", "ve", "d", "ll", "nt"}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9']+")

# Matching tolerances. A ratio below MIN_RATIO is a different line; short lines must be closer to
# exact because a couple of wrong letters already make them another line.
MIN_RATIO = 78.0
MIN_RATIO_SHORT = 90.0
SHORT_CHARS = 12
# Words more common than this vote for no diagonal: they say nothing about where a line is.
MAX_VOTE_POSITIONS = 150
# A cue with more candidates than this is left to the bracketed second pass.
BACKBONE_MAX_CANDIDATES = 3
# Nobody keeps up more than ~3.5 spoken words/s over a stretch (this director's fastest stretch
# between two quotes is 3.4/s: 71 words in 21 s); the slack covers bursts, cue timing and slips.
MIN_SECONDS_PER_WORD = 0.28
RATE_SLACK_S = 4.0
RATE_PENALTY = 1.5
# Evidence model (log-odds): see _evidence and _transition.
EVIDENCE_PER_CHAR = 0.12
CHANCE_PRIOR = 2.0
CONTEXT_BONUS = 1.5
RUN_BONUS = 1.0
RUN_WORDS = 40
RUN_SECONDS = 30.0
CHAIN_BAND = 96
MERGE_GAP_S = 1.5
MAX_CUE_TOKENS = 8
# A subtitle line is spoken at roughly ten characters a second, after a short lead-in.
SPOKEN_BASE_S = 0.3
SPOKEN_CPS = 10.0
# Sound cues: closer to exact than lines, and less evidence per letter (see the module doc).
SOUND_MIN_RATIO = 85.0
SOUND_EVIDENCE_PER_CHAR = 0.08
SOUND_PRIOR = 1.0


@dataclass(frozen=True)
class MatchWords:
    """The transcript reduced to matchable words, each remembering its raw token span and
    whether ingestion marked it as quoted film dialogue."""

    words: list[str]
    raw_index: list[int]
    raw_last: list[int]
    dialogue: list[bool]
    positions: dict[str, list[int]]
    raw_count: int
    sounds: tuple[tuple[int, int, str], ...] = ()  # transcript sound cues: raw [start, end), text

    @classmethod
    def from_transcript(cls, transcript: Transcript) -> MatchWords:
        """Matchable words of a parsed transcript: OCR-corrected text, speaker labels left out."""
        texts = ["" if w.label else w.text for w in transcript.words]
        words, raw_index, raw_last = normalize_tokens(texts)
        dialogue = [transcript.words[i].kind == "dialogue" for i in raw_index]
        positions: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(words):
            positions[word].append(i)
        sounds = tuple(_transcript_sounds(transcript))
        return cls(words, raw_index, raw_last, dialogue, dict(positions), len(texts), sounds)

    def raw_start(self, pos: int) -> int:
        return self.raw_index[pos]

    def raw_end(self, end_pos: int) -> int:
        return self.raw_last[end_pos - 1] + 1

    def is_dialogue(self, start: int, end: int) -> bool:
        """Whether ingestion marked most of words [start, end) as film dialogue."""
        return 2 * sum(self.dialogue[start:end]) >= end - start


@dataclass(frozen=True)
class Match:
    """A cue found in the transcript: raw words ``[word_start, word_end)`` quote cue ``cue``."""

    word_start: int
    word_end: int
    film_s: float
    film_end_s: float
    weight: float
    ratio: float
    cue: int
    last_cue: int
    text: str
    spoken_start: int  # position among the matchable (spoken) words, for speaking rates
    sound: bool = False  # a sound cue (cue = last_cue = -1), not a spoken line

    def anchors(self) -> tuple[Anchor, Anchor]:
        """Where the quote starts, and where the commentary resumes once the line is spoken.

        The line's spoken length is estimated from its letters (capped by the cue's duration),
        since many files end cues late. The score is the match's evidence as a probability;
        the end point counts for less than the start.
        """
        spoken = min(self.film_end_s - self.film_s, SPOKEN_BASE_S + len(self.text) / SPOKEN_CPS)
        score = round(1.0 / (1.0 + math.exp(-self.weight)), 3)
        return (
            Anchor(float(self.word_start), round(self.film_s, 3), score, "subtitles"),
            Anchor(float(self.word_end), round(self.film_s + spoken, 3), score / 2, "subtitles"),
        )


def _transcript_sounds(transcript: Transcript):
    """(raw start, raw end, text) of every sound cue the ingestion found in the transcript."""
    start = None
    for word in (*transcript.words, None):
        if word is not None and word.kind == "cue":
            start = word.index if start is None else start
            continue
        if start is not None:
            end = word.index if word is not None else len(transcript.words)
            yield start, end, " ".join(w.text for w in transcript.words[start:end])
            start = None


def normalize_tokens(texts: Sequence[str]) -> tuple[list[str], list[int], list[int]]:
    """Plain lowercase words of token texts, with the first and last token each came from.

    A token's text may hold several words (an OCR fix "lam" -> "I am") or none. Sound cues
    (``( CHUCKLES )``) are dropped, as the subtitles dropped theirs, and a contraction tail
    (``'t``) joins the word before it.
    """
    words: list[str] = []
    raw_index: list[int] = []
    raw_last: list[int] = []
    depth = 0
    for i, text in enumerate(texts):
        for token in text.split():
            if token.startswith(("(", "[")) and _closes_soon(texts, i):
                depth = 1
            if depth:
                if token.endswith((")", "]")):
                    depth = 0
                continue
            word = _NON_WORD.sub("", token.translate(_APOSTROPHES).lower())
            if word.startswith("'") and word.strip("'") in CONTRACTION_TAILS and words:
                words[-1] += word.strip("'")
                raw_last[-1] = i
                continue
            word = word.replace("'", "")
            if word:
                words.append(word)
                raw_index.append(i)
                raw_last.append(i)
    return words, raw_index, raw_last


def _closes_soon(tokens: Sequence[str], i: int) -> bool:
    """Whether the bracket opened at token ``i`` closes within a sound cue's length; a bracket
    the OCR never closed must not swallow the rest of the transcript."""
    return any(t.endswith((")", "]")) for t in tokens[i : i + MAX_CUE_TOKENS])


def cue_words(text: str) -> list[str]:
    return normalize_tokens(text.split())[0]


@dataclass(frozen=True)
class _Line:
    """A cue (or two consecutive cues read as one) as words to look for."""

    cue: int
    last_cue: int
    start_s: float
    end_s: float
    words: tuple[str, ...]
    text: str


def _lines(cues: Sequence[Cue]) -> list[_Line]:
    lines = [
        _Line(i, i, c.start_s, c.end_s, tuple(cue_words(c.text)), c.text)
        for i, c in enumerate(cues)
    ]
    lines = [line for line in lines if line.words]
    merged = [
        _Line(a.cue, b.cue, a.start_s, b.end_s, a.words + b.words, f"{a.text} {b.text}")
        for a, b in itertools.pairwise(lines)
        if b.start_s - a.end_s <= MERGE_GAP_S and cues[a.cue].text[-1:] not in ".!?"
    ]
    return lines + merged


def _verify(index: MatchWords, target: str, m: int, diag: int, cutoff: float):
    """Best window near ``diag`` for a line of ``m`` words: (ratio, start, end) or None."""
    best = None
    n = len(index.words)
    for start in (diag, diag - 1, diag + 1):
        if start < 0 or start >= n:
            continue
        for length in (m, m - 1, m + 1):
            if length <= 0 or start + length > n:
                continue
            window = "".join(index.words[start : start + length])
            ratio = fuzz.ratio(target, window, score_cutoff=cutoff)
            if ratio and (best is None or ratio > best[0]):
                best = (ratio, start, start + length)
    return best


def _candidates(index: MatchWords, line: _Line, lo: int = 0, hi: int | None = None):
    """Transcript windows in ``[lo, hi)`` that read like ``line``: list of (ratio, start, end)."""
    words = line.words
    m = len(words)
    votes: Counter[int] = Counter()
    for i, word in enumerate(words):
        positions = index.positions.get(word)
        if not positions or (len(positions) > MAX_VOTE_POSITIONS and hi is None):
            continue
        a = bisect.bisect_left(positions, lo + i - 1)
        b = len(positions) if hi is None else bisect.bisect_right(positions, hi + i)
        for p in positions[a:b]:
            votes[p - i] += 1
    needed = 1 if m <= 2 else max(2, math.ceil(m / 3))
    target = "".join(words)
    cutoff = MIN_RATIO_SHORT if len(target) <= SHORT_CHARS else MIN_RATIO
    found: dict[int, tuple[float, int, int]] = {}
    for diag, count in votes.items():
        if count < needed:
            continue
        best = _verify(index, target, m, diag, cutoff)
        inside = best and lo <= best[1] and (hi is None or best[2] <= hi)
        if inside and (best[1] not in found or found[best[1]][0] < best[0]):
            found[best[1]] = best
    return sorted(found.values(), key=lambda f: f[1])


def _evidence(ratio: float, chars: int, alternatives: int, repeats: int, context: bool) -> float:
    """Log-odds that a candidate is the transcript really quoting this line at this point.

    Evidence grows with the letters matched (a chance match of a long line is unlikely), is
    discounted by fuzziness, split between the places the line could be (alternatives in the
    transcript, repeats in the film), and helped by the transcript framing it as film dialogue.
    A short line on its own comes out negative: it only joins the chain next to other anchors.
    """
    quality = 0.5 + 0.5 * (ratio - MIN_RATIO) / (100.0 - MIN_RATIO)
    evidence = EVIDENCE_PER_CHAR * min(chars, 60) * quality - CHANCE_PRIOR
    evidence -= math.log(alternatives * max(repeats, 1))
    return evidence + (CONTEXT_BONUS if context else 0.0)


def _matches(
    index: MatchWords, lines: Sequence[_Line], repeats: Counter, lo: int = 0, hi: int | None = None
) -> list[Match]:
    out = []
    for line in lines:
        found = _candidates(index, line, lo, hi)
        chars = sum(len(w) for w in line.words)
        for ratio, start, end in found:
            context = index.is_dialogue(start, end)
            out.append(
                Match(
                    index.raw_start(start),
                    index.raw_end(end),
                    line.start_s,
                    line.end_s,
                    _evidence(ratio, chars, len(found), repeats[line.words], context),
                    ratio,
                    line.cue,
                    line.last_cue,
                    line.text,
                    start,
                )
            )
    return out


def _transition(mi: Match, mj: Match, typical: float) -> float | None:
    """Score of ``mj`` directly following ``mi`` on a chain, or None if it can't.

    Forbidden: going back (or standing still) in words or time, reusing transcript words (unless
    ``mi`` is a two-cue line that contains ``mj``'s cue) and speaking faster than anyone can.
    Consecutive anchors close together in both words and time form a run of quoted dialogue,
    which is itself evidence; a rate far from the commentary's typical one costs evidence.
    """
    dt = mj.film_s - mi.film_s
    if mj.word_start <= mi.word_start or dt <= 0:
        return None
    if mj.word_start < mi.word_end and mj.cue > mi.last_cue:
        return None
    dw = mj.spoken_start - mi.spoken_start
    if dt + RATE_SLACK_S < MIN_SECONDS_PER_WORD * dw:
        return None
    score = -RATE_PENALTY * abs(math.log((dt + 5.0) / (dw * typical + 5.0)))
    if dw <= RUN_WORDS and dt <= RUN_SECONDS:
        score += RUN_BONUS
    return score


def heaviest_chain(matches: Sequence[Match]) -> list[Match]:
    """The highest-scoring chain strictly increasing in word position and film time.

    A chain scores the evidence of its anchors plus its transitions (see ``_transition``).
    Predecessors are searched within a band of nearby candidates (by word position); that is
    exact unless more than ``CHAIN_BAND`` candidates lie between two consecutive chosen anchors.
    """
    if not matches:
        return []
    ms = sorted(matches, key=lambda m: (m.word_start, m.film_s))
    span_w = max(ms[-1].spoken_start - ms[0].spoken_start, 1)
    typical = max((ms[-1].film_s - ms[0].film_s) / span_w, 0.05)
    best = [m.weight for m in ms]
    back = [-1] * len(ms)
    for j, mj in enumerate(ms):
        for i in range(max(0, j - CHAIN_BAND), j):
            step = _transition(ms[i], mj, typical)
            if step is not None and best[i] + mj.weight + step > best[j]:
                best[j], back[j] = best[i] + mj.weight + step, i
    j = max(range(len(ms)), key=best.__getitem__)
    if best[j] <= 0:
        return []
    chain = []
    while j >= 0:
        chain.append(ms[j])
        j = back[j]
    return chain[::-1]


@dataclass(frozen=True)
class Alignment:
    """The cue matches chosen, in transcript order."""

    matches: list[Match]

    @property
    def anchors(self) -> list[Anchor]:
        return [anchor for m in self.matches for anchor in m.anchors()]


def _sound_matches(
    index: MatchWords, sounds: Sequence[Sound], lo: int, hi: int | None
) -> list[Match]:
    """Transcript sound cues in spoken positions [lo, hi) that read like one of ``sounds``."""
    raw_lo = index.raw_start(lo) if lo < len(index.words) else index.raw_count
    raw_hi = index.raw_count if hi is None or hi >= len(index.words) else index.raw_start(hi)
    mine = [s for s in index.sounds if raw_lo <= s[0] and s[1] <= raw_hi]
    pairs = []
    for start, end, text in mine:
        target = "".join(cue_words(text.replace("(", " ").replace(")", " ")))
        for sound in sounds:
            ratio = fuzz.ratio(target, "".join(cue_words(sound.text)), score_cutoff=SOUND_MIN_RATIO)
            if ratio and target:
                pairs.append((start, end, text, sound, ratio, len(target)))
    out = []
    for start, end, text, sound, ratio, chars in pairs:
        alternatives = sum(p[3] is sound for p in pairs) * sum(p[0] == start for p in pairs)
        quality = 0.5 + 0.5 * (ratio - SOUND_MIN_RATIO) / (100.0 - SOUND_MIN_RATIO)
        weight = SOUND_EVIDENCE_PER_CHAR * min(chars, 40) * quality - SOUND_PRIOR
        weight -= math.log(alternatives)
        spoken = bisect.bisect_left(index.raw_index, start)
        out.append(
            Match(start, end, sound.start_s, sound.end_s, weight, ratio, -1, -1, text, spoken, True)
        )
    return out


def align(index: MatchWords, cues: Sequence[Cue], sounds: Sequence[Sound] = ()) -> Alignment:
    """Anchors of the transcript against the cues and, when given, the subtitles' sound cues
    (see the module docstring for the method)."""
    lines = _lines(cues)
    repeats = Counter(line.words for line in lines)
    first = _matches(index, lines, repeats)
    per_cue = Counter(m.cue for m in first)
    distinctive = [m for m in first if per_cue[m.cue] <= BACKBONE_MAX_CANDIDATES]
    backbone = heaviest_chain(distinctive)
    found = {m.cue for m in backbone}
    local = []
    times = [m.film_s for m in backbone]
    by_bracket: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        if line.cue not in found:
            by_bracket[bisect.bisect_left(times, line.start_s)].append(line)
    heard: dict[int, list[Sound]] = defaultdict(list)
    for sound in sounds:
        heard[bisect.bisect_left(times, sound.start_s)].append(sound)
    for k in sorted(set(by_bracket) | set(heard)):
        group = by_bracket.get(k, [])
        lo = bisect.bisect_left(index.raw_index, backbone[k - 1].word_end) if k > 0 else 0
        hi = (
            bisect.bisect_left(index.raw_index, backbone[k].word_start)
            if k < len(backbone)
            else None
        )
        if hi is not None and hi <= lo:
            continue
        local += _matches(index, group, Counter(line.words for line in group), lo, hi)
        local += _sound_matches(index, heard.get(k, []), lo, hi)
    return Alignment(heaviest_chain(backbone + local))
