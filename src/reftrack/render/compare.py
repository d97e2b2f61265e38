"""How `metrics --compare source` looks for people: the referred customers' row beside
the rest's. Input: the rows of ``services.compare`` as dicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from reftrack import render
from reftrack.render import charts


def table(rows: list[dict[str, Any]], *, as_of: date, currency: str) -> None:
    shown = [
        {
            **row,
            "group": "came by referral" if row["group"] == "referral" else "the rest",
            "value_per_year": "—"
            if row["value_per_year"] is None
            else charts.money_text(row["value_per_year"], currency),
            "months_retained": "—" if row["months_retained"] is None else row["months_retained"],
            "still_active": charts.pct(row["still_active"]),
        }
        for row in rows
    ]
    charts.gap()
    render.print_table(
        shown,
        [
            ("group", "customers who"),
            ("customers", "count"),
            ("value_per_year", "value a year"),
            ("months_retained", "months retained"),
            ("still_active", "still active"),
        ],
        title=f"Referred customers against the rest (as of {as_of})",
    )
