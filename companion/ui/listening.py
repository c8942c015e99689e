"""Listening to the commentary track from the window, and following his voice word by word.

Audio ▸ "Listen to this commentary track" shows when the open video has more than one audio
track; a video whose track title says commentary gets a notice suggesting it. The listening runs
on a :class:`~companion.ui.jobs.JobRunner` worker (progress bar, Cancel; libVLC keeps playing);
only its result is written, at the end, on the GUI thread, as one edit the undo stack knows.

While a commentary track plays, the panel highlights the heard sentence being spoken and, in
it, the word: karaoke, which only heard timings make possible (interpolated ones run seconds
ahead of or behind his voice). The panel text is redrawn only when the sentence or word changes.
"""

from __future__ import annotations

import bisect
import dataclasses
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from companion.content.films import track_transcript
from companion.content.transcript import render
from companion.errors import CompanionError
from companion.media.commentary import says_commentary
from companion.media.probe import MediaError, Stream, probe
from companion.model import HeardSpan, Segment, Span
from companion.store import Store
from companion.timing import edits
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.ui import style
from companion.ui.jobs import JobBar, JobRunner
from companion.ui.main_window import MainWindow
from companion.ui.now_panel import segment_html

if TYPE_CHECKING:
    from companion.alignment.listen import Heard

JOB = "Listen"
ACTION_TEXT = "Listen to this commentary track"
SENTENCE_STYLE = "background-color:#2f3d55; color:#ffffff"
WORD_STYLE = f"color:{style.ORIGIN_COLOURS['heard']}; font-weight:700; text-decoration:underline"


def karaoke_html(segment: Segment, sentence: tuple[int, int], word: tuple[int, int]) -> str:
    """The segment's rich text with ``sentence`` (character range of its text) highlighted and
    ``word`` (inside it) marked; the rest styled as the panel always styles it."""
    a, b = sentence
    c, d = max(word[0], a), min(word[1], b)
    text = segment.text
    middle = (
        f"{escape(text[a:c])}<span style='{WORD_STYLE}'>{escape(text[c:d])}</span>"
        f"{escape(text[d:b])}"
        if c < d
        else escape(text[a:b])
    )
    return (
        segment_html(_cut(segment, 0, a))
        + f"<span style='{SENTENCE_STYLE}'>{middle}</span>"
        + segment_html(_cut(segment, b, len(text)))
    )


def _cut(segment: Segment, start: int, end: int) -> Segment:
    """The segment's text [start, end) with its styled spans clipped to it."""
    spans = tuple(
        Span(max(s.start, start) - start, min(s.end, end) - start, s.kind, s.speaker)
        for s in segment.spans
        if s.start < end and start < s.end
    )
    return dataclasses.replace(segment, text=segment.text[start:end], spans=spans)


