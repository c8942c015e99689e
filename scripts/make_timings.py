"""Regenerate the shipped timings of the bundled commentary from the film's real subtitles.

The subtitles are third-party data and never ship; what ships is what they teach us: anchors
(transcript word -> film seconds) and the segment times they give. Run after changing the
transcript, the ingestion or the aligner:

    .venv/bin/python scripts/make_timings.py [SUBTITLES]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from companion.alignment.anchoring import align_track
from companion.alignment.subtitles import load_cues
from companion.bootstrap import ensure_loaded
from companion.formats.timingfile import file_name, save_timing_file
from companion.store import Store

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"


def main() -> None:
    subtitles = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SUBTITLES
    cues = load_cues(subtitles)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "timings.db") as store:
        os.environ["COMPANION_TIMINGS"] = tmp  # start from the estimate, not the old file
        ensure_loaded(store)
        track_id = store.track()["id"]
        report = align_track(store, track_id, cues)
        out = REPO / "timings" / file_name(track_id)
        save_timing_file(store, track_id, out)
    print(f"{out.relative_to(REPO)}: {report.anchors} lines anchored from {subtitles.name}")


if __name__ == "__main__":
    main()
