"""`ask script`, `referral kit` and `config templates`: the words to say or send, from
plain-text templates (the shipped ones, or yours beside config.toml)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import OLD, Invoke, assert_one_line_error, ok


@pytest.fixture
def config(isolated: Path) -> Path:
    return Path(os.environ["REFTRACK_CONFIG"])  # conftest's, beside the test's database


@pytest.fixture
def templates(config: Path) -> Path:
    """The templates folder beside config.toml."""
    return config.parent / "templates"


@pytest.fixture
def book(cli: Invoke, config: Path) -> None:
    config.write_text('[templates]\nyou = "Sam Verkoper"\n')
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    ok(cli("advocate", "milestone", "anna", "--note", "the go-live of the new webshop"))
    ok(cli("target", "add", "Jan Pieters", "--company", "Omega", "--via", "anna"))
    ok(cli("referral", "add", "anna", "Piet Bakker", "--phone", "1"))


@pytest.mark.usefixtures("book")
def test_a_phone_script_is_personal_and_specific(cli: Invoke) -> None:
    said = ok(cli("ask", "script", "anna"))
    text = said.stdout
    assert text.startswith("Hi Anna, it's Sam Verkoper.")
    assert "I'm really glad about the go-live of the new webshop" in text
    assert "Who are one or two people you could introduce me to?" in text
    assert "I was thinking of Jan Pieters at Omega." in text  # the one target she knows
    assert "then log it: reftrack ask add 1 --channel phone" in said.stderr
    assert "sign with your name" not in said.stderr


@pytest.mark.usefixtures("book")
def test_an_email_script_and_an_intro_kit(cli: Invoke) -> None:
    ok(cli("target", "add", "Eva Smit", "--via", "anna"))  # two targets: none is guessed
    mail = ok(cli("ask", "script", "anna", "--channel", "email")).stdout
    assert mail.startswith("Subject: a small favour, Anna\n")
    assert "I was hoping\nto meet someone in your network who faces" in mail
    assert mail.rstrip().endswith("Sam Verkoper")
    named = ok(cli("ask", "script", "anna", "--for", "Eva", "--channel", "email")).stdout
    assert "to meet Eva Smit." in named
    kit = ok(cli("referral", "kit", "piet")).stdout
    assert kit.startswith("Subject: introducing Sam Verkoper\n\nHi Piet Bakker,")
    assert kit.rstrip().endswith("Best regards,\nAnna de Vries")


@pytest.mark.usefixtures("book")
def test_config_templates_copies_them_out_and_yours_are_used(cli: Invoke, templates: Path) -> None:
    said = ok(cli("config", "templates"))
    names = [Path(line).name for line in said.stdout.splitlines()]
    assert names == ["ask-phone.txt", "ask-email.txt", "intro.txt"]
    shipped = (templates / "intro.txt").read_text(encoding="utf-8")
    assert "{prospect}" in shipped and "{you}" in shipped
    (templates / "ask-phone.txt").write_text("Hoi {first_name}, {{letterlijk}} voor {target}.\n")
    assert (
        ok(cli("ask", "script", "anna")).stdout
        == "Hoi Anna, {letterlijk} voor Jan Pieters at Omega.\n"
    )
    again = ok(cli("config", "templates"))
    assert again.stderr.count("kept your") == 3
    assert (templates / "ask-phone.txt").read_text().startswith("Hoi")
    ok(cli("config", "templates", "--force"))
    assert (templates / "ask-phone.txt").read_text().startswith("Hi {first_name}")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "Hi {first_name},\nthanks {frist_name}\n",
            "line 2: unknown placeholder {frist_name}; use {advocate}",
        ),
        ("fine\nfine\nHi {first_name\n", "line 3: expected '}' before end of string"),
        ("Hi } there\n", "line 1: Single '}' encountered"),
        ("Hi {0}\n", "line 1: unknown placeholder {0}"),
        ("Hi {first_name!r}\n", "line 1: unknown placeholder {first_name!r}"),
        ("Hi {first_name.upper}\n", "line 1: unknown placeholder {first_name.upper}"),
    ],
)
@pytest.mark.usefixtures("book")
def test_a_broken_template_is_one_line_naming_file_and_line(
    cli: Invoke, templates: Path, text: str, says: str
) -> None:
    templates.mkdir()
    (templates / "ask-phone.txt").write_text(text, encoding="utf-8")
    result = cli("ask", "script", "anna")
    assert_one_line_error(result, f"template {templates / 'ask-phone.txt'} {says}")
    assert result.stdout == ""


@pytest.mark.usefixtures("book")
def test_other_bad_templates(cli: Invoke, templates: Path) -> None:
    assert_one_line_error(
        cli("ask", "script", "anna", "--template", "../x.txt"), "give a file name in"
    )
    assert_one_line_error(cli("ask", "script", "anna", "--template", "golf.txt"), "no template")
    templates.mkdir()
    (templates / "golf.txt").write_bytes(b"Hi \xff{first_name}\n")
    assert_one_line_error(
        cli("ask", "script", "anna", "--template", "golf.txt"), "is not UTF-8 text"
    )
    (templates / "golf.txt").write_text("See you at golf, {first_name}!\n")
    assert (
        ok(cli("ask", "script", "anna", "--template", "golf.txt")).stdout
        == "See you at golf, Anna!\n"
    )


def test_without_your_name_the_script_says_how_to_set_it(cli: Invoke) -> None:
    ok(cli("advocate", "add", "Anna de Vries", "--nps", "9", *OLD))
    said = ok(cli("ask", "script", "anna"))
    assert "it's tester." in said.stdout  # REFTRACK_USER in the tests
    assert 'add [templates] you = "Your Name" to config.toml' in said.stderr
    assert "I'm really glad about what we achieved together" in said.stdout
