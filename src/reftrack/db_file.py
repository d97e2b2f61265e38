"""Where the database is, and reads that run one SQL text through either of two executors.

The daily reads (`due`, `advocate list`, `referral list`, …) are SQL text with ``:name``
parameters. On an ordinary SQLite file they run through the standard library's sqlite3
(``FileReader``): no SQLAlchemy to import, which is most of a command's start-up. On
PostgreSQL, and whenever the file is anything but ordinary, the same text runs through
SQLAlchemy in a session of ``db.Database`` (``SessionReader``). Both hand back rows as
dicts of what the driver gives (dates as ISO text on SQLite); the services make them alike.

Standard library only at import: ``db`` (the engines) imports this, not the other way.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

from reftrack.errors import DatabaseError
from reftrack.names import ACCENTED, PLAIN, digits, fold

# The one switch: False sends every read through the database layer (SessionReader), as on
# PostgreSQL. The tests use it to run both executors on one file; nothing else should.
ENABLED = True
DB_ENV = "REFTRACK_DB"
# Every schema revision this version knows, oldest first; the last is the head. A test
# checks this against the Alembic scripts shipped in reftrack/migrations.
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("reftrack", appauthor=False)) / "reftrack.db"


def given(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--db`` first, then ``REFTRACK_DB``, then the user data dir: as given (a path or
    a URL; ``db.resolve_url`` makes it a URL)."""
    env = os.environ if environ is None else environ
    if option is not None and not option.strip():
        raise DatabaseError("--db is empty; give a file path or a URL, or leave --db out")
    raw = option or env.get(DB_ENV) or str(default_path())
    return "sqlite://" if raw.strip() == ":memory:" else raw  # SQLite's name for it


def is_server(raw: str) -> bool:
    """Whether ``raw`` (from ``given``) names a server database (a team's), not a file."""
    return "://" in raw and raw.split("://", 1)[0].split("+", 1)[0] != "sqlite"


def local_file(raw: str) -> Path | None:
    """The SQLite file a plain path names; None for any URL (the full open decides)."""
    return None if "://" in raw else Path(raw).expanduser().resolve()


