"""Dates as the user types them, and the clock.

Accepted: ISO ``2026-03-31``, ``today``, ``tomorrow``, ``yesterday``, offsets ``+3d`` ``-2w``
``+2m`` ``+1y`` (also in words: ``in 3 days``, ``2 weeks ago``), and weekday names
(``friday``, ``next friday``: the next such day, never today; ``last friday``: the one
before today).
``REFTRACK_TODAY=YYYY-MM-DD`` fixes "today" for every command.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Mapping
from datetime import date, timedelta

from reftrack.errors import InvalidInputError

TODAY_ENV = "REFTRACK_TODAY"

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_OFFSET = re.compile(r"^([+-]?)(\d{1,5})\s*([dwmy])$")
_UNITS = {"day": "d", "week": "w", "month": "m", "year": "y"}
_WORDS = re.compile(r"^(?:in\s+)?(\d{1,5})\s+(day|week|month|year)s?(\s+ago)?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DATE_HELP = (
    "ISO 2026-03-31, today, tomorrow, yesterday, +3d, -2w, +2m, in 3 days, 2 weeks ago, "
    "or a weekday name (friday, next friday, last friday)"
)

# The dates reftrack accepts. Far inside Python's 0001..9999, so that every rule can add its
# cadence (config caps each at MAX_DAYS) to any accepted date without leaving the calendar.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
RANGE_HELP = f"use a date from {EARLIEST} to {LATEST}"


def in_range(value: date, *, what: str, text: str) -> date:
    """``value``, or a one-line error when it is outside EARLIEST..LATEST."""
    if not EARLIEST <= value <= LATEST:
        raise InvalidInputError(f"{what} {text!r} is out of range; {RANGE_HELP}")
    return value


def today(environ: Mapping[str, str] | None = None) -> date:
    """Today's date, or the one fixed by REFTRACK_TODAY."""
    env = os.environ if environ is None else environ
    fixed = env.get(TODAY_ENV, "").strip()
    if not fixed:
        return date.today()
    try:
        value = date.fromisoformat(fixed)
    except ValueError:
        raise InvalidInputError(
            f"{TODAY_ENV}={fixed!r} is not a date; set it as YYYY-MM-DD or unset it"
        ) from None
    if not EARLIEST <= value <= LATEST:
        raise InvalidInputError(
            f"{TODAY_ENV}={fixed!r} is out of range; set a date from {EARLIEST} to {LATEST} "
            "or unset it"
        )
    return value


def add_months(start: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (Jan 31 + 1m = Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def shift(start: date, amount: int, unit: str) -> date:
    if unit == "d":
        return start + timedelta(days=amount)
    if unit == "w":
        return start + timedelta(weeks=amount)
    if unit == "m":
        return add_months(start, amount)
    return add_months(start, 12 * amount)


def parse_date(text: str, *, base: date, what: str = "date") -> date:
    """Parse a user's date relative to ``base`` (usually today), within EARLIEST..LATEST."""
    try:
        value = _parse_date(text, base=base, what=what)
    except (OverflowError, ValueError):  # an offset past year 9999 (or before year 1)
        raise InvalidInputError(f"{what} {text!r} is out of range; {RANGE_HELP}") from None
    return in_range(value, what=what, text=text)


def _parse_date(text: str, *, base: date, what: str) -> date:
    word = text.strip().lower()
    if word == "today":
        return base
    if word == "tomorrow":
        return base + timedelta(days=1)
    if word == "yesterday":
        return base - timedelta(days=1)
    word = " ".join(word.split())
    offset = _OFFSET.match(word)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        return shift(base, sign * int(offset.group(2)), offset.group(3))
    words = _WORDS.match(word)
    if words and (word.startswith("in ") != bool(words.group(3))):  # "in 3 days", "3 days ago"
        sign = -1 if words.group(3) else 1
        return shift(base, sign * int(words.group(1)), _UNITS[words.group(2)])
    direction, _, day_name = word.rpartition(" ")
    if direction in ("", "next", "last"):
        for index, name in enumerate(_WEEKDAYS):
            if len(day_name) >= 3 and name.startswith(day_name):
                if direction == "last":
                    return base - timedelta(days=(base.weekday() - index - 1) % 7 + 1)
                ahead = (index - base.weekday() - 1) % 7 + 1
                return base + timedelta(days=ahead)
    if _ISO.match(word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            raise InvalidInputError(
                f"{what} {text!r} does not exist on the calendar; check the day and month"
            ) from None
    raise InvalidInputError(f"{what} {text!r} is not a date; use {DATE_HELP}")


def parse_duration(text: str, *, what: str = "duration") -> tuple[int, str]:
    """``7d``, ``2w``, ``3m``, ``1y`` (a leading + is allowed) → (amount, unit)."""
    match = _OFFSET.match(text.strip().lower())
    if not match or match.group(1) == "-":
        raise InvalidInputError(f"{what} {text!r} is not a duration; use e.g. 7d, 2w, 3m or 1y")
    return int(match.group(2)), match.group(3)


def after(start: date, text: str, *, what: str = "duration") -> date:
    """``start`` plus a duration the user typed (``--within 7d``), within the calendar."""
    amount, unit = parse_duration(text, what=what)
    try:
        value = shift(start, amount, unit)
    except (OverflowError, ValueError):
        raise InvalidInputError(f"{what} {text!r} is too far; {RANGE_HELP}") from None
    return in_range(value, what=what, text=text)


def optional_date(text: str | None, *, base: date, what: str = "date") -> date | None:
    return None if text is None else parse_date(text, base=base, what=what)


def iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()
