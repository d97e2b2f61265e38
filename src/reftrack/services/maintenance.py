"""Backups and health checks of the database."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from reftrack import db_security
from reftrack.db import SCHEMA_HEAD, Database, describe_failure, location, sqlite_path
from reftrack.errors import DatabaseError, InvalidInputError
from reftrack.records import KINDS

# Every table of the schema, each record kind's (records.KINDS) and the advocates' history
# beside it, then the change journal; doctor counts them in this order.
TABLES = tuple(
    dict.fromkeys(
        (
            KINDS["advocates"].table,
            "nps_score",
            "advocate_event",
            *(kind.table for kind in KINDS.values()),
            "change_entry",
            "change_row",
        )
    )
)


def backup(database: Database, target: Path) -> int:
    """Copy a consistent snapshot with SQLite's online backup (safe while others write).

    Returns the size in bytes. The copy goes to a new owner-only file beside the target,
    made exclusively (nothing already there is followed or overwritten), and is checked
    before it replaces the target: a damaged database never replaces a good backup, and a
    refused or failed backup leaves nothing behind.
    """
    source = sqlite_path(database.url)
    if source is None:
        raise InvalidInputError("backup works on SQLite files; use pg_dump for a server database")
    target = _backup_target(source, target)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise InvalidInputError(
            f"cannot write in {target.parent} ({error.strerror}); back up to another folder"
        ) from None
    os.close(handle)
    try:
        refusal = _copy_checked(source, Path(name))
        if refusal is not None:
            raise DatabaseError(f"backup refused, {target} untouched: {refusal}")
        os.replace(name, target)
    except OSError as error:
        raise DatabaseError(
            f"backup failed: {error.strerror}; check the disk and try again"
        ) from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):  # the copy's, named after it alone
            Path(name + suffix).unlink(missing_ok=True)
    return target.stat().st_size


def _backup_target(source: Path, target: Path) -> Path:
    """The target as an absolute path; refuse what must not be written."""
    target = target.expanduser().absolute()
    if target.is_symlink():  # before resolving: the link's own name, not where it points
        raise InvalidInputError(
            f"{target} is a symbolic link; give the backup a file name that is not one"
        )
    target = target.parent.resolve() / target.name
    if target == source.resolve() or (target.exists() and os.path.samefile(target, source)):
        raise InvalidInputError("the backup must go to another file than the database itself")
    if target.is_dir():
        raise InvalidInputError(f"{target} is a directory; give a file name for the backup")
    if target.exists() and not target.is_file():  # a device, a pipe, a socket: never replace
        raise InvalidInputError(
            f"{target} is not a regular file (a device or a pipe); give the backup a file name"
        )
    if not target.parent.is_dir():
        raise InvalidInputError(f"folder {target.parent} does not exist; create it first")
    return target


def _copy_checked(source: Path, copy: Path) -> str | None:
    """Copy ``source`` into the empty file ``copy`` and check the copy (what is checked is
    exactly what would be kept): None when sound, else what is wrong and the fix."""
    broken = 0
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
            damage = [str(row[0]) for row in dst.execute("PRAGMA integrity_check")]
            if damage == ["ok"]:
                broken = len(dst.execute("PRAGMA foreign_key_check").fetchall())
    except sqlite3.Error as error:
        code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
        if code not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise DatabaseError(f"backup failed: {error}; check the disk and try again") from None
        damage = [str(error)]
    if damage != ["ok"]:
        more = " and more" if len(damage) > 1 else ""
        return f"{source} is damaged ({_one_line(damage[0])}{more}); {_salvage(source)}"
    if broken:
        return (
            f"{source} has {broken} rows that point at records that do not exist; "
            "see them with `reftrack doctor`, mend or delete them, then back up again"
        )
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _salvage(path: Path) -> str:
    """The fix for a damaged database file."""
    return (
        "keep the last good backup, and salvage the rows with "
        f"`sqlite3 {path} .recover | sqlite3 saved.db`"
    )


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

    @property
    def location(self) -> str:
        """The file's path or the server URL, its password masked: what doctor shows."""
        return location(self.url)


def _detail(error: Exception) -> str:
    return " ".join(str(getattr(error, "orig", error)).split())


def check(database: Database) -> Health:
    health = Health(
        url=database.url, path=sqlite_path(database.url), schema_version=database.schema_version()
    )
    if health.schema_version != SCHEMA_HEAD:
        health.problems.append(f"schema {health.schema_version}, expected {SCHEMA_HEAD}")
    try:
        with database.engine.connect() as connection:
            _check_tables(connection, health)
            if health.path is not None:
                _check_file(connection, health, health.path)
            elif connection.dialect.name == "postgresql":
                _check_row_security(database, connection, health)
    except sa_exc.DatabaseError as error:
        if health.path is None:
            raise DatabaseError(describe_failure(error, database.url)) from None
        # a damaged file fails the reads themselves ("database disk image is malformed")
        health.integrity = _one_line(str(error.orig))
        health.problems.append(
            f"the database file is damaged ({health.integrity}); {_salvage(health.path)}"
        )
    return health


def _check_tables(connection: Connection, health: Health) -> None:
    present = set(inspect(connection).get_table_names())
    for table in TABLES:
        if table not in present:
            health.problems.append(f"table {table} is missing")
            continue
        health.counts[table] = connection.execute(
            text(f"SELECT count(*) FROM {table}")
        ).scalar_one()


def _check_file(connection: Connection, health: Health, path: Path) -> None:
    health.integrity = _one_line(str(connection.exec_driver_sql("PRAGMA integrity_check").scalar()))
    if health.integrity != "ok":
        health.problems.append(f"integrity_check: {health.integrity}; {_salvage(path)}")
    health.foreign_key_problems = len(
        connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    )
    if health.foreign_key_problems:
        health.problems.append(
            f"{health.foreign_key_problems} rows point at records that do not exist"
        )
    health.journal_mode = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar())


def _check_row_security(database: Database, connection: Connection, health: Health) -> None:
    identity = database.identity()
    if identity is not None:
        health.role, health.reftrack_admin = identity.role, identity.admin
        health.bypasses_row_security = identity.bypasses
    status = db_security.row_security(connection)
    health.row_security, health.policies = status["tables"], status["policies"]
    if health.schema_version == SCHEMA_HEAD:
        health.problems.extend(db_security.problems(status))
