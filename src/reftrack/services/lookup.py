"""Find a record by id or by name, the way a person types it, in an ORM session (the
write path): the rules are ``services/lookup_text.py``'s, run through this session, and
the record it names is loaded as a model.

An id (``12`` or ``#12``) is exact. A name matches with case and accents ignored: an exact
name wins, then whole words, then a part of a name; archived advocates only when no active
one matches. Several matches are an error listing them, none is an error with "did you
mean …".
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from reftrack.db_file import MAX_INTEGER, SessionReader
from reftrack.errors import InvalidInputError, NotFoundError
from reftrack.models import Advocate, Ask, FollowUp, Referral, Target
from reftrack.names import ACCENTED, PLAIN, escape_like
from reftrack.services import lookup_text
from reftrack.services.lookup_text import parse_id

T = TypeVar("T", Advocate, Referral, Target)

__all__ = ["escape_like", "folded", "parse_id"]  # search and others take these from here


def _get(session: Session, model: Any, record_id: int) -> Any:
    return session.get(model, record_id) if record_id <= MAX_INTEGER else None


def folded(session: Session, column: Any) -> Any:
    """The column in lower case without accents, in SQL (see reftrack.names)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.reftrack_fold(column)
    return func.translate(func.lower(column), ACCENTED, PLAIN)


def _resolve(session: Session, model: type[T], kind: lookup_text.Named, ref: str) -> T:
    if session.autoflush:
        session.flush()  # the statements see what this session added, as ORM queries do
    row = lookup_text.resolve(SessionReader(session), kind, ref)
    found = session.get(model, row["id"])  # the same transaction just read it
    assert found is not None
    return found


def advocate(session: Session, ref: str) -> Advocate:
    return _resolve(session, Advocate, lookup_text.ADVOCATES, ref)


def referral(session: Session, ref: str) -> Referral:
    return _resolve(session, Referral, lookup_text.REFERRALS, ref)


def target(session: Session, ref: str) -> Target:
    return _resolve(session, Target, lookup_text.TARGETS, ref)


def _by_id(session: Session, model: Any, ref: str, noun: str, hint: str) -> Any:
    record_id = parse_id(ref)
    if record_id is None:
        raise InvalidInputError(f"{noun} {ref!r} is not an id; give the number from `{hint}`")
    found = _get(session, model, record_id)
    if found is None:
        raise NotFoundError(f"no {noun} with id {record_id}; see `{hint}`")
    return found


def ask(session: Session, ref: str) -> Ask:
    """An ask by id, or by advocate name: that advocate's latest ask."""
    if parse_id(ref) is not None:
        found: Ask = _by_id(session, Ask, ref, "ask", "reftrack ask list")
        return found
    person = advocate(session, ref)
    latest = session.exec(
        select(Ask)
        .where(Ask.advocate_id == person.id)
        .order_by(col(Ask.asked_on).desc(), col(Ask.id).desc())
        .limit(1)
    ).first()
    if latest is None:
        raise NotFoundError(f"{person.name} has not been asked yet; see `reftrack ask list`")
    return latest


def follow_up(session: Session, ref: str) -> FollowUp:
    found: FollowUp = _by_id(session, FollowUp, ref, "follow-up", "reftrack followup list")
    return found


def ask_by_id(session: Session, ref: str) -> Ask:
    """An ask by its id only (a name would pick the latest ask: too loose to delete by)."""
    found: Ask = _by_id(session, Ask, ref, "ask", "reftrack ask list")
    return found
