"""Plain words for the enumerations' values in tables and messages (JSON and CSV keep the
values themselves: ``no_response`` is data, "no response" is for people)."""

from __future__ import annotations

LABELS = {
    # follow-up kinds
    "check_ask": "check back",
    "circle_back": "circle back",
    "check_promise": "check promise",
    "value_check": "value check",
    "intro_check": "intro check",
    "event_check": "event check",
    # channels, outcomes, alternatives
    "in_person": "in person",
    "automated_email": "automated e-mail",
    "email": "e-mail",
    "linkedin": "LinkedIn",
    "no_response": "no response",
    "case_study": "case study",
    "social_post": "social post",
}
# the row keys whose values are enumeration values (a follow-up's free-text "outcome" is
# shown as it is unless it is exactly one of the values above)
ENUM_KEYS = frozenset({"kind", "channel", "outcome", "alternative", "status", "source", "segment"})


def label(value: object) -> str:
    """``no_response`` → "no response"; anything else as it is (None as "")."""
    if value is None:
        return ""
    text = str(value)
    return LABELS.get(text, text)
