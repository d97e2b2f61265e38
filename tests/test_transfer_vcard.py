"""`import advocates FILE.vcf`: vCard 2.1, 3.0 and 4.0 as Apple Contacts, Google, Outlook
and Android write them (tests/data/vcards), through vobject."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DATA, Invoke, assert_one_line_error, ok

VCARDS = DATA / "vcards"
FIELDS = ("name", "company", "title", "email", "phone", "url", "notes")


def imported(cli: Invoke, name: str) -> tuple[str, list[dict[str, Any]]]:
    result = ok(cli("import", "advocates", str(VCARDS / name)))
    rows = json.loads(ok(cli("export", "advocates", "--format", "json")).stdout)
    return result.stderr, [{key: row[key] for key in FIELDS} for row in rows]


def test_apple_contacts_3_0_with_groups_escapes_folding_and_a_photo(cli: Invoke) -> None:
    report, rows = imported(cli, "apple.vcf")
    assert rows == [
        {
            "name": "Anna de Vries",
            "company": "Bakkerij de Vries BV",
            "title": "Directeur",
            "email": "anna@bakkerijdevries.nl",  # type=pref, though not the first
            "phone": "06 1234 5678",
            "url": "https://bakkerijdevries.nl",  # Apple writes https\://
            "notes": "Met on the fair in Utrecht, 2024.\nWants a quote for the new ovens "
            "before summer; call after 10:00 please.\nalso email: info@bakkerijdevries.nl\n"
            "also phone: 020 123 4567",
        },
        {
            "name": "+31 6 8765 4321",
            "company": "Jansen Logistiek",
            "title": None,
            "email": None,
            "phone": "+31 6 8765 4321",
            "url": None,
            "notes": None,
        },
    ]
    assert "2 inserted" in report and "1 named from their phone" in report


def test_google_3_0_with_lf_line_ends_and_a_card_with_only_an_email(cli: Invoke) -> None:
    report, rows = imported(cli, "google.vcf")
    assert [(r["name"], r["email"], r["title"], r["url"]) for r in rows] == [
        ("Piet Bakker", "piet.bakker@gmail.com", "Projectleider", "https://bakker-bouw.nl"),
        ("onlymail@example.com", "onlymail@example.com", None, None),
    ]
    assert rows[0]["notes"] == "Introduced by Anna\nalso email: p.bakker@bakker-bouw.nl"
    assert "1 named from their e-mail" in report


def test_outlook_2_1_in_cp1252_with_quoted_printable_and_no_charset(cli: Invoke) -> None:
    _, [karin] = imported(cli, "outlook.vcf")
    assert karin == {
        "name": "Karin Smit",
        "company": "Contoso BV",
        "title": "Accountmanager",
        "email": "karin.smit@contoso.nl",
        "phone": "+31 30 765 4321",
        "url": "http://www.contoso.nl",
        "notes": "Klant sinds 2021.\nBelangrijk: één keer per kwartaal bellen.\n"
        "also phone: 06 2222 3333",
    }


def test_android_2_1_quoted_printable_with_soft_line_breaks(cli: Invoke) -> None:
    report, [jurgen, phone_only] = imported(cli, "android.vcf")
    assert (jurgen["name"], jurgen["company"]) == ("Jürgen Müller", "Bäckerei Müller")
    assert jurgen["phone"] == "+49 30 1234567"  # the PREF one
    assert jurgen["notes"] == (
        "Erste Zeile\nZweite Zeile, ein langer Text über die Bäckerei, der umbrochen wird\n"
        "also phone: +49 151 2345678"
    )
    assert (phone_only["name"], phone_only["phone"]) == ("0612000111", "0612000111")
    assert "1 named from their phone" in report


def test_vcard_4_0_uri_phones_and_pref_parameters(cli: Invoke) -> None:
    _, [sara] = imported(cli, "v4.vcf")
    assert (sara["name"], sara["phone"], sara["email"], sara["company"]) == (
        "Sara Jansen",
        "+31-6-5555-0000",
        "sara@jansen.example",
        "Jansen & Co",
    )


def test_reimporting_a_vcard_file_adds_nothing(cli: Invoke) -> None:
    for name in ("apple.vcf", "google.vcf", "outlook.vcf", "android.vcf", "v4.vcf"):
        ok(cli("import", "advocates", str(VCARDS / name)))
    again = ok(cli("import", "advocates", str(VCARDS / "apple.vcf")))
    assert "0 inserted, 0 updated, 2 skipped" in again.stderr


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("name,email\nAnna,a@x.nl\n", ["contacts.vcf is not a vCard file (no BEGIN:VCARD)"]),
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\n",
            ["contacts.vcf ends inside card 1 (no END:VCARD)"],
        ),
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nthis is no vCard line\r\nEND:VCARD\r\n",
            [
                "contacts.vcf line 4 is not a vCard line ('this is no vCard line')",
                "export the contacts as vCard again",
            ],
        ),
    ],
)
def test_a_vcf_that_is_not_a_vcard_is_refused_and_nothing_is_written(
    cli: Invoke, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(cli("import", "advocates", str(path)), *fragments)
    assert json.loads(ok(cli("export", "advocates", "--format", "json")).stdout) == []


def test_a_vcard_file_is_for_advocates(cli: Invoke) -> None:
    assert_one_line_error(
        cli("import", "referrals", str(VCARDS / "google.vcf")),
        "google.vcf is a vCard file: contacts; import it with `import advocates`",
    )
