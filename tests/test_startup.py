"""`--help`, `--version` and shell completion start fast: no SQLAlchemy/SQLModel imported
(STYLE.md habit 10), nor pydantic (cli/params.py). The daily reads on a SQLite file import
none of them either (db_file). Each check runs in a fresh interpreter, since this one has
them loaded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reftrack import __version__

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic")

# Runs the real app with the given argv, then reports which heavy packages got imported.
PROBE = """
import json, sys
sys.argv = {argv!r}
try:
    from reftrack.cli.main import app
    app()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy!r}))
# the table classes whose Pydantic validator got built (deferred: see models.Table)
models = sys.modules.get("reftrack.models")
built = sorted(
    name for name, value in vars(models).items()
    if isinstance(value, type) and issubclass(value, models.Table) and value.__pydantic_complete__
) if models else []
sys.stderr.write("PROBE " + json.dumps({{"code": code, "loaded": loaded, "built": built}}) + "\\n")
"""


def probe(
    argv: list[str], extra_env: dict[str, str] | None = None, heavy: tuple[str, ...] = HEAVY
) -> tuple[str, dict]:
    env = {**os.environ, **(extra_env or {})}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=heavy)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stderr
    return done.stdout, json.loads(lines[-1].removeprefix("PROBE "))


def test_help_imports_no_database_layer() -> None:
    stdout, report = probe(["reftrack", "--help"])
    assert report["code"] in (0, None)
    assert "advocate" in stdout
    assert report["loaded"] == []


def test_subcommand_help_imports_no_database_layer() -> None:
    stdout, report = probe(["reftrack", "referral", "move", "--help"])
    assert report["code"] in (0, None)
    assert "Example" in stdout
    assert report["loaded"] == []


def test_version_imports_no_database_layer() -> None:
    stdout, report = probe(["reftrack", "--version"])
    assert report["code"] in (0, None)
    assert stdout == f"reftrack {__version__}\n"
    assert report["loaded"] == []


def test_completion_imports_no_database_layer() -> None:
    stdout, report = probe(
        ["reftrack"],
        {"_REFTRACK_COMPLETE": "complete_bash", "COMP_WORDS": "reftrack adv", "COMP_CWORD": "1"},
    )
    assert report["code"] in (0, None)
    assert stdout.split() == ["advocate"]
    assert report["loaded"] == []


def test_the_probe_sees_the_database_layer_when_it_is_used() -> None:
    """Without this the checks above could pass on a broken probe."""
    _stdout, report = probe(["reftrack", "metrics", "--format", "json"])
    assert report["code"] in (0, None)
    assert {"sqlalchemy", "sqlmodel", "pydantic"} <= set(report["loaded"])


# The daily reads that run through sqlite3 on a SQLite file: what each may not import.
DAILY_READS = {
    "due": (["due"], HEAVY),
    "due --within --format json": (["due", "--within", "7d", "--format", "json"], HEAVY),
    "due --exit-code --quiet": (["due", "--exit-code", "--quiet"], HEAVY),
    "advocate list": (["advocate", "list"], HEAVY),
    "advocate list --segment --tag": (
        ["advocate", "list", "--segment", "promoter", "--tag", "vip", "--format", "csv"],
        HEAVY,
    ),
    "referral list": (["referral", "list"], HEAVY),
    "referral list --open --status": (["referral", "list", "--open", "--status", "new"], HEAVY),
    "next": (["next"], HEAVY),
    "next --all --format csv": (["next", "--all", "--format", "csv"], HEAVY),
    "today": (["today"], HEAVY),
    "today --format json": (["today", "--format", "json"], HEAVY),
    "search": (["search", "anna"], HEAVY),
    "search a phone --format csv": (["search", "06", "1234", "5678", "--format", "csv"], HEAVY),
    "advocate show": (["advocate", "show", "anna"], HEAVY),
    "advocate show --format json": (["advocate", "show", "1", "--format", "json"], HEAVY),
    "advocate show (ambiguous)": (["advocate", "show", "a"], HEAVY),
    "referral list --advocate": (["referral", "list", "--advocate", "anna"], HEAVY),
    "referral show": (["referral", "show", "piet"], HEAVY),
    "ask list": (["ask", "list"], HEAVY),
    "ask list --pending --advocate": (["ask", "list", "--pending", "--advocate", "anna"], HEAVY),
    "followup list --all": (["followup", "list", "--all"], HEAVY),
    "referral show --format json": (["referral", "show", "1", "--format", "json"], HEAVY),
}


@pytest.mark.parametrize("name", sorted(DAILY_READS))
def test_daily_reads_on_a_file_import_no_database_layer(cli: Any, db_path: Path, name: str) -> None:
    """On an ordinary SQLite file these read through the standard library's sqlite3."""
    argv, forbidden = DAILY_READS[name]
    fill_for_reads(cli)
    stdout, report = probe(["reftrack", *argv], {"REFTRACK_DB": str(db_path)})
    assert_read(name, stdout, report)
    assert not set(report["loaded"]) & set(forbidden), (name, report["loaded"])


