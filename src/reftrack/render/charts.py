"""Charts for people: headline panels, bar charts, funnels and trees.

Like the rest of render/: Rich on a terminal, plain text everywhere else (a pipe, cron's mail, a
test): no colour, no box drawing, nothing cut short. Rich is imported only when drawing
for a terminal. Inputs are plain values, never models. Every label and value is one line
made safe for a terminal (``render.safe``) and reaches Rich as ``Text``, never as markup.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from reftrack import render
from reftrack.render.safe import terminal_line

BAR_WIDTH = 30
_BLOCK = "█"
_PLAIN_BLOCK = "#"


def pct(fraction: float | None) -> str:
    """0.5 → '50%'; None (a zero denominator) → '—'."""
    return "—" if fraction is None else f"{fraction * 100:.0f}%"


def bar(value: float, maximum: float, *, width: int = BAR_WIDTH, char: str = _PLAIN_BLOCK) -> str:
    """A bar of ``width`` at ``maximum``; any value above zero shows at least one block."""
    if maximum <= 0 or value <= 0:
        return ""
    return char * max(1, round(width * value / maximum))


def _rich() -> bool:
    return render.stdout_is_terminal()


def _write(text: str) -> None:
    sys.stdout.write(text)


def section(title: str) -> None:
    """A heading between the parts of a screen."""
    if _rich():
        render.out().print()
        render.out().print(render.rich_text(terminal_line(title), "bold"))
    else:
        _write(f"\n{terminal_line(title)}\n")


def gap() -> None:
    """An empty line between two parts of a screen."""
    _write("\n") if not _rich() else render.out().print()


def line(text: str) -> None:
    """One line of data or a note that belongs to the screen (stdout, not stderr)."""
    if _rich():
        render.out().print(render.rich_text(terminal_line(text)))
    else:
        _write(terminal_line(text) + "\n")


def headline(title: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Label/value pairs in a panel (terminal) or aligned lines (plain)."""
    title = terminal_line(title)
    pairs = [(terminal_line(label), terminal_line(value)) for label, value in pairs]
    if not _rich():
        width = max((len(label) for label, _ in pairs), default=0)
        body = "".join(f"  {label.ljust(width)}  {value}\n" for label, value in pairs)
        _write(f"{title}\n{body}")
        return
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(style="bold")
    for label, value in pairs:
        grid.add_row(render.rich_text(label), render.rich_text(value))
    panel = Panel(grid, title=render.rich_text(title), title_align="left", expand=False)
    render.out().print(panel)


def bars(title: str, rows: Sequence[tuple[str, float, str]], *, width: int = BAR_WIDTH) -> None:
    """A horizontal bar chart: (label, value, text after the bar) per row."""
    title = terminal_line(title)
    rows = [(terminal_line(label), value, terminal_line(note)) for label, value, note in rows]
    maximum = max((value for _, value, _ in rows), default=0)
    label_width = max((len(label) for label, _, _ in rows), default=0)
    if not _rich():
        lines = [
            f"  {label.ljust(label_width)}  {bar(value, maximum, width=width).ljust(width)}"
            f"  {note}".rstrip()
            for label, value, note in rows
        ]
        _write(f"{title}\n" + "\n".join(lines) + ("\n" if lines else ""))
        return
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(style="cyan", min_width=width)
    table.add_column()
    for label, value, note in rows:
        block = bar(value, maximum, width=width, char=_BLOCK)
        table.add_row(render.rich_text(label), block, render.rich_text(note))
    render.out().print(render.rich_text(title, "bold"))
    render.out().print(table)


def funnel(title: str, steps: Sequence[tuple[str, int]]) -> None:
    """Each step as a bar, with its share of the step before (asks → referrals → won)."""
    rows: list[tuple[str, float, str]] = []
    previous: int | None = None
    for label, value in steps:
        share = "" if previous is None else f"  ({pct(value / previous if previous else None)})"
        rows.append((label, value, f"{value}{share}"))
        previous = value
    bars(title, rows)


