"""Regression guard for the installed PySide6: many signal emissions must not crash the process.

PySide6 6.12.0 crashes on Python 3.11 after a few hundred ``Signal.emit()`` calls (bool_dealloc).
The emissions run in a subprocess so such a crash shows up as a failed exit code here instead of
killing the test runner. The mix mirrors the app: bool/float/object/str signals emitted directly
on the Qt thread and, like libVLC's callbacks, from a foreign thread through a queued connection.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

EMITS = 5000

SCRIPT = textwrap.dedent(
    """
    import sys
    import threading

    from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

    n = int(sys.argv[1])


    class Source(QObject):
        flag = Signal(bool)
        number = Signal(float)
        thing = Signal(object)
        text = Signal(str)
        queued = Signal(int, str, int)


    app = QCoreApplication([])
    src = Source()
    got = {"flag": 0, "number": 0, "thing": 0, "text": 0, "queued": 0}


    def count(name):
        def slot(*args):
            got[name] += 1
        return slot


    for name in ("flag", "number", "thing", "text"):
        getattr(src, name).connect(count(name))
    src.queued.connect(count("queued"), Qt.ConnectionType.QueuedConnection)

    for i in range(n):
        src.flag.emit(i % 2 == 0)
        src.number.emit(i / 7)
        src.thing.emit({"i": i})
        src.text.emit(str(i))


    def foreign():
        for i in range(n):
            src.queued.emit(1, "MediaPlayerPlaying", i)


    worker = threading.Thread(target=foreign)
    worker.start()
    worker.join()
    while got["queued"] < n:
        app.processEvents()
    print(got)
    assert all(v == n for v in got.values()), got
    print("ok")
    """
)


@pytest.mark.slow
def test_many_signal_emissions_do_not_crash():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EMITS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip().endswith("ok")
