"""The follow-up rules (docs/rules.md): which follow-ups an event creates and closes (the guards
that refuse an ask are in services/guards.py). Every number comes from Settings
(config.toml); every date counts from the day the event happened, not the day it was typed.

Invariant kept here: an open referral has exactly one pending ``contact`` follow-up; a
won or lost one has none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import WON_THANK_NOTE, FollowUpKind, Outcome, Status
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Intro, Referral, utcnow

# session.info keys: the day "today" is and whether past events are backfilled (set by the
# CLI with ``schedule_as_of``), and the follow-ups already far overdue when scheduled
_AS_OF, _BACKFILL, _LATE = "rules_today", "rules_backfill", "rules_late"


def add_days(start: date, days: int) -> date:
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


def schedule(
    session: Session,
    *,
    kind: FollowUpKind,
    due_on: date,
    advocate_id: int | None = None,
    ask_id: int | None = None,
    referral_id: int | None = None,
    note: str | None = None,
) -> FollowUp | None:
    """A follow-up the rules make, or None when ``--backfill`` leaves out one that is
    already far overdue (see ``schedule_as_of``)."""
    today = session.info.get(_AS_OF)
    if today is not None:
        grace = session.info.get("rules_backfill_days", 7)
        if due_on < today - timedelta(days=grace):
            if session.info.get(_BACKFILL):
                return None
            session.info.setdefault(_LATE, []).append((kind, due_on))
    return create_follow_up(
        session,
        kind=kind,
        due_on=due_on,
        advocate_id=advocate_id,
        ask_id=ask_id,
        referral_id=referral_id,
        note=note,
    )


def follow_ups_where(session: Session, *, open_only: bool = False, **where: Any) -> list[FollowUp]:
    """Follow-ups whose columns equal ``where`` (``kind="thank"``, ``referral_id=3``), by id;
    only the open ones with ``open_only``."""
    query = select(FollowUp)
    if open_only:
        query = query.where(col(FollowUp.done_on).is_(None))
    for column, value in where.items():
        query = query.where(getattr(FollowUp, column) == value)
    return list(session.exec(query.order_by(col(FollowUp.id))).all())


def pending(
    session: Session,
    *,
    kind: FollowUpKind,
    ask_id: int | None = None,
    referral_id: int | None = None,
) -> list[FollowUp]:
    links = {"ask_id": ask_id, "referral_id": referral_id}
    where = {name: value for name, value in links.items() if value is not None}
    return follow_ups_where(session, open_only=True, kind=kind.value, **where)


def touch(session: Session, *records: Any) -> None:
    """Changed now: their ``updated_at`` says so."""
    for record in records:
        record.updated_at = utcnow()
        session.add(record)


def close(
    session: Session,
    follow_ups: list[FollowUp],
    *,
    on: date,
    outcome: str,
    cancelled: bool = False,
) -> None:
    """Close follow-ups: done, or ``cancelled`` (not needed any more, not counted as done)."""
    for follow_up in follow_ups:
        follow_up.done_on = on
        follow_up.outcome = outcome
        follow_up.cancelled = cancelled
        touch(session, follow_up)


def reopen(session: Session, follow_up: FollowUp) -> None:
    """Open again: neither done nor cancelled."""
    follow_up.done_on = None
    follow_up.outcome = None
    follow_up.cancelled = False
    touch(session, follow_up)


def schedule_as_of(session: Session, *, today: date, backfill: bool, settings: Settings) -> None:
    """Let the rules know today: with ``backfill`` a past event schedules no follow-up that
    would already be more than ``rules.backfill_days`` overdue; without it they are made
    and ``late_follow_ups`` lists them (the CLI warns, naming --backfill)."""
    session.info[_AS_OF] = today
    session.info[_BACKFILL] = backfill
    session.info["rules_backfill_days"] = settings.backfill_days


def as_of(session: Session) -> date | None:
    """Today, as ``schedule_as_of`` set it (None: not set, e.g. a service called directly)."""
    value = session.info.get(_AS_OF)
    return value if isinstance(value, date) else None


def late_follow_ups(session: Session) -> list[tuple[FollowUpKind, date]]:
    return list(session.info.get(_LATE, []))


def open_for(session: Session, *, kind: FollowUpKind, advocate_id: int) -> list[FollowUp]:
    return follow_ups_where(session, open_only=True, kind=kind.value, advocate_id=advocate_id)


# --- events ---------------------------------------------------------------------------


def ask_logged(session: Session, *, ask: Ask, settings: Settings) -> None:
    """Check back on the ask in a week; circle back for more names in ~2.5 months. The
    advocate's older circle-backs are not needed any more (at most one is open), nor is a
    pending "has she seen value?" check: this ask answers it."""
    later_ask = False
    older = []
    for f in open_for(session, kind=FollowUpKind.circle_back, advocate_id=ask.advocate_id):
        made = session.get(Ask, f.ask_id) if f.ask_id is not None else None
        if f.ask_id == ask.id:
            continue
        if made is not None and made.asked_on > ask.asked_on:
            later_ask = True  # history entered after a newer ask: that one's circle-back stays
        else:
            older.append(f)
    close(session, older, on=ask.asked_on, outcome=f"asked again on {ask.asked_on}", cancelled=True)
    advocate = session.get(Advocate, ask.advocate_id)
    since = advocate.customer_since if advocate is not None else None
    if since is None or ask.asked_on >= since:  # not an ask from before they were a customer
        checks = open_for(session, kind=FollowUpKind.value_check, advocate_id=ask.advocate_id)
        close(session, checks, on=ask.asked_on, outcome=f"asked on {ask.asked_on}")
    schedule(
        session,
        kind=FollowUpKind.check_ask,
        due_on=add_days(ask.asked_on, settings.check_ask_days),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
    )
    if later_ask:
        return
    schedule(
        session,
        kind=FollowUpKind.circle_back,
        due_on=add_days(ask.asked_on, settings.circle_back_days),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
    )


# the follow-up each outcome keeps open while the ask has it
_OUTCOME_FOLLOW_UP = {
    Outcome.pending: FollowUpKind.check_ask,
    Outcome.promised: FollowUpKind.check_promise,
    Outcome.alternative: FollowUpKind.collect,
}


def kept_open_by(outcome: str) -> FollowUpKind | None:
    """The follow-up an ask with this outcome keeps open (None: none)."""
    return _OUTCOME_FOLLOW_UP.get(Outcome(outcome))


def ask_answered(session: Session, *, ask: Ask, on: date, settings: Settings | None = None) -> None:
    """Each outcome keeps its own follow-up open and closes the others': pending → the
    check-back (due again when the outcome goes back to pending), promised → "did they make
    the introduction?" (done when a referral from the ask is logged), alternative → collect
    what they offered. ``settings`` None: only close (a referral answering the ask)."""
    outcome = Outcome(ask.outcome)
    for answer, kind in _OUTCOME_FOLLOW_UP.items():
        if answer is outcome:
            continue
        kept = kind is FollowUpKind.check_promise and outcome is Outcome.referred
        close(
            session,
            pending(session, kind=kind, ask_id=ask.id),
            on=on,
            outcome="introduction made" if kept else f"ask {ask.outcome}",
            cancelled=kind is not FollowUpKind.check_ask and not kept,
        )
    kind_now = _OUTCOME_FOLLOW_UP.get(outcome)
    if settings is None or kind_now is None:
        return
    session.flush()
    if pending(session, kind=kind_now, ask_id=ask.id):
        return
    if outcome is Outcome.pending:
        check_back_again(session, ask=ask, on=on, settings=settings)
        return
    name = advocate_name(session, ask.advocate_id)
    if outcome is Outcome.promised:
        whom = f" to {ask.target}" if ask.target else ""
        days, note = settings.promise_check_days, f"did {name} introduce you{whom}?"
    else:
        what = (ask.alternative or "alternative").replace("_", " ")
        days, note = settings.collect_days, f"collect {name}'s {what}"
    schedule(
        session,
        kind=kind_now,
        due_on=add_days(on, days),
        advocate_id=ask.advocate_id,
        ask_id=ask.id,
        note=note,
    )


def advocate_name(session: Session, advocate_id: int | None) -> str:
    advocate = session.get(Advocate, advocate_id) if advocate_id is not None else None
    return advocate.name if advocate else "the advocate"


def check_back_again(
    session: Session, *, ask: Ask, on: date | None = None, settings: Settings | None = None
) -> None:
    """The ask is pending again (its outcome set back, or the referral that answered it
    moved or deleted): its check-back, closed by the outcome, is open again, due no
    earlier than ``on``; with ``settings``, one is made if it never had one."""
    closed = session.exec(
        select(FollowUp)
        .where(FollowUp.kind == FollowUpKind.check_ask.value, FollowUp.ask_id == ask.id)
        .order_by(col(FollowUp.id).desc())
    ).first()
    if closed is None:
        if settings is not None and on is not None:
            schedule(
                session,
                kind=FollowUpKind.check_ask,
                due_on=max(on, add_days(ask.asked_on, settings.check_ask_days)),
                advocate_id=ask.advocate_id,
                ask_id=ask.id,
            )
        return
    if closed.done_on is None:
        return
    if on is not None:
        closed.due_on = max(closed.due_on, on)
    reopen(session, closed)


def referral_gone(session: Session, *, ask: Ask) -> None:
    """A referral no longer answers ``ask`` (moved, unlinked, deleted): an ask left
    without any is pending again, and its check-back is due again."""
    session.flush()
    others = session.exec(select(col(Referral.id)).where(Referral.ask_id == ask.id)).first()
    if others is None and ask.outcome == Outcome.referred:
        ask.outcome = Outcome.pending.value
        ask.updated_at = utcnow()
        session.add(ask)
        check_back_again(session, ask=ask)


def referral_logged(
    session: Session, *, referral: Referral, ask: Ask | None, settings: Settings
) -> None:
    """Thank the advocate today, contact the prospect tomorrow; the ask is now `referred`."""
    schedule(
        session,
        kind=FollowUpKind.thank,
        due_on=add_days(referral.received_on, settings.thank_days),
        advocate_id=referral.advocate_id,
        referral_id=referral.id,
    )
    schedule(
        session,
        kind=FollowUpKind.contact,
        due_on=add_days(referral.received_on, settings.first_contact_days),
        advocate_id=referral.advocate_id,
        referral_id=referral.id,
    )
    if not referral.email and not referral.phone:
        name = advocate_name(session, referral.advocate_id)
        schedule(
            session,
            kind=FollowUpKind.details,
            due_on=add_days(referral.received_on, settings.details_days),
            advocate_id=referral.advocate_id,
            referral_id=referral.id,
            note=f"ask {name} for {referral.prospect}'s phone or e-mail",
        )
    if ask is not None:
        ask.outcome = Outcome.referred.value
        ask.alternative = None
        ask.updated_at = utcnow()
        session.add(ask)
        ask_answered(session, ask=ask, on=referral.received_on)


def _next_contact(session: Session, *, referral: Referral, on: date, settings: Settings) -> None:
    schedule(
        session,
        kind=FollowUpKind.contact,
        due_on=add_days(on, settings.next_contact_days),
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
            schedule(
                session,
                kind=FollowUpKind.thank,
                due_on=add_days(on, settings.thank_days),
                advocate_id=referral.advocate_id,
                referral_id=referral.id,
                note=WON_THANK_NOTE,
            )
        return
    close(session, contacts, on=on, outcome=f"moved to {status.value}")
    _next_contact(session, referral=referral, on=on, settings=settings)


def created_on(session: Session, follow_up: FollowUp) -> date:
    """The day a follow-up came to be: the day of the ask or referral it was scheduled
    from; else the day it was logged, or its due date if that is earlier (a follow-up
    entered for a past day, or under REFTRACK_TODAY, counts from then)."""
    if follow_up.ask_id is not None and (ask := session.get(Ask, follow_up.ask_id)) is not None:
        return ask.asked_on
    if follow_up.referral_id is not None:
        referral = session.get(Referral, follow_up.referral_id)
        if referral is not None:
            return referral.received_on
    if follow_up.intro_id is not None and (intro := session.get(Intro, follow_up.intro_id)):
        return intro.given_on
    days = [follow_up.due_on]
    if follow_up.created_at is not None:
        days.append(follow_up.created_at.date())
    if (today := as_of(session)) is not None:
        days.append(today)
    return min(days)


def follow_up_done(
    session: Session, *, follow_up: FollowUp, on: date, outcome: str | None, settings: Settings
) -> None:
    made = created_on(session, follow_up)
    if on < made:
        raise InvalidInputError(
            f"{on} is before follow-up #{follow_up.id} was created ({made}); check --on"
        )
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
