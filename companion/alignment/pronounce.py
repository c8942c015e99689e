"""How the recogniser says a transcript's words: dictionary spellings and generated pronunciations.

pocketsphinx aligns words of its dictionary (CMUdict, shipped in its wheel). About 1.4% of the
commentary's words are not in it (Ultron, vibranium, mo-cap, 1970s): their phones come from
espeak-ng, converted from its IPA output to the ARPAbet the acoustic model uses. For the bundled
transcript this is done once (``scripts/make_pronunciations.py``) and shipped as a table, so users
need no espeak-ng; for another pack the same code runs when espeak-ng is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from companion.content.transcript import Word

_CLITICS = {"'s", "'t", "'re", "'ve", "'ll", "'d", "'m", "n't"}
_PART_SPLIT = re.compile(r"[\s/\-–—]+")
_NOT_SPOKEN = re.compile(r"[^a-z0-9']+")

# espeak-ng's IPA for en-us, longest symbols first, to ARPAbet (stress marks dropped).
_IPA = {
    "aɪə": "AY ER",
    "aʊə": "AW ER",
    "ɑːɹ": "AA R",
    "ɔːɹ": "AO R",
    "oːɹ": "AO R",
    "ɛɹ": "EH R",
    "eə": "EH R",
    "ɪɹ": "IH R",
    "ɪə": "IH R",
    "ʊɹ": "UH R",
    "ʊə": "UH R",
    "aɪ": "AY",
    "aʊ": "AW",
    "eɪ": "EY",
    "oʊ": "OW",
    "əʊ": "OW",
    "ɔɪ": "OY",
    "tʃ": "CH",
    "dʒ": "JH",
    "ɑː": "AA",
    "ɔː": "AO",
    "ɜː": "ER",
    "iː": "IY",
    "uː": "UW",
    "oː": "OW",
    "ɑ": "AA",
    "ɒ": "AA",
    "æ": "AE",
    "a": "AE",
    "ʌ": "AH",
    "ə": "AH",
    "ɐ": "AH",
    "ɚ": "ER",
    "ɝ": "ER",
    "ɔ": "AO",
    "ɛ": "EH",
    "e": "EH",
    "ɪ": "IH",
    "ᵻ": "IH",
    "i": "IY",
    "o": "OW",
    "ʊ": "UH",
    "u": "UW",
    "b": "B",
    "d": "D",
    "ð": "DH",
    "f": "F",
    "ɡ": "G",
    "g": "G",
    "h": "HH",
    "k": "K",
    "x": "K",
    "l": "L",
    "ɫ": "L",
    "m": "M",
    "n": "N",
    "ŋ": "NG",
    "p": "P",
    "ɹ": "R",
    "r": "R",
    "s": "S",
    "ʃ": "SH",
    "t": "T",
    "ɾ": "T",
    "ʔ": "T",
    "θ": "TH",
    "v": "V",
    "w": "W",
    "ʍ": "W",
    "j": "Y",
    "z": "Z",
    "ʒ": "ZH",
}
_IPA_IGNORED = set("ˈˌ.ːˑ̩͡_- ")
_IPA_LONGEST = max(len(k) for k in _IPA)


def spoken_words(words: Sequence[Word]) -> list[tuple[str, int]]:
    """(dictionary spelling, word index) of what is said in ``words``, in order.

    Hyphenated and slashed tokens become several words, clitics join the word before them
    ("wasn 't" -> "wasn't", as CMUdict spells it), punctuation, labels and cues say nothing.
    """
    out: list[tuple[str, int]] = []
    in_cue = False
    for word in words:
        if word.label or word.kind == "cue":
            continue
        # a sound cue whose ")" OCR lost ("( CHUCKLES SOFTLY but") is not said either
        if word.text == "(" or (in_cue and word.text.isupper()):
            in_cue = True
            continue
        in_cue = False
        for part in _PART_SPLIT.split(word.text.lower().replace("’", "'")):
            if part in _CLITICS and out:
                out[-1] = (out[-1][0] + part, out[-1][1])
                continue
            spelling = _NOT_SPOKEN.sub("", part).strip("'")
            if spelling:
                out.append((spelling, word.index))
    return out


def read_table(path: Path) -> dict[str, str]:
    """A pronunciation table: one ``word<TAB>PHONES`` a line ('#' lines are comments)."""
    table: dict[str, str] = {}
    if not path.is_file():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, phones = line.partition("\t")
            if phones.strip():
                table[word.strip()] = phones.strip()
    return table


def write_table(path: Path, table: dict[str, str], header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    lines += [f"{word}\t{phones}" for word, phones in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def espeak_pronunciations(words: Iterable[str]) -> dict[str, str]:
    """ARPAbet pronunciations of ``words`` from espeak-ng's IPA (one espeak-ng run for all);
    words espeak-ng gives nothing usable for are left out."""
    words = list(dict.fromkeys(words))
    if not words or not espeak_available():
        return {}
    text = "\n".join(words) + "\n"
    done = subprocess.run(
        ["espeak-ng", "-q", "--ipa", "-v", "en-us", "--stdin"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or len(lines) != len(words):
        # espeak-ng merged or split lines: fall back to one call per word.
        lines = [_espeak_one(word) for word in words]
    out = {}
    for word, ipa in zip(words, lines, strict=True):
        phones = ipa_to_arpabet(ipa)
        if phones:
            out[word] = phones
    return out


def _espeak_one(word: str) -> str:
    done = subprocess.run(
        ["espeak-ng", "-q", "--ipa", "-v", "en-us", word],
        capture_output=True,
        text=True,
        check=False,
    )
    return " ".join(done.stdout.split())


def ipa_to_arpabet(ipa: str) -> str:
    """espeak-ng's IPA as space-separated ARPAbet phones (unknown symbols are skipped)."""
    phones: list[str] = []
    i = 0
    while i < len(ipa):
        if ipa[i] in _IPA_IGNORED:
            i += 1
            continue
        for size in range(_IPA_LONGEST, 0, -1):
            symbol = ipa[i : i + size]
            if symbol in _IPA:
                phones.extend(_IPA[symbol].split())
                i += size
                break
        else:
            i += 1
    return " ".join(phones)


def dictionary_path() -> Path:
    """pocketsphinx's own CMUdict (in its wheel)."""
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"


def dictionary_words() -> set[str]:
    """The words pocketsphinx's dictionary spells (alternates like ``read(2)`` folded)."""
    with dictionary_path().open(encoding="utf-8", errors="replace") as lines:
        return {line.split(" ", 1)[0].split("(", 1)[0] for line in lines if line.strip()}


def bundled_table() -> dict[str, str]:
    """The pronunciation tables shipped with the bundled film packs, merged."""
    from companion.bootstrap import resources_dir

    table: dict[str, str] = {}
    for path in sorted(resources_dir().glob("*/pronunciations.tsv")):
        table |= read_table(path)
    return table
