"""What the import's reading helper saves at the sizes users have: with it and without it.

    python bench/bench_feed.py                          # 10,000 and 100,000 rows, 9 pairs
    python bench/bench_feed.py --sizes 100000 --runs 15
    python bench/bench_feed.py --kinds advocates,contacts --keep /tmp/feed

On Linux with two CPUs or more, an import on SQLite that goes through the fast lane has
its chunks read and compiled by a forked helper process (``transfer.fast.feed``) while this
one writes. This script times whole `reftrack import` processes into a new SQLite file
each run, once as shipped and once with ``transfer.fast.feed._can_fork`` made to return
False (so the same process reads every chunk itself), in pairs, alternating which of
the two goes first, and prints the medians and the ratio with/without pair by pair, and
the importing process's own CPU time in each (the share the helper takes off it is what
it can save at most, with a free second core; contention inflates CPU time as well).

Both variants run the same few lines of `python -c` (below: RUNNER) with the same
imports, so start-up is identical and only the helper differs. The files:

- advocates: canonical advocates.csv as `export all` writes it (ids and every column),
  from bench_scale's generator
- contacts: a CRM's contacts (name,email,company,phone; no ids)
- referrals: canonical referrals.csv of SIZE referrals, into a copy (made before each
  run, not timed) of a database that already holds bench_scale's book of SIZE: SIZE/50
  advocates and SIZE/2 asks

Before timing, one untimed run of each file checks and prints whether the helper forked
and how many chunks the fast lane wrote (the rest went down the general path).
Standard library and reftrack only; run it from the repository root in the virtualenv
where reftrack is installed. The helper wants a free second core: run it on a quiet
machine, and read the min/max of the ratio for how noisy it was.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import (  # the generators of the canonical files
    TODAY,
    Book,
    advocate_rows,
    ask_rows,
    name_of,
    referral_rows,
    write_rows,
)

KINDS = ("advocates", "contacts", "referrals")

# argv: MODE reftrack-arguments...; MODE "with" (as shipped), "without" (no helper), or
# "check" (as shipped, and prints to stderr whether the helper forked and what the lane took);
# each prints its own CPU seconds (user + system, not the helper's) to stderr as it exits
RUNNER = """\
import atexit
import resource
import sys
import reftrack.transfer.fast.feed as feed
from reftrack.cli.main import run

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    print("CPU", own.ru_utime + own.ru_stime, file=sys.stderr)

atexit.register(cpu)
mode = sys.argv[1]
if mode == "without":
    feed._can_fork = lambda: False
elif mode == "check":
    from reftrack.transfer.fast.lane import FastLane

    seen = {"forked": 0, "lane": 0, "general": 0}
    helper, take = feed._from_helper, FastLane.take

    def counted_helper(*args):
        seen["forked"] += 1
        return helper(*args)

    def counted_take(self, chunk):
        items = take(self, chunk)
        seen["lane" if items is None else "general"] += 1
        return items

    feed._from_helper, FastLane.take = counted_helper, counted_take
    atexit.register(lambda: print("CHECK", seen["forked"], seen["lane"], seen["general"],
                                  file=sys.stderr))
