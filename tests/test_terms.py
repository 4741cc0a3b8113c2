"""One set of Persian terms in every text the bot shows: «ربات» (never «بات»), «نیازهای عمومی» for
the general purpose, «بله»/«خیر» for yes and no, and old buttons that do not tell a person in
the middle of a flow to "start again"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import I18n

ROOT = Path(__file__).resolve().parent.parent
PERSIAN_TEXTS = [*sorted((ROOT / "locales" / "fa").glob("*.ftl")), ROOT / "data" / "eligibility.yaml"]
LETTER = "\u0600-\u06ff\u200c"


def _values(path: Path) -> list[tuple[int, str]]:
    """Lines of message text (comments left out)."""
    return [
        (number, line)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("path", PERSIAN_TEXTS, ids=lambda p: p.name)
def test_bot_is_robot(path: Path) -> None:
    """«بات» as a word (also «باتی», «بات‌ها»), not inside «ثبات» or «ربات»."""
    word = re.compile(rf"(?<![{LETTER}])بات(?:ی|‌ها|‌های)?(?![{LETTER}])")
    wrong = [(number, line) for number, line in _values(path) if word.search(line)]
    assert not wrong, wrong


@pytest.mark.parametrize("path", PERSIAN_TEXTS, ids=lambda p: p.name)
def test_one_spelling_for_yes_and_no(path: Path) -> None:
    """Buttons and messages say «بله»/«خیر»: not «آره», «بلی», or «نه،» starting an answer."""
    alternatives = re.compile(rf"(?<![{LETTER}])(آره|بلی|نخیر)(?![{LETTER}])|(?:= |«|\s)نه،")
    wrong = [(number, line) for number, line in _values(path) if alternatives.search(line)]
    assert not wrong, wrong


def test_the_general_purpose_has_one_name() -> None:
    i18n = I18n()
    names = {
        i18n.text("fa", key)
        for key in i18n.keys("fa")
        if key.endswith("purpose-general") and not i18n.variables("fa", key)
    }
    assert names == {"نیازهای عمومی"}
    english = {
        i18n.text("en", key).lower()
        for key in i18n.keys("en")
        if key.endswith("purpose-general") and not i18n.variables("en", key)
    }
    assert english == {"general needs"}


def test_old_buttons_do_not_say_start_again() -> None:
    """A flow may still be running when an old button is pressed: "start again" would be wrong."""
    i18n = I18n()
    for locale, phrase in (("fa", "دوباره شروع"), ("fa", "از نو شروع"), ("en", "start again")):
        stale = [key for key in i18n.keys(locale) if key.endswith("stale") or key.endswith("old-button")]
        assert stale
        wrong = [key for key in stale if phrase in i18n.text(locale, key)]
        assert not wrong, (locale, wrong)
