"""`next` and `today` read through either executor of db_file, and `next` with a limit reads
only the askable advocates, best SQL bound first (services/suggest.py).

Pinned here, on both engines and through both executors: the bounded ranking is the head
of the full one (each row read once, every lift, tie and guard), whatever the batch sizes;
no advocate's ``score_of`` exceeds the SQL bound; the month's numbers of `today`
(services/headline.py) are those ``metrics.compute`` gives; on a SQLite file `next` and
`today` print byte for byte what they print through the database layer.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reftrack.config import Settings
from reftrack.db import open_database, resolve_url
from reftrack.services import headline, metrics, suggest
from tests.helpers import Invoke, People
from tests.test_file_reads import both, readers

pytestmark = pytest.mark.both_engines

DAY = date(2026, 3, 16)  # the tests' today (conftest)
OLD = ("--since", "2024-01-01")


def fill(cli: Invoke, people: People) -> None:
    """Ties on score, every segment, stale and fresh scores, milestones, referrals won,
    introductions given, and each guard (recent ask, low score, onboarding, complaint)."""
    script: list[tuple[str, ...]] = []
    for n in range(18):
        nps = ("--nps", str(n % 11)) if n % 6 else ()
        script.append(("ann" if n % 2 else "bob", "advocate", "add", f"Adv {n:02}", *nps, *OLD))
    script += [
        ("ann", "advocate", "add", "Contact Only"),
        ("ann", "advocate", "add", "New Customer", "--nps", "10", "--since", "2026-03-01"),
        ("bob", "advocate", "score", "Adv 10", "10", "--on", "2025-01-02"),
        ("ann", "advocate", "milestone", "Adv 09", "--on", "2026-03-10", "--note", "go-live"),
        ("ann", "advocate", "milestone", "Adv 07", "--on", "2026-03-12", "--note", "renewal"),
        ("bob", "advocate", "complaint", "Adv 08", "--on", "2026-03-01", "--note", "late"),
        ("ann", "ask", "add", "Adv 03", "--channel", "phone", "--on", "2026-03-02", "--force"),
        ("ann", "ask", "add", "Adv 05", "--channel", "phone", "--on", "2025-06-02", "--force"),
        ("ann", "intro", "give", "Adv 05", "--to", "Kees", "--on", "2026-03-02"),
        ("bob", "intro", "give", "Adv 04", "--to", "Lisa", "--on", "2025-01-02", "--backfill"),
        # open targets (a lift), one known by two, one of bob's, one dropped (no lift)
        ("ann", "target", "add", "Jan Pieters", "--company", "Omega", "--via", "Adv 02"),
        ("ann", "target", "add", "Eva Smit", "--via", "Adv 02", "--via", "Adv 06"),
        ("bob", "target", "add", "Lars Berg", "--via", "Adv 01"),
        ("ann", "target", "add", "Gone Person", "--via", "Adv 07"),
        ("ann", "target", "drop", "Gone Person"),
    ]
    won = ("won", "--value", "100")
    for who, prospect, *move in [
        ("Adv 09", "Piet", *won),
        ("Adv 09", "Sara", *won),
        ("Adv 09", "Joop", *won),
        ("Adv 11", "Kim", "lost", "--reason", "price"),
        ("Adv 04", "Eva", *won),
        ("Contact Only", "Bas", "meeting"),
    ]:
        user = "bob" if who == "Adv 04" else "ann"  # the advocate's own salesperson
        script.append((user, "referral", "add", who, prospect, "--organic", "--on", "2026-03-05"))
        script.append((user, "referral", "move", prospect, *move))
    for user, *args in script:
        result = cli(*args, env=people.env(user))
        assert result.exit_code == 0, (args, result.stderr)


def _ranked(found: suggest.Suggestions) -> list[tuple[Any, ...]]:
    return [(c.advocate_id, c.score, tuple(c.reasons), c.last_asked_on) for c in found.ranked]


def test_the_bounded_ranking_is_the_head_of_the_full_one(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(cli, people)  # once: the batch sizes change how it is read, not the book
    database = open_database(resolve_url(None))
    settings = Settings()
    try:
        for ordered, batch in [(2_000, 100), (3, 1), (1, 2)]:
            monkeypatch.setattr(suggest, "_ORDERED", ordered)
            monkeypatch.setattr(suggest, "_BATCH", batch)
            compared = 0
            for scope in ("ann", "bob", "nobody", None):
                owner = people.owner(scope) if scope in ("ann", "bob") else scope
                with database.session(scope_owner=owner) as session:
                    for reader in readers(database, session, owner):
                        for day in (DAY, DAY - timedelta(days=200), DAY + timedelta(days=400)):
                            full = suggest.suggest(reader, on=day, settings=settings, limit=None)
                            for limit in (1, 2, 3, 5, 10, 40):
                                top = suggest.suggest(
                                    reader, on=day, settings=settings, limit=limit
                                )
                                where = (ordered, batch, scope, day, limit)
                                assert _ranked(top) == _ranked(full)[:limit], where
                                assert top.eligible == full.eligible == len(full.ranked)
                                compared += len(top.ranked)
            assert compared > 100, (ordered, batch)
    finally:
        database.engine.dispose()


def test_no_score_exceeds_its_sql_bound(cli: Invoke, people: People) -> None:
    fill(cli, people)
    database = open_database(resolve_url(None))
    settings = Settings()
    try:
        with database.session() as session:
            for reader in readers(database, session, None):
                for day in (DAY, DAY - timedelta(days=200), DAY + timedelta(days=400)):
                    _, batches = suggest._askable(
                        reader, on=day, settings=settings, weights=suggest.WEIGHTS
                    )
                    rows = [row for batch in batches for row in batch]
                    assert rows
                    for row in rows:
                        score, _ = suggest.score_of(
                            row,
                            on=day,
                            settings=settings,
                            given=suggest.reciprocity.GiveFacts(
                                intros=1, last_intro_on=day, last_to_whom="x", asks=0
                            ),
                            targets=["someone"],
                        )
                        assert score <= row.bound, (row.name, day)
    finally:
        database.engine.dispose()


def test_todays_numbers_are_those_of_metrics(cli: Invoke, people: People) -> None:
    fill(cli, people)
    database = open_database(resolve_url(None))
    seen = 0
    try:
        for scope in ("ann", "nobody", None):
            owner = people.owner(scope) if scope == "ann" else scope
            with database.session(scope_owner=owner) as session:
                for reader in readers(database, session, owner):
                    for since, until in [
                        (date(2026, 3, 1), DAY),
                        (date(2026, 2, 1), date(2026, 2, 28)),
                    ]:
                        want = metrics.compute(session, since=since, until=until).as_dict()
                        got = headline.numbers(reader, since=since, until=until)
                        assert got == {k: want[k] for k in got}, (scope, since)
                        seen += got["asks"] + got["referrals"] + got["won"]
    finally:
        database.engine.dispose()
    assert seen > 0


COMMANDS = [
    ("next",),
    ("next", "--limit", "3", "--format", "json"),
    ("next", "--limit", "0", "--format", "csv"),
    ("next", "--all"),
    ("next", "--owner", "nobody"),
    ("today",),
    ("today", "--format", "json"),
    ("today", "--format", "csv"),
]


def test_next_and_today_print_the_same_through_both_paths(
    cli: Invoke, people: People, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: str
) -> None:
    if engine != "sqlite":
        pytest.skip("the sqlite3 path is for SQLite files")
    fill(cli, people)
    for args in COMMANDS:
        fast, slow, took_file = both(cli, monkeypatch, *args)
        assert fast == slow, args
        assert fast[0] == 0 and took_file, (args, fast)
    # a new, empty file: made, said so, and the first step said (each path on a file of its own)
    made = [both(cli, monkeypatch, "--db", str(tmp_path / f"new-{n}.db"), "today") for n in (1, 2)]
    (fast, _, _), (_, slow, _) = made
    assert fast[:2] == slow[:2] and "the book is empty" in fast[2] and "created" in fast[2]


def test_the_targets_next_names_are_the_orm_ones(cli: Invoke, people: People) -> None:
    from reftrack.services import target_facts, targets

    fill(cli, people)
    database = open_database(resolve_url(None))
    try:
        for scope in ("ann", "bob", None):
            owner = people.owner(scope) if scope else None
            with database.session(scope_owner=owner) as session:
                want = targets.open_targets_known(session)
                ids = list(range(1, 30))
                for reader in readers(database, session, owner):
                    assert target_facts.known(reader, ids) == want, scope
            if scope is None:
                assert want[3] == ["Eva Smit", "Jan Pieters (Omega)"]  # Adv 02 knows two
                assert 8 not in want  # Adv 07's target was dropped
    finally:
        database.engine.dispose()
