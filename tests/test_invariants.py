"""Property: whatever valid commands a user types, in whatever order — adds, moves, edits,
cancels, reopens, deletes, merges and undos — an open referral has exactly one pending
contact follow-up, a won or lost one has none, and every link is valid (no follow-up of a
deleted record, no referral answering another advocate's ask)."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import Invoke

START = date(2026, 1, 5)
STAGES = ["new", "contacted", "meeting", "proposal", "won", "lost"]

actions = st.lists(
    st.one_of(
        st.tuples(st.just("refer"), st.integers(0, 1), st.integers(0, 30)),
        st.tuples(st.just("move"), st.integers(1, 4), st.sampled_from(STAGES), st.integers(0, 60)),
        st.tuples(st.just("done"), st.integers(0, 5), st.integers(0, 60)),
        st.tuples(st.just("snooze"), st.integers(0, 5), st.integers(1, 90)),
        st.tuples(st.just("ask"), st.integers(0, 1), st.integers(0, 30)),
        st.tuples(st.just("refer_asked"), st.integers(0, 1), st.integers(0, 30)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("reopen"), st.integers(1, 12)),
        st.tuples(st.just("reassign"), st.integers(1, 4), st.integers(0, 1)),
        st.tuples(st.just("redate"), st.integers(1, 4), st.integers(0, 30)),
        st.tuples(
            st.just("delete"), st.sampled_from(["referral", "ask", "followup"]), st.integers(1, 6)
        ),
        st.tuples(
            st.just("merge"),
        ),
        st.tuples(st.just("undo"), st.integers(1, 3)),
    ),
    min_size=1,
    max_size=12,
)


def day(offset: object) -> str:
    return str(START + timedelta(days=int(str(offset))))


def run(cli: Invoke, db: str, action: tuple[object, ...]) -> None:
    kind = action[0]
    args: list[str]
    if kind == "refer":
        _, who, when = action
        args = ["referral", "add", f"Advocate {who}", "Prospect", "--organic", "--on", day(when)]
    elif kind == "refer_asked":
        _, who, when = action
        args = ["referral", "add", f"Advocate {who}", "Asked prospect", "--on", day(when)]
    elif kind == "ask":
        _, who, when = action
        args = ["ask", "add", f"Advocate {who}", "--force", "--on", day(when)]
    elif kind == "move":
        _, ref, stage, when = action
        args = ["referral", "move", str(ref), str(stage), "--on", day(when)]
    elif kind == "done":
        ids = open_ids(db) or [0]
        chosen = ids[int(str(action[1])) % len(ids)]
        args = ["followup", "done", str(chosen), "--on", day(40)]
    elif kind == "snooze":
        args = ["followup", "snooze", str(action[1]), f"+{action[2]}d"]
    elif kind == "cancel":
        ids = open_ids(db) or [0]
        args = ["followup", "cancel", str(ids[int(str(action[1])) % len(ids)])]
    elif kind == "reopen":
        ids = open_ids(db, closed=True) or [0]
        args = ["followup", "reopen", str(ids[int(str(action[1])) % len(ids)])]
    elif kind == "reassign":
        args = ["referral", "edit", str(action[1]), "--advocate", f"Advocate {action[2]}"]
    elif kind == "redate":
        args = ["referral", "edit", str(action[1]), "--on", day(action[2])]
    elif kind == "delete":
        args = [str(action[1]), "delete", str(action[2]), "--yes"]
    elif kind == "merge":
        args = ["advocate", "merge", "Advocate 0", "Advocate 1", "--yes"]
    else:
        args = ["undo", "--last", str(action[1]), "--yes"]
    result = cli("--db", db, *args)
    assert result.exit_code in (0, 1), (args, result.stderr)
    assert "Traceback" not in result.stderr


def open_ids(db: str, *, closed: bool = False) -> list[int]:
    """The open follow-ups' ids (``closed``: the done or cancelled ones')."""
    test = "IS NOT NULL" if closed else "IS NULL"
    with sqlite3.connect(db) as connection:
        query = f"SELECT id FROM follow_up WHERE done_on {test} ORDER BY id"
        return [r[0] for r in connection.execute(query)]


def pending_contacts_by_referral(db: str) -> dict[int, tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT r.id, r.status, (SELECT count(*) FROM follow_up f WHERE f.referral_id = r.id"
            " AND f.kind = 'contact' AND f.done_on IS NULL) FROM referral r"
        ).fetchall()
    return {rid: (status, count) for rid, status, count in rows}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_open_referral_has_exactly_one_pending_contact(cli: Invoke, steps: list[tuple]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "p.db")
        for who in (0, 1):
            cli("--db", db, "advocate", "add", f"Advocate {who}", "--nps", "9")
        for action in steps:
            run(cli, db, action)
            for rid, (status, count) in pending_contacts_by_referral(db).items():
                expected = 0 if status in ("won", "lost") else 1
                assert count == expected, (rid, status, count, steps)
            assert broken_links(db) == [], steps


def broken_links(db: str) -> list[tuple[object, ...]]:
    """Foreign keys that point nowhere, and referrals answering another advocate's ask."""
    with sqlite3.connect(db) as connection:
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        broken += connection.execute(
            "SELECT r.id, r.advocate_id, a.advocate_id FROM referral r JOIN ask a"
            " ON a.id = r.ask_id WHERE a.advocate_id != r.advocate_id"
        ).fetchall()
    return broken
