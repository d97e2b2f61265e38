"""`advocate show` and the name lookup as SQL text (services/profile_text.py,
services/lookup_text.py), run by either executor of db_file.

Pinned here, on SQLite and PostgreSQL: what `advocate show` prints (table, csv, json) for
every advocate of a book with every section filled is what the ORM's profile
(``advocates.profile``, ``giving.given_back``) renders; on a SQLite file the command prints
the same through sqlite3 as through the database layer, byte for byte, errors included
(archived advocates, namesakes, accents, ambiguous, missing and empty names), and takes
the sqlite3 path when it can. `referral list --advocate` looks up within its owner scope.
"""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from sqlmodel import col, select

from reftrack import db_file, render
from reftrack.db import open_database, resolve_url
from reftrack.db_file import SessionReader
from reftrack.enums import OutputFormat
from reftrack.models import Advocate, FollowUp, Referral
from reftrack.records import followup_row, referral_row
from reftrack.render import profile as shown
from reftrack.services import (
    advocates,
    giving,
    lookup,
    notes,
    profile_text,
    referral_text,
)
from tests.helpers import Invoke, People, both, ok

pytestmark = pytest.mark.both_engines

# A book with every section of the profile filled for Anna, and people to confuse her with.
BOOK = [
    ("advocate", "add", "Anna de Vries", "--company", "Beta", "--email", "anna@beta.nl"),
    ("advocate", "edit", "Anna", "--phone", "+31 6 1", "--title", "CFO", "--url", "x.nl"),
    ("advocate", "edit", "Anna", "--since", "2024-05-01", "--source", "inbound"),
    ("advocate", "edit", "Anna", "--tag", "vip", "--tag", "a_b", "--note", "two\nlines"),
    ("advocate", "score", "Anna", "7", "--on", "2025-01-10"),
    ("advocate", "score", "Anna", "9", "--on", "2026-01-10"),
    ("advocate", "milestone", "Anna", "--on", "2026-02-01", "--note", "go-live"),
    ("advocate", "complaint", "Anna", "--on", "2025-06-01", "--note", "late"),
    ("advocate", "value", "Anna", "450", "--per", "month"),
    ("ask", "add", "Anna", "--channel", "phone", "--target", "the CFO", "--on", "2026-02-02"),
    ("referral", "add", "Anna", "Piet Bakker", "--company", "Gamma", "--on", "2026-02-10"),
    ("referral", "add", "Anna", "Sara Smit", "--organic", "--on", "2026-03-01"),
    ("referral", "move", "Piet Bakker", "won", "--value", "1200,50"),
    ("followup", "add", "--advocate", "Anna", "--due", "2026-04-01", "send the case"),
    ("note", "add", "Anna", "called, voicemail", "--on", "2026-03-02"),
    ("note", "add", "--referral", "Sara Smit", "met at their office", "--on", "2026-03-03"),
    ("note", "add", "--ask", "1", "she will ask around", "--on", "2026-02-03"),
    ("target", "add", "Jan Pieters", "--company", "Omega", "--via", "Anna"),
    ("target", "add", "Karel Dood", "--via", "Anna"),
    ("target", "drop", "Karel Dood"),
    ("intro", "give", "Anna", "--to", "Kees Bakker (printer)", "--on", "2026-03-05"),
    ("gift", "add", "Anna", "dinner", "--cost", "85,50", "--referral", "Piet Bakker"),
    ("gift", "add", "Anna", "flowers"),
    # Piet became an advocate himself: referred by Anna's referral
    ("advocate", "add", "Piet Bakker", "--nps", "10"),
    ("advocate", "edit", "Piet Bakker", "--referred-by", "1"),
    # namesakes, accents, the archived
    ("advocate", "add", "Jan Smit", "--company", "Alpha"),
    ("advocate", "add", "Jan Smit", "--company", "Oud BV", "--duplicate"),
    ("advocate", "add", "Bram Jansen"),
    ("advocate", "add", "Zoë Müller", "--nps", "4"),
    ("advocate", "add", "Éva Straße"),
    ("advocate", "add", "Old Customer", "--nps", "10"),
    ("advocate", "archive", "Old Customer"),
    ("advocate", "churn", "Zoë", "--on", "2026-03-01"),
    ("advocate", "add", "Karin Oud"),
    ("advocate", "add", "Karin Oud", "--duplicate"),
    ("advocate", "archive", "9"),
]
# What people type: every kind of match and every error of the lookup.
REFS = [
    "Anna de Vries",
    "anna",
    "#1",
    "  2 ",
    "jan smit",  # two of the same name: ambiguous
    "jan",  # a whole word of three
    "smit",
    "zoe muller",  # without the accents
    "ZOË",
    "eva strasse",  # ß is not ss: not found, with a suggestion
    "Straße",
    "old customer",  # archived, and the only one
    "Karin Oud",  # one archived, one active: the active
    "Old Custmer",  # a typo: did you mean
    "nobody at all",
    "99",
    "#99999999999999999999",
    "",
    "   ",
    "%",
    "_",
]


