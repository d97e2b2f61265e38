"""Reversing journal entries: a row inserted is deleted, one updated gets its old values
back, one deleted comes back as it was — in the reverse of the order they were written.

An entry is reversed only when no later entry (not itself undone) touched the same rows,
and only when no row made later depends on a row the undo would delete: either case is
refused, naming the later entry, so an undo never silently throws away later work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from reftrack.errors import InvalidInputError, NotFoundError
from reftrack.journal.record import ENTRY, ROW, touching
from reftrack.journal.rows import loads, typed
from reftrack.models import SQLModel, utcnow

_CHUNK = 500


@dataclass(frozen=True)
class Entry:
    id: int
    command: str
    owner: str | None
    undone: bool


@dataclass(frozen=True)
class Row:
    table: str
    row_id: int
    last_id: int | None
    op: str
    before: str | None

    def ids(self) -> range:
        return range(self.row_id, (self.last_id or self.row_id) + 1)


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def entry(connection: Connection, entry_id: int) -> Entry:
    found = connection.execute(select(ENTRY).where(ENTRY.c.id == entry_id)).first()
    if found is None:
        raise NotFoundError(f"no journal entry #{entry_id}; see `reftrack log`")
    return Entry(found.id, found.command, found.owner, found.undone_at is not None)


def latest(connection: Connection, count: int, owner: str | None) -> list[Entry]:
    """Your last ``count`` entries not undone yet, newest first (``owner``: a team's)."""
    query = select(ENTRY).where(ENTRY.c.undone_at.is_(None))
    if owner is not None:
        query = query.where(ENTRY.c.owner == owner)
    found = connection.execute(query.order_by(ENTRY.c.id.desc()).limit(count)).all()
    return [Entry(r.id, r.command, r.owner, False) for r in found]


def rows_of(connection: Connection, entry_id: int) -> list[Row]:
    query = select(ROW).where(ROW.c.entry_id == entry_id).order_by(ROW.c.id)
    return [
        Row(r.table_name, r.row_id, r.last_id, r.op, r.before) for r in connection.execute(query)
    ]


def _touching(
    connection: Connection, table: str, rows: list[Row], after: int, skip: set[int]
) -> int | None:
    """The first later entry, not undone and not in ``skip``, that touched these rows."""
    single = sorted({r.row_id for r in rows if r.last_id is None})
    spans = [(r.row_id, r.last_id) for r in rows if r.last_id is not None]
    live = and_(
        ROW.c.entry_id == ENTRY.c.id,
        ENTRY.c.id > after,
        ENTRY.c.undone_at.is_(None),
        ROW.c.table_name == table,
    )
    tests: list[Any] = [ROW.c.row_id.between(a, b) for a, b in spans]
    tests += [ROW.c.row_id.in_(single[i : i + _CHUNK]) for i in range(0, len(single), _CHUNK)]
    found: set[int] = set()
    for start in range(0, len(tests), 50):
        query = select(ENTRY.c.id).where(live, or_(*tests[start : start + 50]))
        found |= set(connection.execute(query).scalars())
    # a later import's ranges may cover one of these rows without starting at it
    query = select(ENTRY.c.id, ROW.c.row_id, ROW.c.last_id).where(live, ROW.c.last_id.isnot(None))
    mine = [*((i, i) for i in single), *spans]
    for entry_id, first, last in connection.execute(query):
        if any(a <= last and first <= b for a, b in mine):
            found.add(entry_id)
    found -= skip
    return min(found) if found else None


def _dependents(
    connection: Connection, doomed: dict[str, list[Row]], skip_ids: dict[str, set[int]]
) -> tuple[str, int] | None:
    """A row outside the undo that points at a row the undo deletes (table, id)."""
    for child in SQLModel.metadata.tables.values():
        for fk in child.foreign_keys:
            parent = fk.column.table.name
            if parent not in doomed or child.name in ("change_entry", "change_row"):
                continue
            column = fk.parent
            for row in doomed[parent]:
                first, last = row.row_id, row.last_id or row.row_id
                query = select(child.c.id).where(column.between(first, last))
                for (child_id,) in connection.execute(query):
                    if child_id not in skip_ids.get(child.name, set()):
                        return child.name, child_id
    return None


def _who_made(connection: Connection, table: str, row_id: int) -> str:
    query = (
        select(ENTRY.c.id, ENTRY.c.command)
        .where(ROW.c.entry_id == ENTRY.c.id, ROW.c.table_name == table, touching(row_id))
        .order_by(ENTRY.c.id.desc())
        .limit(1)
    )
    found = connection.execute(query).first()
    return f"entry #{found.id} ({found.command})" if found else "a change made outside reftrack"


def check(connection: Connection, entries: list[Entry]) -> dict[int, list[Row]]:
    """The rows of each entry, once every entry is known to be safe to reverse."""
    undoing = {e.id for e in entries}
    plan: dict[int, list[Row]] = {}
    inserted: dict[str, set[int]] = defaultdict(set)
    doomed: dict[str, list[Row]] = defaultdict(list)
    for item in entries:
        if item.undone:
            raise InvalidInputError(f"entry #{item.id} ({item.command}) is already undone")
        rows = plan[item.id] = rows_of(connection, item.id)
        by_table: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_table[row.table].append(row)
            if row.op == "insert":
                doomed[row.table].append(row)
            if row.op != "delete":  # rows this undo removes or puts back as they were
                inserted[row.table].update(row.ids())
        for table, table_rows in by_table.items():
            later = _touching(connection, table, table_rows, item.id, undoing)
            if later is not None:
                blocker = entry(connection, later)
                raise InvalidInputError(
                    f"entry #{item.id} ({item.command}) cannot be undone: the later entry "
                    f"#{later} ({blocker.command}) changed the same records; undo that first"
                )
    dependent = _dependents(connection, doomed, inserted)
    if dependent is not None:
        table, row_id = dependent
        raise InvalidInputError(
            f"cannot undo: {table} #{row_id}, made by {_who_made(connection, table, row_id)}, "
            "depends on a record the undo would remove; undo or delete it first"
        )
    return plan


def reverse(
    connection: Connection, entries: list[Entry], plan: dict[int, list[Row]], by: str
) -> int:
    """Reverse the entries, newest first; returns how many rows were restored or removed."""
    count = 0
    for item in sorted(entries, key=lambda e: e.id, reverse=True):
        for row in reversed(plan[item.id]):
            count += _reverse_row(connection, row)
        connection.execute(
            update(ENTRY).where(ENTRY.c.id == item.id).values(undone_at=utcnow(), undone_by=by)
        )
    return count


def _reverse_row(connection: Connection, row: Row) -> int:
    table = _table(row.table)
    if row.op == "insert":
        last = row.last_id or row.row_id
        result = connection.execute(delete(table).where(table.c.id.between(row.row_id, last)))
        return int(result.rowcount or 0)
    before = typed(table, loads(row.before))
    if row.op == "update":
        values = {k: v for k, v in before.items() if k != "id"}
        connection.execute(update(table).where(table.c.id == row.row_id).values(**values))
    else:
        connection.execute(insert(table).values(**before))
    return 1


def describe(rows: Iterable[Row]) -> str:
    """'2 inserted, 1 changed' for a confirmation."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.op] += len(row.ids())
    words = {"insert": "added", "update": "changed", "delete": "deleted"}
    return ", ".join(f"{counts[op]} {words[op]}" for op in words if counts[op]) or "nothing"
