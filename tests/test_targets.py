"""Targets (docs/rules.md#targets): the people you want to meet and who knows them, an ask
for one, the referral that reaches them, `next` naming and lifting those who know them.

Today is Monday 2026-03-16 (tests/helpers.py); dates below are worked out by hand.
"""

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
    """Anna (promoter) and Bram (passive) know Jan Pieters; Bram also knows Eva Smit."""
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("advocate", "add", "Bram Jansen", "--nps", "8", *OLD, "--company", "Jansen BV"))
    ok(
        cli(
            "target",
            "add",
            "Jan Pieters",
            "--company",
            "Omega",
            "--title",
            "CFO",
            "--via",
            "anna",
            "--via",
            "bram",
            "--url",
            "https://www.linkedin.com/in/jan",
        )
    )
    ok(cli("target", "add", "Eva Smit", "--via", "bram"))


def targets(cli_json: Json, *args: str) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in cli_json("target", "list", *args)}


@pytest.mark.usefixtures("book")
def test_add_list_show_and_drop(cli: Invoke, cli_json: Json) -> None:
    listed = targets(cli_json)
    jan = listed["Jan Pieters"]
    assert (jan["company"], jan["title"], jan["url"]) == (
        "Omega",
        "CFO",
        "https://www.linkedin.com/in/jan",
    )
    assert (jan["via"], jan["state"], jan["closed_on"]) == (
        "Anna de Vries; Bram Jansen",
        "open",
        None,
    )
    shown = cli_json("target", "show", "jan")
    assert shown["target"]["id"] == jan["id"] and shown["asks"] == []
    said = ok(cli("target", "drop", "Eva", "--on", "2026-03-10"))
    assert "target #2 Eva Smit dropped on 2026-03-10" in said.stderr
    assert list(targets(cli_json, "--open")) == ["Jan Pieters"]
    assert targets(cli_json)["Eva Smit"]["state"] == "dropped"
    assert_one_line_error(cli("target", "drop", "Eva"), "was dropped on 2026-03-10 already")


def test_bad_targets_write_nothing(cli: Invoke, db_path: Path, engine: str) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli("target", "add", "  "), "the target's name is empty")
    # an unknown advocate in --via: neither the target nor the known ones are written
    assert_one_line_error(
        cli("target", "add", "Jan", "--via", "anna", "--via", "nobody"),
        "no advocate named 'nobody'",
    )
    assert_one_line_error(cli("target", "show", "Jan"), "no target named 'Jan'")
    assert_one_line_error(cli("ask", "add", "anna", "--for", "Jan"), "no target named 'Jan'")
    if before is not None:
        assert dump(db_path) == before


