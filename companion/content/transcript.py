"""Ingestion of a flattened commentary transcript: words, dialogue marks, readable segments.

The transcript is one long run of space-separated tokens ("it 's", "STARK :", "( CHUCKLES )").
Everything downstream addresses it by *word index* (the position of a whitespace-separated token
in the raw source), so a segment can always be traced back to the exact characters it came from
and the time map can work on a unit that survives display clean-up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

from companion.content.detokenise import CLOSE, OPEN, decode_quotes, glue
from companion.errors import CompanionError
from companion.model import Span, SpanKind

_TOKEN = re.compile(r"\S+")
_NAME = re.compile(r"^[A-Z][A-Z.'-]*$")
_SENTENCE_END = {".", "?", "!", "...", '."', '?"', '!"'}
_TOPIC_OPENERS = (
    "um",
    "so",
    "oh",
    "now",
    "anyway",
    "also",
    "by the way",
    "and now",
    "speaking of",
    "one thing",
    "quick side note",
    "another thing",
)
_DASHES = {"-", "–", "—"}
_SPACED_CLITIC = re.compile(r"\s+('(?:s|t|re|ve|ll|d|m)\b)", re.IGNORECASE)
_CLITIC = re.compile(r"^'(s|t|re|ve|ll|d|m)$|^n't$", re.IGNORECASE)


# Evidence that words [start, end) are a film line, and who speaks it when the subtitles say.
DialogueRow = tuple[int, int, str | None]


class TranscriptError(CompanionError):
    """A transcript that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Word:
    """One token of the raw source, its OCR-corrected text and what kind of speech it is part of.

    ``text`` may be empty (the token was merged into the previous one by an OCR fix, "Elf man")
    or hold two words ("ULTRONI" -> "ULTRON :"). ``label`` marks speaker-label tokens, which
    belong to no spoken line.
    """

    index: int
    start: int
    end: int
    raw: str
    text: str
    kind: SpanKind
    speaker: str | None = None
    label: bool = False
    quote: str = ""  # "open"/"close" for a quotation mark or lone apostrophe (detokenise)
    before: str = ""  # a mark the transcript is missing, shown just before this word
    after: str = ""  # ... and just after it
    in_quote: bool = False  # a double quotation is open just before this word

    @property
    def closing_quote(self) -> bool:
        """A '"' that closes a quotation."""
        return self.text == '"' and self.quote == CLOSE


@dataclass(frozen=True)
class Draft:
    """A segment before it has times: a slice of words and its display text with styled spans."""

    n: int
    word_start: int
    word_end: int
    char_start: int
    char_end: int
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Transcript:
    source: str
    words: tuple[Word, ...]
    drafts: tuple[Draft, ...]
    ocr_table: tuple[tuple[tuple[str, ...], str], ...] = ()
    dialogue: tuple[DialogueRow, ...] = ()

    @cached_property
    def spoken_words(self) -> tuple[tuple[str, int], ...]:
        """:func:`normalised_words` of the words, made once: placing notes (after every timing
        edit) and locating phrases search the same transcript again and again."""
        return tuple(normalised_words(self.words))


def read_source(path: Path) -> str:
    """Read a transcript file as UTF-8, refusing what is not a usable text transcript."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(f"{path}: transcript file not found") from None
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read transcript ({exc.strerror})") from None
    if b"\x00" in data:
        raise TranscriptError(f"{path}: not a text file (binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranscriptError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise TranscriptError(f"{path}: transcript is empty")
    return text


def read_ocr_table(path: Path) -> list[tuple[tuple[str, ...], str]]:
    """Rows of (wrong token sequence, replacement text); '#' lines are comments."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        wrong, sep, right = line.partition("\t")
        if not sep or not wrong.split():
            raise TranscriptError(f"{path}:{number}: expected 'wrong<TAB>right'")
        rows.append((tuple(wrong.split()), right.strip()))
    return rows


