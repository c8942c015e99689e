"""The viewer's own file: its streams (ffprobe), its sound as samples (ffmpeg), its identity."""
