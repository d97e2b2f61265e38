"""The database itself: pragmas, constraints in the schema, migrations, write locking
(STYLE.md habit 7)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from reftrack import db
from reftrack.db import Database, make_engine, open_database
from reftrack.errors import DatabaseError
from reftrack.migrations import runner
from reftrack.models import Advocate
from reftrack.services import advocates, asks, followups, referrals

NOW = "2026-03-16 09:00:00"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reftrack.db'}"


@pytest.fixture
def path(url: str) -> Path:
    found = db.sqlite_path(url)
    assert found is not None
    return found


@pytest.fixture
def database(url: str) -> Iterator[Database]:
    opened = open_database(url)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def engine(database: Database) -> Iterator[Engine]:
    """A second engine from the factory, on a file that already has the schema."""
    made = make_engine(database.url)
    yield made
    made.dispose()


# --- pragmas ----------------------------------------------------------------------------


def test_pragmas_on_every_connection(engine: Engine) -> None:
    # two connections open at once: both were set up by the factory, not just the first
    with engine.connect() as first, engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        for connection in (first, second):
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_busy_timeout_is_the_one_asked_for(database: Database) -> None:
    engine = make_engine(database.url, busy_timeout_ms=1234)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
    finally:
        engine.dispose()


def test_a_new_file_is_in_wal_mode(database: Database, path: Path) -> None:
    with closing(sqlite3.connect(path)) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- constraints live in the database, not only in Python -------------------------------


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection: no reftrack, no pragmas (foreign keys off)."""
    return sqlite3.connect(path)


