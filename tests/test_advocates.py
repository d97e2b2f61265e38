"""`reftrack advocate …` and finding a record by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from reftrack.db import Database, open_database, resolve_url
from reftrack.models import NpsScore
from tests.helpers import assert_one_line_error

pytestmark = pytest.mark.both_engines


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """The same file the CLI writes, opened directly to read state back through the models."""
    found = open_database(resolve_url(None))  # SQLite or PostgreSQL, as the test runs
    yield found
    found.engine.dispose()


def add(cli_json: Any, name: str, *options: str) -> dict[str, Any]:
    rows = cli_json("advocate", "add", name, *options)
    assert len(rows) == 1
    return rows[0]


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


# --- add / list ---------------------------------------------------------------------------


def test_add_stores_every_field(cli_json: Any, me: str) -> None:
    row = add(
        cli_json,
        "Anna de Vries",
        "--company",
        "Beta",
        "--email",
        "anna@beta.nl",
        "--phone",
        "+31 6 1234 5678",
        "--nps",
        "9",
        "--since",
        "2024-05-01",
        "--source",
        "inbound",
        "--tag",
        "logistics",
        "--tag",
        "vip",
        "--note",
        "met at the fair",
    )
    assert row["id"] == 1
    [listed] = cli_json("advocate", "list")
    assert listed == {
        "id": 1,
        "name": "Anna de Vries",
        "company": "Beta",
        "email": "anna@beta.nl",
        "phone": "+31 6 1234 5678",
        "tags": "logistics;vip",
        "nps": 9,
        "nps_on": "2026-03-16",
        "customer_since": "2024-05-01",
        "source": "inbound",
        "referred_by": None,
        "last_milestone_on": None,
        "last_complaint_on": None,
        "archived": False,
        "notes": "met at the fair",
        "title": None,
        "url": None,
        "value_per_year": None,
        "churned_on": None,
        "owner": me,
    }


def test_add_table_output_confirms_on_stderr(cli: Any) -> None:
    result = cli("advocate", "add", "Anna")
    assert result.exit_code == 0, result.stderr
    assert "advocate #1 Anna" in result.stderr
    assert result.stdout == ""


def test_list_segments(cli_json: Any) -> None:
    add(cli_json, "Promo", "--nps", "10")
    add(cli_json, "Promo Low", "--nps", "9")
    add(cli_json, "Pass", "--nps", "7")
    add(cli_json, "Pass High", "--nps", "8")
    add(cli_json, "Detr", "--nps", "6")
    add(cli_json, "Zero", "--nps", "0")
    add(cli_json, "Nobody")
    assert names(cli_json("advocate", "list", "--segment", "promoter")) == ["Promo", "Promo Low"]
    assert names(cli_json("advocate", "list", "--segment", "passive")) == ["Pass", "Pass High"]
    assert names(cli_json("advocate", "list", "--segment", "detractor")) == ["Detr", "Zero"]
    assert names(cli_json("advocate", "list", "--segment", "unscored")) == ["Nobody"]
    assert len(cli_json("advocate", "list")) == 7


def test_list_by_tag_matches_whole_tags_case_insensitively(cli_json: Any) -> None:
    add(cli_json, "Anna", "--tag", "logistics", "--tag", "VIP")
    add(cli_json, "Bram", "--tag", "vipps")
    add(cli_json, "Cees", "--tag", "vip")
    add(cli_json, "Dirk")
    assert names(cli_json("advocate", "list", "--tag", "vip")) == ["Anna", "Cees"]
    assert names(cli_json("advocate", "list", "--tag", "logistics")) == ["Anna"]
    assert cli_json("advocate", "list", "--tag", "nothing") == []


def test_list_is_sorted_by_name(cli_json: Any) -> None:
    for name in ["cees", "Anna", "bram"]:
        add(cli_json, name)
    assert names(cli_json("advocate", "list")) == ["Anna", "bram", "cees"]


def test_duplicate_email_refused_case_insensitively(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna", "--email", "anna@beta.nl")
    result = cli("advocate", "add", "Anna Two", "--email", "ANNA@beta.nl")
    assert_one_line_error(result, "ANNA@beta.nl", "already belongs to #1 Anna")
    assert names(cli_json("advocate", "list")) == ["Anna"]


def test_edit_to_an_email_of_someone_else_refused(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna", "--email", "anna@beta.nl")
    add(cli_json, "Bram", "--email", "bram@beta.nl")
    assert_one_line_error(cli("advocate", "edit", "Bram", "--email", "anna@beta.nl"), "#1 Anna")
    assert cli_json("advocate", "list")[1]["email"] == "bram@beta.nl"
    # keeping one's own address is no conflict
    assert cli("advocate", "edit", "Anna", "--email", "ANNA@beta.nl").exit_code == 0


# --- show -------------------------------------------------------------------------------


@pytest.fixture
def anna_with_history(cli: Any, cli_json: Any) -> dict[str, Any]:
    anna = add(cli_json, "Anna", "--company", "Beta", "--nps", "9", "--since", "2024-01-01")
    assert cli("advocate", "score", "Anna", "7", "--on", "2025-06-01").exit_code == 0
    assert cli("advocate", "milestone", "Anna", "--note", "ROI review").exit_code == 0
    assert cli("ask", "add", "Anna", "--channel", "phone", "--target", "CFO").exit_code == 0
    assert cli("referral", "add", "Anna", "Piet Bakker", "--company", "Gamma").exit_code == 0
    return anna


def test_show_json_has_every_section(cli_json: Any, anna_with_history: dict[str, Any]) -> None:
    profile = cli_json("advocate", "show", "Anna")
    assert {"advocate", "nps_history", "asks", "referrals", "open_follow_ups"} <= set(profile)
    assert profile["advocate"]["name"] == "Anna"
    assert profile["advocate"]["nps"] == 9
    assert profile["nps_history"] == [
        {"score": 7, "scored_on": "2025-06-01"},
        {"score": 9, "scored_on": "2026-03-16"},
    ]
    [ask] = profile["asks"]
    assert (ask["channel"], ask["target"], ask["outcome"]) == ("phone", "CFO", "referred")
    [referral] = profile["referrals"]
    assert (referral["prospect"], referral["ask_id"]) == ("Piet Bakker", ask["id"])
    kinds = sorted(f["kind"] for f in profile["open_follow_ups"])
    assert "thank" in kinds and "circle_back" in kinds
    assert all(f["done_on"] is None for f in profile["open_follow_ups"])


def test_show_table_has_the_sections(cli: Any, anna_with_history: dict[str, Any]) -> None:
    result = cli("advocate", "show", "anna")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "#1 Anna" in text
    for section in ["NPS history", "Asks", "Referrals", "Open follow-ups", "Piet Bakker", "CFO"]:
        assert section in text, section
    assert "Traceback" not in text


def test_show_of_someone_without_history_says_none(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Bram")
    result = cli("advocate", "show", "Bram")
    assert result.exit_code == 0, result.stderr
    assert "Asks: none" in result.stdout
    profile = cli_json("advocate", "show", "Bram")
    assert profile["asks"] == profile["referrals"] == profile["nps_history"] == []


# --- edit -------------------------------------------------------------------------------


def test_edit_changes_only_the_given_fields(cli: Any, cli_json: Any) -> None:
    before = add(
        cli_json,
        "Anna",
        "--company",
        "Beta",
        "--email",
        "anna@beta.nl",
        "--phone",
        "0612",
        "--since",
        "2024-01-01",
        "--source",
        "event",
        "--tag",
        "a",
        "--note",
        "n",
    )
    result = cli("advocate", "edit", "Anna", "--company", "Gamma", "--tag", "x", "--tag", "y")
    assert result.exit_code == 0, result.stderr
    [after] = cli_json("advocate", "list")
    assert after == {**before, "company": "Gamma", "tags": "x;y"}


def test_edit_rename_and_since(cli_json: Any) -> None:
    add(cli_json, "Anna")
    [row] = cli_json("advocate", "edit", "1", "--name", "Anna de Vries", "--since", "yesterday")
    assert (row["name"], row["customer_since"]) == ("Anna de Vries", "2026-03-15")
    assert names(cli_json("advocate", "list")) == ["Anna de Vries"]


def test_edit_with_nothing_to_change_is_an_error(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna")
    assert_one_line_error(cli("advocate", "edit", "Anna"), "nothing to change")


def test_edit_nps_records_a_score(cli_json: Any) -> None:
    add(cli_json, "Anna", "--nps", "6")
    cli_json("advocate", "edit", "Anna", "--nps", "9")
    profile = cli_json("advocate", "show", "Anna")
    assert profile["advocate"]["nps"] == 9
    assert [s["score"] for s in profile["nps_history"]] == [6, 9]


# --- score ------------------------------------------------------------------------------


def test_score_keeps_history_and_shows_latest(cli: Any, cli_json: Any, database: Database) -> None:
    add(cli_json, "Anna")
    for score, on in [("6", "2025-01-10"), ("8", "2025-09-01"), ("10", "2026-03-01")]:
        result = cli("advocate", "score", "Anna", score, "--on", on)
        assert result.exit_code == 0, result.stderr
    assert "NPS 10 on 2026-03-01 (promoter)" in result.stderr
    [row] = cli_json("advocate", "list")
    assert (row["nps"], row["nps_on"]) == (10, "2026-03-01")
    with database.session() as session:
        scores = session.exec(select(NpsScore).order_by(NpsScore.scored_on)).all()
        assert [(s.score, s.scored_on.isoformat()) for s in scores] == [
            (6, "2025-01-10"),
            (8, "2025-09-01"),
            (10, "2026-03-01"),
        ]


def test_backdated_score_does_not_replace_the_latest(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna", "--nps", "9")  # today, 2026-03-16
    assert cli("advocate", "score", "Anna", "3", "--on", "2025-01-01").exit_code == 0
    [row] = cli_json("advocate", "list")
    assert (row["nps"], row["nps_on"]) == (9, "2026-03-16")
    history = cli_json("advocate", "show", "Anna")["nps_history"]
    assert history == [
        {"score": 3, "scored_on": "2025-01-01"},
        {"score": 9, "scored_on": "2026-03-16"},
    ]
    assert cli_json("advocate", "list", "--segment", "detractor") == []


# --- milestone / complaint / archive ----------------------------------------------------


def test_milestone_and_complaint_keep_the_latest_date(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna")
    for args in [
        ("milestone", "Anna", "--on", "2026-03-01", "--note", "go-live"),
        ("milestone", "Anna", "--on", "2026-01-01"),
        ("complaint", "Anna", "--on", "2026-02-10", "--note", "late delivery"),
    ]:
        result = cli("advocate", *args)
        assert result.exit_code == 0, result.stderr
    [row] = cli_json("advocate", "list")
    assert row["last_milestone_on"] == "2026-03-01"
    assert row["last_complaint_on"] == "2026-02-10"
    events = cli_json("advocate", "show", "Anna")["events"]
    assert [(e["kind"], e["happened_on"], e["note"]) for e in events] == [
        ("milestone", "2026-01-01", None),
        ("complaint", "2026-02-10", "late delivery"),
        ("milestone", "2026-03-01", "go-live"),
    ]


def test_milestone_defaults_to_today(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna")
    result = cli("advocate", "milestone", "Anna")
    assert result.exit_code == 0, result.stderr
    assert "milestone on 2026-03-16" in result.stderr
    assert cli_json("advocate", "list")[0]["last_milestone_on"] == "2026-03-16"


def test_archive_and_undo(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna")
    add(cli_json, "Bram")
    result = cli("advocate", "archive", "Bram")
    assert result.exit_code == 0, result.stderr
    assert "Bram archived" in result.stderr
    assert names(cli_json("advocate", "list")) == ["Anna"]
    [archived] = cli_json("advocate", "list", "--archived")
    assert (archived["name"], archived["archived"]) == ("Bram", True)
    # still findable by name, so it can be brought back
    result = cli("advocate", "archive", "Bram", "--undo")
    assert result.exit_code == 0, result.stderr
    assert "Bram restored" in result.stderr
    assert names(cli_json("advocate", "list")) == ["Anna", "Bram"]
    assert cli_json("advocate", "list", "--archived") == []


# --- name resolution --------------------------------------------------------------------


@pytest.fixture
def people(cli_json: Any) -> None:
    add(cli_json, "Anna de Vries", "--company", "Beta")
    add(cli_json, "Anna Jansen", "--company", "Gamma")
    add(cli_json, "Bram Smit")
    add(cli_json, "Jan")
    add(cli_json, "Jan Pieters")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("3", "Bram Smit"),
        ("#3", "Bram Smit"),
        (" #2 ", "Anna Jansen"),
        ("bram smit", "Bram Smit"),
        ("BRAM SMIT", "Bram Smit"),
        ("smit", "Bram Smit"),
        ("de vr", "Anna de Vries"),
        ("jan", "Jan"),  # exact match beats the partial "Jan Pieters" and "Anna Jansen"
        ("Pieters", "Jan Pieters"),
    ],
)
def test_name_resolution(cli_json: Any, people: None, ref: str, expected: str) -> None:
    assert cli_json("advocate", "show", ref)["advocate"]["name"] == expected


def test_ambiguous_name_lists_both_with_ids(cli: Any, people: None) -> None:
    result = cli("advocate", "show", "anna")
    assert_one_line_error(result, "#1 Anna de Vries", "#2 Anna Jansen", "id")
    assert "Bram" not in result.stderr


def test_unknown_name_suggests(cli: Any, people: None) -> None:
    result = cli("advocate", "show", "Bram Smid")
    assert_one_line_error(result, "Bram Smid", "did you mean", "'Bram Smit'")


def test_unknown_name_without_anything_close(cli: Any, people: None) -> None:
    result = cli("advocate", "show", "Xerxes")
    assert_one_line_error(result, "no advocate named 'Xerxes'")
    assert "did you mean" not in result.stderr


def test_unknown_id(cli: Any, people: None) -> None:
    assert_one_line_error(cli("advocate", "show", "#99"), "no advocate with id 99")


def test_name_with_like_wildcards_is_literal(cli: Any, cli_json: Any) -> None:
    add(cli_json, "Anna")
    add(cli_json, "100% Bram")
    assert cli_json("advocate", "show", "100%")["advocate"]["name"] == "100% Bram"
    assert_one_line_error(cli("advocate", "show", "_nna"), "no advocate named '_nna'")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("Émile Zola", "Émile Zola"),
        ("émile zola", "Émile Zola"),
        ("Émile", "Émile Zola"),
        ("Jan Straße", "Jan Straße"),
        ("straße", "Jan Straße"),
    ],
)
def test_names_with_non_ascii_letters(cli_json: Any, ref: str, expected: str) -> None:
    add(cli_json, "Émile Zola")
    add(cli_json, "Jan Straße")
    add(cli_json, "Bram")
    assert cli_json("advocate", "show", ref)["advocate"]["name"] == expected


def test_tag_filter_is_literal(cli_json: Any) -> None:
    add(cli_json, "Anna", "--tag", "vip", "--tag", "logistics")
    add(cli_json, "Bram", "--tag", "v_p", "--tag", "logistics")
    assert names(cli_json("advocate", "list", "--tag", "v_p")) == ["Bram"]
    assert names(cli_json("advocate", "list", "--tag", "%")) == []
