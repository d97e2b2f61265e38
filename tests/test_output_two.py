"""Output, part two (#14): CSV where it was JSON, plain words for enum values, doctor in
words, the first-run hint, a note for a new --db file, and, on a real pseudo-terminal,
NO_COLOR, narrow terminals and the order of stdout and stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, ok, on_pty


@pytest.fixture
def book(cli: Invoke) -> None:
    for args in [
        ("advocate", "add", "Anna de Vries", "--nps", "9", *OLD, "--phone", "020-1234567"),
        ("ask", "add", "anna", "--on", "2026-03-02", "--channel", "in_person"),
        ("ask", "outcome", "1", "no_response", "--on", "2026-03-09"),
        (
            "referral",
            "add",
            "anna",
            "Piet Bakker",
            "--email",
            "piet@example.com",
            "--on",
            "2026-03-10",
        ),
        ("referral", "move", "piet", "won", "--value", "7500,50", "--no-make-advocate"),
    ]:
        ok(cli(*args))


def parsed_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.usefixtures("book")
@pytest.mark.parametrize(
    ("args", "first_column"),
    [
        (("today",), "section"),
        (("advocate", "show", "anna"), "id"),
        (("referral", "show", "piet"), "id"),
        (("doctor",), "check"),
    ],
)
def test_format_csv_prints_csv(cli: Invoke, args: tuple[str, ...], first_column: str) -> None:
    out = ok(cli(*args, "--format", "csv")).stdout
    assert not out.lstrip().startswith(("{", "["))
    rows = parsed_csv(out)
    assert rows and next(iter(rows[0])) == first_column


@pytest.mark.usefixtures("book")
def test_csv_rows_hold_the_record(cli: Invoke) -> None:
    [advocate] = parsed_csv(ok(cli("advocate", "show", "anna", "-f", "csv")).stdout)
    assert (advocate["name"], advocate["phone"]) == ("Anna de Vries", "020-1234567")
    [referral] = parsed_csv(ok(cli("referral", "show", "piet", "-f", "csv")).stdout)
    assert (referral["prospect"], referral["value"]) == ("Piet Bakker", "7500.50")
    today = parsed_csv(ok(cli("today", "-f", "csv")).stdout)
    assert {row["section"] for row in today} == {"due"}  # Anna was asked: nobody to ask
    assert today[0]["action"].startswith("Thank Anna de Vries")


@pytest.mark.usefixtures("book")
def test_tables_say_enum_values_in_words_and_json_keeps_them(cli: Invoke, cli_json: Any) -> None:
    table = ok(cli("ask", "list")).stdout
    assert "in person" in table and "no response" in table
    assert "in_person" not in table and "no_response" not in table
    [ask] = cli_json("ask", "list")
    assert (ask["channel"], ask["outcome"]) == ("in_person", "no_response")
    assert "circle back" in ok(cli("followup", "list")).stdout


@pytest.mark.usefixtures("book")
def test_due_json_has_the_action_and_days_late(cli: Invoke, cli_json: Any) -> None:
    rows = cli_json("due")
    thank = next(r for r in rows if r["kind"] == "thank" and r["note"] is None)
    assert thank["action"] == "Thank Anna de Vries for introducing Piet Bakker — 020-1234567"
    assert thank["days_late"] == 6  # due 2026-03-10, today 2026-03-16


def test_the_check_back_line_names_the_ask(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Bram", *OLD))
    ok(cli("ask", "add", "bram", "--on", "2026-03-05"))
    assert "Check back with Bram (ask #1 of 2026-03-05, no answer yet)" in ok(cli("due")).stdout


@pytest.mark.usefixtures("book")
def test_referral_show_is_laid_out_like_advocate_show(cli: Invoke) -> None:
    out = ok(cli("referral", "show", "piet")).stdout
    lines = out.splitlines()
    assert lines[0] == "#1 Piet Bakker (won)"
    assert "from         Anna de Vries (advocate #1)" in out
    assert "value        EUR 7,500.50" in out
    assert "Follow-ups" in out
    assert "prospect" not in lines[1]  # not a dump of the row's keys


@pytest.mark.usefixtures("book")
def test_doctor_reads_as_words(cli: Invoke) -> None:
    out = ok(cli("doctor")).stdout
    assert "[]" not in out and "True" not in out and "None" not in out
    assert "status        ok" in out
    assert "schema        0007 (up to date)" in out


@pytest.mark.usefixtures("book")
def test_next_shows_how_to_reach_them(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Cas", "--nps", "10", *OLD, "--email", "cas@example.com"))
    out = ok(cli("next")).stdout
    assert "cas@example.com" in out
    assert "020-1234567" in ok(cli("today")).stdout


def test_score_minus_one_is_a_clear_error(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Dirk"))
    assert_one_line_error(cli("advocate", "score", "dirk", "-1"), "NPS -1 is out of range")


def test_metrics_by_month_is_a_table(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna", *OLD))
    ok(cli("ask", "add", "anna", "--on", "2026-02-10"))
    out = ok(cli("metrics", "--by", "month")).stdout
    assert "By month" in out
    assert "2026-02" in out.split("By month", 1)[1]


# --- the database file and the first run --------------------------------------------------


def test_a_new_db_file_is_said_and_a_missing_folder_refused(cli: Invoke, tmp_path: Path) -> None:
    typo = tmp_path / "typo.bd"
    result = ok(cli("--db", str(typo), "advocate", "list"))
    assert f"note: created a new database at {typo}" in result.stderr
    assert "the book is empty: start with reftrack advocate add" in result.stderr
    assert "created a new database" not in ok(cli("--db", str(typo), "advocate", "list")).stderr
    missing = tmp_path / "nowhere" / "x.db"
    assert_one_line_error(
        cli("--db", str(missing), "advocate", "list"), f"the folder {missing.parent} does not"
    )
    assert not missing.parent.exists()


def test_an_empty_book_says_the_first_step(cli: Invoke) -> None:
    assert "the book is empty" in ok(cli("next")).stderr
    assert "the book is empty" in ok(cli("today")).stderr
    ok(cli("advocate", "add", "Anna", *OLD))
    assert "the book is empty" not in ok(cli("advocate", "list", "--tag", "x")).stderr


def test_demo_leaves_no_folder_behind(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = ok(cli("demo"))
    assert "Ask next" in result.stdout
    assert list(scratch.iterdir()) == []


# --- on a real terminal -------------------------------------------------------------------


@pytest.fixture
def env(book: None, db_path: Path) -> dict[str, str]:
    return {"REFTRACK_DB": str(db_path)}


def test_the_done_hint_shows_on_a_terminal_only(cli: Invoke, env: dict[str, str]) -> None:
    assert b"mark one done: reftrack followup done ID" in on_pty("due", env=env)
    assert "mark one done" not in ok(cli("due")).stderr


def test_no_color_sends_no_escape_at_all(env: dict[str, str]) -> None:
    coloured = on_pty("due", env=env)
    assert b"\x1b[" in coloured  # bold headers, red overdue rows
    plain = on_pty("due", env={**env, "NO_COLOR": "1"})
    assert b"\x1b[" not in plain
    assert b"Thank Anna de Vries" in plain


def test_a_narrow_terminal_keeps_dates_whole(env: dict[str, str]) -> None:
    out = re.sub(r"\x1b\[[0-9;]*m", "", on_pty("referral", "list", env=env, columns=60).decode())
    assert "2026-03-10" in out  # not shredded into 4-character pieces
    assert "Piet" in out
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "piet@example.com" not in out  # the last columns went, the first ones stay


def test_stdout_comes_before_the_message_after_it(cli: Invoke, env: dict[str, str]) -> None:
    """A cron mail (stdout and stderr into one pipe) keeps the order they were written."""
    ok(cli("advocate", "add", "Cas", "--nps", "10", *OLD))
    done = subprocess.run(
        [sys.executable, "-m", "reftrack", "next"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, **env},
        check=True,
    )
    text = done.stdout.decode()
    assert text.index("Ask next") < text.index("log it: reftrack ask add")
    json.dumps(text)  # plain text
