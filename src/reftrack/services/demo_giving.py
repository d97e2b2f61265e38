"""The demo's giving back: introductions given, thank-you gifts for won referrals, what
customers are worth a year, a few who left: so `forecast`, `metrics --compare source`
and `next` have something to show."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import Source, Status
from reftrack.models import Advocate, Referral
from reftrack.services import customers, giving

CONTACTS = [
    "Kees Bakker (printer)",
    "Marloes Kramer (bookkeeper)",
    "Arjun Patel (web designer)",
    "Ingrid Vos (recruiter)",
    "Hendra Wijaya (logistics broker)",
]
GIFTS = [("dinner for two", 8500), ("a bottle of wine", 3500), ("concert tickets", 12000)]


def give_back(session: Session, rng: random.Random, *, today: date, settings: Settings) -> None:
    people = list(session.exec(select(Advocate).order_by(col(Advocate.id))).all())
    for person in people:
        referred = person.referred_by is not None or person.source == Source.referral
        yearly = rng.choice([3600, 4800, 6000, 9000]) * 100 * (13 if referred else 10) // 10
        customers.set_value(session, advocate=person, cents=yearly, per="year")
    for person, contact in zip(rng.sample(people, len(CONTACTS)), CONTACTS, strict=True):
        on = today - timedelta(days=rng.randint(5, 150))
        if person.customer_since is None or on >= person.customer_since:
            giving.give_intro(session, advocate=person, to_whom=contact, on=on, settings=settings)
    won = session.exec(
        select(Referral).where(Referral.status == Status.won.value).order_by(col(Referral.id))
    ).all()
    for referral in won:
        if referral.closed_on is None:
            continue
        what, cost = rng.choice(GIFTS)
        advocate = session.get(Advocate, referral.advocate_id)
        assert advocate is not None
        on = min(referral.closed_on + timedelta(days=2), today)
        giving.add_gift(
            session, advocate=advocate, what=what, on=on, cost_cents=cost, referral=referral
        )
    leavers = [p for p in people if p.customer_since and p.referred_by is None]
    for person in rng.sample(leavers, min(3, len(leavers))):
        assert person.customer_since is not None
        days = max((today - person.customer_since).days, 1)
        churn_on = person.customer_since + timedelta(days=rng.randint(days // 2, days))
        customers.churn(session, advocate=person, on=min(churn_on, today))
