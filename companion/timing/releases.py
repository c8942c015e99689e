"""A copy of the film on its own clock: the map from the pack's reference clock to that copy's.

Timings are stored once, on the reference clock (the release the shipped timings belong to).
A viewer's copy differs by a constant offset (other studio logos), a speed (PAL plays 25/23.976
faster), and, for another cut, pieces whose offset jumps where a scene was added or removed:
``copy = offset + speed × reference``, with a piece's own offset inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from companion.errors import CompanionError


class ReleaseMapError(CompanionError):
    """A release map that can't be right (speed not positive, a number not finite, pieces that
    overlap): refused before it is stored or used."""


@dataclass(frozen=True)
class Piece:
    """Reference seconds ``[from_s, to_s)`` where the copy's offset is ``offset_s``."""

    from_s: float
    to_s: float
    offset_s: float


@dataclass(frozen=True)
class ReleaseMap:
    offset_s: float = 0.0
    speed: float = 1.0
    pieces: tuple[Piece, ...] = ()

    def __post_init__(self) -> None:
        numbers = [self.offset_s, self.speed]
        numbers += [x for p in self.pieces for x in (p.from_s, p.to_s, p.offset_s)]
        if not all(math.isfinite(x) and abs(x) < 1e7 for x in numbers):
            raise ReleaseMapError("release map: every time must be a finite number of seconds")
        if not 0.5 <= self.speed <= 2.0:
            raise ReleaseMapError(f"release map: speed {self.speed:g} is not a film's speed")
        for a, b in zip(self.pieces, self.pieces[1:], strict=False):
            if b.from_s < a.to_s:
                raise ReleaseMapError("release map: pieces overlap or are out of order")
        if any(p.to_s <= p.from_s for p in self.pieces):
            raise ReleaseMapError("release map: a piece ends before it starts")

    @property
    def is_identity(self) -> bool:
        return self.offset_s == 0.0 and self.speed == 1.0 and not self.pieces

    def offset_at(self, reference_s: float) -> float:
        """The offset in force at ``reference_s``: its piece's, else the map's."""
        for piece in self.pieces:
            if piece.from_s <= reference_s < piece.to_s:
                return piece.offset_s
        return self.offset_s

    def to_copy(self, reference_s: float) -> float:
        return self.offset_at(reference_s) + self.speed * reference_s

    def to_reference(self, copy_s: float) -> float:
        """The reference time shown at ``copy_s`` on the copy.

        Where a scene was added the copy has time no reference time maps to: those moments
        map to where the stretch before them ends, so a seek into the added scene shows the
        commentary that was on just before it.
        """
        before = -math.inf
        for start, end, offset in self._regions():
            t = (copy_s - offset) / self.speed
            if start <= t < end:
                return t
            if t >= end:
                before = max(before, end)
        return before if math.isfinite(before) else (copy_s - self.offset_s) / self.speed

    def _regions(self) -> list[tuple[float, float, float]]:
        """The reference line cut into pieces and the gaps between them (the map's offset)."""
        out, at = [], -math.inf
        for piece in self.pieces:
            if piece.from_s > at:
                out.append((at, piece.from_s, self.offset_s))
            out.append((piece.from_s, piece.to_s, piece.offset_s))
            at = piece.to_s
        out.append((at, math.inf, self.offset_s))
        return out

    def as_json(self) -> dict:
        return {
            "offset_s": round(self.offset_s, 3),
            "speed": round(self.speed, 6),
            "pieces": [
                {
                    "from_s": round(p.from_s, 3),
                    "to_s": round(p.to_s, 3),
                    "offset_s": round(p.offset_s, 3),
                }
                for p in self.pieces
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> ReleaseMap:
        try:
            pieces = tuple(
                Piece(float(p["from_s"]), float(p["to_s"]), float(p["offset_s"]))
                for p in data.get("pieces", [])
            )
            return cls(float(data.get("offset_s", 0.0)), float(data.get("speed", 1.0)), pieces)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ReleaseMapError(
                "release map: malformed (needs offset_s, speed, pieces)"
            ) from None


IDENTITY = ReleaseMap()
