"""Player window figures: time to first frame, the app's own CPU beside libVLC, memory, and how
late the panel changes after the playhead crosses a segment boundary.

    .venv/bin/python benchmarks/ui_bench.py [--seconds 15]

Each measurement runs in its own process on a real X server (started with xvfb-run unless
DISPLAY is set), with the real store of the bundled film and a generated 1280x720 H.264 clip:

- ``app``: the full window playing the clip, panel, timeline and browser visible;
- ``bare``: the same libVLC player in a plain window, no panel (what VLC alone costs);
- ``clock``: the window in second-screen (clock) mode over the whole film;
- ``latency``: clock mode, playing through real segment boundaries.

CPU is read per thread: the Qt main thread is where every line of the UI runs (libVLC decodes and
draws on its own threads), so its share is the app's own cost; the process total is shown too.
First frame is detected by reading the video pane's pixels back from the X server.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.monotonic()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_now() -> tuple[float, float, float]:
    """(wall, process CPU, main-thread CPU) seconds."""
    return time.monotonic(), time.process_time(), time.thread_time()


def cpu_share(start: tuple[float, float, float]) -> dict[str, float]:
    wall, proc, main = (b - a for a, b in zip(start, cpu_now(), strict=True))
    return {"process_cpu_pct": 100 * proc / wall, "main_thread_cpu_pct": 100 * main / wall}


def spin(app, until, timeout: float) -> bool:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if until():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        time.sleep(0.005)
    return until()


def run_loop(seconds: float) -> None:
    """Let Qt run undisturbed, as in the app (no polling loop of ours adding CPU)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def pane_has_picture(widget) -> bool:
    """True once the X server shows a non-black picture in the widget's area."""
    origin = widget.mapToGlobal(widget.rect().topLeft())
    image = widget.screen().grabWindow(0, origin.x(), origin.y(), widget.width(), widget.height())
    image = image.toImage()
    lit = sum(
        1
        for y in range(4, image.height() - 4, 16)
        for x in range(4, image.width() - 4, 16)
        if image.pixelColor(x, y).value() > 40
    )
    return lit > 20


# --- child processes ----------------------------------------------------------------------------


def child(mode: str, db: str, clip: str, seconds: float) -> dict:
    from PySide6.QtCore import QSettings

    from companion.player.base import PlayerState
    from companion.store import Store
    from companion.ui.app import application, build_window

    app = application()
    settings = QSettings(str(Path(db).with_suffix(".ini")), QSettings.Format.IniFormat)
    if mode == "bare":
        return bare_child(app, clip, seconds)
    store = Store(db)
    window = build_window(store, settings, vlc_args=["--aout=dummy"])
    window.resize(1440, 860)
    window.show()
    result: dict = {}
    if mode == "app":
        window.open_video(clip)
        spin(app, lambda: window.player.state() is PlayerState.PLAYING, 20)
        spin(app, lambda: pane_has_picture(window.video), 20)
        result["first_frame_s"] = time.monotonic() - T0
    elif mode == "clock":
        window.seek(1800.0)
        window.toggle_play()
    if mode == "latency":
        result |= latency(app, window)
    else:
        renders = []
        window.follower.active_changed.connect(renders.append)
        run_loop(1.0)  # settle
        start = cpu_now()
        run_loop(seconds)
        result |= cpu_share(start)
        result["panel_renders"] = len(renders)
    result["rss_mb"] = rss_mb()
    window.close()
    store.close()
    return result


def bare_child(app, clip: str, seconds: float) -> dict:
    from PySide6.QtWidgets import QWidget

    from companion.player.base import PlayerState
    from companion.player.vlc_player import VLCPlayer
    from companion.ui.video_pane import VideoSurface

    window = QWidget()
    window.resize(1440, 860)
    surface = VideoSurface(window)
    surface.setGeometry(0, 0, 996, 676)
    window.show()
    player = VLCPlayer(vlc_args=["--aout=dummy"])
    player.set_video_window(int(surface.winId()))
    player.load(clip)
    player.play()
    spin(app, lambda: player.state() is PlayerState.PLAYING, 20)
    spin(app, lambda: pane_has_picture(surface), 20)
    first = time.monotonic() - T0
    # A bare player's UI would still show the time: read it 4 times a second, nothing else.
    from PySide6.QtCore import QTimer

    clock = QTimer()
    clock.timeout.connect(player.position)
    clock.start(250)
    run_loop(1.0)
    start = cpu_now()
    run_loop(seconds)
    result = {"first_frame_s": first, **cpu_share(start), "rss_mb": rss_mb()}
    player.close()
    return result


