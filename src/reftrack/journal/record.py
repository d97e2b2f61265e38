"""Collecting what a session writes, and writing it as one journal entry.

Commands write through the ORM: mapper events see each row inserted, updated or deleted,
in the order the database does it, and read the row's state from the database itself
before and after (so it is exact whatever the session had loaded). An import writes in
bulk, past the ORM: it reports its new ids (kept as ranges) and its updates to the
collector itself. ``finish`` writes the entry and its rows in the session's transaction,
so a change and its journal entry are committed, or rolled back, together.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, event, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, object_session

from reftrack.journal.rows import dumps, ranges
from reftrack.models import ChangeEntry, ChangeRow, utcnow

KEY = "journal"
JOURNAL_TABLES = frozenset({"change_entry", "change_row"})
ENTRY: Table = ChangeEntry.__table__  # type: ignore[attr-defined]
ROW: Table = ChangeRow.__table__  # type: ignore[attr-defined]


@dataclass
class Change:
    table: str
    row_id: int
    op: str  # insert, update, delete
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    last_id: int | None = None  # an import's new rows: row_id to last_id


_ROW_COLUMNS = ("entry_id", "table_name", "row_id", "last_id", "op", "before", "after")
_MARKS = ", ".join("?" * len(_ROW_COLUMNS))
_INSERT_SQLITE = f"INSERT INTO change_row ({', '.join(_ROW_COLUMNS)}) VALUES ({_MARKS})"


@dataclass
class Collector:
    command: str
    owner: str | None
    changes: list[Change] = field(default_factory=list)
    entry_id: int | None = None  # once the entry is written (an import spills as it goes)
    _before: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    _latest: dict[tuple[str, int], Change] = field(default_factory=dict)

    def inserted(self, table: str, ids: Iterable[int]) -> None:
        """New rows written in bulk (an import): kept as runs of ids, without their JSON."""
        for first, last in ranges(list(ids)):
            self.changes.append(Change(table, first, "insert", last_id=last))

    def updated(
        self, table: str, row_id: int, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        """One entry keeps one change per row: a row inserted or updated earlier in it
        just gets the newer state as its after."""
        earlier = self._latest.get((table, row_id))
        if earlier is not None and earlier.op in ("insert", "update") and earlier.last_id is None:
            if earlier.after is not None:
                earlier.after = {**earlier.after, **after}
            return
        if before != after:
            self.add(Change(table, row_id, "update", before, after))

    def add(self, change: Change) -> None:
        self.changes.append(change)
        self._latest[(change.table, change.row_id)] = change

    def spill(self, connection: Connection) -> None:
        """Write what is collected so far (the entry first, once): an import of 100k
        changed rows keeps one chunk of them in memory, not all."""
        if not self.changes:
            return
        if self.entry_id is None:
            statement = insert(ENTRY).values(at=utcnow(), owner=self.owner, command=self.command)
            self.entry_id = int(connection.execute(statement.returning(ENTRY.c.id)).scalar_one())
        rows = [
            (
                self.entry_id,
                change.table,
                change.row_id,
                change.last_id,
                change.op,
                None if change.before is None else dumps(change.before),
                None if change.after is None else dumps(change.after),
            )
            for change in self.changes
        ]
        if connection.dialect.name == "sqlite":  # straight to the driver, as imports write
            connection.exec_driver_sql(_INSERT_SQLITE, rows)
        else:
            connection.execute(insert(ROW), [dict(zip(_ROW_COLUMNS, r, strict=True)) for r in rows])
        self.changes.clear()
        self._latest.clear()  # a row changed again later gets a change of its own

    def discard(self) -> None:
        """The session was rolled back (a dry run, a bad row): nothing to journal."""
        self.changes.clear()
        self._latest.clear()
        self.entry_id = None


def touching(row_id: int) -> Any:
    """SQL: a journal row about this row id, itself or within an import's range."""
    return or_(ROW.c.row_id == row_id, and_(ROW.c.row_id <= row_id, ROW.c.last_id >= row_id))


def start(session: Session, *, command: str, owner: str | None) -> Collector:
    collector = Collector(command, owner)
    session.info[KEY] = collector
    return collector


def collector_of(session: Session) -> Collector | None:
    found = session.info.get(KEY)
    return found if isinstance(found, Collector) else None


_SECRET = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def command_line(argv: list[str]) -> str:
    """The command as typed, with any password in a database URL masked."""
    return _SECRET.sub(r"\1***@", shlex.join(["reftrack", *argv]))


def finish(session: Session) -> int | None:
    """Write the entry for what the session changed (none when nothing changed)."""
    collector = collector_of(session)
    if collector is None:
        return None
    session.flush()
    session.info.pop(KEY, None)
    collector.spill(session.connection())
    return collector.entry_id


# --- the ORM's rows --------------------------------------------------------------------


def _watched(mapper: Mapper[Any], target: Any) -> tuple[Collector, Table, int] | None:
    session = object_session(target)
    collector = None if session is None else collector_of(session)
    table = mapper.local_table
    if collector is None or not isinstance(table, Table) or table.name in JOURNAL_TABLES:
        return None
    return collector, table, int(target.id)


def _row(connection: Connection, table: Table, row_id: int) -> dict[str, Any]:
    found = connection.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return {} if found is None else dict(found)


@event.listens_for(Mapper, "after_insert")
def _inserted(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    watched = _watched(mapper, target)
    if watched is not None:
        collector, table, row_id = watched
        collector.add(Change(table.name, row_id, "insert", after=_row(connection, table, row_id)))


@event.listens_for(Mapper, "before_update")
def _updating(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    watched = _watched(mapper, target)
    if watched is not None:
        collector, table, row_id = watched
        collector._before[(table.name, row_id)] = _row(connection, table, row_id)


@event.listens_for(Mapper, "after_update")
def _updated(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    watched = _watched(mapper, target)
    if watched is not None:
        collector, table, row_id = watched
        before = collector._before.pop((table.name, row_id), None)
        if before is not None:
            collector.updated(table.name, row_id, before, _row(connection, table, row_id))


@event.listens_for(Mapper, "before_delete")
def _deleting(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    watched = _watched(mapper, target)
    if watched is not None:
        collector, table, row_id = watched
        collector.add(Change(table.name, row_id, "delete", before=_row(connection, table, row_id)))
