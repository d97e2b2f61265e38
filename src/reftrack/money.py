"""Money as integer minor units (cents): exact, never float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from reftrack.errors import InvalidInputError

_PLAIN = re.compile(r"^\d+([.,]\d{1,2})?$")
# The largest amount accepted (in whole units): a billion deals of it still sum within a
# 64-bit integer of cents, the column on every database.
MAX_AMOUNT = 1_000_000_000_000


def parse_money(text: str, *, what: str = "value") -> int:
    """'12500', '12500.5', '12500,50', '12,500.00', '€ 1.250' → cents."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "").lstrip("€$£")
    if raw.count(",") + raw.count(".") > 1 or (raw and not _PLAIN.match(raw)):
        # thousands separators: keep the last separator as the decimal one if it has 1-2 digits
        match = re.match(r"^(\d{1,3}(?:[.,]\d{3})*)(?:([.,])(\d{1,2}))?$", raw)
        if not match:
            raise InvalidInputError(f"{what} {text!r} is not an amount; use e.g. 12500 or 12500.50")
        whole = re.sub(r"[.,]", "", match.group(1))
        raw = whole + ("." + match.group(3) if match.group(3) else "")
    try:
        amount = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise InvalidInputError(
            f"{what} {text!r} is not an amount; use e.g. 12500 or 12500.50"
        ) from None
    if amount < 0:
        raise InvalidInputError(f"{what} {text!r} is negative; give the amount won")
    if amount > MAX_AMOUNT:
        raise InvalidInputError(
            f"{what} {text!r} is too large; give an amount up to {MAX_AMOUNT:,}"
        )
    return int((amount * 100).to_integral_value())


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
