"""Real exports as their programs write them (docs/formats.md, "Files as they come"):
nameless contacts, Google's ``:::``, HubSpot's ``null`` and repeated headers, LinkedIn's
Position and URL, and malformed quoting refused with the line named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DATA, Invoke, assert_one_line_error, ok


def advocates(cli: Invoke) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        ok(cli("export", "advocates", "--format", "json")).stdout
    )
    return rows


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def test_a_contact_without_a_name_is_named_from_its_email_else_its_phone(
    cli: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "contacts.csv",
        "Name,E-mail 1 - Value,Phone 1 - Value\n"
        "Anna,anna@beta.nl,\n"
        ",only@mail.nl,0612345678\n"
        ",,0201234567\n"
        ",second@mail.nl,\n",
    )
    result = ok(cli("import", "advocates", path, "--preset", "google"))
    assert "4 inserted" in result.stderr
    assert "2 named from their e-mail, 1 named from their phone" in result.stderr
    names = {row["name"]: (row["email"], row["phone"]) for row in advocates(cli)}
    assert names == {
        "Anna": ("anna@beta.nl", None),
        "only@mail.nl": ("only@mail.nl", "0612345678"),
        "0201234567": (None, "0201234567"),
        "second@mail.nl": ("second@mail.nl", None),
    }
    again = ok(cli("import", "advocates", path, "--preset", "google"))
    assert "0 inserted, 0 updated, 4 skipped" in again.stderr


def test_a_row_with_neither_name_email_nor_phone_is_still_refused(
    cli: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.csv", "Name,Company\nAnna,Beta\n,Acme\n")
    result = cli("import", "advocates", path)
    assert result.exit_code == 1
    assert "c.csv line 3, column 'Name': is empty" in result.stderr
    assert advocates(cli) == []


def test_googles_multi_values_keep_the_first_and_the_others_go_to_the_notes(
    cli: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "google.csv",
        "Name,E-mail 1 - Value,Phone 1 - Value,Notes\n"
        "Anna,a@x.nl ::: b@x.nl,+91 1 ::: +91 2 ::: +91 3,met at the fair\n"
        "Piet,p@x.nl,0612345678 ::: ,\n",
    )
    ok(cli("import", "advocates", path, "--preset", "google"))
    anna, piet = advocates(cli)
    assert (anna["email"], anna["phone"]) == ("a@x.nl", "+91 1")
    assert anna["notes"] == "met at the fair\nalso email: b@x.nl\nalso phone: +91 2; +91 3"
    assert (piet["phone"], piet["notes"]) == ("0612345678", None)


def test_a_restore_keeps_a_literal_null_and_colons_as_they_are(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("advocate", "add", "null", "--note", "a ::: b", "--email", "n@x.nl"))
    path = tmp_path / "a.csv"
    ok(cli("export", "advocates", str(path)))
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    ok(cli("import", "advocates", str(path), env=other))
    assert ok(cli("export", "advocates", env=other)).stdout == path.read_text()


def test_hubspot_null_cells_are_empty_and_a_repeated_header_keeps_its_first_column(
    cli: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "hubspot.csv",
        "Record ID,First Name,Last Name,Email,Phone Number,Email,Company Name\n"
        "101,Piet,null,piet@b.nl,null,other@b.nl,null\n"
        "102,null,null,x@y.nl,null,,Acme\n",
    )
    result = ok(cli("import", "advocates", path, "--preset", "hubspot"))
    warnings = [line for line in result.stderr.splitlines() if "more than once" in line]
    assert warnings == [
        "warning: hubspot.csv: the header has 'Email' more than once; reading the first "
        "column of each name, ignoring the later ones"
    ]
    assert "1 named from their e-mail" in result.stderr
    rows = [(r["name"], r["email"], r["phone"], r["company"]) for r in advocates(cli)]
    assert rows == [("Piet", "piet@b.nl", None, None), ("x@y.nl", "x@y.nl", None, "Acme")]


def test_linkedin_position_and_url_are_kept(cli: Invoke) -> None:
    path = str(DATA / "linkedin_connections.csv")
    ok(cli("import", "advocates", path, "--preset", "linkedin"))
    anna = next(row for row in advocates(cli) if row["name"] == "Anna de Vries")
    assert (anna["title"], anna["url"]) == ("CEO", "https://www.linkedin.com/in/annadevries")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            'name,company\nAnna,"Bakkerij\nPiet,X\nJan,Y\n',
            ["people.csv line 2: a quote opened in this record is never closed"],
        ),
        (
            'name,company\nAnna,X\nPiet,"Bakkerij"x\nJan,Y\n',
            ["people.csv line 3: text after a closing quote", 'double the quotes inside it ("")'],
        ),
    ],
)
def test_a_malformed_csv_is_one_error_naming_the_line_and_nothing_is_written(
    cli: Invoke, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = write(tmp_path / "people.csv", text)
    assert_one_line_error(cli("import", "advocates", path), *fragments)
    assert advocates(cli) == []


def test_a_malformed_csv_past_the_first_chunk_writes_nothing_either(
    cli: Invoke, tmp_path: Path
) -> None:
    rows = "".join(f"Person {n},Acme\n" for n in range(5000))
    path = write(tmp_path / "people.csv", f'name,company\n{rows}Anna,"Bakkerij\nPiet,X\n')
    assert_one_line_error(cli("import", "advocates", path), "people.csv line 5002: a quote")
    assert advocates(cli) == []


def test_bom_starts_a_csv_export_with_a_byte_order_mark_and_reads_back(
    cli: Invoke, tmp_path: Path
) -> None:
    ok(cli("advocate", "add", "Zoë Müller", "--phone", "0201234567"))
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    ok(cli("export", "advocates", str(plain)))
    ok(cli("export", "advocates", str(marked), "--bom"))
    assert marked.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    other = {"REFTRACK_DB": str(tmp_path / "other.db")}
    ok(cli("import", "advocates", str(marked), env=other))
    assert ok(cli("export", "advocates", env=other)).stdout == plain.read_text(encoding="utf-8")
    ok(cli("export", "all", str(tmp_path / "all"), "--bom"))
    assert (tmp_path / "all" / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")


def test_an_imported_score_without_its_date_is_dated_the_day_of_the_import(
    cli: Invoke, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,email,nps\nAnna,anna@example.test,9\n", encoding="utf-8")
    second.write_text("name,email,nps\nAnna,anna@example.test,6\n", encoding="utf-8")
    ok(cli("import", "advocates", str(first)))  # a new file: the fast lane
    shown = ok(cli("advocate", "show", "anna")).stdout
    assert "9 (promoter, 2026-03-16)" in shown and "None" not in shown
    ok(cli("import", "advocates", str(second), env={"REFTRACK_TODAY": "2026-04-01"}))
    profile = json.loads(ok(cli("advocate", "show", "anna", "--format", "json")).stdout)
    assert (profile["advocate"]["nps"], profile["advocate"]["nps_on"]) == (6, "2026-04-01")
    assert [s["scored_on"] for s in profile["nps_history"]] == ["2026-03-16", "2026-04-01"]
