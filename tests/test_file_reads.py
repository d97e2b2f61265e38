"""The daily reads run one SQL text through two executors (db_file): the standard library's
sqlite3 on a SQLite file, SQLAlchemy on PostgreSQL (and whenever the file is unusual).

Pinned here: ``services.listing`` gives, on both engines and through both executors, the
rows the ORM queries give (``advocates.list_advocates``, ``referrals.list_referrals``) for
every filter and owner scope; on a SQLite file every command that reads that way prints
byte for byte what it prints through the database layer, takes the sqlite3 path when it
can (no SQLAlchemy opened), and says every error about the file in the same words.
Typer's values converted without pydantic (cli/params.py) are pinned to Typer's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from reftrack import db_file
from reftrack.cli import common
from reftrack.db import Database, open_database, resolve_url, sqlite_path
from reftrack.db_file import Reader, SessionReader
from reftrack.enums import Segment, Status
from reftrack.records import advocate_row, ask_row, followup_row, referral_row
from reftrack.services import advocates, asks, followups, listing, referrals
from tests.helpers import Invoke, People, both

SCOPES = ("ann", "bob", "nobody", None)  # None: everyone; "nobody" sees the unowned only


def fill(cli: Invoke, people: People) -> None:
    """Advocates of two owners in every segment, tags with LIKE's wildcards, an archived
    one; referrals in every stage."""
    script = [
        ("ann", "advocate", "add", "Anna de Vries", "--nps", "9", "--tag", "vip", "--tag", "a_b"),
        ("ann", "advocate", "add", "éva Straße", "--nps", "7", "--since", "2024-01-01"),
        ("bob", "advocate", "add", "Bram Jansen", "--nps", "5", "--tag", "axb"),
        ("bob", "advocate", "add", "Zoë 't Hart", "--tag", "VIP", "--tag", "logistics"),
        ("bob", "advocate", "add", "Old Customer", "--nps", "10"),
        ("bob", "advocate", "archive", "Old Customer"),
        ("ann", "referral", "add", "Anna", "Piet Bakker", "--organic", "--on", "2026-03-01"),
        ("ann", "referral", "add", "Anna", "Sara Smit", "--organic", "--on", "2026-03-01"),
        ("bob", "referral", "add", "Bram", "Kees Visser", "--organic", "--on", "2026-02-10"),
        ("bob", "referral", "add", "Zoë", "Lisa Dekker", "--organic", "--on", "2026-03-10"),
        ("ann", "referral", "move", "Piet Bakker", "won", "--value", "1200"),
        ("bob", "referral", "move", "Kees Visser", "lost", "--reason", "price"),
        ("bob", "referral", "move", "Lisa Dekker", "meeting"),
        ("ann", "ask", "add", "Anna", "--channel", "phone", "--on", "2026-03-02", "--force"),
        ("bob", "ask", "add", "Zoë", "--on", "2026-02-20", "--force"),
        ("bob", "ask", "outcome", "Zoë", "declined"),
        ("bob", "followup", "add", "--advocate", "Bram", "--due", "2026-04-01", "send the case"),
    ]
    for user, *args in script:
        result = cli(*args, env=people.env(user))
        assert result.exit_code == 0, (args, result.stderr)


def readers(database: Database, session: Any, owner: str | None) -> Iterator[Reader]:
    yield SessionReader(session)
    path = sqlite_path(database.url)
    if path is not None:
        reader = db_file.open_file(path, busy_timeout_ms=1000, scope_owner=owner)
        assert reader is not None
        try:
            yield reader
        finally:
            reader.close()


@pytest.mark.both_engines
def test_the_lists_are_the_orm_lists(cli: Invoke, people: People) -> None:
    fill(cli, people)
    database = open_database(resolve_url(None))
    owners = {name: people.owner(name) for name in ("ann", "bob")}
    compared = 0
    try:
        for scope in SCOPES:
            owner = owners.get(scope or "", scope)
            with database.session(scope_owner=owner) as session:
                for reader in readers(database, session, owner):
                    for segment in (None, *Segment):
                        for tag in (None, "vip", "a_b", "logistics", " VIP "):
                            for archived in (False, True):
                                options = {"segment": segment, "tag": tag, "archived": archived}
                                want = advocates.list_advocates(session, **options)
                                got = listing.advocates(reader, **options)
                                assert [advocate_row(a) for a in got] == [
                                    advocate_row(a) for a in want
                                ], (type(reader).__name__, scope, options)
                                compared += len(want)
                    for status in (None, *Status):
                        for open_only in (False, True):
                            for who in (None, 1, 3):
                                want_r = referrals.list_referrals(
                                    session,
                                    status=status,
                                    open_only=open_only,
                                    advocate=SimpleNamespace(id=who) if who else None,  # type: ignore[arg-type]
                                )
                                got_r = listing.referrals(
                                    reader, status=status, open_only=open_only, advocate_id=who
                                )
                                assert [referral_row(r, n) for r, n in got_r] == [
                                    referral_row(r, n) for r, n in want_r
                                ], (type(reader).__name__, scope, status, open_only, who)
                                compared += len(want_r)
                    for pending in (False, True):
                        for who in (None, 1, 4):
                            want_k = asks.list_asks(
                                session,
                                pending_only=pending,
                                advocate=SimpleNamespace(id=who) if who else None,  # type: ignore[arg-type]
                            )
                            got_k = listing.asks(reader, pending_only=pending, advocate_id=who)
                            assert [ask_row(k, n) for k, n in got_k] == [
                                ask_row(k, n) for k, n in want_k
                            ], (type(reader).__name__, scope, pending, who)
                            compared += len(want_k)
                    for include_done in (False, True):
                        want_f = [
                            followup_row(v.follow_up, v.advocate_name, v.prospect)
                            for v in followups.views(session, include_done=include_done)
                        ]
                        got_f = listing.follow_ups(reader, include_done=include_done)
                        assert [followup_row(*f) for f in got_f] == want_f, (
                            type(reader).__name__,
                            scope,
                            include_done,
                        )
                        compared += len(want_f)
                    assert listing.book_is_empty(reader) is (scope == "nobody")
    finally:
        database.engine.dispose()
    assert compared > 50


# --- on a SQLite file: the command line, through both paths -----------------------------

COMMANDS = [
    ("due",),
    ("due", "--format", "json"),
    ("due", "--format", "csv", "--within", "30d"),
    ("due", "--as-of", "2026-04-20", "--exit-code"),
    ("due", "--quiet", "--owner", "nobody"),
    ("due", "--owner", "ann", "--format", "json"),
    ("advocate", "list"),
    ("advocate", "list", "--format", "json"),
    ("advocate", "list", "--segment", "promoter", "--format", "csv"),
    ("advocate", "list", "--tag", "vip"),
    ("advocate", "list", "--archived", "--format", "json"),
    ("advocate", "list", "--owner", "nobody"),
    ("referral", "list"),
    ("referral", "list", "--open", "--format", "json"),
    ("referral", "list", "--status", "won", "--format", "csv"),
    ("referral", "list", "--owner", "bob", "--format", "json"),
    ("next",),
    ("next", "--all", "--format", "json"),
    ("today", "--owner", "ann"),
    ("ask", "list"),
    ("ask", "list", "--pending", "--format", "json"),
    ("ask", "list", "--advocate", "zoe", "--format", "csv"),
    ("ask", "list", "--owner", "bob"),
    ("ask", "list", "--advocate", "nobody"),
    ("followup", "list"),
    ("followup", "list", "--all", "--format", "json"),
    ("followup", "list", "--owner", "ann", "--format", "csv"),
    # bad input: Typer's words (cli/params.py hands the value to Typer's own conversion)
    ("due", "--format", "xml"),
    ("due", "--within", "3x"),
    ("advocate", "list", "--segment", "happy"),
    ("referral", "list", "--status", "maybe"),
    ("next", "--limit", "-1"),
    ("next", "--limit", "many"),
    ("search", "x", "--limit", "0"),
]


def test_each_command_prints_the_same_through_both_paths(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli, people)
    cli("followup", "add", "--advocate", "Bram", "--due", "2026-03-01", "call about the fair")
    for args in COMMANDS:
        fast, slow, took_file = both(cli, monkeypatch, *args)
        assert fast == slow, args
        if fast[0] in (0, 3):
            assert took_file, args


def _set_version(path: Path, version: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (version,))
        connection.commit()


@pytest.mark.parametrize("args", [("due",), ("advocate", "list"), ("referral", "list")])
def test_every_word_about_the_file_is_the_database_layers(
    cli: Invoke, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple
) -> None:
    """Missing (made, and said so), newer, another program's, not a database, a folder:
    the sqlite3 path steps aside and the database layer says what it always said."""
    assert cli("advocate", "add", "Anna").exit_code == 0
    _set_version(db_path, "0999")
    newer = both(cli, monkeypatch, *args)
    assert newer[0] == newer[1] and "newer than this reftrack knows" in newer[0][2]
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE notes (text)")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all, " * 200)
    (tmp_path / "folder.db").mkdir()
    for where, fragment in [
        (foreign, "another program"),
        (junk, "not a SQLite database"),
        (tmp_path / "folder.db", "is a directory"),
    ]:
        fast, slow, _ = both(cli, monkeypatch, "--db", str(where), *args)
        assert fast == slow and fragment in fast[2], where
    made = [both(cli, monkeypatch, "--db", str(tmp_path / f"new-{n}.db"), *args) for n in (1, 2)]
    (fast, _, _), (_, slow, _) = made  # each on a file of its own
    assert fast[:2] == slow[:2] and "created a new database" in fast[2]


def test_an_older_schema_is_upgraded_by_the_database_layer(
    cli: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reftrack.db import make_engine
    from reftrack.migrations.runner import run_upgrade

    engine = make_engine(f"sqlite:///{db_path}")  # a database of the schema before the head
    run_upgrade(engine, db_file.SCHEMA_REVISIONS[-2])
    engine.dispose()
    assert db_file.open_file(db_path, busy_timeout_ms=100, scope_owner=None) is None
    result = cli("advocate", "list", "--format", "json")
    assert result.exit_code == 0 and common.state.database is not None  # took the long way
    assert _version(db_path) == db_file.SCHEMA_REVISIONS[-1]


def _version(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_a_sqlite_error_mid_read_is_said_by_the_database_layer(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that fails under the sqlite3 path (locked, damaged, changed) is read again
    through the database layer, whose error or answer is the one shown."""
    assert cli("advocate", "add", "Anna").exit_code == 0

    def broken(self: Any, sql: str, params: Any = None) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(db_file.FileReader, "rows", broken)
    result = cli("advocate", "list", "--format", "json")
    assert result.exit_code == 0 and '"name": "Anna"' in result.stdout


def test_the_lists_know_every_date_column_of_the_models() -> None:
    """sqlite3 returns dates as text: the lists turn the columns db_file.is_date names
    into dates, so a date column a later schema adds must follow its rule."""
    from sqlalchemy import Date

    from reftrack.db_file import is_date
    from reftrack.models import Advocate, Referral

    for model in (Advocate, Referral):
        columns = model.__table__.c  # type: ignore[attr-defined]
        dated = {c.name for c in columns if isinstance(c.type, Date)}
        assert dated == {c.name for c in columns if is_date(c.name)}, model.__name__
