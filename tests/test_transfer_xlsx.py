"""Excel workbooks in and out (files/xlsx.py): typed cells checked by two other readers
(python-calamine, and the sheet's XML read with the standard library), and imports of
workbooks as a spreadsheet program leaves them."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from tests.helpers import Invoke, assert_one_line_error, ok
from tests.test_transfer_roundtrip import KINDS, export_all, seed

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_xml(path: Path, number: int = 1) -> list[dict[str, Any]]:
    """The cells of a sheet as its XML has them: reference, type, style, value, formula."""
    with zipfile.ZipFile(path) as book:
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{number}.xml"))
    cells = []
    for cell in root.iter(f"{MAIN}c"):
        text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
        value = cell.find(f"{MAIN}v")
        cells.append(
            {
                "ref": cell.get("r"),
                "type": cell.get("t"),
                "style": cell.get("s"),
                "value": text if cell.get("t") == "inlineStr" else getattr(value, "text", None),
                "formula": cell.find(f"{MAIN}f") is not None,
            }
        )
    return cells


def number_formats(path: Path) -> dict[str, str]:
    """Style index → its number format code, from xl/styles.xml."""
    builtin = {"0": "General", "2": "0.00", "14": "mm-dd-yy"}
    with zipfile.ZipFile(path) as book:
        root = ElementTree.fromstring(book.read("xl/styles.xml"))
    custom = {f.get("numFmtId"): f.get("formatCode") for f in root.iter(f"{MAIN}numFmt")}
    xfs = root.find(f"{MAIN}cellXfs")
    assert xfs is not None
    formats = {}
    for index, xf in enumerate(xfs.iter(f"{MAIN}xf")):
        found = xf.get("numFmtId", "0")
        formats[str(index)] = custom.get(found) or builtin.get(found, found)
    return formats


def test_an_xlsx_export_has_typed_cells_and_never_a_formula(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    path = tmp_path / "referrals.xlsx"
    ok(cli("export", "referrals", str(path)))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("referrals").to_python()
    header, piet, sara = rows
    piet_row = dict(zip(header, piet, strict=True))
    assert piet_row["phone"] == "0687654321"  # text: the leading zero is kept
    assert piet_row["received_on"] == date(2026, 3, 3)
    assert piet_row["value"] == 12500.5
    assert dict(zip(header, sara, strict=True))["prospect"] == "@Sara Jansen"

    cells = sheet_xml(path)
    assert not any(cell["formula"] for cell in cells)
    by_ref = {cell["ref"]: cell for cell in cells}
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    assert by_ref[f"{column['phone']}2"]["type"] == "inlineStr"
    assert by_ref[f"{column['value']}2"]["type"] == "n"
    formats = number_formats(path)
    assert formats[by_ref[f"{column['value']}2"]["style"]] == "0.00"
    assert formats[by_ref[f"{column['received_on']}2"]["style"]] == "yyyy-mm-dd"
    lost = by_ref[f"{column['lost_reason']}3"]
    assert (lost["type"], lost["value"]) == ("inlineStr", "+budget, next year")


def test_a_cell_that_starts_with_an_equals_sign_is_text(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("advocate", "add", '=HYPERLINK("x")', "--note", "=1+1", "--phone", "+31 6 1"))
    path = tmp_path / "a.xlsx"
    ok(cli("export", "advocates", str(path)))
    cells = sheet_xml(path)
    values = {cell["value"]: cell for cell in cells}
    for text in ('=HYPERLINK("x")', "=1+1", "+31 6 1"):
        assert values[text]["type"] == "inlineStr" and not values[text]["formula"]
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value} <= {
        "s",
        "n",
        "b",
        "d",
    }


def test_every_kind_round_trips_through_xlsx(cli: Invoke, tmp_path: Path) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "csv")
    ok(cli("export", "all", str(tmp_path / "book.xlsx")))
    book = CalamineWorkbook.from_path(str(tmp_path / "book.xlsx"))
    assert book.sheet_names == list(KINDS)
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    result = ok(cli("import", "all", str(tmp_path / "book.xlsx"), env=other))
    assert "imported advocates from book.xlsx sheet 'advocates': 3 inserted" in result.stderr
    assert export_all(cli, tmp_path / "back", other) == before


def test_export_all_as_xlsx_files_in_a_folder_and_import_all_reads_them(
    cli: Invoke, tmp_path: Path
) -> None:
    seed(cli)
    before = export_all(cli, tmp_path / "csv")
    ok(cli("export", "all", str(tmp_path / "out"), "--format", "xlsx"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{kind}.xlsx" for kind in KINDS
    )
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    ok(cli("import", "all", str(tmp_path / "out"), env=other))
    assert export_all(cli, tmp_path / "back", other) == before


def contacts_workbook(path: Path) -> None:
    """A workbook as a person makes one: a title row, typed cells, a second sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Klanten"
    sheet.append(["Customers 2026"])
    sheet.append(["Name", "Phone", "Customer since", "NPS", "Company"])
    sheet.append(["Anna de Vries", "0201234567", date(2024, 5, 1), 9, "Beta BV"])
    sheet.append(["Jan Smit", 612345678, date(2023, 1, 10), 7.0, None])
    sheet.append([None, None, None, None, None])
    other = book.create_sheet("Prospects")
    other.append(["Name", "Email"])
    other.append(["Sara Jansen", "sara@jansen.example"])
    book.save(path)


