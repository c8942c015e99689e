"""Release maps: reference clock <-> a copy's clock, for offsets, PAL speed and another cut."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.timing.releases import IDENTITY, Piece, ReleaseMap, ReleaseMapError

PAL = 25 / (24000 / 1001)


def test_identity_changes_nothing() -> None:
    assert IDENTITY.is_identity
    assert IDENTITY.to_copy(1234.5) == 1234.5 == IDENTITY.to_reference(1234.5)


def test_offset_and_pal_speed() -> None:
    release = ReleaseMap(offset_s=23.7, speed=1 / PAL)
    assert release.to_copy(8000.0) == pytest.approx(23.7 + 8000.0 / PAL)
    assert release.to_reference(release.to_copy(8000.0)) == pytest.approx(8000.0)


def test_an_inserted_scene_is_a_piece_and_its_time_shows_what_was_on_before() -> None:
    # 30 s scene added at reference 3000 s: from there on the copy runs 30 s later.
    release = ReleaseMap(offset_s=5.0, pieces=(Piece(3000.0, 9000.0, 35.0),))
    assert release.to_copy(2999.0) == 3004.0
    assert release.to_copy(3000.0) == 3035.0
    assert release.to_reference(3035.0) == 3000.0
    assert release.to_reference(3020.0) == 3000.0  # inside the added scene
    assert release.to_reference(9100.0) == pytest.approx(9095.0)  # past the piece: the map's


@given(
    st.floats(-600, 600),
    st.sampled_from([1.0, PAL, 1 / PAL, 24 / (24000 / 1001)]),
    st.floats(0, 9000),
)
def test_round_trip(offset: float, speed: float, reference: float) -> None:
    release = ReleaseMap(offset, speed)
    assert release.to_reference(release.to_copy(reference)) == pytest.approx(reference, abs=1e-6)


def test_json_round_trip_and_refusals() -> None:
    release = ReleaseMap(1.5, 1.0, (Piece(10.0, 20.0, 3.0),))
    assert ReleaseMap.from_json(release.as_json()) == release
    with pytest.raises(ReleaseMapError, match="malformed"):
        ReleaseMap.from_json({"pieces": [{"from_s": 1}]})
    with pytest.raises(ReleaseMapError, match="finite"):
        ReleaseMap(math.nan)
    with pytest.raises(ReleaseMapError, match="speed"):
        ReleaseMap(0.0, 0.0)
    with pytest.raises(ReleaseMapError, match="overlap"):
        ReleaseMap(0.0, 1.0, (Piece(10.0, 20.0, 3.0), Piece(15.0, 30.0, 4.0)))
