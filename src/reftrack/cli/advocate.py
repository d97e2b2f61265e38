"""`reftrack advocate …`: the people who can refer you."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from reftrack import dates
from reftrack.cli import common, completion, customer, deleting
from reftrack.cli.common import (
    EveryoneOption,
    FormatOption,
    OnOption,
    OutputFormat,
    OwnerOption,
)
from reftrack.enums import EventKind, Segment, Source

if TYPE_CHECKING:
    from reftrack.db_file import Reader

app = typer.Typer(help="Advocates: customers and contacts who can refer you.", no_args_is_help=True)

CompanyOption = Annotated[str | None, typer.Option("--company", help="Company or organisation.")]
EmailOption = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="Phone number (kept as typed).")]
NpsOption = Annotated[
    int | None,
    typer.Option("--nps", help="NPS score 0–10 (recorded as of today).", show_default=False),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help=f"Customer since: {dates.DATE_HELP}.")
]
SourceOption = Annotated[
    Source | None, typer.Option("--source", help="How they became a customer.")
]
TagOption = Annotated[
    list[str] | None, typer.Option("--tag", help="A tag; repeat for more.", show_default=False)
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Free notes.")]
AdvocateArg = Annotated[
    str, typer.Argument(help="Name (or part of it) or id.", autocompletion=completion.advocates)
]


def _show_one(advocate: Any, fmt: OutputFormat) -> None:
    from reftrack import render
    from reftrack.records import ADVOCATE_COLUMNS, advocate_row

    row = advocate_row(advocate)
    if fmt is OutputFormat.table:
        render.message(f"advocate #{advocate.id} {advocate.name}")
    else:
        render.emit([row], ADVOCATE_COLUMNS, fmt.value)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    company: CompanyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    nps: NpsOption = None,
    since: SinceOption = None,
    source: SourceOption = None,
    tag: TagOption = None,
    note: NoteOption = None,
    title: Annotated[str | None, typer.Option("--title", help="Their position.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="A profile or web address.")] = None,
    duplicate: Annotated[
        bool,
        typer.Option(
            "--duplicate", help="Add even though an advocate has this name (another person)."
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Add an advocate (refused when an active one has the same name, and company when
    given: edit that one, or give --duplicate for a namesake).

    Example: reftrack advocate add "Anna de Vries" --company Beta --nps 9 --since 2024-05-01
    """
    from reftrack.services import advocates, lifecycle

    with common.write_session() as session:
        common.plan(session)
        advocate = advocates.add_advocate(
            session,
            name=name,
            on=common.today(),
            company=company,
            email=email,
            phone=phone,
            nps=nps,
            customer_since=common.maybe_date(since, what="--since"),
            source=source,
            tags=tag,
            notes=note,
            title=title,
            url=url,
            allow_duplicate=duplicate,
        )
        lifecycle.customer_added(session, advocate=advocate, settings=common.settings())
    _show_one(advocate, fmt)


SEGMENT_TABLE = [
    ("id", "id"),
    ("name", "name"),
    ("company", "company"),
    ("nps", "nps"),
    ("customer_since", "customer since"),
    ("tags", "tags"),
    ("email", "email"),
    ("phone", "phone"),
]


@app.command("list")
def list_(
    segment: Annotated[
        Segment | None, typer.Option("--segment", help="Only this NPS segment.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only advocates with this tag.")] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help="Show archived ones instead.")
    ] = False,
    owner: OwnerOption = None,
    everyone: EveryoneOption = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List advocates by name.

    Example: reftrack advocate list --segment promoter --format csv
    """
    from reftrack import render
    from reftrack.records import ADVOCATE_COLUMNS, advocate_row
    from reftrack.services import listing
    from reftrack.services.listing import FIRST_STEP

    def read(reader: Reader) -> tuple[list[dict[str, Any]], bool]:
        found = listing.advocates(reader, segment=segment, tag=tag, archived=archived)
        rows = [advocate_row(a) for a in found]
        return rows, not rows and listing.book_is_empty(reader)

    rows, first_run = common.read(read, scope_owner=common.scope(owner, everyone))
    empty = FIRST_STEP if first_run else "no advocates match"
    render.emit(rows, ADVOCATE_COLUMNS, fmt.value, table_columns=SEGMENT_TABLE, empty=empty)


@app.command("show")
def show(
    advocate: AdvocateArg,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Show an advocate's profile: details, NPS history, asks, referrals, open follow-ups.

    Example: reftrack advocate show anna
    """
    from reftrack.render import profile
    from reftrack.services import profile_text

    found, given = common.read(lambda reader: profile_text.of(reader, ref=advocate))
    profile.show(found, fmt, currency=common.settings().currency, given=given)