# --- what every SQLite connection gets, from either executor ----------------------------


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def prepare_sqlite(connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Functions and pragmas for a new sqlite3 connection (``db.make_engine`` calls this
    for every connection of its engines; ``open_file`` for its own)."""
    # Let the caller issue BEGIN itself (pysqlite would otherwise defer it and we could
    # not ask for IMMEDIATE).
    connection.isolation_level = None
    # SQLite's own lower() folds ASCII only; names like "Jan Straße" or "Éva" must
    # match case-insensitively too (PostgreSQL's lower() already does this).
    connection.create_function("lower", 1, _lower, deterministic=True)
    # names compared without accents (`Zoe` finds Zoë): see reftrack.names
    connection.create_function("reftrack_fold", 1, fold, deterministic=True)
    connection.create_function("reftrack_digits", 1, digits, deterministic=True)
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    # WAL is set by open_database once the file is known to be ours: it is written
    # into the file's header, and another program's database must stay untouched.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


# --- the two executors -------------------------------------------------------------------


class Reader(Protocol):
    """Runs SQL text with ``:name`` parameters; rows as dicts keyed by column label."""

    dialect: str  # "sqlite" or "postgresql"
    scope_owner: str | None  # a team database: whose records the read shows (None: all)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every row of the statement."""
        ...


def folded(reader: Reader, column: str) -> str:
    """The column in lower case without accents, in SQL (see reftrack.names): SQLite calls
    names.fold (``prepare_sqlite`` registers it); PostgreSQL has no unaccent by default,
    so translate() folds the letters names.ACCENTED lists."""
    if reader.dialect == "sqlite":
        return f"reftrack_fold({column})"
    # translate() costs PostgreSQL ~10 µs a value (it scans ACCENTED for each character):
    # 150 ms of a search over 3,000 advocates and 3,000 prospects. ASCII text, which it
    # would leave as it is, skips it. In a UTF-8 database text is ASCII when it has as many
    # bytes as characters, a third cheaper to ask than a regular expression (in a one-byte
    # encoding every text has, so there the test is never true: the subquery runs once).
    return (
        f"CASE WHEN octet_length({column}) = char_length({column}) "
        f"AND (SELECT current_setting('server_encoding') = 'UTF8') THEN lower({column}) "
        f"ELSE translate(lower({column}), '{ACCENTED}', '{PLAIN}') END"
    )


# a LIKE whose pattern (:pattern, from names.escape_like) is taken literally
LIKE = " LIKE :pattern ESCAPE '\\'"
# the largest integer either engine stores (signed 64 bits): a larger id names nothing, a
# larger LIMIT means all
MAX_INTEGER = 2**63 - 1


def digits_of(reader: Reader, column: str) -> str:
    """Only the digits of the column, in SQL (names.digits on SQLite)."""
    if reader.dialect == "sqlite":
        return f"reftrack_digits({column})"
    return f"regexp_replace({column}, '\\D', '', 'g')"


def as_date(value: Any) -> Any:
    """A date column's value as a date: SQLite hands dates back as ISO text."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def is_date(column: str) -> bool:
    """The schema's rule: a calendar date's column is named ``…_on``, or customer_since
    (tests/test_show_reads.py checks it against every table of the models)."""
    return column.endswith("_on") or column == "customer_since"


@cache
def _date_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(column for column in columns if is_date(column))


def record(row: Mapping[str, Any]) -> SimpleNamespace:
    """A row as an object with the model's attributes, its dates as dates. The date columns
    of a statement's rows are found once (a list of 3,000 advocates was 20 ms of testing
    every column name of every row)."""
    found = SimpleNamespace(**row)
    for column in _date_columns(tuple(row)):
        value = row[column]
        if isinstance(value, str):
            setattr(found, column, as_date(value))
    return found


def bind(params: Mapping[str, Any] | None, dialect: str) -> dict[str, Any]:
    """Parameters as the driver takes them: SQLite keeps dates as ISO text."""
    values = dict(params or {})
    if dialect == "sqlite":
        for name, value in values.items():
            if isinstance(value, date):
                values[name] = value.isoformat()
    return values


def owner_scope(reader: Reader, params: dict[str, Any], owner_column: str) -> str:
    """A team database's owner scope, as db.py gives ORM reads: theirs and the unowned
    (an SQL condition to append after a WHERE, and its parameter put in ``params``)."""
    if reader.scope_owner is None:
        return ""
    params["owner"] = reader.scope_owner
    return f" AND ({owner_column} = :owner OR {owner_column} IS NULL)"


def chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """Ids in runs small enough for one statement's parameters (SQLite allows 32,766)."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def id_marks(ids: list[int], params: dict[str, Any]) -> str:
    """``:id0, :id1, …`` for an ``IN (…)``, the ids put in ``params``."""
    params.update({f"id{n}": value for n, value in enumerate(ids)})
    return ", ".join(f":id{n}" for n in range(len(ids)))


class FileReader:
    """A SQLite file read through the standard library, in one read transaction."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, scope_owner: str | None) -> None:
        self.connection = connection
        self.scope_owner = scope_owner

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, bind(params, self.dialect))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def close(self) -> None:
        self.connection.close()


class SessionReader:
    """The same statements through SQLAlchemy, in a session of ``db.Database``."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.scope_owner = session.info.get("scope_owner")

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import text

        statement = text(sql)
        result = self.session.connection().execute(statement, bind(params, self.dialect))
        return [dict(row) for row in result.mappings()]


def open_file(path: Path, *, busy_timeout_ms: int, scope_owner: str | None) -> FileReader | None:
    """The file as ``db.open_database`` would leave it, opened without SQLAlchemy; None
    when it is anything but an ordinary reftrack file at the head schema in WAL mode
    (missing, foreign, older or newer, unreadable, …): the full open then makes, upgrades
    or refuses it with the words it always has."""
    if not path.is_file():
        return None
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(path, timeout=busy_timeout_ms / 1000)
        prepare_sqlite(connection, busy_timeout_ms)
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        connection.execute("BEGIN")  # one snapshot for every statement of the command
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        if connection is not None:
            connection.close()
        return None
    if str(mode).lower() != "wal" or version != [(SCHEMA_HEAD,)]:
        connection.close()
        return None
    return FileReader(connection, scope_owner)
