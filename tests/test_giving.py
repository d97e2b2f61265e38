"""Giving back (docs/rules.md#giving-back): `intro give`, `gift add`, `advocate value` and
`churn`, the ledger in `advocate show`, the reciprocity reason and lift in `next`, the
metric keys, delete/merge/undo and the round trip of the `intros` and `gifts` kinds.

Today is Monday 2026-03-16 (tests/helpers.py); every date below is worked out by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]


@pytest.fixture
def book(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD, "--phone", "0201"))
    ok(cli("advocate", "add", "Bram Jansen", "--nps", "9", *OLD, "--phone", "0202"))


def unchanged(cli: Invoke, db_path: Path, engine: str, *args: str, says: str) -> None:
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli(*args), says)
    if before is not None:
        assert dump(db_path) == before


@pytest.mark.usefixtures("book")
def test_intro_give_schedules_the_check_and_fills_the_ledger(cli: Invoke, cli_json: Json) -> None:
    said = ok(cli("intro", "give", "anna", "--to", "Kees Bakker (printer)", "--on", "2026-03-02"))
    # 2026-03-02 + 21 days = 2026-03-23
    assert "check 2026-03-23 whether it helped" in said.stderr
    [check] = [f for f in cli_json("followup", "list") if f["kind"] == "intro_check"]
    assert (check["due_on"], check["note"]) == ("2026-03-23", "did Kees help Anna?")
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--organic", "--on", "2026-03-10"))
    shown = cli_json("advocate", "show", "anna")
    assert shown["reciprocity"]["given"] == 1
    assert shown["reciprocity"]["received"] == 1
    assert [i["to_whom"] for i in shown["intros"]] == ["Kees Bakker (printer)"]
    assert "given 1 · received 1" in ok(cli("advocate", "show", "anna")).stdout
    assert cli_json("advocate", "show", "bram")["reciprocity"]["given"] == 0


@pytest.mark.usefixtures("book")
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("intro", "give", "anna", "--to", "  "), "--to is empty"),
        (("intro", "give", "anna", "--to", "Kees", "--on", "tomorrow"), "is in the future"),
        (("intro", "give", "nobody", "--to", "Kees"), "nobody"),
        (("gift", "add", "anna", "wine", "--cost", "12,345"), "ambiguous"),
        (("gift", "add", "anna", "wine", "--cost", "1.9999"), "4 decimals"),
        (("gift", "add", "anna", "wine", "--cost", "abc"), "not an amount"),
        (("gift", "add", "anna", "wine", "--cost", "1000000000001"), "too large"),
        (("advocate", "value", "anna", "1000000000000", "--per", "month"), "too large"),
        (("gift", "add", "anna", " "), "WHAT is empty"),
        (("advocate", "value", "anna", "1.234"), "ambiguous"),
        (("advocate", "churn", "anna", "--on", "2023-12-31"), "before Anna de Vries became"),
        (("advocate", "churn", "anna", "--undo"), "has not churned"),
        (("intro", "delete", "99", "--yes"), "no introduction #99"),
        (("gift", "delete", "99", "--yes"), "no gift #99"),
        (("forecast", "--what-if-asks", "lots"), "--what-if-asks 'lots'"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: Invoke, db_path: Path, engine: str, args: tuple[str, ...], says: str
) -> None:
    unchanged(cli, db_path, engine, *args, says=says)


@pytest.mark.usefixtures("book")
def test_a_gift_for_someone_elses_referral_is_refused(
    cli: Invoke, db_path: Path, engine: str
) -> None:
    ok(cli("referral", "add", "bram", "Piet", "--phone", "1", "--organic"))
    unchanged(
        cli, db_path, engine, "gift", "add", "anna", "wine", "--referral", "piet",
        says="came from Bram Jansen, not Anna de Vries",
    )  # fmt: skip


@pytest.mark.usefixtures("book")
def test_gifts_cost_and_cost_per_won_referral(cli: Invoke, cli_json: Json) -> None:
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--organic", "--on", "2026-03-01"))
    ok(cli("referral", "add", "anna", "Joke", "--phone", "2", "--organic", "--on", "2026-03-01"))
    ok(cli("gift", "add", "anna", "dinner", "--cost", "85,50", "--referral", "piet"))
    ok(cli("gift", "add", "bram", "wine", "--cost", "14.50", "--on", "2026-03-05"))
    ok(cli("gift", "add", "bram", "a card"))  # no cost: counts as nothing
    ok(cli("gift", "add", "bram", "old thanks", "--cost", "500", "--on", "2025-01-01"))
    metrics = cli_json("metrics")  # the last 90 days: 2025-12-17 … 2026-03-16
    assert metrics["gifts_cost"] == "100.00"  # 85.50 + 14.50, not the 2025 one
    assert metrics["cost_per_won_referral"] is None  # nothing won: null, not 0
    ok(cli("referral", "move", "piet", "won", "--value", "1000", "--on", "2026-03-10"))
    ok(cli("referral", "move", "joke", "won", "--value", "1000", "--on", "2026-03-11"))
    metrics = cli_json("metrics")
    assert metrics["cost_per_won_referral"] == "50.00"  # 100.00 / 2 won
    [gift] = [g for g in cli_json("gift", "list", "--advocate", "anna")]
    assert (gift["what"], gift["cost"], gift["given_on"]) == ("dinner", "85.50", "2026-03-16")


@pytest.mark.usefixtures("book")
def test_intros_given_and_nps_fresh(cli: Invoke, cli_json: Json) -> None:
    ok(cli("intro", "give", "anna", "--to", "Kees", "--on", "2026-02-01"))
    ok(cli("intro", "give", "anna", "--to", "Old", "--on", "2025-06-01", "--backfill"))
    ok(cli("advocate", "add", "Cor", *OLD))
    ok(cli("advocate", "add", "Dirk", *OLD))  # never scored
    ok(cli("advocate", "add", "Eva", *OLD))
    ok(cli("advocate", "score", "cor", "8", "--on", "2025-03-15"))  # 366 days ago: stale
    ok(cli("advocate", "score", "eva", "8", "--on", "2025-03-16"))  # 365 days ago: fresh
    metrics = cli_json("metrics")
    assert metrics["intros_given"] == 1  # 2026-02-01 only
    # active: Anna, Bram, Cor, Dirk, Eva; scored within 365 days: Anna, Bram (today), Eva
    assert metrics["nps_fresh"] == 0.6


@pytest.mark.usefixtures("book")
def test_amounts_past_32_bits_are_stored(cli: Invoke) -> None:
    """2**31 cents is EUR 21,474,836.48: a big account's yearly value passes it."""
    said = ok(cli("advocate", "value", "anna", "3000000", "--per", "month")).stderr
    assert "EUR 36,000,000 a year" in said
    ok(cli("gift", "add", "anna", "a building", "--cost", "25000000"))
    shown = ok(cli("advocate", "show", "anna")).stdout
    assert "EUR 36,000,000" in shown and "EUR 25,000,000" in shown


