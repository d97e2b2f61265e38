"""What every command shares: the global state, the ``--format`` option, date parsing,
sessions. No SQLAlchemy at import time (see cli/__init__.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from reftrack import dates
from reftrack.enums import OutputFormat

if TYPE_CHECKING:
    from sqlmodel import Session

    from reftrack.config import Settings
    from reftrack.db import Database
    from reftrack.db_file import FileReader, Reader
    from reftrack.db_server import ServerReader

T = TypeVar("T")


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table (for people), csv or json (for scripts)."),
]


@dataclass
class State:
    db_option: str | None = None
    settings: Settings | None = None
    database: Database | None = None
    created: str | None = None  # a SQLite file this invocation's --db made (said at the end)
    announce: bool = False  # say so: the path came from --db, where a typo makes a new file
    argv: list[str] = field(default_factory=list)  # as typed after `reftrack`
    server: ServerReader | None = None  # a team database read through psycopg (see read)
    server_failed: bool = False  # psycopg could not read it: the database layer will


state = State()


def reset(db_option: str | None) -> None:
    """Called by the root callback at the start of every invocation."""
    from reftrack import render

    if state.database is not None:
        state.database.engine.dispose()
    _close_server()
    state.server_failed = False
    state.db_option = db_option
    state.settings = None
    state.database = None
    state.created = None
    state.announce = db_option is not None
    render.reset_consoles()


def use_database(db_option: str) -> None:
    """Switch this invocation to another database (``demo`` shows the one it made)."""
    if state.database is not None:
        state.database.engine.dispose()
    _close_server()
    state.db_option = db_option
    state.database = None
    state.announce = False


def close_database() -> None:
    """Dispose of the invocation's engine (its files are about to be removed)."""
    if state.database is not None:
        state.database.engine.dispose()
        state.database = None


# Start-up without the cyclic garbage collector. Importing the database layer makes some
# 80,000 objects that live as long as the process; collecting among them frees nothing and
# cost a write ~100 ms. The first database open, before any of the command's own work,
# freezes them (no collection looks at them again) and turns the collector back on.
_starting = False


def start_up() -> None:
    """Called first by the console script (cli/main.run), never by an embedding program."""
    global _starting
    _starting = True
    gc.disable()


def started() -> None:
    """The imports are done: collect the command's work as usual (once; a no-op unless
    ``start_up`` ran)."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
        gc.enable()


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
        from reftrack.db import open_database, sqlite_path

        started()
        url = database_url()
        path = sqlite_path(url)
        new = state.announce and path is not None and not path.exists()
        if new and path is not None and not path.parent.is_dir():
            from reftrack.errors import DatabaseError

            raise DatabaseError(
                f"--db {path}: the folder {path.parent} does not exist; "
                "check the path, or create the folder first"
            )
        timeout = settings().busy_timeout_ms
        state.database = open_database(url, busy_timeout_ms=timeout, wal=wal, on_wait=_say_waiting)
        if new and path is not None:
            state.created = str(path)
    return state.database


def say_created() -> None:
    """After a command that succeeded: the note that its --db made a new, empty file
    (a typo such as --db typo.bd must not pass for "all my data is gone")."""
    if state.created is not None:
        from reftrack import render

        render.message(f"note: created a new database at {state.created}")
        state.created = None


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
    if not _shared():
        return None
    # your role, asked in the connection the read will use; else the database layer's
    reader = _server_reader()
    return reader.role if reader is not None else user()


def _shared() -> bool:
    """Whether the database is a team's (a server), said without opening it."""
    if state.database is not None:
        return state.database.shared
    from reftrack.db_file import given, is_server

    return is_server(given(state.db_option))


def read(work: Callable[[Reader], T], *, scope_owner: str | None = None) -> T:
    """Run a read: straight from the SQLite file through sqlite3 when it is an ordinary
    one, or from a team's PostgreSQL database through psycopg (db_server) when it is at
    the head schema (no SQLAlchemy to import either way); else, and again after any
    driver error there, in a read session of the database layer, which makes, upgrades
    or refuses the database and says what is wrong in its own words. ``work`` only
    reads: running it twice is safe."""
    started()
    import sqlite3

    reader = _file_reader(scope_owner)
    if reader is not None:
        try:
            return work(reader)
        except sqlite3.Error:
            pass  # locked, damaged, changed under us: the database layer says which
        finally:
            reader.close()
    server = _server_reader()
    if server is not None:
        server.scope_owner = scope_owner
        try:
            return work(server)
        except server.errors:
            state.server_failed = True  # gone, cancelled, refused: said by the layer
        finally:
            _close_server()
    from reftrack.db_file import SessionReader

    with read_session(scope_owner) as session:
        return work(SessionReader(session))


