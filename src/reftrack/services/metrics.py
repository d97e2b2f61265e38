"""Referral-rate metrics (PRODUCT.md §6), each one SQL aggregate over an indexed date range.

Nothing here loads rows into Python: counts and sums are COUNT/SUM/CASE in the database;
the median days to win fetches at most two values (ORDER BY … LIMIT 2 OFFSET n/2). Two
small helpers hold the only dialect-specific SQL (day differences, month keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal_column, or_, select, true
from sqlmodel import Session, col

from reftrack.enums import Source, Status
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.money import format_money

DEFAULT_DAYS = 90
PERIODS = ("month", "quarter", "year", "all")
BREAKDOWNS = ("month", "advocate", "channel", "owner")
UNOWNED = "(no owner)"  # the key, by owner, of records logged before owners existed
ORGANIC = "organic"  # the channel of a referral that came without an ask

WON, LOST = Status.won.value, Status.lost.value


def rate(part: int, whole: int) -> float | None:
    """A fraction, or None when the denominator is 0 (never 0, never an error)."""
    return None if whole == 0 else round(part / whole, 4)


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
class BreakdownRow:
    key: str
    asks: int = 0
    asks_with_referral: int = 0
    referrals: int = 0
    won: int = 0
    won_value_cents: int = 0

    @property
    def ask_yield(self) -> float | None:
        return rate(self.asks_with_referral, self.asks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "asks": self.asks,
            "referrals": self.referrals,
            "won": self.won,
            "won_value": format_money(self.won_value_cents),
            "ask_yield": self.ask_yield,
        }


BREAKDOWN_COLUMNS = ["key", "asks", "referrals", "won", "won_value", "ask_yield"]


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


def _days_between(session: Session, start: Any, end: Any) -> Any:
    """``end − start`` in days. SQLite keeps dates as ISO text, hence julianday; on
    PostgreSQL subtracting two dates already gives whole days."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


