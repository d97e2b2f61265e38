"""What reftrack creates to hold people's records is its owner's alone, as it is created.

Every test runs under the usual umask 022, which would leave a file 0644 and a folder 0755
(readable by every user of the machine) unless reftrack asks for less.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reftrack.db import open_database
from tests.helpers import Invoke


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_owner_only(cli: Invoke, db_path: Path) -> None:
    assert not db_path.parent.exists()
    assert cli("advocate", "add", "Anna", "--phone", "+31 6 1234 5678").exit_code == 0
    assert mode(db_path.parent) == 0o700
    assert mode(db_path) == 0o600


def test_wal_and_shm_get_the_mode_of_the_database(cli: Invoke, db_path: Path) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    database = open_database(f"sqlite:///{db_path}")
    try:
        with database.session(write=True) as session:
            session.execute(text("UPDATE advocate SET notes = 'called back'"))
            sidecars = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
            assert all(path.exists() for path in sidecars)
            assert [mode(path) for path in sidecars] == [0o600, 0o600]
    finally:
        database.engine.dispose()


def test_the_rollback_journal_gets_the_mode_of_the_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    database = open_database(f"sqlite:///{path}", wal=False)  # as the first import of a file
    try:
        with database.session(write=True) as session:
            session.execute(text("UPDATE alembic_version SET version_num = version_num"))
            journal = path.with_name(path.name + "-journal")
            assert journal.exists()
            assert mode(journal) == 0o600
            session.rollback()
    finally:
        database.engine.dispose()
    assert mode(path) == 0o600


def test_an_existing_database_and_folder_keep_their_modes(cli: Invoke, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o755)
    db_path.touch(mode=0o644)  # the user's own choice, made before reftrack ran
    assert cli("advocate", "add", "Anna").exit_code == 0
    assert mode(db_path.parent) == 0o755
    assert mode(db_path) == 0o644


def test_a_backup_is_owner_only(cli: Invoke, tmp_path: Path) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    shelf = tmp_path / "shelf"
    shelf.mkdir(mode=0o755)
    result = cli("backup", str(shelf / "reftrack.db"))
    assert result.exit_code == 0, result.stderr
    assert mode(shelf / "reftrack.db") == 0o600
    assert mode(shelf) == 0o755  # the user's folder is left as it is
    assert [p.name for p in shelf.iterdir()] == ["reftrack.db"]


def test_export_all_makes_an_owner_only_folder(cli: Invoke, tmp_path: Path) -> None:
    assert cli("advocate", "add", "Anna").exit_code == 0
    folder = tmp_path / "exports" / "2026-03-16"
    assert cli("export", "all", str(folder)).exit_code == 0
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == [
        "advocates.csv",
        "asks.csv",
        "events.csv",
        "followups.csv",
        "gifts.csv",
        "intros.csv",
        "notes.csv",
        "referrals.csv",
        "scores.csv",
        "target_links.csv",
        "targets.csv",
    ]
    assert {mode(p) for p in files} == {0o600}


def test_export_all_leaves_an_existing_folder_as_it_is(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir(mode=0o755)
    assert cli("export", "all", str(folder)).exit_code == 0
    assert mode(folder) == 0o755
    assert {mode(p) for p in folder.iterdir()} == {0o600}


def test_the_demo_folder_and_database_are_owner_only(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where mkdtemp puts its folder
    assert cli("demo").exit_code == 0
    assert list(tmp_path.glob("reftrack-demo-*")) == []  # shown, then removed

    chosen = tmp_path / "new" / "demo"
    assert cli("demo", "--folder", str(chosen)).exit_code == 0
    assert mode(chosen) == 0o700
    assert mode(chosen / "demo.db") == 0o600
