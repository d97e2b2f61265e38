"""Referrals: prospects introduced by an advocate, moving through their stages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from reftrack.config import Settings
from reftrack.enums import OPEN_STATUSES, Source, Status
from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, Referral, id_of, utcnow
from reftrack.names import fold
from reftrack.services import advocates as advocate_service
from reftrack.services import asking, corrections, rules
from reftrack.services.lookup import folded


def add_referral(
    session: Session,
    *,
    advocate: Advocate,
    prospect: str,
    on: date,
    settings: Settings,
    ask: Ask | None = None,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
) -> Referral:
    name = prospect.strip()
    if not name:
        raise InvalidInputError("the prospect's name is empty; give a name")
    if ask is not None and ask.advocate_id != advocate.id:
        raise InvalidInputError(
            f"ask #{ask.id} was made to someone else, not {advocate.name}; check --ask"
        )
    referral = Referral(
        advocate_id=id_of(advocate),
        ask_id=ask.id if ask else None,
        prospect=name,
        company=(company or "").strip() or None,
        email=(email or "").strip() or None,
        phone=(phone or "").strip() or None,
        received_on=on,
        notes=notes,
    )
    session.add(referral)
    session.flush()
    rules.referral_logged(session, referral=referral, ask=ask, settings=settings)
    asking.referral_logged(session, referral=referral, ask=ask)
    return referral


def move_referral(
    session: Session,
    *,
    referral: Referral,
    stage: Status,
    on: date,
    settings: Settings,
    value_cents: int | None = None,
    reason: str | None = None,
) -> Referral:
    if stage.value == referral.status:
        raise InvalidInputError(f"referral #{referral.id} is already {stage.value}")
    if value_cents is not None and stage is not Status.won:
        raise InvalidInputError("--value goes with won; give it when the deal is won")
    if reason is not None and stage is not Status.lost:
        raise InvalidInputError("--reason goes with lost; say why the deal was lost")
    if on < referral.received_on:
        raise InvalidInputError(
            f"{on} is before the referral arrived ({referral.received_on}); check --on"
        )
    was = referral.status
    referral.status = stage.value
    if stage is Status.won:
        referral.closed_on = on
        referral.value_cents = value_cents
        referral.lost_reason = None
    elif stage is Status.lost:
        referral.closed_on = on
        referral.lost_reason = reason
        referral.value_cents = None
    else:
        referral.closed_on = None  # reopened or moving on
        corrections.reopened(session, referral=referral, was=was, on=on)
    referral.updated_at = utcnow()
    session.add(referral)
    session.flush()
    rules.referral_moved(session, referral=referral, on=on, settings=settings)
    return referral


def make_advocate(session: Session, *, referral: Referral) -> Advocate:
    """The won prospect becomes an advocate: source=referral, referred_by this referral."""
    if referral.status != Status.won or referral.closed_on is None:
        raise InvalidInputError(
            f"referral #{referral.id} is not won; only a customer becomes an advocate"
        )
    existing = session.exec(select(Advocate).where(Advocate.referred_by == referral.id)).first()
    if existing is not None:
        raise InvalidInputError(
            f"{referral.prospect} is already advocate #{existing.id}; "
            f"see reftrack advocate show {existing.id}"
        )
    return advocate_service.add_advocate(
        session,
        name=referral.prospect,
        on=referral.closed_on,
        company=referral.company,
        email=referral.email,
        phone=referral.phone,
        customer_since=referral.closed_on,
        source=Source.referral,
        referred_by=referral.id,
    )


def list_referrals(
    session: Session,
    *,
    status: Status | None = None,
    open_only: bool = False,
    advocate: Advocate | None = None,
) -> list[tuple[Referral, str]]:
    query = select(Referral, Advocate.name).join(Advocate, col(Advocate.id) == Referral.advocate_id)
    if status is not None:
        query = query.where(Referral.status == status.value)
    if open_only:
        query = query.where(col(Referral.status).in_([s.value for s in OPEN_STATUSES]))
    if advocate is not None:
        query = query.where(Referral.advocate_id == advocate.id)
    rows = session.exec(
        query.order_by(col(Referral.received_on).desc(), col(Referral.id).desc())
    ).all()
    return [(referral, name) for referral, name in rows]


def already_known(session: Session, *, referral: Referral) -> list[str]:
    """Warnings for a new referral whose prospect was referred before, or is an advocate
    (same name, case and accents ignored, or same e-mail)."""
    said: list[str] = []
    key = fold(referral.prospect)
    same = folded(session, col(Referral.prospect)) == key
    if referral.email:
        same = same | (func.lower(Referral.email) == referral.email.lower())
    earlier = session.exec(
        select(Referral, Advocate.name)
        .join(Advocate, col(Advocate.id) == Referral.advocate_id)
        .where(same, Referral.id != referral.id)
        .order_by(col(Referral.received_on))
        .limit(3)
    ).all()
    for other, name in earlier:
        said.append(
            f"{other.prospect} was already referred by {name} on {other.received_on} "
            f"(referral #{other.id}, {other.status})"
        )
    advocate = session.exec(
        select(Advocate).where(folded(session, col(Advocate.name)) == key).limit(1)
    ).first()
    if advocate is not None:
        said.append(f"{referral.prospect} is already advocate #{advocate.id} {advocate.name}")
    return said
