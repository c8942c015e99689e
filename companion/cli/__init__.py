"""The ``companion`` command line. Each area's commands live in their own module here."""

from companion.cli import align, core, edit, notes, play, sync  # noqa: F401  (registers commands)
from companion.cli.group import main

__all__ = ["main"]
