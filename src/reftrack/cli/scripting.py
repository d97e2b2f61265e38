"""`ask script`, `referral kit` and `config templates`: the words for asking well."""

from __future__ import annotations

from typing import Annotated

import typer

from reftrack.cli import common, completion
from reftrack.enums import Channel


def _you() -> str:
    from reftrack.config import current_user

    settings = common.settings()
    return settings.you.strip() or current_user(settings)


def _unsigned() -> None:
    """The scripts sign with your name: say once how to set it, when it is not set."""
    from reftrack import render

    if not common.settings().you.strip():
        render.message(
            'note: sign with your name: add [templates] you = "Your Name" to config.toml'
        )


def ask_script(
    advocate: Annotated[
        str,
        typer.Argument(help="Whom you will ask: name or id.", autocompletion=completion.advocates),
    ],
    for_: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="The person to ask for: a target (default: the one target they know).",
            autocompletion=completion.targets,
        ),
    ] = None,
    channel: Annotated[
        Channel, typer.Option("--channel", help="Said (phone, in_person…) or sent (email…).")
    ] = Channel.phone,
    template: Annotated[
        str | None,
        typer.Option("--template", help="Another template file in the templates folder."),
    ] = None,
) -> None:
    """Print an opener to say or send: specific ("one or two people", the target by name),
    personal (their milestone), with what is in it for them. From templates/ask-phone.txt
    or ask-email.txt beside config.toml (`reftrack config templates` copies them out).

    Example: reftrack ask script anna --for "Jan Pieters" --channel email
    """
    from reftrack import render
    from reftrack.config import templates_folder
    from reftrack.services import lookup, scripts

    with common.read_session() as session:
        who = lookup.advocate(session, advocate)
        target = lookup.target(session, for_) if for_ is not None else None
        text = scripts.ask_script(
            session,
            advocate=who,
            channel=channel,
            you=_you(),
            folder=templates_folder(),
            target=target,
            template=template,
        )
    render.write(text)
    _unsigned()
    how = f' --for "{target.name}"' if target else ""
    render.message(f"then log it: reftrack ask add {who.id} --channel {channel.value}{how}")


def referral_kit(
    referral: Annotated[
        str, typer.Argument(help="Referral id or prospect.", autocompletion=completion.referrals)
    ],
) -> None:
    """Print a ready introduction the advocate can forward to the prospect as it is
    ("help your referent: write a text they can use"), from templates/intro.txt.

    Example: reftrack referral kit "Jan Pieters" > intro.txt
    """
    from reftrack import render
    from reftrack.config import templates_folder
    from reftrack.services import lookup, scripts

    with common.read_session() as session:
        found = lookup.referral(session, referral)
        who = lookup.advocate(session, str(found.advocate_id))
        text = scripts.intro_kit(
            session, referral=found, advocate=who, you=_you(), folder=templates_folder()
        )
    render.write(text)
    _unsigned()


def config_templates(
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the ones you already have.")
    ] = False,
) -> None:
    """Copy the shipped templates (ask-phone.txt, ask-email.txt, intro.txt) into the
    templates folder beside config.toml, to edit; yours are kept unless --force.

    Placeholders: {advocate} {first_name} {target} {milestone} {prospect} {you}
    ({{ and }} for a literal brace).

    Example: reftrack config templates   (then edit the files it lists)
    """
    from reftrack import render
    from reftrack.config import templates_folder
    from reftrack.services import scripts

    for path, written in scripts.copy_defaults(templates_folder(), force=force):
        render.write_line(str(path))
        if not written:
            render.message(f"kept your {path.name} (--force replaces it)")
