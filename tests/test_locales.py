"""Every text exists in fa and en, uses the same variables, and formats with sample arguments."""

import re
from typing import Any

import pytest

from bot.i18n import LOCALES, I18n, MissingText

i18n = I18n()
ALL_KEYS = sorted(set().union(*(i18n.keys(locale) for locale in LOCALES)))
ASCII_DIGIT_RUN = re.compile(r"(?<![A-Za-z_@/])[0-9]")  # not \d: it matches ۰–۹ too


def test_both_locales_have_the_same_keys() -> None:
    fa, en = i18n.keys("fa"), i18n.keys("en")
    assert not fa - en, f"only in fa: {sorted(fa - en)}"
    assert not en - fa, f"only in en: {sorted(en - fa)}"


def test_every_text_has_the_same_variables_in_both_locales_and_formats() -> None:
    """One test over every key, reporting every problem at once (not one test per key)."""
    problems: list[str] = []
    for key in ALL_KEYS:
        variables = i18n.variables("fa", key)
        if variables != i18n.variables("en", key):
            problems.append(f"{key}: fa {sorted(variables)} ≠ en {sorted(i18n.variables('en', key))}")
            continue
        sample = {
            name: 1234 if name.startswith(("count", "amount", "limit", "total", "number")) else "x"
            for name in variables
        }
        for locale in LOCALES:
            try:
                text = i18n.text(locale, key, **sample)
            except Exception as error:  # a broken text is reported with the rest, not alone
                problems.append(f"{locale}:{key} does not format: {error!r}")
                continue
            if not text.strip():
                problems.append(f"{locale}:{key} is empty")
    assert problems == [], f"{len(problems)} texts:\n" + "\n".join(problems)


def test_persian_texts_use_persian_digits() -> None:
    problems = []
    for key in ALL_KEYS:
        text = i18n.text("fa", key, **{name: "x" for name in i18n.variables("fa", key)})
        if ASCII_DIGIT_RUN.search(text):
            problems.append(f"fa:{key}: {text!r}")
    assert problems == [], f"{len(problems)} Persian texts have ASCII digits:\n" + "\n".join(problems)


def test_numbers_are_localised() -> None:
    assert "۴٬۰۰۰" in i18n.text("fa", "fallback-too-long", limit=4000)
    assert "4,000" in i18n.text("en", "fallback-too-long", limit=4000)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_persons_long_text_goes_into_a_message_whole(locale: str) -> None:
    """Fluent refuses placeables over 1,000 characters; a 4,000-character complaint or staff
    answer must still be shown (and two long arguments keep their places)."""
    long = "ب" * 4000
    text = i18n.text(locale, "donations-province-not-found", text=long)
    assert long in text and "\ue000" not in text
    other = "پ" * 1200
    both = i18n.text(locale, "donations-county-not-found", text=long, province=other)
    assert long in both and other in both and "\ue000" not in both


def test_a_text_without_arguments_is_formatted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """I18n.text keeps what a text without arguments formats to (it never changes), and the
    latest texts with a few short arguments; one with a long argument (a person's own text) is
    formatted each time, and a missing one still raises."""
    from fluent.runtime import FluentBundle

    i18n = I18n()
    fresh = {locale: I18n().text(locale, "menu-title") for locale in LOCALES}
    formatted: list[str] = []
    original = FluentBundle.format_pattern

    def counted(self: FluentBundle, pattern: Any, args: Any = None) -> Any:
        formatted.append("x")
        return original(self, pattern, args)

    monkeypatch.setattr(FluentBundle, "format_pattern", counted)
    for locale in LOCALES:
        first = i18n.text(locale, "menu-title")
        assert i18n.text(locale, "menu-title") == first == fresh[locale]
    assert len(formatted) == len(LOCALES)
    formatted.clear()
    assert i18n.text("fa", "flow-left", flow="DonateFlow") == i18n.text("fa", "flow-left", flow="DonateFlow")
    assert len(formatted) == 1
    long_text = "DonateFlow" * 7
    assert i18n.text("fa", "flow-left", flow=long_text) == i18n.text("fa", "flow-left", flow=long_text)
    assert len(formatted) == 3
    with pytest.raises(MissingText):
        i18n.text("fa", "no-such-text")
