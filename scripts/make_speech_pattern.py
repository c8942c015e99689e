"""Build the shipped reference speech pattern of the bundled film from its real subtitles.

The subtitles are third-party and never ship; the pattern keeps only when people speak: each
spoken cue's start, and an end estimated from the length of its text, because this SRT's own end
times are synthetic (the next start − 40 ms, capped at 6 s) and would make the film look like
nearly solid speech. Pure sound cues (``(GRUNTS)``) are left out: nobody speaks in them.

    .venv/bin/python scripts/make_speech_pattern.py [SUBTITLES]
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

from companion.alignment.speech import SpeechPattern, pattern_path, spoken_events
from companion.alignment.subtitles import load_subtitle_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
PACK = REPO / "resources" / "age_of_ultron" / "notes.toml"
LEAD_S = 0.3  # a line takes a moment to start ...
CHARS_PER_S = 14.0  # ... and is then spoken at about 14 characters a second


def spoken_intervals(subtitles: Path) -> list[tuple[float, float]]:
    """One ``(start, estimated end)`` per cue that has spoken words, in time order; a line
    doesn't run past its cue's end (the next cue's start)."""
    out = []
    for start, end, words in spoken_events(load_subtitle_file(subtitles).cues):
        estimate = start + LEAD_S + len(words) / CHARS_PER_S
        out.append((start, min(estimate, end) if end > start + LEAD_S else estimate))
    return out


def main() -> None:
    subtitles = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SUBTITLES
    film = tomllib.loads(PACK.read_text(encoding="utf-8"))["film"]
    pattern = SpeechPattern(tuple(spoken_intervals(subtitles)), float(film["runtime_s"]))
    out = pattern_path(film["id"])
    out.write_text(json.dumps(pattern.as_json(film["id"]), separators=(",", ":")) + "\n")
    print(f"{out.relative_to(REPO)}: {len(pattern.cues)} spoken cues from {subtitles.name}")


if __name__ == "__main__":
    main()
