"""The click group every command hangs off, and what commands share: the store, output, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from companion.bootstrap import ensure_loaded
from companion.cli.params import TIME, FileName, NumbersCommand
from companion.errors import CompanionError
from companion.store import Store, default_db_path

__all__ = ["TIME", "emit", "fail", "json_option", "main", "open_store", "warn"]


class CompanionGroup(click.Group):
    """Turns any :class:`CompanionError`, and any usage error click finds in the arguments, into
    one line ``companion: error: …`` and exit code 2. Its commands read negative numbers."""

    command_class = NumbersCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            fail(_usage_message(exc))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CompanionError as exc:
            fail(str(exc))
        except click.UsageError as exc:
            fail(_usage_message(exc))


def fail(message: str) -> NoReturn:
    """Print ``companion: error: message`` and exit with code 2."""
    click.echo(f"companion: error: {printable(message)}", err=True)
    sys.exit(2)


def printable(message: str) -> str:
    """``message`` safe to print: control characters a user typed (a line break inside a file
    name) are shown escaped, so an error stays one line; only a list of problems continues on
    indented lines, as the message wrote it."""
    lines: list[str] = []
    for part in message.split("\n"):
        part = "".join(c if c.isprintable() else repr(c)[1:-1] for c in part)
        if lines and not part.startswith("  "):
            lines[-1] += "\\n" + part
        else:
            lines.append(part)
    return "\n".join(lines)


def warn(message: str) -> None:
    """Print ``companion: warning: message``: something was skipped, the command went on."""
    click.echo(f"companion: warning: {printable(message)}", err=True)


def _usage_message(exc: click.UsageError) -> str:
    """click's error as one line, with where to read the command's usage."""
    command = exc.ctx.command_path if exc.ctx else "companion"
    first_line = " ".join(exc.format_message().split())
    return f"{first_line} (see '{command} --help')"


@click.group(cls=CompanionGroup, invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    type=FileName(dir_okay=False, path_type=Path),
    envvar="COMPANION_DB",
    help="Database file (default: the platform's user data folder; or $COMPANION_DB).",
)
@click.version_option(package_name="companion")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """Companion: a film's director's commentary, trivia and corrections, on the film's clock.

    With no command, opens the app.
    """
    ctx.obj = {"db_path": db_path or default_db_path()}
    if ctx.invoked_subcommand is None:
        play = main.get_command(ctx, "play")
        if play is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(play)


def open_store(ctx: click.Context) -> Store:
    """The store named by ``--db``, built from the bundled films on first use; closed on exit."""
    obj = ctx.find_root().obj
    if "store" not in obj:
        path: Path = obj["db_path"]
        if path == default_db_path():
            path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path)
        ctx.call_on_close(store.close)
        ensure_loaded(store)
        obj["store"] = store
    return obj["store"]


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def emit(as_json: bool, data: Any, text: Callable[[], str]) -> None:
    """Print ``data`` as JSON, or the human-readable ``text()``."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(text())
