"""Reciprocity for `next` (docs/ranking.md): whom you helped recently (an introduction
given within suggest.reciprocity_days lifts them) and whom you keep asking but never
helped (suggest.never_helped_asks asks, no introduction: named, not lowered).

``facts`` reads every advocate's giving in one grouped statement (advocate id → facts),
so `next` stays one query per kind of fact however big the book is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, func, or_, select
from sqlmodel import Session, col

from reftrack.config import Settings
from reftrack.models import Advocate, Ask, Intro
from reftrack.services.aggregates import mine


@dataclass(frozen=True)
class GiveFacts:
    intros: int  # introductions you gave them, up to the day
    last_intro_on: date | None
    last_to_whom: str | None
    asks: int  # asks you made of them, up to the day


def facts(session: Session, *, on: date, settings: Settings) -> dict[int, GiveFacts]:
    """Every active advocate you gave an introduction or asked often enough to say so."""
    intros = (
        select(
            col(Intro.advocate_id).label("advocate_id"),
            func.count().label("intros"),
            func.max(col(Intro.given_on)).label("last_on"),
        )
        .where(col(Intro.given_on) <= on)
        .group_by(col(Intro.advocate_id))
        .subquery()
    )
    asks = (
        select(col(Ask.advocate_id).label("advocate_id"), func.count().label("asks"))
        .where(col(Ask.asked_on) <= on)
        .group_by(col(Ask.advocate_id))
        .subquery()
    )
    latest = (
        select(col(Intro.to_whom))
        .where(col(Intro.advocate_id) == col(Advocate.id), col(Intro.given_on) <= on)
        .order_by(col(Intro.given_on).desc(), col(Intro.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(col(Advocate.id), intros.c.intros, intros.c.last_on, asks.c.asks, latest)
        .outerjoin(intros, intros.c.advocate_id == col(Advocate.id))
        .outerjoin(asks, asks.c.advocate_id == col(Advocate.id))
        .where(
            col(Advocate.archived) == false(),
            mine(session, Advocate),
            or_(intros.c.intros.is_not(None), asks.c.asks >= max(settings.never_helped_asks, 1)),
        )
    )
    rows: list[tuple[int, int | None, date | None, int | None, str | None]] = [
        tuple(row) for row in session.connection().execute(query)
    ]
    return {
        advocate_id: GiveFacts(
            intros=intros_count or 0,
            last_intro_on=last_on,
            last_to_whom=to_whom,
            asks=asks_count or 0,
        )
        for advocate_id, intros_count, last_on, asks_count, to_whom in rows
    }


def lift(
    given: GiveFacts | None, *, on: date, settings: Settings, points: int
) -> tuple[int, list[str]]:
    """The points and reasons giving adds to an advocate's score in `next`."""
    if given is None:
        return 0, []
    last = given.last_intro_on
    if last is not None and 0 <= (on - last).days <= settings.reciprocity_days:
        return points, [
            f"you introduced them to {given.last_to_whom} on {last}: "
            "they are likely to return the favour"
        ]
    if (
        given.intros == 0
        and settings.never_helped_asks
        and given.asks >= settings.never_helped_asks
    ):
        return 0, [
            f"asked {given.asks} times, never helped in return: give first (reftrack intro give)"
        ]
    return 0, []
