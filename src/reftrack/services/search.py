"""`reftrack search TEXT`: who is this? Advocates and prospects whose name, company,
e-mail, phone or notes hold the text (case and accents ignored; a phone number matches
whatever its spacing and with or without the country code's leading zero).

SQL text that either executor of db_file runs (sqlite3 on a SQLite file, SQLAlchemy
elsewhere): no SQLAlchemy at import. Like the ORM query it replaced, it shows everyone's
records on a team database (no owner scope). tests/test_search_reads.py pins the two
executors to each other on both engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reftrack.db_file import LIKE, MAX_INTEGER, as_date, digits_of, folded
from reftrack.errors import InvalidInputError
from reftrack.names import digits, escape_like, fold
from reftrack.services import search_log

if TYPE_CHECKING:
    from reftrack.db_file import Reader

FIELDS = ("name", "company", "email", "phone", "notes")
# each kind of person: its query (columns under the names FIELDS uses) and its name column
_PEOPLE = {
    "advocate": (
        "SELECT p.id, p.name, p.company, p.email, p.phone, p.notes, p.archived FROM advocate AS p",
        "p.name",
    ),
    "prospect": (
        "SELECT p.id, p.prospect AS name, p.company, p.email, p.phone, p.notes, p.status, "
        "p.received_on, a.name AS referrer "
        "FROM referral AS p LEFT JOIN advocate AS a ON a.id = p.advocate_id",
        "p.prospect",
    ),
}


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


def _phone_key(text: str) -> str | None:
    """The digits to look for, when the text is a phone number (0612… finds +31 6 12…)."""
    number = digits(text) or ""
    if len(number) < 5 or len(number) < len(text.replace(" ", "")) - 3:
        return None
    return number.lstrip("0") or None


def _matched(values: dict[str, Any], key: str, phone: str | None) -> str:
    for name in FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if name == "phone" and phone and phone in (digits(value) or ""):
            return name
        if key in (fold(value) or ""):
            return name
    return "name"


def search(reader: Reader, text: str, *, limit: int) -> list[Hit]:
    wanted = text.strip()
    if len(wanted) < 2:
        raise InvalidInputError("search for at least 2 characters (a name, e-mail or phone)")
    limit = min(limit, MAX_INTEGER)
    key = fold(wanted) or ""
    phone = _phone_key(wanted)
    pattern = "%" + escape_like(key) + "%"
    hits: list[Hit] = []
    for kind in _PEOPLE:
        hits += _people(reader, kind, key=key, phone=phone, pattern=pattern, limit=limit)
    for found in (
        search_log.target_hits(reader, key=key, pattern=pattern, limit=limit),
        search_log.note_hits(reader, pattern=pattern, limit=limit),
    ):
        hits += [Hit(email=None, phone=None, **hit) for hit in found]
    return hits[:limit]


def _people(
    reader: Reader, kind: str, *, key: str, phone: str | None, pattern: str, limit: int
) -> list[Hit]:
    select, name_column = _PEOPLE[kind]
    tests = [folded(reader, c) + LIKE for c in (name_column, "p.company", "p.email", "p.notes")]
    params: dict[str, Any] = {"pattern": pattern, "limit": limit}
    if phone:
        params["phone"] = f"%{phone}%"  # digits only: nothing to escape
        tests.append(f"{digits_of(reader, 'p.phone')} LIKE :phone")
    else:
        tests.append(folded(reader, "p.phone") + LIKE)
    sql = f"{select} WHERE {' OR '.join(tests)} ORDER BY p.id LIMIT :limit"
    return [
        Hit(
            kind,
            int(row["id"]),
            row["name"],
            row["company"],
            row["email"],
            row["phone"],
            _matched(row, key, phone),
            _detail(kind, row),
        )
        for row in reader.rows(sql, params)
    ]


def _detail(kind: str, row: dict[str, Any]) -> str:
    if kind == "advocate":
        return "archived" if row["archived"] else ""
    who = row["referrer"] if row["referrer"] is not None else "?"
    return f"{row['status']}, from {who} on {as_date(row['received_on'])}"
