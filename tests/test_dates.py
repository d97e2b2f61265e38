"""Dates as the user types them (README: Dates) and the REFTRACK_TODAY clock."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reftrack.dates import add_months, iso, parse_date, parse_duration, today
from reftrack.errors import InvalidInputError

MONDAY = date(2026, 3, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("1999-12-31", date(1999, 12, 31)),
        ("2024-02-29", date(2024, 2, 29)),
        (" 2026-03-31 ", date(2026, 3, 31)),
        ("today", MONDAY),
        ("TODAY", MONDAY),
        ("tomorrow", date(2026, 3, 17)),
        ("yesterday", date(2026, 3, 15)),
        ("Yesterday ", date(2026, 3, 15)),
    ],
)
def test_iso_and_words(text: str, expected: date) -> None:
    assert parse_date(text, base=MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", date(2026, 3, 19)),
        ("3d", date(2026, 3, 19)),
        ("-2d", date(2026, 3, 14)),
        ("+0d", MONDAY),
        ("-2w", date(2026, 3, 2)),
        ("+1w", date(2026, 3, 23)),
        ("+2m", date(2026, 5, 16)),
        ("-3m", date(2025, 12, 16)),
        ("+1y", date(2027, 3, 16)),
        ("+10m", date(2027, 1, 16)),
        ("+30d", date(2026, 4, 15)),
        ("+2W", date(2026, 3, 30)),
    ],
)
def test_offsets(text: str, expected: date) -> None:
    assert parse_date(text, base=MONDAY) == expected


@pytest.mark.parametrize(
    ("base", "text", "expected"),
    [
        (date(2026, 1, 31), "+1m", date(2026, 2, 28)),
        (date(2024, 1, 31), "+1m", date(2024, 2, 29)),
        (date(2026, 3, 31), "-1m", date(2026, 2, 28)),
        (date(2026, 5, 31), "+1m", date(2026, 6, 30)),
        (date(2026, 8, 31), "+6m", date(2027, 2, 28)),
        (date(2024, 2, 29), "+1y", date(2025, 2, 28)),
        (date(2026, 1, 30), "+1m", date(2026, 2, 28)),
        (date(2026, 12, 15), "+1m", date(2027, 1, 15)),
        (date(2026, 1, 15), "-1m", date(2025, 12, 15)),
    ],
)
def test_months_clamp_to_the_month_end(base: date, text: str, expected: date) -> None:
    assert parse_date(text, base=base) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", date(2026, 3, 23)),  # never today: the next Monday
        ("Mon", date(2026, 3, 23)),
        ("tuesday", date(2026, 3, 17)),
        ("wed", date(2026, 3, 18)),
        ("thurs", date(2026, 3, 19)),
        ("friday", date(2026, 3, 20)),
        ("FRI", date(2026, 3, 20)),
        ("saturday", date(2026, 3, 21)),
        ("sunday", date(2026, 3, 22)),
        ("next friday", date(2026, 3, 20)),  # the same: the next such day
        ("next  Monday", date(2026, 3, 23)),
        ("last friday", date(2026, 3, 13)),  # the one before today
        ("last monday", date(2026, 3, 9)),  # never today
        ("in 3 days", date(2026, 3, 19)),
        ("in 2 weeks", date(2026, 3, 30)),
        ("in 1 month", date(2026, 4, 16)),
        ("3 days ago", date(2026, 3, 13)),
        ("1 year ago", date(2025, 3, 16)),
    ],
)
def test_weekdays_are_the_next_such_day(text: str, expected: date) -> None:
    assert parse_date(text, base=MONDAY) == expected


@pytest.mark.parametrize("base", [MONDAY + timedelta(days=n) for n in range(7)])
def test_weekday_never_today_and_within_a_week(base: date) -> None:
    for name in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]:
        found = parse_date(name, base=base)
        assert 1 <= (found - base).days <= 7
        assert found.strftime("%A").lower() == name


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("someday", "is not a date"),
        ("", "is not a date"),
        ("mo", "is not a date"),
        ("fridays", "is not a date"),
        ("next fridays", "is not a date"),
        ("in 3 days ago", "is not a date"),
        ("3 days", "is not a date"),
        ("soon friday", "is not a date"),
        ("31/12/2025", "is not a date"),
        ("2026-3-1", "is not a date"),
        ("+3x", "is not a date"),
        ("+d", "is not a date"),
        ("2026-13-01", "does not exist on the calendar"),
        ("2025-02-31", "does not exist on the calendar"),
        ("2026-00-10", "does not exist on the calendar"),
    ],
)
def test_bad_texts(text: str, says: str) -> None:
    with pytest.raises(InvalidInputError, match=says) as caught:
        parse_date(text, base=MONDAY, what="--on")
    assert caught.value.message.startswith(f"--on {text!r}")
    assert "\n" not in caught.value.message


def test_the_error_names_the_accepted_forms() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_date("someday", base=MONDAY)
    for form in ["2026-03-31", "today", "+3d", "weekday"]:
        assert form in caught.value.message


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_iso_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), base=MONDAY) == day
    assert iso(parse_date(iso(day), base=MONDAY)) == day.isoformat()


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=-240, max_value=240),
)
@settings(max_examples=200, deadline=None)
def test_add_months_stays_in_the_target_month(start: date, months: int) -> None:
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(start.day, last)  # clamped to the month's end, never pushed over


# --- the clock ---------------------------------------------------------------------------


def test_today_follows_reftrack_today() -> None:
    assert today({"REFTRACK_TODAY": "2026-03-16"}) == MONDAY
    assert today({"REFTRACK_TODAY": " 2020-02-29 "}) == date(2020, 2, 29)


def test_today_without_the_variable_is_the_real_today() -> None:
    assert today({}) == date.today()
    assert today({"REFTRACK_TODAY": ""}) == date.today()


@pytest.mark.parametrize("value", ["2026-02-31", "tomorrow", "16-03-2026", "x"])
def test_today_malformed(value: str) -> None:
    with pytest.raises(InvalidInputError, match=r"REFTRACK_TODAY.*YYYY-MM-DD"):
        today({"REFTRACK_TODAY": value})


def test_today_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFTRACK_TODAY", "2030-01-02")
    assert today() == date(2030, 1, 2)


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("7d", (7, "d")), ("+2w", (2, "w")), ("3M", (3, "m")), ("1y", (1, "y"))]
)
def test_durations(text: str, expected: tuple[int, str]) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["-2w", "soon", "7", "d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidInputError, match="not a duration"):
        parse_duration(text, what="--within")
