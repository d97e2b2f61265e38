"""Reading the journal back: the latest entries, and one record's history (`reftrack log`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from reftrack.journal.record import ENTRY, ROW, touching
from reftrack.journal.rows import loads

# Columns that change with every write: left out of "what changed".
_NOISE = frozenset({"updated_at", "created_at"})


@dataclass
class Logged:
    id: int
    at: datetime
    owner: str | None
    command: str
    undone_at: datetime | None
    undone_by: str | None
    rows: int
    changes: list[dict[str, Any]] = field(default_factory=list)  # one record's, for `log RECORD`


def _entry(row: Any, count: int) -> Logged:
    return Logged(
        row.id, row.at, row.owner, row.command, row.undone_at, row.undone_by, int(count or 0)
    )


def latest(connection: Connection, *, limit: int, owner: str | None = None) -> list[Logged]:
    sizes = (
        select(
            ROW.c.entry_id,
            func.sum(func.coalesce(ROW.c.last_id, ROW.c.row_id) - ROW.c.row_id + 1).label("n"),
        )
        .group_by(ROW.c.entry_id)
        .subquery()
    )
    query = select(ENTRY, sizes.c.n).join(sizes, sizes.c.entry_id == ENTRY.c.id, isouter=True)
    if owner is not None:
        query = query.where(ENTRY.c.owner == owner)
    query = query.order_by(ENTRY.c.id.desc()).limit(limit)
    return [_entry(row, row.n) for row in connection.execute(query)]


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """column → [old, new], for the columns that changed."""
    names = (set(before) | set(after)) - _NOISE
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(names)
        if before.get(name) != after.get(name)
    }


def of_record(connection: Connection, table: str, row_id: int, *, limit: int) -> list[Logged]:
    """The entries that touched one record, newest first, with what each changed in it."""
    query = (
        select(ENTRY, ROW.c.op, ROW.c.before, ROW.c.after)
        .where(ROW.c.entry_id == ENTRY.c.id, ROW.c.table_name == table, touching(row_id))
        .order_by(ENTRY.c.id.desc(), ROW.c.id)
    )
    found: dict[int, Logged] = {}
    for row in connection.execute(query):
        if row.id not in found:
            if len(found) >= limit:
                break
            found[row.id] = _entry(row, 0)
        logged = found[row.id]
        logged.rows += 1
        changed = diff(loads(row.before), loads(row.after)) if row.op == "update" else {}
        logged.changes.append({"op": row.op, "changed": changed})
    return list(found.values())
