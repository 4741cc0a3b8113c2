"""Personal numbers in free text: found and masked before anything is stored, logged or shown.

People type their national code, mobile, bank card or IBAN (شبا) where no flow asks for it —
in a question, a complaint, a volunteer note. :func:`mask_personal_numbers` finds

- national codes: ten digits with a valid check digit, written together or as on the card
  (۰۰۱-۲۳۴۵۶۷-۸);
- mobiles: 09XXXXXXXXX, +989…, 989…, 00989…, grouped any way with spaces or dashes;
- bank cards: sixteen digits that pass the Luhn check, together or in groups of four;
- IBANs: «IR» and 24 digits (any grouping), or 24 digits that pass the IBAN check as Iranian;

in any digit script (۰–۹, ٠–٩, 0–9), and replaces every digit but the last four with «*»
(«‎******۱۲۳۴»; separators, the digits' script and «IR» kept). Amounts with thousands separators
(«۵۰٬۰۰۰»), dates (۱۴۰۴/۰۷/۲۰) and receipt numbers (1405-000001) are left alone: only the
groupings above count. Masking is idempotent (masked text holds no maskable number).

:func:`install_log_masking` applies the same masking to every log record of the process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from services.persian import to_ascii_digits

Kind = Literal["national_code", "mobile", "card", "iban"]
#: The order kinds are reported in.
KINDS: tuple[Kind, ...] = ("national_code", "mobile", "card", "iban")

KEEP_DIGITS = 4
MASK = "*"
LRM = "\u200e"  # keeps «******۱۲۳۴» in reading order inside right-to-left text
LONGEST = 26  # 00989 + 9 digits is 14; an IBAN is 24: nothing longer is ever masked

_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"
_SEPARATOR = " \u00a0\u2009\u202f\\-\u2010-\u2015"
_NUMBER = re.compile(
    rf"(?:(?<![A-Za-z])(?P<ir>[Ii][Rr])[{_SEPARATOR}]?)?(?P<plus>\+)?"
    rf"(?P<body>[{_DIGIT}]+(?:[{_SEPARATOR}]{{1,3}}[{_DIGIT}]+)*)"
)
_GROUP = re.compile(f"[{_DIGIT}]+")
_MOBILE = re.compile(r"^(?:09|989|00989)\d{9}$")


@dataclass(frozen=True, slots=True)
class Masked:
    """The text with its personal numbers masked, and which kinds were found (in KINDS order)."""

    text: str
    kinds: tuple[Kind, ...] = ()

    def __bool__(self) -> bool:
        """True when something was masked."""
        return bool(self.kinds)


def valid_national_code(digits: str) -> bool:
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return int(digits[9]) == (remainder if remainder < 2 else 11 - remainder)


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iranian_iban(digits: str) -> bool:
    """The 24 digits after «IR» pass the IBAN check (I=18, R=27 moved to the end)."""
    return len(digits) == 24 and int(digits[2:] + "1827" + digits[:2]) % 97 == 1


def _kind(digits: str, lengths: tuple[int, ...], *, plus: bool, ir: bool) -> Kind | None:
    """What a run of digit groups is, or None."""
    if ir:
        return "iban" if len(digits) == 24 else None
    if plus:
        return "mobile" if digits.startswith("98") and _MOBILE.match(digits) else None
    if _MOBILE.match(digits):
        return "mobile"
    if len(digits) == 10 and lengths in ((10,), (3, 6, 1)) and valid_national_code(digits):
        return "national_code"
    if (
        len(digits) == 16
        and (lengths == (16,) or set(lengths) == {4})
        and len(set(digits)) > 1
        and luhn(digits)
    ):
        return "card"
    if len(digits) == 24 and iranian_iban(digits):
        return "iban"
    return None


def _hide(span: str) -> str:
    """Every digit of `span` but the last KEEP_DIGITS becomes MASK."""
    hidden = sum(len(group) for group in _GROUP.findall(span)) - KEEP_DIGITS
    out: list[str] = []
    for char in span:
        if hidden > 0 and to_ascii_digits(char).isdigit():
            out.append(MASK)
            hidden -= 1
        else:
            out.append(char)
    return LRM + "".join(out)


def mask_personal_numbers(text: str) -> Masked:
    """`text` with national codes, mobiles, card numbers and IBANs masked (see the module)."""
    if not text:
        return Masked(text)
    found: set[Kind] = set()
    pieces: list[str] = []
    cursor = 0
    for match in _NUMBER.finditer(text):
        body_start = match.start("body")
        groups = [
            (g.start() + body_start, g.end() + body_start) for g in _GROUP.finditer(match.group("body"))
        ]
        ascii_groups = [to_ascii_digits(text[a:b]) for a, b in groups]
        i = 0
        while i < len(groups):
            first = i == 0
            prefix_start = match.start() if first else groups[i][0]
            ends: list[int] = []
            size = 0
            for j in range(i, len(groups)):
                size += len(ascii_groups[j])
                if size > LONGEST:
                    break
                ends.append(j + 1)
            kind: Kind | None = None
            end = i + 1
            for end in reversed(ends):
                part = ascii_groups[i:end]
                kind = _kind(
                    "".join(part),
                    tuple(len(p) for p in part),
                    plus=first and match.group("plus") is not None,
                    ir=first and match.group("ir") is not None,
                )
                if kind is None and first and (match.group("plus") or match.group("ir")):
                    kind = _kind("".join(part), tuple(len(p) for p in part), plus=False, ir=False)
                    if kind is not None:
                        prefix_start = match.start("body")
                if kind is not None:
                    break
            if kind is None:
                i += 1
                continue
            span_end = groups[end - 1][1]
            pieces.append(text[cursor:prefix_start])
            pieces.append(_hide(text[prefix_start:span_end]))
            cursor = span_end
            found.add(kind)
            i = end
    if not found:
        return Masked(text)
    pieces.append(text[cursor:])
    return Masked("".join(pieces), tuple(kind for kind in KINDS if kind in found))


def mask(text: str | None) -> str | None:
    """The masked text alone (None stays None): for storage points that need no report."""
    return None if text is None else mask_personal_numbers(text).text


# --------------------------------------------------------------------------------------------
# Logs


def _mask_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    masked = mask_personal_numbers(message)
    if masked:
        record.msg, record.args = masked.text, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_personal_numbers(record.exc_text).text
    if record.stack_info:
        record.stack_info = mask_personal_numbers(record.stack_info).text


_installed: Callable[..., logging.LogRecord] | None = None


def install_log_masking() -> None:
    """Mask personal numbers in every log record of this process, whichever logger or handler
    (a record factory, so files, the console, the last-error page and test captures alike).
    Calling it again changes nothing."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed is not None and current is _installed:
        return
    previous = current

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask_record(record)
        return record

    _installed = factory
    logging.setLogRecordFactory(factory)
