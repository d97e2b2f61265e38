"""What a database URL may be, and driver errors as one line that names the problem and the fix.

Kept apart from ``db`` (the engines and sessions): this is only text, and it grows with each
new message a driver can give.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from reftrack.errors import DatabaseError

EXAMPLE_URL = "postgresql+psycopg://user@host/db"
# The usual short spellings of PostgreSQL (Heroku, libpq, Django): reftrack's driver is psycopg 3
_POSTGRES_ALIASES = {"postgres", "postgresql", "postgres+psycopg"}


def check_url(raw: str) -> str:
    """A URL reftrack can use (``postgres://`` becomes ``postgresql+psycopg://``), or an error."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseError(
            f"--db is not a database URL; give a file path or a URL such as {EXAMPLE_URL}"
        ) from None
    except ValueError:  # SQLAlchemy reads the port as a number
        raise DatabaseError(
            "the port in the --db URL is not a number; write it as host:5432 or leave it out"
        ) from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername in _POSTGRES_ALIASES:
        url = url.set(drivername="postgresql+psycopg")
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"--db {shown}: reftrack works with a SQLite file or a PostgreSQL server, not "
            f"{backend!r}; give a file path or a URL such as {EXAMPLE_URL}"
        )
    if backend == "sqlite" and _in_memory(url):
        raise DatabaseError(
            f"--db {shown} is an in-memory database: everything written would vanish when "
            "the command ends; give a file path"
        )
    return url.render_as_string(hide_password=False)


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def explain(detail: str, where: str, path: Path | None) -> str:
    """One line for a driver's ``detail`` about the database at ``where`` (``path``: SQLite)."""
    lowered = detail.lower()
    if path is not None:
        return _explain_sqlite(detail, lowered, where, path)
    return _explain_server(detail, lowered, where)


DAMAGED = "(restore a backup; reftrack doctor shows what is wrong)"


def _explain_sqlite(detail: str, lowered: str, where: str, path: Path) -> str:
    if "file is not a database" in lowered:
        return f"{where} is not a SQLite database; point --db at a reftrack database or a new file"
    if "malformed" in lowered or "corrupt" in lowered:
        return f"the database file is damaged: {where}: {detail} {DAMAGED}"
    if "database is locked" in lowered:
        return f"{where} stayed locked by another reftrack or program; try again when it finishes"
    if "readonly" in lowered or "read-only" in lowered:
        if path.exists() and os.access(path, os.W_OK):
            return (
                f"the folder {path.parent} is read-only and SQLite writes its journal "
                f"({path.name}-wal, -shm) beside the file; make the folder writable or move "
                "the database"
            )
        return f"{where} is read-only; make it writable (chmod u+w) or use a copy"
    if "unable to open database file" in lowered:
        return f"cannot open {where}; check that the folder exists and is writable"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"the disk holding {where} is full; free some space and try again"
    if "disk i/o error" in lowered:
        return (
            f"could not write {where} (disk I/O error: is the disk full?); "
            "free some space, then run `reftrack doctor`"
        )
    return f"database error on {where}: {detail}"


def _explain_server(detail: str, lowered: str, where: str) -> str:
    if "lock timeout" in lowered:
        return f"{where} stayed locked by another reftrack writing; try again when it finishes"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return (
            f"the server of {where} refused the password; check the password in the URL "
            "(or ~/.pgpass / $PGPASSWORD)"
        )
    if "role" in lowered and "does not exist" in lowered:
        return (
            f"the server of {where} has no such role (user); fix the user in the URL or ask "
            "the database admin to create it (CREATE ROLE ... LOGIN)"
        )
    if "database" in lowered and "does not exist" in lowered:
        return f"{where}: the database does not exist; create it first (createdb) or fix the URL"
    if "ssl was required" in lowered or "does not support ssl" in lowered:
        return (
            f"the server of {where} does not offer TLS but the URL requires it (sslmode); "
            "use sslmode=prefer or enable TLS on the server"
        )
    if "no encryption" in lowered or ("pg_hba.conf" in lowered and "ssl off" in lowered):
        return f"the server of {where} requires TLS; add ?sslmode=require to the URL"
    if "pg_hba.conf" in lowered:
        return (
            f"the server of {where} does not let this host or user in (pg_hba.conf); "
            "ask the database admin to allow it"
        )
    if any(
        s in lowered
        for s in (
            "connection refused",
            "could not connect",
            "connection failed",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "no route to host",
        )
    ):
        return f"cannot reach the database server of {where}; check that it runs and the URL"
    return f"database error on {where}: {detail}"
