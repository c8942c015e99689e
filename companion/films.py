"""Adding a film and its commentary tracks to the store, from a film pack folder.

A film pack is a folder with ``film.toml`` (film metadata and one ``[[commentary]]`` table per
track: transcript file, speaker, the span of the film it talks over, optional OCR table).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from companion.errors import CompanionError
from companion.store import Store
from companion.timing import retime
from companion.transcript import Transcript, TranscriptError, parse, read_ocr_table, read_source


class PackError(CompanionError):
    """A film pack that cannot be loaded; the message names the file and the field."""


def read_film_toml(pack_dir: Path) -> dict:
    path = pack_dir / "film.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackError(f"{path}: film pack has no film.toml") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: not valid TOML ({exc})") from None
    film = data.get("film")
    if not isinstance(film, dict):
        raise PackError(f"{path}: missing [film] table")
    for key, kind in (("id", str), ("title", str), ("year", int), ("runtime_s", (int, float))):
        if not isinstance(film.get(key), kind):
            raise PackError(f"{path}: [film] needs {key!r}")
    for i, track in enumerate(data.get("commentary", []), 1):
        for key in ("id", "title", "speaker", "transcript", "start_s", "end_s"):
            if key not in track:
                raise PackError(f"{path}: [[commentary]] #{i} needs {key!r}")
        if not 0 <= track["start_s"] < track["end_s"] <= film["runtime_s"]:
            raise PackError(f"{path}: [[commentary]] #{i}: need 0 <= start_s < end_s <= runtime_s")
    return data


def load_film_pack(store: Store, pack_dir: Path) -> list[str]:
    """Add the pack's film and commentary tracks (replacing earlier copies); returns track ids."""
    data = read_film_toml(pack_dir)
    film = data["film"]
    tracks = []
    for meta in data.get("commentary", []):
        source_path = pack_dir / meta["transcript"]
        try:
            ocr = read_ocr_table(pack_dir / meta["ocr_table"]) if meta.get("ocr_table") else []
            source = read_source(source_path)
            tracks.append((meta, parse(source, ocr)))
        except TranscriptError as exc:
            raise PackError(str(exc)) from None
    with store.transaction():
        store.db["films"].upsert(
            {
                "id": film["id"],
                "title": film["title"],
                "year": film["year"],
                "runtime_s": float(film["runtime_s"]),
                "metadata": json.dumps(film, sort_keys=True),
            },
            pk="id",
        )
        ids = [add_track(store, film["id"], meta, transcript) for meta, transcript in tracks]
    return ids


def add_track(store: Store, film_id: str, meta: dict, transcript: Transcript) -> str:
    """Store one commentary track with its segments at their estimated times."""
    track_id = f"{film_id}/{meta['id']}"
    with store.transaction():
        store.db.execute("DELETE FROM anchors WHERE track_id = ?", [track_id])
        store.db.execute("DELETE FROM edits WHERE track_id = ?", [track_id])
        store.db.execute("DELETE FROM segments WHERE track_id = ?", [track_id])
        store.db["tracks"].upsert(
            {
                "id": track_id,
                "film_id": film_id,
                "title": meta["title"],
                "speaker": meta["speaker"],
                "source_text": transcript.source,
                "source_sha256": source_sha256(transcript.source),
                "word_count": len(transcript.words),
                "start_s": float(meta["start_s"]),
                "end_s": float(meta["end_s"]),
                "ocr_table": json.dumps([[list(w), r] for w, r in transcript.ocr_table]),
            },
            pk="id",
        )
        store.db["segments"].insert_all(
            {
                "track_id": track_id,
                "n": d.n,
                "char_start": d.char_start,
                "char_end": d.char_end,
                "word_start": d.word_start,
                "word_end": d.word_end,
                "text": d.text,
                "spans": json.dumps([asdict(s) for s in d.spans]),
                "start_s": 0.0,
                "end_s": 0.0,
                "origin": "estimated",
                "confidence": 0.0,
                "start_pinned": 0,
                "end_pinned": 0,
            }
            for d in transcript.drafts
        )
        retime(store, track_id)
    return track_id


def source_sha256(source: str) -> str:
    """Checksum of a transcript: what a timing file names to prove it fits this text."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def track_transcript(store: Store, track_id: str) -> Transcript:
    """The parsed transcript of a stored track (words with kinds, drafts), as ingestion saw it."""
    track = store.track(track_id)
    return _parse_cached(track["source_text"], track["ocr_table"])


@lru_cache(maxsize=4)
def _parse_cached(source: str, ocr_json: str) -> Transcript:
    return parse(source, [(tuple(w), r) for w, r in json.loads(ocr_json)])
