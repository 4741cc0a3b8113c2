"""What ships where: benchmarks stand on the installed packages, not on tests/; the bot's runtime
does not import the local messenger (only `python -m bot` opens the sandbox from it)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


def _locked() -> dict[str, list[tuple[str, str]]]:
    """requirements.lock: name → [(version, environment marker)] (a name may be pinned per Python)."""
    pins: dict[str, list[tuple[str, str]]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"requirements.lock: {line!r} is not an exact pin"
        pins.setdefault(canonicalize_name(requirement.name), []).append(
            (specifier.version, str(requirement.marker or ""))
        )
    return pins


def test_the_lock_pins_every_dependency_of_pyproject_exactly() -> None:
    """requirements.lock is pyproject.toml's runtime and test dependencies, compiled: every one is
    pinned, within pyproject's range (re-run `./dev lock` after changing pyproject.toml)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [
        Requirement(line) for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]
    ]
    locked = _locked()
    problems = []
    for requirement in wanted:
        pins = locked.get(canonicalize_name(requirement.name))
        if not pins:
            problems.append(f"{requirement.name}: not in requirements.lock")
            continue
        problems.extend(
            f"{requirement.name}: locked {version} is outside {requirement.specifier}"
            for version, _ in pins
            if not requirement.specifier.contains(version, prereleases=True)
        )
    assert problems == [], "requirements.lock is stale (./dev lock):\n" + "\n".join(problems)
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[:2]
    assert "uv pip compile pyproject.toml --extra test" in header[1]


def test_dev_installs_from_the_lock() -> None:
    script = (ROOT / "dev").read_text(encoding="utf-8")
    assert "pip install --quiet -r requirements.lock" in script
    assert "pip install --quiet --no-deps -e ." in script
