"""`reftrack due`: for a person at the terminal, and for cron (plain text, exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines

LONG_NAME = "Maria Magdalena van Oldenbarnevelt-Hoogstraten tot Nijenrode"


@pytest.fixture
def history(cli: Invoke) -> None:
    """Today is 2026-03-16: one thank-you overdue since 03-10, a contact due today."""
    for args in [
        ("advocate", "add", LONG_NAME, "--nps", "10", "--phone", "0201234567"),
        (
            "referral",
            "add",
            "maria",
            "Piet Bakker",
            "--company",
            "Gamma",
            "--phone",
            "0612345678",
            "--on",
            "2026-03-10",
            "--organic",
        ),
        ("referral", "move", "piet", "contacted", "--on", "2026-03-13"),
        ("advocate", "add", "Budi Santoso", "--nps", "9"),
        ("ask", "add", "budi", "--on", "2026-03-14", "--target", "the CFO of Delta"),
    ]:
        result = cli(*args)
        assert result.exit_code == 0, result.stderr


@pytest.mark.usefixtures("history")
def test_due_lists_overdue_and_today_as_actions(cli: Invoke) -> None:
    result = cli("due")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Due 2026-03-16: 2 to do, 1 overdue" in lines[0]
    body = "\n".join(lines)
    assert f"Thank {LONG_NAME} for introducing Piet Bakker" in body
    assert "6d late" in body
    assert "Call Piet Bakker (Gamma) (contacted, from" in body and "0612345678" in body
    assert "check back" not in body.lower()  # due 03-21, outside today


@pytest.mark.usefixtures("history")
def test_within_shows_what_is_coming(cli: Invoke) -> None:
    result = cli("due", "--within", "7d")
    assert "Check back with Budi Santoso about the CFO of Delta" in result.stdout
    assert "in 5d" in result.stdout


@pytest.mark.usefixtures("history")
def test_as_of_looks_at_another_day(cli_json) -> None:  # type: ignore[no-untyped-def]
    rows = cli_json("due", "--as-of", "2026-03-09")
    assert rows == []
    rows = cli_json("due", "--as-of", "2026-03-21")
    assert [r["kind"] for r in rows] == ["thank", "contact", "check_ask"]
    assert set(rows[0]) >= {
        "id",
        "due_on",
        "kind",
        "advocate_id",
        "advocate",
        "ask_id",
        "referral_id",
        "prospect",
        "note",
        "done_on",
        "outcome",
    }


@pytest.mark.usefixtures("history")
def test_exit_code_3_when_overdue(cli: Invoke) -> None:
    assert cli("due", "--exit-code").exit_code == 3
    assert cli("due", "--exit-code", "--as-of", "2026-03-10").exit_code == 0


def test_quiet_prints_nothing_when_nothing_is_due(cli: Invoke) -> None:
    result = cli("due", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    loud = cli("due")
    assert "nothing due" in loud.stderr


def test_bad_within_is_one_line(cli: Invoke) -> None:
    assert_one_line_error(cli("due", "--within", "soon"), "--within 'soon' is not a duration")


@pytest.mark.usefixtures("history")
def test_snooze_moves_it_out_of_today(cli: Invoke, cli_json) -> None:  # type: ignore[no-untyped-def]
    thank = next(r for r in cli_json("due") if r["kind"] == "thank")
    assert cli("followup", "snooze", str(thank["id"]), "+3m").exit_code == 0
    assert thank["id"] not in [r["id"] for r in cli_json("due")]
    moved = next(r for r in cli_json("followup", "list") if r["id"] == thank["id"])
    assert moved["due_on"] == "2026-06-16"


@pytest.mark.usefixtures("history")
def test_cron_output_is_plain_and_uncut(db_path: Path) -> None:
    """As cron runs it: stdout a pipe, a narrow COLUMNS, no terminal at all."""
    env = {**os.environ, "COLUMNS": "40", "TERM": "xterm-256color"}
    done = subprocess.run(
        [sys.executable, "-m", "reftrack", "due", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout + done.stderr
    assert not set("─│┃━┏┓┗┛╭╮╰╯┡┩") & set(done.stdout)
    assert f"Thank {LONG_NAME} for introducing Piet Bakker" in done.stdout
    assert "…" not in done.stdout


@pytest.mark.usefixtures("history")
def test_two_thank_yous_of_a_won_referral_read_differently(cli: Invoke) -> None:
    assert cli("referral", "move", "piet", "won", "--value", "900").exit_code == 0
    out = cli("due").stdout
    assert f"Thank {LONG_NAME} for introducing Piet Bakker" in out  # the overdue first one
    assert f"Thank {LONG_NAME}: Piet Bakker became a customer" in out
