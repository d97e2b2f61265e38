"""Property: whatever valid commands a user types, in whatever order, an open referral has
exactly one pending contact follow-up and a won or lost one has none; an advocate has at
most one open circle-back, and an ask at most the one follow-up its outcome keeps open
(check-back while pending, check_promise while promised, collect while alternative)."""

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
        st.tuples(st.just("ask"), st.integers(0, 1), st.integers(0, 60)),
        st.tuples(
            st.just("outcome"),
            st.integers(1, 3),
            st.sampled_from(["pending", "promised", "declined", "referred", "alternative"]),
            st.integers(0, 60),
        ),
    ),
    min_size=1,
    max_size=10,
)


def run(cli: Invoke, db: str, action: tuple[object, ...]) -> None:
    kind = action[0]
    if kind == "refer":
        _, who, day = action
        args = [
            "referral",
            "add",
            f"Advocate {who}",
            "Prospect",
            "--organic",
            "--on",
            str(START + timedelta(days=int(str(day)))),
        ]
    elif kind == "move":
        _, ref, stage, day = action
        args = [
            "referral",
            "move",
            str(ref),
            str(stage),
            "--on",
            str(START + timedelta(days=int(str(day)))),
        ]
    elif kind == "done":
        ids = open_ids(db) or [0]
        chosen = ids[int(str(action[1])) % len(ids)]
        args = ["followup", "done", str(chosen), "--on", str(START + timedelta(days=40))]
    elif kind == "ask":
        _, who, day = action
        on = str(START + timedelta(days=int(str(day))))
        args = ["ask", "add", f"Advocate {who}", "--force", "--on", on]
    elif kind == "outcome":
        _, ask, outcome, day = action
        on = str(START + timedelta(days=int(str(day))))
        extra = ["--alternative", "review"] if outcome == "alternative" else []
        args = ["ask", "outcome", str(ask), str(outcome), *extra, "--on", on]
    else:
        args = ["followup", "snooze", str(action[1]), f"+{action[2]}d"]
    result = cli("--db", db, *args)
    assert result.exit_code in (0, 1), (args, result.stderr)
    assert "Traceback" not in result.stderr


def open_ids(db: str) -> list[int]:
    with sqlite3.connect(db) as connection:
        return [
            r[0]
            for r in connection.execute(
                "SELECT id FROM follow_up WHERE done_on IS NULL ORDER BY id"
            )
        ]


def pending_contacts_by_referral(db: str) -> dict[int, tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT r.id, r.status, (SELECT count(*) FROM follow_up f WHERE f.referral_id = r.id"
            " AND f.kind = 'contact' AND f.done_on IS NULL) FROM referral r"
        ).fetchall()
    return {rid: (status, count) for rid, status, count in rows}


OUTCOME_KIND = {"pending": "check_ask", "promised": "check_promise", "alternative": "collect"}


def ask_follow_ups_keep_their_outcome(db: str) -> None:
    with sqlite3.connect(db) as connection:
        circle_backs = connection.execute(
            "SELECT advocate_id, count(*) FROM follow_up WHERE kind = 'circle_back' "
            "AND done_on IS NULL GROUP BY advocate_id HAVING count(*) > 1"
        ).fetchall()
        assert circle_backs == []
        rows = connection.execute(
            "SELECT k.id, k.outcome, f.kind FROM ask k JOIN follow_up f ON f.ask_id = k.id "
            "WHERE f.done_on IS NULL AND f.kind IN ('check_ask', 'check_promise', 'collect')"
        ).fetchall()
    for ask_id, outcome, kind in rows:
        assert OUTCOME_KIND.get(outcome) == kind, (ask_id, outcome, kind)
    assert len({ask_id for ask_id, _, _ in rows}) == len(rows)


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
            ask_follow_ups_keep_their_outcome(db)
