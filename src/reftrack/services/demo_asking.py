"""The demo's part of asking well (`reftrack demo`): targets found on LinkedIn and the
advocates who know them, an ask for a named person, an introduction promised and not yet
made, a testimonial collected with where it was published, an event invitation with a
plus-one, and a few lines of the interaction log. Made through the real services, dated
relative to today, after the rest of the history (services/demo.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from reftrack.config import Settings
from reftrack.enums import Alternative, Channel, FollowUpKind, Outcome
from reftrack.errors import RuleRefusedError
from reftrack.models import Advocate, Ask, Referral, Target
from reftrack.services import asks, followups, guards, notes, referrals, rules, targets

# (name, company, title) of people one would find in customers' LinkedIn networks
DEMO_TARGETS = [
    ("Jan Pieters", "Omega Logistics", "CFO"),
    ("Eva Kramer", "Kramer Bouw", "Owner"),
    ("Ravi Kumar", "Kumar Foods", "Operations director"),
    ("Linda Hoekstra", "Hoekstra Transport", "COO"),
]


def _askable(
    session: Session, people: list[Advocate], *, on: date, settings: Settings
) -> list[Advocate]:
    """The advocates `ask add` would accept on ``on`` (scored 7 or more: a good story)."""
    return [
        p
        for p in people
        if (p.nps or 0) >= 7
        and not p.archived
        and not guards.ask_refusals(session, advocate=p, on=on, settings=settings)
    ]


def _ask(
    session: Session,
    person: Advocate,
    on: date,
    settings: Settings,
    *,
    channel: Channel,
    target: str | None = None,
    for_target: Target | None = None,
    event: tuple[str, date] | None = None,
) -> Ask | None:
    """The ask, or None when a guard refuses it (the story then goes without it)."""
    try:
        return asks.add_ask(
            session,
            advocate=person,
            on=on,
            settings=settings,
            channel=channel,
            target=target,
            for_target=for_target,
            event=event,
            bring=event is not None,
        )
    except RuleRefusedError:
        return None


def _targets(session: Session, free: list[Advocate]) -> list[Target]:
    """DEMO_TARGETS, each known by one or two of the askable advocates (the last by one
    who is not asked below, so `next` names and lifts them)."""
    knows = [free[0:2], free[2:3], free[3:4], free[5:6]]
    return [
        targets.add_target(
            session,
            name=name,
            company=company,
            title=title,
            url=f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}",
            via=via,
        )
        for (name, company, title), via in zip(DEMO_TARGETS, knows, strict=True)
    ]


def _reached(
    session: Session, ask: Ask, target: Target, *, on: date, settings: Settings
) -> Referral:
    """The person asked for, introduced and thanked: the target is reached."""
    advocate = session.get(Advocate, ask.advocate_id)
    assert advocate is not None
    referral = referrals.add_referral(
        session,
        advocate=advocate,
        prospect=target.name,
        company=target.company,
        email="ravi@kumarfoods.example",
        on=on,
        settings=settings,
        ask=ask,
    )
    for step in rules.follow_ups_where(session, open_only=True, referral_id=referral.id):
        followups.mark_done(
            session, follow_up=step, on=step.due_on, outcome=None, settings=settings
        )
    return referral


def _collected(session: Session, ask: Ask, *, on: date, settings: Settings) -> None:
    """A testimonial instead of a name, collected and published."""
    link = f"https://example.com/stories/{ask.advocate_id}"
    for collect in rules.pending(session, kind=FollowUpKind.collect, ask_id=ask.id):
        followups.mark_done(
            session,
            follow_up=collect,
            on=on,
            outcome=f"published at {link}",
            settings=settings,
            link=link,
        )


def add_asking_well(
    session: Session,
    people: list[Advocate],
    *,
    today: date,
    settings: Settings,
    counts: dict[str, int],
) -> None:
    """Adds the story; ``counts`` (the demo's summary) counts its asks and referrals."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    free = _askable(session, people, on=ago(25), settings=settings)
    if len(free) < 6:
        return
    _, eva, ravi, _ = _targets(session, free)
    log: list[tuple[dict[str, Any], str, date]] = [
        ({"advocate": free[0]}, "called, voicemail", ago(3)),
        ({"advocate": free[0]}, "called back: happy with the planning, knows Jan Pieters", ago(2)),
    ]
    named = _ask(session, free[3], ago(8), settings, channel=Channel.phone, for_target=ravi)
    if named is not None:
        referral = _reached(session, named, ravi, on=ago(4), settings=settings)
        counts["referrals"] += 1
        log.append(({"referral": referral}, "first call went well; wants a proposal", ago(3)))
    # "I'll introduce you to Eva": promised, not made yet, and its check is due
    promised = _ask(session, free[2], ago(9), settings, channel=Channel.in_person, for_target=eva)
    if promised is not None:
        asks.set_outcome(
            session, ask=promised, outcome=Outcome.promised, on=ago(6), settings=settings
        )
        log.append(({"ask": promised}, "will mention us at the next board meeting", ago(6)))
    offered = _ask(session, free[4], ago(24), settings, channel=Channel.video, target="a peer")
    if offered is not None:
        asks.set_outcome(
            session,
            ask=offered,
            outcome=Outcome.alternative,
            alternative=Alternative.testimonial,
            on=ago(20),
            settings=settings,
        )
        _collected(session, offered, on=ago(14), settings=settings)
    # an invitation with a plus-one: whom did they bring? the day after the event
    event = ("Summer golf day", today + timedelta(days=5))
    invited = _ask(session, free[5], ago(2), settings, channel=Channel.event, event=event)
    counts["asks"] += sum(a is not None for a in (named, promised, offered, invited))
    for subject, text, on in log:
        notes.add_note(session, text=text, on=on, **subject)
