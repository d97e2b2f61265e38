"""Bad input gets one clear line, the right exit code, no traceback, nothing written
(README: bad input is one line and an exit code)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reftrack.cli.main import app
from tests.helpers import TODAY, assert_one_line_error, dump, ok

FILLED = [
    ("advocate", "add", "Anna de Vries", "--nps", "9", "--since", "2024-01-01"),
    ("advocate", "add", "Anna Jansen", "--company", "Gamma"),
    ("advocate", "add", "Bram Smit", "--nps", "8"),
    ("ask", "add", "Bram", "--on", "2026-03-01"),
    ("referral", "add", "Bram", "Piet Bakker"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a little of everything, made once through the real CLI."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    (folder / "config.toml").touch()
    env = {"REFTRACK_TODAY": TODAY, "REFTRACK_CONFIG": str(folder / "config.toml")}
    runner = CliRunner()
    for args in FILLED:
        ok(runner.invoke(app, ["--db", str(path), *args], env=env, catch_exceptions=False))
    return path


@pytest.fixture
def filled(template: Path, db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """This test's own copy of the template (sqlite3 backup: WAL content included)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(db_path)) as copy:
        source.backup(copy)
    before = dump(db_path)
    assert before["advocate"] and before["ask"] and before["referral"] and before["follow_up"]
    return before


def assert_refused(
    result: Any, db_path: Path, before: dict[str, Any], *fragments: str, code: int = 1
) -> None:
    assert_one_line_error(result, *fragments, code=code)
    assert dump(db_path) == before


# --- NPS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("advocate", "add", "Cees", "--nps", "11"),
        ("advocate", "add", "Cees", "--nps", "-1"),
        ("advocate", "score", "Bram", "11"),
        ("advocate", "score", "Bram", "--", "-1"),
        ("advocate", "edit", "Bram", "--nps", "11"),
        ("advocate", "edit", "Bram", "--nps", "-1"),
    ],
)
def test_nps_out_of_range(
    cli: Any, db_path: Path, filled: dict[str, Any], args: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert result.exit_code in (1, 2), result.stderr
    assert_refused(result, db_path, filled, "NPS", "0", "10", code=result.exit_code)


def test_nps_minus_one_without_double_dash(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    """Click reads a bare -1 as an option: a usage error, still one line."""
    result = cli("advocate", "score", "Bram", "-1")
    assert result.exit_code in (1, 2)
    assert_refused(result, db_path, filled, "-1", code=result.exit_code)


@pytest.mark.parametrize(
    "args",
    [("advocate", "add", "Cees", "--nps", "nine"), ("advocate", "score", "Bram", "nine")],
)
def test_nps_not_a_number_is_usage(
    cli: Any, db_path: Path, filled: dict[str, Any], args: tuple[str, ...]
) -> None:
    assert_refused(cli(*args), db_path, filled, "nps", "integer", code=2)


# --- enumerations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (("referral", "move", "Piet", "signed"), "signed"),
        (("referral", "list", "--status", "signed"), "signed"),
        (("ask", "add", "Anna Jansen", "--channel", "pigeon"), "pigeon"),
        (("ask", "outcome", "1", "maybe"), "maybe"),
        (("ask", "outcome", "1", "alternative", "--alternative", "poem"), "poem"),
        (("advocate", "add", "Cees", "--source", "magic"), "magic"),
        (("advocate", "list", "--segment", "fans"), "fans"),
        (("advocate", "list", "--format", "xml"), "xml"),
    ],
)
def test_unknown_choice_is_usage(
    cli: Any, db_path: Path, filled: dict[str, Any], args: tuple[str, ...], bad: str
) -> None:
    assert_refused(cli(*args), db_path, filled, bad, code=2)


def test_unknown_command_and_option_are_usage(
    cli: Any, db_path: Path, filled: dict[str, Any]
) -> None:
    assert_refused(cli("advocate", "frobnicate"), db_path, filled, "frobnicate", code=2)
    assert_refused(cli("advocate", "list", "--colour"), db_path, filled, "--colour", code=2)
    assert_refused(cli("ask", "add"), db_path, filled, code=2)


# --- dates ------------------------------------------------------------------------------


BAD_DATES = [
    ("2026-13-01", "check the day and month"),
    ("2025-02-31", "check the day and month"),
    ("someday", "use ISO"),
    ("31/12/2025", "use ISO"),
    ("+3x", "use ISO"),
]


@pytest.mark.parametrize(("text", "fix"), BAD_DATES)
def test_bad_dates(cli: Any, db_path: Path, filled: dict[str, Any], text: str, fix: str) -> None:
    result = cli("ask", "add", "Anna Jansen", "--on", text)
    assert_refused(result, db_path, filled, "--on", repr(text), fix)


@pytest.mark.parametrize(
    "args",
    [
        ("advocate", "score", "Bram", "7", "--on"),
        ("advocate", "add", "Cees", "--since"),
        ("advocate", "edit", "Bram", "--since"),
        ("advocate", "milestone", "Bram", "--on"),
        ("referral", "add", "Bram", "Karin", "--on"),
        ("referral", "move", "Piet", "won", "--on"),
        ("followup", "add", "--advocate", "Bram", "x", "--due"),
        ("followup", "done", "1", "--on"),
    ],
)
def test_every_date_option_refuses_an_impossible_date(
    cli: Any, db_path: Path, filled: dict[str, Any], args: tuple[str, ...]
) -> None:
    result = cli(*args, "2025-02-31")
    assert_refused(result, db_path, filled, args[-1], "'2025-02-31'", "check the day and month")


