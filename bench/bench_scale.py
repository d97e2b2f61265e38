"""Is reftrack fast at scale? Every figure of issue #7 as a ratio measured in one run.

    python bench/bench_scale.py            # 1,000,000 rows (a quarter of an hour or more)
    python bench/bench_scale.py --quick    # 20,000 rows, about a minute
    python bench/bench_scale.py --keep DIR # keep the CSV files and databases for profiling

Builds its files and databases the way a user would: canonical CSVs (docs/formats.md, with
ids, five years of dates in the order of the ids, most follow-ups done and a handful due
or overdue today) loaded by `reftrack import advocates|asks|referrals|followups FILE`.
A big book (ROWS referrals, ROWS follow-ups, ROWS/2 asks, ROWS/50 advocates) and a small
one (1,000 referrals and follow-ups). Then it times whole processes, interleaved so
machine noise hits every case alike, and judges each figure against its target with a
baseline measured in the same run:

- `reftrack --help`, `--version`, shell completion: ≤ 15× `python -c pass`
- `reftrack due` on the big book: ≤ 1.1× the same on the small book, and
  ≤ 1.15× `python -c "import typer, rich.table, sqlmodel"` (what any command imports)
- `reftrack metrics` on the big book: ≤ 1.5× `reftrack due` on the same database
  (`metrics --period all`, which reads every row, is timed and shown without a target)
- `reftrack import advocates` of ROWS advocates (full validation): ≥ 5× the rows/s of
  `sqlite-utils insert --csv`, ≤ 4× the time of plain `csv` + `sqlite3.executemany`,
  peak memory < 100 MiB
- `reftrack export advocates` of those ROWS rows: faster than `sqlite-utils rows --csv`,
  peak memory < 100 MiB
- every reftrack command on the big book: peak memory < 150 MiB

Times are medians of several runs; peak memory is the largest max RSS any run of a case
had, read per child with wait4 (the benchmark's own process stays small, since on Linux a
child's max RSS starts at its parent's). Prints a table with PASS/MISS and writes the same
as JSON to bench/out/. Needs sqlite-utils (`pip install -e '.[bench]'`); standard library
otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from _harness import Case, environment, measure, print_table, remove_db, run, tool

TODAY = date(2026, 3, 16)
DAYS = 5 * 365  # the book's history
SMALL = 1_000
OUT = Path(__file__).resolve().parent / "out"

FIRST = ("Anna", "Jan", "Piet", "Sara", "Zoë", "Kees", "Lisa", "Tom", "Eva", "Bram", "René")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "'t Hart", "Müller", "Dekker")
SOURCES = ("referral", "inbound", "outbound", "event", "network", "other", "")
CHANNELS = ("in_person", "phone", "video", "email", "message", "event", "linkedin")
OUTCOMES = ("referred", "declined", "no_response", "alternative", "pending")
ALTERNATIVES = ("testimonial", "review", "case_study", "social_post")
OPEN_STATUSES = ("new", "contacted", "meeting", "proposal")

# A file of a few lines that does what any tool must: read the CSV, write the rows.
EXECUTEMANY = """\
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], newline="", encoding="utf-8") as handle:
    rows = csv.reader(handle)
    header = next(rows)
    db.execute(f"CREATE TABLE advocate ({', '.join(header)})")
    db.executemany(f"INSERT INTO advocate VALUES ({', '.join('?' * len(header))})", rows)