@pytest.mark.usefixtures("book")
def test_value_per_month_is_stored_per_year_and_churn_does_not_archive(
    cli: Invoke, cli_json: Json
) -> None:
    said = ok(cli("advocate", "value", "anna", "450", "--per", "month")).stderr
    assert "EUR 5,400 a year" in said
    ok(cli("advocate", "churn", "anna", "--on", "2026-01-31"))
    [row] = [a for a in cli_json("advocate", "list") if a["name"] == "Anna de Vries"]
    assert row["archived"] is False
    shown = ok(cli("advocate", "show", "anna")).stdout
    assert "worth a year" in shown and "EUR 5,400" in shown and "2026-01-31" in shown
    ok(cli("advocate", "churn", "anna", "--undo"))
    assert "churned" not in ok(cli("advocate", "show", "anna")).stdout


@pytest.mark.usefixtures("book")
def test_next_lifts_whom_you_helped_and_names_who_you_never_helped(
    cli: Invoke, cli_json: Json
) -> None:
    before = {r["advocate"]: r for r in cli_json("next")}
    assert before["Anna de Vries"]["score"] == before["Bram Jansen"]["score"] == 100
    ok(cli("intro", "give", "anna", "--to", "Kees Bakker", "--on", "2026-01-10"))
    for day in ("2025-01-01", "2025-04-01", "2025-07-01"):
        ok(cli("ask", "add", "bram", "--on", day, "--backfill"))
    rows = {r["advocate"]: r for r in cli_json("next")}
    assert rows["Anna de Vries"]["score"] == 110  # 100 + the reciprocity lift of 10
    assert "you introduced them to Kees Bakker on 2026-01-10" in rows["Anna de Vries"]["reasons"]
    assert rows["Bram Jansen"]["score"] == 100  # named, not lowered
    assert "asked 3 times, never helped in return" in rows["Bram Jansen"]["reasons"]
    assert next(r["advocate"] for r in cli_json("next")) == "Anna de Vries"


@pytest.mark.usefixtures("book")
def test_an_old_intro_gives_no_lift(cli: Invoke, cli_json: Json) -> None:
    # 2025-09-16 is 181 days before 2026-03-16: past suggest.reciprocity_days (180)
    ok(cli("intro", "give", "anna", "--to", "Kees", "--on", "2025-09-16", "--backfill"))
    [row] = [r for r in cli_json("next") if r["advocate"] == "Anna de Vries"]
    assert row["score"] == 100 and "introduced" not in row["reasons"]
    ok(cli("intro", "give", "anna", "--to", "Wim", "--on", "2025-09-17", "--backfill"))
    [row] = [r for r in cli_json("next") if r["advocate"] == "Anna de Vries"]
    assert row["score"] == 110 and "to Wim on 2025-09-17" in row["reasons"]