def latency(app, window) -> dict:
    """Seek just before real boundaries, play, and time the panel's change against the clock."""
    segments = window.content.segments
    lateness, renders = [], []
    changed: list[float] = []
    window.follower.active_changed.connect(lambda _a: changed.append(time.monotonic()))
    for segment in segments[5:205:10]:
        lead = 0.25
        window.seek(segment.start_s - lead)
        spin(app, lambda: False, 0.05)
        changed.clear()
        window.player.play()
        crossing = time.monotonic() + lead
        spin(app, lambda s=segment: window.now_panel.active.segment == s, 2.0)
        window.player.pause()
        hits = [t for t in changed if t >= crossing - 0.002]
        if hits:
            lateness.append((hits[0] - crossing) * 1000)
    for segment in segments[:100]:
        active = window.content.index.at(segment.start_s + 0.1)
        t = time.perf_counter()
        window._on_active(active)
        renders.append((time.perf_counter() - t) * 1000)
    return {
        "boundaries": len(lateness),
        "latency_ms_median": statistics.median(lateness),
        "latency_ms_max": max(lateness),
        "render_ms_median": statistics.median(renders),
        "render_ms_max": max(renders),
    }


# --- parent -------------------------------------------------------------------------------------


def prepare(tmp: Path) -> tuple[Path, Path]:
    from clip import make_clip

    from companion.bootstrap import ensure_loaded
    from companion.store import Store

    db = tmp / "companion.db"
    with Store(db) as store:
        ensure_loaded(store)
    clip = make_clip(tmp / "clip.mkv", seconds=40.0, size="1280x720")
    return db, clip


def run_child(mode: str, db: Path, clip: Path, seconds: float) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        str(db),
        str(clip),
        "--seconds",
        str(seconds),
    ]
    if not env.get("DISPLAY"):
        if shutil.which("xvfb-run") is None:
            raise SystemExit("needs an X display or xvfb-run (sudo apt-get install xvfb)")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli_first_frame(db: Path, clip: Path, runs: int = 3) -> list[float]:
    """Seconds from launching ``companion play CLIP`` to a lit video pane, read back with
    ImageMagick's ``import`` from a private Xvfb (the app is measured as a user starts it)."""
    from PySide6.QtGui import QImage

    if not (shutil.which("Xvfb") and shutil.which("import")):
        return []
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        display = ":" + pipe.readline().strip()
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env |= {"DISPLAY": display, "XDG_CONFIG_HOME": str(db.parent / f"cfg{time.time_ns()}")}
    times = []
    try:
        for _ in range(runs):
            env["XDG_CONFIG_HOME"] = str(db.parent / f"cfg{time.time_ns()}")  # no resume position
            start = time.monotonic()
            app = subprocess.Popen(
                [sys.executable, "-m", "companion", "--db", str(db), "play", str(clip)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while time.monotonic() - start < 30:
                shot = subprocess.run(
                    ["import", "-display", display, "-window", "root", "-crop",
                     "400x240+300+200", "png:-"],
                    capture_output=True,
                )  # fmt: skip
                image = QImage.fromData(shot.stdout)
                if not image.isNull() and image.pixelColor(200, 120).value() > 40:
                    times.append(time.monotonic() - start)
                    break
            app.terminate()
            app.wait(30)
    finally:
        server.terminate()
        server.wait(10)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="playback measured per mode")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DB", "CLIP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db, clip = args.child
        print(json.dumps(child(mode, db, clip, args.seconds)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db, clip = prepare(Path(tmp))
        results = {
            mode: run_child(mode, db, clip, args.seconds)
            for mode in ("bare", "app", "clock", "latency")
        }
        cli = cli_first_frame(db, clip)
    bare, app, clock, late = (results[m] for m in ("bare", "app", "clock", "latency"))
    if cli:
        print(
            f"`companion play clip` to first frame on screen: median "
            f"{statistics.median(cli):.2f} s over {len(cli)} launches "
            f"({', '.join(f'{t:.2f}' for t in cli)})"
        )
    print(f"Playback of a 1280x720 H.264 clip for {args.seconds:.0f} s on Xvfb (X11 video output):")
    print(
        f"  first frame from process start: window {app['first_frame_s']:.2f} s, "
        f"bare player {bare['first_frame_s']:.2f} s"
    )
    extra = app["process_cpu_pct"] - bare["process_cpu_pct"]
    print(
        f"  process CPU: window {app['process_cpu_pct']:.1f} % of a core, bare player "
        f"{bare['process_cpu_pct']:.1f} % -> the window adds {extra:+.1f} %"
    )
    print(
        f"  Qt main thread (all UI work): window {app['main_thread_cpu_pct']:.2f} %, "
        f"bare player {bare['main_thread_cpu_pct']:.2f} %"
    )
    print(f"  memory (RSS): window {app['rss_mb']:.0f} MB, bare player {bare['rss_mb']:.0f} MB")
    print(
        f"Clock mode (no video), playing: process CPU {clock['process_cpu_pct']:.2f} %, "
        f"main thread {clock['main_thread_cpu_pct']:.2f} %, RSS {clock['rss_mb']:.0f} MB, "
        f"{clock['panel_renders']} panel re-renders"
    )
    print(
        f"Panel update after a boundary ({late['boundaries']} real boundaries): median "
        f"{late['latency_ms_median']:.1f} ms, max {late['latency_ms_max']:.1f} ms; "
        f"one re-render {late['render_ms_median']:.2f} ms median, "
        f"{late['render_ms_max']:.2f} ms max"
    )


if __name__ == "__main__":
    main()