def fill(cli: Invoke) -> None:
    for args in BOOK:
        ok(cli(*args))


def orm_profile(session: Any, ref: str) -> tuple[Any, Any]:
    """What `advocate show` read before it read SQL text: the ORM's profile."""
    found = advocates.profile(session, advocate=lookup.advocate(session, ref))
    return found, giving.given_back(session, advocate_id=found.advocate.id or 0)


def rendered(found: Any, given: Any, fmt: OutputFormat) -> str:
    out = io.StringIO()
    render.reset_consoles()
    with contextlib.redirect_stdout(out):
        shown.show(found, fmt, currency="EUR", given=given)
    render.reset_consoles()
    return out.getvalue()


def file_readers() -> list[Any]:
    """sqlite3 on this test's file (none on PostgreSQL)."""
    path = db_file.local_file(db_file.given(None))
    reader = path and db_file.open_file(path, busy_timeout_ms=1000, scope_owner=None)
    return [reader] if reader else []


def test_the_profile_is_the_orms(cli: Invoke) -> None:
    """For every advocate and format: the SQL text's profile renders as the ORM's does,
    through each executor on this engine."""
    fill(cli)
    database = open_database(resolve_url(None))
    compared = 0
    try:
        with database.session() as session:
            ids = [a.id for a in session.exec(select(Advocate)).all()]
            readers = [SessionReader(session), *file_readers()]
            for record_id in ids:
                orm = orm_profile(session, str(record_id))
                for fmt in OutputFormat:
                    want = rendered(*orm, fmt)
                    for reader in readers:
                        got = rendered(*profile_text.of(reader, ref=str(record_id)), fmt)
                        assert got == want, (record_id, fmt, type(reader).__name__)
                        compared += 1
            for reader in readers[1:]:
                reader.close()
    finally:
        database.engine.dispose()
    assert len(ids) == 10 and compared >= 10 * 3


def test_the_book_fills_every_section(cli: Invoke, cli_json: Any) -> None:
    """Guards the test above: Anna has every section, Piet was referred by her."""
    fill(cli)
    anna = cli_json("advocate", "show", "Anna")
    for section, value in anna.items():
        assert value, section
    assert set(anna) >= {"nps_history", "events", "notes", "targets", "intros", "gifts"}
    assert len(anna["notes"]) == 3 and [t["name"] for t in anna["targets"]] == ["Jan Pieters"]
    table = ok(cli("advocate", "show", "Piet Bakker")).stdout
    assert "\nreferred by      referral #1 from Anna de Vries\n" in table


def test_show_prints_the_same_through_both_executors(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli)
    assert first_lines(cli, monkeypatch, "advocate", REFS) == EXPECTED


