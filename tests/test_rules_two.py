"""The rules of part two (docs/rules.md), with dates worked out by hand.

Today is Monday 2026-03-16 (REFTRACK_TODAY, tests/helpers.py). Every refusal is one line on
stderr, exit 1, and leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]


def follow_ups(cli_json: Json, *, all_: bool = False) -> list[dict[str, Any]]:
    return list(cli_json("followup", "list", *(["--all"] if all_ else [])))


def kinds(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["kind"], r["due_on"]) for r in rows]


def refused_and_unchanged(cli: Invoke, db_path: Path, engine: str, *args: str, says: str) -> None:
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli(*args), says)
    if before is not None:
        assert dump(db_path) == before


@pytest.fixture
def anna(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD, "--phone", "0201"))


# --- future dates -------------------------------------------------------------------------


@pytest.mark.usefixtures("anna")
@pytest.mark.parametrize(
    "args",
    [
        ("ask", "add", "anna", "--on", "+1m"),
        ("advocate", "score", "anna", "10", "--on", "+1y"),
        ("advocate", "milestone", "anna", "--on", "tomorrow"),
        ("referral", "add", "anna", "Piet", "--on", "2026-03-17"),
    ],
)
def test_a_future_on_is_refused(
    cli: Invoke, db_path: Path, engine: str, args: tuple[str, ...]
) -> None:
    refused_and_unchanged(
        cli, db_path, engine, *args, says="is in the future; things that happened take a past date"
    )


@pytest.mark.usefixtures("anna")
def test_scheduling_options_still_take_future_dates(cli: Invoke, cli_json: Json) -> None:
    ok(cli("followup", "add", "--advocate", "anna", "--due", "+2w", "call"))
    ok(cli("followup", "snooze", "1", "+1m"))
    assert follow_ups(cli_json)[0]["due_on"] == "2026-04-16"  # 03-16 + one month


@pytest.mark.usefixtures("anna")
def test_done_before_the_follow_up_was_created_is_refused(
    cli: Invoke, cli_json: Json, db_path: Path, engine: str
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-10"))  # check-back #1, circle-back #2
    refused_and_unchanged(
        cli,
        db_path,
        engine,
        *("followup", "done", "1", "--on", "2026-03-09"),
        says="2026-03-09 is before follow-up #1 was created (2026-03-10)",
    )
    ok(cli("followup", "done", "1", "--on", "2026-03-10"))


# --- asks ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("anna")
def test_a_new_ask_closes_the_older_circle_back(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--on", "2025-11-01", "--backfill"))
    # its circle-back (2025-11-01 + 75 days = 2026-01-15) is 60 days overdue: --backfill
    # leaves it out. The next ask's is kept:
    ok(cli("ask", "add", "anna", "--on", "2026-01-10", "--force"))  # circle-back 2026-03-26
    assert kinds(follow_ups(cli_json)) == [
        ("check_ask", "2026-01-17"),
        ("circle_back", "2026-03-26"),
    ]
    ok(cli("ask", "add", "anna", "--on", "2026-03-12", "--force"))
    rows = follow_ups(cli_json)
    assert [r["kind"] for r in rows].count("circle_back") == 1
    assert ("circle_back", "2026-05-26") in kinds(rows)  # 03-12 + 75 days
    old = next(r for r in follow_ups(cli_json, all_=True) if r["due_on"] == "2026-03-26")
    assert (old["done_on"], old["cancelled"]) == ("2026-03-12", True)


@pytest.mark.usefixtures("anna")
def test_ask_add_says_when_the_follow_ups_are_due(cli: Invoke) -> None:
    said = ok(cli("ask", "add", "anna", "--on", "2026-03-13")).stderr
    assert "check back 2026-03-20, circle back 2026-05-27" in said  # +7 and +75 days


@pytest.mark.usefixtures("anna")
def test_promised_checks_in_5_days_and_a_referral_keeps_the_promise(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-09", "--target", "Jan Pieters"))
    said = ok(cli("ask", "outcome", "1", "promised", "--on", "2026-03-11")).stderr
    assert "check the promise 2026-03-16" in said  # 03-11 + 5
    promise = [r for r in follow_ups(cli_json) if r["kind"] == "check_promise"]
    assert [(r["due_on"], r["note"]) for r in promise] == [
        ("2026-03-16", "did Anna de Vries introduce you to Jan Pieters?")
    ]
    due = ok(cli("due")).stdout
    assert "Did Anna de Vries introduce you to Jan Pieters? (ask #1)" in due
    # the referral from that ask (linked without --ask: the ask is promised) keeps it
    said = ok(cli("referral", "add", "anna", "Jan Pieters", "--phone", "06", "--on", "2026-03-14"))
    assert "answers ask #1 of 2026-03-09" in said.stderr
    kept = next(r for r in follow_ups(cli_json, all_=True) if r["kind"] == "check_promise")
    assert (kept["done_on"], kept["outcome"], kept["cancelled"]) == (
        "2026-03-14",
        "introduction made",
        False,
    )


@pytest.mark.usefixtures("anna")
def test_alternative_collects_in_7_days_and_done_takes_a_link(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-02"))
    ok(
        cli(
            "ask",
            "outcome",
            "1",
            "alternative",
            "--alternative",
            "case_study",
            "--on",
            "2026-03-04",
        )
    )
    [collect] = [r for r in follow_ups(cli_json) if r["kind"] == "collect"]
    assert (collect["due_on"], collect["note"]) == (
        "2026-03-11",
        "collect Anna de Vries's case study",
    )
    assert_one_line_error(
        cli("followup", "done", str(collect["id"]), "--link", "not a url"), "is not a URL"
    )
    said = ok(cli("followup", "done", str(collect["id"]), "--link", "https://x.example/case"))
    assert f"follow-up #{collect['id']} done on 2026-03-16: Collect Anna de Vries's case study" in (
        said.stderr
    )
    [done] = [r for r in follow_ups(cli_json, all_=True) if r["kind"] == "collect"]
    assert done["outcome"] == "published at https://x.example/case"
    # --link only goes with a collect follow-up
    check = next(r for r in follow_ups(cli_json) if r["kind"] == "circle_back")
    assert_one_line_error(
        cli("followup", "done", str(check["id"]), "--link", "https://x.example"),
        "--link goes with a collect follow-up",
    )


@pytest.mark.usefixtures("anna")
def test_outcome_back_to_pending_reopens_the_check_back(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-12"))  # check-back 03-19
    ok(cli("ask", "outcome", "1", "declined", "--on", "2026-03-13"))
    assert [r["kind"] for r in follow_ups(cli_json)] == ["circle_back"]
    said = ok(cli("ask", "outcome", "1", "pending")).stderr
    assert "check back 2026-03-19" in said
    assert kinds(follow_ups(cli_json)) == [
        ("check_ask", "2026-03-19"),
        ("circle_back", "2026-05-26"),
    ]
    # one past its date is due again today, not in the past
    ok(cli("ask", "outcome", "1", "declined"))
    later = {"REFTRACK_TODAY": "2026-03-25"}
    ok(cli("ask", "outcome", "1", "pending", env=later))
    assert cli("followup", "list", "--format", "json", env=later).stdout.count("2026-03-25") == 1


# --- referrals ----------------------------------------------------------------------------


@pytest.mark.usefixtures("anna")
def test_the_second_name_of_an_ask_links_to_it(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-02-20"))
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--on", "2026-02-25"))
    # the ask is now `referred`; a second name 19 days later still answers it
    said = ok(cli("referral", "add", "anna", "Kees", "--phone", "2", "--on", "2026-03-16"))
    assert "answers ask #1 of 2026-02-20, referred" in said.stderr
    assert [r["ask_id"] for r in cli_json("referral", "list")] == [1, 1]


@pytest.mark.usefixtures("anna")
def test_a_referral_more_than_30_days_after_the_answer_is_organic(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-01-20", "--backfill"))
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--on", "2026-02-13", "--backfill"))
    # 2026-02-13 + 30 days = 2026-03-15: on the 16th it is too long ago
    said = ok(cli("referral", "add", "anna", "Kees", "--phone", "2"))
    assert "(organic: no recent ask to link)" in said.stderr
    assert [r["ask_id"] for r in cli_json("referral", "list")] == [None, 1]


@pytest.mark.usefixtures("anna")
def test_a_referral_without_phone_or_email_asks_for_them_next_day(
    cli: Invoke, cli_json: Json
) -> None:
    said = ok(cli("referral", "add", "anna", "Piet Bakker", "--organic", "--on", "2026-03-13"))
    assert "no phone or e-mail: ask Anna de Vries for them (due 2026-03-14)" in said.stderr
    [details] = [r for r in follow_ups(cli_json) if r["kind"] == "details"]
    assert (details["due_on"], details["advocate"], details["note"]) == (
        "2026-03-14",
        "Anna de Vries",
        "ask Anna de Vries for Piet Bakker's phone or e-mail",
    )
    ok(cli("referral", "add", "anna", "Kees", "--organic", "--email", "k@x.example"))
    assert len([r for r in follow_ups(cli_json) if r["kind"] == "details"]) == 1


# --- archive, onboarding, backfill --------------------------------------------------------


@pytest.mark.usefixtures("anna")
def test_archiving_cancels_open_follow_ups_and_due_leaves_them_out(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-01"))
    ok(cli("followup", "add", "--advocate", "anna", "--due", "today", "call"))
    said = ok(cli("advocate", "archive", "anna")).stderr
    assert "Anna de Vries archived; 3 open follow-ups cancelled" in said
    rows = follow_ups(cli_json, all_=True)
    assert {(r["done_on"], r["cancelled"]) for r in rows} == {("2026-03-16", True)}
    ok(cli("followup", "add", "--advocate", "anna", "--due", "today", "return the kit"))
    assert cli_json("due") == []
    assert cli_json("today")["due"] == []


def test_onboarding_over_schedules_a_value_check_and_a_milestone_closes_it(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("advocate", "add", "Karin Smit", "--since", "2026-03-01"))
    [check] = follow_ups(cli_json)
    assert (check["kind"], check["due_on"]) == ("value_check", "2026-03-31")  # +30 days
    assert check["note"] == (
        "Karin Smit's onboarding is over: has Karin seen value? log a milestone, then ask"
    )
    ok(cli("advocate", "milestone", "karin", "--note", "first report"))
    [closed] = follow_ups(cli_json, all_=True)
    assert (closed["done_on"], closed["outcome"]) == ("2026-03-16", "milestone on 2026-03-16")
    # an old customer's onboarding ended long ago: nothing to check
    ok(cli("advocate", "add", "Old Hand", *OLD))
    assert follow_ups(cli_json) == []


@pytest.mark.usefixtures("anna")
def test_history_without_backfill_warns_naming_it(cli: Invoke, cli_json: Json) -> None:
    result = ok(cli("ask", "add", "anna", "--on", "2025-06-02"))
    # check-back 2025-06-09 and circle-back 2025-08-16: both far more than 7 days overdue
    assert "check back due 2025-06-09, circle back due 2025-08-16 already more than 7 days" in (
        result.stderr
    )
    assert "--backfill" in result.stderr
    assert len(follow_ups(cli_json)) == 2


@pytest.mark.usefixtures("anna")
def test_backfill_records_history_without_the_overdue_follow_ups(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2025-06-02", "--backfill"))
    said = ok(cli("referral", "add", "anna", "P2", "--on", "2025-06-20", "--backfill")).stderr
    assert "thank" not in said  # no "thank Anna today" for last year's referral
    ok(cli("referral", "move", "P2", "won", "--value", "100", "--on", "2025-09-01", "--backfill"))
    assert follow_ups(cli_json) == []
    assert cli_json("due") == []
    [referral] = cli_json("referral", "list")
    assert (referral["status"], referral["ask_id"]) == ("won", 1)
    # 2026-03-08 is exactly 8 days ago: its check-back (03-15) is 1 day overdue and kept
    ok(cli("ask", "add", "anna", "--on", "2026-03-08", "--backfill", "--force"))
    assert kinds(follow_ups(cli_json)) == [
        ("check_ask", "2026-03-15"),
        ("circle_back", "2026-05-22"),
    ]


@pytest.mark.usefixtures("anna")
def test_an_older_ask_entered_later_leaves_the_newer_circle_back(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-02"))  # circle-back 2026-05-16
    ok(cli("ask", "add", "anna", "--on", "2025-06-02", "--backfill"))  # history
    assert [r for r in follow_ups(cli_json) if r["kind"] == "circle_back"] == [
        next(r for r in follow_ups(cli_json) if r["due_on"] == "2026-05-16")
    ]
    assert kinds(follow_ups(cli_json)) == [
        ("check_ask", "2026-03-09"),
        ("circle_back", "2026-05-16"),
    ]


def test_an_ask_after_onboarding_answers_the_value_check_an_older_one_does_not(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("advocate", "add", "Karin Smit", "--since", "2026-03-01"))  # value check 03-31
    ok(cli("ask", "add", "karin", "--on", "2025-01-15", "--force", "--backfill"))
    assert [r["kind"] for r in follow_ups(cli_json)] == ["value_check"]
    ok(cli("ask", "add", "karin", "--force", env={"REFTRACK_TODAY": "2026-04-02"}))
    check = next(r for r in follow_ups(cli_json, all_=True) if r["kind"] == "value_check")
    assert (check["done_on"], check["outcome"]) == ("2026-04-02", "asked on 2026-04-02")


@pytest.mark.usefixtures("anna")
def test_reopening_clears_the_lost_reason_and_a_won_value(cli: Invoke, cli_json: Json) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--on", "2026-03-02"))
    ok(cli("referral", "move", "piet", "lost", "--reason", "price", "--on", "2026-03-05"))
    ok(cli("referral", "move", "piet", "contacted", "--on", "2026-03-06"))
    [row] = cli_json("referral", "list")
    assert (row["status"], row["lost_reason"], row["closed_on"]) == ("contacted", None, None)
    ok(cli("referral", "move", "piet", "won", "--value", "900", "--on", "2026-03-10"))
    ok(cli("referral", "move", "piet", "proposal", "--on", "2026-03-12"))
    [row] = cli_json("referral", "list")
    assert (row["status"], row["value"]) == ("proposal", None)
    worked = next(
        r for r in follow_ups(cli_json, all_=True) if r["note"] == "it worked — thank you"
    )
    assert (worked["done_on"], worked["cancelled"]) == ("2026-03-12", True)