def insert_advocate(connection: sqlite3.Connection, nps: object = None) -> int:
    cursor = connection.execute(
        "INSERT INTO advocate (name, nps, archived, created_at, updated_at) "
        "VALUES ('Anna', ?, 0, ?, ?)",
        (nps, NOW, NOW),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@pytest.mark.parametrize("nps", [11, -1, 100])
def test_check_nps_range(database: Database, path: Path, nps: int) -> None:
    with closing(raw(path)) as connection, pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        insert_advocate(connection, nps)


def test_check_nps_accepts_the_range(database: Database, path: Path) -> None:
    with closing(raw(path)) as connection:
        for nps in (None, 0, 10):
            insert_advocate(connection, nps)


@pytest.mark.parametrize(
    ("column", "bad"),
    [("status", "signed"), ("status", "WON"), ("value_cents", -1)],
)
def test_check_referral(database: Database, path: Path, column: str, bad: object) -> None:
    with closing(raw(path)) as connection:
        advocate_id = insert_advocate(connection)
        values = {"status": "new", "value_cents": None, column: bad}
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(
                "INSERT INTO referral (advocate_id, prospect, received_on, status, value_cents, "
                "created_at, updated_at) VALUES (?, 'Piet', '2026-03-16', ?, ?, ?, ?)",
                (advocate_id, values["status"], values["value_cents"], NOW, NOW),
            )


@pytest.mark.parametrize(
    ("column", "bad"),
    [("channel", "pigeon"), ("outcome", "maybe"), ("alternative", "poem")],
)
def test_check_ask(database: Database, path: Path, column: str, bad: str) -> None:
    with closing(raw(path)) as connection:
        advocate_id = insert_advocate(connection)
        values = {"channel": "phone", "outcome": "pending", "alternative": None, column: bad}
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(
                "INSERT INTO ask (advocate_id, asked_on, channel, outcome, alternative, forced, "
                "created_at, updated_at) VALUES (?, '2026-03-16', ?, ?, ?, 0, ?, ?)",
                (
                    advocate_id,
                    values["channel"],
                    values["outcome"],
                    values["alternative"],
                    NOW,
                    NOW,
                ),
            )


def test_check_follow_up_needs_a_subject(database: Database, path: Path) -> None:
    with closing(raw(path)) as connection, pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        connection.execute(
            "INSERT INTO follow_up (due_on, kind, note, created_at, updated_at) "
            "VALUES ('2026-03-20', 'custom', 'call', ?, ?)",
            (NOW, NOW),
        )


def test_check_follow_up_kind(database: Database, path: Path) -> None:
    with closing(raw(path)) as connection:
        advocate_id = insert_advocate(connection)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(
                "INSERT INTO follow_up (due_on, kind, advocate_id, created_at, updated_at) "
                "VALUES ('2026-03-20', 'nag', ?, ?, ?)",
                (advocate_id, NOW, NOW),
            )


def test_check_nps_score_history(database: Database, path: Path) -> None:
    with closing(raw(path)) as connection:
        advocate_id = insert_advocate(connection)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            connection.execute(
                "INSERT INTO nps_score (advocate_id, score, scored_on, created_at) "
                "VALUES (?, 11, '2026-03-16', ?)",
                (advocate_id, NOW),
            )


def test_foreign_keys_enforced_by_the_factory(engine: Engine, path: Path) -> None:
    insert = text(
        "INSERT INTO ask (advocate_id, asked_on, channel, outcome, forced, created_at, "
        "updated_at) VALUES (999, '2026-03-16', 'phone', 'pending', 0, :now, :now)"
    )
    with pytest.raises(sa_exc.IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
        connection.execute(insert, {"now": NOW})
    with closing(raw(path)) as connection:
        assert connection.execute("SELECT count(*) FROM ask").fetchone() == (0,)


def test_deleting_an_advocate_with_asks_is_restricted(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO advocate (id, name, archived, created_at, updated_at) "
                "VALUES (1, 'Anna', 0, :now, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO ask (advocate_id, asked_on, channel, outcome, forced, created_at, "
                "updated_at) VALUES (1, '2026-03-16', 'phone', 'pending', 0, :now, :now)"
            ),
            {"now": NOW},
        )
    with pytest.raises(sa_exc.IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
        connection.execute(text("DELETE FROM advocate WHERE id = 1"))


# --- schema versions and migrations ----------------------------------------------------


def test_schema_revisions_match_the_shipped_scripts() -> None:
    assert tuple(runner.script_revisions()) == db.SCHEMA_REVISIONS
    assert runner.script_heads() == [db.SCHEMA_HEAD]
    assert db.SCHEMA_REVISIONS[-1] == db.SCHEMA_HEAD
    assert len(set(db.SCHEMA_REVISIONS)) == len(db.SCHEMA_REVISIONS)


def test_a_new_database_is_at_head(database: Database) -> None:
    assert database.schema_version() == db.SCHEMA_HEAD


def test_opening_again_changes_nothing(database: Database, path: Path) -> None:
    with database.session(write=True) as session:
        advocates.add_advocate(session, name="Anna", on=date.fromisoformat("2026-03-16"), nps=9)
    again = open_database(database.url)
    try:
        assert again.schema_version() == db.SCHEMA_HEAD
        with again.session() as session:
            assert [a.name for a in advocates.list_advocates(session)] == ["Anna"]
    finally:
        again.engine.dispose()


FIRST_REVISION_ROWS = [
    "INSERT INTO advocate (id, name, company, email, tags, nps, nps_on, customer_since, source, "
    "archived, notes, created_at, updated_at) VALUES (1, 'Anna de Vries', 'Beta', "
    "'anna@beta.nl', 'vip;logistics', 9, '2026-01-10', '2024-05-01', 'inbound', 0, 'old note', "
    f"'{NOW}', '{NOW}')",
    "INSERT INTO advocate (id, name, archived, created_at, updated_at) "
    f"VALUES (2, 'Bram Smit', 1, '{NOW}', '{NOW}')",
    "INSERT INTO nps_score (advocate_id, score, scored_on, created_at) "
    f"VALUES (1, 9, '2026-01-10', '{NOW}')",
    "INSERT INTO advocate_event (advocate_id, kind, happened_on, note, created_at) "
    f"VALUES (1, 'milestone', '2026-01-20', 'go-live', '{NOW}')",
    "INSERT INTO ask (id, advocate_id, asked_on, channel, target, outcome, forced, created_at, "
    "updated_at) VALUES (1, 1, '2026-02-01', 'phone', 'the CFO', 'referred', 0, "
    f"'{NOW}', '{NOW}')",
    "INSERT INTO referral (id, advocate_id, ask_id, prospect, company, received_on, status, "
    "value_cents, closed_on, created_at, updated_at) VALUES (1, 1, 1, 'Piet Bakker', 'Gamma', "
    f"'2026-02-03', 'won', 1250050, '2026-03-01', '{NOW}', '{NOW}')",
    "INSERT INTO advocate (id, name, source, referred_by, archived, created_at, updated_at) "
    f"VALUES (3, 'Piet Bakker', 'referral', 1, 0, '{NOW}', '{NOW}')",
    "INSERT INTO follow_up (id, due_on, kind, advocate_id, referral_id, note, done_on, "
    "created_at, updated_at) VALUES (1, '2026-02-03', 'thank', 1, 1, NULL, '2026-02-04', "
    f"'{NOW}', '{NOW}')",
    "INSERT INTO follow_up (id, due_on, kind, advocate_id, note, created_at, updated_at) "
    f"VALUES (2, '2026-04-17', 'circle_back', 1, 'more names?', '{NOW}', '{NOW}')",
]


def test_a_database_from_the_first_revision_opens_with_every_row(url: str) -> None:
    """Written by the oldest reftrack; every later migration must keep these rows."""
    first = runner.script_revisions()[0]
    engine = make_engine(url)
    try:
        runner.run_upgrade(engine, first)
        with engine.begin() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            for statement in FIRST_REVISION_ROWS:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()

    upgraded = open_database(url)
    try:
        assert upgraded.schema_version() == db.SCHEMA_HEAD
        with upgraded.session() as session:
            active = advocates.list_advocates(session)
            assert [(a.id, a.name) for a in active] == [(1, "Anna de Vries"), (3, "Piet Bakker")]
            anna = active[0]
            assert (anna.company, anna.email, anna.tags, anna.nps, anna.notes) == (
                "Beta",
                "anna@beta.nl",
                "vip;logistics",
                9,
                "old note",
            )
            assert (anna.nps_on, anna.customer_since, anna.source) == (
                date.fromisoformat("2026-01-10"),
                date.fromisoformat("2024-05-01"),
                "inbound",
            )
            assert [a.name for a in advocates.list_advocates(session, archived=True)] == [
                "Bram Smit"
            ]
            assert active[1].referred_by == 1 and active[1].source == "referral"
            profile = advocates.profile(session, advocate=anna)
            assert [(s.score, s.scored_on) for s in profile.scores] == [
                (9, date.fromisoformat("2026-01-10"))
            ]
            assert [(e.kind, e.note) for e in profile.events] == [("milestone", "go-live")]
            [(ask, _name)] = asks.list_asks(session)
            assert (ask.channel, ask.target, ask.outcome) == ("phone", "the CFO", "referred")
            [(referral, name)] = referrals.list_referrals(session)
            assert (referral.prospect, referral.value_cents, referral.ask_id, name) == (
                "Piet Bakker",
                1250050,
                1,
                "Anna de Vries",
            )
            steps = followups.views(session, include_done=True)
            assert [(v.follow_up.id, v.follow_up.kind) for v in steps] == [
                (1, "thank"),
                (2, "circle_back"),
            ]
            assert steps[0].follow_up.done_on == date.fromisoformat("2026-02-04")
        # and it is writable: the rules run on the upgraded schema
        with upgraded.session(write=True) as session:
            bram = session.get(Advocate, 2)
            assert bram is not None
            advocates.set_archived(session, advocate=bram, archived=False)
        with upgraded.session() as session:
            assert len(advocates.list_advocates(session)) == 3
    finally:
        upgraded.engine.dispose()


# --- sessions and locking ---------------------------------------------------------------


def test_write_session_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        advocates.add_advocate(session, name="Anna", on=date.fromisoformat("2026-03-16"))
        raise RuntimeError("half-way")
    with database.session() as session:
        assert advocates.list_advocates(session) == []


def test_read_session_does_not_commit(database: Database) -> None:
    with database.session() as session:
        advocates.add_advocate(session, name="Anna", on=date.fromisoformat("2026-03-16"))
    with database.session() as session:
        assert advocates.list_advocates(session) == []


def test_write_sessions_take_the_lock_up_front(database: Database) -> None:
    """BEGIN IMMEDIATE: a write session holds the lock from its first statement, even a read."""
    with database.session(write=True) as session:
        advocates.add_advocate(session, name="Anna", on=date.fromisoformat("2026-03-16"))
    impatient = open_database(database.url, busy_timeout_ms=200)
    try:
        with database.session(write=True) as holder:
            assert holder.exec(select(Advocate)).all()  # only a read, but the lock is taken
            with pytest.raises(DatabaseError, match="locked"), impatient.session(write=True) as s:
                s.exec(select(Advocate)).all()
            # WAL: readers are not blocked by the writer
            with impatient.session() as reader:
                assert [a.name for a in reader.exec(select(Advocate)).all()] == ["Anna"]
        # the lock is released at the end of the session
        with impatient.session(write=True) as session:
            advocates.add_advocate(session, name="Bram", on=date.fromisoformat("2026-03-16"))
        with database.session() as session:
            assert len(advocates.list_advocates(session)) == 2
    finally:
        impatient.engine.dispose()
