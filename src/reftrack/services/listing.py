"""The lists people read many times a day (`advocate list`, `referral list`, `ask list`,
`followup list`) as SQL text, run by either executor of db_file: sqlite3 on a SQLite file,
psycopg2 on a team's server, SQLAlchemy elsewhere. No SQLAlchemy at import. The records
come back as plain objects with the attributes of the models that `records.*_row` reads
(dates as dates); tests/test_file_reads.py pins them to the ORM queries
(``advocates.list_advocates``, ``referrals.list_referrals``, ``asks.list_asks``,
``followups.views``).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from reftrack.db_file import owner_scope as _scope
from reftrack.db_file import record
from reftrack.enums import OPEN_STATUSES, Outcome, Segment, Status
from reftrack.names import escape_like

if TYPE_CHECKING:
    from reftrack.db_file import Reader

FIRST_STEP = (
    'the book is empty: start with reftrack advocate add "Anna de Vries" --nps 9 '
    "--since 2024-05-01, or reftrack import advocates Connections.csv --preset linkedin "
    "(reftrack demo shows a sample)"
)
_SEGMENTS = {
    Segment.promoter: "nps >= 9",
    Segment.passive: "nps BETWEEN 7 AND 8",
    Segment.detractor: "nps <= 6",
    Segment.unscored: "nps IS NULL",
}


def advocates(
    reader: Reader,
    *,
    segment: Segment | None = None,
    tag: str | None = None,
    archived: bool = False,
) -> list[SimpleNamespace]:
    """Active advocates (or only the archived ones), by name."""
    params: dict[str, Any] = {"archived": archived}
    where = f" AND {_SEGMENTS[segment]}" if segment is not None else ""
    if tag:
        # whole tags only, and literally: `_` and `%` in a tag are not wildcards
        params["tag"] = f"%;{escape_like(tag.strip().lower())};%"
        where += " AND lower(';' || coalesce(tags, '') || ';') LIKE :tag ESCAPE '\\'"
    where += _scope(reader, params, "owner")
    sql = f"SELECT * FROM advocate WHERE archived = :archived{where} ORDER BY lower(name), id"
    return [record(row) for row in reader.rows(sql, params)]


def referrals(
    reader: Reader,
    *,
    status: Status | None = None,
    open_only: bool = False,
    advocate_id: int | None = None,
) -> list[tuple[SimpleNamespace, str]]:
    """Referrals with the name of the advocate who gave them, newest first."""
    params: dict[str, Any] = {}
    where = ""
    if status is not None:
        params["status"] = status.value
        where += " AND t.status = :status"
    if open_only:
        params.update({f"open{n}": s.value for n, s in enumerate(OPEN_STATUSES)})
        where += f" AND t.status IN ({', '.join(f':open{n}' for n in range(len(OPEN_STATUSES)))})"
    return _newest_with_advocate(reader, "referral", "received_on", where, params, advocate_id)


def asks(
    reader: Reader, *, pending_only: bool = False, advocate_id: int | None = None
) -> list[tuple[SimpleNamespace, str]]:
    """Asks with the name of the advocate asked, newest first."""
    params: dict[str, Any] = {}
    where = ""
    if pending_only:
        params["pending"] = Outcome.pending.value
        where += " AND t.outcome = :pending"
    return _newest_with_advocate(reader, "ask", "asked_on", where, params, advocate_id)


def _newest_with_advocate(
    reader: Reader,
    table: str,
    day_column: str,
    where: str,
    params: dict[str, Any],
    advocate_id: int | None,
) -> list[tuple[SimpleNamespace, str]]:
    """The rows of ``table`` (as ``t``) that match ``where``, one advocate's when
    ``advocate_id`` is given, within the reader's owner scope; each as a record with the
    name of its advocate, newest ``day_column`` first (then the newest id)."""
    if advocate_id is not None:
        params["advocate_id"] = advocate_id
        where += " AND t.advocate_id = :advocate_id"
    where += _scope(reader, params, "t.owner")
    sql = (
        f"SELECT t.*, a.name AS advocate__name FROM {table} AS t "
        f"JOIN advocate AS a ON a.id = t.advocate_id WHERE 1 = 1{where} "
        f"ORDER BY t.{day_column} DESC, t.id DESC"
    )
    found = []
    for row in reader.rows(sql, params):
        name = row.pop("advocate__name")
        found.append((record(row), name))
    return found


def follow_ups(
    reader: Reader, *, include_done: bool = False
) -> list[tuple[SimpleNamespace, str | None, str | None]]:
    """Follow-ups by due date with the advocate's name and the referral's prospect (each
    None when the follow-up has none); open ones only unless ``include_done``."""
    params: dict[str, Any] = {}
    where = "" if include_done else " AND f.done_on IS NULL"
    where += _scope(reader, params, "f.owner")
    sql = (
        "SELECT f.*, a.name AS advocate__name, r.prospect AS referral__prospect "
        "FROM follow_up AS f LEFT JOIN advocate AS a ON a.id = f.advocate_id "
        f"LEFT JOIN referral AS r ON r.id = f.referral_id WHERE 1 = 1{where} "
        "ORDER BY f.due_on, f.id"
    )
    found = []
    for row in reader.rows(sql, params):
        name, prospect = row.pop("advocate__name"), row.pop("referral__prospect")
        found.append((record(row), name, prospect))
    return found


def book_is_empty(reader: Reader) -> bool:
    """No advocate at all, archived or not (a first run, or the wrong --db)."""
    params: dict[str, Any] = {}
    where = _scope(reader, params, "owner")
    return not reader.rows(f"SELECT id FROM advocate WHERE 1 = 1{where} LIMIT 1", params)
