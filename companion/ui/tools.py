"""Tools ▸ Align to subtitles…, Export timings…, Import timings…: the CLI's operations in menus.

Each runs through the window's :class:`~companion.ui.jobs.JobRunner` (a worker thread with its
own connection to the store, a progress bar and Cancel) and ends with one clear sentence in the
notice bar. Their writes reach the views the one way all writes do: the film model notices them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from companion.alignment.anchoring import AlignmentRejected
from companion.alignment.copies import align_release
from companion.alignment.subtitles import load_subtitles
from companion.cli.align import report_text
from companion.formats.exports import export_file, import_file
from companion.jobs import CancelToken, Progress
from companion.store import Store
from companion.ui.actions import ActionTable
from companion.ui.film_model import FilmModel
from companion.ui.jobs import JobRunner

SUBTITLES = "Subtitles or a video with text subtitles (*.srt *.vtt *.ass *.ssa *.sub *.mkv *.mp4);;"
TIMINGS = "Timings (*.json *.csv);;"
EXPORTS = "Timings (*.json *.csv);;Commentary as subtitles (*.srt *.vtt);;"
ALL = "All files (*)"
# jobs whose own controller says how they ended (ui.copy_clock: what the copy's clock is)
SAYS_ITS_OWN = frozenset({"Syncing your copy"})


class ToolsController(QObject):
    def __init__(
        self,
        window: QWidget,
        model: FilmModel,
        jobs: JobRunner,
        actions: ActionTable,
        show: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window, self.model, self.jobs, self.show = window, model, jobs, show
        ask = self._ask
        actions.bind(
            "tools.align", lambda: ask("Align to your copy's subtitles", SUBTITLES, self.align)
        )
        actions.bind(
            "tools.export", lambda: ask("Export timings", EXPORTS, self.export, "timings.json")
        )
        actions.bind("tools.import", lambda: ask("Import timings", TIMINGS, self.import_))
        jobs.done.connect(self._done)
        jobs.failed.connect(self._failed)

    def _ask(
        self, title: str, filters: str, then: Callable[[Path], bool], save_as: str = ""
    ) -> None:
        """A file dialog (a save dialog when there is a default name), then the operation."""
        dialog = QFileDialog.getSaveFileName if save_as else QFileDialog.getOpenFileName
        path, _ = dialog(self.window, title, save_as, filters + ALL)
        if path:
            then(Path(path))

    def _run(self, name: str, work: Callable[[Store, str, Progress, CancelToken], str]) -> bool:
        """``work(store, track, progress, cancel)`` on the worker, with its own connection."""
        content = self.model.content
        if not content.db_path or not content.track_id:
            self.show(f"{name}: this window has no database to work on.")
            return False
        db, track = content.db_path, content.track_id

        def job(progress: Progress, cancel: CancelToken) -> str:
            with Store(db) as store:
                return work(store, track, progress, cancel)

        if not self.jobs.start(name, job):
            self.show(f"{name}: wait for the running job to finish (or cancel it).")
            return False
        return True

    def _done(self, name: str, result: object) -> None:
        if name in SAYS_ITS_OWN:
            return
        self.model.poll()  # the worker committed on its own connection: show it now
        self.show(f"{name}: {result}")

    def _failed(self, name: str, problem: str) -> None:
        if name not in SAYS_ITS_OWN:
            self.show(f"{name} failed: {problem}. Nothing was changed.")

    # --- the three operations -------------------------------------------------------------

    def align(self, source: Path) -> bool:
        def work(store: Store, track: str, progress: Progress, cancel: CancelToken) -> str:
            progress(0.05, f"reading {source.name}")
            found = load_subtitles(source)
            cancel.check()
            progress(0.3, f"matching {len(found.cues)} subtitle lines to the commentary")
            try:
                aligned = align_release(store, track, source, found, f"Align to {source.name}")
            except AlignmentRejected as exc:
                raise AlignmentRejected(f"{source.name}: {exc}") from None
            return report_text(aligned.report, aligned.measured).replace("\n", "; ")

        return self._run("Align to subtitles", work)

    def export(self, target: Path) -> bool:
        release = self.model.content.release  # subtitles on the clock of the copy shown

        def work(store: Store, track: str, progress: Progress, cancel: CancelToken) -> str:
            progress(0.2, f"writing {target.name}")
            fmt = export_file(store, track, target, release=release)
            return f"wrote {target} ({fmt.upper()}, {len(store.segments(track))} segments)"

        return self._run("Export", work)

    def import_(self, source: Path) -> bool:
        def work(store: Store, track: str, progress: Progress, cancel: CancelToken) -> str:
            progress(0.2, f"checking {source.name}")
            table, edit = import_file(store, source)
            if edit is None:
                return f"{source.name} holds the timings already shown; nothing changed"
            return f"{edit.label}: {len(table.entries)} segments, one edit (Ctrl+Z undoes it)"

        return self._run("Import", work)
