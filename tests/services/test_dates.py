"""The one date and time reader (services/dates.py): a table of the ways people type dates."""

from __future__ import annotations

from datetime import date

import jdatetime
import pytest

from services.dates import DateHow, DateProblem, ParsedTime, parse_date, parse_moment, parse_time

TODAY = jdatetime.date(1405, 9, 9)  # = 2026-11-30

J = DateHow.JALALI
G = DateHow.GREGORIAN


@pytest.mark.parametrize(
    ("typed", "expected", "how"),
    [
        # Jalali, numbers, any digit script and separator
        ("۱۴۰۴/۰۷/۲۸", (1404, 7, 28), J),
        ("١٤٠٤/٠٧/٢٨", (1404, 7, 28), J),
        ("1404/07/28", (1404, 7, 28), J),
        ("1404-7-28", (1404, 7, 28), J),
        ("1404.7.28", (1404, 7, 28), J),
        ("۱۴۰۴ ۷ ۲۸", (1404, 7, 28), J),
        ("۱۴۰۴،۷،۲۸", (1404, 7, 28), J),
        ("۱۴۰۴٫۰۷٫۲۸", (1404, 7, 28), J),
        ("۱۴۰۴ / ۰۷ / ۲۸", (1404, 7, 28), J),
        ("1404\\07\\28", (1404, 7, 28), J),
        ("28/07/1404", (1404, 7, 28), J),
        ("٢٨-٠٧-١٤٠٤", (1404, 7, 28), J),
        ("14040728", (1404, 7, 28), J),
        ("۱۴۰۴/۰۷/۲۸ ه.ش", (1404, 7, 28), J),
        ("۱۴۰۴/۰۷/۲۸ شمسی", (1404, 7, 28), J),
        ("1403/12/30", (1403, 12, 30), J),  # 1403 is a leap year
        # Persian and Finglish month names
        ("۲۰ مهر ۱۴۰۴", (1404, 7, 20), J),
        ("۲۰ مهرماه ۱۴۰۴", (1404, 7, 20), J),
        ("۲۰ مهر\u200cماه ۱۴۰۴", (1404, 7, 20), J),
        ("۲۰ مهر ماه ۱۴۰۴", (1404, 7, 20), J),
        ("۲۰مهر۱۴۰۴", (1404, 7, 20), J),
        ("۲۰ام مهر ۱۴۰۴", (1404, 7, 20), J),
        ("۲۰ مهر سال ۱۴۰۴", (1404, 7, 20), J),
        ("۱ اردیبهشت ۱۴۰۶", (1406, 2, 1), J),
        ("۱۰ آذر ۱۴۰۵", (1405, 9, 10), J),
        ("۱۰ اذر ۱۴۰۵", (1405, 9, 10), J),
        ("۱۰ امرداد ۱۴۰۴", (1404, 5, 10), J),
        ("۵ دي ۱۴۰۳", (1403, 10, 5), J),  # Arabic ي
        ("28 Mehr 1404", (1404, 7, 28), J),
        ("10 Azar 1405", (1405, 9, 10), J),
        ("Farvardin 10 1404", (1404, 1, 10), J),
        ("1 esfand 1403", (1403, 12, 1), J),
        ("3 Dey 1404", (1404, 10, 3), J),
        # Gregorian, converted
        ("2025-10-20", (1404, 7, 28), G),
        ("2024/05/01", (1403, 2, 12), G),
        ("۲۰۲۵/۱۰/۲۰", (1404, 7, 28), G),
        ("20251020", (1404, 7, 28), G),
        ("20 Oct 2025", (1404, 7, 28), G),
        ("Oct 20, 2025", (1404, 7, 28), G),
        ("October 20th 2025", (1404, 7, 28), G),
        ("20th of October 2025", (1404, 7, 28), G),
        ("۲۰ اکتبر ۲۰۲۵", (1404, 7, 28), G),
        ("30/11/2026", (1405, 9, 9), G),
        ("05/20/2025", (1404, 2, 30), G),  # only May 20 is possible
        ("2025-10-20 میلادی", (1404, 7, 28), G),
        ("1 March 2025", (1403, 12, 11), G),
    ],
)
def test_dates_people_type(typed: str, expected: tuple[int, int, int], how: DateHow) -> None:
    parsed = parse_date(typed, today=TODAY)
    assert parsed.ok, (typed, parsed)
    assert parsed.day is not None and (parsed.day.year, parsed.day.month, parsed.day.day) == expected
    assert parsed.how is how
    assert parsed.needs_echo is (how is G)


def test_a_gregorian_date_keeps_what_was_typed_for_the_echo() -> None:
    parsed = parse_date("2025-10-20")
    assert parsed.gregorian_typed == date(2025, 10, 20) and parsed.gregorian == date(2025, 10, 20)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("04/07/28", (1404, 7, 28)),  # two digits, year first (the Persian order)
        ("98/05/12", (1398, 5, 12)),
        ("12/05/98", (1398, 5, 12)),  # only the last number can be a year
        ("۲۸ مهر ۰۴", (1404, 7, 28)),
        ("06/01/01", (1306, 1, 1)),  # 1406 is after today's year
    ],
)
def test_two_digit_years_are_jalali_and_not_after_today(typed: str, expected: tuple[int, int, int]) -> None:
    parsed = parse_date(typed, today=TODAY)
    assert parsed.day is not None and (parsed.day.year, parsed.day.month, parsed.day.day) == expected
    assert parsed.guessed_year and parsed.needs_echo
    assert parse_date(typed).problem is DateProblem.AMBIGUOUS  # without a reference day: refused


