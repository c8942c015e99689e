"""Film times as people type and read them."""

from __future__ import annotations

import math
import re

from companion.errors import CompanionError, shown

# The longest time anyone types for a film (100 hours); beyond it a number is a typo or a probe.
MAX_SECONDS = 360_000.0
_CLOCK = re.compile(r"^(?:(\d{1,6}):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$")


class TimecodeError(CompanionError, ValueError):
    """A time the user typed that is not one."""


def parse_time(text: str) -> float:
    """Seconds from ``HH:MM:SS(.mmm)``, ``MM:SS`` or plain seconds (``95.5``)."""
    value = text.strip()
    match = _CLOCK.match(value)
    if match:
        hours, minutes, seconds = match.groups()
        minute, second = int(minutes), float(seconds.replace(",", "."))
        if second >= 60 or (hours is not None and minute >= 60):
            raise TimecodeError(f"{shown(text)}: minutes and seconds must be below 60")
        total = int(hours or 0) * 3600 + minute * 60 + second
        if total > MAX_SECONDS:
            raise TimecodeError(f"{shown(text)}: a time must be at most {MAX_SECONDS:g} seconds")
        return total
    try:
        seconds = float(value)
    except ValueError:
        raise TimecodeError(
            f"{shown(text)} is not a time: use HH:MM:SS(.mmm), MM:SS or seconds"
        ) from None
    if not 0 <= seconds <= MAX_SECONDS:  # also refuses nan
        raise TimecodeError(
            f"{shown(text)}: a time must be a number of seconds from 0 to {MAX_SECONDS:g}"
        )
    return seconds


def outside_film(seconds: float, runtime: float) -> str | None:
    """Why ``seconds`` is not a time of a film ``runtime`` long, or None when it is one."""
    if 0 <= seconds <= runtime:
        return None
    return f"{format_time(seconds)} is outside the film (00:00:00.000 to {format_time(runtime)})"


def format_time(seconds: float | None, millis: bool = True) -> str:
    """``HH:MM:SS.mmm`` (or without the milliseconds); '--:--:--' for an unknown time."""
    if seconds is None:
        return "--:--:--"
    if not math.isfinite(seconds) or abs(seconds) > 1e9:  # a value being refused: show it as is
        return f"{seconds:g} s"
    sign = "-" if seconds < 0 else ""
    total_ms = round(abs(seconds) * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{ms:03d}" if millis else text
