"""Are the daily commands instant? Every figure of issue #19 as a ratio measured in one run.

    python bench/bench_daily.py                 # the book below, plus the 1k/100k `next` books
    python bench/bench_daily.py --quick         # fewer runs, no 100k book
    python bench/bench_daily.py --pg URL        # also the reads on a PostgreSQL database
    python bench/bench_daily.py --keep DIR      # keep the files and databases (for profiling)

Builds a realistic book through `reftrack import` (3,000 advocates, 5,000 asks, 3,000
referrals, 15,000 follow-ups over ten years; the files of bench_scale.py) and a Taskwarrior
list of the same size (15,000 tasks, done where the follow-up is done, due where it is
due; Taskwarrior is installed from the Debian package when `task` is missing, and the
run says so when it cannot be). Then it times whole processes, interleaved, and judges:

- `due`, `today`, `next`, `advocate show`, `advocate list`, `referral list`, `search` and
  name completion: each ≤ 2× `task next` and ≤ 16× `python -c pass`
- `ask add`, `referral add`, `referral move`, `followup done`: ≤ 30× `python -c pass`
  (each run on a fresh copy of the book, so every run does the same write); shown beside
  them, not judged: `python -c "import sqlmodel"` and `import reftrack.models` with the
  garbage collector off (as reftrack starts), the floor of any write that loads the models
- `next` and `today` on a book of 100,000 advocates: ≤ 1.2× the same on 1,000
- with --pg: each read on PostgreSQL ≤ 1.3× the same read on SQLite (the same book,
  imported into the database when it is empty, reused when it already holds it)

`--help`, `--version` and completion are timed and shown against `python -c pass`.
Standard library and reftrack only; nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

from _harness import Case, environment, measure, print_table, run, tool
from bench_scale import TODAY, Book, Figure, at_most, machine, print_figures, write_book

DAILY = Book(3_000, advocate_count=3_000, ask_count=5_000, followup_count=15_000, days=3650)
KINDS = ("advocates", "asks", "referrals", "followups")


def scaled(advocates: int) -> Book:
    """A book of ``advocates`` in the daily book's proportions."""
    return Book(
        advocates,
        advocate_count=advocates,
        ask_count=advocates * 5 // 3,
        followup_count=advocates * 5,
        days=3650,
    )


def build(folder: Path, name: str, book: Book, reftrack: str, env: dict[str, str], db: str) -> str:
    """The book's CSVs, imported by reftrack into ``db`` (a file path or a URL)."""
    source = folder / name
    write_book(source, book)
    for kind in KINDS:
        run(
            Case(
                f"import {kind}",
                [reftrack, "--db", db, "import", kind, str(source / f"{kind}.csv")],
            ),
            env,
        )
    return db


def counts_on(url: str) -> dict[str, int] | None:
    """The rows of each kind in a PostgreSQL database; None when it has no reftrack schema."""
    import psycopg

    from reftrack.db_server import connect_args

    args = connect_args(url)
    if args is None:
        raise SystemExit(f"--pg {url}: not a PostgreSQL URL reftrack reads through psycopg")
    tables = {"advocates": "advocate", "asks": "ask", "referrals": "referral"}
    tables["followups"] = "follow_up"
    with psycopg.connect(autocommit=True, **args) as connection:
        if connection.execute("SELECT to_regclass('alembic_version')").fetchone() == (None,):
            return None
        return {
            kind: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for kind, table in tables.items()
        }


def build_on_server(folder: Path, db: Path, reftrack: str, env: dict[str, str], url: str) -> str:
    """The daily book on PostgreSQL: imported when the database is empty, kept when it
    holds the same book as ``db`` (a run with --keep before), else refused: a bench must
    not add its rows to someone's data."""
    with closing(sqlite3.connect(db)) as connection:
        want = {
            kind: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for kind, table in zip(KINDS, ("advocate", "ask", "referral", "follow_up"), strict=True)
        }
    have = counts_on(url)
    if have == want:
        return url
    if have is not None and any(have.values()):
        raise SystemExit(f"--pg {url} holds other records {have}; give an empty database")
    return build(folder, "book", DAILY, reftrack, env, url)


# --- Taskwarrior ---------------------------------------------------------------------------


