"""Time on the film: the time map, re-timing, edits, timecodes and release maps."""
