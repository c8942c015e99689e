"""Read a film's subtitles into clean, timed lines of dialogue.

Subtitles are the film's own clock: each cue says when a line is spoken. Alignment only needs the
spoken words, so everything a subtitle adds for the viewer is removed here: styling tags, SDH
speaker labels (``JARVIS:``), sound cues (``(GRUNTS)``, ``[music]``), music notes and dialogue
dashes. A cue with two speakers (``- Yes.\\n- No.``) becomes two lines, each timed at its share of
the cue, so either can be matched on its own.

Files come in any of the formats pysubs2 reads (SRT, WebVTT, ASS/SSA, MicroDVD) and in whatever
encoding the release used; the encoding is detected, never asked. A video file's own text
subtitle track is extracted with ffmpeg; image tracks (PGS, VobSub) cannot be read as text and
say so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pysubs2

from companion.errors import CompanionError, shown
from companion.formats.encoding import decode_bytes

Warn = Callable[[str], None]  # told of each problem that was skipped, one line each

SUBTITLE_SUFFIXES = {".srt", ".vtt", ".webvtt", ".ass", ".ssa", ".sub", ".txt"}
TEXT_SUB_CODECS = {"subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text", "microdvd"}
# MicroDVD counts frames; files that don't declare their rate are assumed to be film rate. A wrong
# guess only scales the clock, which the anchors absorb like any other speed difference.
MICRODVD_DEFAULT_FPS = 23.976
MAX_SUBTITLE_BYTES = 20_000_000


class SubtitleError(CompanionError):
    """A subtitle source that can't be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Cue:
    """One spoken line: ``index`` is the position of its event in the file (shared by the lines
    of a split cue), ``text`` the words without tags, labels or sound cues."""

    index: int
    start_s: float
    end_s: float
    text: str
    speaker: str | None = None  # the SDH label's name ("STRUCKER ON PA:" -> "STRUCKER")