@pytest.mark.usefixtures("book")
def test_delete_then_undo_brings_intros_and_gifts_back(
    cli: Invoke, cli_json: Json, db_path: Path, engine: str
) -> None:
    ok(cli("intro", "give", "anna", "--to", "Kees"))
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--organic"))
    ok(cli("gift", "add", "anna", "wine", "--cost", "20", "--referral", "piet"))
    before = dump(db_path) if engine == "sqlite" else None
    said = ok(cli("advocate", "delete", "anna", "--yes")).stderr
    assert "1 introductions" in said and "1 gifts" in said
    assert cli_json("intro", "list") == [] and cli_json("gift", "list") == []
    ok(cli("undo", "--yes"))
    assert [i["to_whom"] for i in cli_json("intro", "list")] == ["Kees"]
    assert [g["referral_id"] for g in cli_json("gift", "list")] == [1]
    if before is not None:
        assert dump(db_path)["gift"] == before["gift"]
        assert dump(db_path)["intro"] == before["intro"]
    # a referral deleted keeps its gift, for no referral; undo links it again
    ok(cli("referral", "delete", "piet", "--yes"))
    assert [g["referral_id"] for g in cli_json("gift", "list")] == [None]
    ok(cli("undo", "--yes"))
    assert [g["referral_id"] for g in cli_json("gift", "list")] == [1]
    # intro delete takes its check with it
    said = ok(cli("intro", "delete", "1", "--yes")).stderr
    assert "with 1 follow-up" in said
    assert not [f for f in cli_json("followup", "list", "--all") if f["kind"] == "intro_check"]
    ok(cli("gift", "delete", "1", "--yes"))
    assert cli_json("gift", "list") == []


@pytest.mark.usefixtures("book")
def test_merge_moves_intros_and_gifts(cli: Invoke, cli_json: Json) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--duplicate"))
    ok(cli("intro", "give", "3", "--to", "Kees"))
    ok(cli("gift", "add", "3", "flowers", "--cost", "30"))
    said = ok(cli("advocate", "merge", "1", "3", "--yes")).stderr
    assert "1 introductions" in said and "1 gifts" in said
    assert cli_json("advocate", "show", "1")["reciprocity"] == {
        "given": 1,
        "received": 0,
        "gifts": 1,
        "gifts_cost": "30.00",
    }


def test_nps_stale_days_is_another_name_for_stale_score_days(
    cli: Invoke, cli_json: Json, tmp_path: Path
) -> None:
    config = Path(os.environ["REFTRACK_CONFIG"])
    config.write_text("[suggest]\nnps_stale_days = 30\n", encoding="utf-8")
    ok(cli("advocate", "add", "Anna", *OLD))
    ok(cli("advocate", "score", "anna", "9", "--on", "2026-02-01"))  # 43 days ago
    [row] = cli_json("next")
    assert "scored 2026-02-01: ask how it is going first" in row["reasons"]
    [setting] = [s for s in cli_json("config", "show") if s["key"] == "suggest.stale_score_days"]
    assert setting["value"] == 30
    config.write_text("[suggest]\nnps_stale_days = 30\nstale_score_days = 40\n", encoding="utf-8")
    assert_one_line_error(cli("next"), "nps_stale_days is another name for suggest.stale_score")


@pytest.mark.usefixtures("book")
def test_intros_and_gifts_round_trip(
    cli: Invoke, cli_json: Json, tmp_path: Path, engine: str
) -> None:
    ok(cli("intro", "give", "anna", "--to", "=Kees, the printer", "--note", "flyers"))
    ok(cli("referral", "add", "anna", "Piet", "--phone", "1", "--organic"))
    ok(cli("gift", "add", "anna", "wine", "--cost", "20,05", "--referral", "piet"))
    ok(cli("export", "all", str(tmp_path / "one")))
    header = (tmp_path / "one" / "gifts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,advocate_id,advocate,what,cost,referral_id,given_on,notes,owner"
    intros = (tmp_path / "one" / "intros.csv").read_text(encoding="utf-8")
    assert "'=Kees, the printer" in intros  # a formula guard, as for every kind
    if engine != "sqlite":
        return
    fresh = str(tmp_path / "fresh.db")
    ok(cli("--db", fresh, "import", "all", str(tmp_path / "one")))
    ok(cli("--db", fresh, "export", "all", str(tmp_path / "two")))
    for kind in ("intros", "gifts", "advocates", "referrals"):
        first = (tmp_path / "one" / f"{kind}.csv").read_bytes()
        assert (tmp_path / "two" / f"{kind}.csv").read_bytes() == first
