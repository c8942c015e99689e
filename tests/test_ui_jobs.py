"""Background jobs in the window: progress from a worker thread, cancel, errors, one at a time."""

from __future__ import annotations

import threading

import pytest

from companion.errors import CompanionError
from companion.jobs import CancelToken, Progress
from companion.ui.jobs import JobBar, JobRunner


@pytest.fixture
def runner(qtbot) -> JobRunner:
    bar = JobBar()
    qtbot.addWidget(bar)
    return JobRunner(bar)


def test_progress_then_result_on_the_gui_thread(qtbot, runner: JobRunner) -> None:
    seen: list[tuple[float, str]] = []
    runner.progressed.connect(lambda f, m: seen.append((f, m)))
    results = []
    runner.done.connect(
        lambda name, value: results.append((name, value, threading.current_thread()))
    )

    def work(progress: Progress, cancel: CancelToken) -> int:
        for k in range(5):
            progress(k / 4, f"step {k}")
        return 42

    assert runner.start("Sync", work)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0][:2] == ("Sync", 42)
    assert results[0][2] is threading.main_thread()
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=2000)
    assert seen[-1] == (1.0, "step 4")
    assert not runner.busy and runner.bar.isHidden()


def test_cancel_stops_the_work_and_says_so(qtbot, runner: JobRunner) -> None:
    started = threading.Event()
    failures = []
    runner.failed.connect(lambda name, message: failures.append(message))

    def work(progress: Progress, cancel: CancelToken) -> None:
        started.set()
        while True:
            cancel.check()
            threading.Event().wait(0.01)

    runner.start("Listen", work)
    assert started.wait(5)
    assert runner.busy and not runner.start("Other", work)  # one job at a time
    runner.bar.cancel_button.click()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures == ["cancelled"]


def test_a_companion_error_becomes_its_message(qtbot, runner: JobRunner) -> None:
    failures = []
    runner.failed.connect(lambda name, message: failures.append((name, message)))

    def work(progress: Progress, cancel: CancelToken) -> None:
        raise CompanionError("this video is not Avengers: Age of Ultron")

    runner.start("Sync", work)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures == [("Sync", "this video is not Avengers: Age of Ultron")]
