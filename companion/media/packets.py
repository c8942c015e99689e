"""When a file's subtitle streams show something: packet timestamps, read without decoding.

Timing a copy from its subtitles needs only when each cue appears, so image subtitles (PGS,
VobSub, DVB) serve as well as text and need no OCR. ffprobe lists the packets of the subtitle
streams in one pass over the file, without decoding a frame of video.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from companion.media.probe import MediaError, tool

IMAGE_SUB_CODECS = {"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"}
# An image cue that only clears the screen (PGS: a composition with no object, VobSub/DVB: a
# stop command) is a few dozen bytes; the smallest drawn line is hundreds.
CLEAR_PACKET_BYTES = 64


@dataclass(frozen=True)
class Packet:
    stream_index: int  # ffprobe's absolute stream index
    pts_s: float
    size: int


def subtitle_packets(
    path: Path, intervals: Sequence[tuple[float, float]] | None = None
) -> dict[int, list[Packet]]:
    """The subtitle packets of ``path``, grouped by absolute stream index, in time order: all of
    them, or those in ``intervals`` (``(start_s, length_s)``; ffprobe seeks to each and reads
    only that part of the file, where listing every packet would read all of a 30 GB rip)."""
    command = [tool("ffprobe"), "-v", "error", "-select_streams", "s"]
    if intervals:
        spans = ",".join(f"{max(a, 0.0):.3f}%+{n:.3f}" for a, n in intervals)
        command += ["-read_intervals", spans]
    command += ["-show_entries"]
    command += ["packet=stream_index,pts_time,size", "-of", "csv=p=0", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or ["unreadable"]
        raise MediaError(f"{path}: can't read its subtitle streams ({reason[0]})")
    out: dict[int, list[Packet]] = {}
    for line in done.stdout.splitlines():
        fields = line.strip().split(",")
        try:
            index, pts, size = int(fields[0]), float(fields[1]), int(fields[2])
        except (IndexError, ValueError):
            continue  # a packet without a timestamp can't time anything
        out.setdefault(index, []).append(Packet(index, pts, size))
    for packets in out.values():
        packets.sort(key=lambda p: p.pts_s)
    return out


def cue_starts(packets: list[Packet], codec: str) -> list[float]:
    """The times cues appear: image streams' clearing packets dropped, empty packets too."""
    floor = CLEAR_PACKET_BYTES if codec in IMAGE_SUB_CODECS else 1
    starts: list[float] = []
    for packet in packets:
        if packet.size >= floor and (not starts or packet.pts_s - starts[-1] > 0.02):
            starts.append(packet.pts_s)
    return starts