def _month_of(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a date column (ISO text in SQLite; to_char on PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _one(session: Session, query: Any) -> Any:
    return session.connection().execute(query).one()


# --- the metrics ------------------------------------------------------------------------


def _has_referral() -> Any:
    return exists().where(col(Referral.ask_id) == col(Ask.id))


@dataclass(frozen=True)
class _Filters:
    """The referral date filters of one period, shaped for the query planner."""

    received: Any  # received_on in the period
    closed: Any  # closed_on in the period
    won: Any  # closed in the period as won


def _mine(session: Session, model: Any) -> Any:
    """The scope of the session (a team database shows your own records; db.py does the
    same for ORM reads): that owner's records and the unowned, older ones."""
    owner = session.info.get("scope_owner")
    if owner is None:
        return true()
    column = model.__table__.c.owner
    return or_(column == owner, column.is_(None))


def _no_index(session: Session, name: str) -> Any:
    """A referral column that SQLite will not pick an index for (``+column`` is a no-op).

    Without ANALYZE statistics SQLite takes any index on an equality or a range as
    selective, then looks each matching row up in the table: for a period that covers
    most of the book (or for status = 'won') reading the table in order is ~10× faster.
    Other databases plan with statistics and get the column as it is.
    """
    column = Referral.__table__.c[name]  # type: ignore[attr-defined]
    if session.get_bind().dialect.name != "sqlite":
        return column
    return literal_column(f"+referral.{name}", type_=column.type)


def _covers_most(session: Session, name: str, since: date, until: date) -> bool:
    """Does [since, until] cover a quarter or more of the referrals' span of ``name``?"""
    column = Referral.__table__.c[name]  # type: ignore[attr-defined]
    run = session.connection().execute
    first, last = run(select(func.min(column))).scalar(), run(select(func.max(column))).scalar()
    if first is None or last is None:
        return False
    overlap = (min(until, last) - max(since, first)).days + 1
    return overlap * 4 >= (last - first).days + 1


def _filters(session: Session, since: date, until: date) -> _Filters:
    def within(name: str) -> Any:
        wide = _covers_most(session, name, since, until)
        column = _no_index(session, name) if wide else Referral.__table__.c[name]  # type: ignore[attr-defined]
        return column.between(since, until)

    mine = _mine(session, Referral)
    closed = and_(within("closed_on"), mine)
    return _Filters(
        received=and_(within("received_on"), mine),
        closed=closed,
        won=and_(closed, _no_index(session, "status") == WON),
    )


def median_days_to_win(session: Session, *, won_filter: Any, won: int) -> float | None:
    """The median of closed_on − received_on over the ``won`` referrals ``won_filter`` finds."""
    if won == 0:
        return None
    days = _days_between(session, col(Referral.received_on), col(Referral.closed_on))
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
    row = _one(
        session,
        select(
            _count_if(col(Advocate.nps) >= 9),
            _count_if(col(Advocate.nps).between(7, 8)),
            _count_if(col(Advocate.nps) <= 6),
        ).where(
            col(Advocate.archived) == false(),
            col(Advocate.nps).is_not(None),
            _mine(session, Advocate),
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
        col(Advocate.archived) == false(), col(Advocate.nps) >= 9, asked, _mine(session, Advocate)
    )
    return int(session.connection().execute(query).scalar() or 0)


def _statements(session: Session, since: date, until: date, filters: _Filters) -> dict[str, Any]:
    """One aggregate per record kind, each returning a single row."""
    status = col(Referral.status)
    return {
        "asks": select(func.count(), _count_if(_has_referral())).where(
            col(Ask.asked_on).between(since, until), _mine(session, Ask)
        ),
        "referrals": select(
            func.count(),
            _count_if(col(Referral.ask_id).is_(None)),
            _count_if(col(Referral.thanked_on).is_not(None)),
        ).where(filters.received),
        "closed": select(
            _count_if(status == WON),
            _count_if(status == LOST),
            func.coalesce(func.sum(case((status == WON, col(Referral.value_cents)))), 0),
        ).where(filters.closed),
        "customers": select(
            func.count(), _count_if(col(Advocate.source) == Source.referral.value)
        ).where(col(Advocate.customer_since).between(since, until), _mine(session, Advocate)),
        "done": select(
            func.count(), _count_if(col(FollowUp.done_on) <= col(FollowUp.due_on))
        ).where(col(FollowUp.done_on).between(since, until), _mine(session, FollowUp)),
        # not done as of `until`: still open, or done only after it
        "overdue": select(func.count()).where(
            col(FollowUp.due_on) < until,
            or_(col(FollowUp.done_on).is_(None), col(FollowUp.done_on) > until),
            _mine(session, FollowUp),
        ),
    }


def compute(
    session: Session,
    *,
    since: date,
    until: date,
    promoter_asked_days: int = 75,
    by: str | None = None,
) -> Metrics:
    """Every metric of §6 over [since, until] inclusive; ``by`` adds a breakdown."""
    filters = _filters(session, since, until)
    statements = _statements(session, since, until, filters)
    row = {name: _one(session, query) for name, query in statements.items()}
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
    )


# --- breakdowns -------------------------------------------------------------------------


def _dimension(session: Session, by: str, date_column: Any, advocate_column: Any) -> Any:
    if by == "month":
        return _month_of(session, date_column)
    if by == "advocate":
        return advocate_column
    if by == "owner":
        table = getattr(date_column, "expression", date_column).table
        return func.coalesce(table.c.owner, UNOWNED)
    return func.coalesce(col(Ask.channel), ORGANIC)


def _with_channel(query: Any, by: str) -> Any:
    """Referrals, with their ask joined only when the key is its channel (one referral has at
    most one ask): by month the counts then come from the date index alone, ~10x faster."""
    query = query.select_from(Referral)
    if by == "channel":
        query = query.outerjoin(Ask, col(Ask.id) == col(Referral.ask_id))
    return query


def _grouped(session: Session, *, since: date, until: date, by: str) -> dict[Any, dict[str, int]]:
    """key → counts, from three GROUP BY queries (asks, referrals received, referrals won)."""
    merged: dict[Any, dict[str, int]] = {}
    filters = _filters(session, since, until)

    def add(query: Any, *names: str) -> None:
        for key, *values in session.connection().execute(query):
            slot = merged.setdefault(key, {})
            slot.update({n: int(v or 0) for n, v in zip(names, values, strict=True)})

    ask_key = _dimension(session, by, col(Ask.asked_on), col(Ask.advocate_id))
    add(
        select(ask_key, func.count(), _count_if(_has_referral()))
        .where(col(Ask.asked_on).between(since, until), _mine(session, Ask))
        .group_by(ask_key),
        "asks",
        "asks_with_referral",
    )
    ref_key = _dimension(session, by, col(Referral.received_on), col(Referral.advocate_id))
    add(
        _with_channel(select(ref_key, func.count()), by).where(filters.received).group_by(ref_key),
        "referrals",
    )
    won_key = _dimension(session, by, col(Referral.closed_on), col(Referral.advocate_id))
    add(
        _with_channel(select(won_key, func.count(), func.sum(col(Referral.value_cents))), by)
        .where(filters.won)
        .group_by(won_key),
        "won",
        "won_value_cents",
    )
    return merged


def _months(since: date, until: date) -> list[str]:
    keys, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _advocate_labels(session: Session, ids: list[Any]) -> dict[Any, str]:
    names: dict[Any, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(col(Advocate.id), col(Advocate.name)).where(col(Advocate.id).in_(chunk))
        names.update({row[0]: row[1] for row in session.connection().execute(query)})
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {i: n if counts[n] == 1 else f"{n} (#{i})" for i, n in names.items()}


def breakdown(session: Session, *, since: date, until: date, by: str) -> list[BreakdownRow]:
    """asks, referrals, won, won_value and ask_yield per month, advocate or channel."""
    if by not in BREAKDOWNS:
        raise InvalidInputError(f"--by {by!r} is unknown; use {', '.join(BREAKDOWNS)}")
    merged = _grouped(session, since=since, until=until, by=by)
    if by == "month":
        return [BreakdownRow(key=k, **merged.get(k, {})) for k in _months(since, until)]
    if by == "advocate":
        labels = _advocate_labels(session, sorted(merged))
        rows = [BreakdownRow(key=labels.get(k, f"#{k}"), **v) for k, v in merged.items()]
        return sorted(rows, key=lambda r: (-r.referrals, -r.asks, r.key.casefold()))
    rows = [BreakdownRow(key=str(k), **v) for k, v in merged.items()]
    return sorted(rows, key=lambda r: (-r.asks, -r.referrals, r.key))
