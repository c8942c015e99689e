"""Synthetic commentary tracks from the real transcript, for listening tests and the benchmark.

The director's sentences are spoken by festival's HTS voice (closer to a human voice for the
recogniser than espeak-ng), laid out in transcript order with uneven pauses, and the quoted
film lines leave gaps where the film speaks. Under him runs "the film": its subtitle lines
spoken by espeak-ng at their own times, plus music, at a chosen level below his voice. What the
layout knows is returned with the track: every sentence's true start, and the quoted lines'
true times, the known points a subtitle-anchored prior is drawn through.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import wave
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.content.transcript import Transcript, render

RATE = 16_000
VOICE = "(voice_cmu_us_slt_arctic_hts)"
SPEAKING_STRETCH = 0.9  # festival's duration stretch: the director talks a little fast


@dataclass(frozen=True)
class Layout:
    """Where everything goes on the track (seconds)."""

    sentence_starts: dict[tuple[int, int], float]
    known: list[tuple[int, float]]  # (word index, true time) of quoted film lines' edges
    placed: list[tuple[float, Path]]  # director audio files at their (onset) times
    duration: float


def sentence_text(transcript: Transcript, span: tuple[int, int]) -> str:
    """What the voice says for a sentence: its display text without quote marks."""
    text, _ = render(transcript.words[span[0] : span[1]])
    return " ".join(text.replace('"', " ").split())


def synthesize(texts: Sequence[str], folder: Path, processes: int = 2) -> list[Path]:
    """One WAV per text in ``folder`` (kept: a second call only makes what is missing), made by
    ``processes`` festival processes (threads wait on them). Each is named by its text, so a
    change in how the transcript is cut into sentences can't pair a text with another's audio."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / wav_name(text) for text in texts]
    todo = list({p: (t, p) for t, p in zip(texts, paths, strict=True) if not p.is_file()}.values())
    if todo:
        batches = [todo[i::processes] for i in range(processes)]
        with ThreadPoolExecutor(processes) as pool:
            list(pool.map(_festival_batch, [b for b in batches if b]))
    return paths


def wav_name(text: str) -> str:
    """The cache file of a text's speech: a hash of the text and of the voice speaking it."""
    key = f"{VOICE} {SPEAKING_STRETCH} {text}".encode()
    return f"s-{hashlib.sha1(key).hexdigest()[:16]}.wav"


def _festival_batch(batch: Sequence[tuple[str, Path]]) -> None:
    lines = [VOICE, f"(Parameter.set 'Duration_Stretch {SPEAKING_STRETCH})"]
    for text, path in batch:
        quoted = text.replace("\\", " ").replace('"', " ")
        part = path.with_suffix(".part.wav")
        lines.append(f'(utt.save.wave (utt.synth (Utterance Text "{quoted}")) "{part}" \'riff)')
    script = path.parent / f"batch-{batch[0][1].stem}.scm"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run(["festival", "--batch", str(script)], check=True, capture_output=True)
    for _, path in batch:
        path.with_suffix(".part.wav").replace(path)
    script.unlink()


def read_wav(path: Path) -> np.ndarray:
    """float32 samples at 16 kHz mono (ffmpeg resamples festival's and espeak-ng's 22 kHz)."""
    return _decode(str(path), None)


def _decode(source: str, data: bytes | None) -> np.ndarray:
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", source, "-ac", "1", "-ar", str(RATE)]
    done = subprocess.run(
        [*command, "-f", "s16le", "-"], input=data, capture_output=True, check=True
    )
    return np.frombuffer(done.stdout, dtype=np.int16).astype(np.float32)


def trimmed(samples: np.ndarray) -> np.ndarray:
    """The samples from the first to the last audible 10 ms (so "start" is the voice's onset)."""
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 300.0)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] * 160 : (loud[-1] + 1) * 160]


