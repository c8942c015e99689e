"""Running a long core operation (sync, listen, align, import) beside playback.

The operation runs on a Python worker thread with a :class:`~companion.jobs.CancelToken`; its
progress callback only emits a Qt signal (the one thing safe off the GUI thread), so the window
keeps painting and libVLC keeps playing. The status bar shows a progress bar, what is being done
and a Cancel button; when the work ends, ``done`` or ``failed`` fire on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from companion.errors import CompanionError
from companion.jobs import Cancelled, CancelToken, Progress

Work = Callable[[Progress, CancelToken], Any]


class JobBar(QWidget):
    """Progress bar + message + Cancel, hidden while nothing runs."""

    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self.cancel_clicked)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.hide()

    def show_progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(round(min(max(fraction, 0.0), 1.0) * 1000))
        self.label.setText(message)
        self.show()


class JobRunner(QObject):
    """Runs one job at a time; a second ``start`` while one runs is refused (returns False)."""

    progressed = Signal(float, str)
    done = Signal(str, object)  # job name, the work's return value
    failed = Signal(str, str)  # job name, one-line message (CompanionError, or "cancelled")
    _finished = Signal(str, object, str)

    def __init__(self, bar: JobBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self._token: CancelToken | None = None
        self._thread: threading.Thread | None = None
        self.progressed.connect(bar.show_progress)
        bar.cancel_clicked.connect(self.cancel)
        self._finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, name: str, work: Work) -> bool:
        """Run ``work(progress, cancel)`` on a worker thread; False if a job is running."""
        if self._thread is not None:
            return False
        self._token = token = CancelToken()
        self.bar.show_progress(0.0, f"{name}…")

        def run() -> None:
            try:
                result = work(self.progressed.emit, token)
            except Cancelled:
                self._finished.emit(name, None, "cancelled")
            except CompanionError as exc:
                self._finished.emit(name, None, str(exc) or type(exc).__name__)
            else:
                self._finished.emit(name, result, "")

        self._thread = threading.Thread(target=run, name=f"job: {name}", daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the running job's thread ends (closing the window, tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _on_finished(self, name: str, result: object, problem: str) -> None:
        if self._thread is not None:
            self._thread.join()
        self._thread = self._token = None
        self.bar.hide()
        if problem:
            self.failed.emit(name, problem)
        else:
            self.done.emit(name, result)
