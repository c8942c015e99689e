"""Which player is live (the clock or libVLC), switching between them, resuming, and transport.

Exactly one ``Player`` is live at a time: the clock (second-screen mode, and the fallback whenever
a video cannot be shown) or libVLC. Every failure to show a video ends in clock mode with the
reason on screen, so the commentary, notes and search always stay usable. The controller talks to
the widgets it was given and says what happened through signals; it never reaches into the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from companion.errors import CompanionError
from companion.media.probe import probe
from companion.player.base import Player, PlayerError, PlayerState
from companion.player.clock import ClockPlayer, TimeSource
from companion.timing.timecode import TimecodeError, parse_time
from companion.ui.content import FilmContent
from companion.ui.memory import Memory, clock_key, video_key
from companion.ui.platform import embedding_blocker
from companion.ui.style import hms
from companion.ui.transport import RATES
from companion.ui.window_builder import Parts

VOLUME_STEP = 5
RESUME_MARGIN_S = 10.0  # do not resume into the last seconds: start over instead
RESUME_MARGIN_SHARE = 0.05  # (of a short video's length)
PROVEN_MS = 2500  # playing this long without an error (libVLC's codec check takes 2 s): a video
SHORT_VIDEO_SHARE = 0.8  # a video shorter than this share of the film is probably not the film
CLOCK_STATES = {
    PlayerState.PLAYING: "▶  following the film",
    PlayerState.PAUSED: "❚❚  paused: press Space when the film plays again",
    PlayerState.STOPPED: "press Space when the film starts",
    PlayerState.ENDED: "the end",
}

Say = Callable[[str, int], None]  # a status-bar message and how long it shows (ms)


def video_length(path: str) -> float:
    """The file's length from ffprobe (0 if unknown): libVLC only tells once it plays."""
    try:
        return probe(Path(path)).duration_s
    except CompanionError:
        return 0.0


def resume_point(saved: float | None, length: float) -> float | None:
    """Where to resume: the saved time, unless it is at or near the end (then the start)."""
    if saved is None or saved <= 0:
        return None
    if length > 0 and saved >= length - min(RESUME_MARGIN_S, length * RESUME_MARGIN_SHARE):
        return None
    return saved


def length_warning(length: float, runtime: float, title: str) -> str:
    """A sentence when the video is far shorter than the film (a sample, a trailer, an episode)."""
    if length <= 0 or runtime <= 0 or length >= runtime * SHORT_VIDEO_SHARE:
        return ""
    return (
        f"This video is {hms(length)} long, but {title} runs {hms(runtime)}: is it the right "
        "file? The commentary follows the film's clock, so most of it will never show."
    )