def read_dialogue_table(path: Path) -> list[DialogueRow]:
    """Rows of (word start, word end, speaker or None); '#' lines are comments.

    The table is what the film's subtitles taught about the transcript at build time (which
    words are a film line, and whose), so it ships without any subtitle text.
    """
    rows: list[DialogueRow] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            start, end = int(fields[0]), int(fields[1])
        except (ValueError, IndexError):
            raise TranscriptError(
                f"{path}:{number}: expected 'start<TAB>end[<TAB>speaker]'"
            ) from None
        if not 0 <= start < end:
            raise TranscriptError(f"{path}:{number}: the span {start}-{end} is empty")
        speaker = fields[2].strip() if len(fields) > 2 and fields[2].strip() else None
        rows.append((start, end, speaker))
    return rows


def parse(
    source: str,
    ocr_table: Sequence[tuple[tuple[str, ...], str]] = (),
    words_per_segment: tuple[int, int, int] = (50, 110, 170),
    dialogue: Sequence[DialogueRow] = (),
) -> Transcript:
    """Split ``source`` into words, mark dialogue, and cut it into segments.

    ``words_per_segment`` is (shortest, ideal, longest): about 20, 40 and 60 seconds of speech.
    ``dialogue`` rows (see :func:`read_dialogue_table`) mark film lines the labels don't.
    The few latest results are kept: a pack's import, the notes it places and the command that
    reads the track next all ask for the same transcript, and the result is immutable.
    """
    return _parse(source, tuple(ocr_table), words_per_segment, tuple(dialogue))


@lru_cache(maxsize=4)
def _parse(
    source: str,
    ocr_table: tuple[tuple[tuple[str, ...], str], ...],
    words_per_segment: tuple[int, int, int],
    dialogue: tuple[DialogueRow, ...],
) -> Transcript:
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(source)]
    if not tokens:
        raise TranscriptError("transcript has no words")
    fixed = _apply_ocr([t[2] for t in tokens], ocr_table)
    kinds = _with_evidence(fixed, _classify(fixed), dialogue)
    quotes = decode_quotes(fixed, {i for i, (_, _, label) in enumerate(kinds) if label})
    inside = quotes.open_between(len(fixed))
    words = tuple(
        Word(
            i, s, e, raw, fixed[i], kind, speaker, label,
            quotes.roles.get(i, ""), quotes.before.get(i, ""), quotes.after.get(i, ""), inside[i],
        )
        for i, ((s, e, raw), (kind, speaker, label)) in enumerate(zip(tokens, kinds, strict=True))
    )  # fmt: skip
    cuts = _cut_points(words, *words_per_segment)
    drafts = tuple(_draft(n, words[a:b]) for n, (a, b) in enumerate(pairwise(cuts), 1))
    return Transcript(source, words, drafts, ocr_table, dialogue)


def _apply_ocr(raw: list[str], table: Sequence[tuple[tuple[str, ...], str]]) -> list[str]:
    """Replace whole-token sequences. A fix with as many words as it replaces goes word for word
    (``: it`` -> ``: It``); otherwise the first token takes it and the rest become empty."""
    fixed = list(raw)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for wrong, right in table:
        by_first.setdefault(wrong[0], []).append((wrong, right))
    i = 0
    while i < len(raw):
        for wrong, right in sorted(by_first.get(raw[i], ()), key=lambda r: -len(r[0])):
            if tuple(raw[i : i + len(wrong)]) == wrong:
                parts = right.split()
                if len(parts) != len(wrong):
                    parts = [right] + [""] * (len(wrong) - 1)
                fixed[i : i + len(wrong)] = parts
                i += len(wrong) - 1
                break
        i += 1
    return fixed