def find_taskwarrior(notes: list[str]) -> str | None:
    """`task`, installed from the Debian package when it is missing and that is possible."""
    found = shutil.which("task")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        notes.append("Taskwarrior is not installed and there is no apt-get: no `task next` figures")
        return None
    command = [apt, "install", "-y", "-q", "taskwarrior"]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    print(f"installing Taskwarrior: {' '.join(command)}", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = shutil.which("task")
    if found is None:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        notes.append(f"could not install Taskwarrior ({last[0]}): no `task next` figures")
        return None
    notes.append("Taskwarrior was installed for this run from the Debian package")
    return found


def _stamp(day: str) -> str:
    return str(int(datetime.fromisoformat(day).timestamp()))


def _task_line(**fields: str) -> str:
    parts = " ".join(f'{key}:"{value}"' for key, value in sorted(fields.items()))
    return f"[{parts}]\n"


def task_list(folder: Path, source: Path) -> dict[str, str]:
    """The follow-ups of the book as Taskwarrior tasks, written in its own data format
    (pending.data / completed.data); the environment that points `task` at them."""
    data = folder / "taskdata"
    data.mkdir(parents=True, exist_ok=True)
    pending, completed = [], []
    with (source / "followups.csv").open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=1):
            fields = {
                "description": f"{row['kind']} {row['advocate']} {row['prospect']}".strip(),
                "due": _stamp(row["due_on"]),
                "entry": _stamp(row["due_on"]) if not row["done_on"] else _stamp(row["done_on"]),
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
            }
            if row["done_on"]:
                fields.update(status="completed", end=_stamp(row["done_on"]))
                completed.append(_task_line(**fields))
            else:
                fields.update(status="pending")
                pending.append(_task_line(**fields))
    (data / "pending.data").write_text("".join(pending), encoding="utf-8")
    (data / "completed.data").write_text("".join(completed), encoding="utf-8")
    rc = folder / "taskrc"
    rc.write_text(
        f"data.location={data}\nconfirmation=off\nnews.version=2.6.0\ngc=off\n", encoding="utf-8"
    )
    return {"TASKRC": str(rc), "TASKDATA": str(data)}


# --- the cases -----------------------------------------------------------------------------


