"""The ``companion`` command line. Each area's commands live in their own module here."""

from companion.cli import align, core, desktop, edit, notes, play  # noqa: F401  (registers commands)
from companion.cli.group import main

__all__ = ["main"]
