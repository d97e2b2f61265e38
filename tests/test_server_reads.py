"""The daily reads on a team's PostgreSQL database run through psycopg2 alone (db_server),
pinned to the database layer's SessionReader: every command prints byte for byte what it
prints through SQLAlchemy, for each salesperson of a database with row-level security;
every word about an unusual database (missing, old, newer, another program's, a role the
server refuses) is the database layer's. The URL is read as SQLAlchemy reads it.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from sqlalchemy.engine import make_url

from reftrack import db_file, db_server
from reftrack.cli import common
from reftrack.db_errors import check_url
from tests.helpers import Invoke, People, both, pg_admin
from tests.test_file_reads import COMMANDS, fill

ON_POSTGRES = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

URLS = [
    "postgresql+psycopg://ann@db.example.com/book",
    "postgresql+psycopg://ann:s3cret@db.example.com:6543/book",
    "postgres://ann:p%40ss%3Aw%2Fd@db.example.com/book",  # @ : / in the password
    "postgresql://ann:@localhost/book",  # an empty password: none
    "postgresql+psycopg://ann@localhost/my%20book?sslmode=require&application_name=rt",
    "postgresql+psycopg://ann@[::1]:5433/book?sslmode=verify-full&sslrootcert=/etc/ca.pem",
    "postgresql+psycopg:///book?host=/var/run/postgresql",  # a Unix socket
    "postgresql+psycopg://ann@localhost/book?options=-c%20search_path%3Dsales",
    "postgres+psycopg://%C3%A9va@h%C3%B4te/b%C3%B6ok",
    "postgresql+psycopg://localhost",
    "postgresql+psycopg://",
]


def sqlalchemy_args(url: str) -> dict[str, Any]:
    """What the database layer hands psycopg.connect for ``url`` (its adapters aside)."""
    parsed = make_url(check_url(url))
    _, args = create_engine(parsed).dialect.create_connect_args(parsed)
    args.pop("context", None)  # psycopg's adapters: the defaults, as the reader uses
    return args


@pytest.mark.parametrize("url", URLS)
def test_a_url_connects_as_the_database_layer_connects(url: str) -> None:
    assert db_server.connect_args(url) == sqlalchemy_args(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg2://ann@localhost/book",  # another driver: the layer's to refuse
        "mysql://ann@localhost/book",
        "postgresql+psycopg://ann@localhost:port/book",
        "postgresql+psycopg://ann@localhost/book?host=a&host=b",  # several hosts
        "not a url",
    ],
)
def test_a_url_read_another_way_is_left_to_the_database_layer(url: str) -> None:
    assert db_server.connect_args(url) is None


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM advocate WHERE owner = :owner AND id IN (:id0, :id1)",
        "SELECT CAST(:day AS date), '2026-01-01'::date, x::text FROM t WHERE a = :a",
        "SELECT name FROM advocate WHERE lower(name) LIKE '%' || :pattern || '%' ESCAPE '\\'",
        "SELECT 'a:b', '100%', :n::integer, \\:notabind, ':' || :s",
        "SELECT :a_1, :b2 FROM t WHERE c=:c AND d>=:d",
    ],
)
def test_parameters_are_written_as_sqlalchemy_writes_them_for_psycopg(sql: str) -> None:
    compiled = str(text(sql).compile(dialect=pg_psycopg.dialect()))
    assert db_server.placeholders(sql) == compiled


# --- on the server: the command line, through both executors -----------------------------


@ON_POSTGRES
def test_each_salesperson_sees_through_psycopg_what_the_database_layer_shows(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli, people)
    assert (
        cli("followup", "add", "--advocate", "Bram", "--due", "2026-03-01", "fair").exit_code == 0
    )
    assert (
        cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-02", "call").exit_code == 0
    )
    ann, bob = people.owner("ann"), people.owner("bob")
    own = [("advocate", "list", "--owner", ann), ("due", "--owner", bob, "--format", "json")]
    everyone = [("advocate", "list", "--everyone"), ("next", "--everyone", "--format", "json")]
    seen: dict[str, dict[tuple[str, ...], str]] = {}
    for who in ("ann", "bob", None):  # None: the test's own role, a superuser
        env = people.env(who) if who else None
        for args in [*COMMANDS, *own, *everyone]:
            fast, slow, took_psycopg = both(cli, monkeypatch, *args, env=env)
            assert fast == slow, (who, args)
            if fast[0] in (0, 3):
                assert took_psycopg, (who, args)
            seen.setdefault(str(who), {})[args] = fast[1]
    # the owner scope is each one's own: what they see differs, and --everyone does not
    assert seen["ann"][("advocate", "list")] != seen["bob"][("advocate", "list")]
    assert "Anna de Vries" in seen["ann"][("advocate", "list")]
    assert "Anna de Vries" not in seen["bob"][("advocate", "list")]
    assert seen["ann"][("due",)] != seen["bob"][("due",)]
    assert seen["ann"][everyone[0]] == seen["bob"][everyone[0]]


def _run_as_admin(url: str, *statements: str) -> None:
    engine = pg_admin(url)
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _database_of(pg_database: str, name: str) -> str:
    return make_url(pg_database).set(database=name).render_as_string(hide_password=False)


@ON_POSTGRES
@pytest.mark.parametrize("args", [("due",), ("advocate", "list"), ("referral", "list"), ("next",)])
def test_every_word_about_the_server_is_the_database_layers(
    cli: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """A missing database, a role that does not exist or may not log in, nothing
    listening, a newer schema, another program's tables: psycopg steps aside and the
    database layer says what it always said."""
    assert cli("advocate", "add", "Anna").exit_code == 0
    suffix = make_url(pg_database).database
    foreign = f"{suffix}_foreign"
    _run_as_admin(
        pg_database,
        f"CREATE ROLE nologin_{suffix} NOLOGIN",
        f"CREATE DATABASE {foreign}",
    )
    try:
        _run_as_admin(_database_of(pg_database, foreign), "CREATE TABLE notes (body text)")
        url = make_url(pg_database)
        cases = [
            (_database_of(pg_database, f"{suffix}_missing"), "does not exist"),
            (url.set(username=f"nobody_{suffix}").render_as_string(False), "nobody_"),
            (url.set(username=f"nologin_{suffix}").render_as_string(False), "nologin_"),
            (url.set(port=1).render_as_string(False), ""),
            (_database_of(pg_database, foreign), "another program"),
        ]
        for where, fragment in cases:
            fast, slow, _ = both(cli, monkeypatch, "--db", where, *args)
            assert fast == slow, where
            assert fast[0] != 0 and fragment in fast[2] and fast[2].count("\n") == 1, fast
        _run_as_admin(pg_database, "UPDATE alembic_version SET version_num = '0999'")
        fast, slow, _ = both(cli, monkeypatch, *args)
        assert fast == slow and "newer than this reftrack knows" in fast[2]
    finally:
        common.reset(None)
        _run_as_admin(
            pg_database,
            f"DROP DATABASE IF EXISTS {foreign} WITH (FORCE)",
            f"DROP ROLE IF EXISTS nologin_{suffix}",
        )


@ON_POSTGRES
def test_an_empty_or_older_database_is_made_or_upgraded_by_the_database_layer(
    cli: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reftrack.db import make_engine
    from reftrack.migrations.runner import run_upgrade

    suffix = make_url(pg_database).database
    older, empty = f"{suffix}_older", f"{suffix}_empty"
    _run_as_admin(pg_database, f"CREATE DATABASE {older}", f"CREATE DATABASE {empty}")
    try:
        engine = make_engine(_database_of(pg_database, older))
        run_upgrade(engine, db_file.SCHEMA_REVISIONS[-2])
        engine.dispose()
        for name in (older, empty):
            url = _database_of(pg_database, name)
            assert db_server.open_server(url, busy_timeout_ms=1000) is None
            result = cli("--db", url, "advocate", "list", "--format", "json")
            assert result.exit_code == 0 and common.state.database is not None  # the long way
            assert common.state.database.schema_version() == db_file.SCHEMA_HEAD
            common.reset(None)
            reader = db_server.open_server(url, busy_timeout_ms=1000)  # now ordinary
            assert reader is not None
            reader.close()
    finally:
        common.reset(None)
        _run_as_admin(
            pg_database,
            f"DROP DATABASE IF EXISTS {older} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {empty} WITH (FORCE)",
        )


@ON_POSTGRES
def test_without_psycopg_the_database_layer_says_what_to_install(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without psycopg 3, the database layer's driver, the reads do not run on psycopg2
    alone: the layer says what to install, as it does for every other command."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    fast, slow, _ = both(cli, monkeypatch, "due")
    assert fast == slow and "pip install 'reftrack[postgres]'" in fast[2]


@ON_POSTGRES
def test_without_psycopg2_the_database_layer_reads(
    cli: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    assert db_server.open_server(pg_database, busy_timeout_ms=1000) is None
    result = cli("advocate", "list", "--format", "json")
    assert result.exit_code == 0 and '"name": "Anna"' in result.stdout
    assert common.state.database is not None  # read by the layer


@ON_POSTGRES
def test_a_server_error_mid_read_is_said_by_the_database_layer(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that fails under psycopg2 (the server went away, a statement cancelled) is
    read again through the database layer, whose error or answer is the one shown."""
    import psycopg2

    assert cli("advocate", "add", "Anna").exit_code == 0

    def broken(self: Any, sql: str, params: Any = None) -> Any:
        raise psycopg2.OperationalError("the connection is lost")

    monkeypatch.setattr(db_server.ServerReader, "rows", broken)
    result = cli("advocate", "list", "--format", "json")
    assert result.exit_code == 0 and '"name": "Anna"' in result.stdout
    assert common.state.server is None  # closed, not left open


