"""What services.faq.prepare does to the text people type before matching (issue 17)."""

import pytest

from services.faq import FaqIndex, clean, prepare


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("جهی\u200dزیه", "جهیزیه"),  # a zero-width joiner inside a word
        ("\u200fجهیزیه\u200e", "جهیزیه"),  # direction marks
        ("\u2067جهیزیه\u2069", "جهیزیه"),  # bidi isolates pasted from another app
        ("ھمدل", "همدل"),  # Urdu heh doachashmee
        ("ہمدل", "همدل"),  # Urdu heh goal
        ("ڪمڪ", "کمک"),  # swash kaf
        ("خانهٔ", "خانه"),  # hamza above
        ("سلاااام", "سلام"),  # stretched
        ("کمکککک", "کمک"),
        ("pleeeease", "please"),
        ("۱۰۰۰ تومان", "۱۰۰۰ تومان"),  # digits are never shortened
        ("1000", "1000"),
    ],
)
def test_clean(typed: str, cleaned: str) -> None:
    assert clean(typed) == cleaned


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("میخوام جهیزیه بگیرم", "می‌خواهم جهیزیه بگیرم"),  # colloquial and written forms
        ("میخام جهیزیه بگیرم", "میخوام جهیزیه بگیرم"),
        ("جهیزیه میدن؟", "جهیزیه می‌دهند؟"),
        ("جهیزیه چطوری میدن", "جهیزیه چجوری میدهند"),
        ("رسیدمو کجا ببینم", "رسیدم رو کجا ببینم"),
        ("شرطهای جهیزیه", "شرایط جهیزیه"),
        ("شرط‌های جهیزیه", "شرایط جهیزیه"),  # ZWNJ before the plural
        ("جهيزيه كجاس", "جهیزیه کجاست"),  # Arabic yeh and kaf
        ("جَهیزیه", "جهیزیه"),  # a diacritic
        ("مبلغ ۵۰ هزار", "مبلغ 50 هزار"),  # Persian digits
        ("مبلغ ٥٠ هزار", "مبلغ 50 هزار"),  # Arabic-Indic digits
        ("my dowry documents", "dowry document"),  # English plural and function words
    ],
)
def test_forms_people_type_prepare_alike(one: str, other: str) -> None:
    assert prepare(one) == prepare(other)


def test_english_words_are_stemmed_alike() -> None:
    index = FaqIndex.load()
    donating = index.search("donating through the bot", "en", limit=1)
    donations = index.search("donations through the bot", "en", limit=1)
    assert donating[0].entry.id == donations[0].entry.id


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("جهیزیه از مالیت کم میشه؟", "donate_tax"),  # مالیات, one letter missing
        ("رسید رسمی با مهرر بهزیستی", "receipt_official"),
    ],
)
def test_a_misspelt_word_is_read_as_the_faq_word(typo: str, expected: str) -> None:
    index = FaqIndex.load()
    assert index.search(typo, "fa", limit=1)[0].entry.id == expected


def test_a_typo_is_looked_up_once_per_index() -> None:
    index = FaqIndex.load()
    index.answer("شناسنامع برای جهیزیه", "fa")
    remembered = dict(index._typos)
    assert remembered == {"شناسنامع": "شناسنامه"}  # the unknown word, looked up
    index.answer("شناسنامع برای جهیزیه", "fa")
    assert index._typos == remembered
