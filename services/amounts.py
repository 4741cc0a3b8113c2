"""One reader for the money amounts people type, for the whole bot.

:func:`parse_amount` understands:

- digits in any script with thousands separators (``٬ , .`` or a space: «۱٬۵۰۰٬۰۰۰», "75 000")
  and a decimal point or comma before a scale word («1,5 میلیون», "1.5 million", «۲٫۵ میلیون»);
- numbers written in words, in Persian («صد هزار», «هفتاد و پنج هزار», «دو میلیون و پانصد هزار»,
  glued or with ZWNJ: «صدهزار», «هفتاد‌و‌پنج») and in English ("seventy-five thousand",
  "a hundred thousand"), and both mixed («۷۵ هزار», «۱ میلیون و دویست هزار»);
- scale words: هزار / الف / k / thousand, میلیون / million / mil / m, میلیارد / billion / bn,
  and «نیم» / half («یک و نیم میلیون», «یک میلیون و نیم»);
- units toman / تومان / تومن / T and rial / ریال / IRR (rials are divided by ten).

A bare number after millions is read the way people say it: «۱ میلیون و ۵۰۰» is 1,500,000 and
«یک میلیون و دویست» 1,200,000 (the remainder counts in thousands). The outcome is a
:class:`ParsedAmount`: the amount in toman, or why the text is not one; :meth:`ParsedAmount.suspect`
says when a readable amount looks like a slip («۷۵ تومن» below the minimum → 75,000?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import Literal

from services.persian import RIALS_PER_TOMAN, ZWNJ, normalize_letters, to_ascii_digits


class AmountProblem(StrEnum):
    NOT_AN_AMOUNT = "not_an_amount"  # empty, words that are not numbers, numbers in a wrong order
    NEGATIVE = "negative"
    FRACTION = "fraction"  # 2.5 toman: not a whole amount
    FOREIGN_CURRENCY = "foreign_currency"  # dollars, euros...


class SlipKind(StrEnum):
    THOUSANDS = "thousands"  # «۷۵ تومن» for 75,000 toman
    RIALS = "rials"  # 750,000 "toman" above the maximum: 750,000 rials (75,000 toman)?


@dataclass(frozen=True, slots=True)
class Slip:
    """What a person probably meant instead of what they typed."""

    toman: int
    kind: SlipKind


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """A typed amount: ``toman`` (rials already converted) or the ``problem``; ``unit`` as typed
    and ``scaled`` when a scale word (هزار, million…) was used."""

    toman: int | None
    problem: AmountProblem | None = None
    unit: Literal["toman", "rial"] | None = None
    scaled: bool = False

    @property
    def ok(self) -> bool:
        return self.toman is not None

    def suspect(self, *, min_toman: int, max_toman: int) -> Slip | None:
        """A likely slip against the caller's limits: a bare number (or «تومن») below the minimum
        whose thousandfold is allowed, or a bare number above the maximum whose tenth is allowed
        (typed in rials). A scale word or a unit typed means what it says."""
        amount = self.toman
        if amount is None or amount <= 0:
            return None
        if amount < min_toman and not self.scaled and self.unit != "rial":
            if min_toman <= amount * 1000 <= max_toman:
                return Slip(amount * 1000, SlipKind.THOUSANDS)
        if amount > max_toman and self.unit is None and not self.scaled and amount % RIALS_PER_TOMAN == 0:
            if min_toman <= amount // RIALS_PER_TOMAN <= max_toman:
                return Slip(amount // RIALS_PER_TOMAN, SlipKind.RIALS)
        return None


def _invalid(problem: AmountProblem = AmountProblem.NOT_AN_AMOUNT) -> ParsedAmount:
    return ParsedAmount(None, problem)


# --- vocabulary --------------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    # Persian (after normalize_letters: ی and ک)
    "صفر": 0, "یک": 1, "یه": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "شیش": 6, "هفت": 7,
    "هشت": 8, "نه": 9, "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15,
    "پونزده": 15, "شانزده": 16, "شونزده": 16, "هفده": 17, "هیفده": 17, "هجده": 18, "هیجده": 18,
    "نوزده": 19, "بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80,
    "نود": 90, "صد": 100, "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500,
    "پونصد": 500, "ششصد": 600, "شیشصد": 600, "هفتصد": 700, "هشتصد": 800, "نهصد": 900,
    # English
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_HUNDRED = {"hundred", "hundreds"}
# Scale words that can stand alone («هزار تومان» = 1,000) and letters that need a number before them.
_SCALE_WORDS: dict[str, int] = {
    "هزار": 1_000, "thousand": 1_000, "thousands": 1_000,
    "میلیون": 1_000_000, "ملیون": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "میلیارد": 1_000_000_000, "ملیارد": 1_000_000_000, "billion": 1_000_000_000, "billions": 1_000_000_000,
}  # fmt: skip
_SCALE_LETTERS: dict[str, int] = {
    "الف": 1_000, "k": 1_000, "tousand": 1_000, "m": 1_000_000, "mil": 1_000_000, "mln": 1_000_000,
    "mio": 1_000_000, "bn": 1_000_000_000,
}  # fmt: skip
_HALF = {"نیم", "half"}
_CONNECTORS = {"و", "and"}
_TOMAN = {"تومان", "تومن", "toman", "tomans", "tomon", "t", "tmn", "ت"}
_RIAL = {"ریال", "rial", "rials", "irr", "rls"}
_FOREIGN = {"دلار", "dollar", "dollars", "usd", "یورو", "euro", "euros", "eur", "درهم", "dirham", "لیر",
            "پوند", "pound", "pounds", "gbp", "$", "€", "£"}  # fmt: skip
_FILLER = {"مبلغ"}

_KNOWN = (
    set(_NUMBER_WORDS)
    | _HUNDRED
    | set(_SCALE_WORDS)
    | set(_SCALE_LETTERS)
    | _HALF
    | _CONNECTORS
    | _TOMAN
    | _RIAL
    | _FILLER
)
# Words that may be written glued to the next one («صدهزار», «هفتادوپنج», «هزارتومن»).
_GLUABLE = {w for w in _KNOWN if not w.isascii() and len(w) >= 1}


@cache
def _segment(word: str) -> tuple[str, ...] | None:
    """A glued Persian word split into known words, or None («هفتادوپنج» → هفتاد و پنج)."""
    if word in _GLUABLE:
        return (word,)
    for cut in range(len(word) - 1, 0, -1):
        head = word[:cut]
        if head in _GLUABLE:
            rest = _segment(word[cut:])
            if rest is not None:
                return (head, *rest)
    return None


# --- tokens ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[^\W\d_]+)|(?P<sym>[$€£])|(?P<other>\S)")


@dataclass(frozen=True, slots=True)
class _Number:
    value: Fraction
    literal: bool  # typed in digits (not combined with other numbers: «۷۵ ۵» is not 80)
    decimal: bool = False


def _read_digits(text: str, before_scale: bool) -> _Number | None:
    """«1,500,000», «1.500.000», «1,5» (decimal), «2.5»; None for «1,50,000»."""
    parts = re.split(r"[.,]", text)
    separators = re.findall(r"[.,]", text)
    if len(parts) == 1:
        return _Number(Fraction(int(text)), literal=True)
    grouped = 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])
    if len(parts) == 2 and (not grouped or (before_scale and separators[0] == ".")):
        return _Number(Fraction(f"{parts[0]}.{parts[1]}"), literal=True, decimal=True)
    if grouped and len(set(separators)) == 1:
        return _Number(Fraction(int("".join(parts))), literal=True)
    return None


def _clean(text: str) -> str:
    text = normalize_letters(to_ascii_digits(text)).replace(ZWNJ, " ").lower()
    text = text.replace("٬", ",").replace("،", ",").replace("٫", ".").replace("\u066c", ",")
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", text)  # "75 000", «۱ ۵۰۰ ۰۰۰»
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)  # seventy-five
    text = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", text)  # 75k, ۷۵هزار
    return re.sub(r"\s+", " ", text).strip(" .!?؟")


def _words(cleaned: str) -> list[str] | ParsedAmount:
    """Tokens: digit strings, known words (glued ones split), or an early verdict."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(cleaned):
        if match.group("num"):
            tokens.append(match.group("num"))
        elif match.group("sym"):
            return _invalid(AmountProblem.FOREIGN_CURRENCY)
        elif match.group("word"):
            word = match.group("word")
            if word in _FOREIGN:
                return _invalid(AmountProblem.FOREIGN_CURRENCY)
            pieces = (word,) if word in _KNOWN else _segment(word)
            if pieces is None:
                return _invalid()
            tokens.extend(pieces)
        elif match.group("other") == "," and tokens:
            continue  # "one million, two hundred thousand"
        else:
            return _invalid()
    return tokens