def fill_for_reads(cli: Any) -> None:
    """Something for each daily read to show (`next` still has Bram to suggest)."""
    assert cli("advocate", "add", "Anna", "--nps", "9", "--tag", "vip").exit_code == 0
    assert cli("referral", "add", "Anna", "Piet", "--organic").exit_code == 0
    assert cli("advocate", "add", "Bram").exit_code == 0
    assert cli("ask", "add", "Anna", "--force").exit_code == 0


def assert_read(name: str, stdout: str, report: dict) -> None:
    if name.endswith("(ambiguous)"):  # an error, said without the database layer too
        assert report["code"] == 1 and not stdout, name
    else:
        assert report["code"] in (0, None, 3), stdout
        assert stdout.strip(), name  # it read the book


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
@pytest.mark.parametrize("name", sorted(DAILY_READS))
def test_daily_reads_on_a_team_database_import_no_database_layer(
    cli: Any, pg_database: str, name: str
) -> None:
    """On a team's PostgreSQL database at the head schema they read through psycopg2, and
    import neither the database layer nor its driver, psycopg 3 (≈100 ms of a read), nor
    the standard library's ssl (half of psycopg2's import; db_server.import_psycopg2)."""
    argv, forbidden = DAILY_READS[name]
    fill_for_reads(cli)
    watched = (*forbidden, "psycopg", "psycopg2", "ssl")
    stdout, report = probe(["reftrack", *argv], {"REFTRACK_DB": pg_database}, watched)
    assert_read(name, stdout, report)
    assert report["loaded"] == ["psycopg2"], (name, report["loaded"])


# The daily writes go through the ORM (SQLModel), but need none of these: the migrations
# (the schema check reads alembic_version itself), Rich (their lines go to stderr as they
# are) or the file formats. Each is tens of milliseconds a write had no use for.
WRITE_FORBIDDEN = ("alembic", "rich", "openpyxl", "icalendar", "vobject")
DAILY_WRITES = {
    "ask add": ["ask", "add", "Anna", "--channel", "phone", "--force"],
    "referral add": ["referral", "add", "Anna", "Nieuw Prospect", "--phone", "1"],
    "referral move": ["referral", "move", "1", "contacted"],
    "followup done": ["followup", "done", "1"],
}


@pytest.mark.parametrize("name", sorted(DAILY_WRITES))
def test_daily_writes_import_only_the_database_layer(cli: Any, db_path: Path, name: str) -> None:
    assert cli("advocate", "add", "Anna", "--nps", "9").exit_code == 0
    assert cli("referral", "add", "Anna", "Piet", "--phone", "2").exit_code == 0  # #1, thank #1
    argv, env = ["reftrack", *DAILY_WRITES[name]], {"REFTRACK_DB": str(db_path)}
    stdout, report = probe(argv, env, (*WRITE_FORBIDDEN, "sqlmodel"))
    assert report["code"] in (0, None), stdout
    assert report["loaded"] == ["sqlmodel"], (name, report["loaded"])  # it did write
    # no table class validated anything: their Pydantic schemas were never built
    assert report["built"] == [], (name, report["built"])


def test_deferred_table_models_still_validate_and_dump_when_asked() -> None:
    """models.Table defers Pydantic's build (``defer_build``): a validation or a dump,
    which nothing in reftrack does today, still works, building it then."""
    from reftrack.models import Advocate, FollowUp

    anna = Advocate.model_validate({"name": "Anna", "nps": 9, "archived": False})
    assert (anna.name, anna.nps) == ("Anna", 9)
    assert Advocate.__pydantic_complete__
    assert Advocate(name="Bo", company="Gamma").model_dump(exclude_unset=True) == {
        "name": "Bo",
        "company": "Gamma",
    }
    with pytest.raises(ValueError, match="due_on"):
        FollowUp.model_validate({"kind": "thank", "advocate_id": 1, "due_on": "not a date"})


