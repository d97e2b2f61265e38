"""Moving a salesperson's history into a team database that has records of its own:
`export all` from SQLite, `import all --new-ids` into the shared one; ids are new, every
link is kept, and the records become the mover's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Invoke, assert_one_line_error

pytestmark = pytest.mark.both_engines


def history(cli: Invoke, db: str, who: str) -> None:
    """A small history whose ids will collide with the other one's."""
    for args in [
        (
            "advocate",
            "add",
            f"{who} Advocate",
            "--email",
            f"{who.lower()}@example.test",
            "--nps",
            "9",
        ),
        ("ask", "add", "1", "--on", "2026-01-05"),
        ("referral", "add", "1", f"{who} Prospect", "--on", "2026-01-10"),
        (
            "referral",
            "move",
            "1",
            "won",
            "--value",
            "1000",
            "--on",
            "2026-02-01",
            "--make-advocate",
        ),
    ]:
        result = cli("--db", db, *args, env={"REFTRACK_USER": who.lower()})
        assert result.exit_code == 0, (args, result.stderr)


def dump(cli: Invoke, db: str) -> dict[str, list[dict[str, object]]]:
    out = {}
    for noun in ("advocate", "ask", "referral", "followup"):
        args = [noun, "list", "--everyone", "--format", "json"]
        if noun == "followup":
            args.insert(2, "--all")
        result = cli("--db", db, *args)
        assert result.exit_code == 0, result.stderr
        out[noun] = json.loads(result.stdout)
    return out


def test_merge_with_new_ids_keeps_every_link(
    cli: Invoke, tmp_path: Path, db_path: Path, engine: str, me: str
) -> None:
    import os

    team = os.environ["REFTRACK_DB"]  # this test's database: SQLite or PostgreSQL
    if engine == "sqlite":
        db_path.parent.mkdir(exist_ok=True)  # --db makes a file, never a missing folder
    history(cli, team, "Team")
    laptop = str(tmp_path / "laptop.db")
    history(cli, laptop, "Mine")
    folder = tmp_path / "export"
    assert cli("--db", laptop, "export", "all", str(folder)).exit_code == 0

    result = cli(
        "--db", team, "import", "all", str(folder), "--new-ids", env={"REFTRACK_USER": "mover"}
    )
    assert result.exit_code == 0, result.stderr

    after = dump(cli, team)
    names = {a["id"]: a["name"] for a in after["advocate"]}
    assert sorted(names.values()) == [
        "Mine Advocate",
        "Mine Prospect",
        "Team Advocate",
        "Team Prospect",
    ]
    by_name = {a["name"]: a for a in after["advocate"]}
    # the team's records are untouched (on PostgreSQL the role that logged them owns them;
    # it is the superuser here, who may also restore the laptop's "mine" as they were)
    team_owner = me if engine == "postgresql" else "team"
    assert by_name["Team Advocate"]["id"] == 1 and by_name["Team Advocate"]["owner"] == team_owner
    # the moved ones have new ids, and each link points at the moved record, not the team's
    mine = by_name["Mine Advocate"]
    assert mine["id"] != 1
    [ask] = [a for a in after["ask"] if a["advocate_id"] == mine["id"]]
    [referral] = [r for r in after["referral"] if r["advocate_id"] == mine["id"]]
    assert referral["ask_id"] == ask["id"] and referral["prospect"] == "Mine Prospect"
    assert by_name["Mine Prospect"]["referred_by"] == referral["id"]
    moved_follow_ups = [f for f in after["followup"] if f["referral_id"] == referral["id"]]
    assert moved_follow_ups and all(f["advocate_id"] == mine["id"] for f in moved_follow_ups)
    # they were "mine" on the laptop, and stay so
    assert {a["owner"] for a in after["ask"] if a["advocate_id"] == mine["id"]} == {"mine"}
    # and the team database is still sound
    assert cli("--db", team, "doctor").exit_code == 0


def test_new_ids_needs_the_whole_history(cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "asks.csv"
    source.write_text("id,advocate_id,asked_on\n1,1,2026-01-01\n", encoding="utf-8")
    assert_one_line_error(
        cli("import", "asks", str(source), "--new-ids"), "--new-ids goes with `import all FOLDER`"
    )
