"""``companion play [VIDEO] [--at TIME]``, also what plain ``companion`` runs: open the window."""

from __future__ import annotations

import click

from companion.cli.group import TIME, main, open_store
from companion.cli.params import FileName
from companion.errors import CompanionError


@main.command()
@click.argument("video", required=False, type=FileName(dir_okay=False))
@click.option("--at", "at", type=TIME, help="Start at this film time (HH:MM:SS, MM:SS or seconds).")
@click.pass_context
def play(ctx: click.Context, video: str | None, at: float | None) -> None:
    """Open the player window on VIDEO (your copy of the film), or in clock mode without one.

    A file that cannot be played is reported in the window, which then follows a clock instead.
    """
    from companion.ui.app import NoDisplayError, run_app  # Qt loads only for the window

    store = open_store(ctx)
    try:
        code = run_app(store, video, at)
    except NoDisplayError as exc:
        raise CompanionError(str(exc)) from None
    ctx.exit(code)
