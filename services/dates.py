"""One reader for the dates and times people type, for the whole bot.

:func:`parse_date` understands a Jalali date in any digit script (۰–۹, ٠–٩, 0–9) and separator
(``/ - . space ،``), with a Persian or Finglish month name («۲۰ مهر ۱۴۰۴», «۲۰ مهرماه ۱۴۰۴»,
"20 Mehr 1404"), and a Gregorian date ("2025-10-20", "2024/05/01", "20 Oct 2025", «۲۰ اکتبر ۲۰۲۵»)
which it converts to Jalali, saying so in the outcome so the caller can show the Jalali date back.
It returns a :class:`ParsedDate` either way: the day and how it was understood, or why not.

Choices (the caller echoes the understood date, so a guess is never silent):

- A four-digit year from 1300 to 1499 is Jalali, from 1900 to 2199 Gregorian; other years are
  refused as out of range.
- Numeric order: year first (``y/m/d``) or year last. A Jalali year-last date is day/month/year
  (the Iranian order). A Gregorian year-last date is read as day/month unless the day can only be
  the second number (``05/20/2025``); when both orders are possible it is refused as ambiguous.
- A two-digit year is always Jalali and is expanded to the latest 14xx/13xx year not after
  ``today`` (``04`` → 1404, ``98`` → 1398). Numeric dates with a two-digit year are year-first
  (the Persian order, «۰۴/۰۷/۲۸»), unless only the last number can be a year («۲۸/۰۷/۹۸»).
  Without ``today`` two-digit years are refused.
- A date without a year («۲۰ مهر») is accepted only where the caller says which year it means
  (``missing_year``): the latest such day not after today, or the next one from today on.

:func:`parse_time` reads a time of day («۱۸:۳۰», «ساعت ۶ عصر», "6:30 pm") and
:func:`parse_moment` a date followed by a time, for schedules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

import jdatetime

from services.persian import (
    JALALI_MONTHS_EN,
    JALALI_MONTHS_FA,
    ZWNJ,
    normalize_letters,
    to_ascii_digits,
    to_fa_digits,
)

JALALI_YEARS = range(1300, 1500)
GREGORIAN_YEARS = range(1900, 2200)

MissingYear = Literal["refuse", "past", "future"]


class DateHow(StrEnum):
    """How a typed date was understood."""

    JALALI = "jalali"
    GREGORIAN = "gregorian"  # typed in the Gregorian calendar, converted to Jalali
    INVALID = "invalid"


class DateProblem(StrEnum):
    """Why a typed text is not a date."""

    NOT_A_DATE = "not_a_date"  # no date shape at all («دیروز», «hello»)
    BAD_MONTH = "bad_month"  # month 13, «1404/00/10»
    BAD_DAY = "bad_day"  # a day the month does not have (31 Mehr, 30 Esfand of a common year)
    NO_YEAR = "no_year"  # «۲۰ مهر» where the caller needs the year
    AMBIGUOUS = "ambiguous"  # 05/06/2025: May or June?; a two-digit year without a reference day
    YEAR_OUT_OF_RANGE = "year_out_of_range"  # 1200, 1700, 3000


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A typed date: the Jalali day, how it was read, or what is wrong with it.

    ``gregorian_typed`` is the Gregorian date as typed when ``how`` is GREGORIAN; ``month`` and
    ``month_days`` name the month and its length for a BAD_DAY answer («مهر ۳۰ روز دارد»);
    ``guessed_year`` is true when the year was not typed in full (missing or two digits)."""

    how: DateHow
    day: jdatetime.date | None = None
    problem: DateProblem | None = None
    gregorian_typed: date | None = None
    month: int | None = None
    month_days: int | None = None
    calendar: Literal["jalali", "gregorian"] = "jalali"
    guessed_year: bool = False

    @property
    def ok(self) -> bool:
        return self.day is not None

    @property
    def gregorian(self) -> date:
        """The same day in the Gregorian calendar (only for a parsed date)."""
        assert self.day is not None
        return self.day.togregorian()

    @property
    def needs_echo(self) -> bool:
        """Whether the caller should show back how the date was understood."""
        return self.ok and (self.how is DateHow.GREGORIAN or self.guessed_year)


