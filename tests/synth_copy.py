"""Synthetic copies of the film for measuring: its dialogue spoken at the real subtitles' times.

A copy is what a viewer's file would be: a (tiny) picture, a sound track where espeak-ng speaks
each subtitle cue at its time on the copy's clock over music and noise, and optionally a
subtitle stream (text, PGS or VobSub). The copy's clock is a :class:`Truth`: an offset, a speed
(PAL copies play faster, voices pitched up as on a real PAL transfer), cues missing, or a scene
inserted. Tests make short copies of the film's opening; the benchmark full-length ones.

espeak-ng starts slowly, so cues are spoken in chunks: one run per chunk of cues separated by
long SSML breaks, split again on those silences.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from companion.alignment.speech import spoken_events
from companion.alignment.subtitles import load_subtitle_file
from companion.media.pcm import RATE, read_pcm

BREAK_MS = 2500
CHUNK = 60
VOICE_RATE = 22050  # espeak-ng's own sample rate


@dataclass(frozen=True)
class Line:
    start_s: float  # on the reference clock
    text: str


@dataclass(frozen=True)
class Truth:
    """The copy's clock: ``copy = offset + speed × reference`` (+ ``insert_s`` from
    ``insert_at_s`` on); ``missing`` is the share of cues left out (seeded)."""

    offset_s: float = 0.0
    speed: float = 1.0
    missing: float = 0.0
    insert_at_s: float | None = None
    insert_s: float = 0.0
    seed: int = 7

    def to_copy(self, reference_s: float) -> float:
        inserted = self.insert_at_s is not None and reference_s >= self.insert_at_s
        return self.offset_s + self.speed * reference_s + (self.insert_s if inserted else 0.0)


@dataclass
class Voices:
    """Each line's speech (16 kHz int16), spoken once and cached on disk."""

    lines: list[Line]
    clips: list[np.ndarray] = field(default_factory=list)


def film_lines(subtitles: Path, until_s: float | None = None) -> list[Line]:
    events = spoken_events(load_subtitle_file(subtitles).cues)
    return [Line(a, text) for a, _, text in events if until_s is None or a < until_s]


def speak(lines: Sequence[Line], cache: Path) -> Voices:
    """Speech of every line, from ``cache`` if it was made before."""
    key = hashlib.sha256("\n".join(line.text for line in lines).encode()).hexdigest()[:16]
    stored = cache / f"voices-{key}.npz"
    if stored.is_file():
        data = np.load(stored)
        bounds = data["bounds"]
        audio = data["audio"]
        return Voices(list(lines), [audio[a:b] for a, b in bounds])
    cache.mkdir(parents=True, exist_ok=True)
    clips: list[np.ndarray] = []
    for at in range(0, len(lines), CHUNK):
        clips += _speak_chunk([line.text for line in lines[at : at + CHUNK]])
    bounds = np.cumsum([0, *map(len, clips)])
    np.savez(stored, audio=np.concatenate(clips), bounds=np.stack([bounds[:-1], bounds[1:]], 1))
    return Voices(list(lines), clips)


def _speak_chunk(texts: Sequence[str]) -> list[np.ndarray]:
    """One espeak-ng run for many lines; its long breaks cut the output back into lines."""
    pause = f' <break time="{BREAK_MS}ms"/> '
    ssml = "<speak>" + pause.join(_escape(t) for t in texts) + "</speak>"
    audio = _espeak(ssml)
    clips = _split_on_silence(audio, BREAK_MS / 1000 * 0.7)
    if len(clips) != len(texts):  # a line espeak-ng said nothing for: speak them one by one
        clips = [_espeak(f"<speak>{_escape(t)}</speak>") for t in texts]
    return clips


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _espeak(ssml: str) -> np.ndarray:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    wav = subprocess.run(
        [espeak, "-m", "-s", "185", "--stdout"],
        input=ssml.encode(),
        capture_output=True,
        check=True,
    ).stdout
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "-", "-ar", str(RATE), "-ac", "1", "-f", "s16le", "-"],
        input=wav,
        capture_output=True,
        check=True,
    ).stdout
    return _trim(np.frombuffer(pcm, dtype=np.int16))


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > 64)
    return audio[loud[0] : loud[-1] + 1] if len(loud) else audio[:0]


def _split_on_silence(audio: np.ndarray, min_gap_s: float) -> list[np.ndarray]:
    loud = np.abs(audio.astype(np.int32)) > 64
    idx = np.flatnonzero(loud)
    if not len(idx):
        return []
    gaps = np.flatnonzero(np.diff(idx) > min_gap_s * RATE)
    starts = [idx[0], *idx[gaps + 1]]
    ends = [*idx[gaps], idx[-1]]
    return [audio[a : b + 1] for a, b in zip(starts, ends, strict=True)]


def kept_lines(voices: Voices, truth: Truth) -> list[int]:
    """Indices of the lines the copy has (``truth.missing`` of them dropped, seeded)."""
    rng = np.random.default_rng(truth.seed)
    keep = rng.random(len(voices.lines)) >= truth.missing
    return [i for i in range(len(voices.lines)) if keep[i]]