# --- the parser --------------------------------------------------------------------------------------


def parse_amount(text: str | None) -> ParsedAmount:
    """Read a typed amount of money (see the module's docstring for the forms)."""
    raw = normalize_letters(to_ascii_digits(text or "")).strip()
    if re.match(r"^[-−–]\s*\d", raw):
        return _invalid(AmountProblem.NEGATIVE)
    tokens = _words(_clean(raw))
    if isinstance(tokens, ParsedAmount):
        return tokens
    tokens = [t for t in tokens if t not in _FILLER]
    unit: Literal["toman", "rial"] | None = None
    if tokens and tokens[-1] in _TOMAN | _RIAL:
        unit = "toman" if tokens.pop() in _TOMAN else "rial"
    if not tokens or any(t in _TOMAN | _RIAL for t in tokens):
        return _invalid()
    reading = _evaluate(tokens)
    if reading is None:
        return _invalid()
    total, scaled = reading
    if unit == "rial":
        total /= RIALS_PER_TOMAN
        total = Fraction(int(total))  # a stray rial below one toman is dropped
    if total.denominator != 1:
        return _invalid(AmountProblem.FRACTION)
    return ParsedAmount(int(total), unit=unit, scaled=scaled)


def _place(value: Fraction) -> int:
    """10 for 70, 100 for 500, 1 for 5: a following word number must be below it."""
    number = int(value)
    return 10 ** (len(str(number)) - 1) if number else 1


