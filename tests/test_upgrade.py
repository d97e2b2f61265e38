"""Databases written by earlier schemas open in this version with every row intact.

tests/fixtures/schema-NNNN.db is a demo database made by the release that introduced
schema NNNN (checked in, never regenerated). When a migration is added, add the fixture of
the new schema too; each old one must keep passing.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reftrack.db import SCHEMA_HEAD
from tests.helpers import Invoke

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema-*.db"))
TABLES = ("advocate", "nps_score", "advocate_event", "ask", "referral", "follow_up")
# tables later schemas added: kept too, from the fixture of the schema that made them on
LATER_TABLES = ("target", "target_via", "note", "intro", "gift")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in (*TABLES, *(t for t in LATER_TABLES if t in present))
        }


def test_there_is_a_fixture_for_the_first_schema() -> None:
    assert FIXTURES and FIXTURES[0].name == "schema-0001.db"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_old_database_opens_with_every_row(fixture: Path, tmp_path: Path, cli: Invoke) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    before = dump(copy)
    assert sum(len(rows) for rows in before.values()) > 100  # a real history, not empty

    result = cli("--db", str(copy), "doctor", "--format", "json")
    assert result.exit_code == 0, result.stderr

    after = dump(copy)
    for table in before:  # columns added by later schemas may follow; old ones stay as they were
        assert [row[: len(before[table][0])] for row in after[table]] == before[table], table
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            SCHEMA_HEAD,
        )
    listed = cli("--db", str(copy), "referral", "list", "--format", "json")
    assert listed.exit_code == 0
    assert "Henk de Boer" in listed.stdout


def test_upgrade_rebuilding_ask_keeps_every_link_to_it(tmp_path: Path, cli: Invoke) -> None:
    """0006 rebuilds ``ask`` (a wider CHECK). Dropping the old table with foreign keys on
    would set referral.ask_id to NULL and delete the follow-ups of every ask."""
    from reftrack.db import make_engine
    from reftrack.migrations.runner import run_upgrade

    path = tmp_path / "schema-0005.db"
    engine = make_engine(f"sqlite:///{path}")
    run_upgrade(engine, "0005")
    engine.dispose()
    stamp = "2026-01-01 00:00:00"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute(
            "INSERT INTO advocate (id, name, archived, created_at, updated_at) "
            "VALUES (1, 'Anna', 0, ?, ?)",
            (stamp, stamp),
        )
        for ask_id in (1, 2):
            connection.execute(
                "INSERT INTO ask (id, advocate_id, asked_on, channel, outcome, forced, "
                "created_at, updated_at) VALUES (?, 1, '2026-01-0' || ?, 'phone', 'referred', "
                "0, ?, ?)",
                (ask_id, ask_id, stamp, stamp),
            )
        connection.execute(
            "INSERT INTO referral (id, advocate_id, ask_id, prospect, received_on, status, "
            "created_at, updated_at) VALUES (1, 1, 2, 'Piet', '2026-01-03', 'new', ?, ?)",
            (stamp, stamp),
        )
        for fid, ask_id in ((1, 1), (2, 2)):
            connection.execute(
                "INSERT INTO follow_up (id, due_on, kind, advocate_id, ask_id, cancelled, "
                "created_at, updated_at) VALUES (?, '2026-01-09', 'check_ask', 1, ?, 0, ?, ?)",
                (fid, ask_id, stamp, stamp),
            )
    before = dump(path)

    result = cli("--db", str(path), "doctor", "--format", "json")
    assert result.exit_code == 0, result.stderr

    after = dump(path)
    for table in TABLES:  # later schemas may add columns; the old ones keep their values
        assert [row[: len(before[table][0])] for row in after[table]] == before[table], table
    assert after["referral"][0][2] == 2  # referral.ask_id still points at ask #2
    assert [row[4] for row in after["follow_up"]] == [1, 2]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("UPDATE ask SET outcome = 'promised' WHERE id = 1")  # the new value


def test_migrations_make_the_tables_the_models_describe(tmp_path: Path, cli: Invoke) -> None:
    """A new database is made by the migrations; the ORM writes by the models. Every table,
    column, index and foreign key of one must be in the other (types aside: SQLite's TEXT
    and BIGINT are SQLModel's AutoString and Integer)."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import reftrack.models  # noqa: F401  (the tables register on import)

    path = tmp_path / "new.db"
    assert cli("--db", str(path), "doctor").exit_code == 0
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection, warnings.catch_warnings():
        # advocate.referred_by → referral → ask → target → referral: a cycle SQLAlchemy
        # warns about when it sorts the tables; harmless here
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []
