"""English counts agree with their nouns ("1 donor", "2 donors"): every English message that puts a
number before a countable noun uses Fluent's plural selector, and numbers reach Fluent as numbers
(not pre-formatted strings, which never match `[one]`)."""

from __future__ import annotations

import re

import pytest
from fluent.syntax import ast
from fluent.syntax.visitor import Visitor

from bot.i18n import I18n

# English plurals that follow a count somewhere in the bot's texts, and their singulars.
NOUNS = {
    "applications": "application",
    "attachments": "attachment",
    "characters": "character",
    "days": "day",
    "donors": "donor",
    "entries": "entry",
    "gifts": "gift",
    "hours": "hour",
    "messages": "message",
    "minutes": "minute",
    "people": "person",
    "questions": "question",
    "rows": "row",
    "tickets": "ticket",
    "volunteers": "volunteer",
}
# Variables that hold words or money, never a count of things.
NOT_COUNTS = {"amount", "raised", "goal", "title", "name", "target", "language", "code"}
# "1 gifts", and also "1 more bad rows" (up to two words between the count and the noun).
PLURAL_AFTER_ONE = re.compile(r"(?<![\d.,])1 (?:(?:more|bad|new|short) ){0,2}(" + "|".join(NOUNS) + r")\b")
SINGULAR_AFTER_TWO = re.compile(r"(?<![\d.,])2 (" + "|".join(NOUNS.values()) + r")\b(?!s)")


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n()


def _selectors(message: ast.Message) -> set[str]:
    found: set[str] = set()

    class Collector(Visitor):
        def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
            if isinstance(node.selector, ast.VariableReference):
                found.add(node.selector.id.name)
            self.generic_visit(node)

    Collector().visit(message)
    return found


def _render_all(i18n: I18n, value: int) -> dict[str, str]:
    """Every English message with every variable set to `value` (a number, as handlers pass
    counts)."""
    texts = {}
    for key in sorted(i18n.keys("en")):
        names = i18n.variables("en", key)
        try:
            args = {name: "X" if name in NOT_COUNTS else value for name in names}
            texts[key] = i18n.text("en", key, **args)
        except Exception:  # a term or attribute-only entry: not a message people read
            continue
    return texts


def test_no_english_message_says_one_with_a_plural(i18n: I18n) -> None:
    wrong = {key: text for key, text in _render_all(i18n, 1).items() if PLURAL_AFTER_ONE.search(text)}
    assert not wrong, wrong


def test_no_english_message_says_two_with_a_singular(i18n: I18n) -> None:
    wrong = {key: text for key, text in _render_all(i18n, 2).items() if SINGULAR_AFTER_TWO.search(text)}
    assert not wrong, wrong


def test_every_count_before_a_noun_has_a_selector(i18n: I18n) -> None:
    """The source, not just one rendering: `{ $x } gifts` outside a selector is a bug waiting for
    x = 1."""
    bare = re.compile(r"\{ ?\$[a-z_]+ ?\} (" + "|".join(NOUNS) + r")\b")
    wrong = [
        (key, line.strip())
        for key in i18n.keys("en")
        for line in _serialize(i18n._sources["en"][key]).splitlines()
        if bare.search(line) and "[other]" not in line and not re.search(r"\$(name|language|code)\b", line)
    ]
    assert not wrong, wrong


def _serialize(message: ast.Message) -> str:
    from fluent.syntax import FluentSerializer

    return str(FluentSerializer().serialize_entry(message))


@pytest.mark.parametrize(
    ("key", "args", "one", "two"),
    [
        ("campaigns-days-left", {"days": 1}, "⏳ 1 day left", "⏳ 2 days left"),
        ("eligibility-resume", {"answered": 1}, "1 question", "2 questions"),
        ("donations-history-title", {"count": 1}, "1 gift", "2 gifts"),
        ("stats-today", {"amount": "10,000 toman", "count": 1}, "from 1 gift", "from 2 gifts"),
    ],
)
def test_known_messages(i18n: I18n, key: str, args: dict[str, object], one: str, two: str) -> None:
    count_name = next(name for name, value in args.items() if value == 1)
    extra = {name: "X" for name in i18n.variables("en", key) if name not in args}
    assert one in i18n.text("en", key, **{**extra, **args})
    assert two in i18n.text("en", key, **{**extra, **args, count_name: 2})
    # Persian keeps its digits and grouping.
    persian = i18n.text("fa", key, **{**extra, **args, count_name: 1200})
    assert "۱٬۲۰۰" in persian


def test_selectors_are_on_numbers(i18n: I18n) -> None:
    """A selector's variable must be one of the message's own variables (no typo'd selector that
    always falls to the default)."""
    for key in i18n.keys("en"):
        message = i18n._sources["en"][key]
        assert _selectors(message) <= i18n.variables("en", key), key


def test_campaign_target_starts_with_a_capital(i18n: I18n) -> None:
    """«🎯 the «…» campaign» started lowercase at the start of a line."""
    assert i18n.text("en", "donations-target-campaign", title="Yalda")[0].isupper()
