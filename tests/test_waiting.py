"""A write that waits for another's lock says so after a second, then goes through; one
that does not wait says nothing. PostgreSQL transactions wait for a lock at most the busy
timeout, reads included."""

from __future__ import annotations

import json
import os
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest
from sqlalchemy import text

from reftrack.db import WRITE_LOCK_KEY, open_database, resolve_url, sqlite_path
from tests.helpers import Invoke, ok

pytestmark = pytest.mark.both_engines

WAITING = "waiting for another reftrack to finish writing"


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """Another writer: holds the database's write lock until the block ends."""
    path = sqlite_path(url)
    if path is not None:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            yield
            other.execute("COMMIT")
        return
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as other:
        other.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        yield
        other.commit()


def reftrack(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reftrack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def said_while_waiting(writer: subprocess.Popen[str], *, timeout: float = 60) -> str:
    """Read the writer's stderr until it says it waits (however slowly a loaded machine
    starts it), failing if it ends or the timeout passes first."""
    assert writer.stderr is not None
    deadline = time.monotonic() + timeout
    heard = ""
    while WAITING not in heard:
        ready, _, _ = select.select([writer.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no {WAITING!r} within {timeout} s: {heard!r}"
        line = writer.stderr.readline()
        assert line, f"the writer ended without waiting: {heard!r}"
        heard += line
    return heard


def test_a_waiting_write_says_so_then_goes_through(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries"))  # the schema exists before the lock is taken
    url = resolve_url(None)
    with write_lock_held(url):
        writer = reftrack("advocate", "add", "Bram Jansen")
        heard = said_while_waiting(writer)
        time.sleep(0.5)
        assert writer.poll() is None  # still waiting for the lock
        assert "advocate #2" not in heard  # nothing written while the lock is held
    _, rest = writer.communicate(timeout=60)
    assert writer.returncode == 0, heard + rest
    assert "advocate #2" in rest  # written once the lock was free
    listed = json.loads(ok(cli("advocate", "list", "--format", "json")).stdout)
    names = [advocate["name"] for advocate in listed]
    assert names == ["Anna de Vries", "Bram Jansen"]


def test_a_write_that_does_not_wait_says_nothing_of_it(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries"))
    writer = reftrack("advocate", "add", "Bram Jansen")
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 0, stderr
    assert WAITING not in stderr


def test_server_transactions_wait_at_most_the_busy_timeout(cli: Invoke, engine: str) -> None:
    if engine != "postgresql":
        pytest.skip("SQLite's busy timeout is set on the connection (tests/test_database.py)")
    ok(cli("advocate", "add", "Anna de Vries"))
    database = open_database(resolve_url(None), busy_timeout_ms=4321)
    try:
        with database.session() as session:  # a read
            assert session.execute(text("SHOW lock_timeout")).scalar() == "4321ms"
        with database.session(write=True) as session:
            assert session.execute(text("SHOW lock_timeout")).scalar() == "4321ms"
    finally:
        database.engine.dispose()
