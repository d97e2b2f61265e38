"""The timing harness the bench scripts share: whole processes, interleaved runs, medians,
peak memory, and the table they print.

A script makes its files and a list of ``Case``s, then ``measure`` runs every case once
to warm up (page cache, .pyc files; not timed) and ``runs`` times interleaved, so machine
noise hits every case alike. Each run is one whole process: its wall time and its own max
RSS, read with ``wait4``. On Linux a child's max RSS starts at its parent's, so a script
that reads it keeps its own process small (or uses ``peak_memory_mib``, which measures in a
fresh wrapper). Standard library only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


@dataclass
class Case:
    """One command to time; ``run`` adds each run's wall time and max RSS."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)  # on top of the run's environment
    before: Callable[[], None] | None = None  # e.g. remove the database of an import
    stdout: Path | None = None  # where the output goes (else nowhere)
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    warm_kib: int = 0  # the warm-up run's max RSS: not timed, but a run all the same

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_peak_mib(self) -> float:
        """The median max RSS of the timed runs."""
        return statistics.median(self.peak_kib) / 1024

    @property
    def peak_mib(self) -> float:
        """The largest max RSS any run had, the warm-up included."""
        return max([*self.peak_kib, self.warm_kib]) / 1024


def run(case: Case, env: dict[str, str]) -> None:
    """One whole process: its wall time and its own max RSS (wait4), added to the case."""
    if case.before is not None:
        case.before()
    output: IO[bytes] | int = case.stdout.open("wb") if case.stdout else subprocess.DEVNULL
    try:
        began = time.perf_counter()
        process = subprocess.Popen(
            case.argv,
            env={**env, **case.env},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.PIPE,
        )
        errors = process.stderr.read() if process.stderr else b""  # small: messages only
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)
            case.seconds.append(time.perf_counter() - began)
            process.returncode = os.waitstatus_to_exitcode(status)
            # Linux reports KiB, macOS bytes
            peak = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
        else:  # pragma: no cover - Windows
            process.wait()
            case.seconds.append(time.perf_counter() - began)
            peak = 0
    finally:
        if not isinstance(output, int):
            output.close()
    if process.stderr:
        process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(
            f"{case.name} failed ({process.returncode}): {shlex.join(case.argv)}\n"
            + errors.decode(errors="replace")
        )
    case.peak_kib.append(peak)


def measure(cases: list[Case], env: dict[str, str], runs: int, *, warm: bool = True) -> None:
    """Each case once to warm up (unless ``warm`` is false), then ``runs`` times interleaved."""
    if warm:
        for case in cases:  # page cache, .pyc files; not timed
            run(case, env)
            case.seconds.pop()
            case.warm_kib = case.peak_kib.pop()
    for _ in range(runs):  # interleaved: drift hits every case alike
        for case in cases:
            run(case, env)


def peak_memory_mib(argv: list[str], env: dict[str, str]) -> float:
    """Max RSS of one process, measured in a fresh wrapper so earlier runs do not count."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True,"
        " stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], env=env, check=True, capture_output=True, text=True
    ).stdout
    return int(out.strip()) / 1024  # Linux reports KiB


def environment(folder: Path, *, today: str | None = None) -> dict[str, str]:
    """This process's environment without the user's REFTRACK_DB, a config file in
    ``folder``, no colour, bytecode caching on, and a fixed today when given."""
    config = folder / "config.toml"
    folder.mkdir(parents=True, exist_ok=True)
    config.touch()  # an empty one: the defaults (a named config file must exist)
    env = {**os.environ, "REFTRACK_CONFIG": str(config), "NO_COLOR": "1"}
    if today is not None:
        env["REFTRACK_TODAY"] = today
    env.pop("REFTRACK_DB", None)
    # An installed reftrack has its bytecode compiled (pip does it); a machine that sets
    # PYTHONDONTWRITEBYTECODE would have every run compile reftrack's own modules again
    # (~40 ms a command here), which no user pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def tool(name: str) -> str | None:
    """A command beside this Python (the virtualenv's), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def reftrack_command() -> list[str]:
    """The installed console script beside this Python, else `python -m reftrack`."""
    script = shutil.which("reftrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "reftrack"]


def remove_db(path: Path) -> Callable[[], None]:
    """A ``before`` that removes a SQLite database and its side files (a fresh import)."""

    def remove() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return remove


def python_line(runs: int) -> str:
    return f"{sys.executable} ({sys.version.split()[0]}), {runs} runs, medians"


Column = tuple[str, int, Callable[[Case], str]]  # heading, width, the cell of a case


def print_table(
    cases: Sequence[Case], *, width: int, digits: int = 0, columns: Sequence[Column] = ()
) -> None:
    """A row a case: its name, median and fastest run in ms, then the script's own columns."""
    print(
        f"{'command':<{width}} {'median':>9} {'min':>9}"
        + "".join(f" {heading:>{size}}" for heading, size, _ in columns)
    )
    for case in cases:
        print(
            f"{case.name:<{width}} {case.median * 1000:7.{digits}f}ms "
            f"{min(case.seconds) * 1000:7.{digits}f}ms"
            + "".join(f" {cell(case):>{size}}" for _, size, cell in columns)
        )