class PlaybackController(QObject):
    player_changed = Signal(object)  # Player
    state_changed = Signal(object)  # the live player's PlayerState
    runtime_changed = Signal(float)  # the live player's duration (the film's when unknown)
    video_opened = Signal(str)  # a video is loaded (its layout comes back)
    clock_shown = Signal()  # back in clock mode
    video_started = Signal(str)  # a video really plays (it may enter Recent)
    video_refused = Signal(str, str)  # path, why
    remember_now = Signal()  # remember where the viewer is (before a switch, a track choice)

    def __init__(
        self,
        parts: Parts,
        content: Callable[[], FilmContent],
        memory: Memory,
        say: Say,
        vlc_args: Sequence[str] = (),
        vlc_problem: str | None = None,
        clock_time: TimeSource | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.parts, self.content, self.memory, self.say = parts, content, memory, say
        self.vlc_args = tuple(vlc_args)
        self.vlc_problem = vlc_problem  # set when libVLC is missing/too old: never try it
        self.clock_time = clock_time
        self.video_path: str | None = None
        self.clock_reason = ""
        self.marquee = False
        self._vlc: Player | None = None
        self._pending_audio: int | None = None
        self._starting: str | None = None  # opened, not yet proven to play
        self._proven = QTimer(self)
        self._proven.setSingleShot(True)
        self._proven.setInterval(PROVEN_MS)
        self._proven.timeout.connect(self.confirm_started)
        self.player: Player = self._clock()
        self._connect(self.player)
        transport = parts.transport
        transport.toggle_requested.connect(self.toggle_play)
        transport.seek_requested.connect(self.seek)
        transport.skip_requested.connect(self.skip)
        transport.volume_requested.connect(self.set_volume)
        transport.mute_requested.connect(self.set_muted)
        transport.rate_requested.connect(self.set_rate)
        transport.goto_requested.connect(self.go_to)

    def _clock(self) -> ClockPlayer:
        runtime = self.content().runtime_s
        if self.clock_time is None:
            return ClockPlayer(duration=runtime, parent=self)
        return ClockPlayer(duration=runtime, now=self.clock_time, parent=self)

    def runtime(self) -> float:
        duration = self.player.duration()
        return duration if duration > 0 else self.content().runtime_s

    # --- switching ------------------------------------------------------------------------

    def _connect(self, player: Player, connect: bool = True) -> None:
        for signal, slot in (
            (player.state_changed, self._on_state),
            (player.duration_changed, self._on_duration),
            (player.error, self._on_error),
        ):
            signal.connect(slot) if connect else signal.disconnect(slot)

    def _install(self, player: Player) -> None:
        old = self.player
        if old is player:
            return
        self._connect(old, connect=False)
        if isinstance(old, ClockPlayer):
            old.close()
            old.deleteLater()
        self.player = player
        self._connect(player)
        player.set_rate(1.0)
        transport = self.parts.transport
        transport.show_rate(1.0)
        transport.show_sound(player.volume(), player.muted())
        transport.show_state(player.state())
        self.player_changed.emit(player)
        self._on_duration(player.duration())
        self._on_state(player.state())

    def default_clock_reason(self) -> str:
        if self.vlc_problem:
            return f"No video: {self.vlc_problem}"
        return (
            "Second-screen mode: keep this clock in step with the film on your TV (Space plays "
            "and pauses, Ctrl+G takes the time it shows). To watch here, open your copy of the "
            "film with Ctrl+O or drop it on the window."
        )

    def use_clock(self, reason: str, resume: bool = False) -> None:
        """Switch to (or stay in) clock mode at the current film time, saying why."""
        position = self.player.position()
        self.remember_now.emit()
        self.video_path = self._starting = None
        self._proven.stop()
        if self._vlc is not None and self.player is self._vlc:
            self._vlc.load(None)
        clock = self._clock()
        self._install(clock)
        content = self.content()
        saved = self.memory.position(clock_key(content.film_id)) if resume else None
        clock.seek(saved if saved is not None else position)
        self.clock_reason = reason
        video = self.parts.video
        video.show_clock(content.title, reason)
        video.clock.set_state_text(CLOCK_STATES.get(clock.state(), ""))
        video.clock.set_time(clock.position())  # at once: the follower only says what moves
        self.parts.mode_label.setText("Clock mode")
        self.clock_shown.emit()

    def open_video(self, path: str, at: float | None = None) -> bool:
        """Play ``path`` in the pane; on any failure say why and stay in clock mode."""
        self.confirm_started()  # the video that played until now
        problem = self.vlc_problem or embedding_blocker()
        if problem is not None and not self._vlc_without_window():
            return self.refuse(path, f"Cannot play {path}: {problem}.")
        try:
            player = self._video_player()
            self.parts.video.show_video()
            if problem is None:
                player.set_video_window(int(self.parts.video.surface.winId()))
            self.remember_now.emit()
            player.load(path)
        except PlayerError as exc:
            return self.refuse(path, str(exc))
        self._install(player)
        self.video_path = self._starting = path
        self.video_opened.emit(path)
        self._pending_audio = self.memory.audio_track(video_key(path))
        length = video_length(path)
        start = (
            at if at is not None else resume_point(self.memory.position(video_key(path)), length)
        )
        if start is not None:
            player.seek(start)
        player.play()
        self.parts.mode_label.setText(f"Video: {Path(path).name}")
        content = self.content()
        warning = length_warning(length, content.runtime_s, content.title)
        if warning:
            self.show_notice(warning)
        else:
            self.parts.notice.hide()
        self.say(f"Opened {path}", 5000)
        return True

    def _vlc_without_window(self) -> bool:
        """Tests run libVLC with --vout=dummy: no window is needed then."""
        return self.vlc_problem is None and "--vout=dummy" in self.vlc_args

    def _video_player(self) -> Player:
        if self._vlc is None:
            from companion.player.vlc_player import VLCPlayer

            self._vlc = VLCPlayer(vlc_args=self.vlc_args, parent=self)
            self._vlc.still_changed.connect(self.parts.video.surface.show_still)
            self.parts.video.surface.resized.connect(self._vlc.refresh_picture)
        return self._vlc

    def refuse(self, path: str, message: str) -> bool:
        self.show_notice(
            f"{message} Staying in clock mode; the commentary still follows the clock."
        )
        self.use_clock(message)
        self.video_refused.emit(path, message)
        return False

    def close_video(self) -> None:
        self.confirm_started()  # closed by the viewer while it played fine
        if self.video_path:
            self.use_clock(self.default_clock_reason())

    def show_notice(self, text: str) -> None:
        self.parts.notice.show_message(text)
        self.say(text, 15000)

    def add_notice(self, text: str) -> None:
        """``text`` beside what the notice bar says now, so one message doesn't hide another."""
        notice = self.parts.notice
        already = notice.label.text() if notice.isVisible() else ""
        self.show_notice(already if text in already else f"{already} {text}".strip())

    # --- player signals -------------------------------------------------------------------

    def _on_state(self, state: PlayerState) -> None:
        self.state_changed.emit(state)
        self.parts.transport.show_state(state)
        self.parts.video.clock.set_state_text(CLOCK_STATES.get(state, ""))
        if state is not PlayerState.PLAYING:
            return
        if self._pending_audio is not None:
            track, self._pending_audio = self._pending_audio, None
            if track in {t.id for t in self.player.audio_tracks()}:
                self.player.set_audio_track(track)
        if self._starting is not None and not self._proven.isActive():
            self._proven.start()

    def confirm_started(self) -> None:
        """The video played without an error: it may enter Recent."""
        self._proven.stop()
        if self._starting is not None and self.player.state() in (
            PlayerState.PLAYING,
            PlayerState.PAUSED,
            PlayerState.ENDED,
        ):
            path, self._starting = self._starting, None
            self.video_started.emit(path)

    def _on_duration(self, seconds: float) -> None:
        runtime = seconds if seconds > 0 else self.content().runtime_s
        self.parts.transport.show_duration(runtime)
        self.runtime_changed.emit(runtime)

    def _on_error(self, message: str) -> None:
        self.refuse(self.video_path or "the video", message)

    # --- commands -------------------------------------------------------------------------

    def guard(self, action: Callable[[], object]) -> None:
        try:
            action()
        except PlayerError as exc:
            self.say(str(exc), 8000)

    def toggle_play(self) -> None:
        self.guard(self.player.toggle)

    def seek(self, seconds: float) -> None:
        self.guard(lambda: self.player.seek(max(0.0, min(seconds, self.runtime()))))

    def skip(self, seconds: float) -> None:
        self.seek(self.player.position() + seconds)

    def go_to(self, text: str) -> bool:
        try:
            self.seek(parse_time(text))
        except TimecodeError as exc:
            self.say(str(exc), 8000)
            return False
        self.parts.transport.goto.clear()
        return True

    def set_volume(self, percent: int) -> None:
        self.player.set_volume(percent)
        self.parts.transport.show_sound(self.player.volume(), self.player.muted())

    def change_volume(self, delta: int) -> None:
        self.set_volume(max(0, min(125, self.player.volume() + delta)))
        self.say(f"Volume {self.player.volume()}%", 1500)

    def set_muted(self, muted: bool) -> None:
        self.player.set_muted(muted)
        self.parts.transport.show_sound(self.player.volume(), self.player.muted())

    def toggle_mute(self) -> None:
        self.set_muted(not self.player.muted())

    def set_rate(self, rate: float) -> None:
        self.guard(lambda: self.player.set_rate(rate))
        self.parts.transport.show_rate(self.player.rate())

    def step_rate(self, direction: int) -> None:
        i = min(range(len(RATES)), key=lambda k: abs(RATES[k] - self.player.rate()))
        self.set_rate(RATES[max(0, min(len(RATES) - 1, i + direction))])

    def show_line(self, text: str | None) -> None:
        """The on-video commentary line (when the viewer turned it on)."""
        line = text if self.marquee else None
        self.player.set_marquee(line)
        self.parts.video.surface.set_line(line)

    def close(self) -> None:
        """The players, in the order that never hangs libVLC."""
        self.confirm_started()
        self.player.close()
        if self._vlc is not None and self._vlc is not self.player:
            self._vlc.close()
        self._vlc = None
