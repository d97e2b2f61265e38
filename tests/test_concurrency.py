"""Cron and a person at the same time, as real processes on one SQLite file; and an import
killed part-way. Writes take the lock up front and wait; nothing is lost or half-written."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import Invoke


def reftrack(*args: str) -> list[str]:
    return [sys.executable, "-m", "reftrack", *args]


def write_advocates(path: Path, count: int, prefix: str = "Imported") -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "company", "email", "phone", "nps", "customer_since"])
        for index in range(count):
            writer.writerow(
                [
                    f"{prefix} {index}",
                    f"Company {index % 300}",
                    f"{prefix.lower()}{index}@example.test",
                    f"06{index:08d}",
                    index % 11,
                    "2024-01-02",
                ]
            )


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_asks_every_50ms_during_a_big_import_all_land(
    cli: Invoke, db_path: Path, tmp_path: Path
) -> None:
    assert cli("advocate", "add", "Anna de Vries", "--nps", "10").exit_code == 0
    source = tmp_path / "big.csv"
    write_advocates(source, 30_000)
    importer = subprocess.Popen(
        reftrack("import", "advocates", str(source)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    failures: list[str] = []
    asks = 0
    started = time.monotonic()
    while importer.poll() is None or asks < 5:
        done = subprocess.run(
            reftrack("ask", "add", "1", "--force", "--channel", "email"),
            capture_output=True,
            text=True,
            check=False,
        )
        asks += 1
        if done.returncode != 0:
            failures.append(done.stderr)
        time.sleep(0.05)
        assert time.monotonic() - started < 120, "import did not finish"
    _, err = importer.communicate()
    assert importer.returncode == 0, err
    assert failures == []
    assert count(db_path, "advocate") == 30_001
    assert count(db_path, "ask") == asks
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_an_interrupted_import_leaves_all_or_nothing(
    cli: Invoke, db_path: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    assert cli("advocate", "add", "Anna de Vries").exit_code == 0
    source = tmp_path / "big.csv"
    write_advocates(source, 100_000)
    importer = subprocess.Popen(
        reftrack("import", "advocates", str(source)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # wait until the import holds the write lock (it is part-way through its rows)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and importer.poll() is None:
        wal = Path(str(db_path) + "-wal")
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.02)
    assert importer.poll() is None, "the import finished before it could be interrupted"
    os.kill(importer.pid, stop)
    _, err = importer.communicate(timeout=60)
    assert importer.returncode != 0, err
    if stop == signal.SIGINT:
        assert importer.returncode == 130
        assert "interrupted" in err and "nothing was written" in err
        assert "Traceback" not in err
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert count(db_path, "advocate") in (1, 100_001)
    assert count(db_path, "advocate") == 1  # killed part-way: none of it
    assert cli("advocate", "list", "--format", "json").exit_code == 0
