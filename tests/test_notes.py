"""The interaction log (`note add`): dated notes about an advocate, a referral or an ask,
shown by `show`, found by `search`, in `log`, exported and imported as the `notes` kind,
and deleted with their record through the journal so that `undo` brings them back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]


@pytest.fixture
def book(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("ask", "add", "anna", "--target", "the CFO", "--on", "2026-03-02"))
    ok(cli("referral", "add", "anna", "Piet Bakker", "--phone", "1", "--on", "2026-03-09"))
    ok(cli("note", "add", "anna", "called, voicemail", "--on", "2026-03-03"))
    ok(cli("note", "add", "--ask", "1", "she will think about it", "--on", "2026-03-04"))
    ok(cli("note", "add", "--referral", "piet", "met at their office"))


def lines(cli_json: Json, who: str = "anna") -> list[tuple[str, str, str]]:
    return [(n["noted_on"], n["about"], n["text"]) for n in cli_json("note", "list", who)]


@pytest.mark.usefixtures("book")
def test_notes_are_dated_and_shown(cli: Invoke, cli_json: Json) -> None:
    assert lines(cli_json) == [
        ("2026-03-03", "advocate:1", "called, voicemail"),
        ("2026-03-04", "ask:1", "she will think about it"),
        ("2026-03-16", "referral:1", "met at their office"),
    ]
    profile = cli_json("advocate", "show", "anna")
    assert [n["text"] for n in profile["notes"]] == [
        "called, voicemail",
        "she will think about it",
        "met at their office",
    ]
    assert [n["text"] for n in cli_json("referral", "show", "piet")["notes"]] == [
        "met at their office"
    ]
    shown = ok(cli("advocate", "show", "anna")).stdout
    assert "Notes" in shown and "2026-03-04  ask #1       she will think about it" in shown
    # a note adds to the log; it never replaces the record's own --note
    ok(cli("note", "add", "anna", "second call: she has two names"))
    assert len(lines(cli_json)) == 4


@pytest.mark.usefixtures("book")
def test_search_and_log_find_notes(cli: Invoke, cli_json: Json) -> None:
    hits = cli_json("search", "voicemail")
    assert [(h["kind"], h["name"], h["detail"]) for h in hits] == [
        ("note", "Anna de Vries", "2026-03-03: called, voicemail")
    ]
    [entry] = cli_json("log", "note:1")
    assert entry["command"] == "reftrack note add anna 'called, voicemail' --on 2026-03-03"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("note", "add", "anna"), "give the advocate, then the note in quotes"),
        (("note", "add", "anna", "   "), "the note is empty"),
        (("note", "add", "nobody", "hello"), "no advocate named 'nobody'"),
        (("note", "add", "--ask", "1", "--referral", "1", "x"), "--referral and --ask contradict"),
        (("note", "add", "--ask", "99", "x"), "no ask with id 99"),
        (("note", "add", "anna", "x", "--on", "tomorrow"), "is in the future"),
        (("note", "add", "--referral", "1", "anna", "x"), "give the advocate, then the note"),
    ],
)
def test_bad_notes_write_nothing(
    cli: Invoke, db_path: Path, engine: str, args: tuple[str, ...], says: str
) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli(*args), says)
    if before is not None:
        assert dump(db_path) == before


@pytest.mark.usefixtures("book")
def test_deleting_an_advocate_takes_the_notes_and_undo_brings_them_back(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("target", "add", "Jan Pieters", "--via", "anna"))
    said = ok(cli("advocate", "delete", "anna", "--yes"))
    assert "3 notes" in said.stderr and "1 target links" in said.stderr
    assert cli_json("export", "notes") == [] and cli_json("export", "target_links") == []
    ok(cli("undo", "--yes"))
    assert len(lines(cli_json)) == 3
    assert cli_json("target", "list")[0]["via"] == "Anna de Vries"


@pytest.mark.usefixtures("book")
def test_deleting_an_ask_or_referral_takes_its_notes_back_with_undo(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("referral", "delete", "1", "--yes"))
    ok(cli("ask", "delete", "1", "--yes"))
    assert lines(cli_json) == [("2026-03-03", "advocate:1", "called, voicemail")]
    ok(cli("undo", "--last", "2", "--yes"))
    assert len(lines(cli_json)) == 3


@pytest.mark.usefixtures("book")
def test_merge_moves_notes_and_target_links(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "A. de Vries", "--duplicate"))
    ok(cli("note", "add", "A. de Vries", "old note from the card"))
    ok(cli("target", "add", "Jan Pieters", "--via", "anna", "--via", "A. de Vries"))
    ok(cli("target", "add", "Eva Smit", "--via", "A. de Vries"))
    said = ok(cli("advocate", "merge", "anna", "A. de Vries", "--yes"))
    assert "1 notes" in said.stderr
    assert lines(cli_json)[-1] == ("2026-03-16", "advocate:1", "old note from the card")
    via = {t["name"]: t["via"] for t in cli_json("target", "list")}
    assert via == {"Eva Smit": "Anna de Vries", "Jan Pieters": "Anna de Vries"}


@pytest.mark.usefixtures("book")
def test_notes_export_is_read_back_and_import_all_restores_it(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    ok(cli("target", "add", "Jan Pieters", "--via", "anna"))
    ok(cli("ask", "add", "anna", "--for", "jan", "--force"))
    rows = list(csv.DictReader(io.StringIO(ok(cli("export", "notes")).stdout)))
    assert [
        (r["noted_on"], r["advocate_id"], r["ask_id"], r["referral_id"], r["text"]) for r in rows
    ] == [
        ("2026-03-03", "1", "", "", "called, voicemail"),
        ("2026-03-04", "", "1", "", "she will think about it"),
        ("2026-03-16", "", "", "1", "met at their office"),
    ]
    if engine != "sqlite":
        return  # the byte-for-byte restore is pinned on files (test_transfer_roundtrip.py)
    first, second = tmp_path / "first", tmp_path / "second"
    ok(cli("export", "all", str(first)))
    monkeypatch.setenv("REFTRACK_DB", str(tmp_path / "restored.db"))
    ok(cli("import", "all", str(first)))
    ok(cli("export", "all", str(second)))
    for kind in ("asks", "notes", "targets", "target_links"):
        assert (second / f"{kind}.csv").read_bytes() == (first / f"{kind}.csv").read_bytes()


def test_a_note_row_about_two_records_is_a_bad_row(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("ask", "add", "anna"))
    text = "noted_on,advocate_id,ask_id,text\n2026-03-01,1,1,two subjects\n2026-03-02,,,none\n"
    result = cli("import", "notes", "-", input=text)
    assert result.exit_code == 1
    assert (
        result.stderr.count("a note is about exactly one advocate_id, referral_id or ask_id") == 2
    )
    assert cli_json("export", "notes") == []


@pytest.mark.usefixtures("book")
def test_import_all_new_ids_follows_targets_and_notes(
    cli: Invoke, cli_json: Json, tmp_path: Path, engine: str
) -> None:
    if engine != "sqlite":
        pytest.skip("one engine is enough for the import's bookkeeping")
    ok(cli("target", "add", "Jan Pieters", "--via", "anna"))
    ok(cli("ask", "add", "anna", "--for", "jan", "--force"))
    ok(cli("export", "all", str(tmp_path / "book")))
    # the same history merged in again: new asks and notes, the same target and link
    ok(cli("import", "all", str(tmp_path / "book"), "--new-ids"))
    asks = cli_json("export", "asks")
    assert [(a["id"], a["target_id"]) for a in asks] == [(1, None), (2, 1), (3, None), (4, 1)]
    assert len(cli_json("export", "target_links")) == 1
    notes = {(n["id"], n["ask_id"], n["referral_id"]) for n in cli_json("export", "notes")}
    assert notes >= {(5, 3, None), (6, None, 2)}  # they follow the new ask #3, referral #2