@app.command("edit")
def edit(
    advocate: AdvocateArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    company: CompanyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    nps: NpsOption = None,
    since: SinceOption = None,
    source: SourceOption = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Replace the tags; repeat for more.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Replace the notes.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Their position.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="A profile or web address.")] = None,
    referred_by: Annotated[
        str | None,
        typer.Option("--referred-by", help="The referral that brought them (id; '' for none)."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Change an advocate's details; only the options given change.

    Example: reftrack advocate edit anna --email anna@beta.nl --tag logistics --tag vip
    """
    from reftrack.errors import InvalidInputError
    from reftrack.services import advocates, lookup

    changes = common.given(
        name=name,
        company=company,
        email=email,
        phone=phone,
        nps=nps,
        source=source,
        tags=tag,
        notes=note,
        title=title,
        url=url,
    )
    if since is not None:
        changes["customer_since"] = common.maybe_date(since, what="--since")
    if referred_by is not None:
        changes["referred_by"] = referred_by
    if not changes:
        raise InvalidInputError("nothing to change; give at least one option (see --help)")
    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        if "referred_by" in changes:
            ref = changes["referred_by"].strip()
            changes["referred_by"] = lookup.referral(session, ref).id if ref else None
        advocates.edit_advocate(session, advocate=found, changes=changes, on=common.today())
        if "customer_since" in changes:
            from reftrack.services import lifecycle

            lifecycle.customer_since_changed(
                session, advocate=found, settings=common.settings(), today=common.today()
            )
    _show_one(found, fmt)


@app.command("score", context_settings={"ignore_unknown_options": True})  # score dirk -1
def score(
    advocate: AdvocateArg,
    nps: Annotated[int | None, typer.Argument(help="NPS score 0–10.", show_default=False)] = None,
    on: OnOption = None,
    delete: Annotated[
        str | None,
        typer.Option(
            "--delete", help="Remove the score given on this date (a mistake).", show_default=False
        ),
    ] = None,
) -> None:
    """Record an NPS answer (the history is kept; the profile shows the latest), or
    remove a wrong one with --delete DATE.

    Examples: reftrack advocate score anna 9 --on 2026-03-01 ;
    reftrack advocate score anna --delete 2026-03-01
    """
    from reftrack import render
    from reftrack.enums import segment_of
    from reftrack.errors import InvalidInputError
    from reftrack.services import advocates, lookup, removal

    if (nps is None) == (delete is None):
        raise InvalidInputError("give a score to record, or --delete DATE to remove one")
    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        if delete is not None:
            day = common.maybe_date(delete, what="--delete")
            assert day is not None
            count = removal.delete_scores(session, advocate=found, on=day)
            latest = (
                f"latest now {found.nps} on {found.nps_on}"
                if found.nps is not None
                else "unscored now"
            )
            render.message(f"{found.name}: removed {count} score(s) of {day}; {latest}")
            return
        assert nps is not None
        entry = advocates.record_score(session, advocate=found, score=nps, on=common.when(on))
    render.message(
        f"{found.name}: NPS {entry.score} on {entry.scored_on} ({segment_of(entry.score)})"
    )


def _event(advocate: str, kind: EventKind, on: str | None, note: str | None) -> None:
    from reftrack import render
    from reftrack.services import advocates, lifecycle, lookup

    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        event = advocates.record_event(
            session, advocate=found, kind=kind, on=common.when(on), note=note
        )
        if kind is EventKind.milestone:
            lifecycle.milestone_logged(session, advocate=found, on=event.happened_on)
    render.message(f"{found.name}: {kind.value} on {event.happened_on}")


@app.command("milestone")
def milestone(advocate: AdvocateArg, on: OnOption = None, note: NoteOption = None) -> None:
    """Record a value milestone (a good moment to ask soon after).

    Example: reftrack advocate milestone anna --note "first year ROI review: 3x"
    """
    _event(advocate, EventKind.milestone, on, note)


@app.command("complaint")
def complaint(advocate: AdvocateArg, on: OnOption = None, note: NoteOption = None) -> None:
    """Record a complaint (asks are refused for a while after one).

    Example: reftrack advocate complaint anna --note "late delivery"
    """
    _event(advocate, EventKind.complaint, on, note)


@app.command("archive")
def archive(
    advocate: AdvocateArg,
    undo: Annotated[bool, typer.Option("--undo", help="Bring an archived advocate back.")] = False,
) -> None:
    """Archive an advocate: kept with their history, left out of lists and suggestions.

    Example: reftrack advocate archive "Jan Smit"
    """
    from reftrack import render
    from reftrack.services import advocates, lifecycle, lookup

    cancelled = 0
    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        advocates.set_archived(session, advocate=found, archived=not undo)
        if not undo:
            cancelled = lifecycle.advocate_archived(session, advocate=found, on=common.today())
    if undo:
        render.message(f"{found.name} restored")
    else:
        plural = "" if cancelled == 1 else "s"
        render.message(f"{found.name} archived; {cancelled} open follow-up{plural} cancelled")


@app.command("unarchive")
def unarchive(advocate: AdvocateArg) -> None:
    """Bring an archived advocate back into lists and suggestions.

    Example: reftrack advocate unarchive "Jan Smit"
    """
    from reftrack import render
    from reftrack.services import advocates, lookup

    with common.write_session() as session:
        found = lookup.advocate(session, advocate)
        advocates.set_archived(session, advocate=found, archived=False)
    render.message(f"{found.name} restored")


event_app = typer.Typer(help="An advocate's milestones and complaints.", no_args_is_help=True)
app.add_typer(event_app, name="event")


@event_app.command("delete")
def event_delete(
    event: Annotated[
        int, typer.Argument(help="The milestone's or complaint's id (advocate show).")
    ],
) -> None:
    """Remove a milestone or complaint logged by mistake.

    Example: reftrack advocate event delete 4
    """
    from reftrack import render
    from reftrack.services import removal

    with common.write_session() as session:
        gone = removal.delete_event(session, event_id=event)
    render.message(f"removed {gone.kind} #{gone.id} of {gone.happened_on}")


deleting.register(app, "advocate")
customer.register(app)
app.command("merge")(deleting.merge)
