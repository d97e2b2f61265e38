"""Insight: `next`, `metrics`, `today`. Thin: parse → call a service → render."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer

from reftrack import dates
from reftrack.cli import common
from reftrack.cli.common import EveryoneOption, FormatOption, OutputFormat, OwnerOption


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"
    all = "all"


class Compare(StrEnum):
    source = "source"


class By(StrEnum):
    month = "month"
    advocate = "advocate"
    channel = "channel"
    owner = "owner"
    specificity = "specificity"


NEXT_COLUMNS = [
    "rank",
    "advocate_id",
    "advocate",
    "company",
    "nps",
    "segment",
    "score",
    "suggested",
    "eligible_from",
    "last_asked_on",
    "referrals",
    "reasons",
    "phone",
    "email",
]
NEXT_TABLE = [
    ("rank", "#"),
    ("who", "advocate"),
    ("nps", "nps"),
    ("score", "score"),
    ("reasons", "why now"),
    ("contact", "contact"),
]
EXCLUDED_TABLE = [
    ("who", "advocate"),
    ("nps", "nps"),
    ("eligible_from", "eligible from"),
    ("reasons", "why not now"),
]
TODAY_CSV = [
    "section",
    "id",
    "due_on",
    "kind",
    "action",
    "overdue",
    "rank",
    "advocate",
    "reasons",
    "phone",
    "email",
]
HEADLINE_KEYS = ["asks", "referrals", "won", "won_value", "ask_yield"]


def _who(candidate: Any) -> str:
    company = f" ({candidate.company})" if candidate.company else ""
    return f"{candidate.name}{company}"


def _candidate_row(candidate: Any, rank: int | None, as_of: date) -> dict[str, Any]:
    return {
        "rank": rank,
        "advocate_id": candidate.advocate_id,
        "advocate": candidate.name,
        "who": _who(candidate),
        "company": candidate.company,
        "nps": candidate.nps,
        "segment": candidate.segment.value,
        "score": candidate.score,
        "suggested": not candidate.excluded,
        "eligible_from": dates.iso(candidate.eligible_from if candidate.excluded else as_of)
        or None,
        "last_asked_on": dates.iso(candidate.last_asked_on) or None,
        "referrals": candidate.referrals,
        "reasons": "; ".join(candidate.reasons),
        "phone": candidate.phone,
        "email": candidate.email,
        "contact": ", ".join(c for c in (candidate.phone, candidate.email) if c) or None,
    }


def next_(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="How many to suggest (0: everyone).")
    ] = 10,
    all_: Annotated[
        bool,
        typer.Option("--all", help="Also list who is not to be asked now, why, and from when."),
    ] = False,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Whom to ask for referrals next: active advocates ranked, with the reasons.

    Promoters before passives before the unscored; a recent value milestone and having
    referred before lift an advocate; recent asks, low scores, onboarding and complaints
    exclude (the same guards as `ask add`). The weights: docs/ranking.md.

    Example: reftrack next --limit 5 --all
    """
    from reftrack import render
    from reftrack.render import charts
    from reftrack.services import listing
    from reftrack.services.suggest import suggest

    today = common.today()

    def read(reader: Any) -> tuple[Any, bool]:
        found = suggest(
            reader, on=today, settings=common.settings(), limit=limit or None, include_excluded=all_
        )
        return found, not found.ranked and listing.book_is_empty(reader)

    found, first_run = common.read(read, scope_owner=common.scope(owner, everyone))
    empty = (
        listing.FIRST_STEP
        if first_run
        else f"nobody to ask on {today}; see reftrack next --all for why"
    )
    ranked = [_candidate_row(c, i, today) for i, c in enumerate(found.ranked, start=1)]
    excluded = [_candidate_row(c, None, today) for c in found.excluded]
    if fmt is not OutputFormat.table:
        render.emit(ranked + excluded, NEXT_COLUMNS, fmt.value)
        return
    for row in excluded:
        row["eligible_from"] = row["eligible_from"] or "when the score improves"
    shown = f"top {len(ranked)} of {found.eligible}" if len(ranked) < found.eligible else "all"
    render.print_table(
        ranked,
        NEXT_TABLE,
        title=f"Ask next ({today}, {shown} who can be asked)",
        empty=empty,
    )
    if all_:
        charts.gap()
        render.print_table(excluded, EXCLUDED_TABLE, title="Not now", empty="nobody is held back")
    if ranked:
        if any("of your targets" in row["reasons"] for row in ranked):
            render.message(
                "the words: reftrack ask script NAME --for TARGET; then log it with ask add"
            )
        else:
            render.message('log it: reftrack ask add NAME --channel phone --target "…"')


