"""How long reftrack takes to start, as whole processes, against Python's own floor.

    python bench/bench_startup.py [--runs 10] [--advocates 1000]

Times `reftrack --help`, `reftrack --version` and `reftrack advocate list` (on a database of
~1000 advocates made for the run) against `python -c pass` and `python -c "import typer"`,
in the same run and interleaved, so machine noise hits every command alike. Prints the
median wall time of each, its ratio to both baselines and the median peak RSS of the process.
Standard library only; nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from _harness import Case, environment, measure, print_table, python_line, reftrack_command, run


def fill_database(reftrack: list[str], env: dict[str, str], count: int) -> None:
    """Let reftrack create its schema once, then add the advocates by plain SQL (fast)."""
    run(Case("reftrack advocate list (the schema)", [*reftrack, "advocate", "list"]), env)
    now = "2026-03-16 09:00:00"
    rows = [
        (
            f"Advocate {n:04d}",
            f"Company {n % 97}",
            f"advocate{n}@example.com",
            "vip;logistics" if n % 3 == 0 else None,
            n % 11 if n % 5 else None,
            "2026-01-10" if n % 5 else None,
            now,
            now,
        )
        for n in range(count)
    ]
    with closing(sqlite3.connect(env["REFTRACK_DB"])) as connection:
        connection.executemany(
            "INSERT INTO advocate (name, company, email, tags, nps, nps_on, archived, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
            rows,
        )
        connection.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (10)")
    parser.add_argument("--advocates", type=int, default=1000, help="advocates in the db (1000)")
    options = parser.parse_args()

    reftrack = reftrack_command()
    with tempfile.TemporaryDirectory(prefix="reftrack-bench-") as folder:
        env = environment(Path(folder), today="2026-03-16")
        env["REFTRACK_DB"] = str(Path(folder) / "bench.db")
        fill_database(reftrack, env, options.advocates)
        cases = [
            Case("python -c pass", [sys.executable, "-c", "pass"]),
            Case("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
            Case("reftrack --help", [*reftrack, "--help"]),
            Case("reftrack --version", [*reftrack, "--version"]),
            Case(
                f"reftrack advocate list ({options.advocates})",
                [*reftrack, "advocate", "list"],
            ),
            Case(
                f"reftrack advocate list --format json ({options.advocates})",
                [*reftrack, "advocate", "list", "--format", "json"],
            ),
        ]
        measure(cases, env, options.runs)

    bare, typer_only = cases[0].median, cases[1].median
    print(python_line(options.runs))
    print_table(
        cases,
        width=44,
        digits=1,
        columns=[
            ("×pass", 7, lambda case: f"{case.median / bare:7.2f}"),
            ("×typer", 7, lambda case: f"{case.median / typer_only:7.2f}"),
            ("RSS", 9, lambda case: f"{case.median_peak_mib:7.1f}MB"),
        ],
    )


if __name__ == "__main__":
    main()
