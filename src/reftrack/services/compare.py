"""`metrics --compare source` (docs/metrics.md#compare): customers who came by referral
against the rest, as of the period's last day, in one grouped statement.

A customer has ``customer_since`` on or before the day; referred: ``referred_by`` set or
``source`` = referral (the definition `forecast` uses). Months retained run from
customer_since to churned_on, or to the day for those still active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, case, func, literal, or_, select
from sqlmodel import Session, col

from reftrack.enums import Source
from reftrack.models import Advocate
from reftrack.money import format_money
from reftrack.services.aggregates import count_if, days_between, mine, rate

GROUPS = ("referral", "other")
COMPARE_COLUMNS = [
    "group",
    "customers",
    "valued",
    "value_per_year",
    "months_retained",
    "still_active",
]


@dataclass(frozen=True)
class Group:
    group: str
    customers: int = 0
    valued: int = 0  # with a value per year (`advocate value`)
    value_cents: int = 0  # their sum
    days: float = 0.0  # days retained, summed
    active: int = 0

    def as_dict(self) -> dict[str, Any]:
        per_year = round(self.value_cents / self.valued) if self.valued else None
        months = round(self.days * 12 / 365 / self.customers, 1) if self.customers else None
        return {
            "group": self.group,
            "customers": self.customers,
            "valued": self.valued,
            "value_per_year": format_money(per_year),
            "months_retained": months,
            "still_active": rate(self.active, self.customers),
        }


def by_source(session: Session, *, as_of: date) -> list[Group]:
    """The referral group and the rest, in that order (a group with no one shows zeros)."""
    day = literal(as_of, Date)
    since, churned = col(Advocate.customer_since), col(Advocate.churned_on)
    gone = churned.is_not(None) & (churned <= day)
    days = days_between(session, since, case((gone, churned), else_=day))
    referred = or_(
        col(Advocate.referred_by).is_not(None), col(Advocate.source) == Source.referral.value
    )
    group = case((referred, GROUPS[0]), else_=GROUPS[1]).label("grp")
    value = col(Advocate.value_cents_per_year)
    query = (
        select(
            group,
            func.count(),
            func.count(value),
            func.coalesce(func.sum(value), 0),
            func.coalesce(func.sum(case((days > 0, days), else_=0)), 0),
            count_if(~gone),
        )
        .where(since.is_not(None), since <= day, mine(session, Advocate))
        .group_by(group)
    )
    found = {
        row[0]: Group(
            group=row[0],
            customers=int(row[1]),
            valued=int(row[2]),
            value_cents=int(row[3]),
            days=float(row[4]),
            active=int(row[5]),
        )
        for row in session.connection().execute(query)
    }
    return [found.get(name, Group(group=name)) for name in GROUPS]