db.commit()
"""


# The canonical columns of docs/formats.md (reftrack.records may add more; these are the file's)
COLUMNS = {
    "advocates": "id name company email phone tags nps nps_on customer_since source referred_by"
    " last_milestone_on last_complaint_on archived notes",
    "asks": "id advocate_id advocate asked_on channel target outcome alternative forced notes",
    "referrals": "id advocate_id advocate ask_id prospect company email phone received_on status"
    " value closed_on lost_reason thanked_on notes",
    "followups": "id due_on kind advocate_id advocate ask_id referral_id prospect note done_on"
    " outcome",
}


# --- the files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    """How many records of each kind; every link is a function of the ids (no lists kept).
    ``rows`` referrals; the other counts follow from it unless given (bench_daily.py)."""

    rows: int
    advocate_count: int | None = None
    ask_count: int | None = None
    followup_count: int | None = None
    days: int = DAYS  # the book's history

    @property
    def advocates(self) -> int:
        return self.advocate_count or max(20, self.rows // 50)

    @property
    def asks(self) -> int:
        return self.ask_count or max(10, self.rows // 2)

    @property
    def followups(self) -> int:
        return self.followup_count or self.rows

    def ask_advocate(self, ask: int) -> int:
        return ask * 7919 % self.advocates + 1

    def referral_ask(self, referral: int) -> int | None:
        return referral * 31 % self.asks + 1 if referral % 5 < 3 else None

    def referral_advocate(self, referral: int) -> int:
        ask = self.referral_ask(referral)
        return self.ask_advocate(ask) if ask else referral * 104_729 % self.advocates + 1


def name_of(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]} {n}"


def day(chance: random.Random, n: int, count: int, days: int = DAYS) -> date:
    """The date of record ``n`` of ``count``: records are logged as life happens, so ids
    follow the calendar over the ``days`` of history, give or take a month."""
    back = days * (count - n) // count + chance.randint(-30, 30)
    return TODAY - timedelta(days=min(days, max(0, back)))


def later(start: date, chance: random.Random, most: int) -> str:
    return min(start + timedelta(days=chance.randint(0, most)), TODAY).isoformat()


def write_rows(path: Path, kind: str, rows: Any) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS[kind].split())
        writer.writerows(rows)


def advocate_rows(count: int, chance: random.Random, days: int = DAYS) -> Any:
    for n in range(1, count + 1):
        nps = chance.choice(("", "3", "6", "7", "8", "9", "9", "10", "10"))
        since = day(chance, n, count, days)
        note = "" if n % 3 else f'said "call me", maybe\nin {n % 12 + 1} weeks, after the fair'
        yield (
            n,
            name_of(n),
            f"Company {n % 5000}, Ltd",
            f"person{n}@example.com",
            f"06{n:08d}",
            "vip;logistics" if n % 7 == 0 else "",
            nps,
            later(since, chance, 400) if nps else "",
            since.isoformat(),
            chance.choice(SOURCES),
            "",  # referred_by: the referrals come later
            later(since, chance, 900) if n % 4 == 0 else "",
            later(since, chance, 900) if n % 23 == 0 else "",
            "true" if n % 40 == 0 else "false",
            note,
        )


def ask_rows(book: Book, chance: random.Random) -> Any:
    for n in range(1, book.asks + 1):
        advocate = book.ask_advocate(n)
        outcome = chance.choices(OUTCOMES, weights=(30, 25, 30, 5, 10))[0]
        yield (
            n,
            advocate,
            name_of(advocate),
            day(chance, n, book.asks, book.days).isoformat(),
            chance.choice(CHANNELS),
            "one or two peers in logistics" if n % 3 == 0 else "",
            outcome,
            chance.choice(ALTERNATIVES) if outcome == "alternative" else "",
            "false",
            "",
        )


def referral_rows(book: Book, chance: random.Random) -> Any:
    for n in range(1, book.rows + 1):
        advocate = book.referral_advocate(n)
        received = day(chance, n, book.rows, book.days)
        if (TODAY - received).days > 180:
            status = "won" if chance.random() < 0.55 else "lost"
        else:
            status = chance.choice(("won", "lost", *OPEN_STATUSES))
        closed = status in ("won", "lost")
        yield (
            n,
            advocate,
            name_of(advocate),
            book.referral_ask(n) or "",
            f"Prospect {n}",
            f"Prospect Company {n % 9000}",
            f"prospect{n}@example.org" if n % 2 else "",
            f"06{n + 50_000_000:08d}" if n % 3 else "",
            received.isoformat(),
            status,
            f"{chance.randint(1_000, 500_000)}.00" if status == "won" else "",
            later(received, chance, 120) if closed else "",
            "went with a competitor" if status == "lost" else "",
            later(received, chance, 3) if chance.random() < 0.7 else "",
            "",
        )


def followup_rows(book: Book, chance: random.Random) -> Any:
    """Most are done; one in 300 is open and due later; the last eight are due today or late."""
    count = book.followups
    for n in range(1, count + 1):
        kind = chance.choices(("contact", "thank", "check_ask", "custom"), (40, 30, 20, 10))[0]
        referral = ask = None
        if kind in ("contact", "thank"):
            referral = chance.randint(1, book.rows)
            advocate = book.referral_advocate(referral)
        elif kind == "check_ask":
            ask = chance.randint(1, book.asks)
            advocate = book.ask_advocate(ask)
        else:
            advocate = chance.randint(1, book.advocates)
        if n > count - 8:  # overdue by 0..7 days
            due, done = TODAY - timedelta(days=count - n), ""
        elif n % 300 == 0:  # open, due in the next two months
            due, done = TODAY + timedelta(days=chance.randint(1, 60)), ""
        else:
            due = day(chance, n, count, book.days)
            done = later(due - timedelta(days=2), chance, 7)
        yield (
            n,
            due.isoformat(),
            kind,
            advocate,
            name_of(advocate),
            ask or "",
            referral or "",
            f"Prospect {referral}" if referral else "",
            "call back about the pilot" if kind == "custom" else "",
            done,
            "",
        )


def write_book(folder: Path, book: Book) -> None:
    chance = random.Random(book.rows)
    folder.mkdir(parents=True, exist_ok=True)
    advocates = advocate_rows(book.advocates, chance, book.days)
    write_rows(folder / "advocates.csv", "advocates", advocates)
    write_rows(folder / "asks.csv", "asks", ask_rows(book, chance))
    write_rows(folder / "referrals.csv", "referrals", referral_rows(book, chance))
    write_rows(folder / "followups.csv", "followups", followup_rows(book, chance))


def write_advocates(path: Path, rows: int) -> None:
    write_rows(path, "advocates", advocate_rows(rows, random.Random(7)))


# --- the figures --------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float
    target: str
    ok: bool
    unit: str = "×"

    def row(self) -> str:
        shown = (
            f"{self.value:,.0f} {self.unit}"
            if self.value >= 1000
            else (
                f"{self.value:.2f}{self.unit}"
                if self.unit == "×"
                else f"{self.value:.1f} {self.unit}"
            )
        )
        return f"{self.name:<58} {shown:>14}  {self.target:<18} {'PASS' if self.ok else 'MISS'}"


def at_most(name: str, value: float, limit: float, unit: str = "×") -> Figure:
    return Figure(
        name, value, f"≤ {limit:g}{unit if unit == '×' else ' ' + unit}", value <= limit, unit
    )


def at_least(name: str, value: float, limit: float, unit: str = "×") -> Figure:
    return Figure(
        name, value, f"≥ {limit:g}{unit if unit == '×' else ' ' + unit}", value >= limit, unit
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows, about a minute")
    parser.add_argument("--rows", type=int, help="rows of the big book and the import")
    parser.add_argument("--runs", type=int, help="timed runs of each light command (15)")
    parser.add_argument("--heavy-runs", type=int, help="timed runs of import/export (3)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--write-book", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--write-advocates", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    # the files are written by a child process: this one must stay small (see the docstring)
    if options.write_book:
        write_book(Path(options.write_book[0]), Book(int(options.write_book[1])))
        return
    if options.write_advocates:
        write_advocates(Path(options.write_advocates[0]), int(options.write_advocates[1]))
        return

    rows = options.rows or (20_000 if options.quick else 1_000_000)
    runs = options.runs or 15
    heavy_runs = options.heavy_runs or 3
    reftrack, utils = tool("reftrack"), tool("sqlite-utils")
    if reftrack is None or utils is None:
        raise SystemExit("needs reftrack and sqlite-utils on PATH: pip install -e '.[bench]'")
    folder = options.keep or Path(tempfile.mkdtemp(prefix="reftrack-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder, today=TODAY.isoformat())
    try:
        figures, cases, notes = bench(folder, rows, runs, heavy_runs, reftrack, utils, env)
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report(figures, cases, notes, rows=rows, runs=runs, heavy_runs=heavy_runs, quick=options.quick)


def build(
    folder: Path, rows: int, reftrack: str, env: dict[str, str]
) -> tuple[Path, dict[str, float]]:
    """A book of ``rows`` through reftrack's own import; seconds per kind."""
    source = folder / f"book-{rows}"
    subprocess.run(
        [sys.executable, __file__, "--write-book", str(source), str(rows)], check=True, env=env
    )
    database = folder / f"book-{rows}.db"
    remove_db(database)()
    seconds = {}
    for kind in ("advocates", "asks", "referrals", "followups"):
        case = Case(
            f"import {kind}",
            [reftrack, "--db", str(database), "import", kind, str(source / f"{kind}.csv")],
        )
        run(case, env)
        seconds[kind] = case.seconds[0]
    return database, seconds


