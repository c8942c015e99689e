"""The film player: python-vlc over the system's libVLC 3, behind the ``Player`` interface.

Threading is the whole difficulty. libVLC delivers events on its own threads, and calling back
into libVLC from one of them deadlocks, so an event callback here does exactly one thing: emit a
Qt signal, which Qt queues to the thread that owns this object. Everything else (state, errors,
re-applying volume or the marquee) happens in that queued slot, on the Qt thread.

``vlc`` is imported lazily so that the rest of the app (browse, search, clock mode) still starts
when libVLC is missing; ``vlc_available()`` says why and how to install it.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal

from companion.player.base import Player, PlayerError, PlayerState, Track
from companion.player.playhead import Playhead, TimeSource

if TYPE_CHECKING:
    import vlc

# The title overlay would cover the first seconds of the film; the marquee filter draws the
# optional on-video commentary line (issue 4, item 7). No OSD and no snapshot preview: the
# still kept while paused (below) must not flash its file name and a thumbnail on the picture.
DEFAULT_ARGS = (
    "--no-video-title-show",
    "--quiet",
    "--sub-source=marq",
    "--no-osd",
    "--no-snapshot-preview",
)

_EVENTS = (
    "MediaPlayerPlaying",
    "MediaPlayerPaused",
    "MediaPlayerStopped",
    "MediaPlayerEndReached",
    "MediaPlayerEncounteredError",
    "MediaPlayerLengthChanged",
    "MediaPlayerVout",
)

# How long after playback starts a video stream that produced no picture counts as undecodable.
VIDEO_GRACE_MS = 2000
# libVLC 3 re-renders a paused picture every 80 ms (VOUT_REDISPLAY_DELAY): 15-30 % of a core
# for a 720p film in software. After this long paused the player *rests*: the picture is kept
# as a still (``still_changed``) and the video track is switched off until play or a seek.
REST_AFTER_MS = 1000
# Woken while paused, libVLC's new video decoder misses a seek made at once: the seek is made
# again this long after the wake (measured under Xvfb: then the frame shows, and play resumes
# there; a frame step instead made the next play start over from 0:00).
WAKE_STEP_MS = 200
# libVLC's marquee position flags (bottom-centred would sit on the film's own subtitles).
MARQUEE_TOP = 4
MARQUEE_Y_PX = 24
MARQUEE_REFRESH_MS = 100  # libVLC re-reads the line this often (default 1 s: a late new line)

_INSTALL_LINUX = {
    "debian": "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output",
    "ubuntu": "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output",
    "fedora": "sudo dnf install vlc  (from RPM Fusion)",
    "arch": "sudo pacman -S vlc",
    "opensuse": "sudo zypper install vlc",
}


def install_command() -> str:
    """The command (or instruction) that installs libVLC 3 on this system."""
    if sys.platform.startswith("win"):
        return "Install VLC 3 (64-bit) from https://www.videolan.org/vlc/"
    if sys.platform == "darwin":
        return "brew install --cask vlc   (or install VLC 3 from https://www.videolan.org/vlc/)"
    ids: list[str] = []
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key in ("ID", "ID_LIKE"):
                ids += value.strip().strip('"').split()
    except OSError:
        pass
    for distro in ids:
        for known, command in _INSTALL_LINUX.items():
            if distro.startswith(known):
                return command
    return _INSTALL_LINUX["debian"]


@functools.cache
def vlc_available() -> tuple[bool, str]:
    """(True, version) when libVLC 3 loads and has its plugins; else (False, what to do).

    python-vlc fails in several ways when the library is missing (ImportError, OSError,
    NotImplementedError, even ``sys.exit`` for a bad PYTHON_VLC_LIB_PATH), so any failure to
    import is caught here. An instance is created because libVLC without its plugins loads fine
    but cannot make one. Cached: the answer does not change while the app runs.
    """
    fix = f"Install it with: {install_command()}"
    try:
        import vlc
    except (Exception, SystemExit) as exc:
        return False, f"libVLC (VLC 3) could not be loaded ({exc or type(exc).__name__}). {fix}"
    try:
        version = vlc.libvlc_get_version().decode("utf-8", "replace")
    except Exception as exc:
        return False, f"libVLC is present but unusable ({exc}). {fix}"
    if not version.startswith("3."):
        return False, f"libVLC {version} is installed, but Companion needs VLC 3.x. {fix}"
    instance = vlc.Instance(["--quiet", "--vout=dummy", "--aout=dummy"])
    if instance is None:
        return False, f"libVLC {version} cannot start (are its plugins installed?). {fix}"
    instance.release()
    return True, f"libVLC {version}"


class VLCPlayer(Player):
    """A libVLC media player embedded in a native window; ``position()`` is interpolated.

    ``vlc_args`` are extra libVLC options (tests pass ``--vout=dummy --aout=dummy``).
    """

    _vlc_event = Signal(int, str, int)  # generation, event name, payload (ms for LengthChanged)
    still_changed = Signal(object)  # path of the paused picture while resting, or None

    def __init__(
        self,
        vlc_args: Sequence[str] = (),
        now: TimeSource = time.monotonic,
        parent=None,
    ) -> None:
        super().__init__(parent)
        ok, message = vlc_available()
        if not ok:
            raise PlayerError(message)
        import vlc

        self._vlc = vlc
        self._instance: vlc.Instance | None = vlc.Instance([*DEFAULT_ARGS, *vlc_args])
        if self._instance is None:
            raise PlayerError(f"libVLC refused the options {list(vlc_args)}")
        self._mp: vlc.MediaPlayer | None = self._instance.media_player_new()
        # Clicks, the wheel and keys over the picture belong to the window, not to libVLC.
        self._mp.video_set_mouse_input(False)
        self._mp.video_set_key_input(False)
        self._media: vlc.Media | None = None
        self._playhead = Playhead(now=now)
        self._path: Path | None = None
        self._state = PlayerState.STOPPED
        self._duration = 0.0
        self._volume = 100
        self._muted = False
        self._rate = 1.0
        self._marquee: str | None = None
        self._pending_seek: float | None = None  # libVLC can only seek a running input
        self._generation = 0  # bumped per load so late events of the previous file are dropped
        self._video_check = QTimer(self)
        self._video_check.setSingleShot(True)
        self._video_check.setInterval(VIDEO_GRACE_MS)
        self._video_check.timeout.connect(self._check_video)
        self._vlc_event.connect(self._on_vlc_event, Qt.ConnectionType.QueuedConnection)
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(REST_AFTER_MS)
        self._rest_timer.timeout.connect(self._rest)
        self._resting_track: int | None = None  # the video track switched off while resting
        self._wake_step = QTimer(self)
        self._wake_step.setSingleShot(True)
        self._wake_step.setInterval(WAKE_STEP_MS)
        self._wake_step.timeout.connect(self._show_woken_frame)
        self._wake_target = 0.0
        self._still_dir = tempfile.TemporaryDirectory(prefix="companion-still-")
        manager = self._mp.event_manager()
        for name in _EVENTS:
            manager.event_attach(getattr(vlc.EventType, name), self._callback, name)

    # --- libVLC thread side: emit, nothing else ---------------------------------------------

    def _callback(self, event, name: str) -> None:
        payload = event.u.new_length if name == "MediaPlayerLengthChanged" else 0
        self._vlc_event.emit(self._generation, name, payload)

    # --- Qt thread side ---------------------------------------------------------------------

    def _on_vlc_event(self, generation: int, name: str, payload: int) -> None:
        if self._mp is None or generation != self._generation:
            return
        if name == "MediaPlayerPlaying":
            self._on_playing()
        elif name == "MediaPlayerPaused":
            self._playhead.pause()
            self._set_state(PlayerState.PAUSED)
            self._rest_timer.start()
        elif name == "MediaPlayerStopped":
            if self._state not in (PlayerState.ENDED, PlayerState.ERROR):
                self._set_state(PlayerState.STOPPED)
        elif name == "MediaPlayerEndReached":
            self._on_end()
        elif name == "MediaPlayerEncounteredError":
            self._fail(f"{self._path}: libVLC cannot open it (not a video file?)")
        elif name == "MediaPlayerLengthChanged" and payload > 0:
            self._duration = payload / 1000
            self.duration_changed.emit(self._duration)
        elif name == "MediaPlayerVout":
            self._apply_marquee()

    # --- resting while paused ------------------------------------------------------------------

    def resting(self) -> bool:
        return self._resting_track is not None

    def _rest(self) -> None:
        """Paused long enough: keep the picture as a still and stop libVLC redrawing it."""
        mp = self._mp
        if mp is None or self._state is not PlayerState.PAUSED or self.resting():
            return
        track = mp.video_get_track()
        if track < 0:
            return  # no picture (audio only): nothing is redrawn anyway
        still = Path(self._still_dir.name) / f"still-{self._generation}.png"
        if mp.video_take_snapshot(0, str(still), 0, 0) != 0 or not still.is_file():
            return  # no picture to keep: rather redraw than show black
        mp.video_set_track(-1)
        self._resting_track = track
        self.still_changed.emit(str(still))

    def refresh_picture(self) -> None:
        """The picture must be drawn again (new on-video line, resized window): a resting
        player wakes for it; either way it rests only a second after the last change."""
        if self.resting():
            self._wake()
        if self._state is PlayerState.PAUSED:
            self._rest_timer.start()

    def _wake(self, at: float | None = None) -> None:
        """Video back on (play, seek): libVLC decodes from the keyframe before ``at``."""
        self._rest_timer.stop()
        if self._resting_track is None or self._mp is None:
            return
        track, self._resting_track = self._resting_track, None
        self._mp.video_set_track(track)
        target = self._playhead.position() if at is None else at
        self._mp.set_time(round(target * 1000))
        if self._state is PlayerState.PAUSED:
            self._wake_target = target
            self._wake_step.start()
        self.still_changed.emit(None)

    def _show_woken_frame(self) -> None:
        if self._mp is not None and self._state is PlayerState.PAUSED and not self.resting():
            self._mp.set_time(round(self._wake_target * 1000))

    def _on_playing(self) -> None:
        if self._state is not PlayerState.PAUSED:  # a start, not a resume
            self._video_check.start()
        self._apply_sound()
        if self._pending_seek is not None:
            target, self._pending_seek = self._pending_seek, None
            self._require().set_time(round(target * 1000))
            self._playhead.seek(target)
        self._playhead.play()
        self._set_state(PlayerState.PLAYING)

    def _on_end(self) -> None:
        if self._decoded() == (0, 0):
            self._fail(
                f"{self._path}: no video or audio libVLC can decode (not a film, or unknown codec)"
            )
            return
        self._playhead.pause()
        end = self._duration or self._playhead.position()  # a stream may never tell its length
        self._playhead.seek(end)
        self._set_state(PlayerState.ENDED)
        self.position_jumped.emit(end)

    def _check_video(self) -> None:
        """A video stream with no decoded picture is a codec libVLC lacks (it plays sound only)."""
        if self._mp is None or self._state not in (PlayerState.PLAYING, PlayerState.PAUSED):
            return
        has_video = bool(_tracks(self._mp.video_get_track_description()))
        if has_video and self._decoded()[0] == 0:
            self._fail(f"{self._path}: libVLC cannot decode its video (unsupported codec)")

    def _decoded(self) -> tuple[int, int]:
        """(video, audio) blocks libVLC has decoded from the current media so far."""
        stats = self._vlc.MediaStats()
        if self._media is None or not self._media.get_stats(stats):
            return (0, 0)
        return (stats.decoded_video, stats.decoded_audio)

    def _fail(self, message: str) -> None:
        """Report ``message`` and stop: after ``error`` the player is idle but reusable."""
        self._video_check.stop()
        self._forget_rest()
        self._require().stop()
        self._playhead.reset()
        self._set_state(PlayerState.ERROR)
        self.error.emit(message)

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    # --- loading ----------------------------------------------------------------------------

    def load(self, path: str | None) -> None:
        """Open ``path`` stopped at 0; a file that cannot be a film raises ``PlayerError`` now,
        one libVLC cannot decode is reported through ``error`` once playback starts."""
        mp = self._require()
        if path is not None:
            _check_readable(Path(path))
        mp.stop()
        self._generation += 1
        old = self._media
        self._media = None
        self._path = None
        if path is not None:
            assert self._instance is not None  # released only with the media player
            media = self._instance.media_new_path(str(path))
            if media is None:
                raise PlayerError(f"libVLC cannot open {path}")
            mp.set_media(media)
            self._media = media
            self._path = Path(path)
        if old is not None:
            old.release()
        self._video_check.stop()
        self._forget_rest()
        self._playhead.reset()
        self._pending_seek = None
        self._duration = 0.0
        self.duration_changed.emit(0.0)
        self._set_state(PlayerState.STOPPED)
        self.position_jumped.emit(0.0)

    def path(self) -> Path | None:
        return self._path

    # --- transport --------------------------------------------------------------------------

    def play(self) -> None:
        mp = self._require_media()
        if self._state in (PlayerState.ENDED, PlayerState.ERROR):
            mp.stop()  # libVLC 3 only restarts an ended input from a stop
            if self._state is PlayerState.ENDED and self._pending_seek is None:
                self._pending_seek = 0.0
        if self._state is PlayerState.PAUSED:
            self._wake()
            mp.set_pause(0)
        elif mp.play() == -1:
            raise PlayerError(f"libVLC could not start playing {self._path}")

    def pause(self) -> None:
        mp = self._require_media()
        if self._state is PlayerState.PLAYING:
            mp.set_pause(1)
            self._playhead.pause()

    def seek(self, seconds: float) -> None:
        mp = self._require_media()
        target = max(0.0, float(seconds))
        if self._duration > 0:
            target = min(target, self._duration)
        if self.resting():
            self._wake(target)
            self._rest_timer.start()
        elif self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
            mp.set_time(round(target * 1000))
            self._wake_target = target  # a wake's second seek, if one is due, goes here too
            if self._state is PlayerState.PAUSED:
                self._rest_timer.start()
        else:
            self._pending_seek = target
        self._playhead.seek(target)
        self.position_jumped.emit(target)

    def position(self) -> float:
        running = self._state in (PlayerState.PLAYING, PlayerState.PAUSED)
        if running and self._mp is not None and self._pending_seek is None:
            self._playhead.observe(self._mp.get_time() / 1000)
        pos = self._playhead.position()
        return min(pos, self._duration) if self._duration > 0 else pos

    def duration(self) -> float:
        return self._duration

    def state(self) -> PlayerState:
        return self._state

    def set_rate(self, rate: float) -> None:
        mp = self._require()
        if rate <= 0 or mp.set_rate(rate) == -1:
            raise PlayerError(f"libVLC cannot play at rate {rate}")
        self._rate = float(rate)
        self._playhead.set_rate(self._rate)

    def rate(self) -> float:
        return self._rate

    # --- sound: libVLC forgets volume/mute until an audio output exists, so we keep them -------

    def set_volume(self, percent: int) -> None:
        self._volume = max(0, min(200, int(percent)))
        self._apply_sound()

    def volume(self) -> int:
        return self._volume

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._apply_sound()

    def muted(self) -> bool:
        return self._muted

    def _apply_sound(self) -> None:
        if self._mp is not None:
            self._mp.audio_set_volume(self._volume)
            self._mp.audio_set_mute(self._muted)

    # --- tracks -----------------------------------------------------------------------------

    def audio_tracks(self) -> list[Track]:
        # audio_get_track_description, not tracks_get(): reading MediaTrack.language segfaults.
        return _tracks(self._require().audio_get_track_description())

    def audio_track(self) -> int | None:
        track = self._require().audio_get_track()
        return None if track < 0 else track

    def set_audio_track(self, track_id: int) -> None:
        if self._require().audio_set_track(track_id) == -1:
            raise PlayerError(f"no audio track {track_id} in {self._path}")

    def subtitle_tracks(self) -> list[Track]:
        return _tracks(self._require().video_get_spu_description())

    def subtitle_track(self) -> int | None:
        track = self._require().video_get_spu()
        return None if track < 0 else track

    def set_subtitle_track(self, track_id: int) -> None:
        self.refresh_picture()  # the subtitles are drawn on the picture: a resting one wakes
        if self._require().video_set_spu(track_id) == -1:
            raise PlayerError(f"no subtitle track {track_id} in {self._path}")

    def load_subtitle_file(self, path: str) -> None:
        mp = self._require_media()
        file = Path(path)
        _check_readable(file)
        if mp.add_slave(self._vlc.MediaSlaveType.subtitle, file.resolve().as_uri(), True) != 0:
            raise PlayerError(f"libVLC cannot load the subtitles in {path}")

    # --- video ------------------------------------------------------------------------------

    def set_marquee(self, text: str | None) -> None:
        if (text or None) == self._marquee:
            return
        self._marquee = text or None
        self.refresh_picture()
        self._apply_marquee()

    def _apply_marquee(self) -> None:
        if self._mp is None:
            return
        option = self._vlc.VideoMarqueeOption
        if self._marquee is None:
            self._mp.video_set_marquee_int(option.Enable, 0)
            return
        self._mp.video_set_marquee_string(option.Text, self._marquee)
        self._mp.video_set_marquee_int(option.Position, MARQUEE_TOP)  # clear of the subtitles
        self._mp.video_set_marquee_int(option.Y, MARQUEE_Y_PX)
        self._mp.video_set_marquee_int(option.Size, 22)
        self._mp.video_set_marquee_int(option.Timeout, 0)  # stays until replaced
        self._mp.video_set_marquee_int(option.Refresh, MARQUEE_REFRESH_MS)
        self._mp.video_set_marquee_int(option.Enable, 1)

    def set_video_window(self, win_id: int) -> None:
        mp = self._require()
        if sys.platform.startswith("linux"):
            mp.set_xwindow(int(win_id))
        elif sys.platform.startswith("win"):
            mp.set_hwnd(int(win_id))
        elif sys.platform == "darwin":
            mp.set_nsobject(int(win_id))
        else:
            raise PlayerError(f"embedding video is not supported on {sys.platform}")

    def has_video(self) -> bool:
        return True

    # --- shutdown ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop, then release player, media, instance: the only order that never hangs."""
        if self._mp is None:
            return
        self._video_check.stop()
        self._rest_timer.stop()
        self._wake_step.stop()
        mp, self._mp = self._mp, None  # queued events arriving later see None and do nothing
        self._generation += 1
        mp.stop()
        mp.release()
        if self._media is not None:
            self._media.release()
            self._media = None
        assert self._instance is not None  # released only with the media player
        self._instance.release()
        self._instance = None
        self._state = PlayerState.STOPPED
        self._still_dir.cleanup()

    def _forget_rest(self) -> None:
        """A new file or a failure: the old still and the switched-off track no longer apply."""
        self._rest_timer.stop()
        if self._resting_track is not None:
            self._resting_track = None
            self.still_changed.emit(None)

    def _require(self) -> vlc.MediaPlayer:
        if self._mp is None:
            raise PlayerError("the video player is closed")
        return self._mp

    def _require_media(self) -> vlc.MediaPlayer:
        mp = self._require()
        if self._media is None:
            raise PlayerError("no video is open")
        return mp


def _tracks(description: list[tuple[int, bytes]] | None) -> list[Track]:
    """libVLC's (id, name) pairs without its "Disable" entry (id -1): callers offer "off"."""
    return [
        Track(track_id, name.decode("utf-8", "replace"))
        for track_id, name in description or []
        if track_id != -1
    ]


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise PlayerError(f"{path}: no such file")
    if not path.is_file():
        raise PlayerError(f"{path}: not a file")
    if not os.access(path, os.R_OK):
        raise PlayerError(f"{path}: not readable (permission denied)")
    if path.stat().st_size == 0:
        raise PlayerError(f"{path}: the file is empty")
