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
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Case:
    name: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def reftrack_command() -> list[str]:
    """The installed console script beside this Python, else `python -m reftrack`."""
    script = shutil.which("reftrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "reftrack"]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time of one whole process, and its own peak RSS in KiB (via wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    if hasattr(os, "wait4"):
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        # Linux reports KiB, macOS bytes
        peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    else:  # pragma: no cover - Windows
        process.wait()
        elapsed, peak = time.perf_counter() - start, 0
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{errors}")
    return elapsed, peak


def fill_database(reftrack: list[str], env: dict[str, str], count: int) -> None:
    """Let reftrack create its schema once, then add the advocates by plain SQL (fast)."""
    run_once([*reftrack, "advocate", "list"], env)
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
        env = {
            **os.environ,
            "REFTRACK_DB": str(Path(folder) / "bench.db"),
            "REFTRACK_CONFIG": str(Path(folder) / "config.toml"),
            "REFTRACK_TODAY": "2026-03-16",
            "NO_COLOR": "1",
        }
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
        for case in cases:  # warm-up: disk cache, .pyc files
            run_once(case.argv, env)
        for _ in range(options.runs):  # interleaved, so drift affects every case alike
            for case in cases:
                elapsed, peak = run_once(case.argv, env)
                case.seconds.append(elapsed)
                case.peak_kib.append(peak)

    bare, typer_only = cases[0].median, cases[1].median
    print(f"{sys.executable} ({sys.version.split()[0]}), {options.runs} runs, medians")
    print(f"{'command':44} {'median':>9} {'min':>9} {'×pass':>7} {'×typer':>7} {'RSS':>9}")
    for case in cases:
        print(
            f"{case.name:44} {case.median * 1000:7.1f}ms {min(case.seconds) * 1000:7.1f}ms "
            f"{case.median / bare:7.2f} {case.median / typer_only:7.2f} "
            f"{statistics.median(case.peak_kib) / 1024:7.1f}MB"
        )


if __name__ == "__main__":
    main()