def _label_at(texts: list[str], i: int) -> tuple[str, int] | None:
    """A speaker label starting at token ``i``: (speaker, tokens it spans), else None.

    Labels are capitalised names ending in ':' — or in ``' .`` / ``" .``, how OCR read the colon.
    """
    parts = texts[i].split()
    if parts and parts[-1] == ":" and all(_NAME.match(p) for p in parts[:-1]) and len(parts) > 1:
        return " ".join(parts[:-1]), 1
    j = i
    names: list[str] = []
    while j < len(texts) and len(names) < 4:
        token = texts[j]
        if token == "":
            j += 1
            continue
        if not _NAME.match(token) or token in {"I", "A", "OK"}:
            break
        names.append(token)
        j += 1
    if not names or len(names[0]) < 2:
        return None
    if j < len(texts) and texts[j] == ":":
        return " ".join(names), j + 1 - i
    if j + 1 < len(texts) and texts[j] in {"'", '"'} and texts[j + 1] == ".":
        return " ".join(names), j + 2 - i
    return None


def _classify(texts: list[str]) -> list[tuple[SpanKind, str | None, bool]]:
    """(kind, speaker, is_label) for every token.

    The director's own label (``WHEDON :``) is the most frequent one: the director resumes after
    every film line. Film dialogue is: another label up to the next resumption, and, where a
    resumption follows unlabelled text, the sentence just before it (the quoted line the director
    paused for). Parenthesised capitals are sound cues.
    """
    out: list[tuple[SpanKind, str | None, bool]] = [("commentary", None, False)] * len(texts)
    director = _director_label(texts)
    speaker: str | None = None
    i = 0
    while i < len(texts):
        label = _label_at(texts, i)
        if label:
            name, length = label
            is_director = name == director
            if is_director and speaker is None:
                _mark_last_sentence(texts, out, i)
            speaker = None if is_director else name
            kind: SpanKind = "commentary" if is_director else "dialogue"
            for k in range(i, i + length):
                out[k] = (kind, speaker, True)
            i += length
            continue
        cue_end = _cue_end(texts, i)
        if cue_end:
            for k in range(i, cue_end):
                out[k] = ("cue", None, False)
            i = cue_end
            continue
        if speaker is not None:
            out[i] = ("dialogue", speaker, False)
        i += 1
    return out


def _with_evidence(
    texts: list[str], kinds: list[tuple[SpanKind, str | None, bool]], rows: Sequence[DialogueRow]
) -> list[tuple[SpanKind, str | None, bool]]:
    """Marks from the labels, corrected by the subtitles' evidence: a row's words (and the
    punctuation closing them) are dialogue, spoken by the row's speaker when it names one, so a
    labelled run that holds several speakers' lines is split where their cues meet. A row with a
    label inside is a cue holding two speakers: there the labels say who. Labels and sound cues
    stay what they are."""
    out = list(kinds)
    for start, end, named in rows:
        end = min(end, len(out))
        while end < len(out) and not out[end][2] and not any(c.isalnum() for c in texts[end]):
            end += 1
        while start > 0 and texts[start - 1] in _DASHES and not out[start - 1][2]:
            start -= 1  # the dialogue dash that opens the line ("- Then why would you...")
        speaker = None if any(out[k][2] for k in range(start, end)) else named
        for k in range(start, end):
            kind, old, label = out[k]
            if label or kind == "cue":
                continue
            labelled = old if kind == "dialogue" else None
            same = labelled and (not speaker or speaker in labelled or labelled in speaker)
            # The label's own name wins when it is the same person ("CHO" for "DR. CHO").
            out[k] = ("dialogue", labelled if same else speaker, False)
    return out


def _director_label(texts: list[str]) -> str | None:
    counts = Counter(label[0] for i in range(len(texts)) if (label := _label_at(texts, i)))
    return counts.most_common(1)[0][0] if counts else None


