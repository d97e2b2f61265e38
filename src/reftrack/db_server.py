"""The daily reads on a team's PostgreSQL server through psycopg2 alone (``ServerReader``).

The third executor of db_file's SQL text: one DB-API connection made from the URL as
SQLAlchemy's psycopg dialect makes it, so the server sees the same role (its row-level
security, and ``current_user`` as the owner a read is scoped to), and one read-only
transaction that also asks who you are and which schema the database has. No SQLAlchemy,
SQLModel or pydantic to import.

Why psycopg2 beside psycopg 3, the database layer's driver: for a read that lasts a few
milliseconds on the server, ``import psycopg`` (asyncio, logging, importlib.metadata,
ctypes: ≈100 ms) was most of the command; ``import psycopg2`` (its C module over the same
libpq) costs a fifth of that (docs/performance.md). Both take the same connection
keywords and the same ``%(name)s`` parameters and hand back the same Python types; the
differential tests pin every read's output to the database layer's.

Anything unusual (another driver, several hosts, the server refusing, an old, new or
missing schema, psycopg 3 or psycopg2 not installed) gives None: the database layer then
opens, upgrades or refuses the database in its own words.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from importlib.util import find_spec
from typing import Any
from urllib.parse import parse_qsl, unquote

from reftrack.db_file import SCHEMA_HEAD, bind

# the spellings db_errors.check_url reads as PostgreSQL through psycopg 3
DRIVERS = ("postgres", "postgresql", "postgres+psycopg", "postgresql+psycopg")

# SQLAlchemy's own URL pattern (sqlalchemy/engine/url.py, _parse_url): a URL must mean to
# this reader exactly what it means to the database layer
_URL = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)
# a ``:name`` parameter of text(), not a ``::`` cast nor an escaped ``\:`` (SQLAlchemy's
# TextClause pattern), and the escape itself
_BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)
_ESCAPED_COLON = re.compile(r"\x5c(:[\w\x5c])", re.UNICODE)


def connect_args(url: str) -> dict[str, Any] | None:
    """What SQLAlchemy's psycopg dialect hands ``psycopg.connect`` for ``url``: user,
    password, host, port, dbname (each only when given) and the query's options (sslmode,
    options, …) as they are. None for a URL it would read another way (another driver,
    several hosts) or refuse (a port that is not a number)."""
    match = _URL.match(url)
    if match is None or match["name"] not in DRIVERS:
        return None
    args: dict[str, Any] = {}
    for key, part in (("user", "username"), ("password", "password"), ("dbname", "database")):
        if match[part]:
            args[key] = unquote(match[part])
    host = match["ipv4host"] or match["ipv6host"]
    if host:
        args["host"] = host
    if match["port"]:
        if not match["port"].isdigit():
            return None
        args["port"] = int(match["port"])
    query: dict[str, str] = {}
    for key, value in parse_qsl(match["query"] or ""):
        if key in query:
            return None  # several hosts or ports: the database layer's business
        query[key] = value
    return {**args, **query}


def placeholders(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s``, as SQLAlchemy compiles text() for
    psycopg: every ``%`` doubled first (LIKE patterns), ``::`` casts and ``\\:`` kept."""
    doubled = sql.replace("%", "%%")
    return _ESCAPED_COLON.sub(r"\1", _BIND.sub(r"%(\1)s", doubled))


# One round trip after the connection: the snapshot every statement reads, the lock wait
# the database layer sets for reads (db_locks.begin_server_transaction), who you are, and
# the schema (an error here, e.g. no alembic_version table, is the full open's to explain).
_START = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
    "SET LOCAL lock_timeout = {timeout}; "
    "SELECT current_user, (SELECT version_num FROM alembic_version)"
)


class ServerReader:
    """A team's PostgreSQL database read through psycopg2, in one read-only transaction."""

    dialect = "postgresql"

    def __init__(self, connection: Any, role: str, errors: tuple[type[Exception], ...]) -> None:
        self.connection = connection
        self.role = role  # the database role: whose records are yours (db_security.identify)
        self.errors = errors  # what a read may raise that the database layer should explain
        self.scope_owner: str | None = None

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.connection.cursor() as cursor:
            # psycopg2 quotes the values into the text itself (libpq's escaping); always
            # a mapping, so that a doubled ``%`` is read as one even with no parameters
            cursor.execute(placeholders(sql), bind(params, self.dialect))
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


def import_psycopg2() -> Any:
    """psycopg2, or None when it is not installed; imported without the standard library's
    ``ssl`` when nothing has imported that yet.

    psycopg2 imports ``ssl`` as it loads (half its import time) for one purpose: when it
    can, Python has set OpenSSL's thread-locking callbacks, and libpq is told not to set its
    own. OpenSSL 1.1 and later lock for themselves and ignore both, and where ``ssl`` cannot
    be imported psycopg2 leaves the set-up to libpq, which is what this asks for: an
    encrypted connection (``sslmode=require``) is still libpq's own TLS (tested against a
    server with ``ssl = on``). Afterwards ``import ssl`` works as ever."""
    blocked = "ssl" not in sys.modules
    if blocked:
        sys.modules["ssl"] = None  # type: ignore[assignment]  # an ImportError, on purpose
    try:
        import psycopg2
    except ImportError:
        return None
    finally:
        if blocked:
            del sys.modules["ssl"]
    return psycopg2


def open_server(url: str, *, busy_timeout_ms: int) -> ServerReader | None:
    """The database at ``url`` as ``db.open_database`` would find it, without SQLAlchemy;
    None when it is anything but a reachable reftrack database at the head schema."""
    args = connect_args(url)
    if args is None or find_spec("psycopg") is None:
        return None  # without the layer's own driver, the layer says what to install
    psycopg2 = import_psycopg2()
    if psycopg2 is None:
        return None
    connection = None
    try:
        connection = psycopg2.connect(**args)
        connection.autocommit = True  # BEGIN is sent with the rest, in one round trip
        with connection.cursor() as cursor:
            # several statements in one: the result is the last one's
            cursor.execute(_START.format(timeout=int(busy_timeout_ms)))
            role, version = cursor.fetchone() or (None, None)
    except psycopg2.Error:
        if connection is not None:
            connection.close()
        return None
    if version != SCHEMA_HEAD or role is None:
        connection.close()
        return None
    return ServerReader(connection, str(role), (psycopg2.Error,))
