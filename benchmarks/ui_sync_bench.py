"""The window while it syncs a copy: does the event loop keep running and the video keep playing?

Opens a copy new to the store in the real window (libVLC, dummy outputs) and, while the sync runs
on the job runner's worker thread, samples every 20 ms how late the GUI timer fires and where the
player is. Prints the sync's wall time, the event loop's worst and 99th-percentile lateness and
how far the video played meanwhile. Asserts nothing; a baseline opens a copy already known.

The copies are made once under ``artifacts/ui_sync/``: one placed from its subtitle stream (the
film's real subtitle timing, 23.7 s late) and one only from its sound (espeak-ng speaking the
film's first 12 minutes of lines, 23.7 s late, over music and noise: the audio path). Run under
Xvfb and ``nice``:

    xvfb-run -a nice -n 10 .venv/bin/python benchmarks/ui_sync_bench.py [VIDEO ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, QTimer  # noqa: E402

from companion.alignment import copies  # noqa: E402
from companion.bootstrap import ensure_loaded  # noqa: E402
from companion.store import Store  # noqa: E402
from companion.timing.releases import ReleaseMap  # noqa: E402
from companion.ui.app import application, build_window  # noqa: E402

CACHE = REPO / "artifacts" / "ui_sync"
SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"
TICK_MS = 20
AUDIO_COPY_S = 12 * 60.0


def subtitle_copy() -> Path:
    from copy_clip import subtitled_copy

    out = CACHE / "late-subtitles.mkv"
    if not out.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subtitled_copy(out, lambda ms: ms + 23_700, picture_s=120.0)
    return out


def sound_copy() -> Path:
    from synth_copy import Truth, film_lines, make_copy, speak

    out = CACHE / "late-sound.mkv"
    if not out.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        voices = speak(film_lines(SUBTITLES, until_s=AUDIO_COPY_S - 60), CACHE)
        make_copy(out, voices, Truth(offset_s=23.7), AUDIO_COPY_S)
    return out


def measure(video: Path, known: bool = False) -> None:
    """Open ``video`` (``known``: its map set by hand first, so nothing is synced: the baseline)
    and sample the GUI timer and the playhead until the sync ends (or 3 s for the baseline)."""
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "companion.db")
        ensure_loaded(store)
        if known:
            copies.set_by_hand(store, store.film()["id"], video, ReleaseMap(23.7))
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = build_window(store, settings, vlc_args=("--vout=dummy", "--aout=dummy"))
        window.show()
        samples: list[tuple[float, float]] = []  # (wall time, player position)
        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: samples.append((time.monotonic(), window.player.position())))
        began = time.monotonic()
        window.open_video(str(video))
        timer.start()
        deadline = began + (3.0 if known else 120.0)
        while (known or window.jobs.busy) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
        took = time.monotonic() - began
        timer.stop()
        copy = window.copy_clock.copy
        window.close()
        store.close()
    times = np.array([t for t, _ in samples])
    late = np.diff(times) * 1000 - TICK_MS if len(times) > 1 else np.zeros(1)
    moved = samples[-1][1] - samples[0][1] if samples else 0.0
    found = copy.summary if copy else "not placed"
    what = "baseline, no sync" if known else f"sync {took:.2f} s wall"
    print(f"{video.name}: {found} ({copy.method if copy else '-'})")
    print(
        f"  {what}; GUI timer late by max {late.max():.0f} ms, p99 "
        f"{np.percentile(late, 99):.0f} ms over {len(samples)} ticks; the video played "
        f"{moved:.1f} s meanwhile (libVLC takes about a second to start)"
    )


def main() -> None:
    videos = [Path(a) for a in sys.argv[1:]] or [subtitle_copy(), sound_copy()]
    for video in videos:
        measure(video)
    measure(videos[0], known=True)


if __name__ == "__main__":
    main()
