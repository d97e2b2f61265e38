"""From the text of a cell to the value of a field: dates, money, enums, scores, flags.

Each kind lists its fields with a parser, whether a row must have it and its default. A
parser raises ``ValueError`` with the reason; ``convert`` gathers every reason of a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from reftrack.dates import EARLIEST, LATEST
from reftrack.enums import (
    Alternative,
    Channel,
    EventKind,
    FollowUpKind,
    Outcome,
    Source,
    Status,
)
from reftrack.errors import InvalidInputError
from reftrack.money import parse_money

DATE_ORDERS = ("dmy", "mdy", "ymd")
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_NUMERIC = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
_WORDY = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d %b, %Y")
TRUE_WORDS = {"true", "yes", "y", "1", "t", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}


def _ymd(year: str, month: str, day: str, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{text!r} does not exist on the calendar") from None


def parse_date(text: str, order: str | None = None) -> date:
    """ISO always; ``03-04-2025`` needs ``order`` unless only one reading is a date."""
    found = _parse_date(text.strip(), order)
    if not EARLIEST <= found <= LATEST:
        raise ValueError(
            f"{text.strip()!r} is out of range; use a date from {EARLIEST} to {LATEST}"
        )
    return found


def _parse_date(value: str, order: str | None) -> date:
    if len(value) == 10 and value[4] == "-" == value[7]:  # the common case, in C
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # the general path below says why
    iso = _ISO.match(value)
    if iso:
        year, month, day = iso.group(1).split("-")
        return _ymd(year, month, day, value)
    numeric = _NUMERIC.match(value)
    if numeric:
        a, b, c = numeric.groups()
        if len(a) == 4:
            return _ymd(a, b, c, value)
        if len(c) != 4:
            raise ValueError(f"{value!r} has a two-digit year; write the year in full")
        if order == "ymd":
            raise ValueError(f"{value!r} is not year-month-day; check --date-order")
        if order is None:
            order = _guess_order(int(a), int(b), value)
        day, month = (a, b) if order == "dmy" else (b, a)
        return _ymd(c, month, day, value)
    for pattern in _WORDY:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date; use 2026-03-31 (or --date-order for 31-03-2026)")


def _guess_order(first: int, second: int, text: str) -> str:
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first or first == second:
        return "mdy"
    raise ValueError(
        f"{text!r} could be day-month or month-day; give --date-order dmy or --date-order mdy"
    )


def parse_text(value: str) -> str:
    return value


def parse_line(value: str) -> str:
    return value.strip()


def parse_id(value: str) -> int:
    text = value.strip().lstrip("#")
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"{value!r} is not an id (a whole number from 1)")
    return int(text)


def parse_nps(value: str) -> int:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a score; give a whole number 0-10") from None
    if not number.is_integer() or not 0 <= number <= 10:
        raise ValueError(f"{value!r} is not a score; give a whole number 0-10")
    return int(number)


def parse_flag(value: str) -> bool:
    text = value.strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not true or false")


def parse_tags(value: str) -> str | None:
    parts = [part.strip() for part in value.split(";")]
    return ";".join(dict.fromkeys(part for part in parts if part)) or None


def parse_amount(value: str) -> int:
    try:
        return parse_money(value, what="amount")
    except InvalidInputError as error:
        raise ValueError(error.message) from None


class Choice:
    """The parser of an enum field: ``"No response"`` → ``no_response``."""

    def __init__(self, enum: type[StrEnum]) -> None:
        self.allowed = [member.value for member in enum]

    def __call__(self, value: str) -> str:
        key = re.sub(r"[\s-]+", "_", value.strip().casefold())
        if key not in self.allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(self.allowed)}")
        return key


def _choice(enum: type[StrEnum]) -> Callable[[str], str]:
    return Choice(enum)


@dataclass(frozen=True)
class Field:
    name: str  # the CSV column
    parse: Callable[[str], Any] | None  # None: dates (they need the date order)
    column: str | None = None  # the database column, when it differs; "" = not stored
    required: bool = False
    default: Any = None

    @property
    def target(self) -> str:
        return self.name if self.column is None else self.column


def _date(name: str, required: bool = False) -> Field:
    return Field(name, None, required=required)


_LINK = {"advocate_id": "advocate", "ask_id": "ask", "referral_id": "referral"}
ADVOCATE_NAME = "advocate"  # the readable name beside advocate_id: used when the id is empty

FIELDS: dict[str, list[Field]] = {
    "advocates": [
        Field("id", parse_id),
        Field("name", parse_line, required=True),
        Field("company", parse_line),
        Field("email", parse_line),
        Field("phone", parse_line),
        Field("tags", parse_tags),
        Field("nps", parse_nps),
        _date("nps_on"),
        _date("customer_since"),
        Field("source", _choice(Source)),
        Field("referred_by", parse_id),
        _date("last_milestone_on"),
        _date("last_complaint_on"),
        Field("archived", parse_flag, default=False),
        Field("notes", parse_text),
        Field("title", parse_line),
        Field("url", parse_line),
        Field("value_per_year", parse_amount, column="value_cents_per_year"),
        _date("churned_on"),
        Field("owner", parse_line),
    ],
    "asks": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        _date("asked_on", required=True),
        Field("channel", _choice(Channel), default=Channel.in_person.value),
        Field("target", parse_text),
        Field("outcome", _choice(Outcome), default=Outcome.pending.value),
        Field("alternative", _choice(Alternative)),
        Field("forced", parse_flag, default=False),
        Field("notes", parse_text),
        Field("owner", parse_line),
        Field("target_id", parse_id),
        Field("event", parse_line),
        _date("event_on"),
        Field("bring", parse_flag, default=False),
    ],
    "referrals": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("ask_id", parse_id),
        Field("prospect", parse_line, required=True),
        Field("company", parse_line),
        Field("email", parse_line),
        Field("phone", parse_line),
        _date("received_on", required=True),
        Field("status", _choice(Status), default=Status.new.value),
        Field("value", parse_amount, column="value_cents"),
        _date("closed_on"),
        Field("lost_reason", parse_text),
        _date("thanked_on"),
        Field("notes", parse_text),
        Field("owner", parse_line),
    ],
    "followups": [
        Field("id", parse_id),
        _date("due_on", required=True),
        Field("kind", _choice(FollowUpKind), default=FollowUpKind.custom.value),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("ask_id", parse_id),
        Field("referral_id", parse_id),
        Field("prospect", parse_line, column=""),
        Field("note", parse_text),
        _date("done_on"),
        Field("outcome", parse_text),
        Field("cancelled", parse_flag, default=False),
        Field("owner", parse_line),
        Field("link", parse_line),
        Field("intro_id", parse_id),
    ],
    "scores": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("score", parse_nps, required=True),
        _date("scored_on", required=True),
    ],
    "events": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("kind", _choice(EventKind), required=True),
        _date("happened_on", required=True),
        Field("note", parse_text),
    ],
    "intros": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("to_whom", parse_line, required=True),
        _date("given_on", required=True),
        Field("notes", parse_text),
        Field("owner", parse_line),
    ],
    "gifts": [
        Field("id", parse_id),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("what", parse_line, required=True),
        Field("cost", parse_amount, column="cost_cents"),
        Field("referral_id", parse_id),
        _date("given_on", required=True),
        Field("notes", parse_text),
        Field("owner", parse_line),
    ],
    "targets": [
        Field("id", parse_id),
        Field("name", parse_line, required=True),
        Field("company", parse_line),
        Field("title", parse_line),
        Field("url", parse_line),
        Field("notes", parse_text),
        Field("referral_id", parse_id),
        _date("closed_on"),
        _date("dropped_on"),
        Field("owner", parse_line),
    ],
    "target_links": [
        Field("id", parse_id),
        Field("target_id", parse_id, required=True),
        Field("target", parse_line, column=""),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
    ],
    "notes": [
        Field("id", parse_id),
        _date("noted_on", required=True),
        Field("advocate_id", parse_id),
        Field(ADVOCATE_NAME, parse_line, column=""),
        Field("referral_id", parse_id),
        Field("ask_id", parse_id),
        Field("text", parse_text, required=True),
        Field("owner", parse_line),
    ],
}
# the kinds whose every row needs its advocate (by id, or by name beside it)
NEEDS_ADVOCATE = ("asks", "referrals", "scores", "events", "target_links", "intros", "gifts")


def stored_columns(kind: str) -> dict[str, str]:
    """CSV column → database column, for the fields that are stored."""
    return {f.name: f.target for f in FIELDS[kind] if f.target}


def missing_columns(kind: str, present: set[str]) -> list[str]:
    """Required columns the header lacks (advocate_id may be given by name instead)."""
    missing = [f.name for f in FIELDS[kind] if f.required and f.name not in present]
    needs_advocate = kind in NEEDS_ADVOCATE
    if kind == "notes" and not present & {*_LINK, ADVOCATE_NAME}:
        missing.append("advocate_id, referral_id or ask_id")
    if needs_advocate and not present & {"advocate_id", ADVOCATE_NAME}:
        missing.append("advocate_id")
    if kind == "followups" and not present & {*_LINK, ADVOCATE_NAME}:
        missing.append("advocate_id, ask_id or referral_id")
    return missing


@dataclass
class Converted:
    values: dict[str, Any]  # database column → value, for the non-empty cells
    blanks: dict[str, Any]  # database column → its empty value, for the empty cells
    advocate_name: str | None
    errors: list[tuple[str, str]]  # (CSV field, reason)


@cache
def _prepared(kind: str, present: frozenset[str]) -> list[tuple[str, str, Any, bool, Any, bool]]:
    """(name, target, parser, required, default, exact) of the fields a file has."""
    return [
        (f.name, f.target, f.parse, f.required, f.default, f.parse is parse_text)
        for f in FIELDS[kind]
        if f.name in present
    ]


def convert(
    kind: str, raw: Mapping[str, str], present: frozenset[str], *, date_order: str | None = None
) -> Converted:
    """Typed values of one row; every field in error is reported, not only the first."""
    values: dict[str, Any] = {}
    blanks: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    advocate_name = None
    for name, target, parse, required, default, exact in _prepared(kind, present):
        text = raw.get(name, "")
        if not (text if exact else text.strip()):
            if required:
                errors.append((name, "is empty; every row needs one"))
            elif target:
                blanks[target] = default
            continue
        try:
            value = parse_date(text, date_order) if parse is None else parse(text)
        except ValueError as error:
            errors.append((name, str(error)))
            continue
        if name == ADVOCATE_NAME:
            advocate_name = str(value)
        elif target:
            values[target] = value
    unlinked = all(values.get(link) is None for link in _LINK)
    if kind == "followups" and not errors and not advocate_name and unlinked:
        errors.append(("advocate_id", "a follow-up needs an advocate_id, ask_id or referral_id"))
    about_advocate = values.get("advocate_id") is not None or bool(advocate_name)
    subjects = about_advocate + sum(values.get(k) is not None for k in ("ask_id", "referral_id"))
    if kind == "notes" and not errors and subjects != 1:
        errors.append(
            ("advocate_id", "a note is about exactly one advocate_id, referral_id or ask_id")
        )
    return Converted(values, blanks, advocate_name, errors)


def defaults(kind: str) -> dict[str, Any]:
    """Values of a new record for the fields a file does not have."""
    return {f.target: f.default for f in FIELDS[kind] if f.target}
