"""Amounts (docs/rules.md): exact to the cent, at most two decimals (refused, never
rounded), an ambiguous "12.345" refused naming both readings, the amount echoed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok


@pytest.fixture
def piet(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna", *OLD))
    ok(cli("referral", "add", "Anna", "Piet", "--phone", "06", "--on", "2026-03-01"))


@pytest.mark.usefixtures("piet")
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7500,50", "7500.50"),
        ("7.500,50", "7500.50"),
        ("7,500.50", "7500.50"),
        ("12.5", "12.50"),
        ("1.234.567", "1234567.00"),
        ("€ 1.250.000", "1250000.00"),
        ("0,05", "0.05"),
    ],
)
def test_amounts_are_read_exactly_and_echoed(
    cli: Invoke, cli_json: Any, typed: str, stored: str
) -> None:
    said = ok(cli("referral", "move", "Piet", "won", "--value", typed, "--no-make-advocate"))
    assert f"referral #1 Piet: won, value {stored} EUR" in said.stderr
    assert cli_json("referral", "list")[0]["value"] == stored


@pytest.mark.usefixtures("piet")
@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0.001", "'0.001' has 3 decimals; amounts are kept to the cent"),
        ("12,5001", "'12,5001' has 4 decimals"),
        ("1234.567", "'1234.567' has 3 decimals"),
        (
            "12.345",
            "'12.345' is ambiguous: 12345 (with '.' as a thousands separator) or 12.345",
        ),
        ("1,234", "'1,234' is ambiguous: 1234 (with ',' as a thousands separator) or 1.234"),
        ("12.500", "is ambiguous"),
        ("1" + "0" * 400, "is too large"),
        ("1.2.3", "is not an amount"),
    ],
)
def test_doubtful_amounts_are_refused_and_nothing_is_written(
    cli: Invoke, db_path: Path, typed: str, says: str
) -> None:
    before = dump(db_path)
    assert_one_line_error(cli("referral", "move", "Piet", "won", "--value", typed), says)
    assert dump(db_path) == before
