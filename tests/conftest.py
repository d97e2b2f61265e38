"""Every test gets its own SQLite file, config path and fixed "today" (STYLE.md habit 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reftrack.cli.main import app

TODAY = "2026-03-16"  # a Monday


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "data" / "reftrack.db"
    monkeypatch.setenv("REFTRACK_DB", str(db))
    monkeypatch.setenv("REFTRACK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("REFTRACK_TODAY", TODAY)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return db


@pytest.fixture
def db_path(isolated: Path) -> Path:
    return isolated


Invoke = Callable[..., Result]


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


def assert_one_line_error(result: Result, *fragments: str, code: int = 1) -> None:
    """The behaviour contract for bad input: exit code, one line on stderr, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
