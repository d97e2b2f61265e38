"""The metric keys of giving back (docs/metrics.md): intros_given, gifts_cost,
cost_per_won_referral and nps_fresh, each one SQL aggregate over the period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, false, func, select
from sqlmodel import Session, col

from reftrack.models import Advocate, Gift, Intro, NpsScore
from reftrack.money import format_money
from reftrack.services.aggregates import count_if, mine, one_row, rate


def compute(
    session: Session, *, since: date, until: date, won: int, stale_days: int
) -> dict[str, Any]:
    """The keys, given the period's ``won`` (the cost per won referral divides by it)."""
    intros = one_row(
        session,
        select(func.count()).where(col(Intro.given_on).between(since, until), mine(session, Intro)),
    )[0]
    cost = one_row(
        session,
        select(func.coalesce(func.sum(col(Gift.cost_cents)), 0)).where(
            col(Gift.given_on).between(since, until), mine(session, Gift)
        ),
    )[0]
    scored = exists().where(
        col(NpsScore.advocate_id) == col(Advocate.id),
        col(NpsScore.scored_on) >= until - timedelta(days=stale_days),  # as `next` has it
        col(NpsScore.scored_on) <= until,
    )
    active, fresh = one_row(
        session,
        select(func.count(), count_if(scored)).where(
            col(Advocate.archived) == false(), mine(session, Advocate)
        ),
    )
    cost_cents = int(cost or 0)
    return {
        "intros_given": int(intros or 0),
        "gifts_cost": format_money(cost_cents),
        "cost_per_won_referral": format_money(round(cost_cents / won)) if won else None,
        "nps_fresh": rate(int(fresh or 0), int(active or 0)),
    }
