"""The click group every command hangs off, and what commands share: the store, output, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from companion.bootstrap import ensure_loaded
from companion.errors import CompanionError
from companion.store import Store, default_db_path
from companion.timing.timecode import parse_time


class CompanionGroup(click.Group):
    """Turns any :class:`CompanionError` into ``companion: error: …`` and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CompanionError as exc:
            click.echo(f"companion: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=CompanionGroup, invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
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


class TimeParam(click.ParamType):
    """A film time: ``HH:MM:SS(.mmm)``, ``MM:SS`` or seconds."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            return parse_time(str(value))
        except CompanionError as exc:
            self.fail(str(exc), param, ctx)


TIME = TimeParam()

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def emit(as_json: bool, data: Any, text: Callable[[], str]) -> None:
    """Print ``data`` as JSON, or the human-readable ``text()``."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(text())
