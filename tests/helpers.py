"""Plain helpers the test modules share; the fixtures live in conftest.py.

Import these from here (``from tests.helpers import Invoke``), never from ``tests.conftest``:
pytest loads conftest.py itself, and importing it as a module as well is a known trap.
"""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.testing import Result

if TYPE_CHECKING:
    import pytest

TODAY = "2026-03-16"  # a Monday; conftest's autouse fixture sets REFTRACK_TODAY to it

DATA = Path(__file__).parent / "data"  # the sample files (LinkedIn, Google, Outlook, …)

OLD = ("--since", "2024-01-01")  # an advocate who has been a customer for long enough

Invoke = Callable[..., Result]  # the type of the ``cli`` fixture

PG_URL_ENV = "REFTRACK_TEST_PG_URL"
# one template per test run, so two runs against one server never drop each other's
PG_TEMPLATE = f"reftrack_template_{os.getpid()}"


def ok(result: Result) -> Result:
    """The command succeeded (exit 0); the result, to read its output."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def assert_one_line_error(result: Result, *fragments: str, code: int = 1) -> None:
    """The behaviour contract for bad input: exit code, one line on stderr, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read with plain sqlite3 (not through reftrack)."""
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables
        }


def pg_admin(url: str) -> Any:
    """An autocommit engine for CREATE/DROP of databases and roles (the superuser's URL)."""
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


# What a salesperson's role needs on a reftrack database (the README's team section).
GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",  # import: setval
)


class Roles:
    """Login roles on one test database, named uniquely (other runs share the server):
    ``add("anna")`` → the URL to connect as her. ``drop()`` removes every one made."""

    def __init__(self, database_url: str) -> None:
        import uuid

        from sqlalchemy.engine import make_url

        self.url = make_url(database_url)
        self.suffix = uuid.uuid4().hex[:8]
        self.made: list[str] = []

    def role(self, name: str) -> str:
        return f"{name}_{self.suffix}"

    def add(self, name: str, *, admin: bool = False) -> str:
        role = self.role(name)
        engine = pg_admin(self.url.render_as_string(hide_password=False))
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
                self.made.append(role)
                for grant in GRANTS:
                    connection.exec_driver_sql(grant.format(database=self.url.database, role=role))
                if admin:
                    connection.exec_driver_sql(f"GRANT reftrack_admin TO {role}")
        finally:
            engine.dispose()
        return self.url.set(username=role, password=None).render_as_string(hide_password=False)

    def drop(self) -> None:
        if not self.made:
            return
        engine = pg_admin(self.url.render_as_string(hide_password=False))
        try:
            with engine.connect() as connection:
                for role in self.made:
                    connection.exec_driver_sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE usename = '{role}'"
                    )
                    connection.exec_driver_sql(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
                    connection.exec_driver_sql(f"DROP OWNED BY {role}")
                    connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        finally:
            engine.dispose()
            self.made.clear()


class People:
    """Salespeople logging into one test database: on SQLite a REFTRACK_USER each; on
    PostgreSQL a login role each (the server names the owner), made on first use."""

    def __init__(self, roles: Roles | None) -> None:
        self.roles = roles
        self.urls: dict[str, str] = {}

    def env(self, name: str) -> dict[str, str]:
        if self.roles is None:
            return {"REFTRACK_USER": name}
        if name not in self.urls:
            self.urls[name] = self.roles.add(name)
        return {"REFTRACK_USER": name, "REFTRACK_DB": self.urls[name]}

    def owner(self, name: str) -> str:
        """What a record logged by ``name`` has in its owner column."""
        return name if self.roles is None else self.roles.role(name)


def on_pty(
    *args: str,
    answer: bytes | None = None,
    code: int = 0,
    env: dict[str, str] | None = None,
    columns: int = 250,
) -> bytes:
    """Run reftrack with stdout and stderr (and, to answer a question, stdin) on a
    pseudo-terminal ``columns`` wide; the output, once it exited with ``code``."""
    controller, terminal = pty.openpty()
    env = {
        **os.environ,
        **(env or {}),
        "COLUMNS": str(columns),
        "LINES": "50",
        "TERM": "xterm-256color",
    }
    stdin = terminal if answer is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "reftrack", *args],
        stdin=stdin,
        stdout=terminal,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    output, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal (Linux: EIO)
                break
            if not chunk:
                break
            output += chunk
            if answer is not None and output.rstrip().endswith(b"]:"):
                os.write(controller, answer)
                answer = None
        elif process.poll() is not None:
            break
    os.close(controller)
    assert process.wait(timeout=60) == code, output
    return output


def both(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None
) -> tuple[Any, Any, bool]:
    """(exit code, stdout, stderr) through the fast executor (sqlite3 on a file, psycopg on
    a server) and through the database layer (``db_file.ENABLED`` off), and whether the
    first left the database layer unopened."""
    from reftrack import db_file
    from reftrack.cli import common

    fast = cli(*args, env=env)
    took_fast = common.state.database is None
    monkeypatch.setattr(db_file, "ENABLED", False)
    try:
        slow = cli(*args, env=env)
    finally:
        monkeypatch.setattr(db_file, "ENABLED", True)
    shape = lambda r: (r.exit_code, r.stdout, r.stderr)  # noqa: E731
    return shape(fast), shape(slow), took_fast
