"""The user docs in docs/ keep up with the code: every metric key, config key and canonical
column the CLI has is documented, and no user-facing file points at a spec users do not have.

The truths come from the real CLI where it can say them (`metrics --format json`, `config
show --format json`, the choices of `import --preset`), so the tests hold however the
modules behind them are arranged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reftrack.records import COLUMNS
from tests.helpers import Invoke

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def key_paths(data: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """`nps` and `nps.score`, … for every key of a JSON object, nested objects too."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        yield path
        if isinstance(value, dict):
            yield from key_paths(value, f"{path}.")


def undocumented(names: list[str], text: str) -> list[str]:
    return [name for name in names if f"`{name}`" not in text]


def section(text: str, heading: str) -> str:
    """The text under a markdown heading, up to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    start = lines.index(heading) + 1
    pattern = re.compile(rf"^#{{1,{level}}} ")  # a heading as high as this one, or higher
    end = next((i for i in range(start, len(lines)) if pattern.match(lines[i])), len(lines))
    return "\n".join(lines[start:end])


def table_row(text: str, first_cell: str) -> list[str]:
    """The cells of the markdown table row whose first cell is ``first_cell``."""
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row for {first_cell} in the doc")


# --- docs/metrics.md ----------------------------------------------------------------------


def test_every_metrics_key_is_in_metrics_md(cli_json: Callable[..., Any]) -> None:
    data = cli_json("metrics")
    keys = list(key_paths(data))
    assert "nps.score" in keys and len(keys) > 20  # the walk found the nested object
    assert undocumented(keys, doc("metrics.md")) == []


def test_every_breakdown_column_is_in_metrics_md(cli_json: Callable[..., Any]) -> None:
    data = cli_json("metrics", "--by", "month")
    rows = data["breakdown"]
    assert rows, "a 90-day period always has month rows"
    columns = ["breakdown", *dict.fromkeys(key for row in rows for key in row)]
    assert undocumented(columns, section(doc("metrics.md"), "## Breakdown: `--by`")) == []


def test_every_today_key_is_in_metrics_md(cli_json: Callable[..., Any]) -> None:
    data = cli_json("today")
    keys = [*data, *data["this_month"], *data["last_month"]]
    text = section(doc("metrics.md"), "## `reftrack today`: this month against last month")
    assert undocumented(list(dict.fromkeys(keys)), text) == []


# --- docs/rules.md ------------------------------------------------------------------------


def test_every_config_key_is_in_rules_md_with_its_default(cli_json: Callable[..., Any]) -> None:
    rows = cli_json("config", "show")
    assert len(rows) > 10 and all(row["source"] == "default" for row in rows)
    text = doc("rules.md")
    for row in rows:
        cells = table_row(text, f"`{row['key']}`")
        documented = cells[1].strip("`").strip('"')
        assert documented == str(row["value"]), (row["key"], cells[1], row["value"])


# --- docs/formats.md ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_every_canonical_column_is_in_formats_md(kind: str, cli: Invoke) -> None:
    text = doc("formats.md")
    header = ",".join(COLUMNS[kind])
    assert cli("export", kind).stdout.splitlines()[0] == header
    assert header in text, f"the CSV header of {kind} is not in docs/formats.md"
    assert undocumented(COLUMNS[kind], section(text, f"### {kind}")) == []


def test_every_preset_is_in_formats_md(cli: Invoke) -> None:
    result = cli("import", "advocates", "-", "--preset", "no-such-preset", input="")
    assert result.exit_code == 2
    choices = result.stderr.partition("is not one of")[2]
    presets = re.findall(r"'([\w-]+)'", choices)
    assert "linkedin" in presets, result.stderr
    text = section(doc("formats.md"), "### Presets")
    for preset in presets:
        table_row(text, f"`{preset}`")


# --- links and references -----------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("name", ["metrics.md", "formats.md", "rules.md"])
def test_links_between_docs_resolve(name: str) -> None:
    links = re.findall(r"\]\(([^)#:\s]*)(?:#([^)\s]+))?\)", doc(name))
    assert links
    for target, anchor in links:
        path = DOCS / (target or name)
        assert path.is_file(), (name, target)
        if anchor:
            headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.M)
            assert anchor in {slug(h) for h in headings}, (name, target, anchor)


def user_facing_files() -> Iterator[Path]:
    yield ROOT / "README.md"
    for top in (ROOT / "src", DOCS):
        for path in sorted(top.rglob("*")):
            skipped = {"__pycache__"} | {p for p in path.parts if p.endswith(".egg-info")}
            if path.is_file() and not skipped & set(path.parts) and path.suffix != ".pyc":
                yield path


def test_no_user_facing_file_points_at_product_md() -> None:
    """The spec is not in the repository: help, errors, README and docs point at docs/."""
    found = [
        str(path.relative_to(ROOT))
        for path in user_facing_files()
        if "PRODUCT.md" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert found == []
