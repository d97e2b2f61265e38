"""Where the database is, how to connect to it, sessions, and schema upgrades.

Engines are made only by ``make_engine``, which sets the SQLite pragmas on every
connection: foreign keys on, WAL (readers never block the writer), a busy timeout, and
``BEGIN IMMEDIATE`` for write sessions so a cron job and a person typing queue for the
write lock instead of failing half-way with "database is locked".
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, or_, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

# the schema and where the file is: kept in db_file, which the stdlib reads import alone
from reftrack.db_file import DB_ENV, SCHEMA_HEAD, SCHEMA_REVISIONS, default_path, given
from reftrack.db_file import prepare_sqlite as _prepare_connection
from reftrack.db_locks import OnWait, begin_server_transaction, begin_sqlite_write
from reftrack.db_security import STALE, Identity, describe_refusal, guard_flush, identify
from reftrack.errors import DatabaseError, NotYoursError

__all__ = ["DB_ENV", "SCHEMA_HEAD", "SCHEMA_REVISIONS", "default_path"]
DEFAULT_BUSY_TIMEOUT_MS = 120_000  # see config.Settings.busy_timeout_ms


def resolve_url(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--db`` first, then ``REFTRACK_DB``, then the user data dir; paths become URLs."""
    raw = given(option, environ)  # ":memory:" comes back as "sqlite://", refused below
    if "://" in raw:
        from reftrack.db_errors import check_url

        return check_url(raw)
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


# The records are people's names, phones and notes: what reftrack creates to hold them is
# its owner's alone from the moment it exists (umask can only take bits away from these).
OWNER_ONLY_FOLDER = 0o700
OWNER_ONLY_FILE = 0o600


def location(url: str) -> str:
    """Where the database is, fit to show: a SQLite file's path, or the server URL with
    its password masked (``postgresql://sec:***@host/db``)."""
    return str(sqlite_path(url) or make_url(url).render_as_string(hide_password=True))