def _file_reader(scope_owner: str | None) -> FileReader | None:
    from reftrack import db_file

    if state.database is not None or not db_file.ENABLED:
        return None  # already open through the database layer (`demo`, tests)
    path = db_file.local_file(db_file.given(state.db_option))
    if path is None:
        return None
    timeout = settings().busy_timeout_ms
    return db_file.open_file(path, busy_timeout_ms=timeout, scope_owner=scope_owner)


def _server_reader() -> ServerReader | None:
    """The invocation's psycopg reader of a team database (``scope`` may have opened it
    to ask your role); None when the database layer is to read it."""
    from reftrack import db_file

    if state.server is not None:
        return state.server
    if state.server_failed or state.database is not None:
        return None  # tried, or already open through the database layer (`demo`, tests)
    raw = db_file.given(state.db_option)
    if not db_file.ENABLED or not db_file.is_server(raw):
        return None
    from reftrack.db_server import open_server

    state.server = open_server(raw, busy_timeout_ms=settings().busy_timeout_ms)
    state.server_failed = state.server is None
    return state.server


def _close_server() -> None:
    if state.server is not None:
        state.server.close()
        state.server = None


@contextmanager
def read_session(scope_owner: str | None = None) -> Iterator[Session]:
    _close_server()  # `scope` asked your role through it; this read is the layer's
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


def given(**options: Any) -> dict[str, Any]:
    """The options a command was given (an edit changes only those): the ones not None."""
    return {name: value for name, value in options.items() if value is not None}


def today() -> date:
    return dates.today()


def when(text: str | None, *, what: str = "--on") -> date:
    """A date option that defaults to today. ``--on`` says when something happened: a
    future date is refused (scheduling options, ``--due`` or ``snooze``, take any date)."""
    base = today()
    if text is None:
        return base
    value = dates.parse_date(text, base=base, what=what)
    if what == "--on" and value > base:
        from reftrack.errors import InvalidInputError

        raise InvalidInputError(
            f"{value} is in the future; things that happened take a past date (--on {text})"
        )
    return value


def plan(session: Session, *, backfill: bool = False) -> None:
    """Tell the rules what today is and whether this event is backfilled (--backfill)."""
    from reftrack.services import rules

    rules.schedule_as_of(session, today=today(), backfill=backfill, settings=settings())


def warn_late(session: Session, *, backfill: bool) -> None:
    """Without --backfill, say when a past event scheduled follow-ups already far overdue."""
    from reftrack import render
    from reftrack.services import rules

    late = rules.late_follow_ups(session)
    if late and not backfill:
        kinds = ", ".join(f"{render.label(kind.value)} due {due_on}" for kind, due_on in late)
        render.message(
            f"warning: {kinds} already more than {settings().backfill_days} days overdue; "
            "entering history? --backfill records past events without them"
        )


BackfillOption = Annotated[
    bool,
    typer.Option(
        "--backfill",
        help="Entering history: schedule no follow-up that would already be a week overdue.",
    ),
]


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


def emit_advocate_rows(
    rows_of: Callable[..., list[dict[str, Any]]],
    advocate: str | None,
    fmt: OutputFormat,
    *,
    columns: list[str],
    table_columns: list[tuple[str, str]],
    empty: str,
) -> None:
    """A list of one kind of an advocate's records (`intro list`, `gift list`): all of
    them, or with ``advocate`` only theirs; ``rows_of(session, advocate_id=…)`` reads them."""
    from reftrack import render
    from reftrack.services import lookup

    with read_session() as session:
        advocate_id = lookup.advocate(session, advocate).id if advocate else None
        rows = rows_of(session, advocate_id=advocate_id)
    render.emit(rows, columns, fmt.value, table_columns=table_columns, empty=empty)
