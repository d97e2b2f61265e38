"""What the change journal costs, and how fast `undo` and `search` are, at the sizes
users have (whole processes; the journal's cost as the ratio to the same command with
the journal switched off, in the same interleaved runs).

    python bench/bench_journal.py [--rows 100000] [--runs 3] [--keep FOLDER]

- import of ROWS new advocates into a fresh database, journaled vs not
- re-import of the same ROWS with every row changed (each row's before/after is
  journaled as JSON: the journal's worst case), journaled vs not
- one single-record write (`followup add`) on that book, journaled vs not
- `undo` of the import of ROWS new advocates
- `search` of a name on ROWS advocates, against `advocate show 1` (the same start-up and
  database open, one record by id: the difference is what searching costs)

"Not journaled" runs the same CLI in a Python whose ``reftrack.journal.record.start`` is a
no-op (nothing else differs); users have no such switch.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import Case, environment, measure, remove_db, tool
from bench_transfer import write_csv

UNJOURNALED = (
    "import sys; import reftrack.journal.record as r; r.start = lambda session, **_: None; "
    "from reftrack.cli.main import run; sys.argv = ['reftrack', *sys.argv[1:]]; run()"
)


def both(name: str, args: list[str], **extra: object) -> list[Case]:
    reftrack = tool("reftrack") or "reftrack"
    return [
        Case(f"{name} (journal)", [reftrack, *args], **extra),  # type: ignore[arg-type]
        Case(f"{name} (no journal)", [sys.executable, "-c", UNJOURNALED, *args], **extra),  # type: ignore[arg-type]
    ]


def changed_copy(source: Path, target: Path) -> None:
    """The same people, each with other notes: every row an update."""
    with (
        source.open(encoding="utf-8", newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
        writer.writeheader()
        for row in reader:
            writer.writerow({**row, "notes": f"called again ({row['name']})"})


def restore(original: Path, copy: Path) -> object:
    def put_back() -> None:
        remove_db(copy)()
        shutil.copyfile(original, copy)

    return put_back


def report(title: str, cases: list[Case]) -> None:
    print(f"\n{title}")
    for case in cases:
        runs = ", ".join(f"{s * 1000:.0f}" for s in case.seconds)
        print(f"  {case.name:<34} median {case.median * 1000:8.0f} ms   runs: {runs}")
    if len(cases) == 2:
        print(f"  ratio first / second: {cases[0].median / cases[1].median:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reftrack-bench-"))
    env = environment(folder, today="2026-03-16")
    try:
        source, changed = folder / "advocates.csv", folder / "changed.csv"
        write_csv(source, args.rows)
        changed_copy(source, changed)
        fresh = folder / "fresh.db"
        imports = both(
            "import new",
            ["--db", str(fresh), "import", "advocates", str(source)],
            before=remove_db(fresh),
        )
        measure(imports, env, args.runs, warm=False)
        report(f"import of {args.rows} new advocates (fresh database each run)", imports)

        book = folder / "book.db"  # the book imported with its journal entry, kept as it is
        argv = [tool("reftrack") or "reftrack", "--db", str(book), "import", "advocates"]
        subprocess.run([*argv, str(source)], env=env, check=True, capture_output=True)
        work = folder / "work.db"
        updates = both(
            "import changes",
            ["--db", str(work), "import", "advocates", str(changed)],
            before=restore(book, work),
        )
        measure(updates, env, args.runs, warm=False)
        report(f"re-import of {args.rows} advocates, every row changed", updates)

        shutil.copyfile(book, work)
        single = both(
            "followup add",
            ["--db", str(work), "followup", "add", "--advocate", "1", "--due", "+1w", "call"],
        )
        measure(single, env, args.runs * 3)
        report(f"one write on a book of {args.rows} advocates", single)

        undo = [
            Case(
                "undo of the import",
                [tool("reftrack") or "reftrack", "--db", str(work), "undo", "--yes"],
                before=restore(book, work),
            )
        ]
        measure(undo, env, args.runs, warm=False)
        report(f"undo of the import of {args.rows} advocates", undo)

        shutil.copyfile(book, work)
        search = [
            Case(
                "reftrack search",
                [tool("reftrack") or "reftrack", "--db", str(work), "search", "müller 12"],
            )
        ]
        # the same start-up and database open, one record by id: the difference is the search
        search.append(
            Case("reftrack advocate show 1", [*search[0].argv[:3], "advocate", "show", "1"])
        )
        measure(search, env, args.runs * 3)
        report(f"search on {args.rows} advocates (against a lookup by id)", search)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
