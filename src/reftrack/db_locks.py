"""Taking the write lock: writers queue behind each other, and one that waits says so.

A write transaction takes the database's one write lock first (``BEGIN IMMEDIATE`` on
SQLite, an advisory transaction lock on PostgreSQL) and waits for it up to the busy
timeout. A person whose command sits silent behind a long import cannot tell it from a
hang, so after a second of waiting ``on_wait`` is called once (the CLI prints a line).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import exc as sa_exc

NOTICE_AFTER_MS = 1000  # how long a writer waits before it says it is waiting
_POLL_S = 0.05

OnWait = Callable[[], None]


def _locked(error: sa_exc.OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text


def begin_sqlite_write(connection: Any, busy_timeout_ms: int, on_wait: OnWait | None) -> None:
    """``BEGIN IMMEDIATE``, trying for a second before ``on_wait``, then for the rest."""
    if on_wait is None or busy_timeout_ms <= NOTICE_AFTER_MS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {NOTICE_AFTER_MS}")
    try:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except sa_exc.OperationalError as error:
            if not _locked(error):
                raise
            on_wait()
            connection.exec_driver_sql(
                f"PRAGMA busy_timeout = {int(busy_timeout_ms - NOTICE_AFTER_MS)}"
            )
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


def begin_server_transaction(
    connection: Any, *, write: bool, key: int, busy_timeout_ms: int, on_wait: OnWait | None
) -> None:
    """Every transaction waits for a lock at most the busy timeout (reads too: a migration
    elsewhere can hold a table); a write first takes the advisory lock ``key``."""
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout_ms)}")
    if not write:
        return
    if on_wait is not None:
        deadline = time.monotonic() + NOTICE_AFTER_MS / 1000
        while True:
            taken = connection.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({key})")
            if taken.scalar():
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(_POLL_S)
        on_wait()
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")