@dataclass(frozen=True)
class Sound:
    """An SDH sound cue (``(DISTANT EXPLOSION)``): what is heard, and when."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Subtitles:
    """What a subtitle file tells: its spoken lines and its sound cues."""

    cues: list[Cue]
    sounds: list[Sound]


_TAG = re.compile(r"<[^>]*>|\{[^}]*\}")
_SOUND_CUE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\([^)]*$|^[^(]*\)")
_LABEL = re.compile(r"^\s*[A-Z][A-Z0-9 .'&#\-]*[A-Z0-9.]\s*:(?!\d)\s*")
_DASH = re.compile(r"^\s*[-–—]+\s*")
_MUSIC = re.compile(r"[♪♫#]+")
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
# "STRUCKER ON PA:", "JARVIS OVER RADIO:": the speaker is the name before how they are heard.
_HEARD_VIA = re.compile(r"\s+(?:ON|OVER|THROUGH|VIA|IN|INTO)\s.*$|\s*\(.*$")


def clean_line(line: str) -> str:
    """The spoken words of one subtitle line, or ``""`` if it holds only labels and cues."""
    line = _TAG.sub("", line)
    line = _SOUND_CUE.sub(" ", line)
    line = _MUSIC.sub(" ", line)
    line = _DASH.sub("", line)
    line = _LABEL.sub("", line)
    line = _DASH.sub("", line)
    return " ".join(line.split())


def speaker_of(line: str) -> str | None:
    """The name an SDH label gives the speaker of ``line`` (``DR. CHO:`` -> ``DR. CHO``)."""
    line = _DASH.sub("", _SOUND_CUE.sub(" ", _TAG.sub("", line))).strip()
    label = _LABEL.match(line)
    if not label:
        return None
    return _HEARD_VIA.sub("", label.group().strip().rstrip(":").strip()) or None


def _split_speakers(plaintext: str) -> list[tuple[str, str | None]]:
    """Lines of one cue with their SDH speaker, split where a dialogue dash starts a new speaker.

    A line without a leading dash continues the previous line: subtitles wrap one sentence over
    two lines, and matching wants the sentence whole.
    """
    parts: list[tuple[str, str | None]] = []
    for raw in plaintext.splitlines():
        starts_speaker = bool(_DASH.match(raw))
        cleaned = clean_line(raw)
        if not cleaned:
            continue
        if parts and not starts_speaker:
            parts[-1] = (f"{parts[-1][0]} {cleaned}", parts[-1][1] or speaker_of(raw))
        else:
            parts.append((cleaned, speaker_of(raw)))
    return parts


def cues_from_subs(subs: pysubs2.SSAFile) -> list[Cue]:
    """Timed spoken lines of a parsed file, in time order; comments and drawings are skipped."""
    cues: list[Cue] = []
    events = sorted(
        (ev for ev in subs if not ev.is_comment and not ev.is_drawing), key=lambda ev: ev.start
    )
    for index, ev in enumerate(events):
        start, end = ev.start / 1000.0, max(ev.end, ev.start) / 1000.0
        lines = _split_speakers(ev.plaintext)
        total = sum(len(text) for text, _ in lines) or 1
        offset = 0
        for text, speaker in lines:
            share = (end - start) * offset / total
            cues.append(Cue(index, round(start + share, 3), end, text, speaker))
            offset += len(text)
    return cues


def sounds_from_subs(subs: pysubs2.SSAFile) -> list[Sound]:
    """The SDH sound cues of a parsed file, in time order (speech inside brackets excluded:
    ``[in Russian]`` labels a line, it is no sound)."""
    sounds = []
    for ev in sorted(subs, key=lambda ev: ev.start):
        if ev.is_comment or ev.is_drawing:
            continue
        for text in _BRACKETED.findall(_TAG.sub("", ev.plaintext)):
            words = " ".join(text.split())
            if words and words.upper() == words and any(c.isalpha() for c in words):
                sounds.append(Sound(ev.start / 1000.0, max(ev.end, ev.start) / 1000.0, words))
    return sounds


def parse_subtitle_text(text: str, name: str = "<text>", warn: Warn | None = None) -> list[Cue]:
    """Spoken lines of subtitle text in any supported format; raises SubtitleError if none."""
    return parse_subtitles(text, name, warn).cues


def parse_subtitles(text: str, name: str = "<text>", warn: Warn | None = None) -> Subtitles:
    """Spoken lines and sound cues of subtitle text; raises SubtitleError if no spoken line.

    A cue whose header is cut off or damaged (a file truncated in a download) is skipped and
    reported through ``warn`` with its line, instead of being glued into the previous line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if "\x00" in text:
        raise SubtitleError(f"{name}: not a text subtitle file (binary data)")
    if "-->" in text and "[Script Info]" not in text:  # SRT and WebVTT
        text = _skip_broken_cues(text, name, warn or _ignore)
    try:
        with warnings.catch_warnings():  # pysubs2 warns of each odd field it defaults
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                subs = pysubs2.SSAFile.from_string(text, strict_fps_inference=False)
            except pysubs2.UnknownFPSError:
                subs = pysubs2.SSAFile.from_string(text, fps=MICRODVD_DEFAULT_FPS)
    except pysubs2.FormatAutodetectionError:
        raise SubtitleError(
            f"{name}: not a subtitle format we know (SRT, VTT, ASS/SSA, MicroDVD)"
        ) from None
    except (pysubs2.Pysubs2Error, ValueError, KeyError, IndexError) as exc:
        raise SubtitleError(f"{name}: unreadable subtitle file ({exc})") from exc
    cues = cues_from_subs(subs)
    if not cues:
        raise SubtitleError(f"{name}: no spoken lines found in the subtitles")
    return Subtitles(cues, sounds_from_subs(subs))


_STAMP = r"(?:\d+:)?\d{1,2}:\d{2}(?:[,.]\d{1,3})?"
_TIMING = re.compile(rf"^\s*{_STAMP}\s*-->\s*{_STAMP}(?:\s.*)?$")
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
_PARTIAL_TIMING = re.compile(r"^[\d:,.\s>-]*$")


def _ignore(message: str) -> None:
    """Where warnings go when the caller doesn't show them."""


def _skip_broken_cues(text: str, name: str, warn: Warn) -> str:
    """SRT/WebVTT text without the cues whose timing line is cut off or damaged.

    A broken cue is a timing line that doesn't parse, or a cue number followed by a partial
    timing (or by nothing: the file ends there). The whole cue, up to the next blank line,
    is left out; pysubs2 would read its header as dialogue of the cue before.
    """
    lines = text.split("\n")
    kept: list[str] = []
    skipping = False
    for i, line in enumerate(lines):
        if skipping:
            skipping = bool(line.strip())
            continue
        after_blank = i == 0 or not lines[i - 1].strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        broken = ("-->" in line and not _TIMING.match(line)) or (
            after_blank
            and _CUE_NUMBER.match(line)
            and not _TIMING.match(following)
            and _PARTIAL_TIMING.match(following)
        )
        if broken:
            if _CUE_NUMBER.match(line):  # a number, then a partial timing or the file's end
                start, header = i, lines[i : i + 2]
            elif kept and _CUE_NUMBER.match(kept[-1]) and (len(kept) < 2 or not kept[-2].strip()):
                start, header = i - 1, [kept.pop(), line]  # the cue's number came before
            else:
                start, header = i, [line]
            shown_header = shown(" ".join(header).strip())
            warn(f"{name}: line {start + 1}: a cue cut off or damaged ({shown_header}); skipped")
            skipping = True
            continue
        kept.append(line)
    return "\n".join(kept)


