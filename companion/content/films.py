"""Commentary tracks in the store: adding one from its parsed transcript, and reading it back.

Packs (``companion.content.packs``) say which tracks a film has; this module is what stores them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from companion.content.transcript import Transcript, parse
from companion.store import Store
from companion.timing.retime import retime


def add_track(store: Store, film_id: str, meta: dict, transcript: Transcript) -> str:
    """Store one commentary track with its segments at their estimated times."""
    track_id = f"{film_id}/{meta['id']}"
    with store.transaction():
        store.put_track(
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
                "dialogue_table": json.dumps([list(row) for row in transcript.dialogue]),
            },
            (
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
            ),
        )
        retime(store, track_id)
    return track_id


def source_sha256(source: str) -> str:
    """Checksum of a transcript: what a timing file names to prove it fits this text."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def track_transcript(store: Store, track_id: str) -> Transcript:
    """The parsed transcript of a stored track (words with kinds, drafts), as ingestion saw it."""
    track = store.track(track_id)
    dialogue = [(int(a), int(b), speaker) for a, b, speaker in json.loads(track["dialogue_table"])]
    ocr = [(tuple(w), r) for w, r in json.loads(track["ocr_table"])]
    return parse(track["source_text"], ocr, dialogue=dialogue)
