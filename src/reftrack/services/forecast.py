"""`reftrack forecast` (docs/metrics.md#forecast): the referral coefficient k measured
from the book, and where the book is heading at that rate.

- A **customer** is an advocate with ``customer_since`` on or before today; they are
  **active** from that day until ``churned_on`` (or today). Archiving does not matter.
- **Customer-years**: the sum of every customer's active days up to today, / 365.
- A **referred customer** is a customer who came by referral: ``referred_by`` set (a won
  referral made them an advocate) or ``source`` = referral. **Asked** when that referral
  answered an ask, **organic** otherwise (also when no referral is linked).
- **k** = referred customers / customer-years: new customers by referral per customer per
  year (k_asked + k_organic = k). The texts' ideal is k = 1 ("1 → 16,384 in 15 steps").
- **churn** = customers churned / customer-years.
- The projection starts from the customers active today: each year
  ``N ← N × (1 + k − churn) + extra``, where ``extra`` (``--what-if-asks N``) is
  N × 12 × ask yield × win rate, both measured over the whole book.

Everything is one aggregate statement plus the asks' and referrals' counts; the
generations come from `tree` (services/tree.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, case, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from reftrack import dates
from reftrack.enums import Source, Status
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, Referral
from reftrack.services import tree
from reftrack.services.aggregates import count_if, days_between, has_referral, mine, rate

DAYS_PER_YEAR = 365
IDEAL_K = 1.0  # one new customer per customer per year: the texts' doubling
MAX_YEARS = 50


@dataclass(frozen=True)
class Measured:
    """What the book says, up to ``as_of``."""

    as_of: date
    first_customer_on: date | None
    customers: int
    active: int
    customer_days: int
    referred: int
    asked: int
    churned: int
    asks: int
    asks_with_referral: int
    asks_last_year: int
    won: int
    lost: int
    generations: list[int] = field(default_factory=list)  # referred customers per depth

    @property
    def customer_years(self) -> float:
        return self.customer_days / DAYS_PER_YEAR

    def per_year(self, count: int) -> float | None:
        """``count`` per customer-year (None: no customer-years to divide by)."""
        return None if self.customer_days <= 0 else count / self.customer_years

    @property
    def k(self) -> float | None:
        return self.per_year(self.referred)

    @property
    def ask_yield(self) -> float | None:
        return rate(self.asks_with_referral, self.asks)

    @property
    def win_rate(self) -> float | None:
        return rate(self.won, self.won + self.lost)


@dataclass(frozen=True)
class Year:
    year: int
    on: date | None  # None: beyond the calendar
    customers: float | None  # at the measured k and churn
    ideal: float  # at the texts' k = 1, no churn
    what_if: float | None  # with the extra asks


def parse_asks(text: str) -> int:
    """`+4/month`, `4/month`, `+4` or `4`: more asks a month (a whole number)."""
    raw = text.strip().removeprefix("+").removesuffix("/month").removesuffix("/mo").strip()
    if not raw.isdigit() or int(raw) > 10_000:
        raise InvalidInputError(
            f"--what-if-asks {text!r} is not a number of asks a month; use e.g. +4/month"
        )
    return int(raw)


def measure(session: Session, *, as_of: date) -> Measured:
    """The book's facts up to ``as_of`` (see the module's definitions)."""
    today = literal(as_of, Date)
    since = col(Advocate.customer_since)
    churned = col(Advocate.churned_on)
    ended = case((churned.is_not(None) & (churned < today), churned), else_=today)
    days = days_between(session, since, ended)
    origin = aliased(Referral)
    referred = or_(
        col(Advocate.referred_by).is_not(None), col(Advocate.source) == Source.referral.value
    )
    customers = (
        select(
            func.count(),
            func.min(since),
            func.coalesce(func.sum(case((days > 0, days), else_=0)), 0),
            count_if(referred),
            count_if(col(origin.ask_id).is_not(None)),
            count_if(churned.is_not(None) & (churned <= today)),
        )
        .select_from(Advocate)
        .outerjoin(origin, col(origin.id) == col(Advocate.referred_by))
        .where(since.is_not(None), since <= today, mine(session, Advocate))
    )
    run = session.connection().execute
    count, first, total_days, referred_count, asked, churned_count = run(customers).one()
    asked_on = col(Ask.asked_on)
    ask_counts = select(
        func.count(), count_if(has_referral()), count_if(asked_on > as_of - timedelta(days=365))
    ).where(asked_on <= as_of, mine(session, Ask))
    asks, with_referral, last_year = run(ask_counts).one()
    status = col(Referral.status)
    closed = select(count_if(status == Status.won.value), count_if(status == Status.lost.value))
    won, lost = run(closed.where(col(Referral.closed_on) <= as_of, mine(session, Referral))).one()
    if isinstance(first, str):  # SQLite's MIN over a date column comes back as text
        first = date.fromisoformat(first)
    return Measured(
        as_of=as_of,
        first_customer_on=first,
        customers=int(count),
        active=int(count) - int(churned_count or 0),
        customer_days=round(float(total_days or 0)),
        referred=int(referred_count or 0),
        asked=int(asked or 0),
        churned=int(churned_count or 0),
        asks=int(asks or 0),
        asks_with_referral=int(with_referral or 0),
        asks_last_year=int(last_year or 0),
        won=int(won or 0),
        lost=int(lost or 0),
        generations=generations(session),
    )


def generations(session: Session) -> list[int]:
    """How many referred customers each generation of `tree` holds: [first, second, …]
    (first: brought by someone who was not referred themselves)."""
    counts: list[int] = []
    for root in tree.chains(session).roots:
        for depth, _, _ in root.walk():
            if depth == 0:
                continue
            while len(counts) < depth:
                counts.append(0)
            counts[depth - 1] += 1
    return counts


def extra_per_year(measured: Measured, asks_per_month: int | None) -> float | None:
    """New customers a year that ``asks_per_month`` more asks would bring, at the
    measured ask yield and win rate (None: either is not measured yet)."""
    if asks_per_month is None or measured.ask_yield is None or measured.win_rate is None:
        return None
    return asks_per_month * 12 * measured.ask_yield * measured.win_rate


def project(measured: Measured, *, years: int, asks_per_month: int | None = None) -> list[Year]:
    """Year 0 (today) to ``years``: the book at its own k and churn, the ideal, the what-if."""
    if not 1 <= years <= MAX_YEARS:
        raise InvalidInputError(f"--years {years} is out of range; give 1 to {MAX_YEARS}")
    k, churn = measured.k, measured.per_year(measured.churned)
    growth = None if k is None or churn is None else max(0.0, 1 + k - churn)
    extra = extra_per_year(measured, asks_per_month)
    start = float(measured.active)
    yours: float | None = start if growth is not None else None
    what_if: float | None = start if growth is not None and extra is not None else None
    rows = []
    for year in range(years + 1):
        if year:
            yours = None if yours is None or growth is None else yours * growth
            if what_if is not None and growth is not None and extra is not None:
                what_if = what_if * growth + extra
        rows.append(
            Year(
                year=year,
                on=_years_later(measured.as_of, year),
                customers=yours,
                ideal=start * (1 + IDEAL_K) ** year,
                what_if=what_if,
            )
        )
    return rows


def _years_later(start: date, years: int) -> date | None:
    try:
        return dates.add_months(start, 12 * years)
    except (ValueError, OverflowError):
        return None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def as_dict(measured: Measured, rows: list[Year], *, asks_per_month: int | None) -> dict[str, Any]:
    """The JSON contract of `forecast --format json` (docs/metrics.md#forecast)."""
    organic = measured.referred - measured.asked
    return {
        "as_of": measured.as_of.isoformat(),
        "first_customer_on": dates.iso(measured.first_customer_on) or None,
        "customers": measured.customers,
        "active": measured.active,
        "customer_years": round(measured.customer_years, 2),
        "referred_customers": measured.referred,
        "asked": measured.asked,
        "organic": organic,
        "k": _round(measured.k, 4),
        "k_asked": _round(measured.per_year(measured.asked), 4),
        "k_organic": _round(measured.per_year(organic), 4),
        "churned": measured.churned,
        "churn_rate": _round(measured.per_year(measured.churned), 4),
        "ideal_k": IDEAL_K,
        "generations": [
            {"generation": depth, "customers": count}
            for depth, count in enumerate(measured.generations, start=1)
        ],
        "asks_per_month": round(measured.asks_last_year / 12, 2),
        "ask_yield": measured.ask_yield,
        "win_rate": measured.win_rate,
        "what_if_asks_per_month": asks_per_month,
        "extra_customers_per_year": _round(extra_per_year(measured, asks_per_month), 2),
        "projection": [year_row(row) for row in rows],
    }


PROJECTION_COLUMNS = ["year", "on", "customers", "ideal", "what_if"]


def year_row(row: Year) -> dict[str, Any]:
    return {
        "year": row.year,
        "on": dates.iso(row.on) or None,
        "customers": _round(row.customers),
        "ideal": _round(row.ideal),
        "what_if": _round(row.what_if),
    }
