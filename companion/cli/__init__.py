"""The ``companion`` command line. Each area's commands live in their own module here."""

from companion.cli import (  # noqa: F401  (registers commands)
    align,
    core,
    desktop,
    edit,
    listen,
    notes,
    play,
    sync,
)
from companion.cli.group import main

__all__ = ["main"]
