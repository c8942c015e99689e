"""Film times as people type and read them."""

from __future__ import annotations

import re

from companion.errors import CompanionError

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$")


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
            raise TimecodeError(f"{text!r}: minutes and seconds must be below 60")
        return int(hours or 0) * 3600 + minute * 60 + second
    try:
        seconds = float(value)
    except ValueError:
        raise TimecodeError(
            f"{text!r} is not a time: use HH:MM:SS(.mmm), MM:SS or seconds"
        ) from None
    if seconds < 0 or seconds != seconds or seconds in (float("inf"),):
        raise TimecodeError(f"{text!r}: a time must be a finite number of seconds, not negative")
    return seconds


def format_time(seconds: float | None, millis: bool = True) -> str:
    """``HH:MM:SS.mmm`` (or without the milliseconds); '--:--:--' for an unknown time."""
    if seconds is None:
        return "--:--:--"
    sign = "-" if seconds < 0 else ""
    total_ms = round(abs(seconds) * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{ms:03d}" if millis else text
