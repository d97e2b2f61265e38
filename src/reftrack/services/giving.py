"""Giving back (docs/rules.md#giving-back): introductions you give an advocate (`intro
give`, with its `intro_check` follow-up) and thank-you gifts (`gift add`, with their cost).

Gifts are thank-yous, never payments: the texts frame incentives as thanks. Both are
deleted through the ORM (with the intro's follow-ups), so `undo` brings them back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from reftrack import outreach_rows
from reftrack.config import Settings
from reftrack.enums import FollowUpKind
from reftrack.errors import InvalidInputError, NotFoundError
from reftrack.models import Advocate, Gift, Intro, Referral, id_of
from reftrack.services import rules
from reftrack.services.profile_text import GivenBack, Ledger  # `advocate show`'s shapes


def _text(value: str, *, what: str, example: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInputError(f"{what} is empty; say what it was, e.g. {example}")
    return cleaned


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def give_intro(
    session: Session,
    *,
    advocate: Advocate,
    to_whom: str,
    on: date,
    settings: Settings,
    notes: str | None = None,
) -> Intro:
    """An introduction you gave ``advocate``; "did Kees help Anna?" in intro_check_days."""
    whom = _text(to_whom, what="--to", example='--to "Kees Bakker (printer)"')
    intro = Intro(advocate_id=id_of(advocate), to_whom=whom, given_on=on, notes=notes)
    session.add(intro)
    session.flush()
    check = rules.schedule(
        session,
        kind=FollowUpKind.intro_check,
        due_on=rules.add_days(on, settings.intro_check_days),
        advocate_id=advocate.id,
        note=f"did {first_name(whom)} help {first_name(advocate.name)}?",
    )
    if check is not None:
        check.intro_id = intro.id
    return intro


def intro_check_due(session: Session, intro: Intro) -> date | None:
    """When the intro's open check is due (None: there is none)."""
    open_ones = rules.follow_ups_where(session, open_only=True, intro_id=intro.id)
    return open_ones[0].due_on if open_ones else None


def get_intro(session: Session, intro_id: int) -> Intro:
    intro = session.get(Intro, intro_id)
    if intro is None:
        raise NotFoundError(f"no introduction #{intro_id}; see reftrack intro list")
    return intro


def delete_intro(session: Session, intro: Intro) -> int:
    """Delete an introduction and its follow-ups; how many follow-ups went with it."""
    follow_ups = rules.follow_ups_where(session, intro_id=intro.id)
    for follow_up in follow_ups:
        session.delete(follow_up)
    session.flush()
    session.delete(intro)
    session.flush()
    return len(follow_ups)


def add_gift(
    session: Session,
    *,
    advocate: Advocate,
    what: str,
    on: date,
    cost_cents: int | None = None,
    referral: Referral | None = None,
    notes: str | None = None,
) -> Gift:
    """A thank-you for ``advocate``, perhaps for one of their referrals."""
    thing = _text(what, what="WHAT", example='"flowers"')
    if referral is not None and referral.advocate_id != advocate.id:
        referrer = rules.advocate_name(session, referral.advocate_id)
        raise InvalidInputError(
            f"referral #{referral.id} {referral.prospect} came from {referrer}, not "
            f"{advocate.name}; thank {referrer} for it, or leave out --referral"
        )
    if referral is not None and on < referral.received_on:
        raise InvalidInputError(
            f"{on} is before referral #{referral.id} arrived ({referral.received_on}); check --on"
        )
    gift = Gift(
        advocate_id=id_of(advocate),
        what=thing,
        cost_cents=cost_cents,
        referral_id=referral.id if referral is not None else None,
        given_on=on,
        notes=notes,
    )
    session.add(gift)
    session.flush()
    return gift


def get_gift(session: Session, gift_id: int) -> Gift:
    gift = session.get(Gift, gift_id)
    if gift is None:
        raise NotFoundError(f"no gift #{gift_id}; see reftrack gift list")
    return gift


def delete_gift(session: Session, gift: Gift) -> None:
    session.delete(gift)
    session.flush()


def intros_of(session: Session, *, advocate_id: int | None = None) -> list[Intro]:
    query = select(Intro).order_by(col(Intro.given_on), col(Intro.id))
    if advocate_id is not None:
        query = query.where(col(Intro.advocate_id) == advocate_id)
    return list(session.scalars(query).all())


def gifts_of(session: Session, *, advocate_id: int | None = None) -> list[Gift]:
    query = select(Gift).order_by(col(Gift.given_on), col(Gift.id))
    if advocate_id is not None:
        query = query.where(col(Gift.advocate_id) == advocate_id)
    return list(session.scalars(query).all())


def ledger(session: Session, *, advocate_id: int) -> Ledger:
    run = session.connection().execute
    given = run(select(func.count()).where(col(Intro.advocate_id) == advocate_id)).scalar()
    received = run(select(func.count()).where(col(Referral.advocate_id) == advocate_id)).scalar()
    gifts, cost = run(
        select(func.count(), func.coalesce(func.sum(col(Gift.cost_cents)), 0)).where(
            col(Gift.advocate_id) == advocate_id
        )
    ).one()
    return Ledger(
        given=int(given or 0),
        received=int(received or 0),
        gifts=int(gifts or 0),
        gifts_cost_cents=int(cost or 0),
    )


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(col(Advocate.id), col(Advocate.name)).where(col(Advocate.id).in_(ids))
    rows: list[Any] = list(session.connection().execute(query))
    return {int(row[0]): row[1] for row in rows}


def intro_rows(session: Session, *, advocate_id: int | None = None) -> list[dict[str, Any]]:
    """Introductions as canonical rows (records.INTRO_COLUMNS), oldest first."""
    intros = intros_of(session, advocate_id=advocate_id)
    names = _names(session, {i.advocate_id for i in intros})
    return [outreach_rows.intro_row(i, names.get(i.advocate_id)) for i in intros]


def gift_rows(session: Session, *, advocate_id: int | None = None) -> list[dict[str, Any]]:
    """Gifts as canonical rows (records.GIFT_COLUMNS), oldest first."""
    gifts = gifts_of(session, advocate_id=advocate_id)
    names = _names(session, {g.advocate_id for g in gifts})
    return [outreach_rows.gift_row(g, names.get(g.advocate_id)) for g in gifts]


def given_back(session: Session, *, advocate_id: int) -> GivenBack:
    """Through the ORM: the reference ``profile_text`` is pinned to (tests/test_show_reads.py)."""
    return GivenBack(
        ledger=ledger(session, advocate_id=advocate_id),
        intros=intro_rows(session, advocate_id=advocate_id),
        gifts=gift_rows(session, advocate_id=advocate_id),
    )
