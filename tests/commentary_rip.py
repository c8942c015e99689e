"""A short synthetic disc rip with the commentary as its second audio track, for listen tests.

The commentary's first sentences, spoken by festival's HTS voice (``speech.py``, the listen
helper's fixtures), each placed a few seconds off where the bundled timings expect it (uneven
pauses no interpolation can know), over the film's sound 15 dB down. Track 1 "Main" is the
film's sound alone: music and, at their subtitle times, the film's lines (espeak-ng). Built once
under ``artifacts/`` (gitignored): festival takes a while.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import speech

from companion.alignment.listen import commentary_sentences
from companion.alignment.subtitles import load_cues
from companion.content.transcript import Transcript
from companion.timing.retime import TrackTiming

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "listen-tests"
SECONDS = 60.0  # 13 sentences; listening to it takes about a minute on a busy 2-core machine
SEED = 11
FILM_DB = -15.0  # the film under him, as in the first target
VERSION = 3  # bump when the recipe changes, so a cached rip is rebuilt


@dataclass(frozen=True)
class Rip:
    path: Path  # the MKV: video, "Main" (the film's sound), "Commentary"
    starts: dict[tuple[int, int], float]  # (word_start, word_end) -> true start of the voice
    silence: Path  # an audio file of the same length with nothing in it


def make_rip(transcript: Transcript, timing: TrackTiming, subtitles: Path) -> Rip:
    """The rip for the bundled commentary as ``timing`` expects it now (cached by what it says
    and where the timing expects it, so a change of either builds a new one)."""
    spans = [
        (s, e)
        for s, e in commentary_sentences(transcript)
        if timing.time_at(e) < SECONDS - 8.0
        and any(w.text.isalpha() for w in transcript.words[s:e])
    ]
    texts = [speech.sentence_text(transcript, s) for s in spans]
    expected = [round(timing.time_at(s), 1) for s, _ in spans]
    key = hashlib.sha1(
        json.dumps([VERSION, SECONDS, FILM_DB, spans, texts, expected]).encode()
    ).hexdigest()
    folder = ARTIFACTS / key[:12]
    path, truth, silence = folder / "rip.mkv", folder / "starts.json", folder / "silence.wav"
    if not (path.is_file() and truth.is_file() and silence.is_file()):
        voices = ARTIFACTS / "voice" / hashlib.sha1(json.dumps(texts).encode()).hexdigest()[:12]
        wavs = speech.synthesize(texts, voices)
        _build(folder, spans, wavs, expected, subtitles)
    starts = {tuple(k): v for k, v in json.loads(truth.read_text())}
    return Rip(path, starts, silence)  # type: ignore[arg-type]


def _build(
    folder: Path,
    spans: list[tuple[int, int]],
    wavs: list[Path],
    expected: list[float],
    subtitles: Path,
) -> None:
    """Each sentence a few seconds off where it is expected, never over the one before."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    clips = {w: speech.trimmed(speech.read_wav(w)) for w in wavs}
    starts: dict[tuple[int, int], float] = {}
    placed, free = [], 1.0
    for span, wav, at in zip(spans, wavs, expected, strict=True):
        start = max(at + float(rng.uniform(-2.5, 2.5)), free)
        starts[span] = round(start, 3)
        placed.append((start, wav))
        free = start + len(clips[wav]) / speech.RATE + float(rng.uniform(0.2, 0.8))
    layout = speech.Layout(starts, [], placed, SECONDS)
    director = speech.director_track(layout, clips)[: round(SECONDS * speech.RATE)]
    cues = [(c.start_s, c.end_s, c.text) for c in load_cues(subtitles)]
    film = speech.film_track(cues, 0.0, SECONDS, SEED)
    main = speech.write_wav(folder / "main.wav", film * 0.5)
    commentary = speech.write_wav(folder / "commentary.wav", speech.mix(director, film, FILM_DB))
    speech.write_wav(folder / "silence.wav", np.zeros(round(SECONDS * speech.RATE)))
    _mux(main, commentary, folder / "rip.mkv")
    (folder / "starts.json").write_text(json.dumps([[list(k), v] for k, v in starts.items()]))


def _mux(main: Path, commentary: Path, path: Path) -> None:
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    cmd = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=5:duration={SECONDS}",
        "-i", str(main), "-i", str(commentary),
        "-map", "0:v", "-map", "1:a", "-map", "2:a",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k",
        "-metadata:s:a:0", "title=Main", "-metadata:s:a:0", "language=eng",
        "-metadata:s:a:1", "title=Commentary", "-metadata:s:a:1", "language=eng",
        str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, timeout=300)