def _invalid(problem: DateProblem, **details: object) -> ParsedDate:
    return ParsedDate(DateHow.INVALID, problem=problem, **details)  # type: ignore[arg-type]


# --- month names ---------------------------------------------------------------------------------


def _key(text: str) -> str:
    return normalize_letters(text).replace(ZWNJ, "").replace("آ", "ا").replace(" ", "").lower()


_JALALI_MONTH_NAMES: dict[str, int] = {_key(name): n for n, name in enumerate(JALALI_MONTHS_FA, 1)}
_JALALI_MONTH_NAMES |= {_key(name): n for n, name in enumerate(JALALI_MONTHS_EN, 1)}
_JALALI_MONTH_NAMES |= {
    "امرداد": 5, "اسپند": 12, "farvardeen": 1, "ordibehesht": 2, "ordibehest": 2, "khordaad": 3,
    "amordad": 5, "shahrivar": 6, "shahrivaar": 6, "mehr": 7, "aaban": 8, "aban": 8, "azar": 9,
    "aazar": 9, "dey": 10, "dei": 10, "day": 10, "bahman": 11, "esfand": 12, "esfahand": 12, "isfand": 12,
}  # fmt: skip
_GREGORIAN_MONTH_NAMES: dict[str, int] = {}
for _n, _names in enumerate(
    (
        ("january", "jan", "ژانویه", "ژانویه", "ژانوی"),
        ("february", "feb", "فوریه"),
        ("march", "mar", "مارس", "مارچ"),
        ("april", "apr", "اوریل", "آوریل", "اپریل"),
        ("may", "مه", "می"),
        ("june", "jun", "ژوین", "ژوئن", "جون"),
        ("july", "jul", "ژوییه", "ژوئیه", "جولای"),
        ("august", "aug", "اوت", "اگوست", "آگوست"),
        ("september", "sep", "sept", "سپتامبر"),
        ("october", "oct", "اکتبر"),
        ("november", "nov", "نوامبر"),
        ("december", "dec", "دسامبر"),
    ),
    1,
):
    for _name in _names:
        _GREGORIAN_MONTH_NAMES[_key(_name)] = _n


def _month_of(token: str) -> tuple[str, int] | None:
    """A month name (with «ماه» glued or not: «مهرماه») → (calendar, month)."""
    key = _key(token).rstrip(".,")
    for candidate in (key, key.removesuffix("ماه")):
        if candidate in _JALALI_MONTH_NAMES:
            return "jalali", _JALALI_MONTH_NAMES[candidate]
        if candidate in _GREGORIAN_MONTH_NAMES:
            return "gregorian", _GREGORIAN_MONTH_NAMES[candidate]
    return None


# --- cleaning --------------------------------------------------------------------------------------

# Words around a date that say nothing more (or only name the calendar).
_FILLER = {"ماه", "سال", "روز", "of", "the", "تاریخ", "مورخ", "مورخه"}
_JALALI_MARKS = {"شمسی", "هجری", "هش", "ش", "خورشیدی", "sh", "ah", "solar"}
_GREGORIAN_MARKS = {"میلادی", "م", "ad", "ce", "gregorian"}
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|ام)$")


def _clean(text: str) -> str:
    text = normalize_letters(to_ascii_digits(text)).replace(ZWNJ, "").lower()
    text = text.replace("٫", "/").replace("\\", "/").replace("،", " ").replace(",", " ")
    text = text.replace("ه.ش", " هش ").replace("ه ش", " هش ")
    text = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", text)  # «۲۰مهر» → «۲۰ مهر»
    text = re.sub(r"(\d+) (st|nd|rd|th|ام)\b", r"\1\2", text)  # undo the split for «20 th»
    return re.sub(r"\s+", " ", text).strip(" .")


