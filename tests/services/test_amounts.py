"""The one amount reader (services/amounts.py): a table of the ways people type money."""

from __future__ import annotations

import pytest

from services.amounts import AmountProblem, Slip, SlipKind, parse_amount

# (typed, toman) — digits, separators, words, scales, units, as people write them.
SPELLINGS = [
    # digits in any script, separators
    ("50000", 50_000),
    ("۵۰۰۰۰", 50_000),
    ("٥٠٠٠٠", 50_000),
    ("1,500,000", 1_500_000),
    ("۱٬۵۰۰٬۰۰۰ تومان", 1_500_000),
    ("1.500.000", 1_500_000),
    ("۲۵۰٬۰۰۰", 250_000),
    ("75 000", 75_000),
    ("۱ ۵۰۰ ۰۰۰ تومان", 1_500_000),
    ("75.000", 75_000),
    ("75,000 toman", 75_000),
    ("75000T", 75_000),
    ("  ۱۰۰  هزار  تومن ", 100_000),
    ("مبلغ ۵۰ هزار تومان", 50_000),
    ("50000!", 50_000),
    # digits with scale words
    ("۵۰ هزار", 50_000),
    ("50هزار", 50_000),
    ("۷۵ هزار", 75_000),
    ("75 thousand", 75_000),
    ("75 Thousand Toman", 75_000),
    ("75k", 75_000),
    ("75K", 75_000),
    ("٧٥ الف", 75_000),
    ("۳ ميليون", 3_000_000),
    ("۳ ملیون", 3_000_000),
    ("2m", 2_000_000),
    ("3 mil", 3_000_000),
    ("1 million", 1_000_000),
    ("۲ میلیارد", 2_000_000_000),
    # decimals before a scale word
    ("۲.۵ میلیون", 2_500_000),
    ("۲٫۵ میلیون", 2_500_000),
    ("1.5 million", 1_500_000),
    ("1,5 میلیون", 1_500_000),
    ("۱٫۲۵ میلیون تومان", 1_250_000),
    ("1.5m", 1_500_000),
    ("0.5 million", 500_000),
    # several scales
    ("۱ میلیون و ۵۰۰ هزار", 1_500_000),
    ("2 میلیون 250 هزار تومان", 2_250_000),
    ("1 million 500 thousand", 1_500_000),
    ("۵ هزار و ۵۰۰", 5_500),
    # a bare remainder after millions counts in thousands
    ("۱ میلیون و ۵۰۰", 1_500_000),
    ("یک میلیون و دویست", 1_200_000),
    ("۲ میلیون و ۲۵۰", 2_250_000),
    ("۱ میلیارد و ۵۰۰", 1_500_000_000),
    ("۱ میلیون و ۵۰۰۰۰۰", 1_500_000),  # a remainder of 1,000 or more is taken as typed
    # Persian words
    ("صد هزار", 100_000),
    ("صدهزار", 100_000),
    ("هفتاد و پنج هزار", 75_000),
    ("هفتادوپنج هزار", 75_000),
    ("هفتاد\u200cو\u200cپنج هزار تومان", 75_000),
    ("پنجاه\u200cهزار تومان", 50_000),
    ("دو میلیون و پانصد هزار", 2_500_000),
    ("یکصد و پنجاه هزار تومان", 150_000),
    ("صد و بیست و پنج هزار", 125_000),
    ("سیصد هزار تومن", 300_000),
    ("یه میلیون", 1_000_000),
    ("یک و نیم میلیون", 1_500_000),
    ("یک میلیون و نیم", 1_500_000),
    ("نیم میلیون", 500_000),
    ("هزار تومان", 1_000),
    ("هزارتومن", 1_000),
    ("پونصد هزار", 500_000),
    ("بیست و پنج", 25),
    ("پنجاه", 50),
    # English words
    ("seventy five thousand", 75_000),
    ("seventy-five thousand", 75_000),
    ("fifty thousand toman", 50_000),
    ("a hundred thousand", 100_000),
    ("one hundred fifty thousand", 150_000),
    ("one million two hundred thousand", 1_200_000),
    ("two million, five hundred thousand", 2_500_000),
    ("five hundred and fifty thousand", 550_000),
    # units
    ("۵۰۰ هزار ریال", 50_000),
    ("٥٠٠٠٠٠ ريال", 50_000),
    ("۷۵۰۰۰۰ ریال", 75_000),
    ("750000 IRR", 75_000),
    ("1,000,000 rials", 100_000),
    ("۷۵ تومن", 75),
    ("0", 0),
]


