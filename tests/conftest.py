"""Every test gets its own SQLite file, config path and fixed "today" (STYLE.md habit 6)."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reftrack.cli.main import app
from tests.helpers import PG_TEMPLATE, PG_URL_ENV, TODAY, Invoke, People, Roles


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules marked ``both_engines`` run each test on SQLite and on PostgreSQL."""
    if metafunc.definition.get_closest_marker("both_engines") and "engine" in (
        metafunc.fixturenames
    ):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A new SQLite book gets the head schema copied from a file the real migrations made
    once per session, as the PostgreSQL tests copy a migrated template database: every
    test's first command ran all the migrations otherwise (≈0.3 s a test, a third of the
    suite's CPU). Only an empty file upgraded to head is copied (SQLite's backup, which keeps
    the file's own journal mode); an older schema, another revision and PostgreSQL run the
    migrations, and tests/test_upgrade.py and test_database.py call them directly."""
    from reftrack.db import open_database, resolve_url
    from reftrack.migrations import runner

    template = tmp_path_factory.mktemp("template") / "head.db"
    open_database(resolve_url(str(template)), wal=False).engine.dispose()  # the real path
    migrate = runner.run_upgrade

    def copied(engine: Any) -> bool:
        """The template copied into the engine's file, if that file is empty."""
        raw = engine.raw_connection()
        try:
            target = raw.driver_connection
            if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return False
            with closing(sqlite3.connect(template)) as source:
                source.backup(target)
            return True
        finally:
            raw.close()

    def run_upgrade(engine: Any, revision: str = "head") -> None:
        if revision == "head" and engine.dialect.name == "sqlite" and copied(engine):
            return
        migrate(engine, revision)

    patch = pytest.MonkeyPatch()
    patch.setattr(runner, "run_upgrade", run_upgrade)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of the test PostgreSQL server, with a migrated template database on it."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        reason = f"no PostgreSQL: set {PG_URL_ENV} (see scripts/pg-test-server)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must test PostgreSQL", pytrace=False)
        pytest.skip(reason)
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from reftrack.db import open_database

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {PG_TEMPLATE}")
    admin.dispose()
    template_url = make_url(url).set(database=PG_TEMPLATE).render_as_string(hide_password=False)
    open_database(template_url).engine.dispose()
    yield url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test (copied from the template)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    try:
        yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    finally:
        from reftrack.cli import common

        common.reset(None)  # close this test's connections before dropping the database
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def pg_roles(pg_database: str) -> Iterator[Roles]:
    """Login roles on this test's PostgreSQL database, dropped at the end even on failure."""
    roles = Roles(pg_database)
    try:
        yield roles
    finally:
        from reftrack.cli import common

        common.reset(None)  # close the roles' connections first
        roles.drop()


@pytest.fixture
def people(engine: str, request: pytest.FixtureRequest) -> People:
    """Several salespeople on this test's database (see helpers.People)."""
    return People(request.getfixturevalue("pg_roles") if engine == "postgresql" else None)


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, request: pytest.FixtureRequest
) -> Path:
    db = tmp_path / "data" / "reftrack.db"
    if engine == "postgresql":
        monkeypatch.setenv("REFTRACK_DB", request.getfixturevalue("pg_database"))
    else:
        monkeypatch.setenv("REFTRACK_DB", str(db))
    (tmp_path / "config.toml").touch()  # a named config file must exist
    monkeypatch.setenv("REFTRACK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("REFTRACK_TODAY", TODAY)
    monkeypatch.setenv("REFTRACK_USER", "tester")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return db


@pytest.fixture
def me(engine: str, request: pytest.FixtureRequest) -> str:
    """The owner of what the tests' own commands log: REFTRACK_USER on a file, the
    database role of the connection on PostgreSQL (the server says who you are)."""
    if engine != "postgresql":
        return "tester"
    from sqlalchemy.engine import make_url

    return str(make_url(request.getfixturevalue("pg_database")).username)


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def cli() -> Invoke:
    """Run the real CLI in-process: cli("advocate", "add", "Anna") → Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def cli_json(cli: Invoke) -> Callable[..., Any]:
    """Run a command with --format json and return the parsed output (asserting exit 0)."""

    def invoke(*args: str) -> Any:
        result = cli(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def anna(cli_json: Callable[..., Any]) -> dict[str, Any]:
    """An advocate who may be asked (NPS 9, a customer since 2024), as `advocate add` shows her.

    test_rules.py has its own ``anna`` (Anna de Vries, with a company and an email).
    """
    [row] = cli_json("advocate", "add", "Anna", "--nps", "9", "--since", "2024-01-01")
    return row
