"""How fast `reftrack import` and `reftrack export` are, as whole processes, against
sqlite-utils and the sqlite3 shell on the same CSV file.

    python bench/bench_transfer.py [--rows 100000] [--runs 3] [--keep FOLDER]

Builds a CSV of ROWS advocates (name, company, email, phone with leading zeros, tags,
nps, customer_since, source, notes with commas, quotes and newlines), then times:

- import into a fresh database each run:
  `reftrack import advocates FILE` · `sqlite-utils insert DB advocates FILE --csv` ·
  the sqlite3 shell's `.import --csv` (the floor: C, no checks, no types)
- export of those rows to a file:
  `reftrack export advocates OUT` · `sqlite-utils rows DB advocates --csv` ·
  `sqlite3 -csv -header DB "select * from advocates"` (the floor)

Runs are interleaved so machine noise hits every tool alike; it prints each median and
its ratio to sqlite-utils and to the sqlite3 floor, and the peak memory (max RSS) of one
`reftrack export`. Needs sqlite-utils (`pip install reftrack[bench]`) and the sqlite3
shell; a missing tool is skipped.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from _harness import Case, environment, measure, peak_memory_mib, remove_db, tool

FIRST = ("Anna", "Jan", "Piet", "Sara", "Zoë", "Kees", "Lisa", "Tom", "Eva", "Bram", "René")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "'t Hart", "Müller", "Dekker")
SOURCES = ("referral", "inbound", "outbound", "event", "network", "other", "")


def write_csv(path: Path, rows: int) -> None:
    chance = random.Random(7)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "name",
                "company",
                "email",
                "phone",
                "tags",
                "nps",
                "customer_since",
                "source",
                "notes",
            ]
        )
        for number in range(rows):
            name = f"{chance.choice(FIRST)} {chance.choice(LAST)} {number}"
            note = "" if number % 3 else f'said "call me", maybe\nin {number % 12 + 1} weeks'
            writer.writerow(
                [
                    name,
                    f"Company {number % 5000}, Ltd",
                    f"person{number}@example.com",
                    f"06{number:08d}",
                    "vip;logistics" if number % 7 == 0 else "",
                    chance.randint(0, 10) if number % 4 else "",
                    (start + timedelta(days=number % 4000)).isoformat(),
                    chance.choice(SOURCES),
                    note,
                ]
            )


def cases(folder: Path, source: Path) -> tuple[list[Case], list[Case]]:
    reftrack, utils, shell = tool("reftrack"), tool("sqlite-utils"), tool("sqlite3")
    mine, theirs, floor = folder / "reftrack.db", folder / "utils.db", folder / "shell.db"
    imports, exports = [], []
    if reftrack:
        imports.append(
            Case(
                "reftrack import",
                [reftrack, "--db", str(mine), "import", "advocates", str(source)],
                before=remove_db(mine),
            )
        )
        exports.append(
            Case(
                "reftrack export",
                [reftrack, "--db", str(mine), "export", "advocates", str(folder / "out1.csv")],
            )
        )
    if utils:
        imports.append(
            Case(
                "sqlite-utils insert",
                [utils, "insert", str(theirs), "advocates", str(source), "--csv"],
                before=remove_db(theirs),
            )
        )
        exports.append(
            Case(
                "sqlite-utils rows",
                [utils, "rows", str(theirs), "advocates", "--csv"],
                stdout=folder / "out2.csv",
            )
        )
    if shell:
        imports.append(
            Case(
                "sqlite3 .import",
                [shell, str(floor), f".import --csv {source} advocates"],
                before=remove_db(floor),
            )
        )
        exports.append(
            Case(
                "sqlite3 select",
                [shell, "-csv", "-header", str(floor), "select * from advocates"],
                stdout=folder / "out3.csv",
            )
        )
    return imports, exports


def report(title: str, measured: list[Case]) -> None:
    by_name = {case.name: case.median for case in measured}
    utils = next((v for k, v in by_name.items() if k.startswith("sqlite-utils")), None)
    floor = next((v for k, v in by_name.items() if k.startswith("sqlite3")), None)
    print(f"\n{title}")
    for case in measured:
        ratios = []
        if utils:
            ratios.append(f"{case.median / utils:5.2f}x sqlite-utils")
        if floor:
            ratios.append(f"{case.median / floor:5.2f}x sqlite3 shell")
        runs = ", ".join(f"{s:.2f}" for s in case.seconds)
        print(f"  {case.name:<20} median {case.median:6.2f}s  ({'; '.join(ratios)})  runs: {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reftrack-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder)
    try:
        source = folder / "advocates.csv"
        write_csv(source, args.rows)
        size = source.stat().st_size / 2**20
        print(f"{args.rows} advocates, {size:.1f} MiB CSV, {args.runs} runs each")
        imports, exports = cases(folder, source)
        measure(imports, env, args.runs, warm=False)
        measure(exports, env, args.runs, warm=False)
        report("import (fresh database each run)", imports)
        report("export", exports)
        mine = next((c for c in exports if c.name == "reftrack export"), None)
        if mine:
            print(f"\npeak memory of reftrack export: {peak_memory_mib(mine.argv, env):.0f} MiB")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
