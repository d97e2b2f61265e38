"""SQL building blocks shared by metrics, breakdowns and next: counts over a period, the owner
scope of a team database, and the only dialect-specific SQL (day differences, month keys,
SQLite's planner hint)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, literal_column, or_, select, true
from sqlmodel import Session, col

from reftrack.enums import Status
from reftrack.models import Ask, Referral
from reftrack.services.headline import rate  # noqa: F401 (metrics and the rest read it here)

WON, LOST = Status.won.value, Status.lost.value


def days_between(session: Session, start: Any, end: Any) -> Any:
    """``end − start`` in days. SQLite keeps dates as ISO text, hence julianday; on
    PostgreSQL subtracting two dates already gives whole days."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return end - start


def month_of(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a date column (ISO text in SQLite; to_char on PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def one_row(session: Session, query: Any) -> Any:
    return session.connection().execute(query).one()


# --- the metrics ------------------------------------------------------------------------


def has_referral() -> Any:
    return exists().where(col(Referral.ask_id) == col(Ask.id))


@dataclass(frozen=True)
class PeriodFilters:
    """The referral date filters of one period, shaped for the query planner."""

    received: Any  # received_on in the period
    closed: Any  # closed_on in the period
    won: Any  # closed in the period as won


def mine(session: Session, model: Any) -> Any:
    """The scope of the session (a team database shows your own records; db.py does the
    same for ORM reads): that owner's records and the unowned, older ones."""
    owner = session.info.get("scope_owner")
    if owner is None:
        return true()
    column = model.__table__.c.owner
    return or_(column == owner, column.is_(None))


def no_index(session: Session, name: str) -> Any:
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


def covers_most(session: Session, name: str, since: date, until: date) -> bool:
    """Does [since, until] cover a quarter or more of the referrals' span of ``name``?"""
    column = Referral.__table__.c[name]  # type: ignore[attr-defined]
    run = session.connection().execute
    first, last = run(select(func.min(column))).scalar(), run(select(func.max(column))).scalar()
    if first is None or last is None:
        return False
    overlap = (min(until, last) - max(since, first)).days + 1
    return overlap * 4 >= (last - first).days + 1


def period_filters(session: Session, since: date, until: date) -> PeriodFilters:
    def within(name: str) -> Any:
        wide = covers_most(session, name, since, until)
        column = no_index(session, name) if wide else Referral.__table__.c[name]  # type: ignore[attr-defined]
        return column.between(since, until)

    owned = mine(session, Referral)
    closed = and_(within("closed_on"), owned)
    return PeriodFilters(
        received=and_(within("received_on"), owned),
        closed=closed,
        won=and_(closed, no_index(session, "status") == WON),
    )
