"""`search` beyond people's records: targets by name, company or notes, and the
interaction log's notes by their text (case and accents ignored, as everywhere)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from reftrack.models import Advocate, Note, Referral, Target
from reftrack.names import fold
from reftrack.services.lookup import folded
from reftrack.services.targets import state_of


def target_hits(session: Session, *, key: str, pattern: str, limit: int) -> list[dict[str, Any]]:
    fields = {"name": col(Target.name), "company": col(Target.company), "notes": col(Target.notes)}
    tests = [folded(session, c).like(pattern, escape="\\") for c in fields.values()]
    query = select(Target).where(or_(*tests)).order_by(col(Target.id)).limit(limit)
    hits = []
    for target in session.exec(query).all():
        matched = next(
            (f for f in fields if key in (fold(getattr(target, f)) or "")),
            "name",
        )
        hits.append(
            {
                "kind": "target",
                "id": int(target.id or 0),
                "name": target.name,
                "company": target.company,
                "matched": matched,
                "detail": state_of(target),
            }
        )
    return hits


def note_hits(session: Session, *, pattern: str, limit: int) -> list[dict[str, Any]]:
    """Notes whose text holds the words, named by whom they are about."""
    query = (
        select(Note, col(Advocate.name), col(Referral.prospect))
        .outerjoin(Advocate, col(Advocate.id) == col(Note.advocate_id))
        .outerjoin(Referral, col(Referral.id) == col(Note.referral_id))
        .where(folded(session, col(Note.text)).like(pattern, escape="\\"))
        .order_by(col(Note.id))
        .limit(limit)
    )
    hits = []
    for note, advocate, prospect in session.exec(query).all():
        about = f"ask #{note.ask_id}" if note.ask_id is not None else advocate or prospect or ""
        hits.append(
            {
                "kind": "note",
                "id": int(note.id or 0),
                "name": about,
                "company": None,
                "matched": "note",
                "detail": f"{note.noted_on}: {note.text}",
            }
        )
    return hits
