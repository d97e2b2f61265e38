"""A team on one PostgreSQL database: each salesperson is a database role, and the server's
row-level security (schema 0004) lets everyone read every record and only its owner, or a
member of ``reftrack_admin``, change it, whatever REFTRACK_USER says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from reftrack.db import SCHEMA_HEAD
from tests.helpers import Invoke, Roles, assert_one_line_error, ok, pg_admin

# PostgreSQL only; conftest's pg_server fails (not skips) without a server under CI
pytestmark = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)

REFUSED = "only {owner} or a reftrack_admin can change it"


def run(cli: Invoke, url: str, *args: str, user: str = "anna") -> Any:
    """The real CLI connected as the role in ``url``, with REFTRACK_USER set to ``user``."""
    return cli("--db", url, *args, env={"REFTRACK_USER": user})


def data(cli: Invoke, url: str, *args: str, user: str = "anna") -> Any:
    return json.loads(ok(run(cli, url, *args, "--format", "json", user=user)).stdout)


@pytest.fixture
def team(cli: Invoke, pg_roles: Roles) -> dict[str, str]:
    """Anna logs an advocate, an ask and a referral; piet and the boss (an admin) join."""
    urls = {
        "anna": pg_roles.add("anna"),
        "piet": pg_roles.add("piet"),
        "boss": pg_roles.add("boss", admin=True),
    }
    anna = urls["anna"]
    ok(run(cli, anna, "advocate", "add", "Ada", "--nps", "9", "--since", "2024-01-01"))
    ok(run(cli, anna, "ask", "add", "Ada", "--on", "2026-03-02"))
    ok(run(cli, anna, "referral", "add", "Ada", "Prospect", "--on", "2026-03-10"))
    return urls


def ada(cli: Invoke, url: str) -> dict[str, Any]:
    [row] = [a for a in data(cli, url, "advocate", "list", "--everyone") if a["name"] == "Ada"]
    return dict(row)


def test_the_team_reads_everything(cli: Invoke, team: dict[str, str], pg_roles: Roles) -> None:
    piet = team["piet"]
    assert ada(cli, piet)["owner"] == pg_roles.role("anna")
    assert ok(run(cli, piet, "advocate", "show", "Ada")).stdout
    [referral] = data(cli, piet, "referral", "list", "--everyone")
    assert referral["owner"] == pg_roles.role("anna")
    assert data(cli, piet, "followup", "list", "--everyone")
    # a list's default scope is your own records: the server's role, not REFTRACK_USER
    assert data(cli, piet, "advocate", "list", user="anna") == []


def _follow_up_id(cli: Invoke, url: str) -> str:
    return str(data(cli, url, "followup", "list", "--everyone")[0]["id"])


CHANGES: list[tuple[str, ...]] = [
    ("advocate", "edit", "Ada", "--company", "Piet's now"),
    ("advocate", "archive", "Ada"),
    ("advocate", "score", "Ada", "3"),
    ("advocate", "milestone", "Ada"),
    ("referral", "move", "Prospect", "won", "--value", "100"),
    ("ask", "outcome", "1", "declined"),
    ("followup", "done", "{follow_up}"),
    ("followup", "snooze", "{follow_up}", "+1w"),
]


@pytest.mark.parametrize("command", CHANGES, ids=lambda c: "-".join(c[:2]))
def test_piet_cannot_change_annas_records_whatever_reftrack_user_says(
    cli: Invoke, team: dict[str, str], pg_roles: Roles, command: tuple[str, ...]
) -> None:
    piet, boss = team["piet"], team["boss"]
    follow_up = _follow_up_id(cli, piet)
    args = [part.format(follow_up=follow_up) for part in command]
    before = _state(cli, boss)
    result = run(cli, piet, *args, user="anna")
    assert_one_line_error(
        result, "belongs to " + pg_roles.role("anna"), REFUSED.format(owner=pg_roles.role("anna"))
    )
    assert _state(cli, boss) == before  # nothing written


def _state(cli: Invoke, url: str) -> list[Any]:
    return [
        data(cli, url, noun, "list", "--everyone", *extra)
        for noun, extra in [
            ("advocate", ("--archived",)),
            ("ask", ()),
            ("referral", ()),
            ("followup", ("--all",)),
        ]
    ]


def test_piets_new_records_are_his_even_as_reftrack_user_anna(
    cli: Invoke, team: dict[str, str], pg_roles: Roles
) -> None:
    piet = team["piet"]
    ok(run(cli, piet, "advocate", "add", "Bo", "--nps", "9", "--since", "2024-01-01", user="anna"))
    ok(run(cli, piet, "ask", "add", "Bo", "--on", "2026-03-02", user="anna"))
    [bo] = data(cli, piet, "advocate", "list", user="anna")  # his own, by default
    assert (bo["name"], bo["owner"]) == ("Bo", pg_roles.role("piet"))
    [ask] = data(cli, piet, "ask", "list", user="anna")
    assert ask["owner"] == pg_roles.role("piet")
    ok(run(cli, piet, "advocate", "edit", "Bo", "--company", "Mine", user="anna"))


def test_an_admin_can_change_annas_records(
    cli: Invoke, team: dict[str, str], pg_roles: Roles
) -> None:
    boss = team["boss"]
    ok(run(cli, boss, "advocate", "edit", "Ada", "--company", "Checked"))
    ok(run(cli, boss, "referral", "move", "Prospect", "won", "--value", "100"))
    row = ada(cli, boss)
    assert (row["company"], row["owner"]) == ("Checked", pg_roles.role("anna"))  # owner kept


def test_piet_cannot_import_over_annas_records(
    cli: Invoke, team: dict[str, str], pg_roles: Roles, tmp_path: Path
) -> None:
    piet, anna = team["piet"], team["anna"]
    export = tmp_path / "advocates.csv"
    ok(run(cli, anna, "export", "advocates", str(export)))
    original = export.read_text(encoding="utf-8")
    export.write_text(original.replace(",Ada,", ",Ada Changed,"), encoding="utf-8")
    result = run(cli, piet, "import", "advocates", str(export), user="anna")
    assert_one_line_error(result, "belongs to " + pg_roles.role("anna"))
    assert ada(cli, piet)["name"] == "Ada"
    # a file making new records in anna's name is refused too (only an admin restores)
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(f"name,owner\nEve,{pg_roles.role('anna')}\n", encoding="utf-8")
    result = run(cli, piet, "import", "advocates", str(theirs), user="anna")
    assert_one_line_error(result, f"owner {pg_roles.role('anna')} is not you")
    # without an owner (column or cell) the new records are his own
    mine = tmp_path / "mine.csv"
    mine.write_text("name,owner\nEve,\n", encoding="utf-8")
    ok(run(cli, piet, "import", "advocates", str(mine), user="anna"))
    owners = {a["name"]: a["owner"] for a in data(cli, piet, "advocate", "list", "--everyone")}
    assert owners == {"Ada": pg_roles.role("anna"), "Eve": pg_roles.role("piet")}
    ok(run(cli, team["boss"], "import", "advocates", str(theirs)))  # an admin restores


def test_the_server_refuses_even_without_reftrack(
    cli: Invoke, team: dict[str, str], pg_roles: Roles
) -> None:
    """The policies are the guard: piet's own SQL cannot change anna's rows either."""
    engine = create_engine(team["piet"])
    try:
        with engine.begin() as connection:
            changed = connection.execute(text("UPDATE advocate SET name = 'x'")).rowcount
            assert changed == 0  # hidden from UPDATE, though piet can SELECT it
            assert connection.execute(text("SELECT count(*) FROM advocate")).scalar() == 1
        with engine.begin() as connection, pytest.raises(Exception, match="row-level security"):
            connection.execute(
                text(
                    "INSERT INTO advocate (name, owner, archived, created_at, updated_at) "
                    "VALUES ('Fake', :owner, false, now(), now())"
                ),
                {"owner": pg_roles.role("anna")},
            )
    finally:
        engine.dispose()


def test_doctor_shows_the_role_and_the_policies(cli: Invoke, team: dict[str, str]) -> None:
    report = data(cli, team["piet"], "doctor")
    assert report["role"].startswith("piet_") and report["reftrack_admin"] is False
    assert report["bypasses_row_security"] is False
    assert set(report["row_security"].values()) == {"forced"}
    assert all(len(names) == 4 for names in report["policies"].values())
    assert data(cli, team["boss"], "doctor")["reftrack_admin"] is True


def test_the_upgrade_keeps_owners_and_guards_the_old_rows(
    cli: Invoke, pg_server: str, pg_roles: Roles
) -> None:
    """An existing 0003 database with rows: owners kept; unowned rows are the admin's."""
    from sqlalchemy.engine import make_url

    from reftrack.db import Database, make_engine, upgrade

    name = f"t_old_{pg_roles.suffix}"
    admin = pg_admin(pg_server)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        old = Database(url=url, engine=make_engine(url))
        upgrade(old, "0003")
        with old.engine.begin() as connection:
            for who in (pg_roles.role("anna"), None):
                connection.execute(
                    text(
                        "INSERT INTO advocate (name, owner, archived, created_at, updated_at) "
                        "VALUES (:name, :owner, false, now(), now())"
                    ),
                    {"name": f"Old {who or 'nobody'}", "owner": who},
                )
        old.engine.dispose()
        roles = Roles(url)
        roles.suffix = pg_roles.suffix
        try:
            # the tables' owner (here the superuser) upgrades on first use
            assert data(cli, url, "doctor")["schema_version"] == SCHEMA_HEAD
            anna, piet = roles.add("anna"), roles.add("piet")
            boss = roles.add("boss", admin=True)
            owners = {
                a["name"]: a["owner"] for a in data(cli, piet, "advocate", "list", "--everyone")
            }
            assert owners == {f"Old {roles.role('anna')}": roles.role("anna"), "Old nobody": None}
            ok(run(cli, anna, "advocate", "edit", f"Old {roles.role('anna')}", "--company", "A"))
            assert_one_line_error(
                run(cli, piet, "advocate", "edit", "Old nobody", "--company", "P"),
                "has no owner",
                "only a reftrack_admin can change it",
            )
            assert_one_line_error(
                run(cli, anna, "advocate", "edit", "Old nobody", "--company", "A"), "has no owner"
            )
            ok(run(cli, boss, "advocate", "edit", "Old nobody", "--company", "B"))
        finally:
            from reftrack.cli import common

            common.reset(None)
            roles.drop()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_piet_cannot_link_annas_advocates_through_import_all(
    cli: Invoke, team: dict[str, str], pg_roles: Roles, tmp_path: Path
) -> None:
    """`import all` sets referred_by after the referrals are in, with a plain UPDATE: the
    policies would make it match nothing, silently. It is refused in one line instead."""
    import csv

    piet, anna = team["piet"], team["anna"]
    folder = tmp_path / "book"
    ok(run(cli, anna, "export", "all", str(folder)))
    path = folder / "advocates.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    [referral] = data(cli, anna, "referral", "list", "--everyone")
    rows[0]["referred_by"] = str(referral["id"])  # Ada, introduced by her own referral
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run(cli, piet, "import", "all", str(folder), user="anna")
    assert_one_line_error(result, "belongs to " + pg_roles.role("anna"))
    assert ada(cli, piet)["referred_by"] is None
    ok(run(cli, team["boss"], "import", "all", str(folder)))  # an admin may
    assert ada(cli, piet)["referred_by"] == referral["id"]


