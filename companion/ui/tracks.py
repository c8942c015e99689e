"""The Audio ▸ Audio track and Subtitles ▸ Subtitle track menus, filled when they open."""

from __future__ import annotations

from PySide6.QtCore import QObject

from companion.ui.actions import ActionTable
from companion.ui.playback import PlaybackController


def no_tracks_text(kind: str, has_video: bool) -> str:
    """Why a track menu is empty: no video open, or this video has none of that kind."""
    return f"This video has no {kind} tracks" if has_video else f"No {kind} tracks (no video open)"


class TracksController(QObject):
    def __init__(self, playback: PlaybackController, actions: ActionTable) -> None:
        super().__init__(playback)
        self.playback = playback
        self.audio_menu = actions.submenu("audio.track")
        self.audio_menu.aboutToShow.connect(self.fill_audio)
        self.subtitle_menu = actions.submenu("subs.track")
        self.subtitle_menu.aboutToShow.connect(self.fill_subtitles)

    def fill_audio(self) -> None:
        menu, player = self.audio_menu, self.playback.player
        menu.clear()
        tracks = player.audio_tracks()
        if not tracks:
            menu.addAction(no_tracks_text("audio", player.has_video())).setEnabled(False)
            return
        current = player.audio_track()
        for track in tracks:
            action = menu.addAction(track.name)
            action.setCheckable(True)
            action.setChecked(track.id == current)
            action.triggered.connect(lambda _=False, i=track.id: self.choose_audio(i))

    def choose_audio(self, track_id: int) -> None:
        self.playback.guard(lambda: self.playback.player.set_audio_track(track_id))
        self.playback.remember_now.emit()

    def fill_subtitles(self) -> None:
        menu, player = self.subtitle_menu, self.playback.player
        menu.clear()
        if not player.has_video():
            menu.addAction(no_tracks_text("subtitle", False)).setEnabled(False)
            return
        current = player.subtitle_track()
        for track_id, name in ((-1, "Off"), *((t.id, t.name) for t in player.subtitle_tracks())):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(track_id == current or (track_id == -1 and current is None))
            action.triggered.connect(lambda _=False, i=track_id: self.choose_subtitle(i))

    def choose_subtitle(self, track_id: int) -> None:
        self.playback.guard(lambda: self.playback.player.set_subtitle_track(track_id))