def lay_out(
    transcript: Transcript,
    sentences: Sequence[tuple[int, int]],
    wavs: Sequence[Path],
    lengths: Sequence[float],
    seed: int,
    lead_s: float = 3.0,
    pause_scale: float = 1.0,
) -> Layout:
    """Sentences in transcript order with uneven pauses (mostly short, some of seconds, a few
    long: the layout no interpolation can guess); a quoted film line between two of them is a
    gap of its own length, whose edges are the known points."""
    rng = np.random.default_rng(seed)
    t = lead_s
    starts: dict[tuple[int, int], float] = {}
    known: list[tuple[int, float]] = []
    placed: list[tuple[float, Path]] = []
    previous_end = sentences[0][0]
    for span, wav, length in zip(sentences, wavs, lengths, strict=True):
        quoted = [w for w in transcript.words[previous_end : span[0]] if w.kind == "dialogue"]
        if quoted:
            t += _pause(rng, pause_scale) * 0.5
            known.append((quoted[0].index, t))
            t += 0.4 * sum(1 for w in quoted if any(c.isalnum() for c in w.text)) + 0.5
            known.append((span[0], t))
            t += 0.3
        starts[span] = t
        placed.append((t, wav))
        t += length + _pause(rng, pause_scale)
        previous_end = span[1]
    return Layout(starts, known, placed, t + lead_s)


def _pause(rng: np.random.Generator, scale: float) -> float:
    """Most pauses are a breath, one in four a few seconds, one in twenty a long silence."""
    draw = rng.random()
    if draw < 0.72:
        seconds = rng.uniform(0.15, 0.9)
    elif draw < 0.95:
        seconds = rng.uniform(1.0, 5.0)
    else:
        seconds = rng.uniform(6.0, 25.0)
    return seconds * scale


def director_track(layout: Layout, clips: dict[Path, np.ndarray]) -> np.ndarray:
    out = np.zeros(math.ceil(layout.duration * RATE), dtype=np.float32)
    for t, wav in layout.placed:
        clip = clips[wav]
        a = round(t * RATE)
        out[a : a + len(clip)] += clip[: len(out) - a]
    return out


def film_track(
    cues: Sequence[tuple[float, float, str]],
    start_s: float,
    duration: float,
    seed: int,
    processes: int = 1,
) -> np.ndarray:
    """The film's sound over [start_s, start_s + duration): its subtitle lines (espeak-ng, at
    their times) and music (chords and a noise floor, never silent)."""
    out = music(duration, seed)
    inside = [c for c in cues if c[1] >= start_s and c[0] <= start_s + duration]
    with ThreadPoolExecutor(processes) as pool:
        spoken_lines = list(pool.map(espeak, [text for _, _, text in inside], chunksize=16))
    for (a, _, _), spoken in zip(inside, spoken_lines, strict=True):
        at = round((a - start_s) * RATE)
        if at < 0:
            spoken, at = spoken[-at:], 0
        out[at : at + len(spoken)] += spoken[: len(out) - at] * 0.8
    return out


def espeak(text: str, voice: str = "en-us+m3") -> np.ndarray:
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "165", "--stdout", text], capture_output=True, check=True
    )
    return _decode("-", done.stdout)


def music(duration: float, seed: int) -> np.ndarray:
    """Four-second chords of a few harmonics with swells, over a noise floor (never silent)."""
    rng = np.random.default_rng(seed)
    n = math.ceil(duration * RATE)
    out = np.zeros(n, dtype=np.float32)
    bar = 4 * RATE
    t = np.arange(bar, dtype=np.float32) / RATE
    envelope = np.minimum(1.0, t / 0.3) * np.exp(-t / 3.0)
    smooth = np.ones(8, dtype=np.float32) / 8
    for a in range(0, n, bar):
        root = 110.0 * 2 ** (rng.integers(0, 12) / 12)
        chord = np.zeros(bar, dtype=np.float32)
        for ratio in (1.0, 1.26, 1.5, 2.0):
            chord += np.sin(2 * np.pi * root * ratio * t + rng.uniform(0, 6.28)).astype(np.float32)
        noise = np.convolve(rng.standard_normal(bar).astype(np.float32) * 400.0, smooth, "same")
        piece = (chord * envelope * 2000.0 + noise)[: n - a]
        out[a : a + len(piece)] = piece
    return out


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if samples.size else 0.0


def mix(director: np.ndarray, film: np.ndarray, film_db: float) -> np.ndarray:
    """The film ``film_db`` dB (negative) under the director's voice (RMS while he speaks)."""
    speaking = director[np.abs(director) > 300.0]
    gain = rms(speaking) * 10 ** (film_db / 20) / max(rms(film), 1.0)
    n = max(len(director), len(film))
    out = np.zeros(n, dtype=np.float32)
    out[: len(director)] += director
    out[: len(film)] += film * gain
    peak = float(np.max(np.abs(out))) or 1.0
    return out * min(1.0, 30000.0 / peak)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part.wav")
    with wave.open(str(part), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.clip(samples, -32768, 32767).astype(np.int16).tobytes())
    part.replace(path)
    return path
