"""`reftrack backup` and `reftrack doctor`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from tests.helpers import Invoke, assert_one_line_error, ok


def seed(cli: Invoke, count: int = 3) -> None:
    for index in range(count):
        assert cli("advocate", "add", f"Person {index}", "--nps", "9").exit_code == 0


def test_backup_is_a_complete_database(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    target = tmp_path / "backup.db"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert "backup written" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backup.db",
        "config.toml",
        "data",
    ]  # no leftovers
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [r[0] for r in connection.execute("SELECT name FROM advocate ORDER BY id")]
    assert names == ["Person 0", "Person 1", "Person 2"]
    listed = cli("--db", str(target), "advocate", "list", "--format", "json")
    assert len(json.loads(listed.stdout)) == 3


def test_backup_refuses_its_own_file_and_missing_folders(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    seed(cli, 1)
    assert_one_line_error(cli("backup", str(db_path)), "another file than the database")
    assert_one_line_error(cli("backup", str(tmp_path / "nope" / "b.db")), "does not exist")
    assert_one_line_error(cli("backup", str(tmp_path)), "is a directory")


def add_an_ask_of_nobody(path: Path) -> None:
    """An ask of advocate 99, who does not exist: one broken link."""
    with closing(sqlite3.connect(path)) as connection, connection:  # foreign_keys is off here
        connection.execute(
            "INSERT INTO ask (advocate_id, asked_on, channel, outcome, forced, created_at,"
            " updated_at) VALUES (99, '2026-01-01', 'phone', 'pending', 0, '2026-01-01',"
            " '2026-01-01')"
        )


def seed_many(cli: Invoke, count: int = 300) -> None:
    rows = "".join(f"Person {i},person{i}@example.com,+31 6 {i:08d}\n" for i in range(count))
    result = cli("import", "advocates", "-", input="name,email,phone\n" + rows)
    assert result.exit_code == 0, result.stderr


def corrupt(path: Path) -> None:
    """Write garbage over a page in the middle of the file, as a failing disk might."""
    with closing(sqlite3.connect(path)) as connection:  # every page in the file, none in a WAL
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = path.stat().st_size // page_size
    with path.open("r+b") as handle:
        handle.seek(pages // 2 * page_size)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))
    with closing(sqlite3.connect(path)) as connection:  # the damage is there to be found
        try:
            found = connection.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as error:  # "database disk image is malformed"
            found = (str(error),)
    assert found != ("ok",)


def test_backup_refuses_a_damaged_database_and_keeps_the_good_backup(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    seed_many(cli)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    target = shelf / "nightly.db"
    assert cli("backup", str(target)).exit_code == 0
    good = target.read_bytes()
    corrupt(db_path)
    result = cli("backup", str(target))
    assert_one_line_error(result, "backup refused", f"{db_path} is damaged", ".recover")
    assert "backup written" not in result.stderr
    assert target.read_bytes() == good
    assert [p.name for p in shelf.iterdir()] == ["nightly.db"]  # the copy is gone
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM advocate").fetchone() == (300,)


def swap_indexes(path: Path, first: str, second: str) -> None:
    """Two indexes' pages swapped: every page readable, the indexes wrong for their table."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA writable_schema = ON")
        root = dict(connection.execute("SELECT name, rootpage FROM sqlite_schema").fetchall())
        for name, page in ((first, root[second]), (second, root[first])):
            connection.execute("UPDATE sqlite_schema SET rootpage = ? WHERE name = ?", (page, name))


def test_backup_refuses_a_database_whose_indexes_do_not_match(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    seed_many(cli)
    swap_indexes(db_path, "ix_advocate_name", "ix_advocate_email")
    target = tmp_path / "b.db"
    result = cli("backup", str(target))
    assert_one_line_error(result, "backup refused", "is damaged", "missing from index", "and more")
    assert not target.exists()


def test_doctor_reports_a_damaged_file_without_a_traceback(cli: Invoke, db_path: Path) -> None:
    seed_many(cli)
    corrupt(db_path)
    result = cli("doctor", "--format", "json")
    assert_one_line_error(result, "damaged", ".recover")
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["integrity_check"] != "ok"


def test_backup_refuses_rows_that_point_at_nothing(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    seed(cli, 1)
    add_an_ask_of_nobody(db_path)
    target = tmp_path / "b.db"
    result = cli("backup", str(target))
    assert_one_line_error(result, "backup refused", "has 1 rows that point at", "reftrack doctor")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "data"]


def test_backup_refuses_a_symlink_and_leaves_what_it_points_at(cli: Invoke, tmp_path: Path) -> None:
    seed(cli, 1)
    victim = tmp_path / "important.txt"
    victim.write_text("not a backup", encoding="utf-8")
    link = tmp_path / "backup.db"
    link.symlink_to(victim)
    assert_one_line_error(cli("backup", str(link)), f"{link} is a symbolic link")
    assert link.is_symlink()
    assert victim.read_text(encoding="utf-8") == "not a backup"


def test_backup_never_follows_a_leftover_partial(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    victim = tmp_path / "important.txt"
    victim.write_text("not a backup", encoding="utf-8")
    target = tmp_path / "backup.db"
    target.with_name("backup.db.partial").symlink_to(victim)
    assert cli("backup", str(target)).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "not a backup"
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute("SELECT count(*) FROM advocate").fetchone() == (3,)


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
    database_line = next(line for line in table.stdout.splitlines() if line.startswith("database "))
    assert database_line.split() == ["database", masked]
    report = json.loads(as_json.stdout)
    assert report["database"] == masked and report["ok"] is True
    assert report["counts"]["advocate"] == 0


def test_doctor_exits_1_on_broken_links(cli: Invoke, db_path: Path) -> None:
    seed(cli, 1)
    add_an_ask_of_nobody(db_path)
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


def test_backup_never_replaces_anything_but_a_regular_file(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    """As root, `backup /dev/null` would turn the device into a file; a pipe stands in for
    it here (the same check: anything that exists and is not a regular file)."""
    import os
    import stat

    ok(cli("advocate", "add", "Anna de Vries"))
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = cli("backup", str(pipe))
    assert_one_line_error(result, "is not a regular file", "give the backup a file name")
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # still the pipe
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pipe.")]  # no leftovers
