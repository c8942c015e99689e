"""Opening the real window on a real store for the window's tests (issue 14)."""

from __future__ import annotations

from pathlib import Path

from conftest import ManualClock
from PySide6.QtCore import QSettings

from companion.store import Store
from companion.ui.film_model import FilmModel
from companion.ui.main_window import MainWindow


def settings_in(folder: Path) -> QSettings:
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, store: Store, settings: QSettings, **kwargs) -> MainWindow:
    """The window on ``store`` (clock player on a still hand clock unless told otherwise)."""
    if "vlc_args" not in kwargs:
        kwargs.setdefault("clock_time", ManualClock(100.0))
    window = MainWindow(FilmModel.from_store(store), settings, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts only reach the active window
    return window
