"""What every command shares: the global state, the ``--format`` option, date parsing,
sessions. No SQLAlchemy at import time (see cli/__init__.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from reftrack import dates
from reftrack.enums import OutputFormat

if TYPE_CHECKING:
    from sqlmodel import Session

    from reftrack.config import Settings
    from reftrack.db import Database


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table (for people), csv or json (for scripts)."),
]


@dataclass
class State:
    db_option: str | None = None
    settings: Settings | None = None
    database: Database | None = None
    argv: list[str] = field(default_factory=list)  # as typed after `reftrack`


state = State()


def reset(db_option: str | None) -> None:
    """Called by the root callback at the start of every invocation."""
    from reftrack import render

    if state.database is not None:
        state.database.engine.dispose()
    state.db_option = db_option
    state.settings = None
    state.database = None
    render.reset_consoles()


def use_database(db_option: str) -> None:
    """Switch this invocation to another database (``demo`` shows the one it made)."""
    if state.database is not None:
        state.database.engine.dispose()
    state.db_option = db_option
    state.database = None


def settings() -> Settings:
    if state.settings is None:
        from reftrack.config import load_settings

        state.settings = load_settings()
    return state.settings


def database_url() -> str:
    from reftrack.db import resolve_url

    return resolve_url(state.db_option)


def database(*, wal: bool = True) -> Database:
    """The invocation's database, opened on first use (``wal``: see ``db.open_database``)."""
    if state.database is None:
        from reftrack.db import open_database

        timeout = settings().busy_timeout_ms
        state.database = open_database(
            database_url(), busy_timeout_ms=timeout, wal=wal, on_wait=_say_waiting
        )
    return state.database


def _say_waiting() -> None:
    from reftrack import render

    render.message("waiting for another reftrack to finish writing…")


def user() -> str:
    """Who is logging. On PostgreSQL the server says (your database role), whatever
    REFTRACK_USER says: the row-level security policies judge by that role."""
    identity = database().identity()
    if identity is not None:
        return identity.role
    from reftrack.config import current_user

    return current_user(settings())


OwnerOption = Annotated[
    str | None,
    typer.Option("--owner", help="Only this salesperson's records (a team database)."),
]
EveryoneOption = Annotated[
    bool,
    typer.Option("--everyone", help="Everyone's records (a team database shows yours by default)."),
]


def scope(owner: str | None = None, everyone: bool = False) -> str | None:
    """Whose records a read shows: yours on a shared database, all on your own file."""
    if everyone:
        return None
    if owner:
        return owner
    return user() if database().shared else None


@contextmanager
def read_session(scope_owner: str | None = None) -> Iterator[Session]:
    with database().session(scope_owner=scope_owner) as session:
        yield session


@contextmanager
def write_session(*, journal: bool = True) -> Iterator[Session]:
    """One transaction holding the write lock from its first statement (BEGIN IMMEDIATE);
    new records are stamped with who logged them, and what changed goes to the change
    journal in the same transaction (``journal=False``: `undo`, which marks entries instead)."""
    from reftrack.journal import record

    owner = user()
    with database().session(write=True, owner=owner) as session:
        if journal:
            record.start(session, command=record.command_line(state.argv), owner=owner)
        yield session
        if journal:
            record.finish(session)


@contextmanager
def bulk_write_session() -> Iterator[Session]:
    """``write_session`` for an import. A new SQLite file is written in rollback-journal
    mode and turned to WAL after the commit: each page is written once, not to the WAL and
    again at the checkpoint (~1.5 s at 1M rows). Anyone opening the file meanwhile waits
    for the import, as for any writer."""
    from reftrack.db import sqlite_path, use_wal

    path = sqlite_path(database_url())
    new_file = path is not None and not path.exists() and state.database is None
    if new_file:
        database(wal=False)
    with write_session() as session:
        yield session
    if new_file:
        use_wal(database())


def today() -> date:
    return dates.today()


def when(text: str | None, *, what: str = "--on") -> date:
    """A date option that defaults to today."""
    base = today()
    return base if text is None else dates.parse_date(text, base=base, what=what)


def maybe_date(text: str | None, *, what: str) -> date | None:
    return None if text is None else dates.parse_date(text, base=today(), what=what)


OnOption = Annotated[
    str | None,
    typer.Option("--on", help=f"When it happened (default today): {dates.DATE_HELP}."),
]


YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Do it without asking (needed off a terminal).")
]


def confirm(what: str, *, yes: bool, option: str = "--yes") -> None:
    """A destructive command: on a terminal, say what goes and ask; off one, ``--yes`` is
    the only way through (a script must not hang on a question, nor destroy by default)."""
    import sys

    from reftrack.errors import InvalidInputError

    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise InvalidInputError(f"{what}; not a terminal, so nothing was done: add {option}")
    from reftrack import render

    render.message(what)
    if not typer.confirm("Go ahead?", default=False, err=True):
        raise typer.Exit(1)
