"""`reftrack tree`: who referred whom, through won referrals that became advocates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines


def run(cli: Invoke, *args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)


def won_advocate(cli: Invoke, referrer: str, prospect: str, value: str, on: str) -> None:
    run(cli, "referral", "add", referrer, prospect, "--organic", "--on", on)
    run(cli, "referral", "move", prospect, "won", "--value", value, "--on", on, "--make-advocate")


@pytest.fixture
def chain(cli: Invoke) -> None:
    """Anna → Piet → Joke (three levels) and Anna → Kees; Bert → Lot; Solo alone."""
    for name in ("Anna", "Bert", "Solo"):
        run(cli, "advocate", "add", name, "--nps", "9", "--since", "2024-01-01")
    won_advocate(cli, "Anna", "Piet", "1200", "2025-03-01")
    won_advocate(cli, "Piet", "Joke", "500", "2025-09-01")
    won_advocate(cli, "Anna", "Kees", "300", "2025-05-01")
    won_advocate(cli, "Bert", "Lot", "80", "2025-04-01")
    # won but not (yet) an advocate: counts in Anna's value, not as a descendant
    run(cli, "referral", "add", "Anna", "Willem", "--organic", "--on", "2025-06-01")
    run(cli, "referral", "move", "Willem", "won", "--value", "50", "--on", "2025-06-10")
    # lost: nothing
    run(cli, "referral", "add", "Solo", "Nope", "--organic", "--on", "2025-06-01")
    run(cli, "referral", "move", "Nope", "lost", "--on", "2025-06-10")


def _node(
    name: str,
    descendants: int,
    own: str,
    branch: str,
    joined: str | None,
    children: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "name": name,
        "descendants": descendants,
        "won_value": own,
        "branch_won_value": branch,
        "joined_on": joined,
        "children": children,
    }


def _strip(node: dict[str, Any]) -> dict[str, Any]:
    keep = ("name", "descendants", "won_value", "branch_won_value", "joined_on")
    return {**{k: node[k] for k in keep}, "children": [_strip(c) for c in node["children"]]}


@pytest.mark.usefixtures("chain")
def test_every_root_with_sizes_and_values(cli_json: Any) -> None:
    roots = cli_json("tree")
    assert [_strip(r) for r in roots] == [
        _node(
            "Anna",
            3,
            "1550.00",
            "2050.00",
            None,
            [
                _node(
                    "Piet",
                    1,
                    "500.00",
                    "500.00",
                    "2025-03-01",
                    [
                        _node("Joke", 0, "0.00", "0.00", "2025-09-01", []),
                    ],
                ),
                _node("Kees", 0, "0.00", "0.00", "2025-05-01", []),
            ],
        ),
        _node(
            "Bert",
            1,
            "80.00",
            "80.00",
            None,
            [
                _node("Lot", 0, "0.00", "0.00", "2025-04-01", []),
            ],
        ),
    ]
    assert roots[0]["ancestors"] == []
    assert roots[0]["children"][0]["referral_id"] == 1


@pytest.mark.usefixtures("chain")
def test_one_advocate_with_its_ancestors(cli_json: Any) -> None:
    [piet] = cli_json("tree", "Piet")
    assert (piet["name"], piet["descendants"], piet["ancestors"]) == ("Piet", 1, ["Anna"])
    [joke] = cli_json("tree", "joke")
    assert (joke["descendants"], joke["ancestors"]) == (0, ["Piet", "Anna"])
    [solo] = cli_json("tree", "Solo")
    assert (solo["descendants"], solo["won_value"], solo["children"]) == (0, "0.00", [])


@pytest.mark.usefixtures("chain")
def test_plain_text_tree(cli: Invoke) -> None:
    result = cli("tree")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Anna  ·  3 descendants · EUR 2,050 won in branch",
        "    - Piet  ·  won 2025-03-01 · 1 descendant · EUR 500 won in branch",
        "        - Joke  ·  won 2025-09-01 · EUR 0 won in branch",
        "    - Kees  ·  won 2025-05-01 · EUR 0 won in branch",
        "Bert  ·  1 descendant · EUR 80 won in branch",
        "    - Lot  ·  won 2025-04-01 · EUR 0 won in branch",
    ]
    assert "Joke, referred by Piet ← Anna" in cli("tree", "Joke").stdout


@pytest.mark.usefixtures("chain")
def test_csv_is_one_row_per_advocate(cli: Invoke) -> None:
    lines = cli("tree", "--format", "csv").stdout.splitlines()
    assert lines[0] == (
        "id,name,company,parent_id,parent,depth,referral_id,joined_on,descendants,"
        "won_value,branch_won_value"
    )
    assert lines[3] == "5,Joke,,4,Piet,2,2,2025-09-01,0,0.00,0.00"
    assert len(lines) == 7


def test_no_chains_yet(cli: Invoke) -> None:
    result = cli("tree")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no referral chains yet" in result.stderr


def test_unknown_advocate(cli: Invoke) -> None:
    run(cli, "advocate", "add", "Anna")
    assert_one_line_error(cli("tree", "Zzz"), "no advocate named 'Zzz'")
