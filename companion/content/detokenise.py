"""Tokens to display text: which way each quotation mark faces, and where spaces go.

The transcript writes every mark and clitic as its own token (``" Why do you call him ' sir ' ? "``,
``O 'Neill``, ``8 : 00``). Whether a ``"`` opens or closes cannot be read from the mark, and the
transcript is not consistent (a quotation resumed without reopening it, one never closed), so
counting marks from the start goes wrong after the first slip and stays wrong.

Double quotes are decoded as a whole: each mark's neighbours give evidence for opening or closing
(a comma or full stop right after it closes; ``he said , "`` before a word opens), marks are
expected to alternate, and breaking the alternation is possible but costly. The most likely roles
(Viterbi over the marks) say where a mark is missing: an opening mark with no closing one before
the next opening gets one at the end of its first sentence, a closing mark with no opening gets one
at the start of its sentence. Single quotes are paired inside one double quotation, as
possessives (``Rogers '``) and elisions (``' 40s``) are read first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OPEN, CLOSE = "open", "close"
_CLOSERS = {",", ".", "?", "!", ";", ")", ":", "...", "%"}
_ENDS = {".", "?", "!", "..."}
_SPEECH = {
    "said", "say", "says", "saying", "like", "asked", "ask", "goes", "went", "go", "thought",
    "think", "told", "tell", "tells", "question", "called", "call", "literally", "me", "him",
    "her", "us", "them", "was", "is", "just", "yelling", "screaming", "wrote", "line", "going",
}  # fmt: skip
# Log-odds weights of the evidence, and what breaking the alternation costs.
STRONG = 3.0
MEDIUM = 1.5
WEAK = 0.5
BREAK_COST = 4.0
LONG_QUOTE_TOKENS = 50
LONG_QUOTE_COST_PER_TOKEN = 0.1


@dataclass(frozen=True)
class Quotes:
    """Decoded quotation marks: each mark token's role (``double``: the '"' ones), and marks the
    text is missing (``before[i]``: a mark to show just before token ``i``, ``after[i]``: after)."""

    roles: dict[int, str]
    before: dict[int, str]
    after: dict[int, str]
    double: frozenset[int]

    def open_between(self, count: int) -> list[bool]:
        """For each token boundary 0..count, whether a double quotation is open there."""
        inside = False
        out = [False] * (count + 1)
        for i in range(count):
            if self.before.get(i) == '"' or (self.roles.get(i) == OPEN and i in self.double):
                inside = True
            if (self.roles.get(i) == CLOSE and i in self.double) or self.after.get(i) == '"':
                inside = False
            out[i + 1] = inside
        return out


def _is_word(token: str) -> bool:
    return bool(token) and token[0].isalnum()


def _open_evidence(texts: Sequence[str], i: int, skip: set[int]) -> float:
    """Log-odds that the '"' at token ``i`` opens a quotation (negative: it closes one)."""
    prev = _neighbour(texts, i, -1, skip)
    prev2 = _neighbour(texts, i, -2, skip)
    nxt = _neighbour(texts, i, 1, skip)
    score = 0.0
    if nxt in _CLOSERS - {"..."} or nxt == "":
        score -= STRONG
    if prev in {"(", ""} or (i - 1) in skip:
        score += STRONG
    if prev in {",", ":"} and _is_word(nxt):
        score += STRONG if prev2.lower() in _SPEECH else WEAK
        if prev == "," and nxt[:1].islower() and prev2.lower() not in _SPEECH:
            score -= MEDIUM + WEAK  # "Yay , " by the way": the comma was inside the quote
    if prev == "," and nxt[:1].islower() and _neighbour(texts, i, 2, skip) in _SPEECH:
        score -= STRONG  # '... hear it , " he said'
    if prev in _ENDS and nxt[:1].islower():
        score -= MEDIUM
    if nxt == "..." and prev in _ENDS:
        score += MEDIUM
    if nxt == "(":
        score -= MEDIUM
    return score


def _neighbour(texts: Sequence[str], i: int, step: int, skip: set[int]) -> str:
    """The ``|step|``-th non-empty token before/after ``i`` that is not a speaker label."""
    seen = 0
    j = i + (1 if step > 0 else -1)
    while 0 <= j < len(texts):
        if texts[j] and j not in skip:
            seen += 1
            if seen == abs(step):
                return texts[j]
        elif j in skip:
            return ""
        j += 1 if step > 0 else -1
    return ""


def decode_quotes(texts: Sequence[str], labels: set[int]) -> Quotes:
    """Roles of the '"' and "'" tokens of ``texts`` (speaker labels in ``labels`` are skipped)."""
    marks = [i for i, t in enumerate(texts) if t == '"' and i not in labels]
    roles = _viterbi(texts, marks, labels)
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for (a, ra), (b, rb) in zip(
        [(m, roles[m]) for m in marks], [(m, roles[m]) for m in marks[1:]], strict=False
    ):
        if ra == rb == OPEN:
            after[_first_sentence_end(texts, a, b)] = '"'
        elif ra == rb == CLOSE:
            before[_last_sentence_start(texts, a, b)] = '"'
    if marks and roles[marks[-1]] == OPEN:
        after[_first_sentence_end(texts, marks[-1], len(texts))] = '"'
    if marks and roles[marks[0]] == CLOSE:
        before[_last_sentence_start(texts, -1, marks[0])] = '"'
    double = frozenset(marks)
    roles.update(_single_quotes(texts, roles, labels))
    return Quotes(roles, before, after, double)


def _viterbi(texts: Sequence[str], marks: list[int], labels: set[int]) -> dict[int, str]:
    """Most likely open/close role of every mark: evidence plus alternation (see module doc)."""
    if not marks:
        return {}
    states = (OPEN, CLOSE)
    evidence = [_open_evidence(texts, i, labels) for i in marks]
    score = {OPEN: evidence[0] / 2, CLOSE: -evidence[0] / 2 - BREAK_COST}
    back: list[dict[str, str]] = []
    for k in range(1, len(marks)):
        gap = marks[k] - marks[k - 1]
        own = {OPEN: evidence[k] / 2, CLOSE: -evidence[k] / 2}
        step: dict[str, str] = {}
        new: dict[str, float] = {}
        for state in states:
            options = []
            for prev in states:
                cost = BREAK_COST if prev == state else 0.0
                if state == CLOSE:  # a quotation runs up to this mark: is it a long one?
                    cost += LONG_QUOTE_COST_PER_TOKEN * max(gap - LONG_QUOTE_TOKENS, 0)
                options.append((score[prev] - cost, prev))
            best, via = max(options)
            new[state], step[state] = best + own[state], via
        score = new
        back.append(step)
    state = max(states, key=lambda s: score[s])
    roles = [state]
    for step in reversed(back):
        state = step[state]
        roles.append(state)
    return dict(zip(marks, reversed(roles), strict=True))


def _first_sentence_end(texts: Sequence[str], a: int, b: int) -> int:
    """The first sentence-ending token in (a, b), where a quotation left open most likely ends;
    else the last token before ``b``."""
    for j in range(a + 1, b):
        if texts[j] in _ENDS:
            return j
    return max(b - 1, a)


def _last_sentence_start(texts: Sequence[str], a: int, b: int) -> int:
    """The first word of the last sentence in (a, b), where a closing mark with no opening one
    most likely had its quotation start."""
    start = b
    for j in range(b - 1, a, -1):
        if texts[j] in _ENDS and j < b - 1:
            break
        if _is_word(texts[j]):
            start = j
    return start


def _single_quotes(texts: Sequence[str], roles: dict[int, str], labels: set[int]) -> dict[int, str]:
    """Roles of lone "'" tokens: elision (``' 40s``), possessive (``Rogers '``), or paired quotes
    (``' sir '``), pairing reset at every double mark and label."""
    out: dict[int, str] = {}
    is_open = False
    for i, token in enumerate(texts):
        if i in roles or i in labels:
            is_open = False
            continue
        if token != "'":
            continue
        prev = _neighbour(texts, i, -1, labels)
        nxt = _neighbour(texts, i, 1, labels)
        if nxt[:1].isdigit():
            out[i] = OPEN
        elif is_open:
            out[i], is_open = CLOSE, False
        elif prev[-1:].isalpha() and (prev.endswith("s") or not _is_word(nxt)):
            out[i] = CLOSE
        else:
            out[i], is_open = OPEN, True
    return out


def glue(previous: str, token: str, following: str, role: str | None) -> tuple[bool, bool]:
    """(no space before ``token``, no space after it) by English punctuation rules."""
    if role == OPEN:
        return False, True
    if role == CLOSE:
        return True, False
    if token == "...":  # trailing off ("Um... I"), or a line picked up mid-way ("one. ...is")
        starts = previous[-1:] in ".?!:"
        return not starts, starts
    if token in {":", "/"} and previous[-1:].isdigit() and following[:1].isdigit():
        return True, True
    if token in _CLOSERS:
        return True, False
    if token in {"(", "["}:
        return False, True
    if _is_clitic(token) or (token.startswith("'") and previous in {"O", "D"}):
        return True, False
    return False, False


def _is_clitic(token: str) -> bool:
    lower = token.lower()
    return lower in {"'s", "'t", "'re", "'ve", "'ll", "'d", "'m", "n't"}
