"""`reftrack next`: whom to ask, ranked with reasons; the guards of `ask add` exclude.

Today is 2026-03-16. Each ranking rule has a test where it changes the order.
"""

from __future__ import annotations

from typing import Any

import pytest

from reftrack.config import Settings
from reftrack.dates import today
from reftrack.db import open_database, resolve_url
from reftrack.db_file import SessionReader
from reftrack.services import guards, lookup
from reftrack.services.suggest import WEIGHTS, suggest
from tests.helpers import OLD, Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines


def add(cli: Invoke, *args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)


def names(cli_json: Any, *args: str) -> list[str]:
    return [row["advocate"] for row in cli_json("next", *args)]


def test_promoters_before_passives_before_unscored(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Una", *OLD)  # unscored
    add(cli, "advocate", "add", "Pat", "--nps", "7", *OLD)
    add(cli, "advocate", "add", "Pam", "--nps", "8", *OLD)
    add(cli, "advocate", "add", "Zed", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Max", "--nps", "10", *OLD)
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Max", "Zed", "Pam", "Pat", "Una"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["reasons"] == "promoter (NPS 10); never asked"
    assert rows[2]["reasons"] == "passive (NPS 8); never asked"
    assert rows[4]["reasons"] == "not scored yet; never asked"
    assert {r["suggested"] for r in rows} == {True}
    assert {r["eligible_from"] for r in rows} == {"2026-03-16"}


def test_a_fresh_milestone_lifts_a_passive_above_a_promoter(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Pia", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Tom", "--nps", "7", *OLD)
    add(cli, "advocate", "add", "Old", "--nps", "8", *OLD)
    assert names(cli_json) == ["Pia", "Old", "Tom"]
    add(cli, "advocate", "milestone", "Tom", "--on", "2026-03-10")
    add(cli, "advocate", "milestone", "Old", "--on", "2026-02-13")  # 31 days ago: too old
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Tom", "Pia", "Old"]
    assert rows[0]["reasons"].startswith(
        "milestone 6 days ago (2026-03-10): strike while the iron is hot; passive (NPS 7)"
    )
    assert "milestone" not in rows[2]["reasons"]


def test_milestone_on_the_last_day_of_the_boost_still_counts(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Pia", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Tom", "--nps", "7", *OLD)
    add(cli, "advocate", "milestone", "Tom", "--on", "2026-02-14")  # exactly 30 days ago
    assert names(cli_json) == ["Tom", "Pia"]


def test_having_referred_before_lifts(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Abe", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Zoe", "--nps", "9", *OLD)
    assert names(cli_json) == ["Abe", "Zoe"]  # a tie goes by name
    add(cli, "referral", "add", "Zoe", "Piet", "--organic", "--on", "2025-06-01")
    add(cli, "referral", "move", "Piet", "won", "--value", "100", "--on", "2025-07-01")
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Zoe", "Abe"]
    assert rows[0]["referrals"] == 1
    assert "referred 1 before (1 won)" in rows[0]["reasons"]
    assert rows[0]["score"] == rows[1]["score"] + WEIGHTS.referred_before + WEIGHTS.per_won_referral


def test_asked_longest_ago_goes_first_on_a_tie(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Abe", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Bea", "--nps", "9", *OLD)
    add(cli, "advocate", "add", "Cas", "--nps", "9", *OLD)
    add(cli, "ask", "add", "Abe", "--on", "2025-12-01")
    add(cli, "ask", "add", "Bea", "--on", "2025-06-01")
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Cas", "Bea", "Abe"]
    assert rows[1]["last_asked_on"] == "2025-06-01"
    assert rows[1]["reasons"].endswith("last asked 2025-06-01")


@pytest.fixture
def book(cli: Invoke) -> None:
    """One advocate per guard, next to one who can be asked."""
    add(cli, "advocate", "add", "Good", "--nps", "8", *OLD)
    add(cli, "advocate", "add", "Recent", "--nps", "10", *OLD)
    add(cli, "ask", "add", "Recent", "--on", "2026-02-01")
    add(cli, "advocate", "add", "Low", "--nps", "4", *OLD)
    add(cli, "advocate", "add", "Six", "--nps", "6", *OLD)
    add(cli, "advocate", "add", "Newbie", "--nps", "10", "--since", "2026-03-01")
    add(cli, "advocate", "add", "Upset", "--nps", "9", *OLD)
    add(cli, "advocate", "complaint", "Upset", "--on", "2026-03-10")
    add(cli, "advocate", "add", "Gone", "--nps", "10", *OLD)
    add(cli, "advocate", "archive", "Gone")


@pytest.mark.usefixtures("book")
def test_guards_exclude(cli_json: Any) -> None:
    # a 6 that `ask add` accepts is suggested too, last (the same guards)
    assert names(cli_json) == ["Good", "Six"]


@pytest.mark.usefixtures("book")
def test_all_shows_why_and_from_when(cli_json: Any) -> None:
    rows = cli_json("next", "--all")
    got = {r["advocate"]: (r["suggested"], r["eligible_from"], r["reasons"]) for r in rows}
    assert got == {
        "Good": (True, "2026-03-16", "passive (NPS 8); never asked"),
        "Newbie": (
            False,
            "2026-03-31",
            "customer only since 2026-03-01 (onboarding, first 30 days)",
        ),
        "Recent": (
            False,
            "2026-04-02",
            "asked on 2026-02-01 (within 60 days); asking again so soon is nagging",
        ),
        "Upset": (False, "2026-04-09", "complained on 2026-03-10 (within 30 days)"),
        "Six": (
            True,
            "2026-03-16",
            "detractor (NPS 6): make sure they are happy before asking; never asked",
        ),
        "Low": (False, None, "NPS 4 is below 5; win them over first"),
    }
    # suggested first, then the excluded by the day they become fine (never: last)
    assert [r["advocate"] for r in rows] == ["Good", "Six", "Newbie", "Recent", "Upset", "Low"]
    assert [r["rank"] for r in rows] == [1, 2, None, None, None, None]


@pytest.mark.usefixtures("book")
def test_all_as_a_table(cli: Invoke) -> None:
    result = cli("next", "--all")
    assert result.exit_code == 0
    assert "Not now" in result.stdout
    assert "when the score improves" in result.stdout
    assert "2026-04-02" in result.stdout
    assert "Gone" not in result.stdout  # archived never appear


@pytest.mark.usefixtures("book")
def test_the_guards_are_those_of_ask_add(cli: Invoke, db_path: Any) -> None:
    """Bulk rows and the one-advocate guard agree, and `ask add` refuses the excluded."""
    database = open_database(resolve_url(None))
    settings = Settings()
    with database.session() as session:
        found = suggest(
            SessionReader(session), on=today(), settings=settings, include_excluded=True
        )
        for candidate in found.ranked + found.excluded:
            advocate = lookup.advocate(session, str(candidate.advocate_id))
            refusals = guards.ask_refusals(
                session, advocate=advocate, on=today(), settings=settings
            )
            expected = [r.reason for r in refusals]
            assert (candidate.reasons if candidate.excluded else []) == expected
            assert candidate.eligible_from == guards.eligible_from(refusals)
    database.engine.dispose()
    for name in ("Recent", "Low", "Newbie", "Upset"):
        assert_one_line_error(cli("ask", "add", name), f"not asking {name}")


def test_a_future_ask_inside_the_cooldown_also_excludes(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Fut", "--nps", "9", *OLD)
    later = cli("ask", "add", "Fut", env={"REFTRACK_TODAY": "2026-04-01"})  # an older book's
    assert later.exit_code == 0, later.stderr
    [row] = cli_json("next", "--all")
    assert (row["suggested"], row["eligible_from"]) == (False, "2026-05-31")


def test_limit_and_empty(cli: Invoke, cli_json: Any) -> None:
    assert cli_json("next") == []
    result = cli("next")
    assert result.exit_code == 0
    assert "the book is empty: start with reftrack advocate add" in result.stderr
    for name in ("A", "B", "C", "D"):
        add(cli, "advocate", "add", name, "--nps", "9", *OLD)
    assert names(cli_json, "--limit", "2") == ["A", "B"]
    assert len(cli_json("next", "--limit", "0")) == 4
    table = cli("next", "--limit", "2").stdout
    assert "top 2 of 4" in table


def test_csv_columns(cli: Invoke) -> None:
    add(cli, "advocate", "add", "Ann", "--nps", "9", "--company", "Beta", *OLD, "--phone", "06")
    lines = cli("next", "--format", "csv").stdout.splitlines()
    assert lines[0] == (
        "rank,advocate_id,advocate,company,nps,segment,score,suggested,eligible_from,"
        "last_asked_on,referrals,reasons,phone,email"
    )
    assert lines[1] == (
        "1,1,Ann,Beta,9,promoter,100,true,2026-03-16,,0,promoter (NPS 9); never asked,06,"
    )


def test_bad_limit_is_a_usage_error(cli: Invoke) -> None:
    assert cli("next", "--limit", "-1").exit_code == 2


def test_documented_weight_invariants() -> None:
    """docs/ranking.md: referring alone never lifts over the next segment; a milestone does."""
    from datetime import date
    from types import SimpleNamespace

    from reftrack.services.suggest import score_of

    def score(nps: int | None, *, won: int = 0, milestone: date | None = None) -> int:
        row = SimpleNamespace(
            nps=nps, referrals=won, won=won, last_milestone_on=milestone, last_asked_on=None
        )
        return score_of(row, on=date(2026, 3, 16), settings=Settings())[0]

    assert score(8, won=10) < score(9)
    assert score(None, won=10) < score(7)
    assert score(7, milestone=date(2026, 3, 1)) > score(10)
    assert score(6) < score(None)


def test_a_stale_score_ranks_below_fresh_ones_until_refreshed(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Old Score", *OLD)
    add(cli, "advocate", "score", "Old Score", "10", "--on", "2025-03-15")  # 366 days ago
    add(cli, "advocate", "add", "Fresh", "--nps", "7", *OLD)
    add(cli, "advocate", "add", "Year", *OLD)
    add(cli, "advocate", "score", "Year", "9", "--on", "2025-03-16")  # 365 days: still fresh
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Year", "Fresh", "Old Score"]
    assert (
        rows[2]["reasons"]
        == "scored 2025-03-15: ask how it is going first; was NPS 10; never asked"
    )
    add(cli, "advocate", "score", "Old Score", "10")
    assert names(cli_json)[0] == "Old Score"


def test_a_contact_who_is_not_a_customer_ranks_below_customers(cli: Invoke, cli_json: Any) -> None:
    add(cli, "advocate", "add", "Linked In")  # a LinkedIn connection: no --since, no score
    add(cli, "advocate", "add", "Unscored Customer", *OLD)
    rows = cli_json("next")
    assert [r["advocate"] for r in rows] == ["Unscored Customer", "Linked In"]
    assert rows[1]["reasons"].startswith("a contact, not a customer")
