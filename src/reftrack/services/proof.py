"""`proof list`: the testimonials, reviews, case studies and posts advocates gave instead of
a name ("offer alternatives"), from the ``collect`` follow-ups of their asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false
from sqlmodel import Session, col, select

from reftrack.enums import FollowUpKind
from reftrack.models import Advocate, Ask, FollowUp

PROOF_COLUMNS = [
    "ask_id",
    "advocate_id",
    "advocate",
    "kind",
    "asked_on",
    "collected_on",
    "link",
    "state",
    "followup_id",
]


@dataclass(frozen=True)
class Proof:
    ask_id: int
    advocate_id: int
    advocate: str
    kind: str  # testimonial, review, case_study, social_post
    asked_on: date
    collected_on: date | None
    link: str | None
    state: str  # collected, or "to collect" (with --all)
    followup_id: int


def proofs(session: Session, *, include_pending: bool = False) -> list[Proof]:
    """Collected first, newest first; with ``include_pending`` the ones still to collect."""
    query = (
        select(FollowUp, Ask, col(Advocate.name))
        .join(Ask, col(Ask.id) == col(FollowUp.ask_id))
        .join(Advocate, col(Advocate.id) == col(Ask.advocate_id))
        .where(FollowUp.kind == FollowUpKind.collect.value, col(FollowUp.cancelled) == false())
    )
    if not include_pending:
        query = query.where(col(FollowUp.done_on).is_not(None))
    found = []
    for follow_up, ask, name in session.exec(query).all():
        found.append(
            Proof(
                ask_id=int(ask.id or 0),
                advocate_id=ask.advocate_id,
                advocate=name,
                kind=ask.alternative or "alternative",
                asked_on=ask.asked_on,
                collected_on=follow_up.done_on,
                link=follow_up.link,
                state="collected" if follow_up.done_on else f"to collect by {follow_up.due_on}",
                followup_id=int(follow_up.id or 0),
            )
        )
    found.sort(
        key=lambda p: (p.collected_on is None, -(p.collected_on or date.min).toordinal(), p.ask_id)
    )
    return found