def test_malformed_reftrack_today(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    for value in ["2026-02-31", "soon", "16-03-2026"]:
        result = cli("advocate", "add", "Cees", env={"REFTRACK_TODAY": value})
        assert_refused(result, db_path, filled, "REFTRACK_TODAY", "YYYY-MM-DD")
        result = cli("ask", "add", "Anna Jansen", env={"REFTRACK_TODAY": value})
        assert_refused(result, db_path, filled, "REFTRACK_TODAY")


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("advocate", "show", "Bran Smit"), ("did you mean", "'Bram Smit'")),
        (("ask", "add", "Anna"), ("#1 Anna de Vries", "#2 Anna Jansen")),
        (("referral", "add", "anna", "Karin"), ("#1 Anna de Vries", "#2 Anna Jansen")),
        (("advocate", "score", "Nobody", "9"), ("no advocate named 'Nobody'",)),
        (("referral", "move", "Piet Baker", "won"), ("did you mean", "'Piet Bakker'")),
        (("advocate", "edit", "42", "--company", "X"), ("no advocate with id 42",)),
        (("advocate", "show", "  "), ("empty",)),
    ],
)
def test_unknown_or_ambiguous_names(
    cli: Any, db_path: Path, filled: dict[str, Any], args: tuple[str, ...], fragments: tuple[str]
) -> None:
    assert_refused(cli(*args), db_path, filled, *fragments)


def test_follow_up_without_a_subject(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    result = cli("followup", "add", "--due", "friday", "call")
    assert_refused(result, db_path, filled, "--advocate", "--referral", "--ask")


def test_referral_with_an_empty_prospect(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    assert_refused(cli("referral", "add", "Bram", "   "), db_path, filled, "prospect")


def test_advocate_with_an_empty_name(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    assert_refused(cli("advocate", "add", " "), db_path, filled, "name")


# --- the database file ------------------------------------------------------------------


def test_db_that_is_a_text_file(cli: Any, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_bytes(b"groceries:\r\n- milk\n- bread\n" * 50)
    before = text.read_bytes()
    for args in [("advocate", "list"), ("advocate", "add", "Anna")]:
        result = cli("--db", str(text), *args)
        assert_one_line_error(result, "is not a SQLite database", str(text))
        assert text.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "notes.txt"]


def test_db_that_is_a_directory(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = cli("--db", str(folder), "advocate", "list")
    assert_one_line_error(result, "is a directory", "reftrack.db")
    assert list(folder.iterdir()) == []


def test_db_in_a_folder_that_does_not_exist_yet(cli: Any, cli_json: Any, tmp_path: Path) -> None:
    """--db makes a new file (and says so), never folders: /nonexistent/x.db is a typo."""
    path = tmp_path / "new" / "deeper" / "my.db"
    assert_one_line_error(
        cli("--db", str(path), "advocate", "add", "Anna"), "does not exist; check the path"
    )
    assert not (tmp_path / "new").exists()
    path.parent.mkdir(parents=True)
    added = ok(cli("--db", str(path), "advocate", "add", "Anna"))
    assert f"note: created a new database at {path}" in added.stderr
    assert [a["name"] for a in cli_json("--db", str(path), "advocate", "list")] == ["Anna"]
    assert dump(path)["advocate"][0][1] == "Anna"


def test_db_under_a_file_cannot_be_made(cli: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "plain"
    blocker.write_text("x")
    result = cli("--db", str(blocker / "reftrack.db"), "advocate", "list")
    assert_one_line_error(result, "--db")
    assert blocker.read_text() == "x"


def foreign_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, title TEXT)")
        connection.execute("INSERT INTO recipe (title) VALUES ('pancakes')")
        connection.commit()


def test_db_of_another_program(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    foreign_database(path)
    before = dump(path)
    for args in [("advocate", "list"), ("advocate", "add", "Anna")]:
        result = cli("--db", str(path), *args)
        assert_one_line_error(result, "another program", "--db")
        assert dump(path) == before  # no reftrack tables were added to it


def test_db_of_another_program_is_left_byte_for_byte(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    foreign_database(path)
    before = path.read_bytes()
    assert_one_line_error(cli("--db", str(path), "advocate", "list"), "another program")
    assert path.read_bytes() == before


def test_db_with_a_newer_schema(cli: Any, db_path: Path, filled: dict[str, Any]) -> None:
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    before = dump(db_path)
    for args in [("advocate", "list"), ("advocate", "add", "Cees"), ("ask", "add", "Bram")]:
        result = cli(*args)
        assert_refused(result, db_path, before, "9999", "upgrade reftrack")
    assert dump(db_path)["alembic_version"] == [("9999",)]


def test_db_option_beats_the_environment(cli: Any, cli_json: Any, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    ok(cli("--db", str(other), "advocate", "add", "Only Here"))
    assert cli_json("advocate", "list") == []
    assert len(cli_json("--db", str(other), "advocate", "list")) == 1
