"""Asking well (docs/rules.md): the tip on an ask that names nobody, event invitations and
the day-after follow-up, proof collected, and the metrics of specific asks and promises.

Today is Monday 2026-03-16 (tests/helpers.py); dates below are worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, dump, ok

pytestmark = pytest.mark.both_engines

Json = Callable[..., Any]
TIP = "tip: specific asks work better; name one or two people"


@pytest.fixture
def anna(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("advocate", "add", "Bram Jansen", "--nps", "9", *OLD))
    ok(cli("advocate", "add", "Carla Bos", "--nps", "9", *OLD))


def follow_ups(cli_json: Json, kind: str) -> list[dict[str, Any]]:
    return [f for f in cli_json("followup", "list", "--all") if f["kind"] == kind]


@pytest.mark.usefixtures("anna")
def test_an_ask_that_names_nobody_gets_a_one_line_tip(cli: Invoke) -> None:
    said = ok(cli("ask", "add", "anna"))
    [tip] = [line for line in said.stderr.splitlines() if line.startswith("tip:")]
    assert tip.startswith(TIP) and "--for TARGET" in tip
    assert said.stdout == ""
    for args in (("bram", "--target", "the CFO of Gamma"), ("carla", "--event", "Golf 2026-04-01")):
        assert "tip:" not in ok(cli("ask", "add", *args)).stderr


@pytest.mark.usefixtures("anna")
def test_an_event_invitation_asks_whom_they_brought_the_day_after(
    cli: Invoke, cli_json: Json
) -> None:
    said = ok(cli("ask", "add", "anna", "--event", "Golf day 2026-05-14", "--bring"))
    assert "after the event 2026-05-15" in said.stderr
    [ask] = cli_json("ask", "list")
    assert (ask["channel"], ask["event"], ask["event_on"], ask["bring"]) == (
        "event",
        "Golf day",
        "2026-05-14",
        True,
    )
    [check] = follow_ups(cli_json, "event_check")
    assert (check["due_on"], check["note"]) == (
        "2026-05-15",
        "whom did Anna bring to Golf day? get their details and follow up",
    )
    # without a plus-one, and with the date given apart
    ok(cli("ask", "add", "bram", "--event", "Client dinner", "--event-on", "2026-04-02"))
    notes = {f["advocate"]: f for f in follow_ups(cli_json, "event_check")}
    assert (notes["Bram Jansen"]["due_on"], notes["Bram Jansen"]["note"]) == (
        "2026-04-03",
        "how was Client dinner for Bram? ask whom to invite next time",
    )
    # whom Anna brought, logged as a referral from that ask: the question is answered
    ok(cli("referral", "add", "anna", "Kees Bakker", "--ask", str(ask["id"]), "--phone", "1"))
    [check] = [f for f in follow_ups(cli_json, "event_check") if f["advocate"] == "Anna de Vries"]
    assert (check["done_on"], check["outcome"]) == ("2026-03-16", "brought Kees Bakker")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--event", "Golf day"), "has no date; write it in"),
        (("--bring",), "--bring goes with --event"),
        (("--event", "Golf 2026-05-14", "--channel", "phone"), "--event goes with --channel event"),
        (("--event", "Golf 2026-03-01", "--on", "2026-03-10"), "the event (2026-03-01) is before"),
        (("--event", "Golf 2026-02-30"), "--event '2026-02-30'"),
        (("--event", "2026-05-14"), "--event is empty; name the event"),
    ],
)
@pytest.mark.usefixtures("anna")
def test_bad_event_asks_write_nothing(
    cli: Invoke, db_path: Path, engine: str, args: tuple[str, ...], says: str
) -> None:
    before = dump(db_path) if engine == "sqlite" else None
    assert_one_line_error(cli("ask", "add", "anna", *args), says)
    if before is not None:
        assert dump(db_path) == before


@pytest.mark.usefixtures("anna")
def test_proof_list_shows_what_was_collected_and_where(cli: Invoke, cli_json: Json) -> None:
    ok(cli("ask", "add", "anna", "--on", "2026-03-02"))
    ok(
        cli(
            "ask", "outcome", "anna", "alternative", "--alternative", "review", "--on", "2026-03-05"
        )
    )
    assert cli_json("proof", "list") == []
    [pending] = cli_json("proof", "list", "--all")
    assert (pending["state"], pending["kind"]) == ("to collect by 2026-03-12", "review")
    [collect] = follow_ups(cli_json, "collect")
    said = ok(
        cli(
            "followup",
            "done",
            str(collect["id"]),
            "--link",
            "https://g.co/r/1",
            "--on",
            "2026-03-09",
        )
    )
    assert f"follow-up #{collect['id']} done on 2026-03-09" in said.stderr
    [proof] = cli_json("proof", "list")
    assert (
        proof["advocate"],
        proof["kind"],
        proof["collected_on"],
        proof["link"],
        proof["state"],
    ) == (
        "Anna de Vries",
        "review",
        "2026-03-09",
        "https://g.co/r/1",
        "collected",
    )
    [done] = follow_ups(cli_json, "collect")
    assert (done["link"], done["outcome"]) == ("https://g.co/r/1", "published at https://g.co/r/1")


@pytest.mark.usefixtures("anna")
def test_metrics_of_specific_asks_and_promises(cli: Invoke, cli_json: Json) -> None:
    ok(cli("target", "add", "Jan Pieters", "--via", "anna"))
    # in February: Anna for Jan (named, kept promise), Bram for words (promise not kept),
    # Carla for nobody (referred anyway); Anna's second ask in March is outside
    ok(cli("ask", "add", "anna", "--for", "jan", "--on", "2026-02-02"))
    ok(cli("ask", "outcome", "1", "promised", "--on", "2026-02-03"))
    ok(
        cli(
            "referral",
            "add",
            "anna",
            "Jan Pieters",
            "--ask",
            "1",
            "--phone",
            "1",
            "--on",
            "2026-02-10",
        )
    )
    ok(cli("ask", "add", "bram", "--target", "the CFO of Gamma", "--on", "2026-02-04"))
    ok(cli("ask", "outcome", "2", "promised", "--on", "2026-02-05"))
    ok(cli("ask", "add", "carla", "--on", "2026-02-06"))
    ok(cli("referral", "add", "carla", "Piet", "--ask", "3", "--phone", "1", "--on", "2026-02-07"))
    data = cli_json("metrics", "--since", "2026-02-01", "--until", "2026-02-28")
    assert (data["asks"], data["asks_with_referral"]) == (3, 2)
    assert (data["promises"], data["promises_kept"]) == (2, 1)  # Anna kept hers; Bram not yet
    assert (data["asks_with_target"], data["ask_yield_with_target"]) == (2, 0.5)
    by = cli_json(
        "metrics", "--since", "2026-02-01", "--until", "2026-02-28", "--by", "specificity"
    )
    rows = {r["key"]: (r["asks"], r["referrals"], r["ask_yield"]) for r in by["breakdown"]}
    assert rows == {
        "named target": (1, 1, 1.0),
        "free-text target": (1, 0, 0.0),
        "no target": (1, 1, 1.0),
    }
    table = ok(cli("metrics", "--since", "2026-02-01", "--until", "2026-02-28")).stdout
    assert f"{'specific asks':18}  2  (50% yield)" in table
    assert f"{'promises kept':18}  1 of 2" in table
