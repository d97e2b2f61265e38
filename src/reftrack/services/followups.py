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
    session: Session,
    *,
    follow_up: FollowUp,
    on: date,
    outcome: str | None,
    settings: Settings,
    link: str | None = None,
) -> FollowUp:
    """Done on ``on``; ``link``: where what it collected was published (`proof list`)."""
    if follow_up.done_on is not None:
        raise InvalidInputError(
            f"follow-up #{follow_up.id} was already done on {follow_up.done_on}"
        )
    if link is not None:
        follow_up.link = link.strip()
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


def views(session: Session, *, include_done: bool = False) -> list[FollowUpView]:
    """Follow-ups with their subjects, by due date. Open ones only unless ``include_done``.
    (`due` reads its own way: services/due.py; `referral show`: services/referral_text.py.)"""
    advocate_alias = aliased(Advocate)
    query = (
        select(FollowUp, advocate_alias, Referral, Ask)
        .join(advocate_alias, col(advocate_alias.id) == FollowUp.advocate_id, isouter=True)
        .join(Referral, col(Referral.id) == FollowUp.referral_id, isouter=True)
        .join(Ask, col(Ask.id) == FollowUp.ask_id, isouter=True)
    )
    if not include_done:
        query = query.where(col(FollowUp.done_on).is_(None))
    query = query.order_by(col(FollowUp.due_on), col(FollowUp.id))
    return [
        FollowUpView(follow_up=f, advocate=a, referral=r, ask=k)
        for f, a, r, k in session.exec(query).all()
    ]


def contact_guard(session: Session, follow_up: FollowUp, verb: str) -> None:
    """An open referral always has one pending contact: that one is not to be dropped."""
    if follow_up.kind != FollowUpKind.contact or follow_up.referral_id is None:
        return
    referral = session.get(Referral, follow_up.referral_id)
    if referral is not None and referral.is_open:
        raise InvalidInputError(
            f"follow-up #{follow_up.id} is the next contact of open referral #{referral.id}, "
            f"so it cannot be {verb}; snooze it, or close the referral "
            f"(reftrack referral move {referral.id} lost)"
        )


def cancel(session: Session, *, follow_up: FollowUp, on: date, note: str | None) -> FollowUp:
    """Closed as not needed: no longer due, and not counted as done (on time or late)."""
    if follow_up.done_on is not None:
        state = "cancelled" if follow_up.cancelled else "done"
        raise InvalidInputError(
            f"follow-up #{follow_up.id} was already {state} on {follow_up.done_on}"
        )
    contact_guard(session, follow_up, "cancelled")
    rules.close(
        session, [follow_up], on=on, outcome=(note or "").strip() or "cancelled", cancelled=True
    )
    return follow_up


def reopen(session: Session, *, follow_up: FollowUp) -> FollowUp:
    """Done or cancelled by mistake: open again, and what closing it set is undone."""
    if follow_up.done_on is None:
        raise InvalidInputError(f"follow-up #{follow_up.id} is open; there is nothing to reopen")
    referral = session.get(Referral, follow_up.referral_id) if follow_up.referral_id else None
    if follow_up.kind == FollowUpKind.contact and referral is not None:
        if not referral.is_open:
            raise InvalidInputError(
                f"referral #{referral.id} is {referral.status}: its contacts are closed; "
                f"reopen the referral (reftrack referral move {referral.id} contacted) instead"
            )
        # the contact the rules scheduled when this one was done makes way for it
        rules.close(
            session,
            rules.pending(session, kind=FollowUpKind.contact, referral_id=referral.id),
            on=follow_up.done_on,
            outcome=f"replaced by #{follow_up.id}, reopened",
            cancelled=True,
        )
    _one_of_its_kind(session, follow_up)
    was = follow_up.done_on
    rules.reopen(session, follow_up)
    if follow_up.kind == FollowUpKind.thank and referral is not None and referral.thanked_on == was:
        session.flush()
        other_thanks = session.exec(
            select(col(FollowUp.done_on))
            .where(
                FollowUp.referral_id == referral.id,
                FollowUp.kind == FollowUpKind.thank.value,
                col(FollowUp.done_on).is_not(None),
                col(FollowUp.cancelled).is_(False),
            )
            .order_by(col(FollowUp.done_on))
        ).first()
        referral.thanked_on = other_thanks
        rules.touch(session, referral)
    return follow_up


def _one_of_its_kind(session: Session, follow_up: FollowUp) -> None:
    """An ask keeps open only the follow-up its outcome keeps (one), an advocate one
    circle-back: a reopen that would make a second, or one the outcome no longer keeps,
    is refused with what to do instead."""
    kind = FollowUpKind(follow_up.kind)
    ask = session.get(Ask, follow_up.ask_id) if follow_up.ask_id is not None else None
    if ask is not None and kind in (
        FollowUpKind.check_ask,
        FollowUpKind.check_promise,
        FollowUpKind.collect,
    ):
        if rules.kept_open_by(ask.outcome) is not kind:
            raise InvalidInputError(
                f"follow-up #{follow_up.id} follows up ask #{ask.id}, whose outcome is now "
                f"{ask.outcome}; set the outcome first (reftrack ask outcome {ask.id} …)"
            )
        others = rules.pending(session, kind=kind, ask_id=ask.id)
    elif kind is FollowUpKind.circle_back:
        others = rules.open_for(session, kind=kind, advocate_id=follow_up.advocate_id or 0)
    else:
        return
    if others:
        raise InvalidInputError(
            f"follow-up #{others[0].id} ({kind.value.replace('_', '-')}, due "
            f"{others[0].due_on}) is open already; snooze or edit that one instead"
        )


def edit(
    session: Session, *, follow_up: FollowUp, due_on: date | None, note: str | None
) -> FollowUp:
    if due_on is None and note is None:
        raise InvalidInputError("nothing to change; give --due or --note")
    if due_on is not None:
        if follow_up.done_on is not None:
            raise InvalidInputError(
                f"follow-up #{follow_up.id} is closed; reopen it first "
                f"(reftrack followup reopen {follow_up.id})"
            )
        follow_up.due_on = due_on
    if note is not None:
        if not note.strip():
            raise InvalidInputError("the note is empty; say what to do")
        follow_up.note = note.strip()
    follow_up.updated_at = utcnow()
    session.add(follow_up)
    return follow_up