def _cue_end(texts: list[str], i: int) -> int | None:
    """End (exclusive) of a '( CAPITALS )' sound cue starting at ``i``."""
    if texts[i] != "(":
        return None
    for j in range(i + 1, min(i + 12, len(texts))):
        if texts[j] == ")":
            inner = [t for t in texts[i + 1 : j] if t not in {",", "'", ""}]
            return j + 1 if inner and all(t.isupper() for t in inner) else None
    return None


def _mark_last_sentence(texts: list[str], out: list, label_at: int) -> None:
    """Mark the sentence before a director resumption as (unlabelled) film dialogue."""
    if label_at == 0:  # the transcript opens with the director: nothing before to mark
        return
    end = label_at
    start = end - 1
    while start > 0 and out[start - 1][0] == "commentary" and not out[start - 1][2]:
        if start < end - 1 and (
            texts[start - 1] in _SENTENCE_END
            or (texts[start - 1] == '"' and start > 1 and texts[start - 2] in _SENTENCE_END)
        ):
            break
        start -= 1
    for k in range(start, end):
        if out[k][0] == "commentary" and not out[k][2]:
            out[k] = ("dialogue", None, False)


def _cut_points(words: Sequence[Word], shortest: int, ideal: int, longest: int) -> list[int]:
    """Word indexes where segments start (plus the end), chosen by dynamic programming.

    Candidates are sentence boundaries; the cost of a segment grows with its distance from the
    ideal length and is prohibitive outside [shortest, longest]; cutting where the director
    resumes after a film line or opens a new topic earns a bonus.
    """
    n = len(words)
    candidates = [0] + [i for i in range(1, n) if _is_boundary(words, i)] + [n]
    bonus = {i: _boundary_bonus(words, i) for i in candidates[:-1]}
    best = {0: (0.0, -1)}
    for b_pos, b in enumerate(candidates[1:], 1):
        options = []
        for a in reversed(candidates[:b_pos]):
            length = b - a
            if length > longest * 2:
                break
            if a not in best:
                continue
            shape = ((length - ideal) / ideal) ** 2
            if length < shortest or length > longest:
                shape += 4.0 + abs(length - ideal) / ideal
            end_bonus = bonus[b] if b < n else 0.0
            options.append((best[a][0] + shape - end_bonus, a))
        if options:
            best[b] = min(options)
    cuts = [n]
    while cuts[-1] != 0:
        cuts.append(best[cuts[-1]][1])
    return cuts[::-1]


def _is_boundary(words: Sequence[Word], i: int) -> bool:
    """True where a segment may start at word ``i``: after a sentence end or before a label,
    never inside a quotation (a cut there would leave each half with an unpaired mark)."""
    if words[i].in_quote or words[i].quote == CLOSE:
        return False
    if words[i].label and not words[i - 1].label:
        return True
    previous = words[i - 1].text
    if words[i - 1].quote == CLOSE and i > 1:
        previous = words[i - 2].text
    return (previous in _SENTENCE_END and not words[i].label and words[i].kind != "cue") or (
        words[i - 1].kind == "cue"
        and words[i].kind != "cue"
        and not words[i].label
        and words[i - 2].text in _SENTENCE_END
    )


def _boundary_bonus(words: Sequence[Word], i: int) -> float:
    word = words[i]
    if word.label and word.speaker is None:  # the director resumes after a film line
        return 0.6
    if word.kind == "dialogue":  # a film line starts: the director paused for the scene
        return 0.3
    opening = " ".join(w.text.lower() for w in words[i : i + 3])
    return 0.25 if opening.startswith(_TOPIC_OPENERS) else 0.0


def _draft(n: int, words: Sequence[Word]) -> Draft:
    text, spans = render(words)
    return Draft(
        n=n,
        word_start=words[0].index,
        word_end=words[-1].index + 1,
        char_start=words[0].start,
        char_end=words[-1].end,
        text=text,
        spans=spans,
    )


