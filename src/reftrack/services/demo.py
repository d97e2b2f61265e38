"""A realistic sample history, dated relative to today, made through the real services
(so every rule of §4 ran on it exactly as it would for a user)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import Alternative, Channel, EventKind, Outcome, Source, Status
from reftrack.errors import RuleRefusedError
from reftrack.models import Advocate, Ask, FollowUp, Referral
from reftrack.services import advocates, asks, demo_giving, followups, referrals
from reftrack.services.demo_asking import add_asking_well

PEOPLE = [
    ("Anna de Vries", "Bakkerij De Vries"),
    ("Piet Jansen", "Jansen Logistiek"),
    ("Sari Wulandari", "Nusantara Trading"),
    ("Tom Becker", "Becker & Co"),
    ("Emma Visser", "Visser Advies"),
    ("Budi Santoso", "Santoso Teknik"),
    ("Lisa Mulder", "Mulder Makelaars"),
    ("James Carter", "Carter Consulting"),
    ("Dewi Lestari", "Lestari Design"),
    ("Kees Smit", "Smit Installatie"),
    ("Olivia Brown", "Brown Legal"),
    ("Rizky Pratama", "Pratama Digital"),
    ("Sophie Bos", "Bos Interieur"),
    ("Daan Meijer", "Meijer IT"),
    ("Putri Anggraini", "Anggraini Catering"),
    ("Noah Williams", "Williams Freight"),
    ("Fleur de Graaf", "De Graaf Events"),
    ("Agus Setiawan", "Setiawan Furniture"),
    ("Mila Dekker", "Dekker Zorg"),
    ("Oliver Smith", "Smith Analytics"),
    ("Lotte van Dijk", "Van Dijk Accountants"),
    ("Indra Gunawan", "Gunawan Motors"),
    ("Ruben Hendriks", "Hendriks Bouw"),
    ("Grace Taylor", "Taylor Studio"),
    ("Nina Vos", "Vos Vastgoed"),
    ("Yusuf Hakim", "Hakim Travel"),
    ("Sem Peters", "Peters Print"),
    ("Chloe Evans", "Evans Coaching"),
]
PROSPECTS = [
    ("Henk de Boer", "De Boer Transport"),
    ("Wati Susanti", "Susanti Batik"),
    ("Mark Johnson", "Johnson Retail"),
    ("Eva Kok", "Kok Fysiotherapie"),
    ("Andi Wijaya", "Wijaya Solar"),
    ("Julia Schouten", "Schouten Mode"),
    ("Ryan Lee", "Lee Engineering"),
    ("Ilse Prins", "Prins Horeca"),
    ("Fajar Nugroho", "Nugroho Agro"),
    ("Hannah White", "White Wellness"),
    ("Bram Koster", "Koster Auto"),
    ("Maya Sari", "Sari Kosmetik"),
    ("Lucas Berg", "Berg Software"),
    ("Zoe Clark", "Clark Media"),
    ("Joost Willems", "Willems Tuinen"),
    ("Ratna Dewi", "Dewi Spa"),
    ("Finn Brouwer", "Brouwer Bikes"),
    ("Amelia Hall", "Hall Architects"),
]
TARGETS = [
    "one or two peers in logistics",
    "the CFO they mentioned at lunch",
    "a supplier who struggles with planning",
    "anyone in their BNI chapter",
    "a named contact found on LinkedIn",
    "other practice owners nearby",
]


@dataclass
class DemoSummary:
    advocates: int
    asks: int
    referrals: int
    won: int
    open_follow_ups: int


def _maybe_ask(
    session: Session, rng: random.Random, person: Advocate, on: date, settings: Settings
) -> int | None:
    try:
        ask = asks.add_ask(
            session,
            advocate=person,
            on=on,
            settings=settings,
            channel=rng.choice(list(Channel)),
            target=rng.choice(TARGETS),
        )
    except RuleRefusedError:
        return None
    return ask.id


def _advance(
    session: Session,
    rng: random.Random,
    referral_id: int,
    received: date,
    today: date,
    settings: Settings,
) -> bool:
    """Walk a referral through its stages; True when it was won."""
    referral = session.get(Referral, referral_id)
    assert referral is not None
    day = received
    for stage in (Status.contacted, Status.meeting, Status.proposal):
        day += timedelta(days=rng.randint(2, 12))
        if day >= today:
            return False
        if rng.random() < 0.15:
            if day < today - timedelta(days=30):  # went quiet long ago: closed as lost
                referrals.move_referral(
                    session,
                    referral=referral,
                    stage=Status.lost,
                    on=day,
                    settings=settings,
                    reason="went quiet",
                )
            return False
        referrals.move_referral(session, referral=referral, stage=stage, on=day, settings=settings)
    day += timedelta(days=rng.randint(5, 20))
    if day >= today:
        return False
    if rng.random() < 0.65:
        value = rng.choice([2500, 4800, 7500, 12500, 18000, 32000]) * 100
        referrals.move_referral(
            session,
            referral=referral,
            stage=Status.won,
            on=day,
            settings=settings,
            value_cents=value,
        )
        referrals.make_advocate(session, referral=referral)
        return True
    referrals.move_referral(
        session,
        referral=referral,
        stage=Status.lost,
        on=day,
        settings=settings,
        reason=rng.choice(["budget", "timing", "went elsewhere"]),
    )
    return False


def build_demo(session: Session, *, today: date, settings: Settings, seed: int = 7) -> DemoSummary:
    rng = random.Random(seed)
    people: list[Advocate] = []
    for name, company in PEOPLE:
        since = today - timedelta(days=rng.randint(45, 1100))
        first = name.split(" ", 1)[0]
        email = f"{first.lower()}@{company.split()[0].lower()}.example"
        person = advocates.add_advocate(
            session,
            name=name,
            company=company,
            email=email,
            on=since + timedelta(days=30),
            phone=f"06{rng.randint(10_000_000, 99_999_999)}",
            nps=rng.choice([10, 10, 9, 9, 9, 8, 8, 7, 6, 4, None]),
            customer_since=since,
            source=rng.choice([Source.inbound, Source.outbound, Source.network, Source.event]),
            tags=[rng.choice(["logistics", "retail", "services", "tech"])],
        )
        people.append(person)
    prospects = iter(PROSPECTS * 3)
    counts = {"asks": 0, "referrals": 0, "won": 0}
    for offset in range(270, 0, -3):
        day = today - timedelta(days=offset)
        person = rng.choice(people)
        if rng.random() < 0.15:
            advocates.record_event(
                session,
                advocate=person,
                kind=EventKind.milestone,
                on=day,
                note="quarterly review: goals met",
            )
        ask_id = _maybe_ask(session, rng, person, day, settings)
        if ask_id is None:
            continue
        counts["asks"] += 1
        roll = rng.random()
        answered = day + timedelta(days=rng.randint(1, 10))
        if roll < 0.45 and answered < today:
            prospect, company = next(prospects)
            referral = referrals.add_referral(
                session,
                advocate=person,
                prospect=prospect,
                company=company,
                on=answered,
                settings=settings,
                ask=session.get(Ask, ask_id),
                phone=f"06{rng.randint(10_000_000, 99_999_999)}",
            )
            counts["referrals"] += 1
            assert referral.id is not None
            counts["won"] += _advance(session, rng, referral.id, answered, today, settings)
        elif roll < 0.75 and answered < today:
            found = session.get(Ask, ask_id)
            assert found is not None
            outcome = rng.choice([Outcome.declined, Outcome.no_response, Outcome.alternative])
            asks.set_outcome(
                session,
                ask=found,
                outcome=outcome,
                on=answered,
                alternative=Alternative.testimonial if outcome is Outcome.alternative else None,
            )
    demo_giving.give_back(session, rng, today=today, settings=settings)
    _work_off_the_past(session, rng, today=today, settings=settings)
    add_asking_well(session, people, today=today, settings=settings, counts=counts)
    open_count = len(session.exec(select(FollowUp.id).where(col(FollowUp.done_on).is_(None))).all())
    return DemoSummary(
        advocates=len(session.exec(select(Advocate.id)).all()),
        asks=counts["asks"],
        referrals=counts["referrals"],
        won=counts["won"],
        open_follow_ups=open_count,
    )


def _work_off_the_past(
    session: Session, rng: random.Random, *, today: date, settings: Settings
) -> None:
    """A diligent user: follow-ups were done on time, but for a few of the last weeks'."""
    slipped: set[int] = set()
    while True:  # doing a contact schedules the next one; go on until the past is clear
        old = session.exec(
            select(FollowUp)
            .where(
                col(FollowUp.done_on).is_(None),
                col(FollowUp.due_on) < today - timedelta(days=1),
                col(FollowUp.id).not_in(slipped),
            )
            .order_by(col(FollowUp.due_on))
        ).all()
        if not old:
            return
        for follow_up in old:
            recent = follow_up.due_on > today - timedelta(days=14)
            if recent and rng.random() < 0.3:
                slipped.add(follow_up.id or 0)  # something overdue to show
                continue
            done_on = min(follow_up.due_on + timedelta(days=rng.choice([0, 0, 1, 3])), today)
            followups.mark_done(
                session, follow_up=follow_up, on=done_on, outcome=None, settings=settings
            )
        session.flush()
