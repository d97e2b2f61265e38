"""Backups and health checks of the database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from reftrack import db_security
from reftrack.db import SCHEMA_HEAD, Database, sqlite_path
from reftrack.errors import DatabaseError, InvalidInputError
from reftrack.records import KINDS

# Every table of the schema, each record kind's (records.KINDS) and the advocates' history
# beside it; doctor counts them in this order.
TABLES = (
    KINDS["advocates"].table,
    "nps_score",
    "advocate_event",
    *(kind.table for name, kind in KINDS.items() if name != "advocates"),
)


def backup(database: Database, target: Path) -> int:
    """Copy a consistent snapshot with SQLite's online backup (safe while others write).

    Returns the size in bytes. Writes to a temporary name first, so a failed backup never
    leaves a half-written file under the target's name.
    """
    source = sqlite_path(database.url)
    if source is None:
        raise InvalidInputError("backup works on SQLite files; use pg_dump for a server database")
    target = target.expanduser().resolve()
    if target == source.resolve():
        raise InvalidInputError("the backup must go to another file than the database itself")
    if target.is_dir():
        raise InvalidInputError(f"{target} is a directory; give a file name for the backup")
    if not target.parent.is_dir():
        raise InvalidInputError(f"folder {target.parent} does not exist; create it first")
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
        dst.close()
        partial.replace(target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"backup failed: {error}; check the disk and try again") from None
    return target.stat().st_size


@dataclass
class Health:
    url: str
    path: Path | None
    schema_version: str | None
    schema_head: str = SCHEMA_HEAD
    counts: dict[str, int] = field(default_factory=dict)
    integrity: str = "not checked"
    foreign_key_problems: int = 0
    journal_mode: str | None = None
    # PostgreSQL: who you are and the row-level security in place (None on SQLite)
    role: str | None = None
    reftrack_admin: bool | None = None
    bypasses_row_security: bool | None = None
    row_security: dict[str, str] | None = None
    policies: dict[str, list[str]] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(database: Database) -> Health:
    engine: Engine = database.engine
    health = Health(
        url=database.url, path=sqlite_path(database.url), schema_version=database.schema_version()
    )
    if health.schema_version != SCHEMA_HEAD:
        health.problems.append(f"schema {health.schema_version}, expected {SCHEMA_HEAD}")
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        for table in TABLES:
            if table not in present:
                health.problems.append(f"table {table} is missing")
                continue
            health.counts[table] = connection.execute(
                text(f"SELECT count(*) FROM {table}")
            ).scalar_one()
        if health.path is not None:
            health.integrity = str(connection.exec_driver_sql("PRAGMA integrity_check").scalar())
            if health.integrity != "ok":
                health.problems.append(f"integrity_check: {health.integrity}")
            health.foreign_key_problems = len(
                connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            )
            if health.foreign_key_problems:
                health.problems.append(
                    f"{health.foreign_key_problems} rows point at records that do not exist"
                )
            health.journal_mode = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar())
        elif connection.dialect.name == "postgresql":
            _check_row_security(database, connection, health)
    return health


def _check_row_security(database: Database, connection: Connection, health: Health) -> None:
    identity = database.identity()
    if identity is not None:
        health.role, health.reftrack_admin = identity.role, identity.admin
        health.bypasses_row_security = identity.bypasses
    status = db_security.row_security(connection)
    health.row_security, health.policies = status["tables"], status["policies"]
    if health.schema_version == SCHEMA_HEAD:
        health.problems.extend(db_security.problems(status))
