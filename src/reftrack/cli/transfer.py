"""`reftrack import` and `reftrack export`: records to and from CSV and JSON files.

Thin: open the files (reftrack.files), call reftrack.transfer, report on stderr.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from reftrack.cli import common
from reftrack.errors import InvalidInputError

if TYPE_CHECKING:
    from reftrack.files.tables import Table
    from reftrack.transfer.common import Action, ImportReport


class Kind(StrEnum):
    """The kinds of records.KINDS, and all (tests/test_architecture.py holds them together;
    spelled out here so that `--help` does not import the records module)."""

    advocates = "advocates"
    asks = "asks"
    referrals = "referrals"
    followups = "followups"
    scores = "scores"
    events = "events"
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


KindArg = Annotated[
    Kind,
    typer.Argument(help="advocates, asks, referrals, followups, scores, events, or all."),
]

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
    from reftrack.transfer import export

    if not target.strip():  # Path("") is the current folder: never write there unasked
        raise InvalidInputError(
            "the export target is empty; give a file, - for stdout, or a folder"
        )
    if fmt is ExportFormat.ics and kind is not Kind.followups:
        raise InvalidInputError("--format ics is for `export followups`; use csv or json")
    if kind is Kind.all:
        if target == "-":
            raise InvalidInputError("`export all` writes one file per kind: give a folder")
        from reftrack.records import KINDS

        folder = _export_folder(Path(target))
        with common.read_session() as session:
            for name in KINDS:
                path = folder / f"{name}.{fmt.value}"
                with _output(str(path)) as stream:
                    done = export.export_table(session, kind=name, stream=stream, fmt=fmt.value)
                render.message(f"exported {done.rows} {name} to {path}")
        return
    with common.read_session() as session, _output(target) as stream:
        if fmt is ExportFormat.ics:
            _write_ics(session, stream)
            return
        done = export.export_table(session, kind=kind.value, stream=stream, fmt=fmt.value)
    if target != "-":
        render.message(f"exported {done.rows} {kind.value} to {target}")


def _write_ics(session: Any, stream: IO[str]) -> None:
    from datetime import date

    from reftrack.files.ics import calendar_bytes
    from reftrack.services.due import calendar_entries, due_items

    items = due_items(session, as_of=common.today(), until=date.max)
    stream.write(calendar_bytes(calendar_entries(items)).decode("utf-8"))


def _export_folder(folder: Path) -> Path:
    """The folder of `export all`: owner-only when reftrack makes it; the user's left as is."""
    from reftrack.db import OWNER_ONLY_FOLDER

    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{folder} is a file; give a folder for `export all`")
    try:
        folder.mkdir(mode=OWNER_ONLY_FOLDER, parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInputError(
            f"cannot make the folder {folder} ({error.strerror}); give a folder for `export all`"
        ) from None
    return folder


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
    except OSError as error:
        raise InvalidInputError(
            f"cannot write {path} ({error.strerror}); nothing was written, free some space "
            "or choose another place"
        ) from None
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
    from reftrack import render
    from reftrack.files import tables

    if not source.strip():
        raise InvalidInputError("the import source is empty; give a file, - for stdin, or a folder")
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

    def options(name: str) -> tables.Options:
        return tables.Options(
            kind=name,
            preset=preset.value if preset else None,
            mapping=mapping or (),
            delimiter=delimiter,
            encoding=encoding,
            date_order=date_order.value if date_order else None,
        )

    with ExitStack() as stack:
        sources = _sources(kind, source)
        opened = {
            name: tables.open_table(stack.enter_context(_input(path)), options(name), name=label)
            for name, (path, label) in sources.items()
        }
        for table in opened.values():
            if table.encoding_note:
                render.message(f"note: {table.encoding_note}")
            if table.unknown:
                render.message(
                    f"warning: {table.name}: ignoring unknown columns {', '.join(table.unknown)} "
                    "(read one with --map 'COLUMN=field')"
                )
            if table.plan.repeated:
                names = ", ".join(repr(name) for name in table.plan.repeated)
                render.message(
                    f"warning: {table.name}: the header has {names} more than once; "
                    "reading the first column of each name, ignoring the later ones"
                )
        total = sum(Path(path).stat().st_size for path, _ in sources.values() if path != "-")
        reports = _run_import(stack, opened, dry_run=dry_run, total=total, new_ids=new_ids)
    _summarise(reports, dry_run=dry_run)


def _sources(kind: Kind, source: str) -> dict[str, tuple[str, str]]:
    """kind → (path or -, the name to show)."""
    if kind is not Kind.all:
        if source != "-" and Path(source).is_dir():
            raise InvalidInputError(f"{source} is a folder; give a file, or use `import all`")
        return {kind.value: (source, "stdin" if source == "-" else Path(source).name)}
    from reftrack.records import KINDS

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
    from reftrack.transfer.imports import import_tables

    on_action = _print_action if dry_run else None
    progress = None
    if sys.stderr.isatty():
        from reftrack.render.progress import byte_progress

        progress = byte_progress(stack, lambda: sum(t.bytes_read for t in tables.values()), total)
    with common.bulk_write_session() as session:
        reports = import_tables(
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
    return reports


def _print_action(action: Action) -> None:
    from reftrack import render

    changed = f": {', '.join(action.changed)}" if action.verb == "update" else ""
    noun = action.kind.rstrip("s")
    render.write_line(
        f"{action.verb:<6}  {action.where}  {noun} #{action.id} {action.label}{changed}"
    )


def _summarise(reports: list[ImportReport], *, dry_run: bool) -> None:
    from reftrack import render

    for report in reports:
        counts = (
            f"{report.inserted} inserted, {report.updated} updated, "
            f"{report.skipped} skipped (unchanged), {report.blank} blank rows skipped"
        )
        counts += "".join(
            f", {count} named from their {source}" for source, count in report.named.items()
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
