"""`reftrack import` and `reftrack export` (``cli.exporting``): records from CSV, JSON,
Excel and vCard files.

Thin: open the files (reftrack.files), call reftrack.transfer, report on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from reftrack.cli import common
from reftrack.cli.exporting import Kind, KindArg, export_command
from reftrack.errors import InvalidInputError

__all__ = ["Kind", "import_command", "register"]  # Kind: the kinds, for the tests too

if TYPE_CHECKING:
    from reftrack.files.tables import Table
    from reftrack.transfer.common import Action, ImportReport


class Preset(StrEnum):
    linkedin = "linkedin"
    google = "google"
    outlook = "outlook"
    hubspot = "hubspot"


class DateOrder(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


IMPORT_HELP = """Read records from a CSV, JSON, .xlsx or (advocates) .vcf file: all rows or none.

Bad rows are listed with line, column and reason, and nothing is written. Re-importing
the same file changes nothing: rows match on id, and advocates also on e-mail
(case-insensitive), then name + company. A file with an id column restores records as
they are (an empty cell clears the field); other files only fill in and update. The
follow-up rules do not run. `import all FOLDER` (or `BOOK.xlsx`) restores an `export all`,
the NPS history (scores) and milestones/complaints (events) included.
`import targets Connections.csv --preset linkedin` reads people you want to meet
(Position and URL kept as title and url; `target add NAME --via A` says who knows them).

Files as they come: UTF-8 with or without BOM, cp1252, `,` `;` or tab (sniffed), header
aliases (Name / First Name + Last Name, E-mail, Company, Phone, ...), a preamble before
the header (LinkedIn's "Notes:"); a contact with only an e-mail or phone is named from it,
Google's `a ::: b` keeps `a` (the rest go to the notes), HubSpot's `null` is empty.
Malformed quoting is an error naming the line. An .xlsx workbook is read from its first
sheet (or --sheet); vCard 2.1/3.0/4.0 files (Apple, Google, Outlook, Android) give
advocates.

Examples:

  reftrack import advocates Connections.csv --preset linkedin --dry-run

  reftrack import advocates klanten.csv --date-order dmy --map "Klant sinds=customer_since"

  reftrack import advocates klanten.xlsx --sheet Klanten

  reftrack import advocates contacts.vcf

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
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", help="Of an .xlsx workbook: the sheet to read (default: the first)."
        ),
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
    if preset and kind not in (Kind.advocates, Kind.targets):
        raise InvalidInputError(
            f"--preset reads contacts: use it with `import advocates` or `import targets`, "
            f"not {kind}"
        )

    if sheet is not None and kind is Kind.all:
        raise InvalidInputError(
            "--sheet names one sheet; `import all BOOK.xlsx` reads a sheet per kind"
        )

    def options(name: str, sheet: str | None) -> tables.Options:
        return tables.Options(
            kind=name,
            sheet=sheet,
            preset=preset.value if preset else None,
            mapping=mapping or (),
            delimiter=delimiter,
            encoding=encoding,
            date_order=date_order.value if date_order else None,
        )

    with ExitStack() as stack:
        sources = _sources(kind, source, sheet)
        opened = {
            name: tables.open_table(
                stack.enter_context(_input(path)), options(name, named), name=label
            )
            for name, (path, label, named) in sources.items()
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
        total = sum(Path(path).stat().st_size for path, _, _ in sources.values() if path != "-")
        reports = _run_import(stack, opened, dry_run=dry_run, total=total, new_ids=new_ids)
    _summarise(reports, dry_run=dry_run)


def _sources(kind: Kind, source: str, sheet: str | None) -> dict[str, tuple[str, str, str | None]]:
    """kind → (path or -, the name to show, the sheet of a workbook)."""
    if kind is not Kind.all:
        if source != "-" and Path(source).is_dir():
            raise InvalidInputError(f"{source} is a folder; give a file, or use `import all`")
        return {kind.value: (source, "stdin" if source == "-" else Path(source).name, sheet)}
    from reftrack.records import KINDS

    folder = Path(source)
    if folder.is_file() and folder.suffix.casefold() == ".xlsx":
        return _workbook_sources(folder)
    if not folder.is_dir():
        raise InvalidInputError(
            f"`import all` reads a folder (or an .xlsx) written by `export all`; {source} is "
            "not one"
        )
    found: dict[str, tuple[str, str, str | None]] = {}
    for name in KINDS:
        for suffix in ("csv", "json", "xlsx"):
            if (folder / f"{name}.{suffix}").is_file():
                found[name] = (str(folder / f"{name}.{suffix}"), f"{name}.{suffix}", None)
                break
    if not found:
        raise InvalidInputError(f"{source} has none of {', '.join(k + '.csv' for k in KINDS)}")
    return found


def _workbook_sources(path: Path) -> dict[str, tuple[str, str, str | None]]:
    """`import all BOOK.xlsx`: the sheets named after kinds, as `export all BOOK.xlsx` writes."""
    from reftrack.files.xlsx import sheet_names
    from reftrack.records import KINDS

    with _input(str(path)) as binary:
        titles = sheet_names(binary, name=path.name)
    found: dict[str, tuple[str, str, str | None]] = {
        name: (str(path), path.name, name) for name in KINDS if name in titles
    }
    if not found:
        raise InvalidInputError(
            f"{path.name} has no sheet named after a kind (its sheets: {', '.join(titles)}); "
            f"name them {', '.join(KINDS)}, or import one sheet with `import KIND --sheet`"
        )
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


import_command.__doc__ = IMPORT_HELP


def register(app: typer.Typer) -> None:
    """Add the import and export commands to the root app."""
    app.command("import")(import_command)
    app.command("export")(export_command)