@ON_POSTGRES
def test_the_reader_reads_one_snapshot_read_only(pg_database: str) -> None:
    import psycopg2.errors

    reader = db_server.open_server(pg_database, busy_timeout_ms=1500)
    assert reader is not None
    try:
        (settings,) = reader.rows(
            "SELECT current_setting('transaction_isolation') AS isolation, "
            "current_setting('transaction_read_only') AS read_only, "
            "current_setting('lock_timeout') AS lock_timeout"
        )
        assert settings == {
            "isolation": "repeatable read",
            "read_only": "on",
            "lock_timeout": "1500ms",
        }
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            reader.rows("INSERT INTO advocate (name) VALUES (:name)", {"name": "Nobody"})
    finally:
        reader.close()


@ON_POSTGRES
def test_the_fold_skips_no_accent_in_a_one_byte_database(pg_database: str) -> None:
    """In a one-byte database (SQL_ASCII) every text has as many bytes as characters: the
    ASCII shortcut must not take "Zoë" for ASCII there, and the fold stays translate()'s."""
    from sqlalchemy.orm import Session

    from reftrack.db_file import SessionReader, folded
    from reftrack.names import ACCENTED, PLAIN

    url = make_url(pg_database)
    name = f"{url.database}_bytes"
    _run_as_admin(pg_database, f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0")
    # the text comes back as UTF-8 (SQL_ASCII passes the bytes as they are)
    engine = create_engine(url.set(database=name), connect_args={"client_encoding": "utf8"})
    try:
        with Session(engine) as session:
            reader = SessionReader(session)
            [encoding] = reader.rows("SELECT current_setting('server_encoding') AS e")
            assert encoding == {"e": "SQL_ASCII"}
            for value in ("Zoë MÜLLER", "Jan", "Straße"):
                # compared on the server: translate() over bytes need not give UTF-8 back
                [row] = reader.rows(
                    f"SELECT {folded(reader, 'CAST(:text AS TEXT)')} "
                    f"= translate(lower(:text), '{ACCENTED}', '{PLAIN}') AS same",
                    {"text": value},
                )
                assert row == {"same": True}, value
    finally:
        engine.dispose()
        _run_as_admin(pg_database, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