def test_import_reads_the_first_sheet_or_the_one_named(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "klanten.xlsx"
    contacts_workbook(path)
    result = ok(cli("import", "advocates", str(path)))
    assert "imported advocates from klanten.xlsx sheet 'Klanten': 2 inserted" in result.stderr
    rows = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)
    assert [(r["name"], r["phone"], r["customer_since"], r["nps"]) for r in rows] == [
        ("Anna de Vries", "0201234567", "2024-05-01", 9),
        ("Jan Smit", "612345678", "2023-01-10", 7),
    ]
    ok(cli("import", "advocates", str(path), "--sheet", "Prospects"))
    names = [r["name"] for r in json.loads(ok(cli("export", "advocates", "-f", "json")).stdout)]
    assert names == ["Anna de Vries", "Jan Smit", "Sara Jansen"]


def test_a_bad_cell_in_a_workbook_names_its_sheet_and_row(cli: Invoke, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "NPS"])
    sheet.append(["Anna", 9])
    sheet.append(["Jan", 11])
    book.save(tmp_path / "x.xlsx")
    result = cli("import", "advocates", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert "x.xlsx sheet 'Sheet' row 3, column 'NPS': '11' is not a score" in result.stderr


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (
            ["--sheet", "Nope"],
            ["klanten.xlsx has no sheet 'Nope' (its sheets: Klanten, Prospects)"],
        ),
    ],
)
def test_an_unknown_sheet_is_refused(
    cli: Invoke, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    path = tmp_path / "klanten.xlsx"
    contacts_workbook(path)
    assert_one_line_error(cli("import", "advocates", str(path), *args), *fragments)


def test_refusals_of_workbooks(cli: Invoke, tmp_path: Path) -> None:
    fake = tmp_path / "contacts.xlsx"
    fake.write_text("name\nAnna\n")
    assert_one_line_error(
        cli("import", "advocates", str(fake)), "contacts.xlsx is not an .xlsx workbook"
    )
    zipped = tmp_path / "other.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert_one_line_error(
        cli("import", "advocates", str(zipped)), "other.xlsx is not an .xlsx workbook"
    )
    csv = tmp_path / "a.csv"
    csv.write_text("name\nAnna\n")
    assert_one_line_error(
        cli("import", "advocates", str(csv), "--sheet", "x"), "--sheet is for .xlsx workbooks"
    )
    assert_one_line_error(
        cli("export", "advocates", "-", "--format", "xlsx"), "give a file name ending .xlsx"
    )
    assert json.loads(ok(cli("export", "advocates", "--format", "json")).stdout) == []


def test_money_in_a_workbook_is_exact(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("advocate", "add", "Anna"))
    ok(cli("referral", "add", "Anna", "Piet", "--on", "2026-03-01", "--organic"))
    ok(cli("referral", "move", "Piet", "won", "--value", "1234567.89", "--on", "2026-03-02"))
    path = tmp_path / "r.xlsx"
    ok(cli("export", "referrals", str(path)))
    value = next(c for c in sheet_xml(path) if c["value"] and "1234567" in c["value"])
    assert Decimal(value["value"]) == Decimal("1234567.89")


def test_the_progress_bar_moves_through_a_workbook(tmp_path: Path) -> None:
    """openpyxl reads the zip itself: the bar goes by rows, as a share of the file."""
    from reftrack.files import tables

    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email"])
    for number in range(3000):
        sheet.append([f"Person {number}", f"p{number}@example.test"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    seen = []
    with path.open("rb") as binary:
        table = tables.open_table(binary, tables.Options("advocates"), name="people.xlsx")
        for count, _ in enumerate(table, start=1):
            if count % 1000 == 0:
                seen.append(table.bytes_read)
    size = path.stat().st_size
    assert seen == sorted(seen) and 0 < seen[0] < seen[-1] <= size
    assert table.bytes_read == size
