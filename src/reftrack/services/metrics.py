"""Referral-rate metrics (docs/metrics.md), each one SQL aggregate over an indexed date range.

Nothing here loads rows into Python: counts and sums are COUNT/SUM/CASE in the database;
the median days to win fetches at most two values (ORDER BY … LIMIT 2 OFFSET n/2). Two
small helpers hold the only dialect-specific SQL (day differences, month keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, exists, false, func, or_, select
from sqlmodel import Session, col

from reftrack.enums import Source
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.money import format_money
from reftrack.services import giving_metrics
from reftrack.services.aggregates import (
    LOST,
    WON,
    PeriodFilters,
    count_if,
    days_between,
    has_referral,
    mine,
    one_row,
    period_filters,
    rate,
)
from reftrack.services.asking_metrics import AskingCounts, asking_counts
from reftrack.services.breakdown import BREAKDOWN_COLUMNS, BREAKDOWNS, BreakdownRow, breakdown

__all__ = ["BREAKDOWNS", "BREAKDOWN_COLUMNS", "BreakdownRow", "Metrics", "breakdown", "compute"]

DEFAULT_DAYS = 90
PERIODS = ("month", "quarter", "year", "all")


@dataclass(frozen=True)
class Nps:
    promoters: int
    passives: int
    detractors: int

    @property
    def scored(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        if self.scored == 0:
            return None
        return round(100 * (self.promoters - self.detractors) / self.scored, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "scored": self.scored,
        }


@dataclass(frozen=True)
class Metrics:
    since: date
    until: date
    asks: int
    asks_with_referral: int
    referrals: int
    organic_referrals: int
    thanked: int
    won: int
    lost: int
    won_value_cents: int
    median_days_to_win: float | None
    new_customers: int
    referred_customers: int
    followups_done: int
    followups_done_on_time: int
    overdue: int
    nps: Nps
    promoters_asked_count: int
    breakdown: list[BreakdownRow] = field(default_factory=list)
    giving: dict[str, Any] = field(default_factory=dict)  # services/giving_metrics.py
    asking: AskingCounts = field(default_factory=AskingCounts)

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract: every key of §6, rates as fractions, money as a decimal string."""
        median = self.median_days_to_win
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "asks": self.asks,
            "asks_with_referral": self.asks_with_referral,
            "ask_yield": rate(self.asks_with_referral, self.asks),
            "referrals": self.referrals,
            "organic_referrals": self.organic_referrals,
            "won": self.won,
            "lost": self.lost,
            "win_rate": rate(self.won, self.won + self.lost),
            "won_value": format_money(self.won_value_cents),
            "median_days_to_win": int(median)
            if median is not None and median.is_integer()
            else median,
            "new_customers": self.new_customers,
            "referred_customers": self.referred_customers,
            "referral_rate": rate(self.referred_customers, self.new_customers),
            "thanked_rate": rate(self.thanked, self.referrals),
            "followups_on_time": rate(self.followups_done_on_time, self.followups_done),
            "overdue": self.overdue,
            "nps": self.nps.as_dict(),
            "promoters_asked": rate(self.promoters_asked_count, self.nps.promoters),
            **self.giving,
            **self.asking.as_dict(),
        }


# --- the period -------------------------------------------------------------------------


