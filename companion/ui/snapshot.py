"""Screenshot of the real window at a film time, with a JSON report of what it shows.

Run on an X display (``xvfb-run -a python -m companion.ui.snapshot …``): the test of the real
libVLC X11 output and the README screenshot both come from here, so what they show is exactly the
app a user runs. The whole screen is grabbed (not ``QWidget.grab``), because libVLC's picture lives
in a native child window that only the X server composes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from companion.player.base import PlayerState
from companion.store import Store
from companion.ui.app import application, build_window
from companion.ui.main_window import MainWindow


def wait_for(app: QApplication, condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return condition()


def settle(app: QApplication, seconds: float) -> None:
    wait_for(app, lambda: False, seconds)


def plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def rect_on_screen(widget) -> list[int]:
    origin = widget.mapToGlobal(widget.rect().topLeft())
    return [origin.x(), origin.y(), widget.width(), widget.height()]


def report(window: MainWindow, started: float, first_frame_s: float | None) -> dict:
    active = window.now_panel.active
    return {
        "mode": window.mode_label.text(),
        "position": window.player.position(),
        "segment_n": active.segment.n if active and active.segment else None,
        "panel_text": plain(window.now_panel.text.text()),
        "panel_header": plain(window.now_panel.header.text()),
        "notice": window.notice.label.text() if window.notice.isVisible() else "",
        "video_rect": rect_on_screen(window.video),
        "panel_rect": rect_on_screen(window.now_panel),
        "window_rect": rect_on_screen(window),
        "first_frame_s": first_frame_s,
        "elapsed_s": time.monotonic() - started,
    }


def snapshot(args: argparse.Namespace) -> dict:
    started = time.monotonic()
    app = application()
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    store = Store(args.db)
    width, height = (int(v) for v in args.size.split("x"))
    window = build_window(store, settings, vlc_args=args.vlc_arg)
    window.resize(width, height)
    window.move(0, 0)
    window.show()
    settle(app, 0.3)
    first_frame_s = None
    if args.video:
        window.open_video(args.video, at=args.at)
        playing = wait_for(app, lambda: window.player.state() is PlayerState.PLAYING, 15)
        if playing:
            first_frame_s = time.monotonic() - started
            target = args.at or 0.0
            wait_for(app, lambda: window.player.position() >= target + 0.3, 10)
            window.player.pause()
    elif args.at is not None:
        window.seek(args.at)
    for query in args.search or ():
        window.browse.search.setText(query)
        window.browse.run_search()
    settle(app, args.settle)
    screen = window.screen()
    picture = screen.grabWindow(0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    x, y, w, h = rect_on_screen(window)
    picture.copy(x, y, w, h).save(str(args.out))
    result = report(window, started, first_frame_s)
    window.close()
    store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True, help="QSettings INI file to use")
    parser.add_argument("--video")
    parser.add_argument("--at", type=float)
    parser.add_argument("--search", action="append", help="type this into the search box")
    parser.add_argument("--size", default="1440x860")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds before the grab")
    parser.add_argument("--vlc-arg", action="append", default=[], help="extra libVLC option")
    parser.add_argument("--out", type=Path, required=True, help="PNG of the window")
    parser.add_argument("--report", type=Path, help="JSON of what the window shows")
    args = parser.parse_args()
    result = snapshot(args)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
