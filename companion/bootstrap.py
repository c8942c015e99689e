"""First run: build the store from the bundled film packs and the shipped timing files."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from companion.content.notes import add_pack, resolve_notes
from companion.formats.timingfile import apply_timing_file, file_name
from companion.store import Store

_CHECKOUT = Path(__file__).resolve().parents[1]


def resources_dir() -> Path:
    """The bundled film packs: ``$COMPANION_RESOURCES``, else the ones shipped with Companion."""
    return Path(os.environ.get("COMPANION_RESOURCES") or _shipped("resources"))


def timings_dir() -> Path:
    """The shipped timing files: ``$COMPANION_TIMINGS``, else the ones shipped with Companion."""
    return Path(os.environ.get("COMPANION_TIMINGS") or _shipped("timings"))


def _shipped(name: str) -> Path:
    """A top-level data folder: inside an installed package (the build copies it there, see
    setup.py), else in the checkout beside the package (the source of truth; editable installs)."""
    installed = files("companion").joinpath("bundled", name)
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    return _CHECKOUT / name


def ensure_loaded(store: Store) -> None:
    """Load the bundled film packs into an empty store; a store that has films is left alone.

    Order matters: the shipped timings put the commentary on the film's clock before the notes
    are placed, so notes found through the commentary land on the aligned times. All of it is
    one transaction: an interrupted first run leaves an empty store that the next run rebuilds.
    """
    if store.films():
        return
    with store.transaction():
        if store.films():  # another first run got the write lock first and built it
            return
        for pack in sorted(resources_dir().glob("*/notes.toml")):
            added = add_pack(store, pack)
            shipped = [timings_dir() / file_name(t) for t in added.tracks]
            for timings in filter(Path.is_file, shipped):
                apply_timing_file(store, timings)
            if any(map(Path.is_file, shipped)):
                resolve_notes(store, added.film_id)
