"""The change journal: every command that writes leaves one entry (`log`), and `undo`
reverses entries exactly, or refuses, naming the later change in the way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

pytestmark = pytest.mark.both_engines


def entries(cli: Invoke, *args: str) -> list[dict[str, Any]]:
    result = ok(cli("log", *args, "--format", "json"))
    return list(json.loads(result.stdout))


def book(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--company", "Bakkerij", "--nps", "9", *OLD))
    ok(cli("ask", "add", "anna", "--on", "2026-03-02"))
    ok(cli("referral", "add", "anna", "Piet Bakker", "--on", "2026-03-10"))


def test_each_write_is_one_entry_with_its_command_and_rows(cli: Invoke, me: str) -> None:
    book(cli)
    logged = entries(cli)
    assert [e["command"] for e in logged] == [
        "reftrack referral add anna 'Piet Bakker' --on 2026-03-10",
        "reftrack ask add anna --on 2026-03-02",
        "reftrack advocate add 'Anna de Vries' --company Bakkerij --nps 9 --since 2024-01-01",
    ]
    assert [e["owner"] for e in logged] == [me, me, me]
    # the referral, its thank-you and contact, the ask it answered, the check-back it closed
    assert logged[0]["rows"] == 5
    assert logged[2]["rows"] == 2  # the advocate and the score
    ok(cli("due"))  # a read writes nothing
    assert len(entries(cli)) == 3


def test_a_refused_command_leaves_no_entry(cli: Invoke) -> None:
    book(cli)
    assert cli("ask", "add", "anna").exit_code == 1  # asked 14 days ago: refused
    assert len(entries(cli)) == 3


def test_log_of_one_record_says_what_changed(cli: Invoke) -> None:
    book(cli)
    ok(cli("referral", "move", "piet", "meeting", "--on", "2026-03-12"))
    history = entries(cli, "referral:1")
    assert [e["command"].split()[1:3] for e in history] == [
        ["referral", "move"],
        ["referral", "add"],
    ]
    [change] = history[0]["changes"]
    assert change == {"op": "update", "changed": {"status": ["new", "meeting"]}}
    table = ok(cli("log", "referral#1")).stdout
    assert "status new → meeting" in table


def test_undo_reverses_the_latest_entry_exactly(cli: Invoke, db_path: Path, engine: str) -> None:
    book(cli)
    before = dump(db_path) if engine == "sqlite" else None
    ok(cli("referral", "move", "piet", "won", "--value", "7500,50", "--on", "2026-03-14"))
    result = ok(cli("undo", "--yes"))
    assert "undone #4: reftrack referral move piet won" in result.stderr
    [referral] = json.loads(ok(cli("referral", "list", "--format", "json")).stdout)
    assert (referral["status"], referral["value"], referral["closed_on"]) == ("new", None, None)
    if before is not None:
        after = dump(db_path)
        for table in ("advocate", "ask", "referral", "follow_up", "nps_score"):
            assert after[table] == before[table], table
    assert entries(cli)[0]["undone_by"] == "reftrack undo --yes"
    assert_one_line_error(cli("undo", "4", "--yes"), "entry #4", "already undone")


def test_undo_last_n_in_one_go(cli: Invoke) -> None:
    book(cli)
    ok(cli("undo", "--last", "2", "--yes"))
    assert json.loads(ok(cli("ask", "list", "--format", "json")).stdout) == []
    assert len(json.loads(ok(cli("advocate", "list", "--format", "json")).stdout)) == 1
    ok(cli("undo", "--yes"))
    assert json.loads(ok(cli("advocate", "list", "--format", "json")).stdout) == []
    assert_one_line_error(cli("undo", "--yes"), "nothing to undo")


def test_undo_is_refused_when_a_later_change_touched_the_same_rows(cli: Invoke) -> None:
    book(cli)
    # entry 2 is the ask; entry 3 (the referral) changed it: undoing 2 alone is refused
    result = cli("undo", "2", "--yes")
    assert_one_line_error(result, "entry #2", "later entry #3", "referral add", "undo that first")
    assert len(json.loads(ok(cli("ask", "list", "--format", "json")).stdout)) == 1


def test_undo_of_an_add_is_refused_when_later_records_depend_on_it(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna", *OLD))
    ok(cli("advocate", "add", "Bram", *OLD))
    ok(cli("referral", "add", "bram", "Piet", "--organic"))
    ok(cli("referral", "edit", "piet", "--advocate", "anna"))
    # undoing Anna's add would orphan the referral made Bram's and moved to her later
    result = cli("undo", "1", "--yes")
    assert_one_line_error(result, "cannot undo", "referral #1", "entry #4", "referral edit")


def test_undo_off_a_terminal_needs_yes(cli: Invoke) -> None:
    book(cli)
    result = cli("undo")
    assert_one_line_error(result, "undo #3", "not a terminal", "--yes")
    assert len(json.loads(ok(cli("referral", "list", "--format", "json")).stdout)) == 1


def test_undo_of_a_delete_brings_everything_back(cli: Invoke, db_path: Path, engine: str) -> None:
    book(cli)
    ok(cli("advocate", "add", "Karin", "--company", "Delta", *OLD))
    ok(cli("referral", "move", "piet", "won", "--value", "100", "--on", "2026-03-12"))
    before = dump(db_path) if engine == "sqlite" else None
    shown = ok(cli("advocate", "show", "anna", "--format", "json")).stdout
    ok(cli("advocate", "delete", "anna", "--yes"))
    assert "no advocate" in cli("advocate", "show", "anna").stderr
    ok(cli("undo", "--yes"))
    assert ok(cli("advocate", "show", "anna", "--format", "json")).stdout == shown
    if before is not None:
        after = dump(db_path)
        for table in ("advocate", "ask", "referral", "follow_up", "nps_score", "advocate_event"):
            assert after[table] == before[table], table


def test_undo_of_an_import_removes_what_it_added_and_restores_what_it_changed(
    cli: Invoke, tmp_path: Path
) -> None:
    ok(cli("advocate", "add", "Anna", "--email", "anna@example.test", "--company", "Old"))
    rows = ["name,email,company,nps"]
    rows.append("Anna,anna@example.test,New,9")
    rows += [f"Person {i},p{i}@example.test,Co {i},8" for i in range(250)]
    source = tmp_path / "people.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ok(cli("import", "advocates", str(source)))
    assert len(json.loads(ok(cli("advocate", "list", "--format", "json")).stdout)) == 251
    logged = entries(cli)[0]
    assert logged["command"].startswith("reftrack import advocates")
    ok(cli("undo", "--yes"))
    [anna] = json.loads(ok(cli("advocate", "list", "--format", "json")).stdout)
    assert (anna["name"], anna["company"], anna["nps"]) == ("Anna", "Old", None)
    profile = json.loads(ok(cli("advocate", "show", "anna", "--format", "json")).stdout)
    assert profile["nps_history"] == []


def test_a_password_in_the_command_line_is_not_journaled(cli: Invoke, db_path: Path) -> None:
    from reftrack.journal.record import command_line

    said = command_line(["--db", "postgresql://sam:s3cret@db.example/crm", "advocate", "add", "A"])
    assert "s3cret" not in said
    assert "postgresql://sam:***@db.example/crm" in said


def test_log_of_an_unknown_kind_is_one_line(cli: Invoke) -> None:
    assert_one_line_error(cli("log", "thing:3"), "'thing' is not a kind of record")


def test_a_dry_run_or_a_bad_file_journals_nothing(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("advocate", "add", "Anna", "--email", "anna@example.test"))
    good = tmp_path / "good.csv"
    good.write_text("name,email,nps\nAnna,anna@example.test,9\nBram,b@example.test,8\n")
    ok(cli("import", "advocates", str(good), "--dry-run"))
    bad = tmp_path / "bad.csv"
    bad.write_text("name,nps\n" + "".join(f"P{i},7\n" for i in range(1200)) + "Q,eleven\n")
    assert cli("import", "advocates", str(bad)).exit_code == 1
    assert [e["command"].split()[1] for e in entries(cli)] == ["advocate"]
    assert len(json.loads(ok(cli("advocate", "list", "--format", "json")).stdout)) == 1
