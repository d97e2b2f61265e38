"""`reftrack metrics`: every key of docs/metrics.md computed by hand on a small dated book.

The period under test is February 2026 ([2026-02-01, 2026-02-28]). Each kind of record has
one on ``since``, one on ``until`` (both count) and one a day outside (does not count).
The book is built once through the real CLI and only read by the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reftrack.cli.main import app
from tests.helpers import TODAY, Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines

FEB = ("--since", "2026-02-01", "--until", "2026-02-28")

BOOK: list[tuple[str, ...]] = [
    # advocates: four active scored (10, 9, 8, 3), one promoter archived, new customers
    ("advocate", "add", "Ann", "--nps", "10", "--since", "2024-01-01", "--source", "inbound"),
    ("advocate", "add", "Ben", "--nps", "9", "--since", "2024-01-01"),
    ("advocate", "add", "Cat", "--nps", "8", "--since", "2024-01-01"),
    ("advocate", "add", "Dan", "--nps", "3", "--since", "2024-01-01"),
    ("advocate", "add", "Jo", "--nps", "9", "--since", "2024-01-01"),
    ("advocate", "add", "Ivy", "--nps", "9", "--since", "2024-01-01"),
    ("advocate", "archive", "Ivy"),
    ("advocate", "add", "Eve", "--since", "2026-02-01", "--source", "referral"),  # on since
    ("advocate", "add", "Fay", "--since", "2026-02-28", "--source", "inbound"),  # on until
    ("advocate", "add", "Gus", "--since", "2026-01-31", "--source", "referral"),  # day before
    ("advocate", "add", "Hal", "--since", "2026-03-01", "--source", "referral"),  # day after
    # asks: #1 on since, #2 on until, #3 and #4 a day outside, #5 inside, #6 long before
    ("ask", "add", "Ann", "--channel", "phone", "--on", "2026-02-01"),
    ("ask", "add", "Ben", "--channel", "email", "--on", "2026-02-28"),
    ("ask", "add", "Cat", "--channel", "phone", "--on", "2026-01-31"),
    ("ask", "add", "Eve", "--channel", "video", "--on", "2026-03-01", "--force"),
    ("ask", "add", "Cat", "--channel", "phone", "--on", "2026-02-15", "--force"),
    ("ask", "add", "Jo", "--channel", "phone", "--on", "2025-12-15"),
    # referrals (#n in order) and how they end
    ("referral", "add", "Cat", "R1-Jan", "--phone", "1", "--organic", "--on", "2026-01-05"),
    ("referral", "move", "R1-Jan", "won", "--value", "7", "--on", "2026-01-31"),
    ("referral", "add", "Ben", "R2-Ben", "--phone", "1", "--organic", "--on", "2026-01-31"),
    ("referral", "move", "R2-Ben", "won", "--value", "1000", "--on", "2026-02-01"),
    ("referral", "add", "Ann", "R3-Ann", "--phone", "1", "--ask", "1", "--on", "2026-02-01"),
    ("referral", "move", "R3-Ann", "won", "--value", "250.50", "--on", "2026-02-28"),
    ("referral", "add", "Cat", "R4-Cat", "--phone", "1", "--ask", "3", "--on", "2026-02-10"),
    ("referral", "move", "R4-Cat", "lost", "--on", "2026-02-20"),
    ("referral", "add", "Ann", "R5-Ann", "--phone", "1", "--organic", "--on", "2026-02-28"),
    ("referral", "move", "R5-Ann", "won", "--value", "999", "--on", "2026-03-01"),
    ("referral", "add", "Ben", "R6-Ben", "--phone", "1", "--ask", "2", "--on", "2026-03-01"),
    # a custom follow-up due in February, done only in March: overdue as of 02-28
    ("followup", "add", "--advocate", "Ann", "--due", "2026-02-20", "send the case study"),
]


def _runner(db: Path, tmp: Path) -> Callable[..., Any]:
    runner = CliRunner()
    (tmp / "config.toml").touch()
    env = {
        "REFTRACK_DB": str(db),
        "REFTRACK_TODAY": TODAY,
        "REFTRACK_CONFIG": str(tmp / "config.toml"),
    }

    def run(*args: str) -> Any:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.stderr)
        return result

    return run


def _follow_up_id(run: Callable[..., Any], kind: str, due_on: str, prospect: str | None) -> int:
    rows = json.loads(run("followup", "list", "--all", "--format", "json").stdout)
    [found] = [
        r for r in rows if (r["kind"], r["due_on"], r["prospect"]) == (kind, due_on, prospect)
    ]
    return int(found["id"])


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("metrics")
    db = tmp / "book.db"
    run = _runner(db, tmp)
    for args in BOOK:
        run(*args)
    # the thank-you for R3 done on the day (sets thanked_on); the custom one in March
    run(
        "followup",
        "done",
        str(_follow_up_id(run, "thank", "2026-02-01", "R3-Ann")),
        "--on",
        "2026-02-01",
    )
    run(
        "followup",
        "done",
        str(_follow_up_id(run, "custom", "2026-02-20", None)),
        "--on",
        "2026-03-02",
    )
    return db


@pytest.fixture
def metrics(cli: Invoke, book: Path) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        result = cli("--db", str(book), "metrics", *args)
        assert result.exit_code == 0, result.stderr
        return result

    return invoke


def _json(metrics: Callable[..., Any], *args: str) -> Any:
    return json.loads(metrics(*args, "--format", "json").stdout)


def test_every_key_of_february_by_hand(metrics: Callable[..., Any]) -> None:
    assert _json(metrics, *FEB) == {
        "since": "2026-02-01",
        "until": "2026-02-28",
        "asks": 3,  # #1 (on since), #2 (on until), #5; not #3 (01-31), #4 (03-01), #6
        "asks_with_referral": 2,  # #1 (R3) and #2 (R6, received in March: still linked)
        "ask_yield": 0.6667,
        "referrals": 3,  # R3 (02-01), R4, R5 (02-28); not R2 (01-31), R6 (03-01)
        "organic_referrals": 1,  # R5
        "won": 2,  # R2 (closed 02-01), R3 (closed 02-28); not R1 (01-31), R5 (03-01)
        "lost": 1,  # R4
        "win_rate": 0.6667,
        "won_value": "1250.50",  # 1000 + 250.50
        "median_days_to_win": 14,  # R2 took 1 day, R3 27: (1 + 27) / 2
        "new_customers": 2,  # Eve (on since), Fay (on until); not Gus, Hal
        "referred_customers": 1,  # Eve
        "referral_rate": 0.5,
        "thanked_rate": 0.3333,  # R3 of R3, R4, R5
        # done in Feb: check_ask #1 (02-01, due 02-08), contact R2 (02-01, due 02-01),
        # thank R3 (02-01, due 02-01) on time; check_ask #3 (02-10, due 02-07), contact R3
        # (02-28, due 02-02), contact R4 (02-20, due 02-11) late
        "followups_on_time": 0.5,
        # open and due before 02-28: check_ask #5 (02-22), check_ask #6 (2025-12-22),
        # thank R1 ×2 (01-05, 01-31), thank R2 ×2 (01-31, 02-01), thank R4 (02-10), and the
        # custom one (due 02-20, done only 03-02); not circle_back #6 (due 02-28 itself)
        "overdue": 8,
        "nps": {"score": 40.0, "promoters": 3, "passives": 1, "detractors": 1, "scored": 5},
        "promoters_asked": 0.6667,  # Ann, Ben of Ann, Ben, Jo (Jo 75 days before: out)
        "intros_given": 0,
        "gifts_cost": "0.00",
        "cost_per_won_referral": "0.00",  # no gifts, 2 won: 0 each (null only when none won)
        "nps_fresh": 0.0,  # every score was given on 2026-03-16, after until
        # no ask here named anyone or was promised (tests/test_asking_metrics.py has them)
        "promises": 0,
        "promises_kept": 0,
        "asks_with_target": 0,
        "ask_yield_with_target": None,
    }


def test_zero_denominators_are_null_not_zero(cli_json: Any) -> None:
    data = cli_json("metrics")
    assert data == {
        "since": "2025-12-17",
        "until": "2026-03-16",
        "asks": 0,
        "asks_with_referral": 0,
        "ask_yield": None,
        "referrals": 0,
        "organic_referrals": 0,
        "won": 0,
        "lost": 0,
        "win_rate": None,
        "won_value": "0.00",
        "median_days_to_win": None,
        "new_customers": 0,
        "referred_customers": 0,
        "referral_rate": None,
        "thanked_rate": None,
        "followups_on_time": None,
        "overdue": 0,
        "nps": {"score": None, "promoters": 0, "passives": 0, "detractors": 0, "scored": 0},
        "promoters_asked": None,
        "intros_given": 0,
        "gifts_cost": "0.00",
        "cost_per_won_referral": None,
        "nps_fresh": None,
        "promises": 0,
        "promises_kept": 0,
        "asks_with_target": 0,
        "ask_yield_with_target": None,
    }


def test_zero_denominators_show_a_dash_in_the_table(cli: Invoke) -> None:
    result = cli("metrics")
    assert result.exit_code == 0
    assert "ask yield           —" in result.stdout
    assert "won value           EUR 0" in result.stdout


@pytest.mark.parametrize(
    ("args", "since", "until"),
    [
        ((), "2025-12-17", TODAY),  # the last 90 days, today included
        (("--period", "month"), "2026-03-01", TODAY),
        (("--period", "quarter"), "2026-01-01", TODAY),
        (("--period", "year"), "2026-01-01", TODAY),
        (("--period", "all"), "2024-01-01", TODAY),  # the first customer_since
        (("--period", "month", "--until", "2026-02-10"), "2026-02-01", "2026-02-10"),
        (("--since", "2026-03-01"), "2026-03-01", TODAY),
        (("--until", "2026-01-31"), "2025-11-03", "2026-01-31"),
    ],
)
def test_periods(
    metrics: Callable[..., Any], args: tuple[str, ...], since: str, until: str
) -> None:
    data = _json(metrics, *args)
    assert (data["since"], data["until"]) == (since, until)


def test_month_to_date_counts(metrics: Callable[..., Any]) -> None:
    data = _json(metrics, "--period", "month")
    assert (data["asks"], data["referrals"], data["won"], data["won_value"]) == (
        1,
        1,
        1,
        "999.00",
    )
    assert data["ask_yield"] == 0.0  # one ask (#4), no referral: a real zero, not null


def test_by_channel(metrics: Callable[..., Any]) -> None:
    data = _json(metrics, *FEB, "--by", "channel")
    assert data["asks"] == 3  # the headline keys are all still there
    assert data["breakdown"] == [
        {
            "key": "phone",
            "asks": 2,
            "referrals": 2,
            "won": 1,
            "won_value": "250.50",
            "ask_yield": 0.5,
        },
        {
            "key": "email",
            "asks": 1,
            "referrals": 0,
            "won": 0,
            "won_value": "0.00",
            "ask_yield": 1.0,
        },
        {
            "key": "organic",
            "asks": 0,
            "referrals": 1,
            "won": 1,
            "won_value": "1000.00",
            "ask_yield": None,
        },
    ]


def test_by_month_fills_every_month(metrics: Callable[..., Any]) -> None:
    data = _json(metrics, "--since", "2026-01-01", "--until", "2026-03-31", "--by", "month")
    assert data["breakdown"] == [
        {
            "key": "2026-01",
            "asks": 1,
            "referrals": 2,
            "won": 1,
            "won_value": "7.00",
            "ask_yield": 1.0,
        },
        {
            "key": "2026-02",
            "asks": 3,
            "referrals": 3,
            "won": 2,
            "won_value": "1250.50",
            "ask_yield": 0.6667,
        },
        {
            "key": "2026-03",
            "asks": 1,
            "referrals": 1,
            "won": 1,
            "won_value": "999.00",
            "ask_yield": 0.0,
        },
    ]


def test_by_advocate_as_csv(metrics: Callable[..., Any]) -> None:
    result = metrics(*FEB, "--by", "advocate", "--format", "csv")
    assert result.stdout.splitlines() == [
        "key,asks,referrals,won,won_value,ask_yield",
        "Ann,1,2,1,250.50,1.0",
        "Cat,1,1,0,0.00,0.0",
        "Ben,1,0,1,1000.00,1.0",
    ]


def test_csv_without_by_is_one_flat_row(metrics: Callable[..., Any]) -> None:
    header, row = metrics(*FEB, "--format", "csv").stdout.splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["asks"] == "3" and values["won_value"] == "1250.50"
    assert values["nps_score"] == "40.0" and values["nps_scored"] == "5"
    assert values["median_days_to_win"] == "14"


def test_table_has_headline_funnel_and_trend(metrics: Callable[..., Any]) -> None:
    out = metrics(*FEB).stdout
    assert "Metrics 2026-02-01 … 2026-02-28" in out
    assert "ask yield           67%" in out
    assert "won value           EUR 1,250.50" in out
    assert "median days to win  14" in out
    assert "Funnel" in out and "referrals  " in out
    assert "Referrals by month" in out and "2026-02" in out
    assert "\x1b[" not in out and "│" not in out  # plain text when not a terminal


def test_table_by_channel_adds_a_table(metrics: Callable[..., Any]) -> None:
    out = metrics(*FEB, "--by", "channel").stdout
    assert "By channel" in out
    rows = [line.split() for line in out.splitlines()]
    assert ["organic", "0", "1", "1", "EUR", "1,000", "—"] in rows
    assert ["phone", "2", "2", "1", "EUR", "250.50", "50%"] in rows


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--since", "2026-03-01", "--until", "2026-02-01"), ("after --until",)),
        (("--since", "2026-01-01", "--period", "month"), ("--since and --period",)),
        (("--since", "someday"), ("--since", "is not a date")),
    ],
)
def test_bad_periods_are_one_line_errors(
    cli: Invoke, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(cli("metrics", *args), *fragments)
