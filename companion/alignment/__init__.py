"""Placing the commentary on the film: subtitles, anchors, sync and listening."""
