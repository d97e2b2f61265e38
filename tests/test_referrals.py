"""`reftrack referral …`: logging referrals and moving them through their stages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_one_line_error, ok

pytestmark = pytest.mark.both_engines


def referral(cli_json: Any, ref: str) -> dict[str, Any]:
    row: dict[str, Any] = cli_json("referral", "show", ref)["referral"]
    return row


# --- add --------------------------------------------------------------------------------


def test_add_stores_the_prospect(cli_json: Any, anna: dict[str, Any], me: str) -> None:
    [made] = cli_json(
        "referral",
        "add",
        "Anna",
        "Piet Bakker",
        "--company",
        "Gamma",
        "--email",
        "piet@gamma.nl",
        "--phone",
        "0612345678",
        "--on",
        "2026-03-12",
        "--note",
        "needs a forklift",
        "--organic",
    )
    [listed] = cli_json("referral", "list")
    assert (
        listed
        == made
        == {
            "id": 1,
            "advocate_id": anna["id"],
            "advocate": "Anna",
            "ask_id": None,
            "prospect": "Piet Bakker",
            "company": "Gamma",
            "email": "piet@gamma.nl",
            "phone": "0612345678",
            "received_on": "2026-03-12",
            "status": "new",
            "value": None,
            "closed_on": None,
            "lost_reason": None,
            "thanked_on": None,
            "notes": "needs a forklift",
            "owner": me,
        }
    )


def test_add_answers_the_latest_pending_ask(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("ask", "add", "Anna", "--on", "2025-01-10"))
    ok(cli("ask", "add", "Anna", "--on", "2025-06-10"))
    ok(cli("ask", "add", "Anna", "--on", "2026-03-10"))
    ok(cli("ask", "outcome", "3", "declined"))
    result = ok(cli("referral", "add", "Anna", "Piet"))
    assert "answers ask #2" in result.stderr
    assert referral(cli_json, "Piet")["ask_id"] == 2
    outcomes = {r["id"]: r["outcome"] for r in cli_json("ask", "list")}
    assert outcomes == {1: "pending", 2: "referred", 3: "declined"}


def test_add_without_a_pending_ask_is_organic(
    cli: Any, cli_json: Any, anna: dict[str, Any]
) -> None:
    result = ok(cli("referral", "add", "Anna", "Piet"))
    assert "(organic: no recent ask to link)" in result.stderr
    assert referral(cli_json, "Piet")["ask_id"] is None


def test_add_organic_leaves_the_pending_ask_alone(
    cli: Any, cli_json: Any, anna: dict[str, Any]
) -> None:
    ok(cli("ask", "add", "Anna", "--on", "2026-03-10"))
    ok(cli("referral", "add", "Anna", "Piet", "--organic"))
    assert referral(cli_json, "Piet")["ask_id"] is None
    assert cli_json("ask", "list")[0]["outcome"] == "pending"


def test_add_with_an_explicit_ask(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("ask", "add", "Anna", "--on", "2025-01-10"))
    ok(cli("ask", "add", "Anna", "--on", "2026-03-10"))
    ok(cli("referral", "add", "Anna", "Piet", "--ask", "1"))
    assert referral(cli_json, "Piet")["ask_id"] == 1
    outcomes = {r["id"]: r["outcome"] for r in cli_json("ask", "list")}
    assert outcomes == {1: "referred", 2: "pending"}


def test_ask_and_organic_contradict(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("ask", "add", "Anna"))
    result = cli("referral", "add", "Anna", "Piet", "--ask", "1", "--organic")
    assert_one_line_error(result, "--ask", "--organic")
    assert cli_json("referral", "list") == []
    assert cli_json("ask", "list")[0]["outcome"] == "pending"


def test_ask_of_someone_else_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    cli_json("advocate", "add", "Bram")
    ok(cli("ask", "add", "Bram"))
    assert_one_line_error(cli("referral", "add", "Anna", "Piet", "--ask", "1"), "ask #1")
    assert cli_json("referral", "list") == []


def test_add_schedules_thank_and_contact(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet", "--on", "2026-03-12", "--email", "p@x.example"))
    steps = cli_json("referral", "show", "Piet")["follow_ups"]
    assert sorted((s["kind"], s["due_on"]) for s in steps) == [
        ("contact", "2026-03-13"),
        ("thank", "2026-03-12"),
    ]


# --- list / show ------------------------------------------------------------------------


@pytest.fixture
def pipeline(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    cli_json("advocate", "add", "Bram")
    ok(cli("referral", "add", "Anna", "Piet", "--on", "2026-01-01"))
    ok(cli("referral", "add", "Bram", "Karin", "--on", "2026-02-01"))
    ok(cli("referral", "add", "Anna", "Sara", "--on", "2026-03-01"))
    ok(cli("referral", "add", "Anna", "Tom", "--on", "2026-03-02"))
    ok(cli("referral", "move", "Piet", "won", "--value", "1000", "--no-make-advocate"))
    ok(cli("referral", "move", "Karin", "lost", "--reason", "no budget"))
    ok(cli("referral", "move", "Sara", "meeting"))


def test_list_filters(cli_json: Any, pipeline: None) -> None:
    def prospects(*args: str) -> list[str]:
        return [r["prospect"] for r in cli_json("referral", "list", *args)]

    assert prospects() == ["Tom", "Sara", "Karin", "Piet"]
    assert prospects("--open") == ["Tom", "Sara"]
    assert prospects("--status", "won") == ["Piet"]
    assert prospects("--status", "meeting") == ["Sara"]
    assert prospects("--status", "contacted") == []
    assert prospects("--advocate", "Bram") == ["Karin"]
    assert prospects("--advocate", "anna", "--open") == ["Tom", "Sara"]


def test_show_json_and_table(cli: Any, cli_json: Any, pipeline: None) -> None:
    shown = cli_json("referral", "show", "Karin")
    assert shown["referral"]["status"] == "lost"
    assert shown["referral"]["lost_reason"] == "no budget"
    assert shown["referral"]["advocate"] == "Bram"
    # no phone or e-mail came with Karin: a follow-up asks Bram for them
    assert {s["kind"] for s in shown["follow_ups"]} == {"thank", "contact", "details"}
    result = ok(cli("referral", "show", "#2"))
    assert "Karin" in result.stdout and "no budget" in result.stdout
    assert "Follow-ups" in result.stdout


def test_show_unknown(cli: Any, pipeline: None) -> None:
    assert_one_line_error(cli("referral", "show", "Kareen"), "did you mean", "'Karin'")


# --- move -------------------------------------------------------------------------------


def test_move_won_parses_the_value_exactly(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet", "--on", "2026-03-01"))
    result = ok(
        cli(
            "referral",
            "move",
            "Piet",
            "won",
            "--value",
            "12,500.50",
            "--on",
            "2026-03-14",
            "--no-make-advocate",
        )
    )
    assert "Piet: won" in result.stderr
    row = referral(cli_json, "Piet")
    assert (row["status"], row["value"], row["closed_on"]) == ("won", "12500.50", "2026-03-14")
    assert cli_json("advocate", "list")[0]["name"] == "Anna"  # no advocate was made


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12500", "12500.00"), ("0.10", "0.10"), ("19.99", "19.99"), ("1.250,75", "1250.75")],
)
def test_value_is_exact(
    cli: Any, cli_json: Any, anna: dict[str, Any], typed: str, stored: str
) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    ok(cli("referral", "move", "Piet", "won", "--value", typed, "--no-make-advocate"))
    assert referral(cli_json, "Piet")["value"] == stored


def test_value_on_a_stage_other_than_won_refused(
    cli: Any, cli_json: Any, anna: dict[str, Any]
) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    assert_one_line_error(cli("referral", "move", "Piet", "proposal", "--value", "100"), "won")
    row = referral(cli_json, "Piet")
    assert (row["status"], row["value"]) == ("new", None)


def test_bad_value_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    assert_one_line_error(cli("referral", "move", "Piet", "won", "--value", "lots"), "'lots'")
    assert referral(cli_json, "Piet")["status"] == "new"


def test_moving_to_the_same_stage_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    ok(cli("referral", "move", "Piet", "contacted"))
    before = cli_json("referral", "show", "Piet")
    assert_one_line_error(cli("referral", "move", "Piet", "contacted"), "already contacted")
    assert cli_json("referral", "show", "Piet") == before


def test_move_lost_records_the_reason(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    ok(cli("referral", "move", "Piet", "lost", "--reason", "went with a competitor"))
    row = referral(cli_json, "Piet")
    assert (row["status"], row["lost_reason"], row["closed_on"]) == (
        "lost",
        "went with a competitor",
        "2026-03-16",
    )


def test_move_before_it_arrived_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet", "--on", "2026-03-10"))
    result = cli("referral", "move", "Piet", "meeting", "--on", "2026-03-01")
    assert_one_line_error(result, "2026-03-10", "--on")
    assert referral(cli_json, "Piet")["status"] == "new"


def test_make_advocate_on_won(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(
        cli(
            "referral",
            "add",
            "Anna",
            "Piet Bakker",
            "--company",
            "Gamma",
            "--email",
            "piet@gamma.nl",
        )
    )
    result = ok(
        cli(
            "referral",
            "move",
            "Piet",
            "won",
            "--value",
            "5000",
            "--on",
            "2026-03-16",
            "--make-advocate",
        )
    )
    assert "advocate #2 Piet Bakker added" in result.stderr
    piet = cli_json("advocate", "show", "Piet Bakker")["advocate"]
    assert piet["source"] == "referral"
    assert piet["referred_by"] == 1
    assert (piet["company"], piet["email"]) == ("Gamma", "piet@gamma.nl")
    assert piet["customer_since"] == "2026-03-16"


def test_make_advocate_only_with_won(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    result = cli("referral", "move", "Piet", "meeting", "--make-advocate")
    assert_one_line_error(result, "--make-advocate goes with won")
    assert [a["name"] for a in cli_json("advocate", "list")] == ["Anna"]
    assert cli_json("referral", "list")[0]["status"] == "new"  # nothing half-done


def test_move_unknown_referral(cli: Any, anna: dict[str, Any]) -> None:
    assert_one_line_error(cli("referral", "move", "Nobody", "won"), "no referral named 'Nobody'")
