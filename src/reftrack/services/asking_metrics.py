"""The metrics of asking well (docs/metrics.md): how many asks named someone and what they
yielded, how many promised introductions were made. One aggregate over the period's asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlmodel import Session, col

from reftrack.enums import FollowUpKind, Outcome
from reftrack.models import Ask, FollowUp
from reftrack.services.aggregates import count_if, has_referral, mine, one_row, rate


def was_promised() -> Any:
    """The ask was answered `promised`: it still is, or its "did they introduce you?"
    follow-up says it was (a kept promise turns the ask into `referred`)."""
    check = exists().where(
        col(FollowUp.ask_id) == col(Ask.id),
        col(FollowUp.kind) == FollowUpKind.check_promise.value,
    )
    return or_(col(Ask.outcome) == Outcome.promised.value, check)


def names_someone() -> Any:
    """A specific ask: for a target (--for) or for someone in words (--target)."""
    return or_(col(Ask.target_id).is_not(None), col(Ask.target).is_not(None))


@dataclass(frozen=True)
class AskingCounts:
    promises: int = 0
    promises_kept: int = 0
    asks_with_target: int = 0
    asks_with_target_referred: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "promises": self.promises,
            "promises_kept": self.promises_kept,
            "asks_with_target": self.asks_with_target,
            "ask_yield_with_target": rate(self.asks_with_target_referred, self.asks_with_target),
        }


def asking_counts(session: Session, *, since: date, until: date) -> AskingCounts:
    """Over the asks made in [since, until], as `asks` counts them."""
    promised, specific, referred = was_promised(), names_someone(), has_referral()
    query = select(
        count_if(promised),
        count_if(and_(promised, referred)),
        count_if(specific),
        count_if(and_(specific, referred)),
    ).where(col(Ask.asked_on).between(since, until), mine(session, Ask))
    row = one_row(session, query)
    return AskingCounts(*(int(value or 0) for value in row))