def tree(roots: Sequence[Any], label: Any, *, title: str | None = None) -> None:
    """Draw nodes that have ``.children``; ``label(node)`` gives each node's text."""
    title = terminal_line(title) if title else None

    def text(node: Any) -> str:
        return terminal_line(label(node))

    if not _rich():
        lines = [title] if title else []

        def walk(node: Any, depth: int) -> None:
            lines.append("    " * depth + ("- " if depth else "") + text(node))
            for child in node.children:
                walk(child, depth + 1)

        for root in roots:
            walk(root, 0)
        _write("\n".join(lines) + "\n")
        return
    from rich.tree import Tree

    def grow(branch: Any, node: Any) -> None:
        for child in node.children:
            grow(branch.add(render.rich_text(text(child))), child)

    if title:
        render.out().print(render.rich_text(title, "bold"))
    for root in roots:
        top = Tree(render.rich_text(text(root), "bold"), guide_style="dim")
        grow(top, root)
        render.out().print(top)


# --- what the insight screens say -----------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def money_text(amount: str | None, currency: str) -> str:
    """A decimal string ("12500.00", as in JSON) for people: "EUR 12,500"."""
    from reftrack.money import display_money, parse_money

    return display_money(parse_money(amount) if amount else 0, currency)


def metrics_pairs(data: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    """The headline of `metrics` from its JSON object: label, value in words."""
    nps, median = data["nps"], data["median_days_to_win"]
    score = "—"
    if nps["score"] is not None:
        counts = [_count(nps[k], k[:-1]) for k in ("promoters", "passives", "detractors")]
        score = f"{nps['score']:g}  ({', '.join(counts)})"
    return [
        ("asks", f"{data['asks']}  ({data['asks_with_referral']} with a referral)"),
        ("ask yield", pct(data["ask_yield"])),
        ("referrals", f"{data['referrals']}  ({data['organic_referrals']} organic)"),
        ("won / lost", f"{data['won']} / {data['lost']}"),
        ("win rate", pct(data["win_rate"])),
        ("won value", money_text(data["won_value"], currency)),
        ("median days to win", "—" if median is None else f"{median:g}"),
        ("new customers", f"{data['new_customers']}  ({data['referred_customers']} referred)"),
        ("referral rate", pct(data["referral_rate"])),
        ("thanked", pct(data["thanked_rate"])),
        ("follow-ups on time", pct(data["followups_on_time"])),
        ("overdue now", str(data["overdue"])),
        ("NPS", score),
        ("promoters asked", pct(data["promoters_asked"])),
        (
            "specific asks",
            f"{data['asks_with_target']}  ({pct(data['ask_yield_with_target'])} yield)",
        ),
        ("promises kept", f"{data['promises_kept']} of {data['promises']}"),
        *_giving_pairs(data, currency),
    ]


def _giving_pairs(data: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    """Giving back (`intro give`, `gift add`) and how fresh the scores are."""
    if "intros_given" not in data:
        return []
    per_won = data["cost_per_won_referral"]
    return [
        ("intros given", str(data["intros_given"])),
        ("gifts cost", money_text(data["gifts_cost"], currency)),
        ("gift cost per won", "—" if per_won is None else money_text(per_won, currency)),
        ("scores fresh", pct(data["nps_fresh"])),
    ]


def chain_label(node: Any, currency: str) -> str:
    """One line of `tree`: who, when they were won, branch size and value."""
    from reftrack.money import display_money

    who = node.name + (f" ({node.company})" if node.company else "")
    if node.archived:
        who += " [archived]"
    parts = []
    if node.joined_on:
        parts.append(f"won {node.joined_on}")
    if node.descendants:
        parts.append(_count(node.descendants, "descendant"))
    parts.append(f"{display_money(node.branch_value_cents, currency)} won in branch")
    return f"{who}  ·  " + " · ".join(parts)
