"""`reftrack backup` and `reftrack doctor`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Invoke, assert_one_line_error


def seed(cli: Invoke, count: int = 3) -> None:
    for index in range(count):
        assert cli("advocate", "add", f"Person {index}", "--nps", "9").exit_code == 0


def test_backup_is_a_complete_database(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    target = tmp_path / "backup.db"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert "backup written" in result.stderr
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [r[0] for r in connection.execute("SELECT name FROM advocate ORDER BY id")]
    assert names == ["Person 0", "Person 1", "Person 2"]
    listed = cli("--db", str(target), "advocate", "list", "--format", "json")
    assert len(json.loads(listed.stdout)) == 3
    assert not (tmp_path / "backup.db.partial").exists()


def test_backup_refuses_its_own_file_and_missing_folders(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    seed(cli, 1)
    assert_one_line_error(cli("backup", str(db_path)), "another file than the database")
    assert_one_line_error(cli("backup", str(tmp_path / "nope" / "b.db")), "does not exist")
    assert_one_line_error(cli("backup", str(tmp_path)), "is a directory")


def test_backup_while_another_process_writes(cli: Invoke, db_path: Path, tmp_path: Path) -> None:
    seed(cli, 1)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import subprocess, sys\n"
                "for i in range(15):\n"
                "    subprocess.run([sys.executable, '-m', 'reftrack', 'advocate', 'add', "
                "f'W{i}'], check=True, capture_output=True)\n"
            ),
        ],
    )
    backups = []
    try:
        for index in range(5):
            target = tmp_path / f"b{index}.db"
            assert cli("backup", str(target)).exit_code == 0
            backups.append(target)
            time.sleep(0.05)
    finally:
        assert writer.wait(timeout=120) == 0
    counts = []
    for target in backups:
        with sqlite3.connect(target) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            counts.append(connection.execute("SELECT count(*) FROM advocate").fetchone()[0])
    assert counts == sorted(counts) and all(1 <= c <= 16 for c in counts)


def test_doctor_reports_a_healthy_database(cli: Invoke, db_path: Path) -> None:
    seed(cli)
    result = cli("doctor", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["database"] == str(db_path)
    assert report["schema_version"] == report["schema_expected"]
    assert report["integrity_check"] == "ok"
    assert report["journal_mode"] == "wal"
    assert report["counts"]["advocate"] == 3
    assert report["foreign_key_problems"] == 0


def test_doctor_masks_the_password_of_a_server_url(cli: Invoke, pg_database: str) -> None:
    """The table and the JSON name the server database, never its password. The test
    server trusts local connections, so doctor connects with a made-up one."""
    from sqlalchemy.engine import make_url

    url = make_url(pg_database).set(password="S3cr3tPW").render_as_string(hide_password=False)
    masked = make_url(url).render_as_string(hide_password=True)
    assert "S3cr3tPW" in url and ":***@" in masked
    table = cli("--db", url, "doctor")
    as_json = cli("--db", url, "doctor", "--format", "json")
    for result in (table, as_json):
        assert result.exit_code == 0, result.stderr
        assert "S3cr3tPW" not in result.stdout + result.stderr
    assert f"database              {masked}\n" in table.stdout
    report = json.loads(as_json.stdout)
    assert report["database"] == masked and report["ok"] is True
    assert report["counts"]["advocate"] == 0


def test_doctor_exits_1_on_broken_links(cli: Invoke, db_path: Path) -> None:
    seed(cli, 1)
    with sqlite3.connect(db_path) as connection:  # foreign_keys is off in a bare connection
        connection.execute(
            "INSERT INTO ask (advocate_id, asked_on, channel, outcome, forced, created_at,"
            " updated_at) VALUES (99, '2026-01-01', 'phone', 'pending', 0, '2026-01-01',"
            " '2026-01-01')"
        )
    result = cli("doctor")
    assert result.exit_code == 1
    assert "1 rows point at records that do not exist" in result.stderr


def test_doctor_counts_every_table_of_the_schema() -> None:
    """The registry of kinds (records.KINDS) and the models describe the same tables."""
    from sqlmodel import SQLModel

    from reftrack import models  # noqa: F401 - defines the tables
    from reftrack.records import KINDS
    from reftrack.services.maintenance import TABLES

    assert set(TABLES) == set(SQLModel.metadata.tables)
    assert {kind.table for kind in KINDS.values()} <= set(TABLES)