def test_undo_is_your_own_on_a_team_database(
    cli: Invoke, team: dict[str, str], pg_roles: Roles
) -> None:
    piet, anna = team["piet"], team["anna"]
    assert_one_line_error(run(cli, piet, "undo", "--yes", user="piet"), "nothing to undo")
    [latest, *_] = data(cli, piet, "log", user="piet")
    assert latest["owner"] == pg_roles.role("anna")
    result = run(cli, piet, "undo", str(latest["id"]), "--yes", user="piet")
    assert_one_line_error(result, f"entry #{latest['id']} is {pg_roles.role('anna')}'s")
    ok(run(cli, piet, "advocate", "add", "Piets", user="piet"))
    ok(run(cli, piet, "undo", "--yes", user="piet"))  # his own add, not anna's referral
    assert [a["name"] for a in data(cli, anna, "advocate", "list", "--everyone")] == ["Ada"]
    assert len(data(cli, anna, "referral", "list", "--everyone")) == 1


def test_the_journal_is_guarded_by_the_server_too(
    cli: Invoke, team: dict[str, str], pg_roles: Roles
) -> None:
    engine = create_engine(team["piet"])
    try:
        with engine.begin() as connection:
            marked = connection.execute(text("UPDATE change_entry SET undone_by = 'x'")).rowcount
            assert marked == 0  # anna's entries: read, never changed
            assert connection.execute(text("SELECT count(*) FROM change_entry")).scalar() == 3
        with engine.begin() as connection, pytest.raises(Exception, match="row-level security"):
            connection.execute(
                text("INSERT INTO change_entry (at, owner, command) VALUES (now(), :o, 'x')"),
                {"o": pg_roles.role("anna")},
            )
    finally:
        engine.dispose()


def test_archiving_leaves_a_colleagues_follow_ups_to_them(
    cli: Invoke, team: dict[str, str]
) -> None:
    piet, anna = team["piet"], team["anna"]
    ok(run(cli, piet, "followup", "add", "--advocate", "Ada", "--due", "+1w", "lunch", user="piet"))
    result = ok(run(cli, anna, "advocate", "archive", "Ada"))
    assert "archived" in result.stderr
    mine = [f for f in data(cli, anna, "followup", "list", "--everyone", "--all")]
    open_notes = [f["note"] for f in mine if f["done_on"] is None]
    assert open_notes == ["lunch"]  # piet's, still his to do; anna's own were cancelled
