"""Advocates: the people who can refer you, their NPS history and dated events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from reftrack.enums import EventKind, Segment, Source
from reftrack.errors import InvalidInputError
from reftrack.models import (
    Advocate,
    AdvocateEvent,
    Ask,
    FollowUp,
    NpsScore,
    Profile,
    Referral,
    id_of,
    utcnow,
)
from reftrack.names import fold
from reftrack.services import notes, targets
from reftrack.services.lookup import escape_like, folded


def check_nps(score: int) -> int:
    if not 0 <= score <= 10:
        raise InvalidInputError(f"NPS {score} is out of range; give a score from 0 to 10")
    return score


def normalise_tags(tags: list[str] | None) -> str | None:
    if not tags:
        return None
    cleaned: list[str] = []
    for tag in tags:
        for part in tag.split(";"):
            part = part.strip()
            if part and part not in cleaned:
                cleaned.append(part)
    return ";".join(cleaned) or None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInputError("the advocate's name is empty; give a name")
    return cleaned


def _refuse_duplicate_email(session: Session, email: str | None, own_id: int | None) -> None:
    if not email:
        return
    query = select(Advocate).where(func.lower(Advocate.email) == email.lower())
    if own_id is not None:
        query = query.where(Advocate.id != own_id)
    other = session.exec(query).first()
    if other is not None:
        raise InvalidInputError(
            f"{email} already belongs to #{other.id} {other.name}; "
            f"edit that advocate instead (reftrack advocate edit {other.id})"
        )


def _refuse_namesake(session: Session, name: str, company: str | None) -> None:
    """An active advocate of the same name (case and accents ignored), and of the same
    company when one is given, is most likely the same person typed twice."""
    query = select(Advocate).where(
        folded(session, col(Advocate.name)) == fold(name), col(Advocate.archived).is_(False)
    )
    if company is not None:
        query = query.where(folded(session, col(Advocate.company)) == fold(company))
    other = session.exec(query.limit(1)).first()
    if other is not None:
        at = f" ({other.company})" if other.company else ""
        raise InvalidInputError(
            f"{name} is already advocate #{other.id} {other.name}{at}; edit that one "
            f"(reftrack advocate edit {other.id}), or add --duplicate if this is another person"
        )


def add_advocate(
    session: Session,
    *,
    name: str,
    on: date,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    nps: int | None = None,
    customer_since: date | None = None,
    source: Source | None = None,
    tags: list[str] | None = None,
    notes: str | None = None,
    referred_by: int | None = None,
    title: str | None = None,
    url: str | None = None,
    allow_duplicate: bool = True,
) -> Advocate:
    email = _clean(email)
    _refuse_duplicate_email(session, email, None)
    if not allow_duplicate:
        _refuse_namesake(session, _check_name(name), _clean(company))
    advocate = Advocate(
        name=_check_name(name),
        company=_clean(company),
        email=email,
        phone=_clean(phone),
        customer_since=customer_since,
        source=source.value if source else None,
        tags=normalise_tags(tags),
        notes=_clean(notes),
        referred_by=referred_by,
        title=_clean(title),
        url=_clean(url),
    )
    session.add(advocate)
    session.flush()
    if nps is not None:
        record_score(session, advocate=advocate, score=nps, on=on)
    return advocate


EDITABLE = {
    "name",
    "company",
    "email",
    "phone",
    "customer_since",
    "source",
    "tags",
    "notes",
    "title",
    "url",
    "referred_by",
}


def edit_advocate(
    session: Session, *, advocate: Advocate, changes: dict[str, Any], on: date
) -> Advocate:
    """Apply only the fields given; ``nps`` in changes records a new score dated ``on``."""
    changes = dict(changes)
    nps = changes.pop("nps", None)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInputError(f"cannot edit {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = _check_name(changes["name"])
    if "email" in changes:
        changes["email"] = _clean(changes["email"])
        _refuse_duplicate_email(session, changes["email"], advocate.id)
    if "tags" in changes:
        changes["tags"] = normalise_tags(changes["tags"])
    if "source" in changes and changes["source"] is not None:
        changes["source"] = Source(changes["source"]).value
    for key in ("company", "phone", "notes", "title", "url"):
        if key in changes:
            changes[key] = _clean(changes[key])
    if changes.get("referred_by") is not None:
        _check_referred_by(session, advocate, changes["referred_by"])
    for key, value in changes.items():
        setattr(advocate, key, value)
    advocate.updated_at = utcnow()
    session.add(advocate)
    if nps is not None:
        record_score(session, advocate=advocate, score=nps, on=on)
    return advocate


def _check_referred_by(session: Session, advocate: Advocate, referral_id: int) -> None:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise InvalidInputError(f"no referral #{referral_id}; see reftrack referral list")
    if referral.advocate_id == advocate.id:
        raise InvalidInputError(
            f"referral #{referral_id} came from {advocate.name}; "
            "an advocate is not their own referral"
        )


def record_score(session: Session, *, advocate: Advocate, score: int, on: date) -> NpsScore:
    """Keep every score; the advocate shows the latest by date."""
    check_nps(score)
    entry = NpsScore(advocate_id=id_of(advocate), score=score, scored_on=on)
    session.add(entry)
    if advocate.nps_on is None or on >= advocate.nps_on:
        advocate.nps = score
        advocate.nps_on = on
        advocate.updated_at = utcnow()
        session.add(advocate)
    session.flush()
    return entry


def record_event(
    session: Session, *, advocate: Advocate, kind: EventKind, on: date, note: str | None
) -> AdvocateEvent:
    event = AdvocateEvent(
        advocate_id=id_of(advocate), kind=kind.value, happened_on=on, note=_clean(note)
    )
    session.add(event)
    if kind is EventKind.milestone:
        if advocate.last_milestone_on is None or on > advocate.last_milestone_on:
            advocate.last_milestone_on = on
    elif advocate.last_complaint_on is None or on > advocate.last_complaint_on:
        advocate.last_complaint_on = on
    advocate.updated_at = utcnow()
    session.add(advocate)
    session.flush()
    return event


def set_archived(session: Session, *, advocate: Advocate, archived: bool = True) -> Advocate:
    advocate.archived = archived
    advocate.updated_at = utcnow()
    session.add(advocate)
    return advocate


def list_advocates(
    session: Session,
    *,
    segment: Segment | None = None,
    tag: str | None = None,
    archived: bool = False,
) -> list[Advocate]:
    """Active advocates (or only the archived ones), by name."""
    query = select(Advocate).where(Advocate.archived == archived)
    if segment is Segment.promoter:
        query = query.where(col(Advocate.nps) >= 9)
    elif segment is Segment.passive:
        query = query.where(col(Advocate.nps).between(7, 8))
    elif segment is Segment.detractor:
        query = query.where(col(Advocate.nps) <= 6)
    elif segment is Segment.unscored:
        query = query.where(col(Advocate.nps).is_(None))
    if tag:
        wanted = tag.strip().lower()
        # whole tags only, and literally: `_` and `%` in a tag are not wildcards
        tags = func.lower(";" + func.coalesce(Advocate.tags, "") + ";")
        query = query.where(tags.like(f"%;{escape_like(wanted)};%", escape="\\"))
    return list(session.exec(query.order_by(func.lower(Advocate.name), col(Advocate.id))).all())


def profile(session: Session, *, advocate: Advocate) -> Profile:
    """Through the ORM: the reference `advocate show`'s SQL text (services/profile_text.py)
    is pinned to by tests/test_show_reads.py."""
    scores = session.exec(
        select(NpsScore)
        .where(NpsScore.advocate_id == advocate.id)
        .order_by(col(NpsScore.scored_on), col(NpsScore.id))
    ).all()
    events = session.exec(
        select(AdvocateEvent)
        .where(AdvocateEvent.advocate_id == advocate.id)
        .order_by(col(AdvocateEvent.happened_on), col(AdvocateEvent.id))
    ).all()
    asks = session.exec(
        select(Ask).where(Ask.advocate_id == advocate.id).order_by(col(Ask.asked_on), col(Ask.id))
    ).all()
    referrals = session.exec(
        select(Referral)
        .where(Referral.advocate_id == advocate.id)
        .order_by(col(Referral.received_on), col(Referral.id))
    ).all()
    follow_ups = session.exec(
        select(FollowUp)
        .where(FollowUp.advocate_id == advocate.id, col(FollowUp.done_on).is_(None))
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
    ).all()
    origin = session.get(Referral, advocate.referred_by) if advocate.referred_by else None
    referrer = session.get(Advocate, origin.advocate_id) if origin else None
    return Profile(
        advocate=advocate,
        scores=list(scores),
        events=list(events),
        asks=list(asks),
        referrals=list(referrals),
        open_follow_ups=list(follow_ups),
        referred_by=origin,
        referrer_name=referrer.name if referrer else None,
        notes=notes.of_advocate(session, advocate),
        targets=targets.known_by(session, advocate_id=int(advocate.id or 0)),
    )
