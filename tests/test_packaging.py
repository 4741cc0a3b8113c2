"""What ships where: benchmarks stand on the installed packages, not on tests/; the bot's runtime
does not import the local messenger (only `python -m bot` opens the sandbox from it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _offenders(folder: str, package: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / folder).rglob("*.py")
        if str(path.relative_to(ROOT)) not in allowed
        for name in _imports(path)
        if name == package or name.startswith(f"{package}.")
    )


def test_benchmarks_import_nothing_from_tests() -> None:
    assert _offenders("benchmarks", "tests") == []


def test_the_runtime_does_not_import_the_messenger() -> None:
    assert _offenders("bot", "messenger", frozenset({"bot/__main__.py"})) == []
    assert _offenders("handlers", "messenger") == []
    assert _offenders("services", "messenger") == []
    assert _offenders("models", "messenger") == []
