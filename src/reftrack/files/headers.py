"""Which column of a real-world file is which field: header aliases, presets, ``--map``.

A header cell is compared in a normalised form (case, spaces and punctuation ignored), so
"E-mail Address", "Email address" and "email_address" are one name. ``first_name`` and
``last_name`` are pseudo fields: they are joined into the kind's name field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from reftrack.errors import InvalidInputError
from reftrack.records import COLUMNS, KINDS

FIRST, LAST = "first_name", "last_name"

# concept → header names, most wanted first (Outlook has both Mobile and Business Phone)
_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "contact name", "contact"),
    FIRST: ("first name", "given name", "firstname", "first"),
    LAST: ("last name", "family name", "surname", "lastname", "last"),
    "email": (
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "e-mail 1 - value",
        "email 1",
        "primary email",
        "work email",
        "mail",
    ),
    "phone": (
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "mobile phone number",
        "cell phone",
        "telephone",
        "tel",
        "phone 1 - value",
        "primary phone",
        "business phone",
        "work phone",
        "home phone",
    ),
    "company": (
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
        "organization 1 - name",
        "employer",
        "account name",
    ),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "tags": ("tags", "tag"),
    "customer_since": ("customer since", "client since"),
    "nps": ("nps score",),
    "title": ("title", "position", "job title", "organization 1 - title", "organization title"),
    "url": (
        "url",
        "website",
        "web page",
        "website url",
        "website 1 - value",
        "profile url",
        "linkedin url",
    ),
}

# where each concept lands for a kind (concepts not listed are not used by that kind)
_TARGETS: dict[str, dict[str, str]] = {
    "advocates": {c: c for c in _ALIASES},
    "referrals": {
        "name": "prospect",
        FIRST: FIRST,
        LAST: LAST,
        "email": "email",
        "phone": "phone",
        "company": "company",
        "notes": "notes",
    },
    "asks": {"notes": "notes"},
    "followups": {"notes": "note"},
    "scores": {"nps": "score"},
    "events": {"notes": "note"},
    "intros": {"notes": "notes"},
    "gifts": {"notes": "notes"},
    "targets": {
        "name": "name",
        FIRST: FIRST,
        LAST: LAST,
        "company": "company",
        "title": "title",
        "url": "url",
        "notes": "notes",
    },
    "target_links": {},
    "notes": {"notes": "text"},
}
NAME_FIELD = {name: kind.name_field for name, kind in KINDS.items() if kind.name_field}


@dataclass(frozen=True)
class Preset:
    """The export of another program: its columns, and the ones we leave out on purpose."""

    title: str
    columns: Mapping[str, str]
    ignore: tuple[str, ...] = ()
    skip_nameless: bool = False


PRESETS: dict[str, Preset] = {
    "linkedin": Preset(
        "a LinkedIn Connections.csv",
        {
            "First Name": FIRST,
            "Last Name": LAST,
            "Email Address": "email",
            "Company": "company",
            "Position": "title",
            "URL": "url",
        },
        ignore=("Connected On",),
        skip_nameless=True,
    ),
    "google": Preset(
        "a Google Contacts export",
        {
            "First Name": FIRST,
            "Given Name": FIRST,
            "Last Name": LAST,
            "Family Name": LAST,
            "Name": "name",
            "E-mail 1 - Value": "email",
            "Phone 1 - Value": "phone",
            "Organization Name": "company",
            "Organization 1 - Name": "company",
            "Organization 1 - Title": "title",
            "Website 1 - Value": "url",
            "Notes": "notes",
        },
    ),
    "outlook": Preset(
        "an Outlook contacts export",
        {
            "First Name": FIRST,
            "Last Name": LAST,
            "E-mail Address": "email",
            "Mobile Phone": "phone",
            "Business Phone": "phone",
            "Company": "company",
            "Job Title": "title",
            "Web Page": "url",
            "Notes": "notes",
        },
    ),
    "hubspot": Preset(
        "a HubSpot contacts export",
        {
            "First Name": FIRST,
            "Last Name": LAST,
            "Email": "email",
            "Phone Number": "phone",
            "Mobile Phone Number": "phone",
            "Company Name": "company",
            "Job Title": "title",
            "Website URL": "url",
        },
    ),
}


def normalise(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


@cache
def _alias_table(kind: str) -> dict[str, tuple[str, int]]:
    """normalised header → (field, priority); canonical column names win over aliases."""
    table: dict[str, tuple[str, int]] = {}
    for concept, names in _ALIASES.items():
        target = _TARGETS[kind].get(concept)
        if target is None:
            continue
        for rank, name in enumerate(names):
            table.setdefault(normalise(name), (target, 100 + rank))
    for column in COLUMNS[kind]:
        table[normalise(column)] = (column, 0)
    return table


def fields_of(kind: str) -> list[str]:
    """What ``--map`` may name for a kind."""
    extra = [FIRST, LAST] if kind in NAME_FIELD else []
    return [*COLUMNS[kind], *extra]


def parse_map(kind: str, pairs: Sequence[str]) -> dict[str, str | None]:
    """``--map "Mobile=phone"`` → {normalised source: field}; an empty field ignores it."""
    allowed = fields_of(kind)
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip():
            raise InvalidInputError(f"--map {pair!r} is not SRC=FIELD; e.g. --map 'Mobile=phone'")
        target = target.strip()
        if target and target not in allowed:
            raise InvalidInputError(
                f"--map {pair!r}: {kind} have no field {target!r}; "
                f"choose one of {', '.join(allowed)} (or leave it empty to ignore the column)"
            )
        mapping[normalise(source)] = target or None
    return mapping


@dataclass
class Plan:
    """How the cells of a row become fields."""

    kind: str
    header: list[str]
    sources: dict[str, list[int]] = field(default_factory=dict)  # field → cell indexes
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # header names given twice: first kept
    recognised: int = 0
    skip_nameless: bool = False

    def column_of(self, name: str) -> str:
        """The header text the user knows a field by (for error messages)."""
        indexes = self.sources.get(name)
        if not indexes and name == NAME_FIELD.get(self.kind):
            indexes = self.sources.get(FIRST) or self.sources.get(LAST)
        return self.header[indexes[0]] if indexes else name

    def extract(self, cells: Sequence[str]) -> dict[str, str]:
        """The first non-empty cell of each field; first + last name joined."""
        values: dict[str, str] = {}
        for name, indexes in self.sources.items():
            for index in indexes:
                text = cells[index]
                if text:
                    values[name] = text
                    break
        first, last = values.pop(FIRST, "").strip(), values.pop(LAST, "").strip()
        name_field = NAME_FIELD.get(self.kind)
        if name_field and (first or last) and not values.get(name_field, "").strip():
            values[name_field] = f"{first} {last}".strip()
        return values

    @property
    def fields(self) -> set[str]:
        present = set(self.sources)
        if present & {FIRST, LAST} and self.kind in NAME_FIELD:
            present.add(NAME_FIELD[self.kind])
        return present - {FIRST, LAST}


def plan(
    header: Sequence[str],
    *,
    kind: str,
    preset: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
) -> Plan:
    """Match a header row to the fields of ``kind``."""
    chosen = PRESETS[preset] if preset else None
    preset_columns = {normalise(k): v for k, v in (chosen.columns if chosen else {}).items()}
    ignored = {normalise(name) for name in (chosen.ignore if chosen else ())}
    aliases = _alias_table(kind)
    mapping = mapping or {}
    result = Plan(kind=kind, header=[h.strip() for h in header])
    ranked: dict[str, list[tuple[int, int]]] = {}
    seen: set[str] = set()
    for index, raw in enumerate(result.header):
        key = normalise(raw)
        if not key:
            continue
        if raw.casefold() in seen:  # HubSpot repeats some: the first column is the one read
            if raw not in result.repeated:
                result.repeated.append(raw)
            continue
        seen.add(raw.casefold())
        target: str | None
        if key in mapping:
            target, rank = mapping[key], 0
        elif key in preset_columns and preset_columns[key] in fields_of(kind):
            target = preset_columns[key]
            rank = 1 + list(preset_columns).index(key)
        elif key in aliases:
            target, rank = aliases[key]
        else:
            if key not in ignored:
                result.unknown.append(raw)
            continue
        if target is not None:
            ranked.setdefault(target, []).append((rank, index))
            result.recognised += 1
    result.sources = {name: [i for _, i in sorted(found)] for name, found in ranked.items()}
    result.skip_nameless = bool(chosen and chosen.skip_nameless)
    return result


def check_preset(found: Plan, preset: str | None) -> None:
    """A preset given for a file that is not that program's export is a mistake worth naming."""
    if preset is None:
        return
    chosen = PRESETS[preset]
    expected = {normalise(name) for name in chosen.columns}
    if len(expected & {normalise(h) for h in found.header}) < min(2, len(expected)):
        raise InvalidInputError(
            f"the header does not look like {chosen.title} (expected columns such as "
            f"{', '.join(list(chosen.columns)[:4])}); check the file or drop --preset {preset}"
        )
