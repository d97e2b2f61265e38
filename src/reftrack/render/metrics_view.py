"""How `metrics` looks: the headline, the funnel, referrals by month and a breakdown for
people; one object (JSON) or one row (CSV) for scripts. Input: the dicts of
``services.metrics`` (render does not import services: the breakdown's columns come in)."""

from __future__ import annotations

from typing import Any

from reftrack import render
from reftrack.enums import OutputFormat
from reftrack.render import charts


def emit(
    data: dict[str, Any],
    rows: list[dict[str, Any]],
    trend: list[Any],
    by: str | None,
    fmt: OutputFormat,
    *,
    currency: str,
    breakdown_columns: list[str],
) -> None:
    if fmt is OutputFormat.json:
        render.write_object({**data, "breakdown": rows} if by else data)
    elif fmt is OutputFormat.csv and by:
        render.emit(rows, breakdown_columns, "csv")
    elif fmt is OutputFormat.csv:
        flat = _flatten(data)
        render.emit([flat], list(flat), "csv")
    else:
        _table(data, trend, rows, by, currency)


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in data.items() if k != "nps"}
    flat.update({f"nps_{k}": v for k, v in data["nps"].items()})
    return flat


def _table(
    data: dict[str, Any],
    trend: list[Any],
    rows: list[dict[str, Any]],
    by: str | None,
    currency: str,
) -> None:
    title = f"Metrics {data['since']} … {data['until']}"
    charts.headline(title, charts.metrics_pairs(data, currency))
    charts.gap()
    charts.funnel(
        "Funnel", [("asks", data["asks"]), ("referrals", data["referrals"]), ("won", data["won"])]
    )
    months = trend[-24:]
    if months:
        charts.gap()
        charts.bars(
            "Referrals by month" + (" (last 24)" if len(trend) > 24 else ""),
            [(m.key, m.referrals, f"{m.referrals}  ({m.asks} asks, {m.won} won)") for m in months],
        )
    if by is not None:
        charts.gap()
        for row in rows:
            row["won_value"] = charts.money_text(row["won_value"], currency)
            row["ask_yield"] = charts.pct(row["ask_yield"])
        columns = [(k, by if k == "key" else k.replace("_", " ")) for k in rows[0]] if rows else []
        render.print_table(rows, columns, title=f"By {by}", empty=f"nothing by {by}")
