"""The rules of docs/rules.md, walked through time with REFTRACK_TODAY.

Each test fails if its rule breaks: a wrong due date, a second pending contact, a
follow-up that should have closed itself and did not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]


def open_follow_ups(cli_json: Json) -> list[dict[str, Any]]:
    return list(cli_json("followup", "list"))


def all_follow_ups(cli_json: Json) -> list[dict[str, Any]]:
    return list(cli_json("followup", "list", "--all"))


def of_kind(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["kind"] == kind]


@pytest.fixture
def anna(cli: Invoke) -> None:
    result = cli(
        "advocate",
        "add",
        "Anna de Vries",
        "--company",
        "Beta",
        "--nps",
        "9",
        "--since",
        "2024-01-10",
        "--email",
        "anna@beta.example",
    )
    assert result.exit_code == 0, result.stderr


@pytest.mark.usefixtures("anna")
def test_ask_schedules_check_back_and_circle_back_from_the_ask_date(
    cli: Invoke, cli_json: Json
) -> None:
    assert cli("ask", "add", "anna", "--on", "2026-03-02").exit_code == 0
    rows = open_follow_ups(cli_json)
    assert [(r["kind"], r["due_on"]) for r in rows] == [
        ("check_ask", "2026-03-09"),  # 7 days after the ask, not after today (03-16)
        ("circle_back", "2026-05-16"),  # 75 days after the ask
    ]
    assert {r["ask_id"] for r in rows} == {1}


@pytest.mark.usefixtures("anna")
def test_ask_outcome_closes_the_pending_check_back_but_not_the_circle_back(
    cli: Invoke, cli_json: Json
) -> None:
    cli("ask", "add", "anna", "--on", "2026-03-10")
    assert cli("ask", "outcome", "1", "declined", "--on", "2026-03-12").exit_code == 0
    rows = all_follow_ups(cli_json)
    check = of_kind(rows, "check_ask")[0]
    assert check["done_on"] == "2026-03-12"
    assert of_kind(rows, "circle_back")[0]["done_on"] is None


@pytest.mark.usefixtures("anna")
def test_referral_thanks_today_contacts_tomorrow_and_marks_the_ask_referred(
    cli: Invoke, cli_json: Json
) -> None:
    cli("ask", "add", "anna", "--on", "2026-03-01")
    added = cli("referral", "add", "anna", "Piet Bakker", "--on", "2026-03-05", "--phone", "06")
    assert added.exit_code == 0
    rows = open_follow_ups(cli_json)
    assert [(r["kind"], r["due_on"]) for r in rows if r["referral_id"] == 1] == [
        ("thank", "2026-03-05"),
        ("contact", "2026-03-06"),
    ]
    asks = cli_json("ask", "list")
    assert asks[0]["outcome"] == "referred"
    # the referral answered the ask, so its check-back closed on the referral's date
    check = of_kind(all_follow_ups(cli_json), "check_ask")[0]
    assert check["done_on"] == "2026-03-05"


@pytest.mark.usefixtures("anna")
def test_open_stage_closes_the_contact_and_schedules_exactly_one_next(
    cli: Invoke, cli_json: Json
) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    for stage, on, due in [
        ("contacted", "2026-03-07", "2026-03-10"),
        ("meeting", "2026-03-12", "2026-03-15"),
        ("proposal", "2026-03-14", "2026-03-17"),
    ]:
        assert cli("referral", "move", "piet", stage, "--on", on).exit_code == 0
        pending = of_kind(open_follow_ups(cli_json), "contact")
        assert [(p["due_on"], p["referral_id"]) for p in pending] == [(due, 1)], stage
    done = [r for r in of_kind(all_follow_ups(cli_json), "contact") if r["done_on"]]
    assert [r["done_on"] for r in done] == ["2026-03-07", "2026-03-12", "2026-03-14"]


@pytest.mark.usefixtures("anna")
def test_won_closes_contacts_and_thanks_again(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    assert (
        cli("referral", "move", "piet", "won", "--value", "12500", "--on", "2026-03-15").exit_code
        == 0
    )
    rows = open_follow_ups(cli_json)
    assert of_kind(rows, "contact") == []
    thanks = of_kind(rows, "thank")
    assert [(t["due_on"], t["note"]) for t in thanks] == [
        ("2026-03-05", None),
        ("2026-03-15", "it worked — thank you"),
    ]
    referral = cli_json("referral", "list")[0]
    assert (referral["status"], referral["value"], referral["closed_on"]) == (
        "won",
        "12500.00",
        "2026-03-15",
    )


@pytest.mark.usefixtures("anna")
def test_lost_closes_contacts_without_a_thank_you(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    cli("referral", "move", "piet", "lost", "--reason", "budget", "--on", "2026-03-09")
    rows = open_follow_ups(cli_json)
    assert of_kind(rows, "contact") == []
    assert len(of_kind(rows, "thank")) == 1  # only the first thank-you
    assert cli_json("referral", "list")[0]["lost_reason"] == "budget"


@pytest.mark.usefixtures("anna")
def test_done_thank_sets_thanked_on(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    thank = of_kind(open_follow_ups(cli_json), "thank")[0]
    assert cli_json("referral", "list")[0]["thanked_on"] is None
    assert cli("followup", "done", str(thank["id"]), "--on", "2026-03-06").exit_code == 0
    assert cli_json("referral", "list")[0]["thanked_on"] == "2026-03-06"


@pytest.mark.usefixtures("anna")
def test_done_contact_on_an_open_referral_schedules_the_next(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    contact = of_kind(open_follow_ups(cli_json), "contact")[0]
    cli("followup", "done", str(contact["id"]), "--on", "2026-03-08")
    pending = of_kind(open_follow_ups(cli_json), "contact")
    assert [p["due_on"] for p in pending] == ["2026-03-11"]


@pytest.mark.usefixtures("anna")
def test_reopening_a_lost_referral_brings_back_one_contact(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    cli("referral", "move", "piet", "lost", "--on", "2026-03-09")
    cli("referral", "move", "piet", "meeting", "--on", "2026-03-12")
    pending = of_kind(open_follow_ups(cli_json), "contact")
    assert [p["due_on"] for p in pending] == ["2026-03-15"]
    referral = cli_json("referral", "list")[0]
    assert referral["closed_on"] is None


# --- guards ---------------------------------------------------------------------------


@pytest.mark.usefixtures("anna")
def test_guard_refuses_an_ask_within_60_days_and_says_when_it_is_fine(
    cli: Invoke, cli_json: Json
) -> None:
    cli("ask", "add", "anna", "--on", "2026-02-01")
    result = cli("ask", "add", "anna")
    assert_one_line_error(result, "asked on 2026-02-01", "fine from 2026-04-02", "--force")
    assert len(cli_json("ask", "list")) == 1
    # 60 days later it is fine
    assert cli("ask", "add", "anna", env={"REFTRACK_TODAY": "2026-04-02"}).exit_code == 0


@pytest.mark.usefixtures("anna")
def test_force_overrides_and_is_recorded(cli: Invoke, cli_json: Json) -> None:
    cli("ask", "add", "anna", "--on", "2026-03-01")
    assert cli("ask", "add", "anna", "--force").exit_code == 0
    asks = cli_json("ask", "list")
    assert [a["forced"] for a in asks] == [True, False]
    assert "forced past: asked on 2026-03-01" in asks[0]["notes"]


def test_guard_refuses_a_low_score(cli: Invoke, cli_json: Json) -> None:
    cli("advocate", "add", "Jan Smit", "--nps", "4")
    assert_one_line_error(cli("ask", "add", "jan"), "NPS 4 is below 5")
    cli("advocate", "score", "jan", "5")
    assert cli("ask", "add", "jan").exit_code == 0


def test_guard_refuses_during_onboarding(cli: Invoke) -> None:
    cli("advocate", "add", "New Customer", "--since", "2026-03-01")
    assert_one_line_error(cli("ask", "add", "new"), "onboarding", "fine from 2026-03-31")
    assert cli("ask", "add", "new", env={"REFTRACK_TODAY": "2026-03-31"}).exit_code == 0


@pytest.mark.usefixtures("anna")
def test_guard_refuses_after_a_complaint(cli: Invoke) -> None:
    cli("advocate", "complaint", "anna", "--on", "2026-03-01", "--note", "late delivery")
    assert_one_line_error(
        cli("ask", "add", "anna"), "complained on 2026-03-01", "fine from 2026-03-31"
    )


def test_config_changes_the_cadence_and_the_guard(
    cli: Invoke, cli_json: Json, tmp_path: Any
) -> None:
    (tmp_path / "config.toml").write_text(
        "[cadence]\ncheck_ask_days = 3\n[guards]\nask_cooldown_days = 10\n", encoding="utf-8"
    )
    cli("advocate", "add", "Anna", "--nps", "10")
    cli("ask", "add", "anna", "--on", "2026-03-01")
    assert of_kind(open_follow_ups(cli_json), "check_ask")[0]["due_on"] == "2026-03-04"
    assert cli("ask", "add", "anna", "--on", "2026-03-11").exit_code == 0
    shown = {row["key"]: row for row in cli_json("config", "show")}
    assert shown["cadence.check_ask_days"]["value"] == 3
    assert shown["cadence.check_ask_days"]["source"].endswith("config.toml")
    assert shown["cadence.circle_back_days"] == {
        "key": "cadence.circle_back_days",
        "value": 75,
        "source": "default",
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[cadence]\ncheck_ask_days = "soon"\n', "cadence.check_ask_days must be a whole number"),
        ("[cadence]\nnope = 3\n", "cadence.nope is not a setting"),
        ("[guards]\ncheck_ask_days = 3\n", "it belongs in [cadence]"),
        ("not toml at all [", "is not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_line(cli: Invoke, tmp_path: Any, text: str, fragment: str) -> None:
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    assert_one_line_error(cli("advocate", "list"), fragment)


@pytest.mark.usefixtures("anna")
def test_make_advocate_needs_a_win(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05")
    result = cli("referral", "move", "piet", "meeting", "--make-advocate")
    assert_one_line_error(result, "--make-advocate goes with won")
    assert cli_json("referral", "list")[0]["status"] == "new"


@pytest.mark.usefixtures("anna")
def test_referral_show_lists_its_own_follow_ups(cli: Invoke, cli_json: Json) -> None:
    cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-05", "--phone", "1")
    cli("referral", "add", "anna", "Kees Smit", "--organic", "--on", "2026-03-06", "--phone", "2")
    shown = cli_json("referral", "show", "kees")
    steps = shown["follow_ups"]
    assert [(s["kind"], s["referral_id"]) for s in steps] == [("thank", 2), ("contact", 2)]