def bench(
    folder: Path,
    rows: int,
    runs: int,
    heavy_runs: int,
    reftrack: str,
    utils: str,
    env: dict[str, str],
) -> tuple[list[Figure], list[Case], list[str]]:
    notes = []
    started = time.perf_counter()
    big, big_build = build(folder, rows, reftrack, env)
    small, _ = build(folder, SMALL, reftrack, env)
    book = Book(rows)
    built = book.advocates + book.asks + 2 * book.rows
    notes.append(
        f"big book: {book.advocates:,} advocates, {book.asks:,} asks, {rows:,} referrals, "
        f"{rows:,} follow-ups ({big.stat().st_size / 2**20:.0f} MiB), imported in "
        + ", ".join(f"{kind} {s:.1f}s" for kind, s in big_build.items())
        + f" ({built / sum(big_build.values()):,.0f} rows/s)"
    )

    # -- light commands, all interleaved: start-up, due, metrics, and their floors
    python = sys.executable
    complete = {
        "_REFTRACK_COMPLETE": "complete_bash",
        "COMP_WORDS": "reftrack adv",
        "COMP_CWORD": "1",
    }
    light = [
        Case("python -c pass", [python, "-c", "pass"]),
        Case("reftrack --help", [reftrack, "--help"]),
        Case("reftrack --version", [reftrack, "--version"]),
        Case("reftrack completion (adv<TAB>)", [reftrack], env=complete),
        Case(
            "python -c 'import typer, rich.table, sqlmodel'",
            [python, "-c", "import typer, rich.table, sqlmodel"],
        ),
        Case(f"reftrack due ({SMALL:,} follow-ups)", [reftrack, "--db", str(small), "due"]),
        Case(f"reftrack due ({rows:,} follow-ups)", [reftrack, "--db", str(big), "due"]),
        Case(f"reftrack metrics ({rows:,} referrals)", [reftrack, "--db", str(big), "metrics"]),
        Case(
            f"reftrack metrics --period all ({rows:,})",
            [reftrack, "--db", str(big), "metrics", "--period", "all"],
        ),
    ]
    measure(light, env, runs)
    by = {case.name: case for case in light}
    bare, floor = by["python -c pass"].median, light[4].median
    due_small, due_big, metrics, metrics_all = (c.median for c in light[5:9])
    notes.append(
        f"metrics --period all ({rows:,}) ÷ due: {metrics_all / due_big:.2f}× "
        "(every row of the book: shown, no target)"
    )
    figures = [
        at_most(f"{case.name} ÷ python -c pass", case.median / bare, 15) for case in light[1:4]
    ]
    figures += [
        at_most(f"due ({rows:,}) ÷ due ({SMALL:,})", due_big / due_small, 1.1),
        at_most(f"due ({rows:,}) ÷ import typer, rich.table, sqlmodel", due_big / floor, 1.15),
        at_most(f"metrics ({rows:,}) ÷ due (same db)", metrics / due_big, 1.5),
    ]

    # -- import: ROWS advocates into a fresh database each run
    source = folder / f"advocates-{rows}.csv"
    subprocess.run(
        [python, __file__, "--write-advocates", str(source), str(rows)], check=True, env=env
    )
    notes.append(f"import file: {rows:,} advocates, {source.stat().st_size / 2**20:.0f} MiB CSV")
    mine, theirs, plain = folder / "import.db", folder / "utils.db", folder / "plain.db"
    imports = [
        Case(
            "reftrack import advocates",
            [reftrack, "--db", str(mine), "import", "advocates", str(source)],
            before=remove_db(mine),
        ),
        Case(
            "sqlite-utils insert --csv",
            [utils, "insert", str(theirs), "advocate", str(source), "--csv"],
            before=remove_db(theirs),
        ),
        Case(
            "csv + sqlite3.executemany",
            [python, "-c", EXECUTEMANY, str(plain), str(source)],
            before=remove_db(plain),
        ),
    ]
    measure(imports, env, heavy_runs, warm=False)
    ours, sqlite_utils, executemany = (c.median for c in imports)
    figures += [
        at_least("import: rows/s ÷ sqlite-utils insert --csv rows/s", sqlite_utils / ours, 5),
        at_most("import: time ÷ csv + sqlite3.executemany", ours / executemany, 4),
        at_most("import: peak memory", imports[0].peak_mib, 100, "MiB"),
    ]
    notes.append("import rows/s: " + ", ".join(f"{c.name} {rows / c.median:,.0f}" for c in imports))

    # -- export: those rows, from the database reftrack made
    exports = [
        Case(
            "reftrack export advocates",
            [
                reftrack,
                "--db",
                str(mine),
                "export",
                "advocates",
                str(folder / "export-reftrack.csv"),
            ],
        ),
        Case(
            "sqlite-utils rows --csv",
            [utils, "rows", str(mine), "advocate", "--csv"],
            stdout=folder / "export-utils.csv",
        ),
    ]
    measure(exports, env, heavy_runs)
    figures += [
        at_most("export: time ÷ sqlite-utils rows --csv", exports[0].median / exports[1].median, 1),
        at_most("export: peak memory", exports[0].peak_mib, 100, "MiB"),
    ]
    notes.append("export rows/s: " + ", ".join(f"{c.name} {rows / c.median:,.0f}" for c in exports))

    # -- memory of every reftrack command at ROWS
    at_scale = [*light[6:9], imports[0], exports[0]]
    figures += [at_most(f"peak memory: {c.name}", c.peak_mib, 150, "MiB") for c in at_scale]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    notes.append(f"this benchmark's own max RSS (a floor under every child's): {own:.0f} MiB")
    notes.append(f"total {time.perf_counter() - started:.0f}s")
    return figures, [*light, *imports, *exports], notes


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    info = Path("/proc/cpuinfo")
    if info.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in info.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return (
        f"{platform.system()} {platform.machine()}, {cpus} CPUs {model}".rstrip()
        + f", Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def print_figures(figures: list[Figure], notes: list[str]) -> None:
    """Each figure with its target and PASS or MISS, how many hold, then the notes."""
    print(f"\n{'figure':<58} {'measured':>14}  {'target':<18} result")
    for figure in figures:
        print(figure.row())
    missed = sum(not f.ok for f in figures)
    print(f"\n{len(figures) - missed} of {len(figures)} figures hold")
    for note in notes:
        print(f"- {note}")


def report(
    figures: list[Figure],
    cases: list[Case],
    notes: list[str],
    *,
    rows: int,
    runs: int,
    heavy_runs: int,
    quick: bool,
) -> None:
    stamp = datetime.now().astimezone()
    mode = "quick" if quick else "full"
    print(f"\nreftrack bench_scale ({mode}, {rows:,} rows), {stamp:%Y-%m-%d %H:%M %Z}")
    print(machine())
    print(f"medians of {runs} runs (import/export: {heavy_runs}), after one warm-up run")
    print()
    print_table(cases, width=48, columns=[("peak RSS", 9, lambda case: f"{case.peak_mib:6.0f}MiB")])
    print_figures(figures, notes)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_scale-{mode}-{rows}.json"
    path.write_text(
        json.dumps(
            {
                "date": stamp.isoformat(timespec="seconds"),
                "machine": machine(),
                "mode": mode,
                "rows": rows,
                "runs": runs,
                "heavy_runs": heavy_runs,
                "cases": [
                    {
                        "name": c.name,
                        "median_s": round(c.median, 4),
                        "min_s": round(min(c.seconds), 4),
                        "seconds": [round(s, 4) for s in c.seconds],
                        "peak_mib": round(c.peak_mib, 1),
                    }
                    for c in cases
                ],
                "figures": [asdict(f) for f in figures],
                "notes": notes,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
