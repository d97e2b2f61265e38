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


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in TABLES
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
    for table in TABLES:  # columns added by later schemas may follow; old ones stay as they were
        assert [row[: len(before[table][0])] for row in after[table]] == before[table], table
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            SCHEMA_HEAD,
        )
    listed = cli("--db", str(copy), "referral", "list", "--format", "json")
    assert listed.exit_code == 0
    assert "Henk de Boer" in listed.stdout
