"""The interaction log (`note add`): dated lines about one advocate, referral or ask
("called, voicemail"), added to, never overwritten as the one ``--note`` field is."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Ask, Note, Referral


def add_note(
    session: Session,
    *,
    text: str,
    on: date,
    advocate: Advocate | None = None,
    referral: Referral | None = None,
    ask: Ask | None = None,
) -> Note:
    """One dated note about exactly one of ``advocate``, ``referral`` or ``ask``."""
    subjects = [s for s in (advocate, referral, ask) if s is not None]
    if len(subjects) != 1:
        raise InvalidInputError(
            "a note is about one record: give an advocate, or --referral R, or --ask K"
        )
    said = text.strip()
    if not said:
        raise InvalidInputError('the note is empty; say what happened ("called, voicemail")')
    note = Note(
        noted_on=on,
        text=said,
        advocate_id=advocate.id if advocate else None,
        referral_id=referral.id if referral else None,
        ask_id=ask.id if ask else None,
    )
    session.add(note)
    session.flush()
    return note


def notes_about(
    session: Session,
    *,
    advocate_id: int | None = None,
    referral_ids: list[int] | None = None,
    ask_ids: list[int] | None = None,
) -> list[Note]:
    """The notes about an advocate and/or these referrals and asks, oldest first."""
    tests = []
    if advocate_id is not None:
        tests.append(col(Note.advocate_id) == advocate_id)
    if referral_ids:
        tests.append(col(Note.referral_id).in_(referral_ids))
    if ask_ids:
        tests.append(col(Note.ask_id).in_(ask_ids))
    if not tests:
        return []
    query = select(Note).where(or_(*tests)).order_by(col(Note.noted_on), col(Note.id))
    return list(session.exec(query).all())


def of_advocate(session: Session, advocate: Advocate) -> list[Note]:
    """An advocate's log: notes about them, their asks and the referrals they made."""
    asks = session.exec(select(col(Ask.id)).where(Ask.advocate_id == advocate.id)).all()
    refs = session.exec(select(col(Referral.id)).where(Referral.advocate_id == advocate.id)).all()
    return notes_about(
        session,
        advocate_id=advocate.id,
        referral_ids=[int(i) for i in refs if i is not None],
        ask_ids=[int(i) for i in asks if i is not None],
    )


def subject_of(note: Note) -> str:
    """What a note is about, as a record reference: ``advocate:3``, ``ask:5``."""
    if note.ask_id is not None:
        return f"ask:{note.ask_id}"
    if note.referral_id is not None:
        return f"referral:{note.referral_id}"
    return f"advocate:{note.advocate_id}"
