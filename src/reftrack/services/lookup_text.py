"""Find a record by id or by name, the way a person types it: the rules, as SQL text.

An id (``12`` or ``#12``) is exact. A name matches with case and accents ignored: an exact
name wins, then whole words (`jan` is Jan Smit, not Bram Jansen), then a part of a name;
archived advocates only when no active one matches. Several matches are an error listing
them, none is an error with "did you mean …".

The statements run through either executor of db_file (sqlite3 on a SQLite file, so
`advocate show` and `referral list --advocate` import no SQLAlchemy; SQLAlchemy elsewhere),
and ``services/lookup.py`` runs them in the ORM's session for the write path: one
description of the rules. A scoped reader sees its owner's records only, as the ORM's
scoped sessions do (db.py). Rows come back as the driver gives them (see db_file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reftrack.db_file import LIKE, MAX_INTEGER, as_date, folded, owner_scope
from reftrack.errors import AmbiguousError, InvalidInputError, NotFoundError
from reftrack.names import escape_like, fold, rank

if TYPE_CHECKING:
    from reftrack.db_file import Reader

_LIST_AT_MOST = 8
_SUGGEST_FROM_AT_MOST = 20_000
_CANDIDATES = 2_000  # partial matches ranked in Python; a part this common is ambiguous anyway


@dataclass(frozen=True)
class Named:
    """A kind of record people name: its table, the column with its name, how to say it."""

    table: str
    column: str
    noun: str
    hint: str  # the command that lists them, for the errors
    aside: Callable[[dict[str, Any]], str]  # what follows "#id name" in a list of matches


def _company(row: dict[str, Any]) -> str:
    return f" ({row['company']})" if row.get("company") else ""


def _received(row: dict[str, Any]) -> str:
    return f" (received {as_date(row['received_on'])})"


ADVOCATES = Named("advocate", "name", "advocate", "reftrack advocate list", _company)
REFERRALS = Named("referral", "prospect", "referral", "reftrack referral list", _received)
TARGETS = Named("target", "name", "target", "reftrack target list", _company)


def parse_id(ref: str) -> int | None:
    text = ref.strip().lstrip("#")
    return int(text) if text.isascii() and text.isdigit() else None


def _select(reader: Reader, kind: Named, what: str, where: str, params: dict[str, Any]) -> str:
    """``SELECT what FROM the table WHERE where``, within the reader's owner scope."""
    scope = owner_scope(reader, params, "owner")
    if not where:
        where, scope = scope.removeprefix(" AND "), ""
    return f"SELECT {what} FROM {kind.table}" + (f" WHERE {where}{scope}" if where else "")


def by_id(reader: Reader, kind: Named, record_id: int) -> dict[str, Any] | None:
    if record_id > MAX_INTEGER:
        return None
    params: dict[str, Any] = {"id": record_id}
    found = reader.rows(_select(reader, kind, "*", "id = :id", params), params)
    return found[0] if found else None


def _active_first(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Archived advocates take part only when no active one matches."""
    active = [row for row in found if not row.get("archived")]
    return active or found


def matches(reader: Reader, kind: Named, text: str) -> list[dict[str, Any]]:
    """The records a typed name means: the exact name, else whole words, else parts."""
    params: dict[str, Any] = {"key": fold(text) or ""}
    name = folded(reader, kind.column)
    sql = _select(reader, kind, "*", f"{name} = :key", params)
    exact = reader.rows(f"{sql} ORDER BY id LIMIT {_LIST_AT_MOST + 1}", params)
    if exact:
        return _active_first(exact)
    params = {"pattern": "%" + escape_like(params["key"]) + "%"}
    sql = _select(reader, kind, "*", name + LIKE, params)
    ranked: dict[int, list[dict[str, Any]]] = {}
    for row in reader.rows(f"{sql} ORDER BY id LIMIT {_CANDIDATES}", params):
        level = rank(row[kind.column], text)
        if level is not None:
            ranked.setdefault(level, []).append(row)
    for level in sorted(ranked):
        return _active_first(ranked[level])
    return []


def resolve(reader: Reader, kind: Named, ref: str) -> dict[str, Any]:
    """The one record ``ref`` names (every column), or the error that says why not."""
    text = ref.strip()
    if not text:
        raise InvalidInputError(f"{kind.noun} name is empty; give a name or an id")
    record_id = parse_id(text)
    if record_id is not None:
        found = by_id(reader, kind, record_id)
        if found is None:
            raise NotFoundError(f"no {kind.noun} with id {record_id}; see `{kind.hint}`")
        return found
    exact = matches(reader, kind, text)
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        listed = ", ".join(
            f"#{row['id']} {row[kind.column]}{kind.aside(row)}" for row in exact[:_LIST_AT_MOST]
        )
        more = " and more" if len(exact) > _LIST_AT_MOST else ""
        raise AmbiguousError(f"{kind.noun} {text!r} matches several: {listed}{more}; use the id")
    import difflib  # only for a name that matches nothing

    params: dict[str, Any] = {}
    sql = _select(reader, kind, kind.column, "", params)
    names = [
        row[kind.column] for row in reader.rows(f"{sql} LIMIT {_SUGGEST_FROM_AT_MOST}", params)
    ]
    close = difflib.get_close_matches(text, list(dict.fromkeys(names)), n=3, cutoff=0.6)
    suggestion = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise NotFoundError(f"no {kind.noun} named {text!r}{suggestion} (see `{kind.hint}`)")


def advocate(reader: Reader, ref: str) -> dict[str, Any]:
    """The advocate ``ref`` names, as a row of every column."""
    return resolve(reader, ADVOCATES, ref)