def _prepare_sqlite_file(path: Path) -> None:
    """Create a new database's folder and file, owner-only; refuse a folder as the file.

    The file is made here, empty (which SQLite takes for a new database), rather than by
    SQLite, which would make it 0644 under the usual umask; SQLite gives the -wal, -shm
    and -journal beside it the mode of the file. Existing folders and files keep theirs.
    """
    if path.is_dir():
        raise DatabaseError(
            f"--db {path} is a directory; give a file path such as {path}/reftrack.db"
        )
    if path.exists() and not path.is_file():
        raise DatabaseError(
            f"--db {path} is not a regular file (a device or a pipe); give a database file path"
        )
    try:
        path.parent.mkdir(mode=OWNER_ONLY_FOLDER, parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(
            f"cannot create the database folder {path.parent} ({error.strerror}); "
            "choose another --db path"
        ) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
    except FileExistsError:
        pass  # the user's file (or one made a moment ago): left as it is
    except OSError as error:
        raise DatabaseError(
            f"cannot create the database {path} ({error.strerror}); "
            "make its folder writable or choose another --db path"
        ) from None


# Any constant shared by every reftrack: the key of the advisory lock that serialises
# writers on a server database, as BEGIN IMMEDIATE does on SQLite.
WRITE_LOCK_KEY = 0x5EF7_2AC7


def _server_engine(url: str, busy_timeout_ms: int, on_wait: OnWait | None) -> Engine:
    """PostgreSQL (or another server): one writer at a time, waiting up to the timeout.

    Two people logging at once must not both see "no pending contact" and both add one;
    an advisory transaction lock taken at the start of every write makes writes queue up
    exactly as they do on SQLite, while reads never wait (MVCC).
    """
    try:
        engine = create_engine(url, pool_pre_ping=False)
    except ModuleNotFoundError as error:
        raise DatabaseError(
            f"the driver for {make_url(url).drivername} is not installed ({error.name}); "
            "install it with: pip install 'reftrack[postgres]'"
        ) from None
    if engine.dialect.name != "postgresql":
        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("reftrack_write", False)
        begin_server_transaction(
            connection,
            write=write,
            key=WRITE_LOCK_KEY,
            busy_timeout_ms=busy_timeout_ms,
            on_wait=on_wait,
        )

    return engine


def make_engine(
    url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, on_wait: OnWait | None = None
) -> Engine:
    """The one engine factory: pragmas on every connection, lock-up-front writes
    (``on_wait``: called once when a write has waited a second for another's lock)."""
    path = sqlite_path(url)
    if path is None:
        return _server_engine(url, busy_timeout_ms, on_wait)
    _prepare_sqlite_file(path)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # functions and pragmas; BEGIN is left to the "begin" event below (IMMEDIATE)
        _prepare_connection(dbapi_connection, busy_timeout_ms)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("reftrack_write", False):
            begin_sqlite_write(connection, busy_timeout_ms, on_wait)
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def describe_failure(error: Exception, url: str) -> str:
    """Turn a driver error into one line that names the problem and the fix."""
    from reftrack.db_errors import explain

    detail = " ".join(str(getattr(error, "orig", error)).split())  # always one line
    if (refused := describe_refusal(detail)) is not None:
        return refused
    return explain(detail, location(url), sqlite_path(url))


def _stamp_owner(session: Session, _context: Any, _instances: Any) -> None:
    """New records carry the owner the session was opened for (one place, every service)."""
    owner = session.info.get("owner")
    if owner is None:
        return
    for record in session.new:
        if hasattr(record, "owner") and record.owner is None:
            record.owner = owner


def _scope_to_owner(state: ORMExecuteState) -> None:
    """Reads of a scoped session see one owner's records (and the unowned, older ones).

    Only the query's subject is filtered (the follow-ups of `due`, the asks of `ask list`):
    the names joined in beside it (a colleague's advocate) still show.
    """
    owner = state.session.info.get("scope_owner")
    if owner is None or not state.is_select:
        return
    from reftrack.models import Logged

    subject = next(
        (
            entity
            for entity in (
                d.get("entity") for d in getattr(state.statement, "column_descriptions", [])
            )
            if isinstance(entity, type) and issubclass(entity, Logged)
        ),
        None,
    )
    if subject is not None:
        state.statement = state.statement.options(
            with_loader_criteria(subject, lambda cls: or_(cls.owner == owner, cls.owner.is_(None)))
        )


event.listen(Session, "before_flush", _stamp_owner)
event.listen(Session, "before_flush", guard_flush)  # after the stamp: new rows are yours
event.listen(Session, "do_orm_execute", _scope_to_owner)


@dataclass
class Database:
    url: str
    engine: Engine
    _identity: Identity | None = field(default=None, init=False, repr=False)

    @property
    def shared(self) -> bool:
        """A server database is a team's; a SQLite file is one person's."""
        return sqlite_path(self.url) is None

    def identity(self) -> Identity | None:
        """On PostgreSQL, the role you are connected as: the owner of what you log (RLS)."""
        if self.engine.dialect.name != "postgresql":
            return None
        if self._identity is None:
            try:
                with self.engine.connect() as connection:
                    self._identity = identify(connection)
            except sa_exc.DatabaseError as error:
                raise DatabaseError(describe_failure(error, self.url)) from None
        return self._identity

    @contextmanager
    def session(
        self, *, write: bool = False, owner: str | None = None, scope_owner: str | None = None
    ) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        ``owner`` stamps new records; ``scope_owner`` limits what reads see to that owner.
        On PostgreSQL a write session knows your role, to refuse another's record in one line.
        """
        bind = self.engine.execution_options(reftrack_write=write)
        identity = self.identity() if write else None
        try:
            with Session(bind, expire_on_commit=False) as session:
                session.info.update(owner=owner, scope_owner=scope_owner, identity=identity)
                try:
                    yield session
                    if write:
                        session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except StaleDataError:  # RLS hid the row from an UPDATE or DELETE: 0 rows matched
            raise NotYoursError(STALE) from None
        except sa_exc.OperationalError as error:
            raise DatabaseError(describe_failure(error, self.url)) from None
        except sa_exc.DatabaseError as error:
            raise DatabaseError(describe_failure(error, self.url)) from None

    def schema_version(self) -> str | None:
        with self.engine.connect() as connection:
            return _stored_version(connection)[0]


def open_database(
    url: str,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    wal: bool = True,
    on_wait: OnWait | None = None,
) -> Database:
    """Connect, create the schema on first use, upgrade an older one.

    ``wal=False`` leaves a SQLite file in the journal mode it has (a new one: rollback) for
    now: the first import into a new file writes each page once instead of twice (WAL,
    then the checkpoint) and calls ``use_wal`` after. Any later open switches to WAL too.
    """
    engine = make_engine(url, busy_timeout_ms=busy_timeout_ms, on_wait=on_wait)
    database = Database(url=url, engine=engine)
    try:
        ensure_schema(database)
        if wal and sqlite_path(url) is not None:
            _use_wal(database.engine)
    except (sa_exc.OperationalError, sa_exc.DatabaseError) as error:
        database.engine.dispose()
        raise DatabaseError(describe_failure(error, url)) from None
    except DatabaseError:
        database.engine.dispose()
        raise
    return database


def use_wal(database: Database) -> None:
    """WAL for a SQLite file opened with ``wal=False``, once its first writes are in."""
    if sqlite_path(database.url) is not None:
        _use_wal(database.engine)


def _use_wal(engine: Engine) -> None:
    """Readers never block the writer. Persistent in the file, so usually a no-op read."""
    connection = engine.raw_connection()  # outside any transaction, as SQLite requires
    try:
        cursor = connection.cursor()
        (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    finally:
        connection.close()


def _stored_version(connection: Connection) -> tuple[str | None, bool]:
    """(schema version, whether other tables exist); one cheap query on the usual path."""
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar(), False
    except (sa_exc.OperationalError, sa_exc.ProgrammingError):  # no such table
        connection.rollback()
        return None, bool(inspect(connection).get_table_names())


def ensure_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        version, foreign = _stored_version(connection)
    if version == SCHEMA_HEAD:
        return
    where = sqlite_path(database.url) or "the database"
    if foreign:
        raise DatabaseError(
            f"{where} is a database of another program (it has tables but no reftrack schema); "
            "point --db at a new file"
        )
    if version is not None and version not in SCHEMA_REVISIONS:
        raise DatabaseError(
            f"{where} has schema {version}, newer than this reftrack knows ({SCHEMA_HEAD}); "
            "upgrade reftrack (pip install -U reftrack)"
        )
    upgrade(database)


def upgrade(database: Database, revision: str = "head") -> None:
    """Run the shipped Alembic migrations (imported only when there is work to do)."""
    from reftrack.migrations.runner import run_upgrade

    run_upgrade(database.engine, revision)
