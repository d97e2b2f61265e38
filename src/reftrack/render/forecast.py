"""How `reftrack forecast` looks for people: the measured k, the projection table and a
bar chart of the book at its own rate beside the texts' ideal. Input: the JSON object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reftrack import render
from reftrack.render import charts


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _k(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def headline_pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    generations = ", ".join(
        f"{g['customers']} in generation {g['generation']}" for g in data["generations"]
    )
    pairs = [
        ("customers", f"{data['customers']}  ({data['active']} active, {data['churned']} churned)"),
        ("customer-years", f"{data['customer_years']:g}  (since {data['first_customer_on']})"),
        (
            "referred customers",
            f"{data['referred_customers']}  ({data['asked']} asked, {data['organic']} organic)",
        ),
        (
            "k",
            f"{_k(data['k'])} a customer a year  (asked {_k(data['k_asked'])}, "
            f"organic {_k(data['k_organic'])}; the texts' ideal {data['ideal_k']:g})",
        ),
        ("churn", f"{_k(data['churn_rate'])} a customer a year"),
        ("generations", generations or "no referral chains yet (reftrack tree)"),
        (
            "asking",
            f"{data['asks_per_month']:g} asks a month; yield {charts.pct(data['ask_yield'])}, "
            f"win rate {charts.pct(data['win_rate'])}",
        ),
    ]
    if data["what_if_asks_per_month"] is not None:
        extra = data["extra_customers_per_year"]
        pairs.append(
            (
                "what if",
                f"+{data['what_if_asks_per_month']} asks a month: "
                + (
                    f"{extra:g} more customers a year"
                    if extra is not None
                    else "not measurable yet (no asks answered or no referral closed)"
                ),
            )
        )
    return pairs


def show(data: Mapping[str, Any]) -> None:
    charts.headline(f"Forecast from {data['as_of']}", headline_pairs(data))
    rows = data["projection"]
    if data["k"] is None:
        charts.gap()
        charts.line(
            "no customer-years to measure k from: give customers a --since date "
            "(reftrack advocate edit NAME --since 2024-05-01)"
        )
        return
    what_if = data["what_if_asks_per_month"] is not None
    shown = [
        {
            "year": row["year"],
            "on": row["on"] or "—",
            "customers": _number(row["customers"]),
            "ideal": _number(row["ideal"]),
            "what_if": _number(row["what_if"]),
        }
        for row in rows
    ]
    columns = [("year", "year"), ("on", "on"), ("customers", "at your k"), ("ideal", "ideal k=1")]
    if what_if:
        columns.append(("what_if", f"+{data['what_if_asks_per_month']} asks/month"))
    charts.gap()
    render.print_table(shown, columns, title="Projection (customers active)")
    charts.gap()
    what_if = what_if and rows[0]["what_if"] is not None
    key = "what_if" if what_if else "customers"
    charts.bars(
        "At your k" + (" with the extra asks" if what_if else ""),
        [
            (
                f"year {row['year']}",
                row[key] or 0.0,
                f"{_number(row[key])}  (ideal {_number(row['ideal'])})",
            )
            for row in rows
        ],
    )
