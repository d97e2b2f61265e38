"""`reftrack export`: records to CSV, JSON, Excel (.xlsx) and, for follow-ups, a calendar.

Thin: choose the format, open the output (whole or not at all), call reftrack.transfer.
`cli.transfer` registers it beside `import`.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from reftrack.cli import common
from reftrack.errors import InvalidInputError


class Kind(StrEnum):
    """The kinds of records.KINDS, and all (tests/test_architecture.py holds them together;
    spelled out here so that `--help` does not import the records module)."""

    advocates = "advocates"
    asks = "asks"
    referrals = "referrals"
    intros = "intros"
    gifts = "gifts"
    followups = "followups"
    scores = "scores"
    events = "events"
    targets = "targets"
    target_links = "target_links"
    notes = "notes"
    all = "all"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    ics = "ics"


KindArg = Annotated[
    Kind,
    typer.Argument(
        help="advocates, asks, referrals, intros, gifts, followups, scores, events, targets, "
        "target_links, notes, or all."
    ),
]

EXPORT_HELP = """Write records to a CSV, JSON or Excel file (stdout when FILE is - or left out).

The format is --format, else the FILE's suffix (.xlsx, .json, .ics), else CSV. CSV has
the canonical columns (ISO dates, ids, the advocate's name beside its id); a cell a
spreadsheet would run as a formula gets a leading apostrophe; --bom adds the byte-order
mark that Excel and LibreOffice need to show accented names right. An .xlsx workbook has
typed cells: text stays text (leading zeros kept, never a formula), dates are dates,
money a number with two decimals. `all` writes one file per kind (advocates, asks,
referrals, intros, gifts, followups, scores, events, targets, target_links, notes) into
the folder FILE, or with .xlsx one workbook with a sheet per kind. `followups --format ics`
writes a calendar: open follow-ups, and for 30 days the ones done or cancelled, marked
cancelled so calendars drop them.

Examples:

  reftrack export advocates advocates.csv --bom

  reftrack export advocates advocates.xlsx

  reftrack export referrals --format json | jq '.[] | select(.status == "won")'

  reftrack export all backup/

  reftrack export followups followups.ics --alarm 09:00
"""


def _alarm(value: str | None) -> time | None:
    if value is None:
        return None
    found = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise typer.BadParameter(f"{value!r} is not a time of day; give HH:MM, e.g. --alarm 09:00")
    return time(int(found[1]), int(found[2]))


def _format(given: ExportFormat | None, target: str, kind: Kind) -> ExportFormat:
    if given is not None:
        return given
    suffix = Path(target).suffix.casefold().lstrip(".")
    if suffix in ("xlsx", "json", "ics"):
        return ExportFormat(suffix)
    return ExportFormat.csv


def export_command(
    kind: KindArg,
    target: Annotated[
        str,
        typer.Argument(
            help="File, - for stdout, or a folder (or an .xlsx) for `all`.", show_default=False
        ),
    ] = "-",
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, json, xlsx, or ics (followups); default: FILE's suffix, else csv.",
            show_default=False,
        ),
    ] = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="CSV: start with a UTF-8 byte-order mark (for Excel).")
    ] = False,
    alarm: Annotated[
        str | None,
        typer.Option(
            "--alarm",
            help="ICS: a reminder at HH:MM on each follow-up's day, e.g. 09:00.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from reftrack import render

    if not target.strip():  # Path("") is the current folder: never write there unasked
        raise InvalidInputError(
            "the export target is empty; give a file, - for stdout, or a folder"
        )
    chosen = _format(fmt, target, kind)
    reminder = _alarm(alarm)
    if chosen is ExportFormat.ics and kind is not Kind.followups:
        raise InvalidInputError("--format ics is for `export followups`; use csv, json or xlsx")
    if reminder is not None and chosen is not ExportFormat.ics:
        raise InvalidInputError("--alarm is for a calendar: `export followups FILE.ics`")
    if bom and chosen is not ExportFormat.csv:
        raise InvalidInputError(f"--bom is for CSV files; {chosen.value} has no byte-order mark")
    if chosen is ExportFormat.xlsx and target == "-":
        raise InvalidInputError("an .xlsx workbook is not text: give a file name ending .xlsx")
    if kind is Kind.all:
        _export_all(target, chosen, bom)
        return
    if chosen is ExportFormat.xlsx:
        with common.read_session() as session, _output(target, binary=True) as stream:
            rows = _write_xlsx(session, [kind.value], stream)[kind.value]
        render.message(f"exported {rows} {kind.value} to {target}")
        return
    with common.read_session() as session, _output(target, bom=bom) as stream:
        if chosen is ExportFormat.ics:
            _write_ics(session, stream, reminder)
            return
        from reftrack.transfer import export

        done = export.export_table(session, kind=kind.value, stream=stream, fmt=chosen.value)
    if target != "-":
        render.message(f"exported {done.rows} {kind.value} to {target}")


def _export_all(target: str, chosen: ExportFormat, bom: bool) -> None:
    from reftrack import render
    from reftrack.records import KINDS
    from reftrack.transfer import export

    if target == "-":
        raise InvalidInputError("`export all` writes one file per kind: give a folder")
    if chosen is ExportFormat.xlsx and target.casefold().endswith(".xlsx"):
        with common.read_session() as session, _output(target, binary=True) as stream:
            counts = _write_xlsx(session, list(KINDS), stream)
        for name, rows in counts.items():
            render.message(f"exported {rows} {name} to {target} (sheet {name})")
        return
    folder = _export_folder(Path(target))
    with common.read_session() as session:
        for name in KINDS:
            path = folder / f"{name}.{chosen.value}"
            if chosen is ExportFormat.xlsx:
                with _output(str(path), binary=True) as binary:
                    rows = _write_xlsx(session, [name], binary)[name]
            else:
                with _output(str(path), bom=bom) as stream:
                    rows = export.export_table(
                        session, kind=name, stream=stream, fmt=chosen.value
                    ).rows
            render.message(f"exported {rows} {name} to {path}")


def _write_xlsx(session: Any, kinds: list[str], binary: IO[bytes]) -> dict[str, int]:
    from reftrack.files.xlsx import Sheet, write_workbook
    from reftrack.records import COLUMNS
    from reftrack.transfer.export import export_rows

    connection = session.connection()
    sheets = (Sheet(k, k, COLUMNS[k], export_rows(connection, kind=k)) for k in kinds)
    return write_workbook(binary, sheets)


def _write_ics(session: Any, stream: IO[str], alarm: time | None) -> None:
    from datetime import date, timedelta

    from reftrack.db_file import SessionReader
    from reftrack.files.ics import CANCELLED_FOR_DAYS, calendar_bytes
    from reftrack.services.due import calendar_entries, due_items
    from reftrack.transfer.export import closed_follow_ups

    today = common.today()
    items = due_items(SessionReader(session), as_of=today, until=date.max)
    closed = closed_follow_ups(session, since=today - timedelta(days=CANCELLED_FOR_DAYS))
    entries = [*calendar_entries(items), *closed]
    stream.write(calendar_bytes(entries, alarm=alarm).decode("utf-8"))


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
def _output(target: str, *, bom: bool = False, binary: bool = False) -> Iterator[Any]:
    """stdout, or a file that appears whole or not at all (written aside, then renamed)."""
    if target == "-":
        if bom:
            sys.stdout.write("\ufeff")
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
        if binary:
            with os.fdopen(handle, "wb") as raw:
                yield raw
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                if bom:
                    stream.write("\ufeff")
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


export_command.__doc__ = EXPORT_HELP
