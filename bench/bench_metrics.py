"""How fast `reftrack metrics` is on a big book, as whole processes, against `due` and imports.

    python bench/bench_metrics.py [--rows 1000000] [--runs 5] [--keep FILE] [--explain]

Builds a database with ROWS referrals (and ROWS/50 advocates, ROWS/2 asks, ROWS/5
follow-ups, ten years of dates) through the real schema: `reftrack advocate list` makes
it once (migrations), then plain sqlite3 ``executemany`` fills it. Then times, interleaved
so machine noise hits every command alike:

- `reftrack metrics --period all --format json` (every referral in the period)
- `reftrack metrics --format json` (the default: the last 90 days)
- `reftrack due`, `reftrack next --limit 3`, `reftrack today`
- `python -c "import typer, rich.table, sqlmodel"` (the floor: what any command imports)

and prints each median, with its ratio to `due` and to the import floor. ``--explain``
prints SQLite's query plan of each metrics query (does it use the date indexes?).
Standard library only; nothing outside a temporary folder (or --keep) is touched.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from _harness import Case, environment, measure, print_table, python_line, reftrack_command, run

TODAY = date(2026, 3, 16)
YEARS = 10
STAMP = "2026-03-16 09:00:00.000000"
CHANNELS = ("in_person", "phone", "video", "email", "message", "event", "linkedin")


def day(rng: random.Random, back: int = YEARS * 365) -> date:
    return TODAY - timedelta(days=rng.randrange(back))


def advocates(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        nps = rng.choice([None, 3, 6, 7, 8, 9, 9, 10, 10])
        yield (
            n,
            f"Advocate {n}",
            f"Company {n % 997}",
            nps,
            day(rng).isoformat(),
            rng.choice(["referral", "inbound", "outbound", "network"]),
            int(n % 40 == 0),
            STAMP,
            STAMP,
        )


def asks(count: int, people: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        yield (
            n,
            rng.randint(1, people),
            day(rng).isoformat(),
            rng.choice(CHANNELS),
            rng.choice(["referred", "declined", "no_response", "pending"]),
            STAMP,
            STAMP,
        )


def referrals(
    count: int, people: int, n_asks: int, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        received = day(rng)
        status = rng.choices(["won", "lost", "new", "meeting"], weights=[4, 3, 2, 1])[0]
        closed = (
            received + timedelta(days=rng.randint(1, 120)) if status in ("won", "lost") else None
        )
        value = rng.randint(10_000, 5_000_000) if status == "won" else None
        ask = rng.randint(1, n_asks) if rng.random() < 0.6 else None
        thanked = (received + timedelta(days=1)).isoformat() if rng.random() < 0.7 else None
        yield (
            n,
            rng.randint(1, people),
            ask,
            f"Prospect {n}",
            received.isoformat(),
            status,
            value,
            closed.isoformat() if closed else None,
            thanked,
            STAMP,
            STAMP,
        )


def follow_ups(count: int, people: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for n in range(1, count + 1):
        due = day(rng)
        done = due + timedelta(days=rng.randint(-2, 5)) if rng.random() < 0.97 else None
        yield (
            n,
            due.isoformat(),
            "custom",
            rng.randint(1, people),
            "call back",
            done.isoformat() if done else None,
            STAMP,
            STAMP,
        )


def fill(path: Path, rows: int) -> dict[str, int]:
    rng = random.Random(20260316)
    sizes = {
        "advocate": max(100, rows // 50),
        "ask": max(100, rows // 2),
        "referral": rows,
        "follow_up": max(100, rows // 5),
    }
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.executemany(
            "INSERT INTO advocate (id, name, company, nps, customer_since, source, archived,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            advocates(sizes["advocate"], rng),
        )
        db.executemany(
            "INSERT INTO ask (id, advocate_id, asked_on, channel, outcome, forced, created_at,"
            " updated_at) VALUES (?,?,?,?,?,0,?,?)",
            asks(sizes["ask"], sizes["advocate"], rng),
        )
        db.executemany(
            "INSERT INTO referral (id, advocate_id, ask_id, prospect, received_on, status,"
            " value_cents, closed_on, thanked_on, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            referrals(rows, sizes["advocate"], sizes["ask"], rng),
        )
        db.executemany(
            "INSERT INTO follow_up (id, due_on, kind, advocate_id, note, done_on, created_at,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?)",
            follow_ups(sizes["follow_up"], sizes["advocate"], rng),
        )
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sizes


def explain(path: Path, env: dict[str, str]) -> None:
    """Print the plan of every statement `metrics --period all` runs."""
    code = (
        "import sqlalchemy, sys\n"
        "from reftrack.db import open_database, resolve_url\n"
        "from reftrack.services import metrics\n"
        "from datetime import date\n"
        "db = open_database(resolve_url(sys.argv[1]))\n"
        "plans = []\n"
        "@sqlalchemy.event.listens_for(db.engine, 'before_cursor_execute')\n"
        "def grab(conn, cursor, statement, parameters, context, many):\n"
        "    if statement.lstrip().upper().startswith('SELECT'):\n"
        "        rows = cursor.connection.execute('EXPLAIN QUERY PLAN ' + statement, parameters)\n"
        "        plans.append((' '.join(statement.split())[:110], [r[-1] for r in rows]))\n"
        "with db.session() as s:\n"
        "    since, until = metrics.resolve_period(s, today=date(2026, 3, 16), period='all')\n"
        "    metrics.compute(s, since=since, until=until)\n"
        "for statement, plan in plans:\n"
        "    print(statement); [print('   ', step) for step in plan]\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="referrals (1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (5)")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    options = parser.parse_args()

    reftrack = reftrack_command()
    with tempfile.TemporaryDirectory(prefix="reftrack-bench-") as folder:
        path = options.keep or Path(folder) / "bench.db"
        if path.exists():
            raise SystemExit(f"{path} exists; give a new file to --keep")
        env = environment(Path(folder), today=TODAY.isoformat())
        db = ["--db", str(path)]
        started = time.perf_counter()
        run(Case("reftrack advocate list (the schema)", [*reftrack, *db, "advocate", "list"]), env)
        sizes = fill(path, options.rows)
        built = time.perf_counter() - started
        print(
            f"built {path.stat().st_size / 2**20:.0f} MB in {built:.1f}s: "
            + ", ".join(f"{n:,} {table}" for table, n in sizes.items())
        )
        if options.explain:
            explain(path, env)
        cases = [
            Case(
                "python -c 'import typer, rich.table, sqlmodel'",
                [sys.executable, "-c", "import typer, rich.table, sqlmodel"],
            ),
            Case("reftrack due", [*reftrack, *db, "due"]),
            Case(
                "reftrack metrics --period all --format json",
                [*reftrack, *db, "metrics", "--period", "all", "--format", "json"],
            ),
            Case(
                "reftrack metrics --format json (90 days)",
                [*reftrack, *db, "metrics", "--format", "json"],
            ),
            Case("reftrack next --limit 3", [*reftrack, *db, "next", "--limit", "3"]),
            Case("reftrack today", [*reftrack, *db, "today"]),
        ]
        measure(cases, env, options.runs)

    floor, due = cases[0].median, cases[1].median
    print(python_line(options.runs))
    print_table(
        cases,
        width=48,
        columns=[
            ("×due", 6, lambda case: f"{case.median / due:6.2f}"),
            ("×imports", 9, lambda case: f"{case.median / floor:9.2f}"),
        ],
    )


if __name__ == "__main__":
    main()
