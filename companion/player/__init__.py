"""Players behind one interface: libVLC for a video file, a clock for second screens and tests."""

from companion.player.base import Player, PlayerError, PlayerState, Track

__all__ = ["Player", "PlayerError", "PlayerState", "Track"]
