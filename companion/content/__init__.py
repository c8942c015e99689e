"""What the viewer reads: the transcript, films, packs, notes and phrase lookup."""
