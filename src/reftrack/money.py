"""Money as integer minor units (cents): exact, never float."""

from __future__ import annotations

import re
from decimal import Decimal

from reftrack.errors import InvalidInputError

_CHARS = re.compile(r"^[\d.,]+$")
_GROUPED = re.compile(r"^\d{1,3}(?:\d{3})*$")  # after removing one kind of separator
# The largest amount accepted (in whole units): a billion deals of it still sum within a
# 64-bit integer of cents, the column on every database.
MAX_AMOUNT = 1_000_000_000_000


def parse_money(text: str, *, what: str = "value") -> int:
    """'12500', '12500.5', '12500,50', '12,500.00', '7.500,50', '€ 1.250.000' → cents.

    At most two decimals: more is refused, never rounded. One separator followed by
    exactly three digits (``12.345``, ``1,234``) could be a thousands or a decimal
    separator: refused, naming both readings. Two kinds of separator: the last one is the
    decimal one; one kind used twice or more: thousands (``1.234.567``)."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "").lstrip("€$£")
    not_amount = f"{what} {text!r} is not an amount; use e.g. 12500 or 12500.50"
    if not raw or not _CHARS.match(raw) or not any(c.isdigit() for c in raw):
        raise InvalidInputError(not_amount)
    whole, decimals = _split(raw, text=text, what=what, not_amount=not_amount)
    if len(decimals) > 2:
        raise InvalidInputError(
            f"{what} {text!r} has {len(decimals)} decimals; amounts are kept to the cent: "
            "give at most two (nothing is rounded)"
        )
    amount = Decimal(f"{whole or '0'}.{decimals or '0'}")
    if amount > MAX_AMOUNT:
        raise InvalidInputError(
            f"{what} {text!r} is too large; give an amount up to {MAX_AMOUNT:,}"
        )
    return int(whole or "0") * 100 + int(decimals.ljust(2, "0") or "0")


def _split(raw: str, *, text: str, what: str, not_amount: str) -> tuple[str, str]:
    """(whole digits, decimal digits) of an amount of digits, dots and commas."""
    kinds = {c for c in raw if c in ".,"}
    if not kinds:
        return raw, ""
    if len(kinds) == 2:
        point = max(raw.rfind("."), raw.rfind(","))
        head, tail = raw[:point], raw[point + 1 :]
        thousands = (kinds - {raw[point]}).pop()
        grouped = head.replace(thousands, "")
        if raw[point] in head or not tail.isdigit() or not _is_grouped(head, thousands):
            raise InvalidInputError(not_amount)
        return grouped, tail
    sep = kinds.pop()
    parts = raw.split(sep)
    if len(parts) > 2:  # 1.234.567: thousands only
        if not _is_grouped(raw, sep):
            raise InvalidInputError(not_amount)
        return raw.replace(sep, ""), ""
    head, tail = parts
    if not head or not tail:
        raise InvalidInputError(not_amount)
    if len(tail) == 3 and _is_grouped(raw, sep) and head != "0":
        raise InvalidInputError(
            f"{what} {text!r} is ambiguous: {head}{tail} (with {sep!r} as a thousands "
            f"separator) or {head}.{tail} (as a decimal one); write {head}{tail} or "
            f"{head}.{tail[:2]}"
        )
    return head, tail


def _is_grouped(number: str, sep: str) -> bool:
    """Digits in groups of three after the first (1,234,567), or no separator at all."""
    groups = number.split(sep)
    return (
        all(g.isdigit() for g in groups)
        and 1 <= len(groups[0]) <= (3 if len(groups) > 1 else len(groups[0]))
        and all(len(g) == 3 for g in groups[1:])
    )


def format_money(cents: int | None) -> str | None:
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def display_money(cents: int | None, currency: str = "") -> str:
    """For people: thousands grouped, currency code in front."""
    if cents is None:
        return "—"
    whole, rest = divmod(cents, 100)
    text = f"{whole:,}" + (f".{rest:02d}" if rest else "")
    return f"{currency} {text}".strip()
