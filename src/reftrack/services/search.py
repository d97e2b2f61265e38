"""`reftrack search TEXT`: who is this? Advocates and prospects whose name, company,
e-mail, phone or notes hold the text (case and accents ignored; a phone number matches
whatever its spacing and with or without the country code's leading zero)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from reftrack.errors import InvalidInputError
from reftrack.models import Advocate, Referral
from reftrack.names import digits, fold
from reftrack.services import search_log
from reftrack.services.lookup import escape_like, folded

FIELDS = ("name", "company", "email", "phone", "notes")


@dataclass
class Hit:
    kind: str  # advocate, prospect, target or note
    id: int
    name: str
    company: str | None
    email: str | None
    phone: str | None
    matched: str  # the field that holds the text
    detail: str  # for a prospect: who referred them; for an advocate: archived or not


def _digits_sql(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.reftrack_digits(column)
    return func.regexp_replace(column, r"\D", "", "g")


def _phone_key(text: str) -> str | None:
    """The digits to look for, when the text is a phone number (0612… finds +31 6 12…)."""
    number = digits(text) or ""
    if len(number) < 5 or len(number) < len(text.replace(" ", "")) - 3:
        return None
    return number.lstrip("0") or None


def _matched(values: dict[str, str | None], key: str, phone: str | None) -> str:
    for name in FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if name == "phone" and phone and phone in (digits(value) or ""):
            return name
        if key in (fold(value) or ""):
            return name
    return "name"


def search(session: Session, text: str, *, limit: int) -> list[Hit]:
    wanted = text.strip()
    if len(wanted) < 2:
        raise InvalidInputError("search for at least 2 characters (a name, e-mail or phone)")
    key = fold(wanted) or ""
    phone = _phone_key(wanted)
    pattern = "%" + escape_like(key) + "%"
    hits: list[Hit] = []
    sources: list[tuple[str, Any, Any]] = [
        ("advocate", Advocate, col(Advocate.name)),
        ("prospect", Referral, col(Referral.prospect)),
    ]
    for kind, model, name_column in sources:
        columns = [name_column, col(model.company), col(model.email), col(model.notes)]
        tests = [folded(session, c).like(pattern, escape="\\") for c in columns]
        if phone:
            tests.append(_digits_sql(session, col(model.phone)).like(f"%{phone}%"))
        else:
            tests.append(folded(session, col(model.phone)).like(pattern, escape="\\"))
        query = select(model).where(or_(*tests)).order_by(col(model.id)).limit(limit)
        for record in session.exec(query).all():
            name = record.name if kind == "advocate" else record.prospect
            values = {f: getattr(record, f, None) for f in FIELDS if f != "name"}
            values["name"] = name
            hits.append(
                Hit(
                    kind,
                    int(record.id),
                    name,
                    record.company,
                    record.email,
                    record.phone,
                    _matched(values, key, phone),
                    _detail(session, kind, record),
                )
            )
    for found in (
        search_log.target_hits(session, key=key, pattern=pattern, limit=limit),
        search_log.note_hits(session, pattern=pattern, limit=limit),
    ):
        hits += [Hit(email=None, phone=None, **hit) for hit in found]
    return hits[:limit]


def _detail(session: Session, kind: str, record: Any) -> str:
    if kind == "advocate":
        return "archived" if record.archived else ""
    referrer = session.get(Advocate, record.advocate_id)
    who = referrer.name if referrer else "?"
    return f"{record.status}, from {who} on {record.received_on}"
