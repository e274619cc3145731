"""The shape of the code, checked: imports point down (no cycles; the pure layers import
neither Slack nor SQLAlchemy nor anything above them), an import inside a function says
why (start-up time, an optional module), and no module outside tests passes 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")
PURE = ("bot.domain", "bot.messages", "bot.mrkdwn", "bot.errors", "bot.clock")
NOT_IN_PURE = ("slack_bolt", "slack_sdk", "sqlalchemy", "storage", "handlers", "bot.services")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> list[tuple[str, ast.stmt]]:
    """(what is imported, the statement): `from a import b` names `a.b` when that is a
    module of ours, else `a`."""
    modules = _modules()
    out: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.append((sub if sub in modules else node.module, node))
        elif isinstance(node, ast.Import):
            out += [(a.name, node) for a in node.names]
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {target for target, _ in _imports(path) if target in modules} - {name}
        for name, path in modules.items()
    }


def test_no_import_cycles() -> None:
    graph, state, cycles = _graph(), {}, []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_pure_layers_stay_pure() -> None:
    impure = [
        (name, target)
        for name, path in _modules().items()
        if name.startswith(PURE)
        for target, _ in _imports(path)
        if target.startswith(NOT_IN_PURE)
    ]
    assert not impure, impure


def test_an_import_inside_a_function_says_why() -> None:
    unexplained = []
    for path in _modules().values():
        lines = path.read_text().splitlines()
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    line = lines[node.lineno - 1]
                    if "#" not in line:
                        unexplained.append(
                            f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}"
                        )
    assert not unexplained, unexplained


def test_no_module_is_over_400_lines() -> None:
    """Split a file before it passes 400 lines (CONVENTIONS.md): every module outside
    tests, benchmarks and migrations included."""
    too_long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for folder in (*PACKAGES, "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert not too_long, too_long