def render(words: Sequence[Word]) -> tuple[str, tuple[Span, ...]]:
    """Display text for a run of words, with one span per run of commentary/dialogue/cue.

    Director labels are dropped (the styling already shows the switch back to commentary);
    other labels show as ``STARK:``. Spacing follows English punctuation (see
    :func:`companion.content.detokenise.glue`), not the transcript's.
    """
    tokens = display_tokens(words)
    pieces: list[str] = []
    kinds: list[tuple[SpanKind, str | None]] = []
    sticky = True
    for k, (token, role, word) in enumerate(tokens):
        previous = tokens[k - 1][0] if k else ""
        following = tokens[k + 1][0] if k + 1 < len(tokens) else ""
        left, right = glue(previous, token, following, role)
        if word.label:
            left, right = False, False
        pieces.append(token if sticky or left else " " + token)
        kinds.append((word.kind, word.speaker))
        sticky = right
    return _join_spans(pieces, kinds)


def display_tokens(words: Sequence[Word]) -> list[tuple[str, str | None, Word]]:
    """(text, quote role, word) of every shown token: labels tidied, missing marks added."""
    out: list[tuple[str, str | None, Word]] = []
    speaker: str | None = None
    for word in words:
        spoken = any(c.isalnum() for c in word.text)
        changed = word.kind == "dialogue" and word.speaker and word.speaker != speaker
        if changed and spoken and not word.label:  # a new speaker the transcript didn't label
            out.append((f"{word.speaker}:", None, _as_label(word)))
        if (spoken or word.label) and word.kind != "cue":  # a sound cue doesn't change speaker
            speaker = word.speaker if word.kind == "dialogue" else None
        if word.before:
            out.append((word.before, OPEN, word))
        if word.label and word.speaker is not None:
            last = out[-1] if out else None
            if not (last and last[2].label and last[2].speaker == word.speaker):
                out.append((word.speaker + ":", None, word))
        elif not word.label:
            for part in word.text.split():
                out.append((part, word.quote or None, word))
        if word.after:
            out.append((word.after, CLOSE, word))
    return out


def _as_label(word: Word) -> Word:
    return Word(word.index, word.start, word.start, "", word.speaker or "", word.kind,
                word.speaker, label=True)  # fmt: skip


def _join_spans(
    pieces: list[str], kinds: list[tuple[SpanKind, str | None]]
) -> tuple[str, tuple[Span, ...]]:
    text = ""
    spans: list[Span] = []
    for piece, (kind, speaker) in zip(pieces, kinds, strict=True):
        lead = len(piece) - len(piece.lstrip(" ")) if text else len(piece) - len(piece.lstrip())
        start = len(text) + lead
        text += piece if text else piece.lstrip()
        if spans and spans[-1].kind == kind and spans[-1].speaker == speaker:
            spans[-1] = Span(spans[-1].start, len(text), kind, speaker)
        else:
            spans.append(Span(start, len(text), kind, speaker))
    return text, tuple(spans)


def normalise(text: str) -> str:
    """Lower-case letters and digits only: how phrases are compared, whatever their spacing."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def normalised_words(words: Sequence[Word]) -> list[tuple[str, int]]:
    """(normalised word, word index) for matching phrases, with clitics joined to their word.

    "wasn 't" becomes one word "wasnt" at the index of "wasn", so "wasn't" typed by a user
    matches; labels and cues are left out because nobody says them.
    """
    out: list[tuple[str, int]] = []
    for word in words:
        if word.label or word.kind == "cue":
            continue
        for part in word.text.split():
            norm = normalise(part)
            if not norm:
                continue
            if out and _CLITIC.match(part.lower().replace("’", "'")):
                out[-1] = (out[-1][0] + norm, out[-1][1])
            else:
                out.append((norm, word.index))
    return out


def phrase_words(phrase: str) -> list[str]:
    """Normalised words of a user's phrase, joining clitics the same way as the transcript."""
    parts = _SPACED_CLITIC.sub(r"\1", phrase.replace("’", "'")).split()
    return [w for w in (normalise(p) for p in parts) if w]
