"""Listening to the commentary track from the window, and following his voice word by word.

Audio ▸ "Listen to this commentary track" shows when the open video has more than one audio
track; a video whose track title says commentary gets a notice suggesting it. The listening runs
on the window's :class:`~companion.ui.jobs.JobRunner` (progress bar, Cancel; libVLC keeps
playing) and writes only at the end, in one transaction: one edit, which Ctrl+Z undoes.

While a commentary track plays, the panel highlights the heard sentence being spoken and, in
it, the word: karaoke, which only heard timings make possible (interpolated ones run seconds
ahead of or behind his voice). The panel text is redrawn only when the sentence or word changes.
"""

from __future__ import annotations

import bisect
import dataclasses
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from companion.content.films import track_transcript
from companion.content.transcript import render
from companion.jobs import CancelToken, Progress
from companion.media.commentary import says_commentary
from companion.media.probe import MediaError, Stream, probe
from companion.model import HeardSpan, Segment, Span
from companion.store import Store
from companion.timing import edits
from companion.timing.releases import IDENTITY, ReleaseMap
from companion.ui import style
from companion.ui.main_window import MainWindow
from companion.ui.now_panel import segment_html

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
    """The Audio menu entry, the suggestion, and the run on the window's job runner."""

    def __init__(self, window: MainWindow, store: Store, track_id: str) -> None:
        super().__init__(window)
        self.window, self.store, self.track_id = window, store, track_id
        self.streams: tuple[Stream, ...] = ()
        self.karaoke = Karaoke(window, store, track_id)
        self.action = window.commands.bind("audio.listen", self.listen)
        self.action.setVisible(False)
        self._listening: Stream | None = None  # the track of the run going on
        window.jobs.done.connect(self._done)
        window.playback.video_opened.connect(self.video_opened)
        window.playback.player_changed.connect(lambda _player: self._forget_if_closed())
        window.model.changed.connect(self._store_changed)

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
            text = (
                f"This video has a commentary audio track ({track.ordinal}: {track.title}). "
                f"Audio ▸ {ACTION_TEXT} puts every sentence where he says it."
            )
            # After open_video has finished with the notice bar, beside what it says (a warning).
            QTimer.singleShot(0, lambda: self.window.playback.add_notice(text))

    def _forget_if_closed(self) -> None:
        if self.window.video_path is None:
            self.streams = ()
            self.karaoke.commentary_tracks = set()
            self.action.setVisible(False)

    def _store_changed(self, kinds: frozenset[str]) -> None:
        """A listen run, its undo, an import: the heard sentences may have changed."""
        if kinds & {"segments", "history"}:
            self.karaoke.reload()

    def target(self) -> Stream | None:
        """The audio track to listen to: the one playing if it is a commentary, else the first
        whose title says commentary, else the one playing."""
        player = self.window.player
        ids = [t.id for t in player.audio_tracks()]
        current = player.audio_track()
        playing = ids.index(current) + 1 if current in ids else None
        by_ordinal = {s.ordinal: s for s in self.streams}
        choices = [by_ordinal[playing]] if playing in by_ordinal else []
        choices = [s for s in choices if says_commentary(s)]
        choices += [s for s in self.streams if says_commentary(s)]
        choices += [by_ordinal[playing]] if playing in by_ordinal else []
        return choices[0] if choices else None

    def listen(self) -> bool:
        """Start listening to the target track in the background; False if it can't start.

        The worker has its own connection to the store and writes once, at the end, in one
        transaction (one undoable edit); cancelled or refused, it writes nothing.
        """
        from companion.alignment.hearing import heard_edit, prior, report_line
        from companion.alignment.listen import listen

        stream, path, db = self.target(), self.window.video_path, self.window.content.db_path
        if stream is None or path is None or not db:
            self.window.show_notice("Open a video with its commentary as an audio track first.")
            return False
        transcript = track_transcript(self.store, self.track_id)
        release = release_of(self.window)
        expected = prior(self.store, self.track_id, release)
        track, video = self.track_id, Path(path)
        label = f"Listen to {video.name} (audio track {stream.ordinal})"

        def work(progress: Progress, cancel: CancelToken) -> str:
            heard = listen(
                video, stream.ordinal, transcript, expected, progress=progress, cancel=cancel
            )
            with Store(db) as store:
                try:
                    heard_edit(store, track, heard, label, release)
                except edits.NoChange:
                    return report_line(heard, stream) + "; the same as before, nothing changed"
            return report_line(heard, stream) + "; one edit (Ctrl+Z undoes it)"

        if not self.window.jobs.start(JOB, work):
            self.window.show_notice(f"{JOB}: wait for the running job to finish (or cancel it).")
            return False
        self._listening = stream
        return True

    def _done(self, name: str, _message: object) -> None:
        """The run stored what it heard (the tools' handler shows its sentence)."""
        if name != JOB or self._listening is None:
            return
        self.karaoke.commentary_tracks.add(self._listening.ordinal)
        self._listening = None
        self.window.model.poll()
        self.karaoke.reload()


def release_of(window: MainWindow) -> ReleaseMap:
    """The open copy's clock against the reference clock the store keeps (the identity until
    the window knows the copy's release map)."""
    release = getattr(window.content, "release", IDENTITY)
    return release if isinstance(release, ReleaseMap) else IDENTITY


def install_listening(window: MainWindow, store: Store, track_id: str) -> Listening:
    return Listening(window, store, track_id)
