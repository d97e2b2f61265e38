"""Writing an import's rows: on SQLite straight through the driver, else through SQLAlchemy.

On SQLite the rows go to ``sqlite3``'s ``executemany`` as tuples already in the form
SQLAlchemy would store: dates as ``2026-03-16``, date-times as ``2026-03-16 10:11:12.123456``
(UTC, without the zone: what ``DateTime`` writes), booleans as 0/1. That skips
SQLAlchemy's per-row parameter processing, a quarter of an import's time. Other databases
(PostgreSQL) take the same dicts through SQLAlchemy's ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, DateTime, Table, bindparam
from sqlalchemy.engine import Connection

STAMP = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format of DateTime on SQLite


def stored(value: Any) -> Any:
    """The value as SQLAlchemy stores it on SQLite (for one value of any column)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # as sqlmodel's UTCDateTime: in UTC, without the zone
            value = value.astimezone(UTC)
        return value.strftime(STAMP)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _temporal(kind: Any) -> bool:
    return isinstance(getattr(kind, "impl", kind), (Date, DateTime))


def column_defaults(table: Table) -> dict[str, Any]:
    """The scalar defaults of ``table``'s columns (``forced`` → False), by column name."""
    return {
        column.name: getattr(column.default, "arg", None)
        for column in table.c
        if column.default is not None and column.default.is_scalar
    }


class TableWriter:
    """Inserts and updates of whole rows (dicts of every column) of one table."""

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection, self.table = connection, table
        self.sqlite = connection.dialect.name == "sqlite"
        self.columns = [c.name for c in table.c]
        self.temporal = {c.name for c in table.c if _temporal(c.type)}
        names, marks = ", ".join(self.columns), ", ".join("?" * len(self.columns))
        self.insert_sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
        rest = [c for c in self.columns if c != "id"]
        self.update_sql = (
            f"UPDATE {table.name} SET {', '.join(f'{c} = ?' for c in rest)} WHERE id = ?"
        )
        self.rest = rest

    def _tuples(self, rows: Iterable[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
        temporal = [i for i, c in enumerate(columns) if c in self.temporal]
        pick = itemgetter(*columns)
        done: dict[Any, str] = {}  # a chunk shares its timestamp, and dates repeat
        out = []
        for row in rows:
            try:
                values = list(pick(row))
            except KeyError:
                values = [row.get(c) for c in columns]
            for i in temporal:
                value = values[i]
                if value is not None:
                    text = done.get(value)
                    if text is None:
                        text = done[value] = stored(value)
                    values[i] = text
            out.append(tuple(values))
        return out

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if not self.sqlite:
            self.connection.execute(self.table.insert(), rows)
            return
        self._run(self.insert_sql, self._tuples(rows, self.columns))

    def insert_tuples(self, rows: list[tuple[Any, ...]]) -> None:
        """Rows already in ``columns`` order and stored form (SQLite only)."""
        if rows:
            self._run(self.insert_sql, rows)

    def update(self, rows: dict[int, dict[str, Any]]) -> None:
        """``rows``: id → every column's new value."""
        if not rows:
            return
        if not self.sqlite:
            statement = self.table.update().where(self.table.c.id == bindparam("b_id"))
            params = [
                {**{k: v for k, v in row.items() if k != "id"}, "b_id": key}
                for key, row in rows.items()
            ]
            self.connection.execute(statement, params)
            return
        keyed = [{**row, "b_id": key} for key, row in rows.items()]
        self._run(self.update_sql, self._tuples(keyed, [*self.rest, "b_id"]))

    def _run(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Through SQLAlchemy's driver-level call: its errors stay SQLAlchemy's (disk full)."""
        self.connection.exec_driver_sql(sql, rows)