@pytest.mark.parametrize(
    ("typed", "missing_year", "expected"),
    [
        ("۲۰ مهر", "past", (1405, 7, 20)),
        ("۲۰ دی", "past", (1404, 10, 20)),
        ("۲۰ دی", "future", (1405, 10, 20)),
        ("۲۰ مهر", "future", (1406, 7, 20)),
        ("9 Azar", "future", (1405, 9, 9)),  # today counts as the future
        ("20 Oct", "past", (1405, 7, 28)),  # 2026-10-20
        ("20 Dec", "past", (1404, 9, 29)),  # 2025-12-20
    ],
)
def test_a_missing_year_is_taken_from_the_callers_rule(
    typed: str, missing_year: str, expected: tuple[int, int, int]
) -> None:
    parsed = parse_date(typed, today=TODAY, missing_year=missing_year)  # type: ignore[arg-type]
    assert parsed.day is not None and (parsed.day.year, parsed.day.month, parsed.day.day) == expected
    assert parsed.guessed_year
    assert parse_date(typed, today=TODAY).problem is DateProblem.NO_YEAR


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", DateProblem.NOT_A_DATE),
        ("دیروز", DateProblem.NOT_A_DATE),
        ("hello", DateProblem.NOT_A_DATE),
        ("۱۲۳۴۵", DateProblem.NOT_A_DATE),
        ("۲۰ مهر آبان ۱۴۰۴", DateProblem.NOT_A_DATE),
        ("20 Mehr 2025", DateProblem.YEAR_OUT_OF_RANGE),  # a Jalali month with a Gregorian year
        ("1404/13/01", DateProblem.BAD_MONTH),
        ("1404/00/10", DateProblem.BAD_MONTH),
        ("1404/02/32", DateProblem.BAD_DAY),
        ("۳۱ مهر ۱۴۰۴", DateProblem.BAD_DAY),  # Mehr has 30 days
        ("1405/12/30", DateProblem.BAD_DAY),  # 1405 is not a leap year
        ("31 Feb 2025", DateProblem.BAD_DAY),
        ("05/06/2025", DateProblem.AMBIGUOUS),  # May 6 or June 5?
        ("1200/01/01", DateProblem.YEAR_OUT_OF_RANGE),
        ("1700/01/01", DateProblem.YEAR_OUT_OF_RANGE),
        ("2025-10-20 شمسی", DateProblem.NOT_A_DATE),  # the calendar named contradicts the year
    ],
)
def test_what_is_wrong_is_named(typed: str, problem: DateProblem) -> None:
    parsed = parse_date(typed, today=TODAY)
    assert not parsed.ok and parsed.how is DateHow.INVALID
    assert parsed.problem is problem


def test_a_bad_day_names_the_length_of_its_month() -> None:
    parsed = parse_date("۱۴۰۵/۱۲/۳۰")
    assert (parsed.month, parsed.month_days) == (12, 29)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۱۸:۳۰", (18, 30)),
        ("18.30", (18, 30)),
        ("ساعت ۱۸", (18, 0)),
        ("ساعت ۶ عصر", (18, 0)),
        ("۶ بعد از ظهر", (18, 0)),
        ("۶ بعدازظهر", (18, 0)),
        ("ساعت ۹ صبح", (9, 0)),
        ("۱۲ ظهر", (12, 0)),
        ("۱ ظهر", (13, 0)),
        ("۱۰ شب", (22, 0)),
        ("۱۲ شب", (0, 0)),
        ("6:30 pm", (18, 30)),
        ("at 9am", (9, 0)),
        ("12 am", (0, 0)),
    ],
)
def test_times(typed: str, expected: tuple[int, int]) -> None:
    assert parse_time(typed) == ParsedTime(*expected)


@pytest.mark.parametrize("typed", ["25:00", "۱۸:۷۵", "۱۳ عصر", "ساعت", "فردا"])
def test_not_times(typed: str) -> None:
    assert parse_time(typed) is None


@pytest.mark.parametrize(
    ("typed", "day", "time"),
    [
        ("۱۴۰۵/۰۹/۱۲ ۱۸:۳۰", (1405, 9, 12), (18, 30)),
        ("1405-9-12 ساعت 18", (1405, 9, 12), (18, 0)),
        ("1405-9-12 18", (1405, 9, 12), (18, 0)),
        ("۱۲ آذر ساعت ۶ عصر", (1405, 9, 12), (18, 0)),
        ("2026-12-03 18:30", (1405, 9, 12), (18, 30)),
    ],
)
def test_moments(typed: str, day: tuple[int, int, int], time: tuple[int, int]) -> None:
    moment = parse_moment(typed, today=TODAY, missing_year="future")
    assert moment.date.day is not None
    assert (moment.date.day.year, moment.date.day.month, moment.date.day.day) == day
    assert moment.time == ParsedTime(*time)


def test_a_date_without_a_time_is_not_a_moment() -> None:
    moment = parse_moment("۱۴۰۵/۰۹/۱۲", today=TODAY)
    assert moment.date.ok and moment.time is None