def _evaluate(tokens: list[str]) -> tuple[Fraction, bool] | None:
    total = Fraction(0)
    group = Fraction(0)
    group_open = False  # a number is waiting for a scale word (or the end)
    last: _Number | None = None  # the last number added to the group
    last_scale: int | None = None
    after_connector = False
    half_after_scale = False
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if half_after_scale:
            return None  # nothing may follow «میلیون و نیم»
        if token in _CONNECTORS:
            if not (group_open or last_scale) or after_connector:
                return None
            after_connector = True
            continue
        if token in _HALF:
            if group_open and after_connector:  # «یک و نیم میلیون»
                group += Fraction(1, 2)
            elif not group_open and last_scale and after_connector:  # «یک میلیون و نیم»
                total += Fraction(last_scale, 2)
                half_after_scale = True
            elif not group_open and not after_connector:  # «نیم میلیون»
                group, group_open = Fraction(1, 2), True
                last = _Number(Fraction(1, 2), literal=False, decimal=True)
            else:
                return None
            after_connector = False
            continue
        if token in _HUNDRED:
            if not group_open or last is None or last.literal or last.value >= 10:
                if group_open:
                    return None
                group, group_open = Fraction(1), True  # "hundred thousand"
            group = group * 100
            last = _Number(Fraction(100), literal=False)
            after_connector = False
            continue
        scale = _SCALE_WORDS.get(token) or _SCALE_LETTERS.get(token)
        if scale is not None:
            if last_scale is not None and scale >= last_scale:
                return None  # «۲ هزار و ۱ میلیون», «۱ هزار و ۲ هزار»
            if not group_open:
                if token in _SCALE_LETTERS or after_connector:
                    return None
                group = Fraction(1)
            total += group * scale
            group, group_open, last, last_scale, after_connector = Fraction(0), False, None, scale, False
            continue
        number = _number(token, before_scale=_is_scale(following))
        if number is None:
            return None
        if group_open:
            # Only words combine («هفتاد و پنج», "seventy five", «صد و پنجاه»); digits never do.
            if (
                last is None
                or number.literal
                or last.literal
                or last.decimal
                or number.value >= _place(last.value)
            ):
                return None
        elif number.decimal and not _is_scale(following) and last_scale is not None:
            return None
        group += number.value
        group_open, last, after_connector = True, number, False
    if after_connector:
        return None
    if group_open:
        if last_scale is not None and last_scale >= 1_000_000 and group < 1000:
            # «۱ میلیون و ۵۰۰»: people count the remainder in thousands.
            group *= last_scale // 1000
        total += group
    return total, last_scale is not None


def _is_scale(token: str) -> bool:
    return token in _SCALE_WORDS or token in _SCALE_LETTERS


def _number(token: str, *, before_scale: bool) -> _Number | None:
    if token[0].isdigit():
        return _read_digits(token, before_scale)
    value = _NUMBER_WORDS.get(token)
    return None if value is None else _Number(Fraction(value), literal=False)
