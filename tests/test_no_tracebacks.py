"""Every argument, however odd, ends in one line and an exit code of 0-3.

Dates at the calendar's ends, huge numbers and ids, odd URLs, a full disk, a closed
stdout, a damaged file: each gets one line naming the problem and the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

RANGE = "use a date from 1900-01-01 to 2999-12-31"


@pytest.fixture
def book(cli: Invoke, db_path: Path) -> Path:
    ok(cli("advocate", "add", "Anna", "--nps", "9", *OLD))
    ok(cli("referral", "add", "Anna", "Piet"))
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "add", "Anna", "--on", "9999-12-31"),
        ("ask", "add", "Anna", "--on", "0001-01-01"),
        ("ask", "add", "Anna", "--on", "+99999m"),
        ("ask", "add", "Anna", "--on", "+99999y"),
        ("ask", "add", "Anna", "--on", "-99999w"),
        ("referral", "add", "Anna", "Kees", "--on", "9999-12-31"),
        ("advocate", "add", "Bob", "--since", "0001-01-01"),
    ],
)
def test_dates_at_the_calendars_ends_are_refused(
    cli: Invoke, book: Path, args: tuple[str, ...]
) -> None:
    before = dump(book)
    assert_one_line_error(cli(*args), "is out of range", RANGE)
    assert dump(book) == before


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize(
    "args", [("due",), ("ask", "add", "Anna"), ("referral", "add", "Anna", "Kees")]
)
def test_a_today_at_the_calendars_ends_is_refused(
    cli: Invoke, book: Path, today: str, args: tuple[str, ...]
) -> None:
    before = dump(book)
    result = cli(*args, env={"REFTRACK_TODAY": today})
    assert_one_line_error(result, f"REFTRACK_TODAY='{today}' is out of range", "or unset it")
    assert dump(book) == before


def test_the_last_accepted_day_takes_every_cadence(cli: Invoke, book: Path) -> None:
    (book.parent.parent / "config.toml").write_text("[cadence]\ncircle_back_days = 3650\n")
    ok(cli("ask", "add", "Anna", "--force", env={"REFTRACK_TODAY": "2999-12-31"}))
    ok(cli("due", env={"REFTRACK_TODAY": "2999-12-31"}))


def test_an_imported_date_past_the_range_is_a_row_error(cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,customer_since\nAnna,9999-12-31\n")
    result = cli("import", "advocates", str(source))
    assert result.exit_code == 1
    assert "out of range" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("key", "section", "value", "limit"),
    [
        ("circle_back_days", "cadence", 100_000_000, "use 0 to 3650 days"),
        ("ask_cooldown_days", "guards", 3651, "use 0 to 3650 days"),
        ("milestone_boost_days", "suggest", 10**30, "use 0 to 3650 days"),
        ("busy_timeout_ms", "database", 10**12, "use 0 to 3600000 ms"),
    ],
)
def test_a_day_count_setting_is_bounded(
    cli: Invoke, tmp_path: Path, key: str, section: str, value: int, limit: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[{section}]\n{key} = {value}\n")
    result = cli("due")
    assert_one_line_error(
        result, f"config {section}.{key} = {value} in {config} is out of range", limit
    )


def test_a_missing_named_config_file_is_refused(cli: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "config.toml"
    result = cli("due", env={"REFTRACK_CONFIG": str(missing)})
    assert_one_line_error(
        result, f"config file {missing} does not exist", "unset REFTRACK_CONFIG or create it"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("followup", "done", "99999999999999999999"), "no follow-up with id 99999999999999999999"),
        (("advocate", "show", "#9223372036854775808"), "no advocate with id 9223372036854775808"),
        (("advocate", "show", "9223372036854775807"), "no advocate with id 9223372036854775807"),
        (("referral", "show", "#" + "9" * 40), "no referral with id " + "9" * 40),
        (("ask", "outcome", "9" * 30, "declined"), "no ask with id " + "9" * 30),
    ],
)
def test_huge_ids_name_nothing(
    cli: Invoke, book: Path, args: tuple[str, ...], message: str
) -> None:
    before = dump(book)
    assert_one_line_error(cli(*args), message)
    assert dump(book) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999999999999999999999", "is too large; give an amount up to 1,000,000,000,000"),
        ("1000000000000.01", "is too large; give an amount up to 1,000,000,000,000"),
        ("1e30", "is not an amount"),
    ],
)
def test_a_huge_value_is_refused(cli: Invoke, book: Path, value: str, message: str) -> None:
    before = dump(book)
    assert_one_line_error(cli("referral", "move", "Piet", "won", "--value", value), message)
    assert dump(book) == before


def test_the_largest_value_is_taken(cli: Invoke, book: Path) -> None:
    ok(cli("referral", "move", "Piet", "won", "--value", "1000000000000"))
    ok(cli("metrics"))


# --- database URLs and connections ------------------------------------------------------


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("postgresql://host:notaport/db", "the port in the --db URL is not a number"),
        ("foo://u:secret@x", "--db foo://u:***@x: reftrack works with a SQLite file or a"),
        ("", "--db is empty; give a file path or a URL, or leave --db out"),
        (":memory:", "is an in-memory database: everything written would vanish"),
        ("sqlite://", "is an in-memory database: everything written would vanish"),
        ("sqlite:///:memory:", "is an in-memory database"),
        ("/dev/null", "--db /dev/null is not a regular file (a device or a pipe)"),
    ],
)
def test_odd_database_urls_are_refused(cli: Invoke, db: str, message: str) -> None:
    result = cli("--db", db, "advocate", "list")
    assert_one_line_error(result, message)
    assert "secret" not in result.stderr


def test_postgres_is_an_alias_of_postgresql_psycopg() -> None:
    from reftrack.db import resolve_url

    assert resolve_url("postgres://me:pw@h/d") == "postgresql+psycopg://me:pw@h/d"
    assert resolve_url("postgresql://h/d") == "postgresql+psycopg://h/d"


def _pg(path: str, **parts: str) -> str:
    import os

    from sqlalchemy.engine import make_url

    url = os.environ.get("REFTRACK_TEST_PG_URL")
    if not url:
        pytest.skip("no PostgreSQL: set REFTRACK_TEST_PG_URL")
    return make_url(url).set(database=path, **parts).render_as_string(hide_password=False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"database": "nonexistent_db"}, "the database does not exist; create it first"),
        ({"username": "nosuchrole_xyz"}, "has no such role (user); fix the user in the URL"),
        ({"port": "1", "host": "127.0.0.1"}, "cannot reach the database server of"),
    ],
)
def test_postgresql_connection_errors_are_told_apart(
    cli: Invoke, change: dict[str, str], message: str
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(_pg("postgres"))
    url = url.set(**{k: int(v) if k == "port" else v for k, v in change.items()})  # type: ignore[arg-type]
    assert_one_line_error(cli("--db", url.render_as_string(False), "advocate", "list"), message)


def test_tls_required_against_a_server_without_it(cli: Invoke) -> None:
    url = _pg("nonexistent_db") + "?sslmode=require"
    assert_one_line_error(cli("--db", url, "advocate", "list"), "does not offer TLS")


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        ('password authentication failed for user "me"', "refused the password"),
        ('no pg_hba.conf entry for host "1.2.3.4", user "me", no encryption', "requires TLS"),
        ('could not translate host name "nohost" to address', "cannot reach the database"),
    ],
)
def test_server_messages_without_a_server(detail: str, message: str) -> None:
    from reftrack.db_errors import explain

    assert message in explain(detail, "postgresql+psycopg://me@h/d", None)


def test_a_read_only_folder_is_named_as_such(tmp_path: Path) -> None:
    from reftrack.db_errors import explain

    database = tmp_path / "r.db"
    database.write_bytes(b"")
    line = explain("attempt to write a readonly database", str(database), database)
    assert "the folder" in line and "chmod u+w" not in line


# --- output that cannot be written --------------------------------------------------------


def _many(cli: Invoke, tmp_path: Path, count: int = 300) -> None:
    source = tmp_path / "many.csv"
    rows = "".join(f"Person {i},Company {i},p{i}@example.com\n" for i in range(count))
    source.write_text("name,company,email\n" + rows)
    ok(cli("import", "advocates", str(source)))


def _run(*args: str, stdout: int | None = None) -> tuple[int, str, bytes]:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "reftrack", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        check=False,
    )
    return done.returncode, done.stderr.decode(), done.stdout or b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", [("advocate", "list"), ("export", "advocates")])
def test_stdout_on_a_full_disk(cli: Invoke, tmp_path: Path, args: tuple[str, ...]) -> None:
    _many(cli, tmp_path)
    with open("/dev/full", "wb") as full:
        code, stderr, _ = _run(*args, stdout=full.fileno())
    assert code == 1
    assert stderr == "error: cannot write output (No space left on device)\n"


@pytest.mark.parametrize("args", [("export", "advocates"), ("advocate", "list")])
def test_a_closed_pipe_ends_quietly(cli: Invoke, tmp_path: Path, args: tuple[str, ...]) -> None:
    import os
    import subprocess
    import sys

    _many(cli, tmp_path, 3000)
    reader = subprocess.Popen(["head", "-1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    writer = subprocess.run(
        [sys.executable, "-m", "reftrack", *args],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        check=False,
    )
    reader.stdin.close()
    reader.wait()
    assert writer.returncode == 0
    assert writer.stderr == b""


def test_an_export_to_a_full_disk(
    cli: Invoke, book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import io
    import os

    target = tmp_path / "out.csv"
    real_fdopen = os.fdopen

    class Full(io.StringIO):
        def write(self, data: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(handle: int, *args: object, **kwargs: object) -> io.StringIO:
        real_fdopen(handle).close()
        return Full()

    monkeypatch.setattr(os, "fdopen", fdopen)
    result = cli("export", "advocates", str(target))
    monkeypatch.undo()
    assert_one_line_error(result, f"cannot write {target} (No space left on device)")
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


# --- a damaged SQLite file ---------------------------------------------------------------


def _damaged(cli: Invoke, tmp_path: Path, db_path: Path, where: str) -> Path:
    import sqlite3

    _many(cli, tmp_path, 400)
    copy = tmp_path / f"{where}.db"
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    target.close()
    data = bytearray(copy.read_bytes())
    start = 100 if where == "first" else (len(data) // 4096 // 2) * 4096
    data[start : start + 4096 - start % 4096] = b"\xff" * (4096 - start % 4096)
    copy.write_bytes(bytes(data))
    return copy


@pytest.mark.parametrize("where", ["middle", "first"])
def test_doctor_reports_a_damaged_file(
    cli: Invoke, tmp_path: Path, db_path: Path, where: str
) -> None:
    damaged = _damaged(cli, tmp_path, db_path, where)
    result = cli("--db", str(damaged), "doctor")
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "the database file is damaged" in result.stderr
    assert "malformed" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args", [("export", "advocates"), ("advocate", "list"), ("advocate", "add", "Zed"), ("due",)]
)
def test_other_commands_on_a_damaged_file(
    cli: Invoke, tmp_path: Path, db_path: Path, args: tuple[str, ...]
) -> None:
    damaged = _damaged(cli, tmp_path, db_path, "first")
    result = cli("--db", str(damaged), *args)
    assert_one_line_error(
        result,
        "the database file is damaged:",
        "(restore a backup; reftrack doctor shows what is wrong)",
    )


def test_a_window_past_the_calendar_is_refused(cli: Invoke) -> None:
    """Found by tests/test_fuzz_cli.py: `due --within +99999m` ended in a ValueError."""
    assert_one_line_error(cli("due", "--within", "+99999m"), "--within '+99999m' is too far")
    assert_one_line_error(cli("due", "--within", "999y"), "--within '999y' is out of range")