@pytest.mark.parametrize(("typed", "toman"), SPELLINGS)
def test_amounts_people_type(typed: str, toman: int) -> None:
    parsed = parse_amount(typed)
    assert parsed.problem is None, (typed, parsed)
    assert parsed.toman == toman


def test_the_table_is_broad() -> None:
    assert len(SPELLINGS) >= 60


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", AmountProblem.NOT_AN_AMOUNT),
        ("abc", AmountProblem.NOT_AN_AMOUNT),
        ("hello", AmountProblem.NOT_AN_AMOUNT),
        ("5e6", AmountProblem.NOT_AN_AMOUNT),
        ("1,50,000", AmountProblem.NOT_AN_AMOUNT),
        ("😀", AmountProblem.NOT_AN_AMOUNT),
        ("۵۰۰ و ۲ هزار", AmountProblem.NOT_AN_AMOUNT),
        ("۲ هزار و ۱ میلیون", AmountProblem.NOT_AN_AMOUNT),  # scales out of order
        ("۱ هزار و ۲ هزار", AmountProblem.NOT_AN_AMOUNT),
        ("۱۰ تومان ریال", AmountProblem.NOT_AN_AMOUNT),
        ("۷۵ ۵", AmountProblem.NOT_AN_AMOUNT),  # digits never add up
        ("بیست بیست", AmountProblem.NOT_AN_AMOUNT),
        ("k", AmountProblem.NOT_AN_AMOUNT),  # a scale letter needs a number
        ("و پنجاه", AmountProblem.NOT_AN_AMOUNT),
        ("۵۰ هزار و", AmountProblem.NOT_AN_AMOUNT),
        ("تومان ۵۰ هزار", AmountProblem.NOT_AN_AMOUNT),
        ("-5000", AmountProblem.NEGATIVE),
        ("− ۵۰ هزار", AmountProblem.NEGATIVE),
        ("2.5", AmountProblem.FRACTION),
        ("۵۰ هزار دلار", AmountProblem.FOREIGN_CURRENCY),
        ("$50", AmountProblem.FOREIGN_CURRENCY),
        ("100 euros", AmountProblem.FOREIGN_CURRENCY),
    ],
)
def test_what_is_not_an_amount_says_why(typed: str, problem: AmountProblem) -> None:
    parsed = parse_amount(typed)
    assert parsed.toman is None and parsed.problem is problem


LIMITS = {"min_toman": 10_000, "max_toman": 100_000_000}


@pytest.mark.parametrize(
    ("typed", "slip"),
    [
        ("۷۵ تومن", Slip(75_000, SlipKind.THOUSANDS)),
        ("75", Slip(75_000, SlipKind.THOUSANDS)),
        ("پنجاه", Slip(50_000, SlipKind.THOUSANDS)),
        ("75T", Slip(75_000, SlipKind.THOUSANDS)),
        ("500000000", Slip(50_000_000, SlipKind.RIALS)),  # above the maximum: rials?
        ("75", Slip(75_000, SlipKind.THOUSANDS)),
        ("5", None),  # 5,000 is still below the minimum
        ("۷۵ ریال", None),
        ("۷۵ هزار", None),  # within the limits: nothing to ask
        ("هزار تومان", None),  # a scale word was typed: 1,000 is meant
        ("500000000 تومان", None),  # the unit was typed: too large, no guess
        ("5 میلیارد", None),
        ("۲۰۰ میلیون", None),  # a scale word: toman meant, simply too large
    ],
)
def test_a_likely_slip_is_named(typed: str, slip: Slip | None) -> None:
    assert parse_amount(typed).suspect(**LIMITS) == slip
