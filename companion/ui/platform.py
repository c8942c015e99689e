"""Where libVLC can draw: it embeds into an X11 window, not a Wayland surface.

Both functions encode facts measured on this project: under a Wayland session Qt must be told to
use XWayland (xcb) before the QApplication exists, and a platform without native child windows
(offscreen, a bare Wayland, no DISPLAY) cannot show the video at all, so the app runs the clock.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QGuiApplication

EMBEDDING_PLATFORMS = {"xcb", "windows", "cocoa"}


def prefer_x11(environ: dict[str, str] | os._Environ = os.environ) -> None:
    """On Linux under Wayland, ask Qt for xcb (XWayland) unless the user chose a platform.

    Without an X server (no DISPLAY) Qt stays on Wayland and the window runs in clock mode.
    """
    if (
        sys.platform.startswith("linux")
        and environ.get("WAYLAND_DISPLAY")
        and environ.get("DISPLAY")
        and not environ.get("QT_QPA_PLATFORM")
    ):
        environ["QT_QPA_PLATFORM"] = "xcb"


def embedding_blocker() -> str | None:
    """Why video cannot be embedded in this session (None: it can)."""
    platform = QGuiApplication.platformName()
    if platform in EMBEDDING_PLATFORMS:
        return None
    if platform == "offscreen":
        return "Qt runs offscreen here (no screen), so there is no window to show video in"
    if platform.startswith("wayland"):
        return (
            "this session uses Wayland, and libVLC can only draw into X11 windows; "
            "start Companion with QT_QPA_PLATFORM=xcb (XWayland)"
        )
    return f"the Qt platform {platform!r} has no native windows for libVLC to draw into"
