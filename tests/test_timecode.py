from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.timing.timecode import TimecodeError, format_time, parse_time


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:41:52", 2512),
        ("41:52", 2512),
        ("1:00:00.5", 3600.5),
        ("2512", 2512),
        ("12.25", 12.25),
        ("00:00:01,250", 1.25),
        ("90:00", 5400),
    ],
)
def test_parse(text, seconds):
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "1:99", "1:60:00", "-3", "nan", "inf", "1:2:3:4"])
def test_parse_refuses(text):
    with pytest.raises(TimecodeError):
        parse_time(text)


@given(st.floats(min_value=0, max_value=10 * 3600, allow_nan=False))
def test_format_parse_round_trip(seconds):
    assert parse_time(format_time(seconds)) == pytest.approx(seconds, abs=0.0005)


def test_format_unknown():
    assert format_time(None) == "--:--:--"
    assert format_time(2512.3, millis=False) == "00:41:52"
