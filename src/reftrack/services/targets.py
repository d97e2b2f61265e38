"""Targets: the people you want to meet, found by your own research ("who does my customer
know?"), each with the advocates who know them (docs/rules.md#targets).

A target is open until a referral of them is logged (closed, with the referral) or you drop
them. Which referral closes a target is ``closing_target``'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, Referral, Target, TargetVia, utcnow
from reftrack.names import fold
from reftrack.records import target_state
from reftrack.services.aggregates import mine
from reftrack.services.lookup import folded


@dataclass(frozen=True)
class TargetView:
    target: Target
    via: list[Advocate]
    asks: list[tuple[Ask, str]]  # the asks that named them, with whom they were made to

    @property
    def state(self) -> str:
        return state_of(self.target)


def state_of(target: Target) -> str:
    return target_state(target.closed_on, target.dropped_on)


def label(target: Target) -> str:
    """ "Jan Pieters (Omega)": how `next` and messages name a target."""
    return f"{target.name} ({target.company})" if target.company else target.name


def add_target(
    session: Session,
    *,
    name: str,
    via: list[Advocate],
    company: str | None = None,
    title: str | None = None,
    url: str | None = None,
    notes: str | None = None,
) -> Target:
    said = name.strip()
    if not said:
        raise InvalidInputError("the target's name is empty; give the person's name")
    target = Target(
        name=said,
        company=(company or "").strip() or None,
        title=(title or "").strip() or None,
        url=(url or "").strip() or None,
        notes=notes,
    )
    session.add(target)
    session.flush()
    add_via(session, target=target, advocates=via)
    return target


def add_via(session: Session, *, target: Target, advocates: list[Advocate]) -> list[Advocate]:
    """The advocates who know the target (once each); the ones newly linked."""
    known = set(
        session.exec(select(col(TargetVia.advocate_id)).where(TargetVia.target_id == target.id))
    )
    added = []
    for advocate in advocates:
        if advocate.id in known:
            continue
        known.add(int(advocate.id or 0))
        session.add(TargetVia(target_id=int(target.id or 0), advocate_id=int(advocate.id or 0)))
        added.append(advocate)
    session.flush()
    return added


def drop(session: Session, *, target: Target, on: date) -> Target:
    if target.closed_on is not None:
        raise InvalidInputError(
            f"target #{target.id} {target.name} was reached on {target.closed_on}; nothing to drop"
        )
    if target.dropped_on is not None:
        raise InvalidInputError(
            f"target #{target.id} {target.name} was dropped on {target.dropped_on} already"
        )
    target.dropped_on = on
    target.updated_at = utcnow()
    session.add(target)
    return target


def via_of(session: Session, target_ids: list[int]) -> dict[int, list[Advocate]]:
    """target id → the advocates who know them, by name (one query)."""
    if not target_ids:
        return {}
    rows = session.exec(
        select(TargetVia.target_id, Advocate)
        .join(Advocate, col(Advocate.id) == TargetVia.advocate_id)
        .where(col(TargetVia.target_id).in_(target_ids))
        .order_by(col(Advocate.name), col(Advocate.id))
    ).all()
    found: dict[int, list[Advocate]] = {}
    for target_id, advocate in rows:
        found.setdefault(target_id, []).append(advocate)
    return found


def list_targets(session: Session, *, open_only: bool = False) -> list[TargetView]:
    query = select(Target)
    if open_only:
        query = query.where(col(Target.closed_on).is_(None), col(Target.dropped_on).is_(None))
    found = list(session.exec(query.order_by(col(Target.name), col(Target.id))).all())
    via = via_of(session, [int(t.id or 0) for t in found])
    return [TargetView(t, via.get(int(t.id or 0), []), []) for t in found]


def view(session: Session, target: Target) -> TargetView:
    asks = session.exec(
        select(Ask, col(Advocate.name))
        .join(Advocate, col(Advocate.id) == col(Ask.advocate_id))
        .where(Ask.target_id == target.id)
        .order_by(col(Ask.asked_on), col(Ask.id))
    ).all()
    key = int(target.id or 0)
    return TargetView(target, via_of(session, [key]).get(key, []), [(a, n) for a, n in asks])


def known_by(session: Session, *, advocate_id: int) -> list[Target]:
    """The open targets an advocate knows, by name (`advocate show`)."""
    query = (
        select(Target)
        .join(TargetVia, col(TargetVia.target_id) == col(Target.id))
        .where(
            TargetVia.advocate_id == advocate_id,
            col(Target.closed_on).is_(None),
            col(Target.dropped_on).is_(None),
        )
        .order_by(col(Target.name), col(Target.id))
    )
    return list(session.exec(query).all())


def is_open(target: Target) -> bool:
    return target.closed_on is None and target.dropped_on is None


def open_targets_known(session: Session) -> dict[int, list[str]]:
    """advocate id → the open targets they know ("Jan Pieters (Omega)"), in one query:
    what `next` names and lifts (services/suggest.py)."""
    rows = session.connection().execute(
        select(col(TargetVia.advocate_id), col(Target.name), col(Target.company))
        .join(Target, col(Target.id) == col(TargetVia.target_id))
        .where(
            col(Target.closed_on).is_(None),
            col(Target.dropped_on).is_(None),
            mine(session, Target),
        )
        .order_by(col(TargetVia.advocate_id), col(Target.name), col(Target.id))
    )
    known: dict[int, list[str]] = {}
    for advocate_id, name, company in rows:
        known.setdefault(int(advocate_id), []).append(f"{name} ({company})" if company else name)
    return known


# --- closing -----------------------------------------------------------------------------


def same_person(target: Target, referral: Referral) -> bool:
    """The referral's prospect is the target: the same name, case and accents ignored."""
    return bool(fold(target.name)) and fold(target.name) == fold(referral.prospect)


