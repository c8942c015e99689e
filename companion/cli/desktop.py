"""``companion install-desktop``: put Companion in the desktop's menu and "Open with" list."""

from __future__ import annotations

import click

from companion import desktop
from companion.cli.group import main


@main.command("install-desktop")
@click.option("--quiet", is_flag=True, help="Print nothing (errors still go to stderr).")
def install_desktop(quiet: bool) -> None:
    """Install the desktop entry and icon for this user (in $XDG_DATA_HOME or ~/.local/share).

    Videos then offer "Open with Companion". Running it again changes nothing.
    """
    written = desktop.install()
    if quiet:
        return
    for path in written:
        click.echo(f"installed {path}")
    if not written:
        click.echo(f"the desktop entry in {desktop.data_home()} is up to date")
