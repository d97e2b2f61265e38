"""`reftrack today`: what is due, the top three to ask, this month against last month."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import OLD, Invoke

pytestmark = pytest.mark.both_engines


@pytest.fixture
def morning(cli: Invoke) -> None:
    """Today is Monday 2026-03-16."""
    for args in [
        ("advocate", "add", "Ann", "--nps", "10", *OLD),
        ("advocate", "add", "Bas", "--nps", "9", *OLD),
        ("advocate", "add", "Cor", "--nps", "8", *OLD),
        ("advocate", "add", "Dirk", "--nps", "7", *OLD),
        ("advocate", "add", "Eva", "--nps", "9", *OLD),
        ("advocate", "add", "Fem", "--nps", "9", *OLD),
        # February: one ask, its referral, won
        ("ask", "add", "Eva", "--channel", "phone", "--on", "2026-02-10"),
        ("referral", "add", "Eva", "Gijs", "--ask", "1", "--on", "2026-02-12", "--email", "g@x.nl"),
        ("referral", "move", "Gijs", "won", "--value", "1000", "--on", "2026-02-20"),
        # March: one ask without an answer, an organic referral, a to-do for today
        ("ask", "add", "Fem", "--channel", "email", "--on", "2026-03-05"),
        ("referral", "add", "Ann", "Hans", "--organic", "--phone", "0612", "--on", "2026-03-10"),
        ("followup", "add", "--advocate", "Bas", "--due", "today", "send the case study"),
    ]:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)


@pytest.mark.usefixtures("morning")
def test_today_as_json(cli_json: Any) -> None:
    data = cli_json("today")
    assert data["date"] == "2026-03-16"
    due = [(row["due_on"], row["kind"], row["overdue"]) for row in data["due"]]
    assert due == [
        ("2026-02-12", "thank", True),
        ("2026-02-20", "thank", True),
        ("2026-03-10", "thank", True),
        ("2026-03-11", "contact", True),
        ("2026-03-12", "check_ask", True),
        ("2026-03-16", "custom", False),
    ]
    assert data["due"][3]["action"].startswith("Call Hans (new, from Ann)")
    assert [row["advocate"] for row in data["next"]] == ["Ann", "Bas", "Cor"]
    assert data["this_month"] == {
        "since": "2026-03-01",
        "until": "2026-03-16",
        "asks": 1,
        "referrals": 1,
        "won": 0,
        "won_value": "0.00",
        "ask_yield": 0.0,
    }
    assert data["last_month"] == {
        "since": "2026-02-01",
        "until": "2026-02-28",
        "asks": 1,
        "referrals": 1,
        "won": 1,
        "won_value": "1000.00",
        "ask_yield": 1.0,
    }


@pytest.mark.usefixtures("morning")
def test_today_screen(cli: Invoke) -> None:
    result = cli("today")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Today: Monday 2026-03-16\n")
    assert "Due (6, 5 overdue)" in out
    assert "32d late" in out and "Thank Eva" in out
    assert "send the case study" in out
    ask = out[out.index("Ask next") : out.index("This month against last month")]
    assert [line.split()[1] for line in ask.splitlines()[3:] if line.strip()] == [
        "Ann",
        "Bas",
        "Cor",
    ]
    headline = out[out.index("This month against last month") :]
    assert "March to 16" in headline and "February" in headline
    rows = [line.split() for line in headline.splitlines()]
    assert ["asks", "1", "1"] in rows
    assert ["won", "value", "EUR", "0", "EUR", "1,000"] in rows
    assert ["ask", "yield", "0%", "100%"] in rows
    assert "\x1b[" not in out


def test_today_on_an_empty_book(cli: Invoke) -> None:
    result = cli("today")
    assert result.exit_code == 0
    assert "nothing due today" in result.stdout
    assert "nobody to ask today" in result.stdout
    assert ["ask", "yield", "—", "—"] in [line.split() for line in result.stdout.splitlines()]
