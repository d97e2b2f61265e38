"""Bad files: every bad row reported (line, column, reason), then one error line, exit 1,
and nothing written — not even the good rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import DATA, Invoke, assert_one_line_error, ok

pytestmark = pytest.mark.both_engines


def count(cli: Invoke, kind: str = "advocates") -> int:
    return len(json.loads(ok(cli("export", kind, "--format", "json")).stdout))


def seed(cli: Invoke) -> None:
    ok(cli("import", "advocates", "-", input="name,email\nExisting One,one@example.com\n"))


def test_empty_file(cli: Invoke) -> None:
    seed(cli)
    result = cli("import", "advocates", str(DATA / "bad_empty.csv"))
    assert_one_line_error(result, "error: bad_empty.csv is empty; there is nothing to import")
    assert count(cli) == 1


def test_header_only_imports_nothing_and_says_so(cli: Invoke) -> None:
    seed(cli)
    result = ok(cli("import", "advocates", str(DATA / "bad_header_only.csv")))
    assert result.stderr == (
        "imported advocates from bad_header_only.csv: 0 inserted, 0 updated, "
        "0 skipped (unchanged), 0 blank rows skipped\n"
    )
    assert count(cli) == 1


def test_ragged_rows_are_reported_each(cli: Invoke) -> None:
    seed(cli)
    result = cli("import", "advocates", str(DATA / "bad_ragged.csv"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "bad_ragged.csv line 3: has 4 cells but the header has 3; quote cells that contain "
        "the delimiter, or check --delimiter",
        "bad_ragged.csv line 4: has 2 cells but the header has 3; quote cells that contain "
        "the delimiter, or check --delimiter",
        "error: 2 bad rows (2 in bad_ragged.csv); nothing was imported: fix them and run again",
    ]
    assert count(cli) == 1  # Anna on line 2 was fine, but nothing is half-written


def test_invalid_values_on_line_5_name_line_column_and_reason(cli: Invoke) -> None:
    seed(cli)
    result = cli("import", "advocates", str(DATA / "bad_value_line5.csv"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad_value_line5.csv line 5, column 'nps': '11' is not a score; give a whole number 0-10",
        "bad_value_line5.csv line 5, column 'customer_since': '2025-02-30' does not exist on "
        "the calendar",
        "bad_value_line5.csv line 5, column 'source': 'fax' is not one of referral, inbound, "
        "outbound, event, network, other",
        "error: 1 bad row (1 in bad_value_line5.csv); nothing was imported: fix them and run again",
    ]
    assert count(cli) == 1


def test_errors_of_every_row_are_listed_not_only_the_first(cli: Invoke) -> None:
    text = "name,nps\n" + "".join(f"P{i},{i}\n" for i in range(20))
    result = cli("import", "advocates", "-", input=text)
    assert result.exit_code == 1
    bad = [line for line in result.stderr.splitlines() if "is not a score" in line]
    assert [line.split(",")[0] for line in bad] == [f"stdin line {n}" for n in range(13, 22)]
    assert result.stderr.splitlines()[-1].startswith("error: 9 bad rows")
    assert count(cli) == 0


def test_bad_links_and_money_in_referrals(cli: Invoke) -> None:
    seed(cli)
    text = "advocate_id,prospect,received_on,status,value\n1,Piet,2026-03-01,won,12.500,00\n"
    result = cli("import", "referrals", "-", input=text)
    assert "stdin line 2: has 6 cells but the header has 5" in result.stderr
    text = (
        "advocate_id,prospect,received_on,status,value\n"
        '1,Piet,2026-03-01,won,"12.500,00"\n'
        "7,Sara,2026-03-02,maybe,ten\n"
        ",Kees,2026-03-03,new,\n"
    )
    result = cli("import", "referrals", "-", input=text)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        "stdin line 3, column 'status': 'maybe' is not one of new, contacted, meeting, "
        "proposal, won, lost",
        "stdin line 3, column 'value': amount 'ten' is not an amount; use e.g. 12500 or 12500.50",
        "stdin line 4, column 'advocate_id': is empty; every row needs its advocate",
    ]
    assert count(cli, "referrals") == 0
    ok(cli("import", "referrals", "-", input=text.splitlines()[0] + "\n" + text.splitlines()[1]))
    [won] = json.loads(ok(cli("export", "referrals", "--format", "json")).stdout)
    assert won["value"] == "12500.00"


def test_a_link_to_a_missing_record_is_a_row_error(cli: Invoke) -> None:
    seed(cli)
    result = cli("import", "asks", "-", input="advocate_id,asked_on\n1,2026-03-01\n42,2026-03-02\n")
    assert result.exit_code == 1
    assert "stdin line 3, column 'advocate_id': there is no advocate #42" in result.stderr
    assert count(cli, "asks") == 0


def test_a_broken_workbook_is_refused_with_the_fix(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = cli("import", "advocates", str(path))
    assert_one_line_error(
        result, "contacts.xlsx is not an .xlsx workbook that can be read", "save it again as .xlsx"
    )


def test_usage_mistakes(cli: Invoke, tmp_path: Path) -> None:
    assert_one_line_error(cli("import", "advocates", str(tmp_path / "nope.csv")), "cannot read")
    assert_one_line_error(
        cli("import", "asks", "-", "--preset", "google", input="x\n"), "--preset reads contacts"
    )
    assert_one_line_error(
        cli("import", "advocates", "-", "--map", "Naam", input="x\n"), "is not SRC=FIELD"
    )
    assert_one_line_error(
        cli("import", "advocates", "-", "--map", "Naam=nom", input="x\n"),
        "advocates have no field 'nom'",
    )
    assert_one_line_error(
        cli("import", "advocates", "-", "--encoding", "klingon", input="x\n"),
        "--encoding 'klingon' is not an encoding",
    )
    assert_one_line_error(cli("import", "all", str(tmp_path)), "has none of advocates.csv")
    assert_one_line_error(cli("import", "advocates", str(tmp_path)), "is a folder")
    plain = tmp_path / "plain.txt"
    plain.write_text("mine", encoding="utf-8")
    assert_one_line_error(cli("export", "all", str(plain)), "is a file", "give a folder")
    assert_one_line_error(cli("export", "all", str(plain / "sub")), "cannot make the folder")
    assert plain.read_text(encoding="utf-8") == "mine"


def test_every_command_has_help_with_an_example(cli: Invoke) -> None:
    for command in ("import", "export"):
        result = ok(cli(command, "--help"))
        assert "Examples:" in result.stdout and f"reftrack {command} " in result.stdout


def test_a_nul_character_in_json_is_refused_like_in_csv(cli: Invoke, tmp_path: Path) -> None:
    """A CSV with a NUL byte is refused as binary; JSON's \\u0000 escape must not slip one
    into the book (PostgreSQL could not even store it)."""
    records = [{"name": "Bram Jansen"}, {"name": "Anna\u0000 de Vries", "company": "Bakkerij"}]
    source = tmp_path / "people.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    assert "\\u0000" in source.read_text(encoding="utf-8")
    result = cli("import", "advocates", str(source))
    assert_one_line_error(result, "people.json record 2", "'name'", "NUL character")
    assert count(cli) == 0  # the good record before it is not written either


def test_an_empty_path_is_refused_not_read_as_the_current_folder(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export all ''` wrote four CSV files into the current folder (found by the fuzz test)."""
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    assert_one_line_error(cli("export", "all", ""), "the export target is empty")
    assert_one_line_error(cli("export", "advocates", " "), "the export target is empty")
    assert_one_line_error(cli("import", "all", ""), "the import source is empty")
    assert sorted(tmp_path.iterdir()) == before
