"""Names as people type them: exact, then whole words, then parts; accents and case
ignored; archived advocates only when no active one matches. Duplicates are caught where
they start, and `search` finds a person by anything you know of them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reftrack.names import ACCENTED, PLAIN, fold, rank
from tests.helpers import OLD, Invoke, assert_one_line_error, ok

pytestmark = pytest.mark.both_engines


def data(cli: Invoke, *args: str) -> Any:
    return json.loads(ok(cli(*args, "--format", "json")).stdout)


def shown(cli: Invoke, ref: str) -> str:
    return str(data(cli, "advocate", "show", ref)["advocate"]["name"])


@pytest.fixture
def people(cli: Invoke) -> None:
    for name in ("Jan Smit", "Bram Jansen", "Zoë Müller", "Karin de Jong"):
        ok(cli("advocate", "add", name, *OLD))


def test_a_whole_word_beats_a_part(cli: Invoke, people: None) -> None:
    assert shown(cli, "jan") == "Jan Smit"
    assert shown(cli, "jans") == "Bram Jansen"
    assert shown(cli, "smit") == "Jan Smit"


def test_accents_and_case_are_ignored(cli: Invoke, people: None) -> None:
    assert shown(cli, "zoe") == "Zoë Müller"
    assert shown(cli, "ZOE MULLER") == "Zoë Müller"
    assert shown(cli, "Müller") == "Zoë Müller"


def test_archived_advocates_step_aside_for_an_active_one(cli: Invoke, people: None) -> None:
    ok(cli("advocate", "add", "Jan Smit", "--company", "Oud BV", "--duplicate"))
    assert_one_line_error(cli("advocate", "show", "jan smit"), "matches several")
    ok(cli("advocate", "archive", "5"))
    assert data(cli, "advocate", "show", "jan smit")["advocate"]["id"] == 1
    ok(cli("advocate", "archive", "1"))
    assert_one_line_error(cli("advocate", "show", "jan smit"), "matches several")


def test_a_namesake_is_refused_unless_it_is_another_person(cli: Invoke, people: None) -> None:
    result = cli("advocate", "add", "jan smít")
    assert_one_line_error(result, "already advocate #1 Jan Smit", "--duplicate")
    assert len(data(cli, "advocate", "list")) == 4
    ok(cli("advocate", "add", "Jan Smit", "--duplicate"))
    ok(cli("advocate", "add", "Karin", "--company", "Delta"))
    assert_one_line_error(cli("advocate", "add", "karin", "--company", "delta"), "already advocate")
    ok(cli("advocate", "add", "Karin", "--company", "Gamma"))  # another company: another Karin


def test_referring_a_known_prospect_warns(cli: Invoke, people: None) -> None:
    ok(cli("referral", "add", "jan", "Piet Bakker", "--organic", "--on", "2026-03-02"))
    result = ok(cli("referral", "add", "bram", "piet bakker", "--organic"))
    assert "warning: Piet Bakker was already referred by Jan Smit on 2026-03-02 (referral #1" in (
        result.stderr
    )
    result = ok(cli("referral", "add", "bram", "Karin de Jong", "--organic"))
    assert "is already advocate #4 Karin de Jong" in result.stderr


def test_search_by_phone_email_company_and_notes(cli: Invoke, people: None) -> None:
    ok(cli("advocate", "edit", "jan", "--phone", "+31 6 1234 5678", "--email", "jan@smit.nl"))
    ok(cli("referral", "add", "bram", "Piet", "--company", "Bakkerij Één", "--organic"))
    ok(cli("advocate", "edit", "karin", "--note", "Plays golf with the CFO of Gamma"))
    assert [(h["kind"], h["name"], h["matched"]) for h in data(cli, "search", "0612345678")] == [
        ("advocate", "Jan Smit", "phone")
    ]
    assert [h["name"] for h in data(cli, "search", "06", "1234", "5678")] == ["Jan Smit"]
    assert [h["name"] for h in data(cli, "search", "JAN@SMIT")] == ["Jan Smit"]
    [hit] = data(cli, "search", "bakkerij een")
    assert (hit["kind"], hit["name"], hit["matched"]) == ("prospect", "Piet", "company")
    assert "from Bram Jansen" in hit["detail"]
    assert [h["name"] for h in data(cli, "search", "golf")] == ["Karin de Jong"]
    assert data(cli, "search", "nobody") == []
    assert "nothing matches 'nobody'" in ok(cli("search", "nobody")).stderr
    assert_one_line_error(cli("search", "a"), "at least 2 characters")


def test_fold_matches_the_sql_translation() -> None:
    assert len(ACCENTED) == len(PLAIN)
    assert "".join(fold(c) or "" for c in ACCENTED) == PLAIN
    assert rank("Jan Smit", "jan") == 1 and rank("Bram Jansen", "jan") == 2
    assert rank("Zoë", "zoe") == 0 and rank("Anna", "bob") is None
