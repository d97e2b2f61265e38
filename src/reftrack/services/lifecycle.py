"""Rules about an advocate's life (docs/rules.md): onboarding over, a milestone,
archived; and which ask a referral answers when none is named. The follow-up mechanics
(schedule, close, backfill) are in services/rules.py."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import FollowUpKind, Outcome
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.services import rules


def advocate_archived(session: Session, *, advocate: Advocate, on: date) -> int:
    """Archiving cancels the advocate's open follow-ups; how many."""
    open_ones = rules.follow_ups_where(session, open_only=True, advocate_id=advocate.id)
    identity = session.info.get("identity")  # a team database: a colleague's stay theirs
    if identity is not None:
        open_ones = [f for f in open_ones if identity.may_change(f.owner)]
    rules.close(session, open_ones, on=on, outcome="advocate archived", cancelled=True)
    return len(open_ones)


def customer_added(session: Session, *, advocate: Advocate, settings: Settings) -> None:
    """When onboarding ends: "has she seen value? log a milestone, then ask". Not for a
    customer whose onboarding ended long ago (more than ``rules.backfill_days``)."""
    since = advocate.customer_since
    if since is None or advocate.id is None:
        return
    due_on = rules.add_days(since, settings.onboarding_days)
    today = rules.as_of(session)
    if today is not None and due_on < today - timedelta(days=settings.backfill_days):
        return
    rules.schedule(
        session,
        kind=FollowUpKind.value_check,
        due_on=due_on,
        advocate_id=advocate.id,
        note=(
            f"{advocate.name}'s onboarding is over: has {advocate.name.split()[0]} seen "
            "value? log a milestone, then ask"
        ),
    )


def customer_since_changed(
    session: Session, *, advocate: Advocate, settings: Settings, today: date
) -> None:
    """A corrected customer-since date moves the open value check with it (none is made
    again once one was answered)."""
    if advocate.id is None:
        return
    checks = session.exec(
        select(FollowUp).where(
            FollowUp.advocate_id == advocate.id, FollowUp.kind == FollowUpKind.value_check.value
        )
    ).all()
    if any(f.done_on is not None and not f.cancelled for f in checks):
        return
    opened = [f for f in checks if f.done_on is None]
    rules.close(session, opened, on=today, outcome="customer since corrected", cancelled=True)
    customer_added(session, advocate=advocate, settings=settings)


def milestone_logged(session: Session, *, advocate: Advocate, on: date) -> None:
    """A milestone answers the value check."""
    if advocate.id is None:
        return
    checks = rules.open_for(session, kind=FollowUpKind.value_check, advocate_id=advocate.id)
    rules.close(session, checks, on=on, outcome=f"milestone on {on}")


def ask_to_link(
    session: Session, *, advocate: Advocate, on: date, settings: Settings
) -> Ask | None:
    """The ask a referral from ``advocate`` on ``on`` answers when none is named: the
    latest made on or before ``on`` that is pending or promised, or was answered with a
    referral within ``rules.link_referred_days`` ("one or two people": the second name)."""
    recent = rules.add_days(on, -settings.link_referred_days)
    asks = session.exec(
        select(Ask)
        .where(Ask.advocate_id == advocate.id, col(Ask.asked_on) <= on)
        .order_by(col(Ask.asked_on).desc(), col(Ask.id).desc())
        .limit(20)
    ).all()
    for ask in asks:
        if ask.outcome in (Outcome.pending, Outcome.promised):
            return ask
        if ask.outcome == Outcome.referred and _answered_on(session, ask) >= recent:
            return ask
    return None


def _answered_on(session: Session, ask: Ask) -> date:
    """When an ask was answered with a referral: its latest referral's day (else its own)."""
    latest = session.exec(
        select(col(Referral.received_on))
        .where(Referral.ask_id == ask.id)
        .order_by(col(Referral.received_on).desc())
        .limit(1)
    ).first()
    return latest or ask.asked_on


def scheduled_text(session: Session, *, ask_id: int | None) -> str:
    """ "; check back 2026-03-23, circle back 2026-05-30": the ask's open follow-ups, for
    the confirmation (empty when there are none)."""
    if ask_id is None:
        return ""
    rows = session.exec(
        select(FollowUp)
        .where(FollowUp.ask_id == ask_id, col(FollowUp.done_on).is_(None))
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
    ).all()
    words = {
        FollowUpKind.check_ask: "check back",
        FollowUpKind.circle_back: "circle back",
        FollowUpKind.check_promise: "check the promise",
        FollowUpKind.collect: "collect it",
        FollowUpKind.event_check: "after the event",
    }
    parts = [f"{words.get(FollowUpKind(f.kind), f.kind)} {f.due_on}" for f in rows]
    return f"; {', '.join(parts)}" if parts else ""


def referral_todo(session: Session, *, referral: Referral, today: date) -> str:
    """What the new referral asks of you, for the confirmation: "; thank Anna today", or
    the date when the thank-you falls later or (history) earlier; the missing details."""
    rows = session.exec(
        select(FollowUp).where(FollowUp.referral_id == referral.id, col(FollowUp.done_on).is_(None))
    ).all()
    name = rules.advocate_name(session, referral.advocate_id)
    parts = []
    for f in rows:
        when = "today" if f.due_on == today else f"due {f.due_on}"
        if f.kind == FollowUpKind.thank:
            parts.append(f"thank {name} {when}")
        elif f.kind == FollowUpKind.details:
            parts.append(f"no phone or e-mail: ask {name} for them ({when})")
    return "; " + "; ".join(parts) if parts else ""


def done_outcome(follow_up: FollowUp, *, note: str | None, link: str | None) -> str | None:
    """The outcome a done follow-up records; ``--link`` (where a collected testimonial,
    review or case study was published) goes with a ``collect`` follow-up only."""
    if link is None:
        return note
    link = link.strip()
    if follow_up.kind != FollowUpKind.collect:
        raise InvalidInputError(
            f"--link goes with a collect follow-up; #{follow_up.id} is {follow_up.kind}"
        )
    if not link or any(c.isspace() for c in link):
        raise InvalidInputError(f"--link {link!r} is not a URL; give where it was published")
    published = f"published at {link}"
    return f"{note} ({published})" if note else published


def describe_follow_up(session: Session, follow_up: FollowUp) -> str:
    """What the follow-up was, in the words `due` uses ("Thank Anna for introducing Piet")."""
    from reftrack.services.due import DueView, describe

    advocate = session.get(Advocate, follow_up.advocate_id) if follow_up.advocate_id else None
    referral = session.get(Referral, follow_up.referral_id) if follow_up.referral_id else None
    ask = session.get(Ask, follow_up.ask_id) if follow_up.ask_id else None
    return describe(DueView(follow_up=follow_up, advocate=advocate, referral=referral, ask=ask))
