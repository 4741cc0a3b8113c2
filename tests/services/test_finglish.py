"""Finglish (Persian in Latin letters) and the FAQ's normalisation of Persian misspellings and
colloquial forms."""

import pytest

from services.faq import FaqIndex, prepare
from services.finglish import FUZZY_WORDS, Transliterator, latin_key, persian_keys


@pytest.mark.parametrize(
    ("latin", "persian"),
    [
        ("jahizie", "جهیزیه"),
        ("jahiziye", "جهیزیه"),
        ("jahizieh", "جهیزیه"),
        ("begiram", "بگیرم"),
        ("chetori", "چطوری"),
        ("chetoori", "چطوری"),
        ("madarek", "مدارک"),
        ("pardakht", "پرداخت"),
        ("nashod", "نشد"),
        ("resid", "رسید"),
        ("nadaram", "ندارم"),
        ("davtalab", "داوطلب"),
        ("javab", "جواب"),
        ("mikham", "میخوام"),
        ("sabtenam", "ثبتنام"),
        ("ghabz", "قبض"),
        ("qabz", "قبض"),
        ("mah", "ماه"),
        ("vaziat", "وضعیت"),
    ],
)
def test_latin_and_persian_spellings_share_a_key(latin: str, persian: str) -> None:
    assert latin_key(latin) in persian_keys(persian)


@pytest.mark.parametrize(("latin", "persian"), [("resid", "رسد"), ("komak", "کمیک"), ("madarek", "مدرسه")])
def test_different_words_have_different_keys(latin: str, persian: str) -> None:
    assert latin_key(latin) not in persian_keys(persian)


VOCABULARY = [*"چطوری جهیزیه بگیرم کارت رسید مدارک معلولیت معلولیت مالیات ثبت نام من".split(), "ثبت نام"]
TRANSLITERATE = Transliterator(VOCABULARY, english="how do i get a the dowry kit receipt".split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chetori jahizie begiram", "چطوری جهیزیه بگیرم"),
        ("madarek jahizie", "مدارک جهیزیه"),
        ("kartamo", "کارت"),  # the object marker -o after a possessive -am
        ("residam", "رسید"),
        ("maliat", "مالیات"),  # the closest spelling, not the more frequent معلولیت
        ("sabtenam", "ثبت نام"),  # two Persian words typed as one
        ("jahizye", "جهیزیه"),  # a typo in the Finglish
        ("how do i get a dowry kit", "how do i get a dowry kit"),  # English stays English
        ("how do i get jahizie", "how do i get جهیزیه"),  # ... except its Persian words
        ("how do i get jahzie", "how do i get jahzie"),  # ... spelled exactly, not nearly
        ("جهیزیه resid", "جهیزیه رسید"),
        ("xyzzy", "xyzzy"),  # nothing like it: left alone
    ],
)
def test_transliterator(text: str, expected: str) -> None:
    assert TRANSLITERATE(text) == expected


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # issue 13: Finglish found nothing
        ("chetori jahizie begiram", "dowry_how_apply"),
        ("madarek jahizie", "dowry_documents"),
        # issue 13: confidently wrong
        ("رسیدمو گم کردم", "receipt_lost"),
        ("Is this bot official?", "bot_official"),
        # misspellings: sound-alike letters, Arabic forms, spacing
        ("شرایط جهیضیه", "dowry_who"),
        ("شرایت جحیزیه", "dowry_who"),
        ("شرايط جهيزيه", "dowry_who"),
        ("مدارک‌جهیزیه", "dowry_documents"),
    ],
)
def test_understood_and_answered(index: FaqIndex, text: str, expected: str) -> None:
    answer = index.answer(text, "fa")
    assert answer.kind == "confident" and answer.best is not None, (answer.kind, answer.best)
    assert answer.best.entry.id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How do I get a dowry kit?", "dowry_how_apply"),  # was the waiting-time answer, confidently
        ("resid nadaram", "receipt_get"),
        ("pardakht nashod", "donate_failed_payment"),
        ("code rahgiri nadaram", "status_code_lost"),
    ],
)
def test_found_among_the_suggestions_at_least(index: FaqIndex, text: str, expected: str) -> None:
    answer = index.answer(text, "fa")
    assert answer.kind in ("confident", "suggest") and answer.best is not None
    offered = [answer.best.entry.id] + [m.entry.id for m in answer.suggestions]
    assert expected in offered
    if answer.kind == "confident":
        assert offered[0] == expected


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        ("رسیدمو گم کردم", "رسیدم گم"),  # object marker, the auxiliary dropped
        ("کدمو میخوام", "کدم"),
        ("جهیضیه", "جهیزیه"),
        ("صندوق حمایت ثبت", "سندوغ همایت سبت"),  # one letter for each sound
        ("درخواستم به کجا رسید؟", "درخواستم وزعیت"),  # "how far has it got", not a receipt
        ("می‌خواهم جهیزیه بگیرم", "جهیزیه گرفتن"),
    ],
)
def test_prepare_normalises_colloquial_forms(text: str, prepared: str) -> None:
    assert prepare(text) == prepared


def test_only_a_few_words_of_a_question_are_looked_up_allowing_a_typo() -> None:
    """A long message of Latin gibberish must not cost a fuzzy search per word."""
    words = TRANSLITERATE(" ".join(["jahzie"] * 12)).split()  # a typo: found only by a fuzzy look-up
    assert words == ["جهیزیه"] * FUZZY_WORDS + ["jahzie"] * (12 - FUZZY_WORDS)
    assert TRANSLITERATE(" ".join(["jahizie"] * 12)) == " ".join(["جهیزیه"] * 12)  # exact: every one
