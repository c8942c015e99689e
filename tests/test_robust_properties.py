"""Random input to every command: it either works or is refused in one line, never a traceback,
and a refusal leaves the database exactly as it was (issue 13).

Arguments and option values are drawn from hostile numbers (nan, inf, 1e308, 10**25, "-5"),
time-like strings and random text; commands run in-process through click's CliRunner, inside a
scratch folder (file arguments are plain names there, so nothing outside it is ever written).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.cli import main
from companion.store import Store
from companion.timing import edits

# Commands and the exit codes they document besides 0 and 2 (locate: a phrase not found;
# pack check: a film line not in the subtitles). `play` opens the window: not here.
COMMANDS = {name: () for name in main.commands if name not in ("play", "pack")}
COMMANDS |= {"locate": (1,), "pack check": (1,), "pack add": ()}

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(["nan", "-nan", "inf", "-inf", "1e308", "-1e308", "-5", "-0", "0", "1"]),
    st.sampled_from(["3:00:00", "2:20:00", "99:99", "1:2:3:4", "-1:00", "0x10", "１２", "1_000"]),
    st.sampled_from(["40-55", "5-x", "9-2", "1-99999999999999999999", "25:23.976", "25:0"]),
)
WORDS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-", "--", "--json", "-x", "*", '"', "AND", "\\", "cuttlefish"]),
)
VALUES = st.one_of(NUMBERS, WORDS)
FILE_NAMES = st.one_of(
    st.sampled_from(["t.json", "t.csv", "t.srt", "t.vtt", "notes.toml", "companion.db", "."]),
    st.text(st.characters(blacklist_characters="/\\\0"), min_size=1, max_size=10),
)


def _command(name: str) -> click.Command:
    command: click.Command = main
    for part in name.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    return command


@st.composite
def arguments(draw: st.DrawFn, name: str) -> list[str]:
    """Words for the command: each argument and some options, with hostile values, shuffled."""
    command = _command(name)
    words: list[str] = []
    for param in command.params:
        paths = isinstance(param.type, click.Path)
        value = FILE_NAMES if paths else VALUES
        if isinstance(param, click.Argument):
            count = draw(st.integers(1, 3)) if param.nargs == -1 else 1
            if not param.required and draw(st.booleans()):
                continue
            words += [draw(value) for _ in range(count)]
        elif draw(st.integers(0, 3)) == 0:
            words.append(param.opts[0])
            if not param.is_flag:
                words.append(draw(value))
    if draw(st.integers(0, 4)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(VALUES))
    return [*name.split(), *words]


class Database:
    """A store that the random commands share, and a way to tell whether they changed it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.watch = sqlite3.connect(path)

    def version(self) -> tuple:
        """SQLite's count of commits by other connections, and a hash of what the store holds."""
        changes = self.watch.execute("PRAGMA data_version").fetchone()[0]
        digest = hashlib.sha256()
        for table in ("segments", "anchors", "notes", "edits", "films", "tracks", "meta"):
            for row in self.watch.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
        return changes, digest.hexdigest()


@pytest.fixture(scope="module")
def database(built_db: Path, tmp_path_factory) -> Database:
    path = tmp_path_factory.mktemp("fuzz") / "companion.db"
    shutil.copy(built_db, path)
    opened = Database(path)
    yield opened
    opened.watch.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_arguments_work_or_are_refused_cleanly(database: Database, name: str, data):
    args = data.draw(arguments(name))
    before = database.version()
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        result = CliRunner().invoke(main, ["--db", str(database.path), *args], env=_clean_env())
    shown = f"{args!r}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {shown}") from result.exception
    assert result.exit_code in (0, 2, *COMMANDS[name]), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    if result.exit_code == 2:
        assert result.stderr.startswith("companion: error: "), shown
        _first, *more = result.stderr.splitlines()
        assert all(line.startswith("  ") for line in more), shown  # a list of problems
        assert database.version() == before, f"refused, yet the database changed: {shown}"


def _clean_env() -> dict[str, str | None]:
    """No $COMPANION_DB from the caller: --db names the store."""
    return {"COMPANION_DB": None} if "COMPANION_DB" in os.environ else {}


FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-10_000, 10_000),
    st.sampled_from([0.0, -0.0, 1e-9, 0.1, -0.1, 8460.0, 8460.001, 1e308]),
)
SEGMENTS = st.one_of(st.integers(-3, 230), st.sampled_from([10**25, -(10**25)]))


@pytest.fixture(scope="module")
def core_store(built_db: Path, tmp_path_factory):
    path = tmp_path_factory.mktemp("core") / "companion.db"
    shutil.copy(built_db, path)
    with Store(path) as store:
        yield store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    op=st.sampled_from(["pin", "nudge", "move", "shift", "shift part", "scale"]),
    n=SEGMENTS,
    x=FLOATS,
)
def test_core_edits_take_any_number_and_keep_the_track_sound(core_store, op, n, x):
    """Called directly (as the window does), an edit either refuses with an EditError or leaves
    every time finite, every pin and anchor inside the film and the pins in order."""
    store, track = core_store, core_store.track()["id"]
    make = {
        "pin": lambda: edits.set_time(store, track, n, x),
        "nudge": lambda: edits.nudge(store, track, n, x),
        "move": lambda: edits.move_boundary(store, track, n, x),
        "shift": lambda: edits.shift(store, track, x),
        "shift part": lambda: edits.shift(store, track, x, segments=(max(n, 1), max(n, 1) + 2)),
        "scale": lambda: edits.scale(store, track, x),
    }[op]
    with contextlib.suppress(edits.EditError):
        make()
    runtime = store.film()["runtime_s"]
    segments = store.segments(track)
    assert all(math.isfinite(s.start_s) and math.isfinite(s.end_s) for s in segments)
    pinned = [
        t for s in segments for t, p in ((s.start_s, s.start_pinned), (s.end_s, s.end_pinned)) if p
    ]
    assert all(0 <= t <= runtime for t in pinned) and pinned == sorted(pinned)
    assert all(0 <= a.film_s <= runtime for a in store.anchors(track))
