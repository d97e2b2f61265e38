"""The shape of the code: no two modules import each other, and the parts import downwards
only — cli → services / transfer → render → files → records → models / db → the basics.

Read from the source with ``ast`` (nothing is imported), counting every import: at the top,
inside functions (the lazy ones) and under ``TYPE_CHECKING``. Importing ``a.b.c`` runs the
packages ``a`` and ``a.b`` too, so those count as imported as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reftrack

SOURCE = Path(reftrack.__file__).parent

# A module's part is the first folder below reftrack/ or, for a top-level module, its name.
# Lower numbers are lower parts; a part may import only parts below it, and itself.
LAYERS: dict[str, int] = {
    "errors": 0,
    "enums": 1,
    "dates": 1,
    "money": 1,
    "names": 1,
    "config": 1,
    "models": 2,
    "migrations": 3,
    "db_errors": 3,
    "db_file": 3,
    "db_locks": 3,
    "db_security": 3,
    "db": 4,
    "db_server": 4,  # the reads on a server through psycopg (db_file's SQL text)
    "records": 5,
    "outreach_rows": 5,
    "journal": 5,
    "files": 6,
    "render": 7,
    "transfer": 8,
    "services": 8,
    "cli": 9,
    "__main__": 10,
    "__init__": 0,  # reftrack/__init__.py: the version
}


def module_name(path: Path) -> str:
    parts = ["reftrack", *path.relative_to(SOURCE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    module_name(path): path
    for path in sorted(SOURCE.rglob("*.py"))
    if "versions" not in path.relative_to(SOURCE).parts  # migrations: frozen history
}


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_of(name: str) -> set[str]:
    """The reftrack modules ``name`` imports, with the packages that come with them."""
    path = MODULES[name]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x
                package = _package_of(name, path).split(".")
                base = ".".join([*package[: len(package) - node.level + 1], base]).strip(".")
            targets = [base]
            # `from reftrack.files import tables` imports the module reftrack.files.tables
            targets += [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
        for target in targets:
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                if prefix in MODULES and prefix != name:
                    found.add(prefix)
    found.discard("reftrack")  # the root package: only the version, imports nothing
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def part_of(name: str) -> str:
    return name.split(".")[1] if name != "reftrack" else "__init__"


def test_the_walk_sees_the_imports() -> None:
    """Guards the walk: if it found nothing, the tests below would pass vacuously."""
    assert "reftrack.files.tables" in GRAPH["reftrack.transfer.importer"]
    assert "reftrack.render" in GRAPH["reftrack.render.charts"]
    assert "reftrack.transfer.fast" in GRAPH["reftrack.transfer.fast.lane"]  # its package
    assert "reftrack.render" in GRAPH["reftrack.cli.advocate"]  # a lazy import in a function
    assert len(MODULES) > 50


def test_cycles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_two_modules_import_each_other() -> None:
    found = cycles(GRAPH)
    assert not found, "import circles: " + "; ".join(" ↔ ".join(group) for group in found)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_parts_import_downwards(name: str) -> None:
    part = part_of(name)
    assert part in LAYERS, f"{name}: add its part {part!r} to LAYERS"
    upward = sorted(
        target
        for target in GRAPH[name]
        if part_of(target) != part and LAYERS[part_of(target)] >= LAYERS[part]
    )
    assert not upward, f"{name} ({part}) imports {upward}: a part imports only those below it"


def _imports_rich(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        if any(name.split(".")[0] == "rich" for name in names):
            return True
    return False


def test_only_render_imports_rich() -> None:
    users = sorted(n for n, p in MODULES.items() if part_of(n) != "render" and _imports_rich(p))
    assert users == [], f"Rich outside render/: {users}"
    assert _imports_rich(MODULES["reftrack.render.charts"])  # the check sees a lazy import


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 420, f"{name} has {lines} lines: split it by what its parts do"


def test_the_cli_names_the_kinds_of_the_registry() -> None:
    from reftrack.cli.transfer import Kind
    from reftrack.records import KINDS

    assert [kind.value for kind in Kind] == [*KINDS, "all"]


def test_tests_import_helpers_not_conftest() -> None:
    """pytest loads conftest.py itself; importing it as a module too loads it twice."""
    tests = Path(__file__).parent
    found = sorted(
        path.name
        for path in tests.glob("*.py")
        if any(
            isinstance(node, ast.ImportFrom) and node.module == "tests.conftest"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert found == [], f"import from tests.helpers instead: {found}"