def sample(db: Path) -> dict[str, str]:
    """Records for the commands to name: an advocate, an open referral, an open follow-up."""
    with closing(sqlite3.connect(db)) as connection:
        (advocate,) = connection.execute(
            "SELECT a.name FROM advocate a JOIN referral r ON r.advocate_id = a.id "
            "WHERE NOT a.archived GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1"
        ).fetchone()
        (referral,) = connection.execute(
            "SELECT id FROM referral WHERE status = 'new' ORDER BY id LIMIT 1"
        ).fetchone()
        (follow_up,) = connection.execute(
            "SELECT id FROM follow_up WHERE done_on IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
    return {"advocate": advocate, "referral": str(referral), "followup": str(follow_up)}


def completion(line: str) -> dict[str, str]:
    words = line.split()
    cword = len(words) - (0 if line.endswith(" ") else 1)
    return {"_REFTRACK_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword)}


def reads(reftrack: str, db: str, picks: dict[str, str], tag: str) -> list[Case]:
    def case(name: str, *args: str) -> Case:
        return Case(f"{name} ({tag})", [reftrack, "--db", db, *args])

    return [
        case("due", "due"),
        case("today", "today"),
        case("next", "next"),
        case("advocate show", "advocate", "show", picks["advocate"]),
        case("advocate list", "advocate", "list"),
        case("referral list", "referral", "list"),
        case("search", "search", picks["advocate"].split()[-2]),
    ]


def restore(pristine: Path, work: Path) -> Callable[[], None]:
    """A ``before`` that puts the pristine book back, so every run makes the same write."""

    def put_back() -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(pristine, work)

    return put_back


def writes(reftrack: str, pristine: Path, work: Path, picks: dict[str, str]) -> list[Case]:
    before = restore(pristine, work)

    def case(name: str, *args: str) -> Case:
        return Case(name, [reftrack, "--db", str(work), *args], before=before)

    return [
        case("ask add", "ask", "add", picks["advocate"], "--channel", "phone", "--force"),
        case(
            "referral add", "referral", "add", picks["advocate"], "Nieuw Prospect", "--phone", "1"
        ),
        case("referral move", "referral", "move", picks["referral"], "contacted"),
        case("followup done", "followup", "done", picks["followup"]),
    ]


# --- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="timed runs of each command (11; --quick 5)")
    parser.add_argument("--quick", action="store_true", help="5 runs, no 100k-advocate book")
    parser.add_argument("--pg", help="an empty PostgreSQL database (URL) for the same reads")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()
    runs = options.runs or (5 if options.quick else 11)
    reftrack = tool("reftrack")
    if reftrack is None:
        raise SystemExit("needs reftrack on PATH: pip install -e .")
    folder = options.keep or Path(tempfile.mkdtemp(prefix="reftrack-daily-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder, today=TODAY.isoformat())
    try:
        figures, cases, notes = bench(folder, runs, reftrack, env, options)
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report(figures, cases, notes, runs)


def bench(
    folder: Path, runs: int, reftrack: str, env: dict[str, str], options: argparse.Namespace
) -> tuple[list[Figure], list[Case], list[str]]:
    notes: list[str] = []
    started = time.perf_counter()
    db = folder / "book.db"
    build(folder, "book", DAILY, reftrack, env, str(db))
    picks = sample(db)
    notes.append(
        f"book: {DAILY.advocates:,} advocates, {DAILY.asks:,} asks, {DAILY.rows:,} referrals, "
        f"{DAILY.followups:,} follow-ups over ten years ({db.stat().st_size / 2**20:.1f} MiB)"
    )
    task = find_taskwarrior(notes)
    python = sys.executable
    cases = [Case("python -c pass", [python, "-c", "pass"])]
    if task is not None:
        cases.append(
            Case("task next (15,000 tasks)", [task, "next"], env=task_list(folder, folder / "book"))
        )
    light = [
        Case("reftrack --help", [reftrack, "--help"]),
        Case("reftrack --version", [reftrack, "--version"]),
        Case("reftrack completion (adv<TAB>)", [reftrack], env=completion("reftrack adv")),
    ]
    name_completion = Case(
        "name completion (sqlite)",
        [reftrack],
        env={
            **completion(f"reftrack advocate show {picks['advocate'][:3]}"),
            "REFTRACK_DB": str(db),
        },
    )
    sqlite_reads = [*reads(reftrack, str(db), picks, "sqlite"), name_completion]
    work = folder / "work.db"
    write_cases = writes(reftrack, db, work, picks)
    # what no write through the ORM can go below: its imports alone (shown, not judged);
    # the second as reftrack starts, without the cyclic GC (cli/common.start_up)
    floors = [
        Case("python -c 'import sqlmodel'", [python, "-c", "import sqlmodel"]),
        Case(
            "python -c 'import reftrack.models' (no GC)",
            [python, "-c", "import gc; gc.disable(); import reftrack.models"],
        ),
    ]
    server_reads: list[Case] = []
    if options.pg:
        build_on_server(folder, db, reftrack, env, options.pg)
        server_reads = reads(reftrack, options.pg, picks, "postgresql")
    scale: list[Case] = []
    if not options.quick:
        for advocates in (1_000, 100_000):
            path = str(folder / f"scale-{advocates}.db")
            build(folder, f"scale-{advocates}", scaled(advocates), reftrack, env, path)
            tag = f"{advocates:,} advocates"
            scale += [
                Case(f"next ({tag})", [reftrack, "--db", path, "next"]),
                Case(f"today ({tag})", [reftrack, "--db", path, "today"]),
            ]
    cases += [*light, *sqlite_reads, *write_cases, *floors, *server_reads, *scale]
    measure(cases, env, runs)

    by = {case.name: case.median for case in cases}
    bare = by["python -c pass"]
    figures = [at_most(f"{c.name} ÷ python -c pass", c.median / bare, 15) for c in light]
    for read in sqlite_reads:
        if task is not None:
            figures.append(at_most(f"{read.name} ÷ task next", read.median / by[cases[1].name], 2))
        figures.append(at_most(f"{read.name} ÷ python -c pass", read.median / bare, 16))
    figures += [at_most(f"{c.name} ÷ python -c pass", c.median / bare, 30) for c in write_cases]
    for server in server_reads:
        local = server.name.replace("(postgresql)", "(sqlite)")
        figures.append(at_most(f"{server.name} ÷ {local}", server.median / by[local], 1.3))
    for command in ("next", "today") if scale else ():
        big, small = by[f"{command} (100,000 advocates)"], by[f"{command} (1,000 advocates)"]
        figures.append(at_most(f"{command} (100,000 advocates) ÷ (1,000)", big / small, 1.2))
    notes.append(
        f"named: advocate {picks['advocate']!r}, referral #{picks['referral']}, "
        f"follow-up #{picks['followup']}"
    )
    notes.append(f"total {time.perf_counter() - started:.0f}s")
    return figures, cases, notes


def report(figures: list[Figure], cases: list[Case], notes: list[str], runs: int) -> None:
    print(f"\nreftrack bench_daily, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(machine())
    print(f"medians of {runs} runs, interleaved, after one warm-up run\n")
    bare = cases[0].median
    print_table(cases, width=44, columns=[("×pass", 7, lambda c: f"{c.median / bare:6.1f}×")])
    print_figures(figures, notes)


if __name__ == "__main__":
    main()