def first_lines(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, kind: str, refs: list[str]
) -> dict[str, str]:
    """`KIND show REF` in every format through both executors: the same exit, stdout and
    stderr, read from the file, an error one line on stderr with nothing on stdout; and
    the first line the table shows (or the error) for each reference."""
    said: dict[str, str] = {}
    for ref in refs:
        for fmt in OutputFormat:
            fast, slow, took_file = both(cli, monkeypatch, kind, "show", ref, "-f", fmt.value)
            assert fast == slow, (ref, fmt)
            assert took_file, (ref, fmt)
            if fast[0]:
                assert fast[0] == 1 and fast[1] == "" and fast[2].count("\n") == 1, (ref, fast)
            if fmt is OutputFormat.table:
                said[ref] = fast[2] or fast[1].splitlines()[0]
    return said


# The first line each reference shows: the record it names, or the error.
SMITS = "#3 Jan Smit (Alpha), #4 Jan Smit (Oud BV); use the id"
LIST = " (see `reftrack advocate list`)"
EXPECTED = {
    "Anna de Vries": "#1 Anna de Vries",
    "anna": "#1 Anna de Vries",
    "#1": "#1 Anna de Vries",
    "  2 ": "#2 Piet Bakker",
    "jan smit": f"error: advocate 'jan smit' matches several: {SMITS}\n",
    "jan": f"error: advocate 'jan' matches several: {SMITS}\n",
    "smit": f"error: advocate 'smit' matches several: {SMITS}\n",
    "zoe muller": "#6 Zoë Müller",
    "ZOË": "#6 Zoë Müller",
    "eva strasse": f"error: no advocate named 'eva strasse'; did you mean 'Éva Straße'?{LIST}\n",
    "Straße": "#7 Éva Straße",
    "old customer": "#8 Old Customer (archived)",
    "Karin Oud": "#10 Karin Oud",
    "Old Custmer": f"error: no advocate named 'Old Custmer'; did you mean 'Old Customer'?{LIST}\n",
    "nobody at all": f"error: no advocate named 'nobody at all'{LIST}\n",
    "99": "error: no advocate with id 99; see `reftrack advocate list`\n",
    "#99999999999999999999": (
        "error: no advocate with id 99999999999999999999; see `reftrack advocate list`\n"
    ),
    "": "error: advocate name is empty; give a name or an id\n",
    "   ": "error: advocate name is empty; give a name or an id\n",
    "%": f"error: no advocate named '%'{LIST}\n",
    "_": f"error: no advocate named '_'{LIST}\n",
}


