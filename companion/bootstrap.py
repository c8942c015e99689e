"""First run: build the store from the bundled film packs and the shipped timing files."""

from __future__ import annotations

import os
from pathlib import Path

from companion.films import load_film_pack
from companion.store import Store

_ROOT = Path(__file__).resolve().parents[1]


def resources_dir() -> Path:
    return Path(os.environ.get("COMPANION_RESOURCES", _ROOT / "resources"))


def timings_dir() -> Path:
    return Path(os.environ.get("COMPANION_TIMINGS", _ROOT / "timings"))


def ensure_loaded(store: Store) -> None:
    """Load the bundled films into an empty store; a store that has films is left alone."""
    if store.films():
        return
    for pack in sorted(p for p in resources_dir().iterdir() if (p / "film.toml").is_file()):
        load_film_pack(store, pack)