def period_start(period: str, *, until: date, earliest: date | None = None) -> date:
    if period == "month":
        return until.replace(day=1)
    if period == "quarter":
        return until.replace(month=(until.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return until.replace(month=1, day=1)
    if period == "all":
        return min(earliest, until) if earliest is not None else until
    raise InvalidInputError(f"period {period!r} is unknown; use {', '.join(PERIODS)}")


def earliest_record(session: Session) -> date | None:
    """The first date anything happened (each MIN is one index seek)."""
    firsts = [
        select(func.min(col(Ask.asked_on))),
        select(func.min(col(Referral.received_on))),
        select(func.min(col(Advocate.customer_since))),
        select(func.min(col(FollowUp.due_on))),
    ]
    found = [session.connection().execute(q).scalar() for q in firsts]
    dates = [d for d in found if d is not None]
    return min(dates) if dates else None


def resolve_period(
    session: Session,
    *,
    today: date,
    since: date | None = None,
    until: date | None = None,
    period: str | None = None,
) -> tuple[date, date]:
    """[since, until]: explicit dates, a named period up to ``until``, or the last 90 days."""
    end = until or today
    if period is not None:
        if since is not None:
            raise InvalidInputError("--since and --period both set the start; give one of them")
        earliest = earliest_record(session) if period == "all" else None
        start = period_start(period, until=end, earliest=earliest)
    else:
        start = since or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInputError(f"--since {start} is after --until {end}; swap them")
    return start, end


# --- dialect helpers --------------------------------------------------------------------


def median_days_to_win(session: Session, *, won_filter: Any, won: int) -> float | None:
    """The median of closed_on − received_on over the ``won`` referrals ``won_filter`` finds."""
    if won == 0:
        return None
    days = days_between(session, col(Referral.received_on), col(Referral.closed_on))
    middle = (
        select(days)
        .where(won_filter)
        .order_by(days)
        .offset((won - 1) // 2)
        .limit(1 if won % 2 else 2)
    )
    values = [float(v) for v in session.connection().execute(middle).scalars()]
    return sum(values) / len(values) if values else None


def current_nps(session: Session) -> Nps:
    """Today's picture: the latest score of every active (not archived) advocate."""
    row = one_row(
        session,
        select(
            count_if(col(Advocate.nps) >= 9),
            count_if(col(Advocate.nps).between(7, 8)),
            count_if(col(Advocate.nps) <= 6),
        ).where(
            col(Advocate.archived) == false(),
            col(Advocate.nps).is_not(None),
            mine(session, Advocate),
        ),
    )
    return Nps(promoters=row[0], passives=row[1], detractors=row[2])


def _promoters_asked(session: Session, *, until: date, days: int) -> int:
    asked = exists().where(
        col(Ask.advocate_id) == col(Advocate.id),
        col(Ask.asked_on) > until - timedelta(days=days),
        col(Ask.asked_on) <= until,
    )
    query = select(func.count()).where(
        col(Advocate.archived) == false(), col(Advocate.nps) >= 9, asked, mine(session, Advocate)
    )
    return int(session.connection().execute(query).scalar() or 0)


def _statements(
    session: Session, since: date, until: date, filters: PeriodFilters
) -> dict[str, Any]:
    """One aggregate per record kind, each returning a single row."""
    status = col(Referral.status)
    return {
        "asks": select(func.count(), count_if(has_referral())).where(
            col(Ask.asked_on).between(since, until), mine(session, Ask)
        ),
        "referrals": select(
            func.count(),
            count_if(col(Referral.ask_id).is_(None)),
            count_if(col(Referral.thanked_on).is_not(None)),
        ).where(filters.received),
        "closed": select(
            count_if(status == WON),
            count_if(status == LOST),
            func.coalesce(func.sum(case((status == WON, col(Referral.value_cents)))), 0),
        ).where(filters.closed),
        "customers": select(
            func.count(), count_if(col(Advocate.source) == Source.referral.value)
        ).where(col(Advocate.customer_since).between(since, until), mine(session, Advocate)),
        "done": select(func.count(), count_if(col(FollowUp.done_on) <= col(FollowUp.due_on))).where(
            col(FollowUp.done_on).between(since, until),
            col(FollowUp.cancelled).is_(False),  # closed as not needed: neither on time nor late
            mine(session, FollowUp),
        ),
        # not done as of `until`: still open, or done only after it
        "overdue": select(func.count()).where(
            col(FollowUp.due_on) < until,
            or_(col(FollowUp.done_on).is_(None), col(FollowUp.done_on) > until),
            mine(session, FollowUp),
        ),
    }


def compute(
    session: Session,
    *,
    since: date,
    until: date,
    promoter_asked_days: int = 75,
    by: str | None = None,
    nps_stale_days: int = 365,
) -> Metrics:
    """Every metric of §6 over [since, until] inclusive; ``by`` adds a breakdown."""
    filters = period_filters(session, since, until)
    statements = _statements(session, since, until, filters)
    row = {name: one_row(session, query) for name, query in statements.items()}
    won = int(row["closed"][0])
    return Metrics(
        since=since,
        until=until,
        asks=row["asks"][0],
        asks_with_referral=row["asks"][1],
        referrals=row["referrals"][0],
        organic_referrals=row["referrals"][1],
        thanked=row["referrals"][2],
        won=won,
        lost=row["closed"][1],
        won_value_cents=int(row["closed"][2]),
        median_days_to_win=median_days_to_win(session, won_filter=filters.won, won=won),
        new_customers=row["customers"][0],
        referred_customers=row["customers"][1],
        followups_done=row["done"][0],
        followups_done_on_time=row["done"][1],
        overdue=row["overdue"][0],
        nps=current_nps(session),
        promoters_asked_count=_promoters_asked(session, until=until, days=promoter_asked_days),
        breakdown=breakdown(session, since=since, until=until, by=by) if by else [],
        giving=giving_metrics.compute(
            session, since=since, until=until, won=won, stale_days=nps_stale_days
        ),
        asking=asking_counts(session, since=since, until=until),
    )
