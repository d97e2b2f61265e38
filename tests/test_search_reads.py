"""`reftrack search` is SQL text run by either executor of db_file (services/search.py,
services/search_log.py): on both engines it prints, in every format and for every error,
byte for byte what it prints through the database layer (``db_file.ENABLED = False``, as on
PostgreSQL), and on a SQLite file it reads through sqlite3 alone. What it finds is pinned
by the expectations below and by the search tests of test_names, test_targets and
test_notes."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Invoke, People, both

pytestmark = pytest.mark.both_engines


def fill(cli: Invoke, people: People) -> None:
    """Two owners' advocates, prospects, targets and notes: accents and ß, phones in
    several spellings, LIKE's wildcards in the text, an archived advocate, every target
    state, notes about an advocate, a referral and an ask."""
    script = [
        ("ann", "advocate", "add", "Zoë Müller", "--company", "Bakkerij Één", "--phone",
         "+31 6 1234 5678", "--email", "zoe@bakkerij.nl", "--note", "plays golf"),
        ("ann", "advocate", "add", "Jan Straße", "--company", "Groß & Co", "--phone",
         "0612345678", "--note", "50%_off the usual"),
        ("bob", "advocate", "add", "ÉVA de Wit", "--email", "EVA@WIT.NL", "--phone",
         "020 555 0101", "--nps", "9", "--since", "2024-01-01"),
        ("bob", "advocate", "add", "Old Müller", "--company", "Gone BV"),
        ("bob", "advocate", "archive", "Old Müller"),
        ("ann", "referral", "add", "Zoë", "Piet Bakker", "--company", "Omega", "--phone",
         "06-1234 5678", "--organic", "--on", "2026-03-01", "--note", "golf buddy"),
        ("bob", "referral", "add", "ÉVA", "Sara Grosz", "--email", "sara@omega.nl",
         "--organic", "--on", "2026-02-10"),
        ("bob", "referral", "move", "Sara Grosz", "won", "--value", "1200"),
        ("ann", "target", "add", "Jan Pieters", "--company", "Omega", "--via", "Zoë",
         "--note", "CFO, plays golf"),
        ("ann", "target", "add", "Mia Müller", "--via", "Jan", "--note", "met at the fair"),
        ("ann", "target", "drop", "Mia"),
        ("bob", "target", "add", "Kees Omega", "--via", "ÉVA"),
        ("bob", "referral", "add", "ÉVA", "Kees Omega", "--organic", "--on", "2026-03-05"),
        ("ann", "note", "add", "Zoë", "called, voicemail about golf", "--on", "2026-03-03"),
        ("bob", "note", "add", "--referral", "Sara", "won at Müller's office"),
        ("ann", "ask", "add", "Jan", "--channel", "phone", "--on", "2026-03-02"),
        ("ann", "note", "add", "--ask", "1", "he will think about Omega"),
    ]  # fmt: skip
    for user, *args in script:
        result = cli(*args, env=people.env(user))
        assert result.exit_code == 0, (args, result.stderr)


# Each search in every format; the expected hits (kind, name, matched) of its json.
SEARCHES: list[tuple[tuple[str, ...], list[tuple[str, str, str]]]] = [
    (("zoe",), [("advocate", "Zoë Müller", "name")]),
    (
        ("MÜLLER",),
        [
            ("advocate", "Zoë Müller", "name"),
            ("advocate", "Old Müller", "name"),
            ("target", "Mia Müller", "name"),
            ("note", "Sara Grosz", "note"),
        ],
    ),
    (("straße",), [("advocate", "Jan Straße", "name")]),
    (("gross",), []),  # ß is not ss (PostgreSQL's lower() keeps it)
    (("groß",), [("advocate", "Jan Straße", "company")]),
    (("eva@wit",), [("advocate", "ÉVA de Wit", "email")]),
    (
        ("0612345678",),
        [
            ("advocate", "Zoë Müller", "phone"),
            ("advocate", "Jan Straße", "phone"),
            ("prospect", "Piet Bakker", "phone"),
        ],
    ),
    (
        ("06", "1234", "5678"),
        [
            ("advocate", "Zoë Müller", "phone"),
            ("advocate", "Jan Straße", "phone"),
            ("prospect", "Piet Bakker", "phone"),
        ],
    ),
    (("+31", "6", "12345678"), [("advocate", "Zoë Müller", "phone")]),
    (("555-0101",), [("advocate", "ÉVA de Wit", "phone")]),
    (("bakkerij", "één"), [("advocate", "Zoë Müller", "company")]),
    (
        ("golf",),
        [
            ("advocate", "Zoë Müller", "notes"),
            ("prospect", "Piet Bakker", "notes"),
            ("target", "Jan Pieters", "notes"),
            ("note", "Zoë Müller", "note"),
        ],
    ),
    (
        ("omega",),
        [
            ("prospect", "Piet Bakker", "company"),
            ("prospect", "Sara Grosz", "email"),
            ("prospect", "Kees Omega", "name"),
            ("target", "Jan Pieters", "company"),
            ("target", "Kees Omega", "name"),
            ("note", "ask #1", "note"),
        ],
    ),
    (
        ("omega", "--limit", "2"),
        [
            ("prospect", "Piet Bakker", "company"),
            ("prospect", "Sara Grosz", "email"),
        ],
    ),
    (("müller", "-n", "1"), [("advocate", "Zoë Müller", "name")]),
    (("50%_",), [("advocate", "Jan Straße", "notes")]),
    (("%_",), [("advocate", "Jan Straße", "notes")]),
    (("_o",), [("advocate", "Jan Straße", "notes")]),
    (("g_lf",), []),  # a wildcard is a character like any other
    (("gone", "bv"), [("advocate", "Old Müller", "company")]),
    (("met at",), [("target", "Mia Müller", "notes")]),
    (("nobody here",), []),
    (("xx", "--limit", "99999999999999999999"), []),
]
ERRORS = [
    ("search", "a"),
    ("search", " z "),
    ("search",),
    ("search", "xx", "--limit", "0"),
    ("search", "xx", "--limit", "many"),
    ("search", "xx", "--format", "xml"),
]


def test_search_prints_the_same_through_both_executors(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli, people)
    for words, expected in SEARCHES:
        for fmt in ("table", "json", "csv"):
            args = ("search", *words, "--format", fmt)
            fast, slow, took_file = both(cli, monkeypatch, *args)
            assert fast == slow, args
            assert fast[0] == 0, (args, fast[2])
            assert took_file, args  # sqlite3 on a file, psycopg on a server
            if fmt == "json":
                hits = [(h["kind"], h["name"], h["matched"]) for h in json.loads(fast[1])]
                assert hits == expected, args
    for args in ERRORS:
        fast, slow, _ = both(cli, monkeypatch, *args)
        assert fast == slow, args
        assert fast[0] != 0 and fast[1] == "" and "Traceback" not in fast[2], args


def test_what_a_hit_says(cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every column of a hit of each kind, through both executors."""
    fill(cli, people)
    fast, slow, _ = both(cli, monkeypatch, "search", "müller", "--format", "json")
    assert fast == slow
    assert [
        {k: v for k, v in hit.items() if k != "id"} for hit in json.loads(fast[1])
    ] == [
        {"kind": "advocate", "name": "Zoë Müller", "company": "Bakkerij Één",
         "email": "zoe@bakkerij.nl", "phone": "+31 6 1234 5678", "matched": "name",
         "detail": ""},
        {"kind": "advocate", "name": "Old Müller", "company": "Gone BV", "email": None,
         "phone": None, "matched": "name", "detail": "archived"},
        {"kind": "target", "name": "Mia Müller", "company": None, "email": None,
         "phone": None, "matched": "name", "detail": "dropped"},
        {"kind": "note", "name": "Sara Grosz", "company": None, "email": None, "phone": None,
         "matched": "note", "detail": "2026-03-16: won at Müller's office"},
    ]  # fmt: skip
    fast, slow, _ = both(cli, monkeypatch, "search", "omega", "--format", "json")
    assert fast == slow
    details = [(h["kind"], h["name"], h["detail"]) for h in json.loads(fast[1])]
    assert details == [
        ("prospect", "Piet Bakker", "new, from Zoë Müller on 2026-03-01"),
        ("prospect", "Sara Grosz", "won, from ÉVA de Wit on 2026-02-10"),
        ("prospect", "Kees Omega", "new, from ÉVA de Wit on 2026-03-05"),
        ("target", "Jan Pieters", "open"),
        ("target", "Kees Omega", "reached"),
        ("note", "ask #1", "2026-03-16: he will think about Omega"),
    ]
    table = cli("search", "nobody", "here")
    assert (table.exit_code, table.stdout) == (0, "")
    assert "nothing matches 'nobody here'" in table.stderr


def test_the_fold_in_sql_is_the_engines_fold() -> None:
    """SQLite folds with names.fold; PostgreSQL with translate() over names.ACCENTED, which
    search skips for ASCII text (it would leave it as it is): the same answer either way."""
    from reftrack.db import open_database, resolve_url
    from reftrack.db_file import SessionReader, folded
    from reftrack.names import ACCENTED, PLAIN, fold

    texts = ["", "Jan", "JAN SMIT", "Zoë Müller", "ÉVA", "Straße", "İstanbul", "a\x7fb", "😀 Ö"]
    database = open_database(resolve_url(None))
    try:
        with database.session() as session:
            reader = SessionReader(session)
            for text in texts:
                sql = f"SELECT {folded(reader, 'CAST(:text AS TEXT)')} AS folded"
                [row] = reader.rows(sql, {"text": text})
                if reader.dialect == "sqlite":
                    want = fold(text)
                else:
                    plain = f"SELECT translate(lower(:text), '{ACCENTED}', '{PLAIN}') AS folded"
                    want = reader.rows(plain, {"text": text})[0]["folded"]
                assert row["folded"] == want, text
    finally:
        database.engine.dispose()
