"""The texts' parsed copies (`bot.i18n._parsed`): a start with unchanged `.ftl` files reads the
pickled syntax trees instead of parsing, and gets exactly the texts a parse gives; a changed,
broken or unwritable copy never changes what the bot says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

from bot.i18n import LOCALES, LOCALES_DIR, I18n


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    folder = tmp_path / "locales"
    for locale in LOCALES:
        (folder / locale).mkdir(parents=True)
        for path in (LOCALES_DIR / locale).glob("*.ftl"):
            shutil.copy(path, folder / locale / path.name)
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files were parsed (not read from a copy)."""
    counted: list[int] = []
    parse = FluentParser.parse

    def counting(self: FluentParser, source: str) -> ast.Resource:
        counted.append(1)
        return parse(self, source)

    monkeypatch.setattr(FluentParser, "parse", counting)
    return counted


def _files(locales: Path) -> int:
    return sum(1 for _ in locales.glob("*/*.ftl"))


def _same_texts(first: I18n, second: I18n) -> None:
    for locale in LOCALES:
        assert first.keys(locale) == second.keys(locale)
        for key in first.keys(locale):
            assert first._sources[locale][key].equals(second._sources[locale][key]), key
    args = {"name": "مریم", "count": 3, "amount": "۱۰۰٬۰۰۰ تومان"}
    for key in ("start-welcome", "broadcast-finished"):
        variables = first.variables("fa", key)
        sample = {name: args.get(name, 2) for name in variables}
        for locale in LOCALES:
            assert first.text(locale, key, **sample) == second.text(locale, key, **sample)


def test_an_unchanged_file_is_read_from_its_copy_with_the_same_texts(
    locales: Path, parses: list[int]
) -> None:
    parsed = I18n(locales)
    assert len(parses) == _files(locales)
    assert len(list(locales.glob("*/__pycache__/*.ftl.pickle"))) == _files(locales)
    cached = I18n(locales)
    assert len(parses) == _files(locales), "the second start parsed again"
    _same_texts(parsed, cached)


def test_a_changed_file_is_parsed_again_and_its_old_copy_removed(locales: Path, parses: list[int]) -> None:
    I18n(locales)
    menu = locales / "fa" / "common.ftl"
    old = set((locales / "fa" / "__pycache__").glob("common.*.ftl.pickle"))
    menu.write_text(menu.read_text(encoding="utf-8") + "\ncache-probe = تازه\n", encoding="utf-8")
    parses.clear()
    changed = I18n(locales)
    assert len(parses) == 1
    assert changed.text("fa", "cache-probe") == "تازه"
    new = set((locales / "fa" / "__pycache__").glob("common.*.ftl.pickle"))
    assert len(new) == 1 and not new & old


def test_a_broken_copy_is_ignored_and_replaced(locales: Path, parses: list[int]) -> None:
    reference = I18n(locales)
    for copy in locales.glob("*/__pycache__/*.ftl.pickle"):
        copy.write_bytes(b"not a pickle")
    parses.clear()
    again = I18n(locales)
    assert len(parses) == _files(locales)
    _same_texts(reference, again)
    parses.clear()
    I18n(locales)
    assert parses == []


def test_without_a_writable_cache_folder_every_start_parses(locales: Path, parses: list[int]) -> None:
    for locale in LOCALES:
        (locales / locale / "__pycache__").write_text("a file where the folder would be")
    first = I18n(locales)
    second = I18n(locales)
    assert len(parses) == 2 * _files(locales)
    _same_texts(first, second)


def test_texts_with_arguments_kept_formatted_are_the_texts_a_format_gives() -> None:
    """`I18n.text` keeps the latest texts with a few short arguments: each comes out as a new
    format would give it, in both languages; a value of another type is formatted anew, and a
    long text (a person's own) is not kept."""
    from bot.i18n import RECENT_TEXTS

    i18n = I18n()
    key = "donations-amount-button"
    for locale in LOCALES:
        for args in ({"amount": 50_000}, {"amount": 1}, {"amount": "1"}, {"amount": 2}, {"amount": 50_000}):
            assert i18n.text(locale, key, **args) == i18n._format(locale, key, args)
    assert i18n.text("fa", key, amount=1) == "۱" and i18n.text("fa", key, amount=True) == "True"
    kept = i18n._recent.cache_info().currsize
    assert i18n.text("fa", key, amount="x" * 65) == "x" * 65
    assert i18n._recent.cache_info().currsize == kept
    for amount in range(RECENT_TEXTS + 10):
        i18n.text("fa", key, amount=amount)
    assert i18n._recent.cache_info().currsize == RECENT_TEXTS
