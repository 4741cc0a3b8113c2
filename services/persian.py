"""Persian text conventions: digits, letters, money, Jalali dates, identity numbers.

Everything a user types goes through these functions before it is parsed, and everything
shown to a Persian reader is formatted by them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import jdatetime

FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
AR_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_ASCII = str.maketrans(FA_DIGITS + AR_DIGITS, "0123456789" * 2)
_TO_FA = str.maketrans("0123456789", FA_DIGITS)

ZWNJ = "\u200c"
TATWEEL = "\u0640"
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        TATWEEL: None,
    }
)
# Harakat, tanwin, superscript alef and friends: all combining marks in the Arabic block.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")

TEHRAN = timezone(timedelta(hours=3, minutes=30))
RIALS_PER_TOMAN = 10


def to_ascii_digits(text: str) -> str:
    """Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII; everything else unchanged."""
    return text.translate(_TO_ASCII)


def to_fa_digits(value: object) -> str:
    """ASCII digits to Persian digits (۰–۹)."""
    return str(value).translate(_TO_FA)


def normalize_letters(text: str) -> str:
    """Arabic letter forms to their Persian ones (ي→ی, ك→ک), tatweel and diacritics removed."""
    return _DIACRITICS.sub("", unicodedata.normalize("NFC", text).translate(_LETTERS))


def normalize_text(text: str) -> str:
    """Canonical form for matching: Persian letters, ASCII digits, no punctuation, ZWNJ as space,
    lower case, single spaces."""
    text = normalize_letters(to_ascii_digits(text)).replace(ZWNJ, " ")
    text = _PUNCTUATION.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()


def group_thousands(number: int) -> str:
    """12345678 → «۱۲٬۳۴۵٬۶۷۸» (Persian digits, Arabic thousands separator)."""
    return to_fa_digits(f"{number:,}").replace(",", "٬")


def rials_to_toman(rials: int) -> int:
    return rials // RIALS_PER_TOMAN


def toman_to_rials(toman: int) -> int:
    return toman * RIALS_PER_TOMAN


def format_toman(rials: int, locale: str = "fa") -> str:
    """Integer rials shown as toman with a thousands separator and the unit."""
    toman = rials_to_toman(rials)
    if locale == "fa":
        return f"{group_thousands(toman)} تومان"
    return f"{toman:,} toman"


def format_number(number: int, locale: str = "fa") -> str:
    return group_thousands(number) if locale == "fa" else f"{number:,}"


def to_tehran(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TEHRAN)


def jalali(moment: datetime) -> jdatetime.datetime:
    return jdatetime.datetime.fromgregorian(datetime=to_tehran(moment).replace(tzinfo=None))


JALALI_MONTHS_FA = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
JALALI_MONTHS_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)


def format_date(moment: datetime, locale: str = "fa") -> str:
    """«۹ آذر ۱۴۰۵» in Persian, «9 Azar 1405» in English: always the Jalali calendar."""
    j = jalali(moment)
    if locale == "fa":
        return f"{to_fa_digits(j.day)} {JALALI_MONTHS_FA[j.month - 1]} {to_fa_digits(j.year)}"
    return f"{j.day} {JALALI_MONTHS_EN[j.month - 1]} {j.year}"


def format_datetime(moment: datetime, locale: str = "fa") -> str:
    """Jalali date and Tehran time: «۹ آذر ۱۴۰۵، ساعت ۱۴:۰۵»."""
    time = to_tehran(moment).strftime("%H:%M")
    if locale == "fa":
        return f"{format_date(moment, locale)}، ساعت {to_fa_digits(time)}"
    return f"{format_date(moment, locale)}, {time}"


def jalali_year(moment: datetime) -> int:
    return jalali(moment).year


def normalize_national_code(text: str) -> str | None:
    """Ten-digit national code (کد ملی) with a valid check digit, or None.

    Accepts any digit script, spaces and dashes; 8–9 digit input is left-padded with zeros."""
    digits = re.sub(r"[\s\-]", "", to_ascii_digits(text))
    if not digits.isdigit() or not 8 <= len(digits) <= 10:
        return None
    digits = digits.zfill(10)
    if len(set(digits)) == 1:
        return None
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return digits if int(digits[9]) == check else None


def normalize_mobile(text: str) -> str | None:
    """Iranian mobile as 09XXXXXXXXX; accepts +98, 0098, 98 and 0 prefixes and any digit script."""
    digits = re.sub(r"[\s\-()]", "", to_ascii_digits(text))
    for prefix in ("+98", "0098", "98", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            digits = digits[len(prefix) :]
            break
    if len(digits) == 10 and digits.startswith("9") and digits.isdigit():
        return "0" + digits
    return None