def _same_company(target: Target, referral: Referral) -> bool:
    return bool(target.company and referral.company) and fold(target.company) == fold(
        referral.company
    )


def closing_target(session: Session, referral: Referral) -> Target | None:
    """The open target a new referral reaches, if any.

    From an ask for a target: that target, when the prospect is that person (a different
    name is someone else, and the target stays open). Without that link: an open target of
    the same name when the referrer is one who knows them (``--via``) or the companies
    match too; a name alone is not enough (two people can share one).
    """
    ask = session.get(Ask, referral.ask_id) if referral.ask_id is not None else None
    if ask is not None and ask.target_id is not None:
        linked = session.get(Target, ask.target_id)
        if linked is not None and is_open(linked) and same_person(linked, referral):
            return linked
    candidates = [
        t
        for t in session.exec(
            select(Target).where(
                col(Target.closed_on).is_(None),
                col(Target.dropped_on).is_(None),
                folded(session, col(Target.name)) == fold(referral.prospect),
            )
        ).all()
        if same_person(t, referral)
    ]
    if not candidates:
        return None
    known_by = set(
        session.exec(
            select(col(TargetVia.target_id)).where(
                TargetVia.advocate_id == referral.advocate_id,
                col(TargetVia.target_id).in_([t.id for t in candidates]),
            )
        )
    )
    for target in candidates:
        if target.id in known_by or _same_company(target, referral):
            return target
    return None


def referral_logged(session: Session, *, referral: Referral) -> Target | None:
    """Close the target the referral reaches (docs/rules.md#targets); which one, if any."""
    target = closing_target(session, referral)
    if target is None:
        return None
    target.referral_id = referral.id
    target.closed_on = referral.received_on
    target.updated_at = utcnow()
    session.add(target)
    return target


def _reaches(session: Session, target: Target, referral: Referral) -> bool:
    """``closing_target``'s rule for one target: the same person, and asked for through the
    referral's ask, known by its advocate (``--via``) or at the same company."""
    if not same_person(target, referral):
        return False
    ask = session.get(Ask, referral.ask_id) if referral.ask_id is not None else None
    if ask is not None and ask.target_id == target.id:
        return True
    known = session.exec(
        select(TargetVia.id).where(
            TargetVia.target_id == target.id, TargetVia.advocate_id == referral.advocate_id
        )
    ).first()
    return known is not None or _same_company(target, referral)


def referral_edited(session: Session, *, referral: Referral) -> list[str]:
    """A corrected referral reaches the target it now names, and no other: a target it no
    longer reaches is open again, one it reaches now is closed, and a kept one is dated by
    the referral's (corrected) day. What changed, for the confirmation."""
    said: list[str] = []
    kept = False
    for target in reached_by(session, referral):
        if _reaches(session, target, referral):
            kept = True
            if target.closed_on != referral.received_on:
                target.closed_on = referral.received_on
                target.updated_at = utcnow()
                session.add(target)
            continue
        target.referral_id = None
        target.closed_on = None
        target.updated_at = utcnow()
        session.add(target)
        said.append(f"target #{target.id} {label(target)} is open again")
    if not kept:
        session.flush()  # the targets opened above are candidates again
        reached = referral_logged(session, referral=referral)
        if reached is not None:
            said.append(f"target #{reached.id} {label(reached)} reached")
    return said


def reached_by(session: Session, referral: Referral) -> list[Target]:
    """The targets this referral reached (closed)."""
    return list(session.exec(select(Target).where(Target.referral_id == referral.id)).all())


def reopen_for(session: Session, *, referral: Referral) -> list[Target]:
    """The referral that reached these targets is going (deleted): open again."""
    closed = reached_by(session, referral)
    for target in closed:
        target.referral_id = None
        target.closed_on = None
        target.updated_at = utcnow()
        session.add(target)
    return closed


def via_rows(session: Session, *, advocate_id: int) -> list[TargetVia]:
    return list(session.exec(select(TargetVia).where(TargetVia.advocate_id == advocate_id)).all())