def load_subtitle_file(path: Path, warn: Warn | None = None) -> list[Cue]:
    """Spoken lines of a subtitle file, encoding and format detected."""
    return read_subtitle_file(path, warn).cues


def read_subtitle_file(path: Path, warn: Warn | None = None) -> Subtitles:
    """Spoken lines and sounds of a subtitle file, encoding and format detected."""
    try:
        size = path.stat().st_size
        if size > MAX_SUBTITLE_BYTES:
            raise SubtitleError(f"{path}: too large for a subtitle file ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise SubtitleError(f"{path}: can't read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise SubtitleError(f"{path}: the file is empty")
    return parse_subtitles(decode_bytes(data), str(path), warn)


def _probe_subtitle_streams(path: Path) -> list[dict]:
    """The subtitle streams ffprobe sees in a media file (empty if it isn't a media file)."""
    if shutil.which("ffprobe") is None:
        raise SubtitleError(
            f"{path}: reading a video's subtitles needs ffmpeg, which isn't installed"
        )
    proc = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "s",
            "-show_streams",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0:
        raise SubtitleError(f"{path}: neither a subtitle file nor a video ffmpeg can open")
    return json.loads(proc.stdout or "{}").get("streams", [])


def choose_text_stream(path: Path, streams: list[dict]) -> dict:
    """The subtitle stream to read: an English text track if languages are labelled, else the
    first text track. Image-only tracks can't be read as text, and say so."""
    if not streams:
        raise SubtitleError(f"{path}: the video has no subtitle track; use a subtitle file")
    text = [s for s in streams if s.get("codec_name") in TEXT_SUB_CODECS]
    if not text:
        codecs = ", ".join(sorted({str(s.get("codec_name", "unknown")) for s in streams}))
        raise SubtitleError(
            f"{path}: image subtitles ({codecs}) can't be read, use a text subtitle file"
        )
    english = [s for s in text if s.get("tags", {}).get("language", "").lower() in ("en", "eng")]
    return (english or text)[0]


def load_video_subtitles(path: Path, warn: Warn | None = None) -> list[Cue]:
    """Spoken lines of a video's own text subtitle track."""
    return read_video_subtitles(path, warn).cues


def read_video_subtitles(path: Path, warn: Warn | None = None) -> Subtitles:
    """Spoken lines and sounds of a video's own text subtitle track, extracted with ffmpeg (as
    ASS, which keeps every format's line breaks and styling in one form pysubs2 reads)."""
    stream = choose_text_stream(path, _probe_subtitle_streams(path))
    proc = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            # Keep the film's clock: without this ffmpeg starts the track at its first cue.
            "-copyts",
            "-i",
            str(path),
            "-map",
            f"0:{stream['index']}",
            "-f",
            "ass",
            "-",
        ],
        capture_output=True,
        timeout=300,
    )
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise SubtitleError(f"{path}: ffmpeg couldn't extract the subtitles ({message[0]})")
    text = proc.stdout.decode("utf-8", "replace")
    return parse_subtitles(text, f"{path} (subtitle track)", warn)


def load_cues(path: Path | str, warn: Warn | None = None) -> list[Cue]:
    """Spoken lines of a subtitle file or of a video's text subtitle track; ``warn`` hears of
    each damaged cue that was skipped."""
    return load_subtitles(path, warn).cues


def load_subtitles(path: Path | str, warn: Warn | None = None) -> Subtitles:
    """Spoken lines and sound cues of a subtitle file or of a video's text subtitle track."""
    path = Path(path)
    if not path.exists():
        raise SubtitleError(f"{path}: no such file")
    if path.is_dir():
        raise SubtitleError(f"{path}: is a folder, not a subtitle file or video")
    if path.suffix.lower() in SUBTITLE_SUFFIXES:
        return read_subtitle_file(path, warn)
    return read_video_subtitles(path, warn)
