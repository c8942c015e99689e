"""Start the window: the one place that decides between libVLC and the clock, before Qt starts."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from companion.desktop import APP_ID
from companion.store import Store
from companion.ui.copy_clock import CopyClock
from companion.ui.editing import install_editing
from companion.ui.film_model import FilmModel
from companion.ui.listening import install_listening
from companion.ui.main_window import MainWindow
from companion.ui.platform import prefer_x11
from companion.ui.style import apply_theme


class NoDisplayError(RuntimeError):
    """No screen to open a window on; the message says what to do."""


def check_display() -> None:
    """Qt aborts the process without a display; fail first, with a sentence instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError(
            "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "run it in a desktop session, or use the command line (companion --help)"
        )


def application(argv: Sequence[str] = ()) -> QApplication:
    prefer_x11()
    check_display()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setApplicationName("Companion")
    app.setOrganizationName("Companion")
    app.setDesktopFileName(APP_ID)  # docks and Wayland match the window to the desktop entry
    apply_theme(app)
    return app


def vlc_problem() -> str | None:
    from companion.player.vlc_player import vlc_available

    ok, message = vlc_available()
    return None if ok else message


def build_window(
    store: Store,
    settings: QSettings,
    video: str | None = None,
    at: float | None = None,
    vlc_args: Sequence[str] = (),
) -> MainWindow:
    problem = vlc_problem()
    model = FilmModel.from_store(store)
    window = MainWindow(model, settings, vlc_args=vlc_args, vlc_problem=problem)
    if model.content.track_id and model.content.segments:
        window.editing = install_editing(window, store, model.content.track_id)
        window.listening = install_listening(window, store, model.content.track_id)
    window.copy_clock = CopyClock(window, store)
    if video:
        window.open_video(video, at=at)
    elif at is not None:
        window.seek(at)
    return window


def close_on_signals(window: MainWindow) -> None:
    """Ctrl+C or a SIGTERM closes the window properly: positions saved, libVLC released in order.

    Python runs signal handlers between bytecodes, which the film model's 2 Hz look at the
    store provides even while Qt's loop waits (so a signal is handled within half a second).
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: window.close())


def run_app(store: Store, video: str | None, at: float | None) -> int:
    """Open the window (clock mode without a usable video) and run until it is closed."""
    app = application()
    window = build_window(store, QSettings(), video, at)
    close_on_signals(window)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(app.quit)  # also when the libVLC notice is still open
    window.show()
    return app.exec()
