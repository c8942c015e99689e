"""Regenerate what the bundled commentary learns from the film's real subtitles.

The subtitles are third-party data and never ship; what ships is what they teach us, in two
steps: which transcript words are film dialogue and who speaks them
(``resources/<film>/dialogue.tsv``: word spans and speaker names, see
:mod:`companion.alignment.dialogue`), then, with that ingestion, the anchors (transcript word ->
film seconds, lines and sound cues) and the segment times they give (``timings/``). Run after
changing the transcript, the ingestion or the aligner:

    .venv/bin/python scripts/make_timings.py [SUBTITLES]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from companion.alignment.align import MatchWords, align
from companion.alignment.anchoring import align_track
from companion.alignment.dialogue import dialogue_evidence, write_dialogue_table
from companion.alignment.subtitles import Subtitles, load_subtitles
from companion.bootstrap import ensure_loaded
from companion.content.packs import load_pack
from companion.content.transcript import parse, read_ocr_table, read_source
from companion.formats.timingfile import file_name, save_timing_file
from companion.store import Store

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
PACK = REPO / "resources" / "age_of_ultron" / "notes.toml"


def write_dialogue(found: Subtitles) -> Path:
    """Step 1: the dialogue evidence, from an ingestion that has none yet."""
    pack = load_pack(PACK)
    track = pack.tracks[0]
    ocr = read_ocr_table(track.ocr_table) if track.ocr_table else []
    transcript = parse(read_source(track.transcript), ocr)
    matches = align(MatchWords.from_transcript(transcript), found.cues, found.sounds).matches
    out = track.dialogue_table or PACK.parent / "dialogue.tsv"
    write_dialogue_table(dialogue_evidence(transcript, found.cues, matches), out)
    return out


def main() -> None:
    subtitles = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SUBTITLES
    found = load_subtitles(subtitles)
    dialogue = write_dialogue(found)
    print(f"{dialogue.relative_to(REPO)}: dialogue evidence from {subtitles.name}")
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "timings.db") as store:
        os.environ["COMPANION_TIMINGS"] = tmp  # start from the estimate, not the old file
        ensure_loaded(store)
        track_id = store.track()["id"]
        report = align_track(store, track_id, found.cues, sounds=found.sounds)
        out = REPO / "timings" / file_name(track_id)
        save_timing_file(store, track_id, out)
    print(
        f"{out.relative_to(REPO)}: {report.anchors} lines and {report.sounds} sound cues"
        f" anchored from {subtitles.name}"
    )


if __name__ == "__main__":
    main()
