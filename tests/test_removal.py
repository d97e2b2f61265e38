"""Deleting and merging: what goes is said first and asked on a terminal; off a terminal
--yes is needed; kept records lose only their link; `undo` brings it all back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, ok, on_pty

pytestmark = pytest.mark.both_engines


def data(cli: Invoke, *args: str) -> Any:
    return json.loads(ok(cli(*args, "--format", "json")).stdout)


@pytest.fixture
def book(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("ask", "add", "anna", "--on", "2026-03-02"))
    ok(cli("referral", "add", "anna", "Piet Bakker", "--on", "2026-03-05"))
    ok(cli("referral", "move", "piet", "won", "--value", "100", "--on", "2026-03-09"))
    ok(cli("advocate", "add", "Piet Bakker", "--since", "2026-03-09"))
    ok(cli("advocate", "edit", "piet bakker", "--referred-by", "1"))


def test_off_a_terminal_delete_needs_yes_and_does_nothing(cli: Invoke, book: None) -> None:
    result = cli("referral", "delete", "1")
    assert_one_line_error(result, "delete referral #1 Piet Bakker with 3 follow-ups", "--yes")
    assert len(data(cli, "referral", "list")) == 1


def test_deleting_a_referral_keeps_the_advocate_it_brought(cli: Invoke, book: None) -> None:
    result = ok(cli("referral", "delete", "1", "--yes"))
    assert "advocate #2 Piet Bakker stays, no longer referred" in result.stderr
    assert data(cli, "referral", "list") == []
    piet = data(cli, "advocate", "show", "2")["advocate"]
    assert piet["referred_by"] is None
    assert [f for f in data(cli, "followup", "list", "--all") if f["referral_id"]] == []
    # the ask brought nothing now: pending again
    assert data(cli, "ask", "list")[0]["outcome"] == "pending"


def test_deleting_an_ask_makes_its_referrals_organic(cli: Invoke, book: None) -> None:
    result = ok(cli("ask", "delete", "1", "--yes"))
    assert "referral #1 Piet Bakker stays, as organic" in result.stderr
    assert data(cli, "referral", "list")[0]["ask_id"] is None
    assert_one_line_error(cli("ask", "delete", "anna", "--yes"), "not an id")


def test_deleting_an_advocate_takes_their_history(cli: Invoke, book: None) -> None:
    result = ok(cli("advocate", "delete", "anna", "--yes"))
    assert "1 asks, 1 referrals" in result.stderr and "1 scores" in result.stderr
    assert [a["name"] for a in data(cli, "advocate", "list")] == ["Piet Bakker"]
    assert data(cli, "ask", "list") == [] and data(cli, "referral", "list") == []
    ok(cli("undo", "--yes"))
    assert len(data(cli, "referral", "list")) == 1
    assert data(cli, "advocate", "show", "2")["advocate"]["referred_by"] == 1


def test_delete_asks_on_a_terminal(cli: Invoke, book: None) -> None:
    output = on_pty("followup", "delete", "1", answer=b"n\n", code=1)
    assert b"delete follow-up #1" in output and b"Go ahead?" in output
    assert len(data(cli, "followup", "list", "--all")) == 5
    on_pty("followup", "delete", "1", answer=b"y\n")
    assert 1 not in [f["id"] for f in data(cli, "followup", "list", "--all")]


def test_merge_moves_the_history_and_fills_empty_fields(cli: Invoke, book: None) -> None:
    ok(cli("advocate", "add", "Anna Vries", "--email", "anna@bakkerij.nl", "--tag", "vip"))
    ok(cli("advocate", "score", "anna vries", "6", "--on", "2026-03-10"))
    ok(cli("advocate", "milestone", "anna vries", "--on", "2026-03-11", "--note", "go-live"))
    off_terminal = cli("advocate", "merge", "anna de vries", "anna vries")
    assert_one_line_error(off_terminal, "merge #3 Anna Vries into #1 Anna de Vries", "--yes")
    result = ok(cli("advocate", "merge", "anna de vries", "anna vries", "--yes"))
    assert "moving 1 scores, 1 events" in result.stderr and "filling email" in result.stderr
    profile = data(cli, "advocate", "show", "1")
    anna = profile["advocate"]
    assert (anna["email"], anna["tags"], anna["nps"], anna["last_milestone_on"]) == (
        "anna@bakkerij.nl",
        "vip",
        9,  # the latest of both: her own, given today
        "2026-03-11",
    )
    assert [s["score"] for s in profile["nps_history"]] == [6, 9]
    assert len(data(cli, "advocate", "list")) == 2
    ok(cli("undo", "--yes"))
    assert len(data(cli, "advocate", "list")) == 3
    assert data(cli, "advocate", "show", "1")["advocate"]["nps"] == 9
    assert_one_line_error(cli("advocate", "merge", "1", "1", "--yes"), "same advocate twice")


def test_a_wrong_score_can_be_removed(cli: Invoke, book: None) -> None:
    ok(cli("advocate", "add", "Karin", *OLD))
    ok(cli("advocate", "score", "karin", "8", "--on", "2026-01-10"))
    ok(cli("advocate", "score", "karin", "3", "--on", "2026-02-01"))
    assert data(cli, "advocate", "show", "karin")["advocate"]["nps"] == 3
    result = ok(cli("advocate", "score", "karin", "--delete", "2026-02-01"))
    assert "removed 1 score(s) of 2026-02-01; latest now 8 on 2026-01-10" in result.stderr
    assert_one_line_error(
        cli("advocate", "score", "karin", "--delete", "2026-02-01"), "no score on 2026-02-01"
    )
    assert_one_line_error(cli("advocate", "score", "karin"), "give a score")
    ok(cli("advocate", "score", "karin", "--delete", "2026-01-10"))
    assert data(cli, "advocate", "show", "karin")["advocate"]["nps"] is None


def test_a_wrong_event_can_be_removed(cli: Invoke, book: None) -> None:
    ok(cli("advocate", "complaint", "anna de vries", "--on", "2026-03-12", "--note", "typo"))
    [event] = data(cli, "advocate", "show", "1")["events"]
    ok(cli("advocate", "event", "delete", str(event["id"])))
    profile = data(cli, "advocate", "show", "1")
    assert profile["events"] == [] and profile["advocate"]["last_complaint_on"] is None
    assert_one_line_error(cli("advocate", "event", "delete", "99"), "no milestone or complaint #99")


def test_unarchive(cli: Invoke, book: None) -> None:
    ok(cli("advocate", "archive", "anna de vries"))
    ok(cli("advocate", "unarchive", "anna de vries"))
    assert data(cli, "advocate", "show", "1")["advocate"]["archived"] is False
