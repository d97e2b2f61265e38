"""`reftrack ask …`: logging asks, their outcomes and the guard (docs/rules.md).

The cadences in depth live in test_rules.py; here the commands and what they store.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_one_line_error

pytestmark = pytest.mark.both_engines


def test_add_stores_the_ask(cli: Any, cli_json: Any, anna: dict[str, Any], me: str) -> None:
    [made] = cli_json(
        "ask",
        "add",
        "Anna",
        "--channel",
        "linkedin",
        "--target",
        " the CFO of Gamma ",
        "--on",
        "2026-03-10",
        "--note",
        "at lunch",
    )
    [listed] = cli_json("ask", "list")
    assert listed == made
    assert listed == {
        "id": 1,
        "advocate_id": anna["id"],
        "advocate": "Anna",
        "asked_on": "2026-03-10",
        "channel": "linkedin",
        "target": "the CFO of Gamma",
        "outcome": "pending",
        "alternative": None,
        "forced": False,
        "notes": "at lunch",
        "owner": me,
        "target_id": None,
        "event": None,
        "event_on": None,
        "bring": False,
    }


def test_add_defaults(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    result = cli("ask", "add", "anna")
    assert result.exit_code == 0, result.stderr
    # plain words, and when the check-back (7 days) and circle-back (75 days) are due
    assert (
        "ask #1: Anna on 2026-03-16 by in person; check back 2026-03-23, circle back 2026-05-30"
        in result.stderr
    )
    [listed] = cli_json("ask", "list")
    assert (listed["asked_on"], listed["channel"], listed["target"]) == (
        "2026-03-16",
        "in_person",
        None,
    )


def test_add_schedules_its_follow_ups(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    assert cli("ask", "add", "Anna", "--on", "2026-03-10").exit_code == 0
    due = {f["kind"]: f["due_on"] for f in cli_json("followup", "list")}
    assert due == {"check_ask": "2026-03-17", "circle_back": "2026-05-24"}


def test_list_newest_first_and_filters(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    cli_json("advocate", "add", "Bram")
    for args in [
        ("Anna", "--on", "2025-06-01"),
        ("Bram", "--on", "2026-01-05"),
        ("Anna", "--on", "2026-02-01"),
    ]:
        result = cli("ask", "add", *args)
        assert result.exit_code == 0, result.stderr
    assert cli("ask", "outcome", "1", "declined").exit_code == 0
    rows = cli_json("ask", "list")
    assert [(r["id"], r["asked_on"]) for r in rows] == [
        (3, "2026-02-01"),
        (2, "2026-01-05"),
        (1, "2025-06-01"),
    ]
    assert [r["id"] for r in cli_json("ask", "list", "--pending")] == [3, 2]
    assert [r["id"] for r in cli_json("ask", "list", "--advocate", "anna")] == [3, 1]
    assert [r["id"] for r in cli_json("ask", "list", "--pending", "--advocate", "Anna")] == [3]


def test_list_for_an_unknown_advocate(cli: Any, anna: dict[str, Any]) -> None:
    assert_one_line_error(cli("ask", "list", "--advocate", "Anne"), "did you mean", "'Anna'")


@pytest.mark.parametrize("outcome", ["referred", "declined", "no_response"])
def test_outcome_by_id(cli: Any, cli_json: Any, anna: dict[str, Any], outcome: str) -> None:
    assert cli("ask", "add", "Anna").exit_code == 0
    result = cli("ask", "outcome", "1", outcome)
    assert result.exit_code == 0, result.stderr
    assert f"ask #1: {outcome.replace('_', ' ')}" in result.stderr
    [row] = cli_json("ask", "list")
    assert (row["outcome"], row["alternative"]) == (outcome, None)
    # its check-back closed itself; the circle-back stays
    assert [f["kind"] for f in cli_json("followup", "list")] == ["circle_back"]


def test_outcome_alternative_needs_its_kind(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    assert cli("ask", "add", "Anna").exit_code == 0
    assert_one_line_error(cli("ask", "outcome", "1", "alternative"), "--alternative")
    assert cli_json("ask", "list")[0]["outcome"] == "pending"
    result = cli("ask", "outcome", "1", "alternative", "--alternative", "case_study")
    assert result.exit_code == 0, result.stderr
    [row] = cli_json("ask", "list")
    assert (row["outcome"], row["alternative"]) == ("alternative", "case_study")


def test_alternative_kind_only_with_outcome_alternative(
    cli: Any, cli_json: Any, anna: dict[str, Any]
) -> None:
    assert cli("ask", "add", "Anna").exit_code == 0
    result = cli("ask", "outcome", "1", "declined", "--alternative", "review")
    assert_one_line_error(result, "--alternative")
    assert cli_json("ask", "list")[0]["outcome"] == "pending"


def test_outcome_by_advocate_name_is_their_latest_ask(cli: Any, cli_json: Any) -> None:
    cli_json("advocate", "add", "Anna")
    cli_json("advocate", "add", "Bram")
    for args in [
        ("Anna", "--on", "2025-01-10"),
        ("Anna", "--on", "2025-09-10"),  # latest of Anna's, though not the last typed
        ("Bram", "--on", "2026-03-01"),
        ("Anna", "--on", "2025-05-10", "--force"),
    ]:
        result = cli("ask", "add", *args)
        assert result.exit_code == 0, result.stderr
    result = cli("ask", "outcome", "anna", "declined")
    assert result.exit_code == 0, result.stderr
    outcomes = {r["id"]: r["outcome"] for r in cli_json("ask", "list")}
    assert outcomes == {1: "pending", 2: "declined", 3: "pending", 4: "pending"}


def test_outcome_of_someone_never_asked(cli: Any, anna: dict[str, Any]) -> None:
    assert_one_line_error(cli("ask", "outcome", "Anna", "declined"), "has not been asked")


def test_outcome_of_unknown_ask_id(cli: Any, anna: dict[str, Any]) -> None:
    assert_one_line_error(cli("ask", "outcome", "7", "declined"), "no ask with id 7")


def test_guard_refuses_with_reason_and_force(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    assert cli("ask", "add", "Anna", "--on", "2026-02-20").exit_code == 0
    result = cli("ask", "add", "Anna", "--channel", "phone")
    assert_one_line_error(result, "Anna", "asked on 2026-02-20", "--force")
    assert len(cli_json("ask", "list")) == 1
    [forced] = cli_json("ask", "add", "Anna", "--channel", "phone", "--force")
    assert forced["forced"] is True
    rows = cli_json("ask", "list")
    assert [(r["id"], r["forced"]) for r in rows] == [(2, True), (1, False)]
    assert "asked on 2026-02-20" in rows[0]["notes"]  # what was overridden is kept


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (("advocate", "score", "Anna", "3"), "NPS 3"),
        (("advocate", "edit", "Anna", "--since", "2026-03-01"), "customer only since 2026-03-01"),
        (("advocate", "complaint", "Anna", "--on", "2026-03-10"), "complained on 2026-03-10"),
    ],
)
def test_guard_reasons(
    cli: Any, cli_json: Any, anna: dict[str, Any], setup: tuple[str, ...], reason: str
) -> None:
    assert cli(*setup).exit_code == 0
    assert_one_line_error(cli("ask", "add", "Anna"), reason, "--force")
    assert cli_json("ask", "list") == []
    assert cli_json("ask", "add", "Anna", "--force")[0]["forced"] is True


def test_unforced_ask_is_not_marked_forced_when_forcing_was_unneeded(
    cli_json: Any, anna: dict[str, Any]
) -> None:
    [row] = cli_json("ask", "add", "Anna", "--force")
    assert row["forced"] is False
    assert row["notes"] is None