class Karaoke(QObject):
    """Highlights the sentence (and word) being spoken in the panel, from the heard times."""

    def __init__(self, window: MainWindow, store: Store, track_id: str) -> None:
        super().__init__(window)
        self.window, self.store, self.track_id = window, store, track_id
        self.commentary_tracks: set[int] = set()  # ordinals (1-based) that are commentary
        self._offsets: dict[int, list[int]] = {}  # segment n -> char offset of each word
        self._shown: tuple | None = None
        self.reload()
        window.follower.position_changed.connect(self.show_at)
        window.follower.active_changed.connect(lambda _active: self._redraw())

    def reload(self) -> None:
        """Read the heard sentences again (after a listen run, an undo)."""
        self.heard: list[HeardSpan] = self.store.heard(self.track_id)
        self._starts = [h.start_s for h in self.heard]
        self._redraw()

    @property
    def on(self) -> bool:
        """Whether the audio playing now is a commentary track (and there is anything heard)."""
        if not self.heard or not self.commentary_tracks:
            return False
        player = self.window.player
        ids = [t.id for t in player.audio_tracks()]
        current = player.audio_track()
        return current in ids and ids.index(current) + 1 in self.commentary_tracks

    def _redraw(self) -> None:
        self._shown = None
        self.show_at(self.window.player.position())

    def show_at(self, t: float) -> None:
        """Highlight what is being said at ``t`` (the player's clock), or nothing."""
        segment = self.window.follower.active.segment
        found = None
        if self.on and segment is not None:
            found = self._spoken_at(release_of(self.window).to_reference(t), segment)
        key = (segment.n, *found) if found is not None and segment is not None else None
        if key == self._shown:
            return
        if self._shown is not None and segment is not None:
            self.window.now_panel.text.setText(segment_html(segment))
        self._shown = key
        if found is not None and segment is not None:
            sentence, word = found
            self.window.now_panel.text.setText(
                karaoke_html(segment, self._chars(segment, *sentence), self._chars(segment, *word))
            )

    def _spoken_at(
        self, t: float, segment: Segment
    ) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """(sentence words, word) of the heard sentence spoken at reference time ``t`` inside
        ``segment``."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i < 0:
            return None
        span = self.heard[i]
        inside = segment.word_start <= span.word_start and span.word_end <= segment.word_end
        if not (inside and t < span.end_s):
            return None
        word = next(
            ((w, w + 1) for w, start, _ in reversed(span.words) if start <= t),
            (span.word_start, span.word_start + 1),
        )
        return (span.word_start, span.word_end), word

    def _chars(self, segment: Segment, first: int, end: int) -> tuple[int, int]:
        """Character range in ``segment.text`` of its words [first, end)."""
        if segment.n not in self._offsets:
            words = track_transcript(self.store, self.track_id).words
            run = words[segment.word_start : segment.word_end]
            self._offsets[segment.n] = [len(render(run[:k])[0]) for k in range(len(run) + 1)]
        offsets = self._offsets[segment.n]
        a = offsets[first - segment.word_start]
        b = offsets[end - segment.word_start]
        return a + (segment.text[a : a + 1] == " "), b


class Listening(QObject):
    """The Audio menu entry, the suggestion, the background run and storing its result."""

    def __init__(self, window: MainWindow, store: Store, track_id: str) -> None:
        super().__init__(window)
        self.window, self.store, self.track_id = window, store, track_id
        self.streams: tuple[Stream, ...] = ()
        self._listening: tuple[Path, Stream, ReleaseMap] | None = None  # the run going on
        self.karaoke = Karaoke(window, store, track_id)
        self.runner = getattr(window, "jobs", None) or self._own_runner()
        self.runner.done.connect(self._done)
        self.runner.failed.connect(self._failed)
        self.action = QAction(ACTION_TEXT, window)
        self.action.triggered.connect(self.listen)
        self.action.setVisible(False)
        menu = _audio_menu(window)
        menu.addSeparator()
        menu.addAction(self.action)
        window.video_opened.connect(self.video_opened)
        window.player_changed.connect(lambda _player: self._forget_if_closed())
        editing = getattr(window, "editing", None)
        if editing is not None:  # an undo or redo may bring other heard times back
            editing.edited.connect(lambda _edit: self.karaoke.reload())
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Closing the window stops a run (nothing is stored: the result would have no window)."""
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.runner.cancel()
        return False

    def _own_runner(self) -> JobRunner:
        bar = JobBar()
        self.window.statusBar().addPermanentWidget(bar)
        runner = JobRunner(bar, self.window)
        setattr(self.window, "jobs", runner)  # noqa: B010  one job at a time, for every feature
        return runner

    def video_opened(self, path: str) -> None:
        """Read the video's audio tracks; offer listening, and suggest it for a commentary."""
        try:
            self.streams = probe(Path(path)).audio
        except MediaError:
            self.streams = ()
        commentaries = [s for s in self.streams if says_commentary(s)]
        self.karaoke.commentary_tracks = {s.ordinal for s in commentaries}
        self.action.setVisible(len(self.streams) > 1)
        if len(self.streams) > 1 and commentaries and not self.karaoke.heard:
            track = commentaries[0]
            self.window.show_notice(
                f"This video has a commentary audio track ({track.ordinal}: {track.title}). "
                f"Audio ▸ {ACTION_TEXT} puts every sentence where he says it."
            )

    def _forget_if_closed(self) -> None:
        if self.window.video_path is None:
            self.streams = ()
            self.karaoke.commentary_tracks = set()
            self.action.setVisible(False)

    def target(self) -> Stream | None:
        """The audio track to listen to: the one playing if it is a commentary, else the first
        whose title says commentary, else the one playing."""
        player = self.window.player
        ids = [t.id for t in player.audio_tracks()]
        current = player.audio_track()
        playing = ids.index(current) + 1 if current in ids else None
        by_ordinal = {s.ordinal: s for s in self.streams}
        choices = [by_ordinal.get(playing)] if playing else []
        choices = [s for s in choices if s is not None and says_commentary(s)]
        choices += [s for s in self.streams if says_commentary(s)]
        choices += [by_ordinal[playing]] if playing in by_ordinal else []
        return choices[0] if choices else None

    def listen(self) -> bool:
        """Start listening to the target track in the background; False if it can't start."""
        from companion.alignment.hearing import prior
        from companion.alignment.listen import listen

        stream, path = self.target(), self.window.video_path
        if stream is None or path is None:
            self.window.show_notice("Open a video with its commentary as an audio track first.")
            return False
        transcript = track_transcript(self.store, self.track_id)
        release = release_of(self.window)
        expected = prior(self.store, self.track_id, release)
        self._listening = (Path(path), stream, release)

        def work(progress, cancel):
            return listen(
                Path(path), stream.ordinal, transcript, expected, progress=progress, cancel=cancel
            )

        if not self.runner.start(JOB, work):
            self.window.statusBar().showMessage("Another job is running; try again after it", 8000)
            return False
        return True

    def _done(self, name: str, heard: Heard) -> None:
        if name != JOB or self._listening is None:
            return
        from companion.alignment.hearing import heard_edit

        path, stream, release = self._listening
        label = f"Listen to {path.name} (audio track {stream.ordinal})"

        def make(store: Store, track_id: str) -> edits.Edit:
            return heard_edit(store, track_id, heard, label, release)

        editing = getattr(self.window, "editing", None)
        if editing is not None:
            editing.run(make)
        else:
            try:
                make(self.store, self.track_id)
            except CompanionError as exc:
                self._failed(name, str(exc))
                return
            self.window.reload_segments(self.store.segments(self.track_id))
        self.karaoke.commentary_tracks.add(stream.ordinal)
        self.karaoke.reload()
        self.window.statusBar().showMessage(
            f"Heard {len(heard.heard)} of {heard.sentences} sentences ({heard.share:.0%}) "
            f"on audio track {stream.ordinal}",
            10000,
        )

    def _failed(self, name: str, message: str) -> None:
        if name == JOB:
            self.window.show_notice(f"Listening stopped: {message}. The timings are unchanged.")


def release_of(window: MainWindow) -> ReleaseMap:
    """The open copy's clock against the reference clock the store keeps (the identity until
    the window knows the copy's release map)."""
    release = getattr(window.content, "release", IDENTITY)
    return release if isinstance(release, ReleaseMap) else IDENTITY


def _audio_menu(window: MainWindow) -> QMenu:
    """The window's Audio menu (found by its title, so the menu bar's layout may change)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == "Audio":
            return menu
    raise LookupError("the window has no Audio menu")


def install_listening(window: MainWindow, store: Store, track_id: str) -> Listening:
    return Listening(window, store, track_id)
