"""Correcting asks, referrals and follow-ups: the rules' state follows the correction
(dates computed by hand here; today is 2026-03-16, cadences the defaults: check-back 7
days, circle-back 75, thank the same day, first contact the next day)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, ok

pytestmark = pytest.mark.both_engines


def data(cli: Invoke, *args: str) -> Any:
    return json.loads(ok(cli(*args, "--format", "json")).stdout)


def open_follow_ups(cli: Invoke) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (f["kind"], f["due_on"], f["advocate"], f["referral_id"])
        for f in data(cli, "followup", "list")
    ]


@pytest.fixture
def two(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", *OLD))
    ok(cli("advocate", "add", "Bram Jansen", *OLD))


# --- asks ------------------------------------------------------------------------------


def test_ask_edit_on_redates_its_open_follow_ups(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-10"))
    result = ok(cli("ask", "edit", "1", "--on", "2026-03-05", "--channel", "phone"))
    assert "ask #1: asked on 2026-03-05, 2 follow-ups re-dated; by phone" in result.stderr
    assert open_follow_ups(cli) == [
        ("check_ask", "2026-03-12", "Anna de Vries", None),  # 03-05 + 7
        ("circle_back", "2026-05-19", "Anna de Vries", None),  # 03-05 + 75
    ]


def test_ask_edit_moves_to_another_advocate_with_its_follow_ups(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-10"))
    ok(cli("ask", "edit", "1", "--advocate", "bram"))
    assert data(cli, "ask", "list")[0]["advocate"] == "Bram Jansen"
    assert {f[2] for f in open_follow_ups(cli)} == {"Bram Jansen"}


def test_ask_edit_refusals(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-10"))
    ok(cli("referral", "add", "anna", "Piet", "--on", "2026-03-12"))
    assert_one_line_error(cli("ask", "edit", "1", "--advocate", "bram"), "brought referrals #1")
    assert_one_line_error(
        cli("ask", "edit", "1", "--on", "2026-03-13"), "brought a referral on 2026-03-12"
    )
    assert_one_line_error(cli("ask", "edit", "1", "--on", "2026-03-20"), "in the future")
    assert_one_line_error(cli("ask", "edit", "1"), "nothing to change")
    assert_one_line_error(cli("ask", "edit", "anna", "--note", "x"), "not an id")
    assert data(cli, "ask", "list")[0]["asked_on"] == "2026-03-10"


# --- referrals ---------------------------------------------------------------------------


def test_moving_a_referral_moves_its_thank_you_and_unlinks_the_ask(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-10"))
    ok(cli("referral", "add", "anna", "Piet", "--on", "2026-03-12"))
    result = ok(cli("referral", "edit", "piet", "--advocate", "bram"))
    assert "from Bram Jansen" in result.stderr and "organic now" in result.stderr
    [referral] = data(cli, "referral", "list")
    assert (referral["advocate"], referral["ask_id"]) == ("Bram Jansen", None)
    due = ok(cli("due")).stdout
    assert "Thank Bram Jansen for introducing Piet" in due
    assert "Thank Anna" not in due
    # Anna's ask brought nothing after all: pending again, its check-back due again
    [ask] = data(cli, "ask", "list")
    assert ask["outcome"] == "pending"
    assert ("check_ask", "2026-03-17", "Anna de Vries", None) in open_follow_ups(cli)


def test_linking_a_referral_to_an_ask_of_its_advocate(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-01"))
    ok(cli("ask", "add", "bram", "--on", "2026-03-02"))
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12"))
    assert_one_line_error(
        cli("referral", "edit", "piet", "--ask", "2"), "ask #2 was made to Bram Jansen"
    )
    ok(cli("referral", "edit", "piet", "--ask", "1"))
    asks = {a["id"]: a["outcome"] for a in data(cli, "ask", "list")}
    assert asks == {1: "referred", 2: "pending"}
    ok(cli("referral", "edit", "piet", "--organic"))
    assert data(cli, "referral", "list")[0]["ask_id"] is None
    assert {a["id"]: a["outcome"] for a in data(cli, "ask", "list")}[1] == "pending"


def test_referral_edit_on_redates_the_thank_you_and_first_contact(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12", "--phone", "1"))
    ok(cli("referral", "edit", "piet", "--on", "2026-03-08"))
    assert sorted(open_follow_ups(cli)) == [
        ("contact", "2026-03-09", "Anna de Vries", 1),
        ("thank", "2026-03-08", "Anna de Vries", 1),
    ]


def test_the_value_of_a_won_deal_can_be_fixed(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12"))
    assert_one_line_error(cli("referral", "edit", "piet", "--value", "100"), "not won")
    ok(cli("referral", "move", "piet", "won", "--value", "75000", "--on", "2026-03-14"))
    result = ok(cli("referral", "edit", "piet", "--value", "7500,50"))
    assert "value 7500.50" in result.stderr
    assert data(cli, "referral", "list")[0]["value"] == "7500.50"
    assert_one_line_error(cli("referral", "edit", "piet", "--reason", "x"), "not lost")


def test_reopening_drops_what_closing_set(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-02"))
    ok(cli("referral", "move", "piet", "lost", "--reason", "budget", "--on", "2026-03-05"))
    ok(cli("referral", "move", "piet", "contacted", "--on", "2026-03-09"))
    assert data(cli, "referral", "list")[0]["lost_reason"] is None
    ok(cli("referral", "move", "piet", "won", "--value", "900", "--on", "2026-03-10"))
    assert any(f[0] == "thank" and f[1] == "2026-03-10" for f in open_follow_ups(cli))
    ok(cli("referral", "move", "piet", "proposal", "--on", "2026-03-11"))
    [referral] = data(cli, "referral", "list")
    assert (referral["value"], referral["closed_on"]) == (None, None)
    assert not any(f[0] == "thank" and f[1] == "2026-03-10" for f in open_follow_ups(cli))


# --- follow-ups --------------------------------------------------------------------------


def test_cancel_is_neither_done_nor_late(cli: Invoke, two: None) -> None:
    ok(cli("followup", "add", "--advocate", "anna", "--due", "2026-03-01", "call"))
    ok(cli("followup", "add", "--advocate", "anna", "--due", "2026-03-20", "mail"))
    result = ok(cli("followup", "cancel", "1", "2", "--note", "met at the fair"))
    assert "follow-up #1 cancelled (met at the fair)" in result.stderr
    assert open_follow_ups(cli) == []
    metrics = data(cli, "metrics")
    assert metrics["followups_on_time"] is None
    assert metrics["overdue"] == 0
    rows = data(cli, "followup", "list", "--all")
    assert [r["cancelled"] for r in rows] == [True, True]
    assert_one_line_error(cli("followup", "cancel", "1"), "already cancelled")


def test_the_open_contact_of_an_open_referral_cannot_be_cancelled(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic"))
    contact = next(f for f in data(cli, "followup", "list") if f["kind"] == "contact")
    assert_one_line_error(
        cli("followup", "cancel", str(contact["id"])), "next contact of open referral #1"
    )
    assert_one_line_error(cli("followup", "delete", str(contact["id"]), "--yes"), "next contact")


def test_reopen_a_thank_you_done_by_mistake(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12"))
    thank = next(f for f in data(cli, "followup", "list") if f["kind"] == "thank")
    ok(cli("followup", "done", str(thank["id"]), "--on", "2026-03-13"))
    assert data(cli, "referral", "list")[0]["thanked_on"] == "2026-03-13"
    result = ok(cli("followup", "reopen", str(thank["id"])))
    assert "is open again, due 2026-03-12" in result.stderr
    assert data(cli, "referral", "list")[0]["thanked_on"] is None
    assert_one_line_error(cli("followup", "reopen", str(thank["id"])), "is open")


def test_reopen_a_contact_replaces_the_one_scheduled_after_it(cli: Invoke, two: None) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12"))
    contact = next(f for f in data(cli, "followup", "list") if f["kind"] == "contact")
    ok(cli("followup", "done", str(contact["id"])))
    ok(cli("followup", "reopen", str(contact["id"])))
    contacts = [f for f in data(cli, "followup", "list") if f["kind"] == "contact"]
    assert [c["id"] for c in contacts] == [contact["id"]]


def test_several_ids_at_once_all_or_nothing(cli: Invoke, two: None) -> None:
    for when in ("2026-03-01", "2026-03-02", "2026-03-03"):
        ok(cli("followup", "add", "--advocate", "anna", "--due", when, "call"))
    ok(cli("followup", "snooze", "1", "2", "+1w"))
    assert [f[1] for f in open_follow_ups(cli)] == ["2026-03-03", "2026-03-23", "2026-03-23"]
    assert_one_line_error(cli("followup", "done", "3", "99"), "no follow-up with id 99")
    assert len(open_follow_ups(cli)) == 3
    ok(cli("followup", "done", "3", "1", "2"))
    assert open_follow_ups(cli) == []
    assert_one_line_error(cli("followup", "snooze", "+1w"), "give the follow-up ids, then when")


def test_followup_edit(cli: Invoke, two: None) -> None:
    ok(cli("followup", "add", "--advocate", "anna", "--due", "2026-03-20", "call"))
    ok(cli("followup", "edit", "1", "--due", "2026-03-25", "--note", "call about the pilot"))
    [row] = data(cli, "followup", "list")
    assert (row["due_on"], row["note"]) == ("2026-03-25", "call about the pilot")
    assert_one_line_error(cli("followup", "edit", "1"), "nothing to change")
    assert_one_line_error(cli("followup", "edit", "1", "--note", " "), "note is empty")


def test_the_details_follow_up_follows_the_edits(cli: Invoke, two: None) -> None:
    # no phone or e-mail: a details follow-up the next day (03-13), on Anna
    ok(cli("referral", "add", "anna", "Piet", "--organic", "--on", "2026-03-12"))
    details = [f for f in data(cli, "followup", "list") if f["kind"] == "details"]
    assert [(f["due_on"], f["note"]) for f in details] == [
        ("2026-03-13", "ask Anna de Vries for Piet's phone or e-mail")
    ]
    ok(cli("referral", "edit", "piet", "--on", "2026-03-10", "--advocate", "bram"))
    [details] = [f for f in data(cli, "followup", "list") if f["kind"] == "details"]
    assert (details["due_on"], details["note"]) == (
        "2026-03-11",
        "ask Bram Jansen for Piet's phone or e-mail",
    )
    ok(cli("referral", "edit", "piet", "--phone", "0612345678"))
    assert [f for f in data(cli, "followup", "list") if f["kind"] == "details"] == []


def test_a_corrected_customer_since_moves_the_value_check(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Karin", "--since", "2026-03-10"))  # onboarding: 30 days
    ok(cli("advocate", "edit", "karin", "--since", "2026-03-01"))
    checks = [(f["due_on"], f["cancelled"]) for f in data(cli, "followup", "list", "--all")]
    assert sorted(checks) == [("2026-03-31", False), ("2026-04-09", True)]
    ok(cli("advocate", "milestone", "karin", "--on", "2026-03-12"))
    ok(cli("advocate", "edit", "karin", "--since", "2026-02-20"))  # answered: none again
    assert [f for f in data(cli, "followup", "list") if f["kind"] == "value_check"] == []


# --- one follow-up of its kind (found by tests/test_invariants.py) ------------------------


def _of_kind(cli: Invoke, kind: str) -> list[dict[str, Any]]:
    return [f for f in data(cli, "followup", "list", "--all") if f["kind"] == kind]


def test_a_check_back_whose_ask_brought_a_referral_is_not_reopened(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--force", "--on", "2026-03-01"))
    ok(cli("referral", "add", "anna", "Piet", "--on", "2026-03-04"))  # answers the ask
    [check] = _of_kind(cli, "check_ask")
    assert check["done_on"] is not None
    assert_one_line_error(
        cli("followup", "reopen", str(check["id"])),
        "whose outcome is now referred",
        "reftrack ask outcome 1",
    )
    assert _of_kind(cli, "check_ask")[0]["done_on"] is not None  # nothing written
    ok(cli("ask", "outcome", "1", "pending"))  # what the error says: then it is open again
    assert [f["done_on"] for f in _of_kind(cli, "check_ask")].count(None) == 1


def test_an_older_circle_back_is_not_reopened_beside_the_newer(cli: Invoke, two: None) -> None:
    ok(cli("ask", "add", "anna", "--force", "--on", "2026-01-05"))
    ok(cli("ask", "add", "anna", "--force", "--on", "2026-03-01"))  # cancels the first
    older, newer = sorted(_of_kind(cli, "circle_back"), key=lambda f: f["id"])
    assert older["done_on"] is not None and newer["done_on"] is None
    assert_one_line_error(
        cli("followup", "reopen", str(older["id"])), f"follow-up #{newer['id']}", "open already"
    )
    ok(cli("followup", "cancel", str(newer["id"])))
    ok(cli("followup", "reopen", str(older["id"])))  # the only one now: fine


def test_merging_two_circled_back_advocates_keeps_the_later_circle_back(
    cli: Invoke, two: None
) -> None:
    ok(cli("ask", "add", "anna", "--force", "--on", "2026-01-05"))
    ok(cli("ask", "add", "bram", "--force", "--on", "2026-02-05"))
    ok(cli("advocate", "merge", "anna", "bram", "--yes"))
    circle_backs = _of_kind(cli, "circle_back")
    still_open = [f for f in circle_backs if f["done_on"] is None]
    assert len(circle_backs) == 2 and len(still_open) == 1
    assert still_open[0]["due_on"] == max(f["due_on"] for f in circle_backs)
    ok(cli("undo", "--yes"))  # apart again, each with its own
    assert [f["done_on"] for f in _of_kind(cli, "circle_back")] == [None, None]
