"""Every action the code writes into the audit log has a label on /audit in both languages (a new
action showed as its raw key, e.g. `person.block`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import get_i18n
from handlers.admin import _action_text, _label

ROOT = Path(__file__).resolve().parents[2]
# Calls whose `action=` is an audit action: audit.record itself and the wrappers that pass it on.
AUDIT_CALLS = {"record", "_audit", "may_act", "_allowed", "_refuse"}


def _strings(value: ast.expr) -> set[str]:
    """The audit actions an expression can be: a literal, either branch of `a if c else b`, or
    the fixed head of an f-string (f"console.{…}" → "console")."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}
    if isinstance(value, ast.IfExp):
        return _strings(value.body) | _strings(value.orelse)
    if isinstance(value, ast.JoinedStr) and value.values:
        head = value.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return {head.value.rstrip(".:")}
    if isinstance(value, ast.BinOp):  # f"ticket.{…}" + (…)
        return _strings(value.left)
    return set()


def _recorded_actions() -> set[str]:
    """Actions passed to the audit calls, and values given to a local named `action` in the
    modules that make such calls (handlers pick the action, then pass the variable on)."""
    found: set[str] = set()
    for folder in ("bot", "handlers", "services", "console"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            audited = False
            assigned: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in AUDIT_CALLS:
                        for keyword in node.keywords:
                            if keyword.arg == "action":
                                audited = True
                                found |= _strings(keyword.value)
                elif isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "action" for target in node.targets
                ):
                    assigned |= _strings(node.value)
            if audited:
                # Callback-data fields named `action` ("go", "back") have no dot: not audit actions.
                found |= {value for value in assigned if "." in value}
    return found


@pytest.mark.slow  # reads every module
def test_every_recorded_action_has_a_label_in_both_languages() -> None:
    actions = _recorded_actions()
    assert {"person.block", "console.signin", "faq-answer", "role.grant"} <= actions
    i18n = get_i18n()
    for locale in ("fa", "en"):
        t = i18n.translator(locale)
        raw = sorted(
            action
            for action in actions
            if _label(t, "audit-action", action) is None and _action_text(t, action) == action
        )
        assert not raw, f"{locale}: no label for {raw}"
