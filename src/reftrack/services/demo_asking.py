"""The demo's part of asking well (`reftrack demo`): targets found on LinkedIn and the
advocates who know them, an ask for a named person, an introduction promised and not yet
made, a testimonial collected with where it was published, an event invitation with a
plus-one, and a few lines of the interaction log. Made through the real services, dated
relative to today, after the rest of the history (services/demo.py)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from reftrack.config import Settings
from reftrack.enums import Alternative, Channel, FollowUpKind, Outcome
from reftrack.errors import RuleRefusedError
from reftrack.models import Advocate, Ask, Target
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


def add_asking_well(
    session: Session,
    people: list[Advocate],
    *,
    today: date,
    settings: Settings,
    counts: dict[str, int],
) -> None:
    """Adds the story; ``counts`` (the demo's summary) counts its asks and referrals."""
    added = counts
    free = _askable(session, people, on=today - timedelta(days=25), settings=settings)
    if len(free) < 6:
        return
    knows = {0: free[0:2], 1: free[2:3], 2: free[3:4], 3: free[5:6]}
    made = []
    for index, (name, company, title) in enumerate(DEMO_TARGETS):
        made.append(
            targets.add_target(
                session,
                name=name,
                company=company,
                title=title,
                url=f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}",
                via=knows[index],
            )
        )
    _, eva, ravi, _ = made
    # a named ask that worked: Ravi Kumar, introduced by the one who knows him, thanked
    asked = _ask(
        session,
        free[3],
        today - timedelta(days=8),
        settings,
        channel=Channel.phone,
        for_target=ravi,
    )
    if asked is not None:
        added["asks"] += 1
        referral = referrals.add_referral(
            session,
            advocate=free[3],
            prospect=ravi.name,
            company=ravi.company,
            email="ravi@kumarfoods.example",
            on=today - timedelta(days=4),
            settings=settings,
            ask=asked,
        )
        added["referrals"] += 1
        for step in rules.follow_ups_where(session, open_only=True, referral_id=referral.id):
            followups.mark_done(
                session, follow_up=step, on=step.due_on, outcome=None, settings=settings
            )
        notes.add_note(
            session,
            referral=referral,
            text="first call went well; wants a proposal before the summer",
            on=today - timedelta(days=3),
        )
    # a promise not kept yet: "I'll introduce you to Eva", and the check is due
    promised = _ask(
        session,
        free[2],
        today - timedelta(days=9),
        settings,
        channel=Channel.in_person,
        for_target=eva,
    )
    if promised is not None:
        added["asks"] += 1
        asks.set_outcome(
            session,
            ask=promised,
            outcome=Outcome.promised,
            on=today - timedelta(days=6),
            settings=settings,
        )
        notes.add_note(
            session,
            ask=promised,
            text="will mention us at the next board meeting",
            on=today - timedelta(days=6),
        )
    # a testimonial instead of a name, collected and published
    offered = _ask(
        session,
        free[4],
        today - timedelta(days=24),
        settings,
        channel=Channel.video,
        target="one or two peers in logistics",
    )
    if offered is not None:
        added["asks"] += 1
        asks.set_outcome(
            session,
            ask=offered,
            outcome=Outcome.alternative,
            alternative=Alternative.testimonial,
            on=today - timedelta(days=20),
            settings=settings,
        )
        for collect in rules.pending(session, kind=FollowUpKind.collect, ask_id=offered.id):
            followups.mark_done(
                session,
                follow_up=collect,
                on=today - timedelta(days=14),
                outcome="published at https://example.com/stories/" + str(offered.advocate_id),
                settings=settings,
                link="https://example.com/stories/" + str(offered.advocate_id),
            )
    # an event invitation with a plus-one: whom did they bring? the day after
    invited = _ask(
        session,
        free[5],
        today - timedelta(days=2),
        settings,
        channel=Channel.event,
        event=("Summer golf day", today + timedelta(days=5)),
    )
    if invited is not None:
        added["asks"] += 1
    # the interaction log
    notes.add_note(
        session, advocate=free[0], text="called, voicemail", on=today - timedelta(days=3)
    )
    notes.add_note(
        session,
        advocate=free[0],
        text="called back: happy with the new planning, knows Jan Pieters from the board",
        on=today - timedelta(days=2),
    )
