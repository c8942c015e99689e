"""No edit is ever lost: SIGKILL at random moments, and two processes writing one database."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.bootstrap import ensure_loaded
from companion.store import Store
from companion.timing.edits import decode_payload

TIMING = ("start_s", "end_s", "origin", "confidence", "start_pinned", "end_pinned")

# One process making CLI edits in a loop, printing each edit's id once the command returned
# (so after its commit): an acknowledged edit. Runs the real click command in-process, so a
# SIGKILL can land anywhere inside an edit's transaction.
LOOP = r"""
import json, sys
from contextlib import redirect_stdout
from io import StringIO
from companion.cli import main

db, first, step, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(first, first + count):
    n = 2 + (i * step) % 200
    args = ["--db", db, "nudge", str(n), "0.1" if i % 2 else "-0.1", "--json"]
    out = StringIO()
    try:
        with redirect_stdout(out):
            main(args, standalone_mode=False)
    except SystemExit as exc:
        print("REFUSED", i, exc.code, flush=True)
        continue
    print("ACK", json.loads(out.getvalue())["id"], flush=True)
"""


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "companion.db"
    with Store(path) as store:
        ensure_loaded(store)
    return path


def start_loop(db: Path, first: int, step: int = 7, count: int = 100000) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", LOOP, str(db), str(first), str(step), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> list[int]:
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("ACK")]


def check_consistent(db: Path, acks: list[int]) -> int:
    """Integrity ok, every acknowledged edit stored, and the segments exactly as the history
    says: each one as the last edit that touched it left it. Returns the number of edits."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT id, state, payload FROM edits ORDER BY id").fetchall()
        stored = {r[0] for r in rows}
        assert set(acks) <= stored, f"lost edits: {sorted(set(acks) - stored)}"
        assert all(state == "done" for _, state, _ in rows)
        expected: dict[int, dict] = {}
        for _, _, payload in rows:  # each record holds the columns its edit changed
            for n, (_before, after) in decode_payload(payload)["segments"].items():
                expected.setdefault(int(n), {}).update(after)
        columns = ", ".join(("n", *TIMING))
        current = {
            r[0]: dict(zip(TIMING, r[1:], strict=True))
            for r in conn.execute(f"SELECT {columns} FROM segments")
        }
        for n, after in expected.items():
            assert {k: current[n][k] for k in after if k in TIMING} == {
                k: v for k, v in after.items() if k in TIMING
            }, f"segment {n} differs"
        return len(rows)
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_edit(db):
    rng = random.Random(20261121)
    acks: list[int] = []
    made = 0
    for _ in range(5):
        loop = start_loop(db, made)
        time.sleep(rng.uniform(0.8, 2.5))
        loop.send_signal(signal.SIGKILL)
        out, _err = loop.communicate()
        assert loop.returncode == -signal.SIGKILL
        acks += acknowledged(out)
        made = check_consistent(db, acks)
    assert len(acks) >= 10, "the loop made too few edits to test anything"
    assert made >= len(acks)  # some edits may be committed but killed before their ACK


@pytest.mark.slow
def test_a_busy_database_says_so_instead_of_losing_the_edit(db):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom companion.store import Store\n"
            "s = Store(sys.argv[1])\nwith s.transaction():\n"
            "    print('LOCKED', flush=True)\n    time.sleep(float(sys.argv[2]))\n",
            str(db),
            "6.5",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "LOCKED"
    env = {**os.environ, "COMPANION_DB": str(db)}
    cli = [sys.executable, "-m", "companion"]
    blocked = subprocess.run([*cli, "nudge", "42", "0.1"], capture_output=True, text=True, env=env)
    assert blocked.returncode == 2
    assert "busy" in blocked.stderr and "try again" in blocked.stderr
    assert holder.wait(timeout=30) == 0
    assert check_consistent(db, []) == 0  # the refused edit left no trace
    retried = subprocess.run([*cli, "nudge", "42", "0.1"], capture_output=True, text=True, env=env)
    assert retried.returncode == 0, retried.stderr
    assert check_consistent(db, [1]) == 1


@pytest.mark.slow
def test_two_processes_editing_at_once_lose_nothing(db):
    loops = [start_loop(db, 0, step=7, count=25), start_loop(db, 1, step=11, count=25)]
    outputs = [loop.communicate(timeout=120) for loop in loops]
    for loop, (_out, err) in zip(loops, outputs, strict=True):
        assert loop.returncode == 0, err
    acks = [a for out, _ in outputs for a in acknowledged(out)]
    refused = [
        line for out, _ in outputs for line in out.splitlines() if line.startswith("REFUSED")
    ]
    assert len(acks) + len(refused) == 50
    assert len(set(acks)) == len(acks)
    assert check_consistent(db, acks) == len(acks)
