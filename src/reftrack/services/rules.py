"""The follow-up rules (docs/rules.md): which follow-ups an event creates and closes (the guards
that refuse an ask are in services/guards.py). Every number comes from Settings
(config.toml); every date counts from the day the event happened, not the day it was typed.

Invariant kept here: an open referral has exactly one pending ``contact`` follow-up; a
won or lost one has none.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import WON_THANK_NOTE, FollowUpKind, Outcome, Status
from reftrack.models import Ask, FollowUp, Referral, utcnow


def _days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def create_follow_up(
    session: Session,
    *,
    kind: FollowUpKind,
    due_on: date,
    advocate_id: int | None = None,
    ask_id: int | None = None,
    referral_id: int | None = None,
    note: str | None = None,
) -> FollowUp:
    follow_up = FollowUp(
        kind=kind.value,
        due_on=due_on,
        advocate_id=advocate_id,
        ask_id=ask_id,
        referral_id=referral_id,
        note=note,
    )
    session.add(follow_up)
    return follow_up


def pending(
    session: Session,
    *,
    kind: FollowUpKind,
    ask_id: int | None = None,
    referral_id: int | None = None,
) -> list[FollowUp]:
    query = select(FollowUp).where(FollowUp.kind == kind.value, col(FollowUp.done_on).is_(None))
    if ask_id is not None:
        query = query.where(FollowUp.ask_id == ask_id)
    if referral_id is not None:
        query = query.where(FollowUp.referral_id == referral_id)
    return list(session.exec(query).all())


def close(session: Session, follow_ups: list[FollowUp], *, on: date, outcome: str) -> None:
    for follow_up in follow_ups:
        follow_up.done_on = on
        follow_up.outcome = outcome
        follow_up.updated_at = utcnow()
        session.add(follow_up)


# --- events ---------------------------------------------------------------------------


def ask_logged(session: Session, *, ask: Ask, settings: Settings) -> None:
    """Check back on the ask in a week; circle back for more names in ~2.5 months."""
    create_follow_up(
        session,
        kind=FollowUpKind.check_ask,
        due_on=_days(ask.asked_on, settings.check_ask_days),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
    )
    create_follow_up(
        session,
        kind=FollowUpKind.circle_back,
        due_on=_days(ask.asked_on, settings.circle_back_days),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
    )


def ask_answered(session: Session, *, ask: Ask, on: date) -> None:
    """An ask with an outcome needs no more checking."""
    if ask.outcome != Outcome.pending:
        close(
            session,
            pending(session, kind=FollowUpKind.check_ask, ask_id=ask.id),
            on=on,
            outcome=f"ask {ask.outcome}",
        )


def ask_reopened(session: Session, *, ask: Ask) -> None:
    """An ask is pending again: its check-back, closed by the outcome, is due again."""
    closed = session.exec(
        select(FollowUp)
        .where(FollowUp.ask_id == ask.id, FollowUp.kind == FollowUpKind.check_ask.value)
        .order_by(col(FollowUp.id).desc())
    ).first()
    if closed is not None and closed.done_on is not None:
        closed.done_on = None
        closed.outcome = None
        closed.cancelled = False
        closed.updated_at = utcnow()
        session.add(closed)


def referral_gone(session: Session, *, ask: Ask) -> None:
    """A referral no longer answers ``ask`` (moved, unlinked, deleted): an ask left
    without any is pending again, and its check-back is due again."""
    session.flush()
    others = session.exec(select(col(Referral.id)).where(Referral.ask_id == ask.id)).first()
    if others is None and ask.outcome == Outcome.referred:
        ask.outcome = Outcome.pending.value
        ask.updated_at = utcnow()
        session.add(ask)
        ask_reopened(session, ask=ask)


def referral_logged(
    session: Session, *, referral: Referral, ask: Ask | None, settings: Settings
) -> None:
    """Thank the advocate today, contact the prospect tomorrow; the ask is now `referred`."""
    create_follow_up(
        session,
        kind=FollowUpKind.thank,
        due_on=_days(referral.received_on, settings.thank_days),
        advocate_id=referral.advocate_id,
        referral_id=referral.id,
    )
    create_follow_up(
        session,
        kind=FollowUpKind.contact,
        due_on=_days(referral.received_on, settings.first_contact_days),
        advocate_id=referral.advocate_id,
        referral_id=referral.id,
    )
    if ask is not None:
        ask.outcome = Outcome.referred.value
        ask.alternative = None
        ask.updated_at = utcnow()
        session.add(ask)
        ask_answered(session, ask=ask, on=referral.received_on)


def _next_contact(session: Session, *, referral: Referral, on: date, settings: Settings) -> None:
    create_follow_up(
        session,
        kind=FollowUpKind.contact,
        due_on=_days(on, settings.next_contact_days),
        advocate_id=referral.advocate_id,
        referral_id=referral.id,
    )


def referral_moved(session: Session, *, referral: Referral, on: date, settings: Settings) -> None:
    """Keep the contact follow-up in step with the referral's new stage."""
    contacts = pending(session, kind=FollowUpKind.contact, referral_id=referral.id)
    status = Status(referral.status)
    if status in (Status.won, Status.lost):
        close(session, contacts, on=on, outcome=f"referral {status.value}")
        if status is Status.won:
            create_follow_up(
                session,
                kind=FollowUpKind.thank,
                due_on=_days(on, settings.thank_days),
                advocate_id=referral.advocate_id,
                referral_id=referral.id,
                note=WON_THANK_NOTE,
            )
        return
    close(session, contacts, on=on, outcome=f"moved to {status.value}")
    _next_contact(session, referral=referral, on=on, settings=settings)


def follow_up_done(
    session: Session, *, follow_up: FollowUp, on: date, outcome: str | None, settings: Settings
) -> None:
    follow_up.done_on = on
    follow_up.outcome = outcome
    follow_up.updated_at = utcnow()
    session.add(follow_up)
    if follow_up.referral_id is None:
        return
    referral = session.get(Referral, follow_up.referral_id)
    if referral is None:
        return
    if follow_up.kind == FollowUpKind.thank and referral.thanked_on is None:
        referral.thanked_on = on
        referral.updated_at = utcnow()
        session.add(referral)
    if follow_up.kind == FollowUpKind.contact and referral.is_open:
        # the lead stays warm: the next contact is due, so the referral is never forgotten
        session.flush()
        if not pending(session, kind=FollowUpKind.contact, referral_id=referral.id):
            _next_contact(session, referral=referral, on=on, settings=settings)
