"""Which audio stream of a file is a commentary: by its title or language tag, or as asked."""

from __future__ import annotations

from companion.media.probe import MediaError, MediaInfo, Stream

# What a commentary track's title or language tag says, in the languages discs are made in.
COMMENTARY_WORDS = ("comment", "kommentar", "director")


def says_commentary(stream: Stream) -> bool:
    """Whether an audio stream's title or language tag names it a commentary."""
    tags = f"{stream.title} {stream.language}".lower()
    return any(word in tags for word in COMMENTARY_WORDS)


def choose_audio(info: MediaInfo, n: int | None = None) -> Stream:
    """The audio stream to listen to: the N-th (1-based), the one whose title says commentary,
    or a file's only one; a :class:`MediaError` naming the choices when it can't tell."""
    streams = info.audio
    listing = ", ".join(f"{s.ordinal}: {s.title or s.language or s.codec}" for s in streams)
    if not streams:
        raise MediaError(f"{info.path}: has no audio track to listen to")
    if n is not None:
        if not 1 <= n <= len(streams):
            raise MediaError(f"{info.path}: no audio track {n} (it has {len(streams)}: {listing})")
        return streams[n - 1]
    if len(streams) == 1:
        return streams[0]
    commentaries = [s for s in streams if says_commentary(s)]
    if len(commentaries) == 1:
        return commentaries[0]
    which = "several audio tracks say commentary" if commentaries else "no track says commentary"
    raise MediaError(f"{info.path}: {which} ({listing}); choose one with --track N")
