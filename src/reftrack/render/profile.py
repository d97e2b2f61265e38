"""How `advocate show` and `referral show` present one record with its history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from reftrack import render
from reftrack.enums import OutputFormat

# `services.profile_text.GivenBack` (render does not import services): the ledger, intro
# and gift rows `advocate show` adds
GivenBack = Any


class Profile(Protocol):
    """What `advocate show` presents (`services.profile_text.Profile`, or the ORM's
    `models.Profile`): records with the models' attributes, dates as dates."""

    @property
    def advocate(self) -> Any: ...
    @property
    def scores(self) -> Sequence[Any]: ...
    @property
    def events(self) -> Sequence[Any]: ...
    @property
    def asks(self) -> Sequence[Any]: ...
    @property
    def referrals(self) -> Sequence[Any]: ...
    @property
    def open_follow_ups(self) -> Sequence[Any]: ...
    @property
    def referred_by(self) -> Any: ...
    @property
    def referrer_name(self) -> str | None: ...
    @property
    def notes(self) -> Sequence[Any]: ...
    @property
    def targets(self) -> Sequence[Any]: ...


def _section(title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    render.write("\n")
    if rows:
        render.print_table(rows, columns, title=title)
    else:
        render.write(f"{title}: none\n")


def show(
    profile: Profile, fmt: OutputFormat, *, currency: str, given: GivenBack | None = None
) -> None:
    from reftrack.enums import segment_of
    from reftrack.money import display_money
    from reftrack.records import ADVOCATE_COLUMNS, advocate_row, ask_row, followup_row, referral_row

    advocate = profile.advocate
    asks = [ask_row(a, advocate.name) for a in profile.asks]
    referrals = [referral_row(r, advocate.name) for r in profile.referrals]
    follow_ups = [followup_row(f, advocate.name, None) for f in profile.open_follow_ups]
    scores = [{"score": s.score, "scored_on": s.scored_on.isoformat()} for s in profile.scores]
    events = [
        {"id": e.id, "kind": e.kind, "happened_on": e.happened_on.isoformat(), "note": e.note}
        for e in profile.events
    ]
    log = [note_line(n) for n in profile.notes]
    known = [{"id": t.id, "name": t.name, "company": t.company} for t in profile.targets]
    if fmt is OutputFormat.csv:  # the record itself; its history: --format json
        render.emit([advocate_row(advocate)], ADVOCATE_COLUMNS, "csv")
        return
    if fmt is not OutputFormat.table:
        render.write_object(
            {
                "advocate": advocate_row(advocate),
                "nps_history": scores,
                "events": events,
                "asks": asks,
                "referrals": referrals,
                "open_follow_ups": follow_ups,
                **(_given_json(given) if given is not None else {}),
                "notes": log,
                "targets": known,
            }
        )
        return
    won = sum(r.value_cents or 0 for r in profile.referrals if r.status == "won")
    nps = (
        f"{advocate.nps} ({segment_of(advocate.nps).value}"
        + (f", {advocate.nps_on})" if advocate.nps_on else ")")
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
            ("source", render.label(advocate.source) if advocate.source else None),
            ("referred by", origin),
            ("tags", ", ".join(tag for tag in (advocate.tags or "").split(";") if tag)),
            ("last milestone", advocate.last_milestone_on),
            ("last complaint", advocate.last_complaint_on),
            ("notes", advocate.notes),
            ("referrals", f"{len(referrals)} ({display_money(won, currency)} won)"),
            *(_given_details(advocate, given, currency) if given is not None else []),
            (
                "knows",
                "; ".join(
                    t.name + (f" ({t.company})" if t.company else "") for t in profile.targets
                ),
            ),
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
    if given is not None:
        _given_sections(given)
    _section("Notes", log, NOTE_SECTION)


def _given_json(given: GivenBack) -> dict[str, Any]:
    ledger = given.ledger
    from reftrack.money import format_money

    return {
        "reciprocity": {
            "given": ledger.given,
            "received": ledger.received,
            "gifts": ledger.gifts,
            "gifts_cost": format_money(ledger.gifts_cost_cents),
        },
        "intros": given.intros,
        "gifts": given.gifts,
    }


def _given_details(advocate: Any, given: GivenBack, currency: str) -> list[tuple[str, Any]]:
    from reftrack.money import display_money

    ledger = given.ledger
    yearly = advocate.value_cents_per_year
    worth = display_money(yearly, currency) if yearly is not None else None
    gifts = (
        f"{ledger.gifts} ({display_money(ledger.gifts_cost_cents, currency)})"
        if ledger.gifts
        else None
    )
    return [
        ("worth a year", worth),
        ("churned", advocate.churned_on),
        ("reciprocity", ledger.text()),
        ("thank-you gifts", gifts),
    ]


def _given_sections(given: GivenBack) -> None:
    """Only when there are any: an advocate without them shows as before."""
    if given.intros:
        _section(
            "Introductions given",
            given.intros,
            [("id", "id"), ("given_on", "given"), ("to_whom", "to"), ("notes", "notes")],
        )
    if given.gifts:
        _section(
            "Thank-you gifts",
            given.gifts,
            [("id", "id"), ("given_on", "given"), ("what", "what"), ("cost", "cost")],
        )


NOTE_SECTION = [("noted_on", "date"), ("about", "about"), ("text", "note")]


def note_line(note: Any) -> dict[str, Any]:
    """One line of the interaction log, as `show` lists it."""
    if note.ask_id is not None:
        about = f"ask #{note.ask_id}"
    elif note.referral_id is not None:
        about = f"referral #{note.referral_id}"
    else:
        about = ""
    return {"id": note.id, "noted_on": note.noted_on.isoformat(), "about": about, "text": note.text}


def show_referral(
    row: dict[str, Any],
    steps: list[dict[str, Any]],
    fmt: OutputFormat,
    *,
    currency: str,
    notes: list[dict[str, Any]] | None = None,
) -> None:
    """`referral show`: laid out as `advocate show` (details, then its follow-ups)."""
    from reftrack.money import display_money
    from reftrack.records import REFERRAL_COLUMNS

    if fmt is OutputFormat.csv:  # the record itself; its follow-ups: --format json
        render.emit([row], REFERRAL_COLUMNS, "csv")
        return
    if fmt is not OutputFormat.table:
        render.write_object({"referral": row, "follow_ups": steps, "notes": notes or []})
        return
    from reftrack.money import parse_money

    value = display_money(parse_money(row["value"]), currency) if row.get("value") else None
    ask = f"ask #{row['ask_id']}" if row.get("ask_id") else "organic (no ask)"
    render.write_line(f"#{row['id']} {row['prospect']} ({render.label(row['status'])})")
    render.details(
        [
            ("company", row.get("company")),
            ("email", row.get("email")),
            ("phone", row.get("phone")),
            ("from", f"{row.get('advocate') or '?'} (advocate #{row.get('advocate_id')})"),
            ("answers", ask),
            ("received", row.get("received_on")),
            ("value", value),
            ("closed", row.get("closed_on")),
            ("lost reason", row.get("lost_reason")),
            ("thanked", row.get("thanked_on") or "not yet"),
            ("notes", row.get("notes")),
        ]
    )
    _section(
        "Follow-ups",
        steps,
        [
            ("id", "id"),
            ("due_on", "due"),
            ("kind", "kind"),
            ("note", "note"),
            ("done_on", "done"),
            ("outcome", "outcome"),
        ],
    )
    _section("Notes", notes or [], NOTE_SECTION)
