"""Owners (a team on one database): every record says who logged it; lists, `due`, `next`
and `metrics` show your own records on a shared (PostgreSQL) database, anyone's with
`--owner NAME`, everyone's with `--everyone`; `metrics --by owner` compares the team."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import Invoke, People

pytestmark = pytest.mark.both_engines


@pytest.fixture
def cli(cli: Invoke, people: People) -> Invoke:
    """``cli("ann", *args)``: the command as that salesperson (a role on PostgreSQL)."""

    def invoke(user: str, *args: str) -> Any:
        return cli(*args, env=people.env(user))

    return invoke


@pytest.fixture
def o(people: People) -> Any:
    """The owner column of what ``user`` logged (a role name on PostgreSQL)."""
    return people.owner


def as_user(cli: Invoke, user: str, *args: str) -> Any:
    result = cli(user, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result


def rows(cli: Invoke, user: str, *args: str) -> list[dict[str, Any]]:
    return list(json.loads(as_user(cli, user, *args, "--format", "json").stdout))


@pytest.fixture
def team(cli: Invoke) -> None:
    """Ann and Bob each log an advocate, an ask and a referral (today is 2026-03-16)."""
    for user, advocate, prospect in [("ann", "Anna", "Piet"), ("bob", "Bert", "Kees")]:
        as_user(cli, user, "advocate", "add", advocate, "--nps", "9", "--since", "2025-01-01")
        as_user(cli, user, "ask", "add", advocate, "--on", "2026-01-05")
        as_user(cli, user, "referral", "add", advocate, prospect, "--on", "2026-03-10")
    as_user(cli, "bob", "referral", "move", "Kees", "won", "--value", "500", "--on", "2026-03-12")


@pytest.mark.usefixtures("team")
def test_every_record_carries_who_logged_it(cli: Invoke, o: Any) -> None:
    everyone = ("--everyone",)
    assert {a["name"]: a["owner"] for a in rows(cli, "x", "advocate", "list", *everyone)} == {
        "Anna": o("ann"),
        "Bert": o("bob"),
    }
    assert {a["advocate"]: a["owner"] for a in rows(cli, "x", "ask", "list", *everyone)} == {
        "Anna": o("ann"),
        "Bert": o("bob"),
    }
    follow_ups = rows(cli, "x", "followup", "list", "--all", *everyone)
    assert {(f["advocate"], f["owner"]) for f in follow_ups} == {
        ("Anna", o("ann")),
        ("Bert", o("bob")),
    }


@pytest.mark.usefixtures("team")
@pytest.mark.parametrize(
    "command",
    [
        ("advocate", "list"),
        ("ask", "list"),
        ("referral", "list"),
        ("followup", "list"),
        ("due", "--within", "7d"),
    ],
)
def test_owner_option_shows_one_salesperson(cli: Invoke, o: Any, command: tuple[str, ...]) -> None:
    mine = rows(cli, "bob", *command, "--owner", o("ann"))
    assert mine and {r["owner"] for r in mine} == {o("ann")}
    assert len(rows(cli, "bob", *command, "--everyone")) > len(mine)


@pytest.mark.usefixtures("team")
def test_a_shared_database_shows_your_own_by_default(cli: Invoke, o: Any, engine: str) -> None:
    names = [a["name"] for a in rows(cli, "ann", "advocate", "list")]
    due = {r["owner"] for r in rows(cli, "ann", "due", "--within", "7d")}
    if engine == "postgresql":  # shared: your own
        assert names == ["Anna"] and due == {o("ann")}
    else:  # your own file: everything in it is yours
        assert names == ["Anna", "Bert"] and due == {"ann", "bob"}


@pytest.mark.usefixtures("team")
def test_next_and_metrics_follow_the_owner(cli: Invoke, o: Any) -> None:
    ranked = rows(cli, "x", "next", "--all", "--owner", o("bob"))
    assert {r["advocate"] for r in ranked} == {"Bert"}
    ann = json.loads(as_user(cli, "x", "metrics", "--owner", o("ann"), "--format", "json").stdout)
    bob = json.loads(as_user(cli, "x", "metrics", "--owner", o("bob"), "--format", "json").stdout)
    both = json.loads(as_user(cli, "x", "metrics", "--everyone", "--format", "json").stdout)
    assert (ann["asks"], ann["referrals"], ann["won"]) == (1, 1, 0)
    assert (bob["asks"], bob["referrals"], bob["won"], bob["won_value"]) == (1, 1, 1, "500.00")
    assert (both["asks"], both["referrals"], both["won"]) == (2, 2, 1)


@pytest.mark.usefixtures("team")
def test_metrics_by_owner_compares_the_team(cli: Invoke, o: Any) -> None:
    data = json.loads(
        as_user(cli, "x", "metrics", "--everyone", "--by", "owner", "--format", "json").stdout
    )
    by_owner = {row["key"]: row for row in data["breakdown"]}
    assert set(by_owner) == {o("ann"), o("bob")}
    bob, ann = by_owner[o("bob")], by_owner[o("ann")]
    assert (bob["asks"], bob["won"], bob["won_value"]) == (
        1,
        1,
        "500.00",
    )
    assert (ann["referrals"], ann["won"]) == (1, 0)
