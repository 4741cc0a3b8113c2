"""Every text exists in fa and en, uses the same variables, and formats with sample arguments."""

import re

import pytest

from bot.i18n import LOCALES, I18n

i18n = I18n()
ALL_KEYS = sorted(set().union(*(i18n.keys(locale) for locale in LOCALES)))
ASCII_DIGIT_RUN = re.compile(r"(?<![A-Za-z_@/])[0-9]")  # not \d: it matches ۰–۹ too


def test_both_locales_have_the_same_keys() -> None:
    fa, en = i18n.keys("fa"), i18n.keys("en")
    assert not fa - en, f"only in fa: {sorted(fa - en)}"
    assert not en - fa, f"only in en: {sorted(en - fa)}"


@pytest.mark.parametrize("key", ALL_KEYS)
def test_same_variables_and_formats(key: str) -> None:
    variables = i18n.variables("fa", key)
    assert variables == i18n.variables("en", key), key
    sample = {
        name: 1234 if name.startswith(("count", "amount", "limit", "total", "number")) else "x"
        for name in variables
    }
    for locale in LOCALES:
        text = i18n.text(locale, key, **sample)
        assert text.strip(), f"{locale}:{key} is empty"


@pytest.mark.parametrize("key", ALL_KEYS)
def test_persian_texts_use_persian_digits(key: str) -> None:
    text = i18n.text("fa", key, **{name: "x" for name in i18n.variables("fa", key)})
    assert not ASCII_DIGIT_RUN.search(text), f"fa:{key} has ASCII digits: {text!r}"


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
