"""Persian conventions: digits, letters, money, dates, identity numbers."""

from datetime import UTC, datetime

import pytest

from services.persian import (
    format_date,
    format_datetime,
    format_toman,
    normalize_mobile,
    normalize_national_code,
    normalize_text,
    to_ascii_digits,
    to_fa_digits,
)


def test_digits_both_ways() -> None:
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩") == "0123456789 0123456789"
    assert to_fa_digits(1404) == "۱۴۰۴"


def test_toman_shown_with_separator_and_unit() -> None:
    assert format_toman(500_000) == "۵۰٬۰۰۰ تومان"
    assert format_toman(500_000, "en") == "50,000 toman"


def test_jalali_dates_in_tehran_time() -> None:
    moment = datetime(2026, 11, 30, 20, 45, tzinfo=UTC)  # 00:15 on 10 Azar in Tehran
    assert format_date(moment) == "۱۰ آذر ۱۴۰۵"
    assert format_datetime(moment) == "۱۰ آذر ۱۴۰۵، ساعت ۰۰:۱۵"
    assert format_date(moment, "en") == "10 Azar 1405"


def test_normalize_text_for_matching() -> None:
    assert normalize_text("كمك‌هاي  مـالی؟ ١٢") == "کمک های مالی 12"
    assert normalize_text("جَهیزیه!!") == "جهیزیه"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0499370899", "0499370899"),
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),
        ("13542419", "0013542419"),
        ("049-937-0899", "0499370899"),
    ],
)
def test_national_code_checksum(typed: str, code: str) -> None:
    assert normalize_national_code(typed) == code


@pytest.mark.parametrize("typed", ["0499370898", "1111111111", "123", "abcdefghij", "04993708991"])
def test_national_code_rejects(typed: str) -> None:
    assert normalize_national_code(typed) is None


@pytest.mark.parametrize(
    "typed", ["09121234567", "+989121234567", "00989121234567", "989121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷"]
)
def test_mobile_prefixes(typed: str) -> None:
    assert normalize_mobile(typed) == "09121234567"


@pytest.mark.parametrize("typed", ["0912123456", "08121234567", "+18005551234", "abc"])
def test_mobile_rejects(typed: str) -> None:
    assert normalize_mobile(typed) is None
