"""The ``companion`` command line. Each area's commands live in their own module here."""

from companion.cli import align, core, desktop, edit, listen, notes, play  # noqa: F401  (registers)
from companion.cli.group import main

__all__ = ["main"]