def test_referral_list_looks_the_advocate_up_within_its_scope(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--advocate NAME` names one of the advocates the list may show: with --owner, that
    owner's (and the unowned); an id or a suggestion outside the scope is not there."""
    script = [
        ("ann", "advocate", "add", "Anna de Vries"),
        ("bob", "advocate", "add", "Anna Jansen"),
        ("bob", "advocate", "add", "Bram Visser"),
        ("ann", "referral", "add", "Anna de Vries", "Piet Bakker", "--organic"),
        ("bob", "referral", "add", "Anna Jansen", "Kees Smit", "--organic"),
    ]
    for user, *args in script:
        ok(cli(*args, env=people.env(user)))
    ann = people.owner("ann")
    nobody = "error: no advocate named 'Bram Vissr' (see `reftrack advocate list`)\n"
    cases = {
        ("anna", "--owner", ann): "Piet Bakker",
        ("#2", "--owner", ann): "error: no advocate with id 2; see `reftrack advocate list`\n",
        ("Bram Vissr", "--owner", ann): nobody,
        ("Bram Vissr", "--everyone"): nobody.replace(" (see", "; did you mean 'Bram Visser'? (see"),
        ("jansen", "--everyone"): "Kees Smit",
        ("anna", "--everyone"): (
            "error: advocate 'anna' matches several: #1 Anna de Vries, #2 Anna Jansen; use the id\n"
        ),
    }
    for (ref, *scope), want in cases.items():
        args = ("referral", "list", "--advocate", ref, *scope, "-f", "json")
        fast, slow, took_file = both(cli, monkeypatch, *args, env=people.env("ann"))
        assert fast == slow and took_file, args
        if want.startswith("error: "):
            assert fast == (1, "", want), args
        else:
            assert fast[0] == 0 and [r["prospect"] for r in json.loads(fast[1])] == [want], args


def test_the_date_columns_follow_the_rule_the_profile_reads_them_by() -> None:
    """sqlite3 returns dates as text: profile_text turns a column named as a date into one;
    a column a later schema adds must keep the rule (``…_on``, customer_since)."""
    from sqlalchemy import Date

    from reftrack.models import SQLModel

    for table in SQLModel.metadata.tables.values():
        for column in table.c:
            is_date = isinstance(column.type, Date)
            assert db_file.is_date(column.name) is is_date, (table.name, column.name)


# --- referral show --------------------------------------------------------------------


def orm_referral(session: Any, ref: str) -> tuple[Any, Any, Any]:
    """What `referral show` read before it read SQL text: the ORM's records."""
    found = lookup.referral(session, ref)
    referrer = session.get(Advocate, found.advocate_id)
    name = referrer.name if referrer else None
    query = (
        select(FollowUp)
        .where(FollowUp.referral_id == found.id)
        .order_by(col(FollowUp.due_on), col(FollowUp.id))
    )
    steps = [followup_row(f, name, found.prospect) for f in session.exec(query).all()]
    log = [shown.note_line(n) for n in notes.notes_about(session, referral_ids=[found.id or 0])]
    return referral_row(found, name), steps, log


def text_referral(reader: Any, ref: str) -> tuple[Any, Any, Any]:
    found = referral_text.of(reader, ref=ref)
    name, prospect = found.referrer_name, found.referral.prospect
    steps = [followup_row(f, name, prospect) for f in found.follow_ups]
    log = [shown.note_line(n) for n in found.notes]
    return referral_row(found.referral, name), steps, log


def rendered_referral(row: Any, steps: Any, log: Any, fmt: OutputFormat) -> str:
    out = io.StringIO()
    render.reset_consoles()
    with contextlib.redirect_stdout(out):
        shown.show_referral(row, steps, fmt, currency="EUR", notes=log)
    render.reset_consoles()
    return out.getvalue()


def test_referral_show_is_the_orms(cli: Invoke) -> None:
    """Every referral, in every format: the SQL text renders as the ORM's records did,
    through each executor on this engine (a won one with its thank-yous, an organic one
    with a note)."""
    fill(cli)
    database = open_database(resolve_url(None))
    compared = 0
    try:
        with database.session() as session:
            ids = [r.id for r in session.exec(select(Referral)).all()]
            readers = [SessionReader(session), *file_readers()]
            for record_id in ids:
                orm = orm_referral(session, str(record_id))
                assert orm[1], record_id  # follow-ups to compare
                for fmt in OutputFormat:
                    want = rendered_referral(*orm, fmt)
                    for reader in readers:
                        got = rendered_referral(*text_referral(reader, str(record_id)), fmt)
                        assert got == want, (record_id, fmt, type(reader).__name__)
                        compared += 1
            for reader in readers[1:]:
                reader.close()
    finally:
        database.engine.dispose()
    assert len(ids) == 2 and compared >= 2 * 3


REFERRAL_REFS = ["Piet Bakker", "piet", "#1", " 2 ", "sara", "bakker", "nobody", "99", "", "%"]


def test_referral_show_prints_the_same_through_both_executors(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli)
    first = first_lines(cli, monkeypatch, "referral", REFERRAL_REFS)
    assert first["piet"] == first["#1"] == "#1 Piet Bakker (won)"
    assert first[" 2 "] == first["sara"] == "#2 Sara Smit (new)"
    assert first["nobody"].startswith("error: no referral named 'nobody'")
    assert first["99"] == "error: no referral with id 99; see `reftrack referral list`\n"
    assert first[""] == "error: referral name is empty; give a name or an id\n"
