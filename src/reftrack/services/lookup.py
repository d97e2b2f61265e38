"""Find a record by id or by name, the way a person types it.

An id (``12`` or ``#12``) is exact. A name matches with case and accents ignored: an exact
name wins, then whole words (`jan` is Jan Smit, not Bram Jansen), then a part of a name;
archived advocates only when no active one matches. Several matches are an error listing
them, none is an error with "did you mean …".
"""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from reftrack.errors import AmbiguousError, InvalidInputError, NotFoundError
from reftrack.models import Advocate, Ask, FollowUp, Referral, Target
from reftrack.names import ACCENTED, PLAIN, escape_like, fold, rank

T = TypeVar("T", Advocate, Referral, Target)

_LIST_AT_MOST = 8
_SUGGEST_FROM_AT_MOST = 20_000
_CANDIDATES = 2_000  # partial matches ranked in Python; a part this common is ambiguous anyway


# The largest id a database stores (a signed 64-bit integer); a bigger number names nothing.
_MAX_ID = 2**63 - 1


def parse_id(ref: str) -> int | None:
    text = ref.strip().lstrip("#")
    return int(text) if text.isascii() and text.isdigit() else None


def _get(session: Session, model: Any, record_id: int) -> Any:
    return session.get(model, record_id) if record_id <= _MAX_ID else None


def _describe(record: Any) -> str:
    if isinstance(record, Advocate):
        extra = f" ({record.company})" if record.company else ""
        return f"#{record.id} {record.name}{extra}"
    if isinstance(record, Referral):
        return f"#{record.id} {record.prospect} (received {record.received_on})"
    if isinstance(record, Target):
        extra = f" ({record.company})" if record.company else ""
        return f"#{record.id} {record.name}{extra}"
    return f"#{record.id}"


def folded(session: Session, column: Any) -> Any:
    """The column in lower case without accents, in SQL (see reftrack.names)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.reftrack_fold(column)
    return func.translate(func.lower(column), ACCENTED, PLAIN)


def _active_first(found: list[T]) -> list[T]:
    """Archived advocates take part only when no active one matches."""
    active = [r for r in found if not getattr(r, "archived", False)]
    return active or found


def matches(session: Session, model: type[T], name_column: Any, text: str) -> list[T]:
    """The records a typed name means: the exact name, else whole words, else parts."""
    key = fold(text) or ""
    exact = list(
        session.exec(
            select(model).where(folded(session, name_column) == key).limit(_LIST_AT_MOST + 1)
        ).all()
    )
    if exact:
        return _active_first(exact)
    pattern = "%" + escape_like(key) + "%"
    candidates = session.exec(
        select(model)
        .where(folded(session, name_column).like(pattern, escape="\\"))
        .order_by(col(model.id))
        .limit(_CANDIDATES)
    ).all()
    ranked: dict[int, list[T]] = {}
    for record in candidates:
        level = rank(getattr(record, name_column.key), text)
        if level is not None:
            ranked.setdefault(level, []).append(record)
    for level in sorted(ranked):
        return _active_first(ranked[level])
    return []


def _resolve_named(
    session: Session, model: type[T], name_column: Any, ref: str, noun: str, hint: str
) -> T:
    text = ref.strip()
    if not text:
        raise InvalidInputError(f"{noun} name is empty; give a name or an id")
    record_id = parse_id(text)
    if record_id is not None:
        found = _get(session, model, record_id)
        if found is None:
            raise NotFoundError(f"no {noun} with id {record_id}; see `{hint}`")
        return found
    exact = matches(session, model, name_column, text)
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        listed = ", ".join(_describe(r) for r in exact[:_LIST_AT_MOST])
        more = " and more" if len(exact) > _LIST_AT_MOST else ""
        raise AmbiguousError(f"{noun} {text!r} matches several: {listed}{more}; use the id")
    names = session.exec(select(name_column).limit(_SUGGEST_FROM_AT_MOST)).all()
    close = difflib.get_close_matches(text, list(dict.fromkeys(names)), n=3, cutoff=0.6)
    suggestion = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise NotFoundError(f"no {noun} named {text!r}{suggestion} (see `{hint}`)")


def advocate(session: Session, ref: str) -> Advocate:
    return _resolve_named(
        session, Advocate, col(Advocate.name), ref, "advocate", "reftrack advocate list"
    )


def referral(session: Session, ref: str) -> Referral:
    return _resolve_named(
        session, Referral, col(Referral.prospect), ref, "referral", "reftrack referral list"
    )


def target(session: Session, ref: str) -> Target:
    return _resolve_named(session, Target, col(Target.name), ref, "target", "reftrack target list")


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
