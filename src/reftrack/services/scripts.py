"""`ask script` and `referral kit`: the words to say or send, from plain-text templates.

A template is a text file with ``{advocate}``, ``{first_name}``, ``{target}``,
``{milestone}``, ``{prospect}`` and ``{you}`` in it (``{{`` for a literal brace). Yours are in
the ``templates/`` folder beside config.toml (`config templates` copies the shipped ones
there to edit); a file you have not made falls back to the shipped default. Placeholders
are found with the standard library's ``string.Formatter().parse``, line by line, so an
unknown one or a stray brace is reported with its file and line.
"""

from __future__ import annotations

import shutil
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlmodel import Session, col, select

from reftrack.enums import Channel, EventKind
from reftrack.errors import ConfigError
from reftrack.models import Advocate, AdvocateEvent, Referral, Target
from reftrack.services import targets

ASK_PHONE, ASK_EMAIL, INTRO = "ask-phone.txt", "ask-email.txt", "intro.txt"
TEMPLATES = (ASK_PHONE, ASK_EMAIL, INTRO)
# the words written to send (an e-mail, a message); the others are said
_WRITTEN = {Channel.email, Channel.automated_email, Channel.message, Channel.linkedin}
PLACEHOLDERS = ("advocate", "first_name", "target", "milestone", "prospect", "you")

# what a placeholder says when the record has nothing for it
NO_TARGET = "someone in your network who faces what you faced before we worked together"
NO_MILESTONE = "what we achieved together"


@dataclass(frozen=True)
class Template:
    name: str  # ask-phone.txt
    text: str
    where: str  # the file it came from, for errors ("(shipped default)" for ours)


def shipped(name: str) -> str:
    return resources.files("reftrack").joinpath("templates", name).read_text(encoding="utf-8")


def template_for(channel: Channel) -> str:
    return ASK_EMAIL if channel in _WRITTEN else ASK_PHONE


def load(name: str, folder: Path) -> Template:
    """Your template of this name, else the shipped default."""
    if not name or Path(name).name != name:
        raise ConfigError(f"template {name!r}: give a file name in {folder}, not a path")
    path = folder / name
    if not path.is_file():
        if name in TEMPLATES:
            return Template(name, shipped(name), f"{name} (shipped default)")
        raise ConfigError(f"no template {path}; see reftrack config templates")
    try:
        return Template(name, path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        raise ConfigError(f"template {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise ConfigError(f"cannot read template {path} ({error.strerror})") from None


def fill(template: Template, values: dict[str, str]) -> str:
    """The template with its placeholders filled; an unknown placeholder or a stray brace
    is a ConfigError naming the file and line."""
    formatter = string.Formatter()
    out: list[str] = []
    for number, line in enumerate(template.text.splitlines(keepends=True), start=1):
        where = f"template {template.where} line {number}"
        try:
            parts = list(formatter.parse(line))
        except ValueError as error:  # "Single '}' encountered", "unmatched '{'"
            raise ConfigError(
                f"{where}: {error} (write {{{{ and }}}} for a literal brace)"
            ) from None
        for literal, field_name, spec, conversion in parts:
            out.append(literal)
            if field_name is None:
                continue
            if field_name not in values or spec or conversion:
                shown = "{" + field_name + ("!" + conversion if conversion else "")
                shown += (":" + spec if spec else "") + "}"
                known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                raise ConfigError(f"{where}: unknown placeholder {shown}; use {known}")
            out.append(values[field_name])
    return "".join(out)


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def milestone_of(session: Session, advocate: Advocate) -> str:
    """The latest milestone's note ("the go-live of the webshop"), else the general words."""
    note = session.exec(
        select(col(AdvocateEvent.note))
        .where(
            AdvocateEvent.advocate_id == advocate.id,
            AdvocateEvent.kind == EventKind.milestone.value,
            col(AdvocateEvent.note).is_not(None),
        )
        .order_by(col(AdvocateEvent.happened_on).desc(), col(AdvocateEvent.id).desc())
    ).first()
    return note.strip() if note and note.strip() else NO_MILESTONE


def target_words(target: Target) -> str:
    return f"{target.name} at {target.company}" if target.company else target.name


def _values(
    session: Session, advocate: Advocate, *, target: str, prospect: str, you: str
) -> dict[str, str]:
    """What each placeholder says (PLACEHOLDERS, in that order)."""
    return {
        "advocate": advocate.name,
        "first_name": first_name(advocate.name),
        "target": target,
        "milestone": milestone_of(session, advocate),
        "prospect": prospect,
        "you": you,
    }


def ask_script(
    session: Session,
    *,
    advocate: Advocate,
    channel: Channel,
    you: str,
    folder: Path,
    target: Target | None = None,
    template: str | None = None,
) -> str:
    """The opener for an ask: said (phone, in person, video, event) or sent (e-mail...);
    ``template``: another file of the templates folder."""
    if target is None:
        known = targets.known_by(session, advocate_id=int(advocate.id or 0))
        target = known[0] if len(known) == 1 else None
    values = _values(
        session,
        advocate,
        target=target_words(target) if target else NO_TARGET,
        prospect=target.name if target else "",
        you=you,
    )
    return fill(load(template or template_for(channel), folder), values)


def intro_kit(
    session: Session, *, referral: Referral, advocate: Advocate, you: str, folder: Path
) -> str:
    """The introduction the advocate can forward to the prospect as it is."""
    reached = targets.reached_by(session, referral)
    target = target_words(reached[0]) if reached else referral.prospect
    values = _values(session, advocate, target=target, prospect=referral.prospect, you=you)
    return fill(load(INTRO, folder), values)


def copy_defaults(folder: Path, *, force: bool = False) -> list[tuple[Path, bool]]:
    """The shipped templates written to ``folder`` to edit: (path, written); a file you
    already have is kept unless ``force``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot make the folder {folder} ({error.strerror})") from None
    done = []
    for name in TEMPLATES:
        path = folder / name
        if path.exists() and not force:
            done.append((path, False))
            continue
        with resources.as_file(resources.files("reftrack").joinpath("templates", name)) as src:
            shutil.copyfile(src, path)
        done.append((path, True))
    return done
