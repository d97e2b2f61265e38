"""Asks: one request for referrals, made to one advocate on a date."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import Alternative, Channel, Outcome
from reftrack.errors import InvalidInputError, RuleRefusedError
from reftrack.models import Advocate, Ask, Target, id_of, utcnow
from reftrack.services import asking, guards, rules, targets


def add_ask(
    session: Session,
    *,
    advocate: Advocate,
    on: date,
    settings: Settings,
    channel: Channel = Channel.in_person,
    target: str | None = None,
    notes: str | None = None,
    force: bool = False,
    for_target: Target | None = None,
    event: tuple[str, date] | None = None,
    bring: bool = False,
) -> Ask:
    """Log an ask; refuse a pushy or badly timed one unless forced (and record that).

    ``for_target``: the ask names a person you want to meet (its free-text target is their
    name unless given); ``event``: (name, date) of an invitation, ``bring`` with a plus-one.
    """
    if bring and event is None:
        raise InvalidInputError('--bring goes with --event: --event "Golf day 2026-05-14" --bring')
    if event is not None and event[1] < on:
        raise InvalidInputError(
            f"the event ({event[1]}) is before the invitation ({on}); check --event or --on"
        )
    if for_target is not None and not targets.is_open(for_target):
        raise InvalidInputError(
            f"target #{for_target.id} {for_target.name} is {targets.state_of(for_target)}; "
            "ask for an open one (reftrack target list --open)"
        )
    refusals = guards.ask_refusals(session, advocate=advocate, on=on, settings=settings)
    if refusals and not force:
        reasons = "; ".join(r.reason for r in refusals)
        after = guards.eligible_from(refusals)
        when = f"fine from {after}; " if after else ""
        raise RuleRefusedError(
            f"not asking {advocate.name}: {reasons} ({when}--force to ask anyway)"
        )
    if refusals:
        forced_note = "forced past: " + "; ".join(r.reason for r in refusals)
        notes = f"{notes}\n{forced_note}" if notes else forced_note
    ask = Ask(
        advocate_id=id_of(advocate),
        asked_on=on,
        channel=channel.value,
        target=(target or "").strip() or None,
        notes=notes,
        forced=bool(refusals),
        target_id=for_target.id if for_target else None,
        event=event[0] if event else None,
        event_on=event[1] if event else None,
        bring=bring,
    )
    if for_target is not None and ask.target is None:
        ask.target = targets.label(for_target)
    session.add(ask)
    session.flush()
    rules.ask_logged(session, ask=ask, settings=settings)
    asking.ask_logged(session, ask=ask, advocate_name=advocate.name)
    return ask


def set_outcome(
    session: Session,
    *,
    ask: Ask,
    outcome: Outcome,
    on: date,
    alternative: Alternative | None = None,
    settings: Settings | None = None,
) -> Ask:
    if outcome is Outcome.alternative and alternative is None:
        raise InvalidInputError(
            "outcome alternative needs --alternative testimonial|review|case_study|social_post"
        )
    if alternative is not None and outcome is not Outcome.alternative:
        raise InvalidInputError(f"--alternative only goes with outcome alternative, not {outcome}")
    ask.outcome = outcome.value
    ask.alternative = alternative.value if alternative else None
    ask.updated_at = utcnow()
    session.add(ask)
    rules.ask_answered(session, ask=ask, on=on, settings=settings or Settings())
    return ask


def list_asks(
    session: Session, *, pending_only: bool = False, advocate: Advocate | None = None
) -> list[tuple[Ask, str]]:
    query = select(Ask, Advocate.name).join(Advocate, col(Advocate.id) == Ask.advocate_id)
    if pending_only:
        query = query.where(Ask.outcome == Outcome.pending.value)
    if advocate is not None:
        query = query.where(Ask.advocate_id == advocate.id)
    rows = session.exec(query.order_by(col(Ask.asked_on).desc(), col(Ask.id).desc())).all()
    return [(ask, name) for ask, name in rows]


def latest_pending(session: Session, *, advocate: Advocate, on: date) -> Ask | None:
    """The advocate's most recent pending ask made on or before ``on``."""
    return session.exec(
        select(Ask)
        .where(
            Ask.advocate_id == advocate.id,
            Ask.outcome == Outcome.pending.value,
            col(Ask.asked_on) <= on,
        )
        .order_by(col(Ask.asked_on).desc(), col(Ask.id).desc())
        .limit(1)
    ).first()