# The console script's own entry (cli/main.run), which starts without the cyclic garbage
# collector; reports whether it was back on, and how much start-up it froze, at the end.
GC_PROBE = """
import gc, json, sys
sys.argv = {argv!r}
from reftrack.cli.main import run
try:
    run()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
report = {{"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}}
sys.stderr.write("PROBE " + json.dumps(report) + "\\n")
"""


def gc_probe(argv: list[str], db_path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE.format(argv=argv)],
        capture_output=True,
        text=True,
        env={**os.environ, "REFTRACK_DB": str(db_path)},
        timeout=60,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stderr
    report: dict[str, Any] = json.loads(lines[-1].removeprefix("PROBE "))
    return report


@pytest.mark.parametrize(
    "argv",
    [DAILY_WRITES["ask add"], DAILY_WRITES["followup done"], ["due"], ["advocate", "show", "1"]],
)
def test_the_command_s_work_is_garbage_collected(cli: Any, db_path: Path, argv: list[str]) -> None:
    """Start-up runs without the collector (common.start_up); a write, a read through
    sqlite3 and one through the database layer each turn it back on before their work,
    with the start-up's objects frozen out of every later collection."""
    assert cli("advocate", "add", "Anna", "--nps", "9").exit_code == 0
    assert cli("referral", "add", "Anna", "Piet", "--phone", "2").exit_code == 0
    report = gc_probe(["reftrack", *argv], db_path)
    assert report["code"] in (0, None), report
    assert report["enabled"] is True
    assert report["frozen"] > 10_000  # the imported modules' objects, at least


def test_an_embedding_program_keeps_its_collector(cli: Any) -> None:
    """Only the console script's entry turns the collector off: the app invoked any other
    way (these tests, a program that embeds it) leaves it as it was."""
    import gc

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert cli("advocate", "add", "Anna").exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def console_script() -> str:
    found = shutil.which("reftrack", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the reftrack console script is not installed beside this python")
    return found


def test_completion_through_the_console_script() -> None:
    done = subprocess.run(
        [console_script()],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "_REFTRACK_COMPLETE": "complete_bash",
            "COMP_WORDS": "reftrack referral m",
            "COMP_CWORD": "2",
        },
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["move"]


def test_python_dash_m_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reftrack", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"reftrack {__version__}\n"
    assert __version__ != "0.0.0"  # the installed package's metadata was found
    assert done.stderr == ""


def test_completing_record_names_reads_the_file_without_the_database_layer(
    cli: Any, db_path: Path
) -> None:
    """`advocate show Gr<TAB>` offers the names in the book, through sqlite3 alone."""
    for name in ("Greta Groen", "Gerrit Bos", "Anna de Vries"):
        assert cli("advocate", "add", name).exit_code == 0
    assert cli("referral", "add", "anna", "Piet Bakker", "--phone", "1").exit_code == 0
    words = {
        # bash puts the value on the line as it is: its spaces come escaped
        "reftrack advocate show Gr": (["Greta\\ Groen"], 3),
        "reftrack advocate show g": (["gerrit\\ Bos", "greta\\ Groen"], 3),
        "reftrack referral move P": (["Piet\\ Bakker"], 3),
        "reftrack ask add A": (["Anna\\ de\\ Vries"], 3),
        "reftrack advocate show 2": (["2"], 3),
    }
    for line, (expected, cword) in words.items():
        stdout, report = probe(
            ["reftrack"],
            {
                "_REFTRACK_COMPLETE": "complete_bash",
                "COMP_WORDS": line,
                "COMP_CWORD": str(cword),
                "REFTRACK_DB": str(db_path),
            },
        )
        assert report["loaded"] == [], line
        assert stdout.splitlines() == expected, line
    # follow-ups complete by id (the referral's thank, contact: #1, #2)
    stdout, report = probe(
        ["reftrack"],
        {
            "_REFTRACK_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "reftrack followup done ",
            "REFTRACK_DB": str(db_path),
        },
    )
    assert report["loaded"] == []
    assert "thank Piet Bakker, due 2026-03-16" in stdout and "contact Piet Bakker" in stdout


def test_completion_never_creates_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    stdout, report = probe(
        ["reftrack"],
        {
            "_REFTRACK_COMPLETE": "complete_bash",
            "COMP_WORDS": "reftrack advocate show G",
            "COMP_CWORD": "3",
            "REFTRACK_DB": str(missing),
        },
    )
    assert stdout.strip() == "" and report["loaded"] == []
    assert not missing.exists()