sys.argv = ["reftrack", *sys.argv[2:]]
run()
"""


@dataclass
class Pairing:
    """One file imported with the helper and without it, the runs paired."""

    name: str
    rows: int
    argv: list[str]  # reftrack's arguments
    before: Callable[[], None]  # a new database for each run
    with_helper: list[float] = field(default_factory=list)
    without: list[float] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"with": [], "without": []})

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.with_helper, self.without, strict=True)]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """One whole process: its wall seconds and its standard error."""
    began = time.perf_counter()
    done = subprocess.run(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return seconds, done.stderr.decode()


def import_argv(mode: str, pairing: Pairing) -> list[str]:
    return [sys.executable, "-c", RUNNER, mode, *pairing.argv]


# --- the files ----------------------------------------------------------------------------


def write_contacts(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("name", "email", "company", "phone"))
        writer.writerows(
            (name_of(n), f"person{n}@example.com", f"Company {n % 5000}, Ltd", f"06{n:08d}")
            for n in range(1, count + 1)
        )


def prepare(kind: str, size: int, folder: Path, env: dict[str, str]) -> Pairing:
    """The file of ``kind`` and ``size``, and how to import it into a new database."""
    database = folder / f"{kind}-{size}.db"
    source = folder / f"{kind}-{size}.csv"
    base: Path | None = None  # the database the import goes into, copied; else a new one
    if kind == "advocates":
        write_rows(source, "advocates", advocate_rows(size, random.Random(7)))
    elif kind == "contacts":
        write_contacts(source, size)
    else:  # referrals, into a book that has their advocates and asks (as bench_scale's)
        book, chance = Book(size), random.Random(size)
        advocates, asks = folder / f"book-{size}-advocates.csv", folder / f"book-{size}-asks.csv"
        write_rows(advocates, "advocates", advocate_rows(book.advocates, chance))
        write_rows(asks, "asks", ask_rows(book, chance))
        write_rows(source, "referrals", referral_rows(book, chance))
        base = folder / f"book-{size}.db"
        remove_db(base)
        for what, path in (("advocates", advocates), ("asks", asks)):
            run(
                [
                    sys.executable,
                    "-c",
                    RUNNER,
                    "with",
                    "--db",
                    str(base),
                    "import",
                    what,
                    str(path),
                ],
                env,
            )

    def before() -> None:
        remove_db(database)
        if base is not None:
            shutil.copyfile(base, database)

    what = "advocates" if kind == "contacts" else kind
    return Pairing(kind, size, ["--db", str(database), "import", what, str(source)], before)


# --- measuring ----------------------------------------------------------------------------


def check(pairing: Pairing, env: dict[str, str]) -> str:
    pairing.before()
    _, errors = run(import_argv("check", pairing), env)
    line = next((x for x in errors.splitlines() if x.startswith("CHECK ")), None)
    if line is None:
        return "check printed nothing"
    forked, lane, general = map(int, line.split()[1:])
    return (
        f"helper {'forked' if forked else 'NOT forked'}; fast lane wrote {lane} of "
        f"{lane + general} chunks"
    )


def measure(pairings: list[Pairing], env: dict[str, str], runs: int) -> None:
    """Pairs of runs, alternating which variant goes first; every file's pair in turn."""
    for pairing in pairings:  # warm-up: page cache, .pyc files; not counted
        for mode in ("with", "without"):
            pairing.before()
            run(import_argv(mode, pairing), env)
    for index in range(runs):
        for pairing in pairings:
            order = ("with", "without") if index % 2 == 0 else ("without", "with")
            for mode in order:
                pairing.before()
                seconds, errors = run(import_argv(mode, pairing), env)
                (pairing.with_helper if mode == "with" else pairing.without).append(seconds)
                pairing.cpu[mode].append(own_cpu(errors))


def own_cpu(errors: str) -> float:
    return next(float(x.split()[1]) for x in errors.splitlines() if x.startswith("CPU "))


def startup(env: dict[str, str], runs: int) -> float:
    return statistics.median(run([sys.executable, "-c", "pass"], env)[0] for _ in range(runs))


def report(pairings: list[Pairing], bare: float, runs: int, notes: list[str]) -> None:
    print(
        f"\nreftrack bench_feed: {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{runs} pairs per file (with helper / without), medians of whole-process wall time")
    print(f"python -c pass: {bare * 1000:.0f} ms (median)\n")
    print(
        f"{'file':<22} {'with':>9} {'without':>9} {'ratio min':>10} {'median':>8} {'max':>7}"
        f" {'saved':>7} {'main cpu with':>14} {'without':>8} {'shed':>6}"
    )
    for p in pairings:
        ratios = p.ratios
        median = statistics.median(ratios)
        print(
            f"{f'{p.name} {p.rows:,}':<22} {statistics.median(p.with_helper):8.3f}s "
            f"{statistics.median(p.without):8.3f}s {min(ratios):10.3f} {median:8.3f} "
            f"{max(ratios):7.3f} {1 - median:7.1%} "
            f"{statistics.median(p.cpu['with']):13.3f}s {statistics.median(p.cpu['without']):7.3f}s"
            f" {1 - statistics.median(p.cpu['with']) / statistics.median(p.cpu['without']):6.1%}"
        )
    print(
        "\nratio = with ÷ without, pair by pair; saved = 1 − the median ratio; main cpu: the"
        "\nimporting process's own CPU seconds (not the helper's), and the share of it the helper"
        "\ntook over: about the most the helper can save, given a free second core"
    )
    for note in notes:
        print(f"- {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="rows per file (10000,100000)")
    parser.add_argument("--runs", type=int, default=9, help="timed pairs per file (9)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"of {','.join(KINDS)}")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    kinds = options.kinds.split(",")
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    try:
        import reftrack  # noqa: F401
    except ImportError:
        raise SystemExit("needs reftrack: run it in its virtualenv (pip install -e .)") from None
    folder = options.keep or Path(tempfile.mkdtemp(prefix="reftrack-feed-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").touch()  # the defaults (a named config file must exist)
    env = {
        **os.environ,
        "REFTRACK_CONFIG": str(folder / "config.toml"),
        "REFTRACK_TODAY": TODAY.isoformat(),
        "NO_COLOR": "1",
    }
    env.pop("REFTRACK_DB", None)
    try:
        pairings = [prepare(kind, size, folder, env) for size in sizes for kind in kinds]
        notes = [f"{p.name} {p.rows:,}: {check(p, env)}" for p in pairings]
        bare = startup(env, max(5, options.runs))
        measure(pairings, env, options.runs)
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    report(pairings, bare, options.runs, notes)


if __name__ == "__main__":
    main()
