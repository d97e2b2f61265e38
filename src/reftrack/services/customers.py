"""What a customer is worth and when they stopped being one (`advocate value`, `advocate
churn`): the facts `metrics --compare source` and `forecast` read.

Churn does not archive: a former customer may still refer you, and archiving is a choice
of its own (`advocate archive`). A churned advocate stops counting as an active customer
from the churn date on.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from reftrack.errors import InvalidInputError
from reftrack.models import Advocate
from reftrack.money import MAX_AMOUNT
from reftrack.services import rules

PER = {"year": 1, "month": 12}  # how many of each make a year
# the largest amount reftrack takes (money.MAX_AMOUNT): a value a month times twelve may
# pass it, and is refused with a message rather than stored past what is shown
MAX_CENTS = MAX_AMOUNT * 100


def check_cents(cents: int, *, what: str) -> int:
    if cents > MAX_CENTS:
        raise InvalidInputError(f"{what} is too large; give at most {MAX_AMOUNT:,}")
    return cents


def set_value(session: Session, *, advocate: Advocate, cents: int, per: str) -> int:
    """Store what ``advocate`` is worth a year (``cents`` per month or per year)."""
    if per not in PER:
        raise InvalidInputError(f"--per {per!r} is unknown; use month or year")
    advocate.value_cents_per_year = check_cents(cents * PER[per], what="the value per year")
    rules.touch(session, advocate)
    return advocate.value_cents_per_year


def churn(session: Session, *, advocate: Advocate, on: date) -> None:
    """``advocate`` stopped being a customer on ``on``."""
    since = advocate.customer_since
    if since is not None and on < since:
        raise InvalidInputError(
            f"{on} is before {advocate.name} became a customer ({since}); check --on"
        )
    advocate.churned_on = on
    rules.touch(session, advocate)


def unchurn(session: Session, *, advocate: Advocate) -> date | None:
    """A churn logged by mistake (or the customer came back): the date it had."""
    was = advocate.churned_on
    if was is None:
        raise InvalidInputError(f"{advocate.name} has not churned; nothing to undo")
    advocate.churned_on = None
    rules.touch(session, advocate)
    return was
