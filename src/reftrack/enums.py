"""The enumerations of the domain.

Kept apart from models.py on purpose: the CLI needs these for its option choices, and
importing them must not import SQLAlchemy (``reftrack --help`` stays fast).
"""

from enum import StrEnum


class Source(StrEnum):
    """How an advocate became a customer."""

    referral = "referral"
    inbound = "inbound"
    outbound = "outbound"
    event = "event"
    network = "network"
    other = "other"


class Channel(StrEnum):
    in_person = "in_person"
    phone = "phone"
    video = "video"
    email = "email"
    message = "message"
    event = "event"
    linkedin = "linkedin"
    automated_email = "automated_email"


class Outcome(StrEnum):
    pending = "pending"
    referred = "referred"
    declined = "declined"
    no_response = "no_response"
    alternative = "alternative"
    promised = "promised"  # the advocate will make the introduction (schema 0006)


class Alternative(StrEnum):
    testimonial = "testimonial"
    review = "review"
    case_study = "case_study"
    social_post = "social_post"


class Status(StrEnum):
    """The stages of a referral, in order."""

    new = "new"
    contacted = "contacted"
    meeting = "meeting"
    proposal = "proposal"
    won = "won"
    lost = "lost"


OPEN_STATUSES = (Status.new, Status.contacted, Status.meeting, Status.proposal)
CLOSED_STATUSES = (Status.won, Status.lost)


class FollowUpKind(StrEnum):
    thank = "thank"
    contact = "contact"
    check_ask = "check_ask"
    circle_back = "circle_back"
    custom = "custom"
    # schema 0006 (docs/rules.md)
    details = "details"
    check_promise = "check_promise"
    collect = "collect"
    value_check = "value_check"
    intro_check = "intro_check"
    # schema 0007: the day after an event ask, whom did they bring?
    event_check = "event_check"


# The note of the thank-you a win creates; `due` words that one "… became a customer".
# Here rather than in services/rules.py so `due` needs no ORM import to recognise it.
WON_THANK_NOTE = "it worked — thank you"


class EventKind(StrEnum):
    """Dated things that happen to an advocate and change when to ask them."""

    milestone = "milestone"
    complaint = "complaint"


class Segment(StrEnum):
    promoter = "promoter"
    passive = "passive"
    detractor = "detractor"
    unscored = "unscored"


def segment_of(nps: int | None) -> Segment:
    if nps is None:
        return Segment.unscored
    if nps >= 9:
        return Segment.promoter
    if nps >= 7:
        return Segment.passive
    return Segment.detractor


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class OutputFormat(StrEnum):
    """``--format``: a table for people, csv or json for scripts."""

    table = "table"
    csv = "csv"
    json = "json"
