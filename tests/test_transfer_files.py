"""Files as they come from LinkedIn, Google, Outlook, HubSpot and Excel (tests/data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DATA, Invoke, ok

pytestmark = pytest.mark.both_engines


def advocates(cli: Invoke) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        ok(cli("export", "advocates", "--format", "json")).stdout
    )
    return rows


def people(cli: Invoke, *fields: str) -> list[tuple[Any, ...]]:
    return [tuple(row[f] for f in fields) for row in advocates(cli)]


def test_linkedin_connections_with_notes_preamble(cli: Invoke) -> None:
    result = ok(
        cli("import", "advocates", str(DATA / "linkedin_connections.csv"), "--preset", "linkedin")
    )
    assert people(cli, "name", "email", "company") == [
        ("Anna de Vries", "anna@beta.nl", "Beta BV"),
        ("Jan 't Hart", None, "Hart, Bakker & Zn"),
        ("Zoë Müller", "zoe@example.de", "Gamma GmbH"),
    ]
    # deactivated profiles (no name) are skipped and counted; URL/Position are not warned about
    assert result.stderr == (
        "imported advocates from linkedin_connections.csv: 3 inserted, 0 updated, "
        "0 skipped (unchanged), 2 blank rows skipped\n"
    )


def test_linkedin_reimport_adds_nothing(cli: Invoke) -> None:
    path = str(DATA / "linkedin_connections.csv")
    ok(cli("import", "advocates", path, "--preset", "linkedin"))
    result = ok(cli("import", "advocates", path, "--preset", "linkedin"))
    assert "0 inserted, 0 updated, 3 skipped (unchanged), 2 blank rows skipped" in result.stderr
    assert len(advocates(cli)) == 3


def test_google_contacts_new_and_old_headers(cli: Invoke) -> None:
    ok(cli("import", "advocates", str(DATA / "google_contacts.csv"), "--preset", "google"))
    ok(cli("import", "advocates", str(DATA / "google_contacts_old.csv"), "--preset", "google"))
    assert people(cli, "name", "email", "phone", "company", "notes") == [
        ("Piet Bakker", "piet@bakker.nl", "0612345678", "Bakker Logistiek", "Met at the fair"),
        ("Sara Jansen", "sara@jansen.nl", "+31 6 98765432", None, None),
        ("Kees de Boer", "kees@deboer.nl", "0687654321", "De Boer BV", None),
    ]


def test_outlook_prefers_the_mobile_number(cli: Invoke) -> None:
    ok(cli("import", "advocates", str(DATA / "outlook_contacts.csv"), "--preset", "outlook"))
    assert people(cli, "name", "email", "phone", "company") == [
        ("Lisa Smit", "lisa@smit.nl", "06 11122233", "Smit & Co"),
        ("Tom Visser", "tom@visser.nl", "020 7654321", None),
    ]


def test_hubspot_keeps_leading_zeros_and_warns_once_about_unknown_columns(cli: Invoke) -> None:
    result = ok(
        cli("import", "advocates", str(DATA / "hubspot_contacts.csv"), "--preset", "hubspot")
    )
    assert people(cli, "name", "phone", "company") == [
        ("Eva Mulder", "0031612312312", "Mulder Media"),
        ("Bram Dekker", None, "Dekker IT"),
    ]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert warnings == [
        "warning: hubspot_contacts.csv: ignoring unknown columns Record ID, Lifecycle Stage, "
        "Contact owner (read one with --map 'COLUMN=field')"
    ]


def test_a_preset_that_does_not_fit_the_file_is_refused(cli: Invoke) -> None:
    result = cli("import", "advocates", str(DATA / "semicolon.csv"), "--preset", "linkedin")
    assert result.exit_code == 1
    assert "does not look like a LinkedIn Connections.csv" in result.stderr


def test_cp1252_is_detected_and_said(cli: Invoke) -> None:
    result = ok(cli("import", "advocates", str(DATA / "cp1252.csv")))
    assert people(cli, "name", "company", "notes") == [
        ("René Müller", "Café de Flore", "“smart quotes” – and a € sign"),
        ("Françoise Dubois", "Crêperie", None),
    ]
    assert "note: cp1252.csv is not UTF-8; reading it as cp1252" in result.stderr


def test_a_file_is_checked_whole_for_its_encoding(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"name\n" + b"Anna\n" * 20_000 + "Ren\u00e9\n".encode("cp1252"))
    result = ok(cli("import", "advocates", str(path)))
    assert "reading it as cp1252" in result.stderr
    assert advocates(cli)[-1]["name"] == "Ren\u00e9"


def test_bytes_that_are_not_the_given_encoding_are_an_error_naming_encoding(
    cli: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"name\n" + b"Anna\n" * 20_000 + "Ren\u00e9\n".encode("cp1252"))
    result = cli("import", "advocates", str(path), "--encoding", "utf-8")
    assert result.exit_code == 1
    assert "late.csv line 20002 is not utf-8 (byte b'\\xe9'); give the file's --encoding" in (
        result.stderr
    )
    assert advocates(cli) == []


def test_utf8_with_bom_and_aliases(cli: Invoke) -> None:
    ok(cli("import", "advocates", str(DATA / "bom.csv")))
    assert people(cli, "name", "email", "company", "phone") == [
        ("Ümit Yılmaz", "umit@example.tr", "Yılmaz Ltd", "0532 123 45 67")
    ]


def test_semicolons_sniffed_and_unknown_headers_mapped(cli: Invoke) -> None:
    ok(
        cli(
            "import",
            "advocates",
            str(DATA / "semicolon.csv"),
            "--map",
            "Naam=name",
            "--map",
            "Telefoon=phone",
        )
    )
    assert people(cli, "name", "email", "phone", "company", "nps") == [
        ("Henk de Groot", "henk@groot.nl", "0612345678", "Groot, Klein & Partners", 9),
        ("Ingrid Bos", "ingrid@bos.nl", "010-1234567", "Bos BV", 7),
    ]


def test_tab_delimited(cli: Invoke) -> None:
    ok(cli("import", "advocates", str(DATA / "tab.tsv"), "--delimiter", "tab"))
    assert people(cli, "name", "company") == [("Olga Petrova", "Delta; Epsilon")]


def test_crlf_with_quoted_newlines_delimiters_and_quotes(cli: Invoke) -> None:
    ok(cli("import", "advocates", str(DATA / "crlf_quoted.csv")))
    assert people(cli, "name", "company", "notes") == [
        ("Anna de Vries", "Beta, Inc.", "first line\r\nsecond line, with a comma"),
        ('Karel "KJ" Jansen', None, 'said: "ask me in May"'),
    ]


def test_ambiguous_dates_need_date_order(cli: Invoke) -> None:
    path = str(DATA / "dmy_dates.csv")
    result = cli("import", "advocates", path)
    assert result.exit_code == 1
    assert (
        "dmy_dates.csv line 2, column 'customer_since': '03-04-2025' could be day-month or "
        "month-day; give --date-order dmy or --date-order mdy"
    ) in result.stderr
    assert advocates(cli) == []
    ok(cli("import", "advocates", path, "--date-order", "dmy"))
    assert people(cli, "name", "customer_since", "nps_on") == [
        ("Anna de Vries", "2025-04-03", "2025-04-05"),
        ("Bob Smit", "2024-12-25", "2025-01-31"),
    ]


def test_mdy_reads_the_other_way(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("name,customer_since\nAnna,03/04/2025\nBob,12/25/2024\n")
    ok(cli("import", "advocates", str(path), "--date-order", "mdy"))
    assert people(cli, "customer_since") == [("2025-03-04",), ("2024-12-25",)]


def test_stdin_and_the_apostrophe_rule(cli: Invoke) -> None:
    text = "name,company,notes\n'=Anna,'t Hart,''quoted\nBob,'-minus,'+plus\n"
    ok(cli("import", "advocates", "-", input=text))
    assert people(cli, "name", "company", "notes") == [
        ("=Anna", "'t Hart", "'quoted"),
        ("Bob", "-minus", "+plus"),
    ]


def test_matching_by_email_case_insensitively_then_name_and_company(cli: Invoke) -> None:
    ok(
        cli(
            "import",
            "advocates",
            "-",
            input="name,email,company\nAnna,anna@beta.nl,Beta\nBob,,Smit\n",
        )
    )
    result = ok(
        cli(
            "import",
            "advocates",
            "-",
            input="Full Name,E-mail,Company,Phone\nAnna V.,ANNA@Beta.nl,Beta,0611\n"
            "bob,,smit,0622\nCarla,,,\n",
        )
    )
    assert "1 inserted, 2 updated, 0 skipped" in result.stderr
    # a file without ids fills in and updates, but an empty cell does not erase
    assert people(cli, "id", "name", "email", "phone") == [
        (1, "Anna V.", "ANNA@Beta.nl", "0611"),
        (2, "bob", None, "0622"),
        (3, "Carla", None, None),
    ]


def test_asks_by_advocate_name(cli: Invoke) -> None:
    ok(cli("import", "advocates", "-", input="name\nAnna de Vries\nBob\n"))
    result = ok(
        cli(
            "import",
            "asks",
            "-",
            input="advocate,asked_on,channel,outcome\nAnna de Vries,2026-03-01,Phone,No response\n",
        )
    )
    assert "1 inserted" in result.stderr
    [ask] = json.loads(ok(cli("export", "asks", "--format", "json")).stdout)
    assert (ask["advocate_id"], ask["channel"], ask["outcome"]) == (1, "phone", "no_response")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("email,company", "has no name column (its header: email, company)"),
        ("advocate_id,target", "has no asked_on column"),
    ],
)
def test_missing_required_columns(cli: Invoke, header: str, message: str) -> None:
    kind = "advocates" if "email" in header else "asks"
    result = cli("import", kind, "-", input=header + "\nx,y\n")
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_large_file_in_many_chunks_matches_across_chunks(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    lines = ["name,email"] + [f"Person {i},p{i}@example.com" for i in range(5000)]
    lines.append("Person 0 again,P0@EXAMPLE.COM")
    path.write_text("\n".join(lines) + "\n")
    result = ok(cli("import", "advocates", str(path)))
    assert "5000 inserted, 1 updated, 0 skipped" in result.stderr
    assert result.stderr.count("\n") == 1  # no progress bar when stderr is not a terminal
