"""`reftrack followup …`, and the CSV/JSON columns of every list (docs/formats.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.helpers import assert_one_line_error, ok

pytestmark = pytest.mark.both_engines


def custom(cli_json: Any) -> list[dict[str, Any]]:
    return [f for f in cli_json("followup", "list", "--all") if f["kind"] == "custom"]


# --- add --------------------------------------------------------------------------------


def test_add_about_an_advocate(cli: Any, cli_json: Any, anna: dict[str, Any], me: str) -> None:
    result = ok(cli("followup", "add", "--advocate", "anna", "--due", "friday", "send the case"))
    assert "follow-up #1 due 2026-03-20" in result.stderr
    assert cli_json("followup", "list") == [
        {
            "id": 1,
            "due_on": "2026-03-20",
            "kind": "custom",
            "advocate_id": anna["id"],
            "advocate": "Anna",
            "ask_id": None,
            "referral_id": None,
            "prospect": None,
            "note": "send the case",
            "done_on": None,
            "outcome": None,
            "cancelled": False,
            "owner": me,
            "link": None,
            "intro_id": None,
        }
    ]


def test_add_about_a_referral_names_its_advocate(
    cli: Any, cli_json: Any, anna: dict[str, Any]
) -> None:
    ok(cli("referral", "add", "Anna", "Piet Bakker"))
    ok(cli("followup", "add", "--referral", "Piet", "--due", "+1w", "send prices"))
    [row] = custom(cli_json)
    assert (row["referral_id"], row["advocate"], row["prospect"], row["due_on"]) == (
        1,
        "Anna",
        "Piet Bakker",
        "2026-03-23",
    )


def test_add_about_an_ask(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("ask", "add", "Anna"))
    ok(cli("followup", "add", "--ask", "1", "--due", "2026-04-01", "remind her"))
    [row] = custom(cli_json)
    assert (row["ask_id"], row["advocate_id"], row["due_on"]) == (1, anna["id"], "2026-04-01")


def test_add_needs_a_subject(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    result = cli("followup", "add", "--due", "tomorrow", "call someone")
    assert_one_line_error(result, "subject", "--advocate")
    assert cli_json("followup", "list", "--all") == []


def test_add_with_an_empty_note_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    assert_one_line_error(cli("followup", "add", "--advocate", "Anna", "--due", "today", " "))
    assert cli_json("followup", "list", "--all") == []


def test_add_with_a_bad_due_date(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    result = cli("followup", "add", "--advocate", "Anna", "--due", "soonish", "x")
    assert_one_line_error(result, "--due", "'soonish'")
    assert cli_json("followup", "list", "--all") == []


# --- list -------------------------------------------------------------------------------


def test_list_by_due_date_and_all(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-04-10", "late"))
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-01", "early"))
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-20", "middle"))
    ok(cli("followup", "done", "3"))
    assert [f["note"] for f in cli_json("followup", "list")] == ["early", "late"]
    rows = cli_json("followup", "list", "--all")
    assert [(f["note"], f["done_on"]) for f in rows] == [
        ("early", None),
        ("middle", "2026-03-16"),
        ("late", None),
    ]


# --- done -------------------------------------------------------------------------------


def test_done_records_date_and_note(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    made = {"REFTRACK_TODAY": "2026-03-10"}  # logged a few days ago
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "today", "call", env=made))
    result = ok(cli("followup", "done", "#1", "--on", "yesterday", "--note", "meeting Tuesday"))
    assert "follow-up #1 done on 2026-03-15" in result.stderr
    [row] = cli_json("followup", "list", "--all")
    assert (row["done_on"], row["outcome"]) == ("2026-03-15", "meeting Tuesday")
    assert cli_json("followup", "list") == []


def test_done_twice_is_an_error(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    made = {"REFTRACK_TODAY": "2026-03-10"}
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "today", "call", env=made))
    ok(cli("followup", "done", "1", "--on", "2026-03-14"))
    assert_one_line_error(cli("followup", "done", "1"), "already done on 2026-03-14")
    assert cli_json("followup", "list", "--all")[0]["done_on"] == "2026-03-14"


def test_done_thank_sets_thanked_on(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("referral", "add", "Anna", "Piet"))
    [thank] = [f for f in cli_json("followup", "list") if f["kind"] == "thank"]
    ok(cli("followup", "done", str(thank["id"])))
    assert cli_json("referral", "show", "Piet")["referral"]["thanked_on"] == "2026-03-16"


@pytest.mark.parametrize(
    ("ref", "says"), [("99", "no follow-up with id 99"), ("call", "not an id")]
)
def test_done_unknown(cli: Any, anna: dict[str, Any], ref: str, says: str) -> None:
    assert_one_line_error(cli("followup", "done", ref), says)


# --- snooze -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "due"),
    [
        ("2026-05-01", "2026-05-01"),
        ("+2w", "2026-03-30"),
        ("2w", "2026-03-30"),
        ("3m", "2026-06-16"),
        ("+1y", "2027-03-16"),
        ("friday", "2026-03-20"),
        ("tomorrow", "2026-03-17"),
    ],
)
def test_snooze(cli: Any, cli_json: Any, anna: dict[str, Any], when: str, due: str) -> None:
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-10", "call"))
    result = ok(cli("followup", "snooze", "1", when))
    assert f"now due {due}" in result.stderr
    assert cli_json("followup", "list")[0]["due_on"] == due


@pytest.mark.parametrize("when", ["2026-03-01", "today", "yesterday", "-2d"])
def test_snooze_to_the_past_refused(
    cli: Any, cli_json: Any, anna: dict[str, Any], when: str
) -> None:
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-10", "call"))
    # `--` lets a negative offset through as an argument rather than an option
    assert_one_line_error(cli("followup", "snooze", "1", "--", when), "not in the future")
    assert cli_json("followup", "list")[0]["due_on"] == "2026-03-10"


def test_snooze_a_done_one_refused(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-10", "call"))
    ok(cli("followup", "done", "1"))
    assert_one_line_error(cli("followup", "snooze", "1", "+1w"), "done")
    assert cli_json("followup", "list", "--all")[0]["due_on"] == "2026-03-10"


def test_snooze_to_a_bad_date(cli: Any, cli_json: Any, anna: dict[str, Any]) -> None:
    ok(cli("followup", "add", "--advocate", "Anna", "--due", "2026-03-10", "call"))
    assert_one_line_error(cli("followup", "snooze", "1", "later"), "'later'")
    assert cli_json("followup", "list")[0]["due_on"] == "2026-03-10"


# --- the canonical columns of every list (a literal copy of docs/formats.md) ---------------

SECTION_7 = {
    "advocates": (
        "id, name, company, email, phone, tags, nps, nps_on, customer_since, source, "
        "referred_by, last_milestone_on, last_complaint_on, archived, notes"
    ),
    "asks": "id, advocate_id, advocate, asked_on, channel, target, outcome, alternative, "
    "forced, notes",
    "referrals": (
        "id, advocate_id, advocate, ask_id, prospect, company, email, phone, received_on, "
        "status, value, closed_on, lost_reason, thanked_on, notes"
    ),
    "followups": (
        "id, due_on, kind, advocate_id, advocate, ask_id, referral_id, prospect, note, "
        "done_on, outcome"
    ),
}
# Beyond §7, which says "more may follow": an advocate's title and URL (a LinkedIn export),
# whether a follow-up was cancelled, and who logged each record (a team database).
SECTION_7["advocates"] += ", title, url, value_per_year, churned_on"
SECTION_7["followups"] += ", cancelled"
# and (asking well) the target an ask named and its event; where a collected proof is
SECTION_7["asks"] += ", owner, target_id, event, event_on, bring"
SECTION_7["followups"] += ", owner, link, intro_id"
# and (giving back) what a customer is worth a year and when they churned, the intro an
# intro_check asks about
for _kind in ("advocates", "referrals"):
    SECTION_7[_kind] += ", owner"

LIST_COMMANDS = {
    "advocates": ("advocate", "list"),
    "asks": ("ask", "list"),
    "referrals": ("referral", "list"),
    "followups": ("followup", "list", "--all"),
}


@pytest.fixture
def one_of_each(cli: Any, anna: dict[str, Any]) -> None:
    ok(cli("ask", "add", "Anna", "--target", "=cmd|' /C calc'!A0"))
    ok(cli("referral", "add", "Anna", "Piet, Jr.", "--note", "line one\nline two"))
    ok(cli("referral", "move", "Piet", "won", "--value", "12500", "--no-make-advocate"))


@pytest.mark.parametrize("kind", sorted(SECTION_7))
def test_csv_header_is_the_canonical_columns(cli: Any, one_of_each: None, kind: str) -> None:
    expected = SECTION_7[kind].split(", ")
    result = ok(cli(*LIST_COMMANDS[kind], "--format", "csv"))
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == expected
    assert len(rows) > 1 and all(len(row) == len(expected) for row in rows[1:])


@pytest.mark.parametrize("kind", sorted(SECTION_7))
def test_json_keys_are_the_canonical_columns(cli_json: Any, one_of_each: None, kind: str) -> None:
    rows = cli_json(*LIST_COMMANDS[kind])
    assert rows
    for row in rows:
        assert list(row) == SECTION_7[kind].split(", ")


@pytest.mark.parametrize("kind", sorted(SECTION_7))
def test_csv_of_an_empty_list_is_the_header(cli: Any, kind: str) -> None:
    result = ok(cli(*LIST_COMMANDS[kind], "--format", "csv"))
    assert result.stdout == SECTION_7[kind].replace(", ", ",") + "\n"


def test_csv_cells_round_trip_through_a_csv_reader(cli: Any, one_of_each: None) -> None:
    result = ok(cli("referral", "list", "--format", "csv"))
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["prospect"], row["notes"], row["value"]) == (
        "Piet, Jr.",
        "line one\nline two",
        "12500.00",
    )
    assert (row["closed_on"], row["lost_reason"]) == ("2026-03-16", "")


def test_list_csv_keeps_a_carriage_return_and_defuses_formulas(cli: Any) -> None:
    import csv
    import io

    assert cli("advocate", "add", "Anna", "--note", "line one\rline two").exit_code == 0
    assert cli("advocate", "add", "=HYPERLINK(1)").exit_code == 0
    text = cli("advocate", "list", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["notes"] for r in rows if r["name"] == "Anna"] == ["line one\rline two"]
    assert "'=HYPERLINK(1)" in [r["name"] for r in rows]
