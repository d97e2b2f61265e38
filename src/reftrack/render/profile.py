"""How `advocate show` and `referral show` present one record with its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reftrack import render
from reftrack.enums import OutputFormat

if TYPE_CHECKING:
    from reftrack.models import Profile


def _section(title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    render.write("\n")
    if rows:
        render.print_table(rows, columns, title=title)
    else:
        render.write(f"{title}: none\n")


def show(profile: Profile, fmt: OutputFormat, *, currency: str) -> None:
    from reftrack.enums import segment_of
    from reftrack.money import display_money
    from reftrack.records import advocate_row, ask_row, followup_row, referral_row

    advocate = profile.advocate
    asks = [ask_row(a, advocate.name) for a in profile.asks]
    referrals = [referral_row(r, advocate.name) for r in profile.referrals]
    follow_ups = [followup_row(f, advocate.name, None) for f in profile.open_follow_ups]
    scores = [{"score": s.score, "scored_on": s.scored_on.isoformat()} for s in profile.scores]
    events = [
        {"id": e.id, "kind": e.kind, "happened_on": e.happened_on.isoformat(), "note": e.note}
        for e in profile.events
    ]
    if fmt is not OutputFormat.table:
        render.write_object(
            {
                "advocate": advocate_row(advocate),
                "nps_history": scores,
                "events": events,
                "asks": asks,
                "referrals": referrals,
                "open_follow_ups": follow_ups,
            }
        )
        return
    won = sum(r.value_cents or 0 for r in profile.referrals if r.status == "won")
    nps = (
        f"{advocate.nps} ({segment_of(advocate.nps).value}, {advocate.nps_on})"
        if (advocate.nps is not None)
        else "unscored"
    )
    origin = (
        f"referral #{profile.referred_by.id} from {profile.referrer_name}"
        if profile.referred_by
        else None
    )
    render.write_line(f"#{advocate.id} {advocate.name}{' (archived)' if advocate.archived else ''}")
    render.details(
        [
            ("company", advocate.company),
            ("email", advocate.email),
            ("phone", advocate.phone),
            ("title", advocate.title),
            ("url", advocate.url),
            ("nps", nps),
            ("customer since", advocate.customer_since),
            ("source", advocate.source),
            ("referred by", origin),
            ("tags", ", ".join(advocate.tag_list)),
            ("last milestone", advocate.last_milestone_on),
            ("last complaint", advocate.last_complaint_on),
            ("notes", advocate.notes),
            ("referrals", f"{len(referrals)} ({display_money(won, currency)} won)"),
        ]
    )
    _section("NPS history", scores, [("scored_on", "date"), ("score", "score")])
    _section(
        "Milestones and complaints",
        events,
        [("id", "id"), ("happened_on", "date"), ("kind", "kind"), ("note", "note")],
    )
    _section(
        "Asks",
        asks,
        [
            ("id", "id"),
            ("asked_on", "asked"),
            ("channel", "channel"),
            ("target", "target"),
            ("outcome", "outcome"),
        ],
    )
    _section(
        "Referrals",
        referrals,
        [
            ("id", "id"),
            ("received_on", "received"),
            ("prospect", "prospect"),
            ("company", "company"),
            ("status", "status"),
            ("value", "value"),
        ],
    )
    _section(
        "Open follow-ups",
        follow_ups,
        [("id", "id"), ("due_on", "due"), ("kind", "kind"), ("note", "note")],
    )