@pytest.mark.usefixtures("book")
def test_an_ask_for_a_target_and_its_referral_reach_it(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--for", "Jan", "--on", "2026-03-02"))
    [ask] = cli_json("ask", "list")
    jan = targets(cli_json)["Jan Pieters"]
    assert (ask["target_id"], ask["target"]) == (jan["id"], "Jan Pieters (Omega)")
    assert [a["id"] for a in cli_json("target", "show", "Jan")["asks"]] == [ask["id"]]
    said = ok(
        cli("referral", "add", "anna", "Jan Pieters", "--phone", "0612", "--on", "2026-03-09")
    )
    assert f"target #{jan['id']} Jan Pieters (Omega) reached" in said.stderr
    jan = targets(cli_json)["Jan Pieters"]
    assert (jan["state"], jan["closed_on"], jan["referral_id"]) == ("reached", "2026-03-09", 1)
    # a reached target: no more asks for them, and `next` no longer names them
    assert_one_line_error(
        cli("ask", "add", "bram", "--for", "Jan"), "is reached; ask for an open one"
    )
    reasons = {row["advocate"]: row["reasons"] for row in cli_json("next")}
    assert "Jan Pieters" not in reasons["Bram Jansen"]


@pytest.mark.usefixtures("book")
def test_someone_else_from_that_ask_leaves_the_target_open(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--for", "Jan", "--on", "2026-03-02"))
    said = ok(cli("referral", "add", "anna", "Piet Bakker", "--phone", "1", "--on", "2026-03-09"))
    assert "reached" not in said.stderr
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"


@pytest.mark.usefixtures("book")
def test_a_name_alone_does_not_reach_a_target(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Carla", "--nps", "9", *OLD))
    # organic, from someone who does not know Jan, at no company: another Jan Pieters
    ok(cli("referral", "add", "carla", "jan pieters", "--organic", "--phone", "1"))
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"
    # the same name from an advocate who knows him: him (case and accents ignored)
    ok(cli("referral", "add", "bram", "Ján Pieters", "--organic", "--phone", "1"))
    assert targets(cli_json)["Jan Pieters"]["referral_id"] == 2


@pytest.mark.usefixtures("book")
def test_the_same_company_reaches_a_target_too(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Carla", "--nps", "9", *OLD))
    ok(
        cli(
            "referral",
            "add",
            "carla",
            "Jan Pieters",
            "--company",
            "omega",
            "--organic",
            "--phone",
            "1",
        )
    )
    assert targets(cli_json)["Jan Pieters"]["state"] == "reached"


@pytest.mark.usefixtures("book")
def test_deleting_the_referral_opens_the_target_and_undo_closes_it(
    cli: Invoke, cli_json: Json
) -> None:
    ok(cli("ask", "add", "anna", "--for", "Jan"))
    ok(cli("referral", "add", "anna", "Jan Pieters", "--phone", "1"))
    said = ok(cli("referral", "delete", "1", "--yes"))
    assert "target #1 Jan Pieters is open again" in said.stderr
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"
    ok(cli("undo", "--yes"))
    assert targets(cli_json)["Jan Pieters"]["closed_on"] == "2026-03-16"


@pytest.mark.usefixtures("book")
def test_a_corrected_referral_reaches_the_target_it_now_names(cli: Invoke, cli_json: Json) -> None:
    """`referral edit` keeps the target in step: a typo corrected reaches the target, a
    prospect changed away opens it again, a corrected day dates it, undo puts it back."""
    ok(cli("ask", "add", "anna", "--for", "Jan", "--on", "2026-03-02"))
    ok(cli("referral", "add", "anna", "Jan Pieterz", "--phone", "1", "--on", "2026-03-09"))
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"  # a typo: someone else
    said = ok(cli("referral", "edit", "1", "--prospect", "Jan Pieters"))
    assert "target #1 Jan Pieters (Omega) reached" in said.stderr
    jan = targets(cli_json)["Jan Pieters"]
    assert (jan["state"], jan["closed_on"], jan["referral_id"]) == ("reached", "2026-03-09", 1)
    said = ok(cli("referral", "edit", "1", "--on", "2026-03-10"))
    assert "reached" not in said.stderr and "open again" not in said.stderr
    assert targets(cli_json)["Jan Pieters"]["closed_on"] == "2026-03-10"
    said = ok(cli("referral", "edit", "1", "--prospect", "Piet Bakker"))
    assert "target #1 Jan Pieters (Omega) is open again" in said.stderr
    jan = targets(cli_json)["Jan Pieters"]
    assert (jan["state"], jan["closed_on"], jan["referral_id"]) == ("open", None, None)
    ok(cli("undo", "--yes"))
    assert targets(cli_json)["Jan Pieters"]["referral_id"] == 1


@pytest.mark.usefixtures("book")
def test_a_referral_moved_to_another_advocate_or_ask_is_judged_again(
    cli: Invoke, cli_json: Json
) -> None:
    """Moved to an advocate who does not know the target and with no ask for them, the same
    name is someone else's Jan Pieters; linked to the ask for him, it reaches him."""
    ok(cli("advocate", "add", "Carla", "--nps", "9", *OLD))
    ok(cli("ask", "add", "carla", "--for", "Jan", "--on", "2026-03-02"))
    ok(cli("referral", "add", "bram", "Jan Pieters", "--organic", "--phone", "1"))
    assert targets(cli_json)["Jan Pieters"]["referral_id"] == 1  # Bram knows him
    said = ok(cli("referral", "edit", "1", "--advocate", "carla"))
    assert "is open again" in said.stderr  # Carla does not know him; no ask linked
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"
    said = ok(cli("referral", "edit", "1", "--ask", "1"))
    assert "target #1 Jan Pieters (Omega) reached" in said.stderr
    assert targets(cli_json)["Jan Pieters"]["referral_id"] == 1


@pytest.mark.usefixtures("book")
def test_ask_edit_for_links_the_ask_and_its_referral_reaches_the_target(
    cli: Invoke, cli_json: Json, db_path: Path, engine: str
) -> None:
    ok(cli("advocate", "add", "Carla", "--nps", "9", *OLD))  # does not know Jan
    ok(cli("ask", "add", "carla", "--on", "2026-03-02"))
    ok(cli("referral", "add", "carla", "Jan Pieters", "--phone", "1", "--on", "2026-03-09"))
    [referral] = cli_json("referral", "list")
    assert referral["ask_id"] == 1 and targets(cli_json)["Jan Pieters"]["state"] == "open"
    said = ok(cli("ask", "edit", "1", "--for", "Jan"))
    assert "for target #1 Jan Pieters (Omega)" in said.stderr
    assert "target #1 Jan Pieters (Omega) reached" in said.stderr
    [ask] = cli_json("ask", "list")
    assert (ask["target_id"], ask["target"]) == (1, "Jan Pieters (Omega)")
    jan = targets(cli_json)["Jan Pieters"]
    assert (jan["state"], jan["closed_on"], jan["referral_id"]) == ("reached", "2026-03-09", 1)
    # a dropped target is refused, and nothing is written
    ok(cli("target", "drop", "Eva"))
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli("ask", "edit", "1", "--for", "Eva"), "is dropped; ask for an open")
    if before is not None:
        assert dump(db_path) == before
    said = ok(cli("ask", "edit", "1", "--for", ""))
    assert "for no target" in said.stderr and "is open again" in said.stderr
    [ask] = cli_json("ask", "list")
    assert (ask["target_id"], ask["target"]) == (None, None)
    assert targets(cli_json)["Jan Pieters"]["state"] == "open"


@pytest.mark.usefixtures("book")
def test_next_names_the_targets_and_lifts_by_30(cli: Invoke, cli_json: Json) -> None:
    rows = {row["advocate"]: row for row in cli_json("next")}
    # promoter 9 = 100, passive 8 = 60 + 5; each + 30 for knowing a target (flat)
    assert (rows["Anna de Vries"]["score"], rows["Bram Jansen"]["score"]) == (130, 95)
    assert rows["Anna de Vries"]["reasons"].startswith(
        "knows 1 of your targets: Jan Pieters (Omega); promoter"
    )
    assert (
        "knows 2 of your targets: Eva Smit, Jan Pieters (Omega)" in rows["Bram Jansen"]["reasons"]
    )
    ok(cli("target", "drop", "Jan"))
    ok(cli("target", "drop", "Eva"))
    rows = {row["advocate"]: row for row in cli_json("next")}
    assert (rows["Anna de Vries"]["score"], rows["Bram Jansen"]["score"]) == (100, 65)
    assert "targets" not in rows["Bram Jansen"]["reasons"]


@pytest.mark.usefixtures("book")
def test_search_finds_targets(cli_json: Json) -> None:
    hits = cli_json("search", "omega")
    assert [(h["kind"], h["name"], h["matched"]) for h in hits] == [
        ("target", "Jan Pieters", "company")
    ]


def test_import_targets_from_linkedin(cli: Invoke, cli_json: Json, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"When exporting your connection data, you may notice..."\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Kees,Bakker,https://www.linkedin.com/in/kees,kees@x.nl,Drukkerij Bakker,Owner,"
        "01 Jan 2024\n"
        ",,,,,,\n"
        "Zoë,Janssen,https://www.linkedin.com/in/zoe,,Omega,CTO,02 Feb 2024\n",
        encoding="utf-8",
    )
    said = ok(cli("import", "targets", str(path), "--preset", "linkedin"))
    assert "2 inserted" in said.stderr and "1 blank rows skipped" in said.stderr
    assert "ignoring unknown columns Email Address" in said.stderr
    found = targets(cli_json)
    assert (found["Kees Bakker"]["title"], found["Kees Bakker"]["url"]) == (
        "Owner",
        "https://www.linkedin.com/in/kees",
    )
    assert found["Zoë Janssen"]["company"] == "Omega"
    again = ok(cli("import", "targets", str(path), "--preset", "linkedin"))
    assert "0 inserted, 0 updated, 2 skipped" in again.stderr
    assert len(targets(cli_json)) == 2


@pytest.mark.usefixtures("book")
def test_export_targets_and_links_read_back_by_the_csv_module(cli: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(cli("export", "targets")).stdout)))
    assert [(r["id"], r["name"], r["company"], r["closed_on"]) for r in rows] == [
        ("1", "Jan Pieters", "Omega", ""),
        ("2", "Eva Smit", "", ""),
    ]
    links = list(csv.DictReader(io.StringIO(ok(cli("export", "target_links")).stdout)))
    assert [(r["target"], r["advocate"]) for r in links] == [
        ("Jan Pieters", "Anna de Vries"),
        ("Jan Pieters", "Bram Jansen"),
        ("Eva Smit", "Bram Jansen"),
    ]
