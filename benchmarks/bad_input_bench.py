"""The bad inputs of issue 13, each run as a user would (the real CLI, a fresh copy of the store):
for each one the exit code, whether it printed a traceback, whether the database changed,
and the first line on stderr; then the totals.

    .venv/bin/python benchmarks/bad_input_bench.py
    PYTHONPATH=/path/to/another/checkout .venv/bin/python benchmarks/bad_input_bench.py

A full disk needs root (a small tmpfs); without it that case is left out. A read-only disk is a
tmpfs remounted read-only (without root: a file marked read-only).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pysubs2

REPO = Path(__file__).resolve().parents[1]
SUBTITLES = REPO.parent / "shared" / "data" / "age_of_ultron.en.srt"


def companion(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMPANION_DB"}
    return subprocess.run(
        [sys.executable, "-m", "companion", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def content(db: Path) -> str:
    uri = db.resolve().as_uri()
    for mode in ("mode=ro", "immutable=1"):
        with contextlib.closing(sqlite3.connect(f"{uri}?{mode}", uri=True)) as conn:
            try:
                return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
            except sqlite3.DatabaseError:
                continue
    return "unreadable"


@contextlib.contextmanager
def full_disk(db: Path) -> Iterator[Path | None]:
    """A copy of the store on a 4 MB tmpfs filled to the last byte, or None without root."""
    mount = Path(tempfile.mkdtemp())
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]).returncode:
        yield None
        return
    try:
        copy = mount / "companion.db"
        shutil.copy(db, copy)
        holder = sqlite3.connect(copy)  # keeps the WAL files, as an open window would
        holder.execute("SELECT count(*) FROM segments").fetchone()
        with (mount / "filler").open("wb", buffering=0) as out:
            for size in (65536, 4096, 512, 1):
                with contextlib.suppress(OSError):
                    while out.write(b"\0" * size):
                        pass
        yield copy
        holder.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@contextlib.contextmanager
def read_only_disk(db: Path) -> Iterator[Path]:
    """A copy of the store on a read-only filesystem (a tmpfs remounted read-only, with root),
    else a copy marked read-only."""
    mount = Path(tempfile.mkdtemp())
    mounted = not subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)]
    ).returncode
    try:
        copy = mount / "companion.db"
        shutil.copy(db, copy)
        if not mounted or subprocess.run(["mount", "-o", "remount,ro", str(mount)]).returncode:
            copy.chmod(0o444)
        yield copy
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def cases(folder: Path) -> list[tuple[str, Callable[[Path], tuple]]]:
    """(name, prepare): prepare(db) returns the CLI arguments, after changing what it needs."""
    deep = folder / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    late = folder / "late.srt"
    subs = pysubs2.load(str(SUBTITLES))
    subs.shift(h=3)
    subs.save(str(late))
    data = SUBTITLES.read_bytes()
    truncated = folder / "truncated.srt"
    truncated.write_bytes(data[: data.index(b"-->", int(len(data) * 0.9)) + 8])

    def plain(*args: str) -> Callable[[Path], tuple]:
        return lambda db: args

    def schema(db: Path) -> tuple:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
            conn.commit()
        return ("segments",)

    def damaged(db: Path) -> tuple:
        for n in ("40", "41", "42"):
            companion(db, "nudge", n, "1")
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("UPDATE edits SET payload = '{broken' WHERE id = 3")
            conn.commit()
        return ("undo",)

    def cp1252_csv(db: Path) -> tuple:
        out = folder / "t.csv"
        companion(db, "export", str(out))
        text = out.read_text(encoding="utf-8")  # its text column has "…": 0x85 in cp1252
        out.write_bytes(text.encode("cp1252"))
        return ("import", str(out))

    return [
        ("nudge 1 nan", plain("nudge", "1", "nan")),
        ("at 1e308", plain("at", "1e308")),
        ("shift inf", plain("shift", "inf")),
        ("pin 1 1e308", plain("pin", "1", "1e308")),
        ("search --limit 99999999999999999999", plain("search", "--limit", "9" * 20, "x")),
        ("import JSON nested 100,000 deep", plain("import", str(deep))),
        ("schema row not a number", schema),
        ("one corrupt edit payload, undo", damaged),
        ("align subtitles +3 h", plain("align", str(late))),
        ("export --format json onto the DB", lambda db: ("export", str(db), "--format", "json")),
        ("at 3:00:00", plain("at", "3:00:00")),
        ("at -5", plain("at", "-5")),
        ("scale -1", plain("scale", "-1")),
        ("import a cp1252 CSV", cp1252_csv),
        ("align truncated subtitles", plain("align", str(truncated))),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = folder / "built.db"
        companion(built, "segments")
        print(f"{'input':<38} exit  traceback  db changed  first line on stderr")
        tracebacks = changed_on_refusal = 0
        rows = []
        for name, prepare in cases(folder):
            db = folder / "companion.db"
            for leftover in folder.glob("companion.db*"):
                leftover.chmod(0o644)
                leftover.unlink()
            shutil.copy(built, db)
            args = prepare(db)
            before = content(db)
            done = companion(db, *args)
            rows.append((name, done, before != content(db)))
        with read_only_disk(built) as db:
            for args in (("segments",), ("at", "1:00:00"), ("search", "cuttlefish")):
                rows.append((f"read-only disk: {' '.join(args)}", companion(db, *args), False))
            out = str(folder / "ro.json")
            rows.append(("read-only disk: export", companion(db, "export", out), False))
        with full_disk(built) as db:
            if db is not None:
                before = content(db)
                rows.append(("a full disk: shift 2.5", companion(db, "shift", "2.5"), False))
                rows[-1] = (*rows[-1][:2], before != content(db))
        for name, done, changed in rows:
            traceback = "Traceback" in done.stderr
            tracebacks += traceback
            changed_on_refusal += changed and done.returncode != 0
            first = (done.stderr.strip().splitlines() or [""])[-1 if traceback else 0]
            print(
                f"{name:<38} {done.returncode:>4}  {'yes' if traceback else 'no':>9}  "
                f"{'yes' if changed else 'no':>10}  {first[:110]}"
            )
        print(
            f"\n{len(rows)} inputs: {tracebacks} tracebacks, "
            f"{changed_on_refusal} refused yet changed"
        )


if __name__ == "__main__":
    main()
