"""Settings: every number of the rules (docs/rules.md) and the currency, from config.toml.

``<user_config_dir>/config.toml`` (or ``REFTRACK_CONFIG``) may set any of them; the rest keep
their defaults. ``reftrack config show`` prints each effective value and where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reftrack.errors import ConfigError

CONFIG_ENV = "REFTRACK_CONFIG"
# The largest day count any setting takes (ten years): a rule adds it to a date, and every
# accepted date (dates.LATEST) plus this stays on the calendar.
MAX_DAYS = 3650
MAX_BUSY_TIMEOUT_MS = 3_600_000  # an hour


@dataclass(frozen=True)
class Settings:
    # [cadence] days from the event to the follow-up it creates
    check_ask_days: int = 7
    circle_back_days: int = 75
    thank_days: int = 0
    first_contact_days: int = 1
    next_contact_days: int = 3
    promise_check_days: int = 5  # did they make the introduction they promised?
    collect_days: int = 7  # collect the testimonial/review they offered instead
    details_days: int = 1  # ask the advocate for a prospect's phone or e-mail
    intro_check_days: int = 21  # did the person you introduced help the advocate?
    # [rules] part two
    backfill_days: int = 7  # a past event's follow-up this overdue wants --backfill
    link_referred_days: int = 30  # a referral links an ask answered `referred` this recently
    # [guards] when an ask is refused
    ask_cooldown_days: int = 60
    min_nps_to_ask: int = 5
    onboarding_days: int = 30
    complaint_days: int = 30
    # [suggest] ranking for `next`
    milestone_boost_days: int = 30
    promoter_asked_days: int = 75
    stale_score_days: int = 365  # an older score ranks below fresh ones in `next`
    reciprocity_days: int = 180  # an introduction you gave this recently lifts them in `next`
    never_helped_asks: int = 3  # asked this often and never helped: `next` says so
    # [money]
    currency: str = "EUR"
    # [database]
    busy_timeout_ms: int = 120_000  # far above the ~12 s a 1M-row import holds the lock
    # [team] who you are on a shared database (else $REFTRACK_USER, else the login name)
    user: str = ""
    # [templates] your name as `ask script` and `referral kit` sign it ({you})
    you: str = ""
    sources: dict[str, str] = field(default_factory=dict, compare=False)


# key → section in the TOML file
SECTIONS: dict[str, str] = {
    "check_ask_days": "cadence",
    "circle_back_days": "cadence",
    "thank_days": "cadence",
    "first_contact_days": "cadence",
    "next_contact_days": "cadence",
    "promise_check_days": "cadence",
    "collect_days": "cadence",
    "details_days": "cadence",
    "intro_check_days": "cadence",
    "backfill_days": "rules",
    "link_referred_days": "rules",
    "ask_cooldown_days": "guards",
    "min_nps_to_ask": "guards",
    "onboarding_days": "guards",
    "complaint_days": "guards",
    "milestone_boost_days": "suggest",
    "promoter_asked_days": "suggest",
    "stale_score_days": "suggest",
    "reciprocity_days": "suggest",
    "never_helped_asks": "suggest",
    "currency": "money",
    "busy_timeout_ms": "database",
    "user": "team",
    "you": "templates",
}


# another name a setting answers to in config.toml: the product calls score staleness
# nps_stale_days; the code and `config show` call it stale_score_days (docs/ranking.md)
ALIASES: dict[str, str] = {"nps_stale_days": "stale_score_days"}

USER_ENV = "REFTRACK_USER"


def current_user(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """Who is logging: $REFTRACK_USER, else config [team] user, else the login name."""
    env = os.environ if environ is None else environ
    if env.get(USER_ENV, "").strip():
        return env[USER_ENV].strip()
    if settings.user.strip():
        return settings.user.strip()
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        return "me"


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("reftrack", appauthor=False)) / "config.toml"


def templates_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Where your own templates live: ``templates/`` beside config.toml."""
    return config_path(environ).parent / "templates"


def _limit(key: str) -> tuple[int, str] | None:
    """The largest value of a numeric setting, and its unit."""
    if key.endswith("_days"):
        return MAX_DAYS, "days"
    if key == "busy_timeout_ms":
        return MAX_BUSY_TIMEOUT_MS, "ms"
    return None


def _check(key: str, value: Any, default: Any, path: Path) -> Any:
    where = f"{SECTIONS[key]}.{key}"
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(
                f"config {where} must be a whole number, not {value!r}; fix config.toml"
            )
        if value < 0:
            raise ConfigError(f"config {where} must not be negative ({value}); fix config.toml")
        if key == "min_nps_to_ask" and value > 11:
            raise ConfigError(f"config {where} must be 0–11 ({value}); fix config.toml")
        limit = _limit(key)
        if limit is not None and value > limit[0]:
            raise ConfigError(
                f"config {where} = {value} in {path} is out of range; "
                f"use 0 to {limit[0]} {limit[1]}"
            )
    elif not isinstance(value, str) or not value.strip():
        raise ConfigError(f"config {where} must be a text, not {value!r}; fix config.toml")
    return value


def load_settings(path: Path | None = None) -> Settings:
    if path is None:
        path = config_path()
        named = os.environ.get(CONFIG_ENV)
        if named and not path.exists():
            raise ConfigError(
                f"config file {path} does not exist ({CONFIG_ENV}={named}); "
                f"unset {CONFIG_ENV} or create it"
            )
    if not path.exists():
        return Settings(sources={key: "default" for key in SECTIONS})
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"config file {path} is not valid TOML ({error}); fix or remove it"
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path} ({error.strerror})") from None
    defaults = Settings()
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    known = {f.name for f in fields(Settings)} - {"sources"}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"config {section} must be a [section]; fix config.toml")
        for alias, value in table.items():
            key = ALIASES.get(alias, alias)
            if key != alias and key in table:
                raise ConfigError(
                    f"config {section}.{alias} is another name for {section}.{key}; "
                    "give one of them in config.toml"
                )
            if key not in known or SECTIONS[key] != section:
                hint = f" (it belongs in [{SECTIONS[key]}])" if key in SECTIONS else ""
                raise ConfigError(f"config {section}.{key} is not a setting{hint}; fix config.toml")
            values[key] = _check(key, value, getattr(defaults, key), path)
            sources[key] = str(path)
    for key in SECTIONS:
        sources.setdefault(key, "default")
    return Settings(**values, sources=sources)


def settings_rows(settings: Settings) -> list[dict[str, Any]]:
    return [
        {
            "key": f"{SECTIONS[key]}.{key}",
            "value": getattr(settings, key),
            "source": settings.sources.get(key, "default"),
        }
        for key in SECTIONS
    ]
