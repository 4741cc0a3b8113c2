"""Texts from `locales/<lang>/*.ftl` (Project Fluent), formatted the Persian way.

Numbers passed to a message are shown with Persian digits in `fa`; pass money through
`services.persian.format_toman` and dates through `format_date` before formatting.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from services.persian import format_number, to_fa_digits

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES = ("fa", "en")


LONG_TEXT = 500  # characters: longer string arguments bypass Fluent's placeable limit


class MissingText(KeyError):
    pass


def _parsed(path: Path, parser: FluentParser) -> ast.Resource:
    """The syntax tree of one `.ftl` file, from a pickled copy in `__pycache__/` beside it when
    the file (and the parser's version) are unchanged, as Python keeps its bytecode: parsing every
    text is most of a worker's start-up after its imports (~1.6 s of CPU on a slow machine against
    ~0.3 s to unpickle). After a parse the copy is written for the next start; where the
    directory is read-only it is not, and every start parses."""
    source = path.read_bytes()
    digest = hashlib.blake2b(source + _CACHE_KEY, digest_size=10).hexdigest()
    folder = path.parent / "__pycache__"
    cached = folder / f"{path.stem}.{digest}.ftl.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        with cached.open("rb") as handle:
            resource = pickle.load(handle)
        if isinstance(resource, ast.Resource):
            return resource
    resource = parser.parse(source.decode("utf-8"))
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        for stale in folder.glob(f"{path.stem}.*.ftl.pickle"):
            stale.unlink(missing_ok=True)
        partial = folder / f"{cached.name}.{os.getpid()}"
        partial.write_bytes(pickle.dumps(resource, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cached)  # whole or not at all, when several workers start at once
    return resource


# A copy made by another version of the parser (another tree) or of pickle is never read.
_CACHE_KEY = f"fluent.syntax {version('fluent.syntax')} pickle {pickle.HIGHEST_PROTOCOL}".encode()


#: Texts with arguments kept formatted (~0.5 KB each at most), the least recently used first out.
RECENT_TEXTS = 512
# Argument types a text is kept for (with strings of at most 64 characters): the same values come
# back screen after screen; a person's own text or a list does not. Not bool or float: True and
# 1.0 are equal to 1 as keys, and each is formatted differently.
_REPEATING = frozenset({str, int})


class I18n:
    """All bundles, loaded once."""

    def __init__(
        self,
        directory: Path = LOCALES_DIR,
        locales: tuple[str, ...] = LOCALES,
        *,
        files: tuple[str, ...] | None = None,
    ) -> None:
        """`files`: only these `.ftl` files (their names without `.ftl`), for a process that
        shows a few texts (the delivery worker: broadcasts.ftl); None: all of them."""
        self.locales = locales
        self._bundles: dict[str, FluentBundle] = {}
        self._sources: dict[str, dict[str, ast.Message]] = {}
        self._plain: dict[tuple[str, str], str] = {}  # (locale, key) -> a text without arguments
        # Texts with a few short arguments, the latest RECENT_TEXTS of them: a button's label
        # with its amount, a /help line, a campaign's title — mostly the same on every screen.
        self._recent = lru_cache(maxsize=RECENT_TEXTS)(self._format_items)
        # One parse per file (or its cached copy), shared by the bundle and `_sources`.
        parser = FluentParser(with_spans=False)
        for locale in locales:
            bundle = FluentBundle([locale], use_isolating=False)
            messages: dict[str, ast.Message] = {}
            for path in sorted((directory / locale).glob("*.ftl")):
                if files is not None and path.stem not in files:
                    continue
                resource = _parsed(path, parser)
                bundle.add_resource(resource)
                for entry in resource.body:
                    if isinstance(entry, ast.Message):
                        messages[entry.id.name] = entry
            self._bundles[locale] = bundle
            self._sources[locale] = messages

    def keys(self, locale: str) -> set[str]:
        return set(self._sources[locale])

    def variables(self, locale: str, key: str) -> set[str]:
        """Names of the `{ $variables }` a message uses (for completeness tests)."""
        found: set[str] = set()

        class Collector(Visitor):
            def visit_VariableReference(self, node: ast.VariableReference) -> None:
                found.add(node.id.name)

        Collector().visit(self._sources[locale][key])
        return found

    def text(self, locale: str, key: str, **args: Any) -> str:
        if not args:
            # A text without arguments always comes out the same: formatted once (button labels,
            # titles, prompts: most of what a screen shows).
            found = self._plain.get((locale, key))
            if found is None:
                found = self._plain[(locale, key)] = self._format(locale, key, args)
            return found
        if len(args) <= 4 and all(
            type(value) in _REPEATING and (type(value) is not str or len(value) <= 64)
            for value in args.values()
        ):
            return self._recent(locale, key, tuple(args.items()))
        return self._format(locale, key, args)

    def _format_items(self, locale: str, key: str, items: tuple[tuple[str, Any], ...]) -> str:
        return self._format(locale, key, dict(items))

    def _format(self, locale: str, key: str, args: Mapping[str, Any]) -> str:
        bundle = self._bundles.get(locale) or self._bundles[self.locales[0]]
        if not bundle.has_message(key):
            raise MissingText(f"{locale}:{key}")
        message = bundle.get_message(key)
        if message.value is None:
            raise MissingText(f"{locale}:{key} has no value")
        arguments = _localize(locale, args)
        # Fluent refuses a placeable over 1,000 characters (its guard against runaway
        # expansion); a person's long text (a complaint, a staff answer) goes in afterwards.
        long_texts: dict[str, str] = {}
        for name, argument in arguments.items():
            if isinstance(argument, str) and len(argument) > LONG_TEXT:
                token = f"\ue000{len(long_texts)}\ue001"
                long_texts[token] = argument
                arguments[name] = token
        value, errors = bundle.format_pattern(message.value, arguments)
        if errors:
            raise MissingText(f"{locale}:{key}: {errors[0]}")
        text = str(value)
        for token, original in long_texts.items():
            text = text.replace(token, original)
        return text

    def translator(self, locale: str) -> Translator:
        return Translator(self, locale if locale in self._bundles else self.locales[0])


def _localize(locale: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Integers become grouped strings with Persian digits in fa; elsewhere they stay numbers, so
    Fluent groups them and its plural selectors work ("1 donor", "2 donors"). Strings get
    Persian digits only when they are purely numeric; other values pass through."""
    result: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, bool):
            result[name] = str(value)
        elif isinstance(value, int):
            result[name] = format_number(value, locale) if locale == "fa" else value
        elif isinstance(value, str) and locale == "fa" and value.isascii() and value.isdigit():
            result[name] = to_fa_digits(value)
        else:
            result[name] = value
    return result


@dataclass(frozen=True, slots=True)
class Translator:
    """The texts of one locale, handed to every handler as `t`."""

    i18n: I18n
    locale: str

    def __call__(self, key: str, **args: Any) -> str:
        return self.i18n.text(self.locale, key, **args)

    def is_label(self, text: str, key: str) -> bool:
        """Whether `text` is this button's label in any language: a reply keyboard sent before
        the person switched language (or by another worker) still works when tapped."""
        return any(text == self.i18n.text(locale, key) for locale in self.i18n.locales)


@cache
def get_i18n() -> I18n:
    return I18n()
