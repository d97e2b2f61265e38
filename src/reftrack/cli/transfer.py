"""`reftrack import` and `reftrack export`: records to and from CSV and JSON files.

Thin: open the files (reftrack.csvio), call reftrack.services.transfer, report on stderr.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from reftrack.cli import common
from reftrack.errors import InvalidInputError

if TYPE_CHECKING:
    from reftrack.csvio import Table
    from reftrack.services.transfer import Action, ImportReport

KINDS = ("advocates", "asks", "referrals", "followups")


class Kind(StrEnum):
    advocates = "advocates"
    asks = "asks"
    referrals = "referrals"
    followups = "followups"
    all = "all"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    ics = "ics"


class Preset(StrEnum):
    linkedin = "linkedin"
    google = "google"
    outlook = "outlook"
    hubspot = "hubspot"


class DateOrder(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


KindArg = Annotated[Kind, typer.Argument(help="advocates, asks, referrals, followups, or all.")]

EXPORT_HELP = """Write records to a CSV or JSON file (stdout when FILE is - or left out).

CSV has the canonical columns (ISO dates, ids, the advocate's name beside its id); a cell
a spreadsheet would run as a formula gets a leading apostrophe. `all` writes
advocates.csv, asks.csv, referrals.csv and followups.csv into the folder FILE.
`followups --format ics` writes the open follow-ups as a calendar.

Examples:

  reftrack export advocates advocates.csv

  reftrack export referrals --format json | jq '.[] | select(.status == "won")'

  reftrack export all backup/
"""


def export_command(
    kind: KindArg,
    target: Annotated[
        str, typer.Argument(help="File, - for stdout, or a folder for `all`.", show_default=False)
    ] = "-",
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv, json, or ics (followups).")
    ] = ExportFormat.csv,
) -> None:
    from reftrack import render
    from reftrack.services import transfer

    if fmt is ExportFormat.ics and kind is not Kind.followups:
        raise InvalidInputError("--format ics is for `export followups`; use csv or json")
    if kind is Kind.all:
        if target == "-":
            raise InvalidInputError("`export all` writes one file per kind: give a folder")
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        with common.read_session() as session:
            for name in KINDS:
                path = folder / f"{name}.{fmt.value}"
                with _output(str(path)) as stream:
                    done = transfer.export_table(session, kind=name, stream=stream, fmt=fmt.value)
                render.message(f"exported {done.rows} {name} to {path}")
        return
    with common.read_session() as session, _output(target) as stream:
        if fmt is ExportFormat.ics:
            _write_ics(session, stream)
            return
        done = transfer.export_table(session, kind=kind.value, stream=stream, fmt=fmt.value)
    if target != "-":
        render.message(f"exported {done.rows} {kind.value} to {target}")


def _write_ics(session: Any, stream: IO[str]) -> None:
    from datetime import date

    from reftrack.ics import calendar_bytes
    from reftrack.services.due import due_items

    items = due_items(session, as_of=common.today(), until=date.max)
    stream.write(calendar_bytes(items).decode("utf-8"))


@contextmanager
def _output(target: str) -> Iterator[IO[str]]:
    """stdout, or a file that appears whole or not at all (written aside, then renamed)."""
    if target == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(target)
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder; give a file name (or use `export all`)")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    except OSError as error:
        raise InvalidInputError(f"cannot write {path} ({error.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


IMPORT_HELP = """Read records from a CSV or JSON file (- for stdin): all rows or none.

Bad rows are listed with line, column and reason, and nothing is written. Re-importing
the same file changes nothing: rows match on id, and advocates also on e-mail
(case-insensitive), then name + company. A file with an id column restores records as
they are (an empty cell clears the field); other files only fill in and update. The
follow-up rules do not run. `import all FOLDER` restores an `export all`.

Files as they come: UTF-8 with or without BOM, cp1252, `,` `;` or tab (sniffed), header
aliases (Name / First Name + Last Name, E-mail, Company, Phone, ...), a preamble before
the header (LinkedIn's "Notes:").

Examples:

  reftrack import advocates Connections.csv --preset linkedin --dry-run

  reftrack import advocates klanten.csv --date-order dmy --map "Klant sinds=customer_since"

  reftrack import all backup/

  reftrack --db postgresql+psycopg://me@team-db/referrals import all backup/ --new-ids
"""


def import_command(
    kind: KindArg,
    source: Annotated[str, typer.Argument(help="File, - for stdin, or a folder for `all`.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="SRC=FIELD: read column SRC as FIELD; repeat for more.",
            show_default=False,
        ),
    ] = None,
    preset: Annotated[
        Preset | None, typer.Option("--preset", help="The export of another program (advocates).")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="',', ';', tab or '|' (default: sniffed).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="e.g. utf-8, cp1252 (default: detected).")
    ] = None,
    date_order: Annotated[
        DateOrder | None,
        typer.Option("--date-order", help="How to read 03-04-2025: dmy, mdy or ymd."),
    ] = None,
    new_ids: Annotated[
        bool,
        typer.Option(
            "--new-ids",
            help="With `all`: give every record a new id, links kept, to merge a history "
            "into a database with records of its own (a team's); advocates still match "
            "on e-mail, then name + company.",
        ),
    ] = False,
) -> None:
    from reftrack import csvio, render

    if new_ids and kind is not Kind.all:
        raise InvalidInputError(
            "--new-ids goes with `import all FOLDER`: the links need the whole history"
        )

    if kind is Kind.all and (preset or mapping):
        raise InvalidInputError("--preset and --map apply to one kind; not to `import all`")
    if preset and kind is not Kind.advocates:
        raise InvalidInputError(
            f"--preset reads contacts: use it with `import advocates`, not {kind}"
        )

    def options(name: str) -> csvio.Options:
        return csvio.Options(
            kind=name,
            preset=preset.value if preset else None,
            mapping=mapping or (),
            delimiter=delimiter,
            encoding=encoding,
            date_order=date_order.value if date_order else None,
        )

    with ExitStack() as stack:
        sources = _sources(kind, source)
        tables = {
            name: csvio.open_table(stack.enter_context(_input(path)), options(name), name=label)
            for name, (path, label) in sources.items()
        }
        for table in tables.values():
            if table.encoding_note:
                render.message(f"note: {table.encoding_note}")
            if table.unknown:
                render.message(
                    f"warning: {table.name}: ignoring unknown columns {', '.join(table.unknown)} "
                    "(read one with --map 'COLUMN=field')"
                )
        total = sum(Path(path).stat().st_size for path, _ in sources.values() if path != "-")
        reports = _run_import(stack, tables, dry_run=dry_run, total=total, new_ids=new_ids)
    _summarise(reports, dry_run=dry_run)


def _sources(kind: Kind, source: str) -> dict[str, tuple[str, str]]:
    """kind → (path or -, the name to show)."""
    if kind is not Kind.all:
        if source != "-" and Path(source).is_dir():
            raise InvalidInputError(f"{source} is a folder; give a file, or use `import all`")
        return {kind.value: (source, "stdin" if source == "-" else Path(source).name)}
    folder = Path(source)
    if not folder.is_dir():
        raise InvalidInputError(
            f"`import all` reads a folder written by `export all`; {source} is not one"
        )
    found = {}
    for name in KINDS:
        for suffix in ("csv", "json"):
            if (folder / f"{name}.{suffix}").is_file():
                found[name] = (str(folder / f"{name}.{suffix}"), f"{name}.{suffix}")
                break
    if not found:
        raise InvalidInputError(f"{source} has none of {', '.join(k + '.csv' for k in KINDS)}")
    return found


@contextmanager
def _input(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InvalidInputError(f"cannot read {path} ({error.strerror})") from None
    with handle:
        yield handle


def _run_import(
    stack: ExitStack, tables: dict[str, Table], *, dry_run: bool, total: int, new_ids: bool
) -> list[ImportReport]:
    from reftrack import render
    from reftrack.db import sqlite_path, use_wal
    from reftrack.services import transfer

    on_action = _print_action if dry_run else None
    progress = _progress_bar(stack, tables, total) if sys.stderr.isatty() else None
    # A new SQLite file's first import writes in rollback-journal mode, then turns WAL on:
    # each page is written once, not to the WAL and again at the checkpoint (~1.5 s at 1M
    # rows). Anyone opening the file meanwhile waits for the import, as for any writer.
    path = sqlite_path(common.database_url())
    new_file = path is not None and not path.exists() and common.state.database is None
    if new_file:
        common.database(wal=False)
    with common.write_session() as session:
        reports = transfer.import_tables(
            session,
            tables=tables,
            today=common.today(),
            dry_run=dry_run,
            owner=common.user(),
            new_ids=new_ids,
            on_action=on_action,
            progress=progress,
        )
        bad = [report for report in reports if report.bad_rows]
        if bad:
            for report in bad:
                for error in report.errors:
                    render.message(str(error))
                if report.bad_rows > len(report.errors):
                    render.message(f"{report.name}: … and more ({report.bad_rows} bad rows in all)")
            counts = ", ".join(f"{r.bad_rows} in {r.name}" for r in bad)
            total = sum(r.bad_rows for r in bad)
            raise InvalidInputError(
                f"{total} bad row{'s' * (total != 1)} ({counts}); nothing was imported: "
                "fix them and run again"
            )
    if new_file:
        use_wal(common.database())
    return reports


def _print_action(action: Action) -> None:
    changed = f": {', '.join(action.changed)}" if action.verb == "update" else ""
    noun = action.kind.rstrip("s")
    sys.stdout.write(
        f"{action.verb:<6}  {action.where}  {noun} #{action.id} {action.label}{changed}\n"
    )


def _progress_bar(stack: ExitStack, tables: dict[str, Table], total: int) -> Callable[[], None]:
    from rich.progress import Progress

    from reftrack import render

    progress = stack.enter_context(Progress(console=render.err(), transient=True))
    task = progress.add_task("importing", total=total or None)

    def advance() -> None:
        progress.update(task, completed=sum(t.bytes_read for t in tables.values()))

    return advance


def _summarise(reports: list[ImportReport], *, dry_run: bool) -> None:
    from reftrack import render

    for report in reports:
        counts = (
            f"{report.inserted} inserted, {report.updated} updated, "
            f"{report.skipped} skipped (unchanged), {report.blank} blank rows skipped"
        )
        prefix = "dry run, would import" if dry_run else "imported"
        render.message(f"{prefix} {report.kind} from {report.name}: {counts}")
    if dry_run:
        render.message("dry run: nothing was changed")


export_command.__doc__ = EXPORT_HELP
import_command.__doc__ = IMPORT_HELP


def register(app: typer.Typer) -> None:
    """Add the import and export commands to the root app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
