"""Player figures: open-to-first-frame, CPU and memory during playback, playhead jitter.

Run under a real X display to measure the real thing (an X11 window, libVLC's own X11 video
output, first frame detected by reading the window's pixels back from the X server):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/player_bench.py

Without a display (or with ``--dummy``) libVLC decodes into its dummy output and "first frame" is
the first time libVLC reports a playing position; the output says which mode ran. Audio always
goes to the dummy output (no sound card needed). CPU is split per thread from /proc (Linux): the
Qt main thread is the app's own share (the 30 Hz panel poll of ``position()``), the rest is
libVLC decoding and output.

``--window`` measures the real app instead: the whole window (panel, timeline, editing strip, the
store of the bundled film) on the same clip, in four states (video paused, video playing, clock
paused, clock playing), with the app's own share (every thread that is not libVLC's) apart from
libVLC's. Media and the built database are cached under ``artifacts/bench``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
import itertools

from clip import make_clip

from companion.player.base import PlayerState
from companion.player.vlc_player import VLCPlayer, vlc_available

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[int, float]:
    """CPU seconds per thread of this process (utime + stime from /proc/self/task/*/stat)."""
    out: dict[int, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended while we looked
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def spin(app: QApplication, until, timeout: float) -> float:
    """Process Qt events until ``until()`` is true; seconds taken (raises on timeout)."""
    timer = QElapsedTimer()
    timer.start()
    while not until():
        app.processEvents()
        if timer.elapsed() > timeout * 1000:
            raise TimeoutError(f"gave up after {timeout} s")
        time.sleep(0.002)
    return timer.elapsed() / 1000


def window_shows_video(widget: QWidget) -> bool:
    """True once the X server has non-black pixels in the video window (libVLC drew a frame)."""
    image = QGuiApplication.primaryScreen().grabWindow(int(widget.winId())).toImage()
    if image.isNull():
        return False
    w, h = image.width(), image.height()
    points = [(x * w // 8, y * h // 8) for x in range(1, 8) for y in range(1, 8)]
    return sum(image.pixelColor(x, y).value() for x, y in points) / len(points) > 40


def percentiles(values: list[float]) -> str:
    values = sorted(abs(v) for v in values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    ms = [p(0.5) * 1000, p(0.95) * 1000, values[-1] * 1000]
    return "p50 {:6.1f} ms  p95 {:6.1f} ms  max {:6.1f} ms".format(*ms)


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "bench"


def cached_clip(seconds: float, size: str) -> Path:
    """The clip at this length and size, made once (a 720p encode takes a while)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"clip-{size}-{seconds:g}s.mkv"
    if not path.is_file():
        make_clip(path.with_suffix(".tmp.mkv"), seconds=seconds, size=size).rename(path)
    return path


def cached_db() -> Path:
    """The bundled film's store, built once and copied for each run (the app writes to it)."""
    import shutil

    from companion.bootstrap import ensure_loaded
    from companion.store import Store

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    built = ARTIFACTS / "built.db"
    if not built.is_file():
        with Store(built) as store:
            ensure_loaded(store)
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = Path(tempfile.mkdtemp()) / "companion.db"
    shutil.copy(built, copy)
    return copy


def vlc_thread_ids(before: set[int]) -> set[int]:
    """Threads that appeared once libVLC started (its decoders, outputs, timers)."""
    return set(thread_cpu()) - before


def measure(app: QApplication, seconds: float, vlc_threads: set[int]) -> tuple[float, float]:
    """(app %, libVLC %) of one core over ``seconds`` of a real event loop."""
    threads0, wall0 = thread_cpu(), time.monotonic()
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    threads1, wall = thread_cpu(), time.monotonic() - wall0
    used = {tid: threads1[tid] - threads0.get(tid, 0.0) for tid in threads1}
    vlc = sum(v for tid, v in used.items() if tid in vlc_threads)
    own = sum(v for tid, v in used.items() if tid not in vlc_threads)
    return 100 * own / wall, 100 * vlc / wall


def window_bench(opts: argparse.Namespace) -> None:
    """CPU of the real window, paused and playing, with a video and in clock mode."""
    from PySide6.QtCore import QSettings

    from companion.store import Store
    from companion.ui.app import application, build_window

    real = bool(os.environ.get("DISPLAY")) and not opts.dummy
    if not real:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = application()
    clip = cached_clip(max(opts.seconds * 2 + 10, 30), opts.size)
    db = cached_db()
    settings = QSettings(str(db.with_suffix(".ini")), QSettings.Format.IniFormat)
    vout = (f"--vout={opts.vout}",) if opts.vout else ()
    args = ("--aout=dummy", *(vout if real else ("--vout=dummy",)))
    store = Store(db)
    before = set(thread_cpu())
    window = build_window(store, settings, vlc_args=args)
    window.resize(1440, 880)
    window.show()
    spin(app, window.isVisible, 5)
    before |= set(thread_cpu())  # Qt's own threads (xcb, dbus) count as the app's
    window.open_video(str(clip))
    spin(app, lambda: window.player.state() is PlayerState.PLAYING, 15)
    spin(app, lambda: window.player.position() > 1.0, 15)
    vlc = vlc_thread_ids(before)
    print(f"libVLC            {vlc_available()[1]}; clip {opts.size}; window 1440x880")
    print(f"mode              {'real X11 window' if real else 'offscreen, --vout=dummy'}")
    playing = measure(app, opts.seconds, vlc)
    window.player.pause()
    spin(app, lambda: window.player.state() is PlayerState.PAUSED, 5)
    measure(app, 1.0, vlc)  # let the pause settle
    paused = measure(app, opts.seconds, vlc)
    window.close_video()
    clock_paused = measure(app, opts.seconds, vlc)
    window.player.play()
    clock_playing = measure(app, opts.seconds, vlc)
    for name, (own, dec) in (
        ("video playing", playing),
        ("video paused", paused),
        ("clock paused", clock_paused),
        ("clock playing", clock_playing),
    ):
        print(f"{name:<17} app {own:5.1f} % of a core   libVLC {dec:5.1f} %   ({opts.seconds:g} s)")
    window.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="playback measured")
    parser.add_argument("--size", default="1280x720", help="clip resolution")
    parser.add_argument("--dummy", action="store_true", help="no window: libVLC dummy video")
    parser.add_argument(
        "--vout",
        default="",
        help="libVLC video output (default: its own choice; xcb_x11 avoids "
        "the OpenGL output, which Xvfb can only run in software)",
    )
    parser.add_argument("--window", action="store_true", help="the real app window's CPU")
    opts = parser.parse_args()
    if opts.window:
        window_bench(opts)
        return

    ok, version = vlc_available()
    if not ok:
        sys.exit(version)
    real = not opts.dummy and bool(os.environ.get("DISPLAY"))
    if not real:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    app = QApplication(sys.argv[:1])

    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp) / "bench.mkv", seconds=opts.seconds + 6, size=opts.size)
        widget = None
        if real:
            width, height = (int(v) for v in opts.size.split("x"))
            widget = QWidget()
            widget.setWindowTitle("player bench")
            widget.resize(width, height)
            widget.setStyleSheet("background: black")
            widget.show()
            spin(app, widget.isVisible, 5)
            app.processEvents()
            vout = (f"--vout={opts.vout}",) if opts.vout else ()
            player = VLCPlayer(("--aout=dummy", *vout))
            player.set_video_window(int(widget.winId()))
        else:
            player = VLCPlayer(("--vout=dummy", "--aout=dummy"))

        mp = player._mp  # raw libVLC time, only to compare the staircase with the playhead
        start = time.perf_counter()
        player.load(str(clip))
        player.play()
        playing = spin(app, lambda: player.state() is PlayerState.PLAYING, 10)
        if real:
            first = spin(app, lambda: window_shows_video(widget), 10)
            mode = f"real X11 window (Xvfb), libVLC video output {opts.vout or 'default'}"
        else:
            first = spin(app, lambda: mp.get_time() > 0, 10)
            mode = "NO WINDOW: --vout=dummy (first frame = first reported position)"
        first = time.perf_counter() - start

        label = QLabel()  # the panel stand-in: a 30 Hz poll that repaints a line of text
        samples: list[tuple[float, float, float]] = []

        def tick() -> None:
            pos = player.position()
            samples.append((time.monotonic(), pos, mp.get_time() / 1000))
            label.setText(f"{pos:8.3f}")

        poll = QTimer()
        poll.timeout.connect(tick)
        threads0, cpu0, wall0 = thread_cpu(), process_cpu(), time.monotonic()
        poll.start(33)
        loop = QEventLoop()  # a real event loop: busy-waiting would inflate the app's CPU share
        QTimer.singleShot(round(opts.seconds * 1000), loop.quit)
        loop.exec()
        poll.stop()
        threads1, cpu1, wall = thread_cpu(), process_cpu(), time.monotonic() - wall0
        main_tid = os.getpid()
        main_cpu = threads1.get(main_tid, 0) - threads0.get(main_tid, 0)

        t0, p0, _ = samples[0]
        head = [pos - p0 - (t - t0) for t, pos, _ in samples]
        raw = [r - p0 - (t - t0) for t, _, r in samples]
        mid_head, mid_raw = statistics.median(head), statistics.median(raw)
        backwards = sum(1 for a, b in itertools.pairwise(samples) if b[1] < a[1])
        steps = [b[1] - a[1] for a, b in itertools.pairwise(samples)]
        raw_changes = sum(1 for a, b in itertools.pairwise(samples) if b[2] != a[2])

        print(f"libVLC            {version}; clip {opts.size} H.264 25 fps, 2 AAC tracks")
        print(f"mode              {mode}")
        print(f"open->Playing     {playing * 1000:7.1f} ms")
        print(f"open->first frame {first * 1000:7.1f} ms")
        print(f"CPU, {wall:4.1f} s play  {100 * (cpu1 - cpu0) / wall:6.1f} % of one core (process)")
        print(f"  Qt main thread  {100 * main_cpu / wall:6.1f} % (app + 30 Hz position() poll)")
        print(f"  libVLC threads  {100 * (cpu1 - cpu0 - main_cpu) / wall:6.1f} % (decode, output)")
        print(
            f"max RSS           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB"
        )
        print(f"polls             {len(samples)} at 30 Hz; libVLC time changed {raw_changes} times")
        print(f"playhead error    {percentiles([h - mid_head for h in head])} (vs wall clock)")
        print(f"raw get_time err  {percentiles([r - mid_raw for r in raw])} (vs wall clock)")
        print(
            f"playhead steps    mean {statistics.mean(steps) * 1000:.1f} ms, "
            f"stdev {statistics.stdev(steps) * 1000:.1f} ms; backwards steps: {backwards}"
        )
        close_start = time.perf_counter()
        player.close()
        print(f"close()           {(time.perf_counter() - close_start) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