def metrics(
    since: Annotated[str | None, typer.Option("--since", help="First day (inclusive).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (inclusive; default today).")
    ] = None,
    period: Annotated[
        Period | None,
        typer.Option(
            "--period", help="This month/quarter/year to date, or all (from the first record)."
        ),
    ] = None,
    by: Annotated[
        By | None, typer.Option("--by", help="Break asks, referrals and won down.")
    ] = None,
    compare: Annotated[
        Compare | None,
        typer.Option(
            "--compare",
            help="Referred customers against the rest: value a year, months retained, active.",
        ),
    ] = None,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Is asking working? Referral-rate metrics over a period (default the last 90 days).

    Dates: ISO, today, -3m, … Definitions: docs/metrics.md (rates are fractions in JSON).

    --by specificity compares asks for a named target (--for), for someone in words
    (--target) and for nobody.

    Examples: reftrack metrics --period quarter --by channel ;
    reftrack metrics --by specificity ; reftrack metrics --compare source
    """
    from reftrack.services import metrics as service

    today = common.today()
    first = common.maybe_date(since, what="--since")
    last = common.maybe_date(until, what="--until")
    with common.read_session(common.scope(owner, everyone)) as session:
        start, end = service.resolve_period(
            session,
            today=today,
            since=first,
            until=last,
            period=period.value if period else None,
        )
        result = service.compute(
            session,
            since=start,
            until=end,
            by=by.value if by else None,
            promoter_asked_days=common.settings().promoter_asked_days,
            nps_stale_days=common.settings().stale_score_days,
        )
        trend = result.breakdown if by is By.month else []
        if fmt is OutputFormat.table and by is not By.month:
            trend = service.breakdown(session, since=start, until=end, by="month")
        compared = _compared(session, compare, as_of=end)
    if compared is not None and fmt is not OutputFormat.table:
        _emit_compare(result.as_dict(), compared, fmt)
        return
    from reftrack.render import metrics_view
    from reftrack.services.metrics import BREAKDOWN_COLUMNS

    metrics_view.emit(
        result.as_dict(),
        [r.as_dict() for r in result.breakdown],
        trend,
        by.value if by is not None else None,
        fmt,
        currency=common.settings().currency,
        breakdown_columns=BREAKDOWN_COLUMNS,
    )
    if compared is not None:
        from reftrack.render import compare as compare_view

        compare_view.table(compared, as_of=end, currency=common.settings().currency)


def _compared(session: Any, compare: Compare | None, *, as_of: date) -> Any:
    if compare is None:
        return None
    from reftrack.services import compare as comparing

    return [group.as_dict() for group in comparing.by_source(session, as_of=as_of)]


def _emit_compare(data: dict[str, Any], rows: list[dict[str, Any]], fmt: OutputFormat) -> None:
    """`--compare source` for scripts: JSON adds it to the object, CSV is its rows."""
    from reftrack import render
    from reftrack.services.compare import COMPARE_COLUMNS

    if fmt is OutputFormat.json:
        render.write_object({**data, "compare": rows})
    else:
        render.emit(rows, COMPARE_COLUMNS, "csv")


def today_(
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The morning screen: what is due (overdue first), the top three to ask, and this
    month's numbers against last month's.

    Example: reftrack today
    """
    from reftrack import render
    from reftrack.services import headline, listing
    from reftrack.services.due import due_items
    from reftrack.services.suggest import suggest

    day = common.today()
    month_start = day.replace(day=1)
    last_end = month_start - timedelta(days=1)

    def read(reader: Any) -> tuple[Any, ...]:
        top = suggest(reader, on=day, settings=common.settings(), limit=3)
        return (
            due_items(reader, as_of=day),
            top,
            headline.numbers(reader, since=month_start, until=day),
            headline.numbers(reader, since=last_end.replace(day=1), until=last_end),
            not top.ranked and listing.book_is_empty(reader),
        )

    items, top, this, last, first_run = common.read(read, scope_owner=common.scope(owner, everyone))
    due = [
        {
            "id": i.view.follow_up.id,
            "due_on": i.view.follow_up.due_on.isoformat(),
            "kind": i.view.follow_up.kind,
            "action": i.action,
            "overdue": i.overdue,
            "when": f"{i.days_late}d late" if i.overdue else "today",
        }
        for i in items
    ]
    ask = [_candidate_row(c, n, day) for n, c in enumerate(top.ranked, start=1)]
    if fmt is OutputFormat.csv:  # what to do, as one sheet: the due list, then whom to ask
        rows = [{"section": "due", **row, "advocate": None} for row in due] + [
            {"section": "next", "id": row["advocate_id"], **row, "action": "ask"} for row in ask
        ]
        render.emit(rows, TODAY_CSV, "csv")
        return
    if fmt is not OutputFormat.table:
        pick = ["since", "until", *HEADLINE_KEYS]
        render.write_object(
            {
                "date": day.isoformat(),
                "due": [{k: v for k, v in row.items() if k != "when"} for row in due],
                "next": [{k: row[k] for k in NEXT_COLUMNS} for row in ask],
                "this_month": {k: this[k] for k in pick},
                "last_month": {k: last[k] for k in pick},
            }
        )
        return
    _today_screen(day, due, ask, this, last)
    if first_run:
        render.message(listing.FIRST_STEP)


def _today_screen(
    day: date,
    due: list[dict[str, Any]],
    ask: list[dict[str, Any]],
    this: dict[str, Any],
    last: dict[str, Any],
) -> None:
    from reftrack import render
    from reftrack.render import charts

    charts.line(f"Today: {day:%A} {day}")
    overdue = sum(1 for row in due if row["overdue"])
    charts.section(f"Due ({len(due)}, {overdue} overdue)")
    if due:
        render.print_table(
            due, [("id", "id"), ("when", "when"), ("action", "what to do")], highlight="overdue"
        )
    else:
        charts.line("nothing due today")
    charts.section("Ask next")
    if ask:
        render.print_table(ask, NEXT_TABLE)
    else:
        charts.line("nobody to ask today (reftrack next --all says why)")
    charts.section("This month against last month")
    currency = common.settings().currency
    this_label = f"{day:%B} to {day.day}"
    last_label = f"{date.fromisoformat(last['since']):%B}"
    rows = []
    for key in HEADLINE_KEYS:
        now, before = this[key], last[key]
        if key == "won_value":
            now = charts.money_text(now, currency)
            before = charts.money_text(before, currency)
        elif key == "ask_yield":
            now, before = charts.pct(now), charts.pct(before)
        rows.append({"metric": key.replace("_", " "), "this": now, "last": before})
    render.print_table(rows, [("metric", ""), ("this", this_label), ("last", last_label)])


def register(app: typer.Typer) -> None:
    """Add the insight commands to the root app."""
    app.command("next")(next_)
    app.command("metrics")(metrics)
    app.command("today")(today_)
