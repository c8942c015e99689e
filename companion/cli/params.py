"""What the command line accepts as a number (film times, seconds, factors, counts) or a file name.

Every number a user types is checked here, before any command runs: it must parse, be finite
and lie in the type's range, or the command stops with one line naming the argument. Negative
numbers (``nudge 42 -0.1``, ``at -5``) are read as numbers, not as unknown options: see
:class:`NumbersCommand`. The core checks its own ranges again (against the film's runtime).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from typing import Any

import click

from companion.errors import CompanionError, shown
from companion.store import MAX_SEARCH_RESULTS
from companion.timing.timecode import MAX_SECONDS, parse_time

# "-5", "-0.1", "-.5", "-1e3", "-inf", "-nan", "-1:30": a negative number, never an option name
_NEGATIVE_NUMBER = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


class Number(click.ParamType):
    """A finite number in ``[low, high]`` (a whole one when ``whole``), named in the message."""

    def __init__(self, name: str, low: float, high: float, *, whole: bool = False) -> None:
        self.name = name
        self.low, self.high, self.whole = low, high, whole

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number: float = value
        else:
            number = self.parse(str(value), param, ctx)
        if not math.isfinite(number) or not self.low <= number <= self.high:
            self.fail(
                f"{shown(value)} is not a number from {self.low:g} to {self.high:g}", param, ctx
            )
        return int(number) if self.whole else float(number)

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            return int(text.strip()) if self.whole else float(text.strip())
        except ValueError:
            kind = "a whole number" if self.whole else "a number"
            self.fail(f"{shown(text)} is not {kind}", param, ctx)


class TimeParam(Number):
    """A film time: ``HH:MM:SS(.mmm)``, ``MM:SS`` or seconds; a leading ``-`` makes it negative
    (the core says whether a time before the film's start makes sense)."""

    def __init__(self) -> None:
        super().__init__("TIME", -MAX_SECONDS, MAX_SECONDS)

    def parse(self, text: str, param: click.Parameter | None, ctx: click.Context | None) -> float:
        value = text.strip()
        negative = value.startswith("-")
        try:
            seconds = parse_time(value[1:] if negative else value)
        except CompanionError as exc:
            self.fail(str(exc), param, ctx)
        return -seconds if negative else seconds


TIME = TimeParam()
SECONDS = Number("SECONDS", -MAX_SECONDS, MAX_SECONDS)
FACTOR = Number("FACTOR", -1e6, 1e6)
SEGMENT = Number("SEGMENT", 1, 1_000_000, whole=True)
COUNT = Number("COUNT", 1, MAX_SEARCH_RESULTS, whole=True)


class FileName(click.Path):
    """A path the system can name: one with a NUL or an unpaired surrogate (bytes that are not
    text in the file system's encoding) is refused here, before anything tries to open it."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            try:
                encoded = os.fsencode(value)
            except UnicodeEncodeError:
                encoded = b"\0"
            if b"\0" in encoded:
                self.fail(f"{shown(value)}: not a usable file name", param, ctx)
        return super().convert(value, param, ctx)


class NumbersCommand(click.Command):
    """A command whose arguments may be negative numbers.

    click reads any ``-…`` word as an option, so ``at -5`` failed with "No such option '-5'".
    Here unknown options pass through to the arguments (where the number types read them), and
    any other word that looks like an option and is not one of the command's is still refused.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = dict(kwargs.pop("context_settings", None) or {})
        settings["ignore_unknown_options"] = True
        kwargs["context_settings"] = settings
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _refuse_unknown_options(self, ctx, args)
        return super().parse_args(ctx, args)


def _refuse_unknown_options(
    command: click.Command, ctx: click.Context, args: Sequence[str]
) -> None:
    options = {
        name: param
        for param in command.get_params(ctx)
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }
    words = iter(args)
    for word in words:
        if word == "--":
            return
        name = word.split("=", 1)[0]
        option = options.get(name)
        if option is not None:
            if not option.is_flag and "=" not in word:
                next(words, None)  # its value, whatever it looks like
            continue
        if word.startswith("-") and len(word) > 1 and not _NEGATIVE_NUMBER.match(word):
            raise click.NoSuchOption(name, possibilities=list(options), ctx=ctx)
