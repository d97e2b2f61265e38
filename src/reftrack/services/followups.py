"""Follow-ups: dated actions, done or snoozed by hand or closed by the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import FollowUpKind
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Referral, utcnow
from reftrack.services import rules


def add_follow_up(
    session: Session,
    *,
    due_on: date,
    note: str,
    advocate: Advocate | None = None,
    ask: Ask | None = None,
    referral: Referral | None = None,
) -> FollowUp:
    if advocate is None and ask is None and referral is None:
        raise InvalidInputError("a follow-up needs a subject; give --advocate, --referral or --ask")
    if not note.strip():
        raise InvalidInputError("the follow-up's note is empty; say what to do")
    advocate_id = advocate.id if advocate else None
    if advocate_id is None:
        advocate_id = referral.advocate_id if referral else ask.advocate_id if ask else None
    follow_up = rules.create_follow_up(
        session,
        kind=FollowUpKind.custom,
        due_on=due_on,
        advocate_id=advocate_id,
        ask_id=ask.id if ask else None,
        referral_id=referral.id if referral else None,
        note=note.strip(),
    )
    session.flush()
    return follow_up


def mark_done(
    session: Session, *, follow_up: FollowUp, on: date, outcome: str | None, settings: Settings
) -> FollowUp:
    if follow_up.done_on is not None:
        raise InvalidInputError(
            f"follow-up #{follow_up.id} was already done on {follow_up.done_on}"
        )
    rules.follow_up_done(session, follow_up=follow_up, on=on, outcome=outcome, settings=settings)
    return follow_up


def snooze(session: Session, *, follow_up: FollowUp, until: date, today: date) -> FollowUp:
    if follow_up.done_on is not None:
        raise InvalidInputError(f"follow-up #{follow_up.id} is done; there is nothing to snooze")
    if until <= today:
        raise InvalidInputError(f"snooze to {until} is not in the future; give a later date")
    follow_up.due_on = until
    follow_up.updated_at = utcnow()
    session.add(follow_up)
    return follow_up


@dataclass
class FollowUpView:
    """A follow-up with the names needed to say what to do."""

    follow_up: FollowUp
    advocate: Advocate | None
    referral: Referral | None
    ask: Ask | None

    @property
    def advocate_name(self) -> str | None:
        return self.advocate.name if self.advocate else None

    @property
    def prospect(self) -> str | None:
        return self.referral.prospect if self.referral else None


def views(
    session: Session,
    *,
    include_done: bool = False,
    referral: Referral | None = None,
) -> list[FollowUpView]:
    """Follow-ups with their subjects, by due date. Open ones only unless ``include_done``;
    only one referral's with ``referral``. (`due` reads its own way: services/due.py.)"""
    advocate_alias = aliased(Advocate)
    query = (
        select(FollowUp, advocate_alias, Referral, Ask)
        .join(advocate_alias, col(advocate_alias.id) == FollowUp.advocate_id, isouter=True)
        .join(Referral, col(Referral.id) == FollowUp.referral_id, isouter=True)
        .join(Ask, col(Ask.id) == FollowUp.ask_id, isouter=True)
    )
    if not include_done:
        query = query.where(col(FollowUp.done_on).is_(None))
    if referral is not None:
        query = query.where(FollowUp.referral_id == referral.id)
    query = query.order_by(col(FollowUp.due_on), col(FollowUp.id))
    return [
        FollowUpView(follow_up=f, advocate=a, referral=r, ask=k)
        for f, a, r, k in session.exec(query).all()
    ]
