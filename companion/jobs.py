"""Long operations (sync, listen, align, import) report progress and can be cancelled.

The core runs them on whatever thread calls it and knows nothing of Qt: the CLI passes a progress
printer, the window a callback that only emits a Qt signal, and a :class:`CancelToken` that its
Cancel button sets. Work checks the token between steps, so cancelling stops within one step and,
because every write happens in one transaction at the end, leaves the store as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from companion.errors import CompanionError

# fraction done in [0, 1], and what is being done now ("reading 0:41:00–0:42:00 of the audio")
Progress = Callable[[float, str], None]


class Cancelled(CompanionError):
    """The user cancelled the operation; nothing was stored."""


class CancelToken:
    """A flag set from one thread (the window's Cancel button) and checked from the worker's."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user has asked to stop."""
        if self._event.is_set():
            raise Cancelled("cancelled; nothing was changed")


def no_progress(fraction: float, message: str) -> None:
    """The progress callback for callers that don't show any."""
