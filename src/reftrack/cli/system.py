"""`reftrack demo`, `backup`, `doctor` and `config show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from reftrack.cli import common, scripting
from reftrack.cli.common import FormatOption, OutputFormat

config_app = typer.Typer(
    help="Settings: cadences, guards, currency; the templates of ask script.", no_args_is_help=True
)


def demo(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder",
            help="Where to keep demo.db to explore (default: shown once, then removed).",
        ),
    ] = None,
) -> None:
    """Build a sample database and show it with `today`; your own data is untouched.

    Without --folder it lives in a temporary folder that is removed afterwards.

    Example: reftrack demo --folder ~/reftrack-demo
    """
    import tempfile

    if folder is not None:
        _demo(folder, keep=True)
        return
    with tempfile.TemporaryDirectory(prefix="reftrack-demo-") as scratch:
        try:
            _demo(Path(scratch), keep=False)
        finally:
            common.close_database()  # the demo's engine, before its folder goes


def _demo(where: Path, *, keep: bool) -> None:
    from reftrack import render
    from reftrack.db import open_database
    from reftrack.services.demo import build_demo

    path = where / "demo.db"
    if path.exists():
        from reftrack.errors import InvalidInputError

        raise InvalidInputError(f"{path} exists already; give another --folder")
    database = open_database(f"sqlite:///{path.resolve()}")
    common.started()  # opened without common.database(): the collector back on all the same
    with database.session(write=True) as session:
        summary = build_demo(session, today=common.today(), settings=common.settings())
    database.engine.dispose()
    counts = (
        f"  {summary.advocates} advocates, {summary.asks} asks, {summary.referrals} referrals "
        f"({summary.won} won), {summary.open_follow_ups} open follow-ups\n\n"
    )
    if keep:
        render.write(
            f"Demo database: {path}\n{counts}"
            "Explore it:\n"
            f"  export REFTRACK_DB={path}\n"
            "  reftrack today\n"
            "  reftrack due --within 7d\n"
            "  reftrack next\n"
            "  reftrack metrics --period year\n"
            "  reftrack advocate list --segment promoter\n"
            "  reftrack referral list --open\n\n"
        )
    else:
        render.write(
            f"Demo database (removed after this screen)\n{counts}"
            "To keep one and explore it: reftrack demo --folder ~/reftrack-demo\n\n"
        )
    common.use_database(str(path))
    render.message("the demo's morning screen (reftrack today):")
    from reftrack.cli.insight import today_

    today_(fmt=OutputFormat.table)


def backup(
    target: Annotated[Path, typer.Argument(help="The backup file to write.")],
) -> None:
    """Copy the database to a file, safely even while cron or you are writing to it.

    The copy is checked (integrity, links) before it replaces FILE: a damaged database is
    refused with exit 1 and FILE is left as it was. The new file is readable by you only;
    a FILE that is a symbolic link is refused.

    Example: reftrack backup ~/backups/reftrack-$(date +%F).db
    """
    from reftrack import render
    from reftrack.services.maintenance import backup as run_backup

    size = run_backup(common.database(), target)
    render.message(f"backup written: {target} ({size:,} bytes)")


def doctor(fmt: FormatOption = OutputFormat.table) -> None:
    """Check the database: paths, schema version, row counts, integrity, foreign keys, WAL;
    on PostgreSQL also your role and the row-level security in place.

    Exits 1 when anything is wrong. Example: reftrack doctor
    """
    from reftrack import render
    from reftrack.config import config_path
    from reftrack.errors import DatabaseError
    from reftrack.services.maintenance import check

    health = check(common.database())
    report = {
        "database": health.location,
        "config": str(config_path()),
        "schema_version": health.schema_version,
        "schema_expected": health.schema_head,
        "integrity_check": health.integrity,
        "foreign_key_problems": health.foreign_key_problems,
        "journal_mode": health.journal_mode,
        "counts": health.counts,
        "role": health.role,
        "reftrack_admin": health.reftrack_admin,
        "bypasses_row_security": health.bypasses_row_security,
        "row_security": health.row_security,
        "policies": health.policies,
        "problems": health.problems,
        "ok": health.ok,
    }
    if fmt is OutputFormat.table:
        render.details(_doctor_lines(report, health))
    elif fmt is OutputFormat.csv:
        rows = [{"check": key, "value": value} for key, value in _flat(report).items()]
        render.emit(rows, ["check", "value"], "csv")
    else:
        render.write_object(report)
    if not health.ok:
        raise DatabaseError("; ".join(health.problems))


def _flat(report: dict[str, Any]) -> dict[str, Any]:
    """``counts.advocate``-style keys, for one CSV row per check."""
    flat: dict[str, Any] = {}
    for key, value in report.items():
        if isinstance(value, dict):
            for name, inner in value.items():
                flat[f"{key}.{name}"] = inner if not isinstance(inner, list) else len(inner)
        elif isinstance(value, list):
            flat[key] = "; ".join(map(str, value))
        else:
            flat[key] = value
    return flat


def _doctor_lines(report: dict[str, Any], health: Any) -> list[tuple[str, Any]]:
    """The report in words: what was checked and whether it is fine (None: not applicable)."""
    version, head = report["schema_version"], report["schema_expected"]
    schema = f"{version} (up to date)" if version == head else f"{version}, expected {head}"
    fk = report["foreign_key_problems"]
    lines: list[tuple[str, Any]] = [
        ("database", report["database"]),
        ("config", report["config"]),
        ("schema", schema),
        ("integrity", report["integrity_check"]),
        ("foreign keys", "ok" if not fk else f"{fk} broken link(s)"),
        ("journal mode", report["journal_mode"]),
        ("records", ", ".join(f"{t} {n}" for t, n in health.counts.items())),
    ]
    if report["role"] is not None:
        lines += [
            ("role", report["role"]),
            ("reftrack_admin", "yes" if report["reftrack_admin"] else "no"),
            ("bypasses row security", "yes" if report["bypasses_row_security"] else "no"),
        ]
    if health.policies is not None:
        lines.append(("policies", ", ".join(f"{t} {len(p)}" for t, p in health.policies.items())))
    problems = report["problems"]
    lines.append(("status", "ok" if report["ok"] else f"{len(problems)} problem(s)"))
    lines += [("problem", problem) for problem in problems]
    return lines


@config_app.command("show")
def config_show(fmt: FormatOption = OutputFormat.table) -> None:
    """Print every setting's effective value and where it came from.

    Example: reftrack config show
    """
    from reftrack import render
    from reftrack.config import config_path, settings_rows

    rows = settings_rows(common.settings())
    render.emit(rows, ["key", "value", "source"], fmt.value, title=f"config file: {config_path()}")


config_app.command("templates")(scripting.config_templates)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("backup")(backup)
    app.command("doctor")(doctor)
    app.add_typer(config_app, name="config")