def _month_days(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def _expand_two_digit(year: int, today: jdatetime.date) -> int:
    return 1400 + year if 1400 + year <= today.year else 1300 + year


def _build(
    calendar: str,
    year: int | None,
    month: int,
    day: int,
    *,
    today: jdatetime.date | None,
    missing_year: MissingYear,
    two_digit_year: bool = False,
) -> ParsedDate:
    guessed = two_digit_year or year is None
    if year is None:
        if missing_year == "refuse" or today is None:
            return _invalid(DateProblem.NO_YEAR)
        year = _year_for(calendar, month, day, today, missing_year)
    elif two_digit_year:
        if today is None:
            return _invalid(DateProblem.AMBIGUOUS)
        year = _expand_two_digit(year, today)
    if calendar == "gregorian":
        if year not in GREGORIAN_YEARS:
            return _invalid(DateProblem.YEAR_OUT_OF_RANGE, calendar="gregorian")
        if not 1 <= month <= 12:
            return _invalid(DateProblem.BAD_MONTH, calendar="gregorian")
        try:
            typed = date(year, month, day)
        except ValueError:
            return _invalid(DateProblem.BAD_DAY, calendar="gregorian", month=month)
        return ParsedDate(
            DateHow.GREGORIAN,
            day=jdatetime.date.fromgregorian(date=typed),
            gregorian_typed=typed,
            calendar="gregorian",
            guessed_year=guessed,
        )
    if year not in JALALI_YEARS:
        return _invalid(DateProblem.YEAR_OUT_OF_RANGE)
    if not 1 <= month <= 12:
        return _invalid(DateProblem.BAD_MONTH)
    days = _month_days(year, month)
    if not 1 <= day <= days:
        return _invalid(DateProblem.BAD_DAY, month=month, month_days=days)
    return ParsedDate(DateHow.JALALI, day=jdatetime.date(year, month, day), guessed_year=guessed)


def _year_for(calendar: str, month: int, day: int, today: jdatetime.date, missing_year: MissingYear) -> int:
    """The year a date typed without one means: the latest such day not after today ("past") or
    the next one from today on ("future"), in the calendar of its month name."""
    reference: jdatetime.date | date = today if calendar == "jalali" else today.togregorian()
    year = reference.year
    try:
        candidate = (jdatetime.date if calendar == "jalali" else date)(year, month, day)
    except ValueError:
        return year  # the day is checked (and refused) by the caller
    if missing_year == "past" and candidate > reference:
        return year - 1
    if missing_year == "future" and candidate < reference:
        return year + 1
    return year


# --- the parser ------------------------------------------------------------------------------------

_NUMERIC = re.compile(r"^(\d{1,4}) ?[/\-. ] ?(\d{1,2}) ?[/\-. ] ?(\d{1,4})$")
_COMPACT = re.compile(r"^(1[34]\d{2}|19\d{2}|2[01]\d{2})(\d{2})(\d{2})$")  # 14040728, 20251020


def _calendar_of_year(year: int) -> str | None:
    if year in JALALI_YEARS:
        return "jalali"
    if year in GREGORIAN_YEARS:
        return "gregorian"
    return None


def _numeric(a: str, b: str, c: str, today: jdatetime.date | None, missing_year: MissingYear) -> ParsedDate:
    first, month, last = int(a), int(b), int(c)
    if len(a) == 4 or len(c) == 4:
        year_first = len(a) == 4
        year = first if year_first else last
        if (len(a) == 4 and len(c) == 4) or (len(a) == 3 or len(c) == 3):
            return _invalid(DateProblem.NOT_A_DATE)
        calendar = _calendar_of_year(year)
        if calendar is None:
            return _invalid(DateProblem.YEAR_OUT_OF_RANGE)
        if year_first:
            return _build(calendar, year, month, last, today=today, missing_year=missing_year)
        day = first
        if calendar == "gregorian" and day <= 12 and month <= 12 and day != month:
            return _invalid(DateProblem.AMBIGUOUS, calendar="gregorian")
        if calendar == "gregorian" and month > 12 and day <= 12:  # 05/20/2025
            day, month = month, day
        return _build(calendar, year, month, day, today=today, missing_year=missing_year)
    if len(a) > 2 or len(c) > 2:
        return _invalid(DateProblem.NOT_A_DATE)
    if first > 31 or last <= 31:  # «۹۸/۰۵/۱۲», «۰۴/۰۷/۲۸»: year first, the Persian order
        return _build(
            "jalali", first, month, last, today=today, missing_year=missing_year, two_digit_year=True
        )
    return _build("jalali", last, month, first, today=today, missing_year=missing_year, two_digit_year=True)


def _worded(
    tokens: list[str], calendar_mark: str | None, today: jdatetime.date | None, missing_year: MissingYear
) -> ParsedDate:
    month: tuple[str, int] | None = None
    numbers: list[str] = []
    for token in tokens:
        if token in _FILLER:
            continue
        if token in _JALALI_MARKS:
            calendar_mark = "jalali"
            continue
        if token in _GREGORIAN_MARKS:
            calendar_mark = "gregorian"
            continue
        ordinal = _ORDINAL.match(token)
        if token.isdigit() or ordinal:
            numbers.append(ordinal.group(1) if ordinal else token)
            continue
        found = _month_of(token)
        if found is None or month is not None:
            return _invalid(DateProblem.NOT_A_DATE)
        month = found
    if month is None or not 1 <= len(numbers) <= 2 or any(len(n) > 4 for n in numbers):
        return _invalid(DateProblem.NOT_A_DATE)
    calendar, month_number = month
    if calendar_mark is not None and calendar_mark != calendar:
        return _invalid(DateProblem.NOT_A_DATE)
    if len(numbers) == 1:
        if len(numbers[0]) > 2:
            return _invalid(DateProblem.NOT_A_DATE)
        return _build(calendar, None, month_number, int(numbers[0]), today=today, missing_year=missing_year)
    # Two numbers: the year is the four-digit (or above 31) one, else the last one («۲۰ مهر ۰۴»).
    if len(numbers[0]) == 4 or (int(numbers[0]) > 31 and len(numbers[1]) <= 2):
        year_text, day_text = numbers
    else:
        day_text, year_text = numbers
    if len(day_text) > 2 or len(year_text) == 3 or len(year_text) == 1:
        return _invalid(DateProblem.NOT_A_DATE)
    if len(year_text) == 2:
        if calendar == "gregorian":
            return _invalid(DateProblem.AMBIGUOUS, calendar="gregorian")
        return _build(
            calendar, int(year_text), month_number, int(day_text),
            today=today, missing_year=missing_year, two_digit_year=True,
        )  # fmt: skip
    year = int(year_text)
    if _calendar_of_year(year) != calendar:
        return _invalid(DateProblem.YEAR_OUT_OF_RANGE, calendar=calendar)
    return _build(calendar, year, month_number, int(day_text), today=today, missing_year=missing_year)


def parse_date(
    text: str | None, *, today: jdatetime.date | None = None, missing_year: MissingYear = "refuse"
) -> ParsedDate:
    """Read a typed date. ``today`` (Tehran's Jalali date) is needed for two-digit years and for a
    missing year; ``missing_year`` says which year «۲۰ مهر» means: refuse, the latest such day not
    after today ("past") or the next one from today on ("future")."""
    cleaned = _clean(text or "")
    if not cleaned:
        return _invalid(DateProblem.NOT_A_DATE)
    tokens = cleaned.split()
    mark: str | None = None
    while tokens and tokens[-1] in _JALALI_MARKS | _GREGORIAN_MARKS:
        mark = "gregorian" if tokens.pop() in _GREGORIAN_MARKS else "jalali"
    core = " ".join(tokens)
    numeric = _COMPACT.match(core) or _NUMERIC.match(core)
    if numeric:
        a, b, c = numeric.groups()
        parsed = _numeric(a, b, c, today=today, missing_year=missing_year)
        if mark is not None and parsed.ok and parsed.calendar != mark:
            return _invalid(DateProblem.NOT_A_DATE)
        return parsed
    if any(ch.isdigit() for ch in core):
        return _worded(tokens, mark, today, missing_year)
    return _invalid(DateProblem.NOT_A_DATE)


def format_day(day: jdatetime.date, locale: str = "fa") -> str:
    """«۲۸ مهر ۱۴۰۴» / "28 Mehr 1404"."""
    if locale == "fa":
        return f"{to_fa_digits(day.day)} {JALALI_MONTHS_FA[day.month - 1]} {to_fa_digits(day.year)}"
    return f"{day.day} {JALALI_MONTHS_EN[day.month - 1]} {day.year}"


def month_name(month: int, locale: str = "fa") -> str:
    return (JALALI_MONTHS_FA if locale == "fa" else JALALI_MONTHS_EN)[month - 1]


# --- times -----------------------------------------------------------------------------------------

_MERIDIEMS = {
    "صبح": "am", "قبلازظهر": "am", "قظ": "am", "am": "am", "بامداد": "am",
    "ظهر": "noon", "بعدازظهر": "pm", "بعدظهر": "pm", "بظ": "pm", "عصر": "pm", "pm": "pm",
    "شب": "night", "غروب": "pm",
}  # fmt: skip
# Spelled with or without spaces: «بعد از ظهر», «بعدازظهر», "p m".
_MERIDIEM_FORMS = ("صبح", "قبل از ظهر", "ق ظ", "am", "a m", "بامداد", "ظهر", "بعد از ظهر", "بعد ظهر", "ب ظ",
                   "عصر", "pm", "p m", "شب", "غروب")  # fmt: skip
_MERIDIEM = "|".join(sorted({f.replace(" ", r"\s?") for f in _MERIDIEM_FORMS}, key=len, reverse=True))
_TIME = re.compile(
    rf"(?:^|(?<=\s))(?P<at>(?:ساعت|at)\s*)?(?P<h>\d{{1,2}})(?:\s*[:.]\s*(?P<m>\d{{2}}))?"
    rf"(?:\s*(?P<mer>{_MERIDIEM}))?\s*$"
)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    hour: int
    minute: int


def _clock(hour: int, minute: int, meridiem: str | None) -> ParsedTime | None:
    if minute > 59 or hour > 23:
        return None
    kind = _MERIDIEMS.get((meridiem or "").replace(" ", ""))
    if kind is not None and not 1 <= hour <= 12:
        return None if hour != 0 or kind != "am" else ParsedTime(0, minute)
    if kind == "am":
        hour = 0 if hour == 12 else hour
    elif kind == "noon":
        hour = hour if hour >= 11 else hour + 12  # «۱۲ ظهر», «۱ ظهر» = 13:00
    elif kind == "pm":
        hour = hour if hour == 12 else hour + 12
    elif kind == "night":
        hour = 0 if hour == 12 else hour + 12 if hour >= 6 else hour  # «۱۰ شب» 22:00, «۲ شب» 02:00
    return ParsedTime(hour, minute)


def parse_time(text: str | None) -> ParsedTime | None:
    """A time of day: «۱۸:۳۰», «18.30», «ساعت ۱۸», «ساعت ۶ عصر», "6:30 pm", «۱۰ شب» → 22:00."""
    cleaned = _clean_time(text or "")
    match = _TIME.fullmatch(cleaned) or _TIME.fullmatch(f"ساعت {cleaned}")
    if not match:
        return None
    return _clock(int(match.group("h")), int(match.group("m") or 0), match.group("mer"))


def _clean_time(text: str) -> str:
    text = normalize_letters(to_ascii_digits(text)).replace(ZWNJ, " ").lower().replace("٫", ".")
    text = text.replace("،", " ").replace(",", " ")
    text = re.sub(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class ParsedMoment:
    """A date and a time of day typed together («۱۴۰۵/۰۹/۱۲ ساعت ۱۸:۳۰»). ``time`` is None when
    no time was typed (the date alone was readable) or the text is not a date and time."""

    date: ParsedDate
    time: ParsedTime | None


def parse_moment(
    text: str | None, *, today: jdatetime.date | None = None, missing_year: MissingYear = "refuse"
) -> ParsedMoment:
    """A date followed by a time. The time needs a colon, «ساعت»/"at", a part of the day
    («عصر», "pm") or a space after a complete date («1405-9-12 18»)."""
    cleaned = _clean_time(text or "")
    match = _TIME.search(cleaned)
    head = cleaned[: match.start()].strip() if match else ""
    if match and head:
        day = parse_date(head, today=today, missing_year=missing_year)
        if day.problem is not DateProblem.NOT_A_DATE:
            clock = _clock(int(match.group("h")), int(match.group("m") or 0), match.group("mer"))
            return ParsedMoment(day, clock)
    return ParsedMoment(parse_date(text, today=today, missing_year=missing_year), None)
