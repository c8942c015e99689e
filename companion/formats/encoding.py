"""Text files users give us, in whatever encoding their editor or release used.

Subtitles, timing CSV and JSON files all come from other programs (Notepad saves Windows-1252
or UTF-16, old releases Latin-1): the encoding is detected, never asked.
"""

from __future__ import annotations


def decode_bytes(data: bytes) -> str:
    """Text of a file in whatever encoding it was saved in.

    A byte-order mark is trusted; otherwise UTF-16 shows itself by its zero bytes, UTF-8 by
    decoding cleanly, and anything else is taken as Windows-1252 (a superset of Latin-1 for text),
    the usual encoding of older releases.
    """
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec)
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        even_zeros = sample[0::2].count(0)
        return data.decode("utf-16-be" if even_zeros > len(sample) // 4 else "utf-16-le")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