def speech_track(voices: Voices, truth: Truth, duration_s: float, out: Path) -> Path:
    """The copy's dialogue alone as raw 16 kHz int16 (memory-mapped: a full film is 270 MB)."""
    n = int(duration_s * RATE)
    track = np.lib.format.open_memmap(out, mode="w+", dtype=np.int16, shape=(n,))
    kept = kept_lines(voices, truth)
    times = [truth.to_copy(voices.lines[i].start_s) for i in kept]
    for pos, i in enumerate(kept):
        limit = times[pos + 1] - 0.1 if pos + 1 < len(kept) else duration_s
        _place(track, _at_speed(voices.clips[i], truth.speed), times[pos], limit)
    if truth.insert_at_s is not None:  # the added scene has dialogue of its own
        rng = np.random.default_rng(truth.seed + 1)
        at, end = (
            truth.to_copy(truth.insert_at_s) - truth.insert_s,
            truth.to_copy(truth.insert_at_s),
        )
        t = at + 1.0
        while t < end - 2.0:
            clip = voices.clips[int(rng.integers(len(voices.clips)))]
            _place(track, clip, t, end - 0.5)
            t += len(clip) / RATE + float(rng.uniform(0.5, 3.0))
    track.flush()
    return out


def _at_speed(clip: np.ndarray, speed: float) -> np.ndarray:
    if speed == 1.0 or not len(clip):
        return clip
    n = int(len(clip) / speed)
    return np.interp(np.arange(n) * speed, np.arange(len(clip)), clip).astype(np.int16)


def _place(track: np.ndarray, clip: np.ndarray, at_s: float, limit_s: float) -> None:
    a = round(at_s * RATE)
    b = min(a + len(clip), int(limit_s * RATE), len(track))
    if 0 <= a < b:
        track[a:b] = clip[: b - a]


# ---- subtitle streams ------------------------------------------------------------------------


def cue_times(voices: Voices, truth: Truth) -> list[tuple[float, float, str]]:
    """The copy's subtitle cues: its lines at copy time, ends as this SRT makes them."""
    kept = kept_lines(voices, truth)
    starts = [truth.to_copy(voices.lines[i].start_s) for i in kept]
    out = []
    for pos, i in enumerate(kept):
        nxt = starts[pos + 1] - 0.04 if pos + 1 < len(kept) else starts[pos] + 3
        out.append((starts[pos], min(nxt, starts[pos] + 6.0), voices.lines[i].text))
    return out


