"""`reftrack forecast` and `metrics --compare source` against numbers worked out by hand
(docs/metrics.md has the same book as its worked example). Today is 2026-03-16.

The book:

| customer | since | until | days | how they came |
|---|---|---|---|---|
| Anna | 2024-03-16 | today | 730 | (the first customer) |
| Bram | 2025-03-16 | churned 2025-09-16 | 184 | |
| Cor | 2025-09-16 | today | 181 | source referral, no referral linked: organic |
| Dirk | 2025-12-16 | today | 90 | Anna's referral of an ask, won 2025-12-16: asked |

1185 customer-days = 1185 / 365 = 3.2466 customer-years; 2 referred customers (1 asked,
1 organic); 1 churned; 3 active today.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import Invoke, assert_one_line_error, ok

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]
YEARS = 1185 / 365


@pytest.fixture
def book(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna", "--since", "2024-03-16"))
    ok(cli("advocate", "add", "Bram", "--since", "2025-03-16"))
    ok(cli("advocate", "churn", "bram", "--on", "2025-09-16"))
    ok(cli("advocate", "add", "Cor", "--since", "2025-09-16", "--source", "referral"))
    ok(cli("ask", "add", "anna", "--on", "2025-06-01", "--backfill"))
    ok(cli("referral", "add", "anna", "Dirk", "--phone", "1", "--on", "2025-06-05", "--backfill"))
    won = ("--on", "2025-12-16", "--make-advocate", "--backfill")
    ok(cli("referral", "move", "dirk", "won", *won))
    ok(cli("advocate", "value", "anna", "1000"))
    ok(cli("advocate", "value", "bram", "500"))
    ok(cli("advocate", "value", "dirk", "250", "--per", "month"))  # 3000 a year


@pytest.mark.usefixtures("book")
def test_k_is_referred_customers_per_customer_year(cli_json: Json) -> None:
    data = cli_json("forecast", "--years", "2")
    assert (data["customers"], data["active"], data["churned"]) == (4, 3, 1)
    assert data["customer_years"] == round(YEARS, 2) == 3.25
    assert (data["referred_customers"], data["asked"], data["organic"]) == (2, 1, 1)
    assert data["k"] == round(2 / YEARS, 4) == 0.616
    assert data["k_asked"] == data["k_organic"] == round(1 / YEARS, 4) == 0.308
    assert data["churn_rate"] == round(1 / YEARS, 4)
    assert data["generations"] == [{"generation": 1, "customers": 1}]  # Dirk, from Anna
    growth = 1 + 2 / YEARS - 1 / YEARS  # 1.308
    assert [row["customers"] for row in data["projection"]] == [
        3.0,
        round(3 * growth, 1),  # 3.9
        round(3 * growth**2, 1),  # 5.1
    ]
    assert [row["ideal"] for row in data["projection"]] == [3.0, 6.0, 12.0]
    assert [row["on"] for row in data["projection"]] == ["2026-03-16", "2027-03-16", "2028-03-16"]


@pytest.mark.usefixtures("book")
def test_what_if_asks_adds_asks_times_yield_times_win_rate(cli_json: Json) -> None:
    data = cli_json("forecast", "--years", "1", "--what-if-asks", "+2/month")
    # one ask, answered by a referral (yield 1.0); one referral closed, won (win rate 1.0)
    assert (data["ask_yield"], data["win_rate"]) == (1.0, 1.0)
    assert data["extra_customers_per_year"] == 24.0  # 2 × 12 × 1.0 × 1.0
    growth = 1 + 1 / YEARS
    assert [row["what_if"] for row in data["projection"]] == [3.0, round(3 * growth + 24, 1)]


def test_no_customers_measures_nothing(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Connection"))  # no --since: not a customer
    data = cli_json("forecast")
    assert (data["customers"], data["k"], data["churn_rate"]) == (0, None, None)
    assert all(row["customers"] is None for row in data["projection"])
    assert "no customer-years to measure k from" in ok(cli("forecast")).stdout


def test_customers_of_today_only_have_no_history(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Anna", "--since", "today"))
    data = cli_json("forecast")
    assert (data["customers"], data["active"], data["customer_years"]) == (1, 1, 0.0)
    assert data["k"] is None


def test_a_single_year(cli: Invoke, cli_json: Json) -> None:
    # 2025-03-16 … 2026-03-16 is 365 days: one customer-year, one referred customer
    ok(cli("advocate", "add", "Anna", "--since", "2025-03-16"))
    ok(cli("advocate", "add", "Piet", "--since", "2026-03-16", "--source", "referral"))
    data = cli_json("forecast", "--years", "1")
    assert (data["customer_years"], data["k"], data["k_organic"]) == (1.0, 1.0, 1.0)
    assert [row["customers"] for row in data["projection"]] == [2.0, 4.0]  # k = 1: doubles
    assert data["projection"] == [
        {**row, "ideal": row["customers"]} for row in data["projection"]
    ]  # at k = 1 without churn the book is the texts' ideal


@pytest.mark.usefixtures("book")
def test_forecast_table_and_csv(cli: Invoke) -> None:
    shown = ok(cli("forecast", "--years", "2")).stdout
    assert "0.62 a customer a year  (asked 0.31, organic 0.31; the texts' ideal 1)" in shown
    assert "ideal k=1" in shown and "year 2" in shown
    lines = ok(cli("forecast", "--years", "2", "--format", "csv")).stdout.splitlines()
    assert lines[0] == "year,on,customers,ideal,what_if"
    assert lines[2] == "1,2027-03-16,3.9,6.0,"


@pytest.mark.parametrize(
    ("args", "says", "code"),
    [
        (("forecast", "--years", "0"), "--years", 2),
        (("forecast", "--years", "51"), "--years", 2),
        (("forecast", "--what-if-asks", "-3"), "--what-if-asks", 1),
        (("forecast", "--what-if-asks", "2.5/month"), "not a number of asks a month", 1),
    ],
)
def test_bad_forecast_options(cli: Invoke, args: tuple[str, ...], says: str, code: int) -> None:
    assert_one_line_error(cli(*args), says, code=code)


@pytest.mark.usefixtures("book")
def test_compare_source_by_hand(cli: Invoke, cli_json: Json) -> None:
    data = cli_json("metrics", "--compare", "source")
    referral, other = data["compare"]
    # came by referral: Cor (181 days, no value) and Dirk (90 days, 3000 a year)
    assert referral == {
        "group": "referral",
        "customers": 2,
        "valued": 1,
        "value_per_year": "3000.00",
        "months_retained": round((181 + 90) * 12 / 365 / 2, 1),  # 4.5
        "still_active": 1.0,
    }
    # the rest: Anna (730 days, 1000) and Bram (184 days until his churn, 500)
    assert other == {
        "group": "other",
        "customers": 2,
        "valued": 2,
        "value_per_year": "750.00",
        "months_retained": round((730 + 184) * 12 / 365 / 2, 1),  # 15.0
        "still_active": 0.5,
    }
    lines = ok(cli("metrics", "--compare", "source", "--format", "csv")).stdout.splitlines()
    assert lines == [
        "group,customers,valued,value_per_year,months_retained,still_active",
        "referral,2,1,3000.00,4.5,1.0",
        "other,2,2,750.00,15.0,0.5",
    ]
    table = ok(cli("metrics", "--compare", "source")).stdout
    assert "came by referral" in table and "EUR 3,000" in table


def test_compare_source_on_an_empty_book(cli_json: Json) -> None:
    data = cli_json("metrics", "--compare", "source")
    assert [g["customers"] for g in data["compare"]] == [0, 0]
    assert data["compare"][0]["months_retained"] is None
    assert data["compare"][0]["still_active"] is None
