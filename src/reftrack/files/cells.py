"""The cells of real exports as their programs write them, made plain before they are read.

Only for files that are not reftrack's own exports (those have an id column and are
restored exactly): HubSpot writes ``null`` in an empty cell, Google Contacts puts several
values in one cell (``a@x ::: b@x``), and Google and HubSpot list contacts that have only
an e-mail or a phone (both programs show those by their e-mail).
"""

from __future__ import annotations

MULTI = " ::: "  # Google Contacts' separator of several values in one cell
MULTI_VALUED = ("email", "phone", "company", "title", "url")
NOTES = {"advocates": "notes", "referrals": "notes"}
NAMED_FROM = (("email", "e-mail"), ("phone", "phone"))  # field, as the report says it


NULL = "null"  # HubSpot's empty cell


def without_nulls(cells: list[str]) -> list[str]:
    """HubSpot's literal ``null`` cells as the empty cells they are."""
    return ["" if text == NULL else text for text in cells]


def as_they_come(
    kind: str, raw: dict[str, str], name_field: str | None, named: dict[str, int]
) -> dict[str, str]:
    """``raw`` (field → cell) made plain: of ``a ::: b`` the field keeps
    ``a`` and the notes get the others; a row without a name is named from its e-mail, else
    its phone (``named`` counts them by what they were named from)."""
    extra = []
    for name in MULTI_VALUED:
        text = raw.get(name)
        if text and MULTI.strip() in text:
            first, *others = [part.strip() for part in text.split(MULTI.strip())]
            raw[name] = first
            rest = [part for part in others if part]
            if rest:
                extra.append(f"also {name}: {'; '.join(rest)}")
    notes = NOTES.get(kind)
    if extra and notes:
        raw[notes] = "\n".join([*([raw[notes]] if raw.get(notes) else []), *extra])
    if name_field and not raw.get(name_field, "").strip():
        for source, label in NAMED_FROM:
            if raw.get(source, "").strip():
                raw[name_field] = raw[source].strip()
                named[label] = named.get(label, 0) + 1
                break
    return raw