def write_srt(cues: Sequence[tuple[float, float, str]], out: Path) -> Path:
    def stamp(t: float) -> str:
        ms = round(t * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = [f"{n}\n{stamp(a)} --> {stamp(b)}\n{t}\n" for n, (a, b, t) in enumerate(cues, 1)]
    out.write_text("\n".join(blocks), encoding="utf-8")
    return out


def write_sup(cues: Sequence[tuple[float, float, str]], out: Path) -> Path:
    """A PGS (Blu-ray) subtitle file: each cue's text drawn with Pillow, shown at its start and
    cleared at its end, as a disc's display sets do."""
    from PIL import Image, ImageDraw

    # an empty display set at 0 keeps ffmpeg from moving the stream to start at the first cue
    segments = bytearray(_pgs_clear(0.0, 0, (0, 0, 1, 1)))
    for number, (start, end, text) in enumerate(cues, start=1):
        image = Image.new("L", (min(8 * len(text) + 8, 1900), 24), 0)
        ImageDraw.Draw(image).text((4, 6), text, fill=255)
        bitmap = (np.asarray(image) > 96).astype(np.uint8)
        h, w = bitmap.shape
        x, y = (1920 - w) // 2, 980
        pcs = struct.pack(">HHBHBBBB", 1920, 1080, 0x10, 2 * number, 0x80, 0, 0, 1)
        pcs += struct.pack(">HBBHH", 0, 0, 0, x, y)
        wds = struct.pack(">BBHHHH", 1, 0, x, y, w, h)
        pds = struct.pack(">BB", 0, 0) + bytes([0, 16, 128, 128, 0, 1, 235, 128, 128, 255])
        rle = _pgs_rle(bitmap)
        ods = struct.pack(">HBB", 0, 0, 0xC0) + (len(rle) + 4).to_bytes(3, "big")
        ods += struct.pack(">HH", w, h) + rle
        for kind, data in ((0x16, pcs), (0x17, wds), (0x14, pds), (0x15, ods), (0x80, b"")):
            segments += _pgs_segment(start, kind, data)
        segments += _pgs_clear(end, 2 * number + 1, (x, y, w, h))
    out.write_bytes(bytes(segments))
    return out


def _pgs_clear(t: float, number: int, window: tuple[int, int, int, int]) -> bytes:
    """A display set with no object: it clears the screen."""
    pcs = struct.pack(">HHBHBBBB", 1920, 1080, 0x10, number, 0, 0, 0, 0)
    wds = struct.pack(">BBHHHH", 1, 0, *window)
    return b"".join(_pgs_segment(t, k, d) for k, d in ((0x16, pcs), (0x17, wds), (0x80, b"")))


def _pgs_segment(t: float, kind: int, data: bytes) -> bytes:
    return b"PG" + struct.pack(">IIBH", round(t * 90000), 0, kind, len(data)) + data


def _pgs_rle(bitmap: np.ndarray) -> bytes:
    """PGS run-length coding of a 0/1 bitmap (colour 1 = text), one line at a time."""
    out = bytearray()
    for row in bitmap:
        edges = np.flatnonzero(np.diff(np.concatenate([[-1], row, [-1]])))
        for a, b in itertools.pairwise(edges):
            colour, run = int(row[a]), int(b - a)
            while run:
                n = min(run, 16383)
                if colour == 0:
                    out += bytes([0, n]) if n < 64 else bytes([0, 0x40 | n >> 8, n & 0xFF])
                elif n < 3:
                    out += bytes([colour]) * n
                elif n < 64:
                    out += bytes([0, 0x80 | n, colour])
                else:
                    out += bytes([0, 0xC0 | n >> 8, n & 0xFF, colour])
                run -= n
        out += b"\x00\x00"
    return bytes(out)


# ---- the copy --------------------------------------------------------------------------------


def make_copy(
    out: Path,
    voices: Voices,
    truth: Truth,
    duration_s: float,
    *,
    subtitles: str | None = None,  # None | "srt" | "pgs" | "dvdsub"
    audio: bool = True,
    video: bool = True,
    silent: bool = False,
) -> Path:
    """Write the copy (MKV: 64x36 1 fps picture, AAC 48 kHz sound, the subtitle stream)."""
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        work = Path(tmp)
        inputs: list[str] = []
        maps: list[str] = []
        n = 0
        if video:
            inputs += ["-f", "lavfi", "-i", f"color=c=gray:s=64x36:r=1:d={duration_s}"]
            maps += ["-map", f"{n}:v"]
            n += 1
        filters = ""
        if audio:
            speech = speech_track(voices, truth, duration_s, work / "speech.npy")
            raw = work / "speech.raw"
            np.load(speech, mmap_mode="r").tofile(raw)
            speech.unlink()
            music = (
                f"sine=f=220:r=48000:d={duration_s},tremolo=f=0.7:d=0.6,volume=0.10[m1];"
                f"sine=f=277:r=48000:d={duration_s},tremolo=f=0.45:d=0.8,volume=0.07[m2];"
                f"anoisesrc=color=pink:r=48000:a=0.02:d={duration_s}[nz];"
            )
            gain = 0.0 if silent else 1.0
            inputs += ["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(raw)]
            filters = (
                f"{music}[{n}:a]aresample=48000[sp];"
                f"[sp][m1][m2][nz]amix=inputs=4:normalize=0:duration=first,"
                f"volume={gain},pan=stereo|c0=c0|c1=c0[aout]"
            )
            maps += ["-map", "[aout]"]
            n += 1
        if subtitles:
            cues = cue_times(voices, truth)
            if subtitles == "srt":
                inputs += ["-i", str(write_srt(cues, work / "subs.srt"))]
                codec = "srt"
            else:  # PGS clears end cues: -fix_sub_duration makes them VobSub durations
                inputs += ["-fix_sub_duration", "-i", str(write_sup(cues, work / "subs.sup"))]
                codec = "copy" if subtitles == "pgs" else "dvd_subtitle"
            maps += ["-map", f"{n}:s", "-c:s", codec, "-metadata:s:s:0", "language=eng"]
        command = ["ffmpeg", "-v", "error", "-y", *inputs]
        if filters:
            command += ["-filter_complex", filters]
        command += [*maps, "-c:v", "libx264", "-preset", "ultrafast", "-g", "10"]
        command += ["-c:a", "aac", "-b:a", "96k", "-t", f"{duration_s}", str(out)]
        subprocess.run(command, check=True, capture_output=True)
    return out


def audio_lag_s(work: Path) -> float:
    """How late decoded sound comes out of an AAC-in-MKV file like the copies (the encoder's
    priming): a click put at 1.000 s, found again after a round trip."""
    raw = work / "click.raw"
    click = np.zeros(3 * RATE, dtype=np.int16)
    click[RATE : RATE + 160] = 20000
    click.tofile(raw)
    out = ffmpeg(
        work / "click.mkv",
        *("-f", "lavfi", "-i", "color=c=gray:s=64x36:r=1:d=3"),
        *("-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(raw)),
        *("-c:v", "libx264", "-af", "aresample=48000", "-c:a", "aac", "-b:a", "96k"),
    )
    back = read_pcm(out).astype(np.float64)
    near = back[RATE // 2 : 2 * RATE]
    fit = np.correlate(near, click[RATE : RATE + 480].astype(np.float64), mode="valid")
    return float((np.argmax(fit) + RATE // 2) / RATE - 1.0)


def ffmpeg(out: Path, *args: str) -> Path:
    """Run ffmpeg quietly with ``args``, writing ``out``."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(out)], check=True, timeout=600)
    return out
