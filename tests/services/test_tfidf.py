"""services.tfidf against figures worked out by hand from the TF-IDF definition it implements
(scikit-learn's defaults with sublinear tf)."""

import math

import pytest

from services.faq import FaqIndex
from services.tfidf import TfidfIndex, char_wb_ngrams

# Summed in Python (a small index, the real FAQ) and with numpy (a large one): same figures.
ways = pytest.mark.parametrize("use_numpy", [False, True], ids=["python", "numpy"])


def test_char_wb_ngrams_pad_words_and_count_a_short_word_once() -> None:
    assert char_wb_ngrams("ab", 2, 5) == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert char_wb_ngrams("a  b", 2, 3) == [" a", "a ", " a ", " b", "b ", " b "]
    assert char_wb_ngrams("", 2, 5) == []


@ways
def test_weights_and_similarities_by_hand(use_numpy: bool) -> None:
    # Three documents; "a" is everywhere (idf 1), "b" in two, "c" in one.
    index = TfidfIndex(["a a b", "a b", "a c"], str.split, use_numpy=use_numpy)
    assert index.uses_numpy is use_numpy
    idf_b = math.log(4 / 3) + 1
    idf_c = math.log(4 / 2) + 1
    assert index.idf[index.vocabulary["a"]] == pytest.approx(1.0, abs=1e-12)
    assert index.idf[index.vocabulary["b"]] == pytest.approx(idf_b, abs=1e-12)
    # Query "b": a unit vector on "b" alone, so each similarity is the document's "b" weight.
    doc0 = (1 + math.log(2), idf_b)  # "a" twice (sublinear tf), "b" once
    doc1 = (1.0, idf_b)
    expected = [doc0[1] / math.hypot(*doc0), doc1[1] / math.hypot(*doc1), 0.0]
    assert index.similarities("b b") == pytest.approx(expected, abs=1e-12)
    # Query "a c": both terms, unknown ones ignored.
    q = (1.0, idf_c)
    norm_q = math.hypot(*q)
    doc2 = (1.0, idf_c)
    expected = [
        doc0[0] / math.hypot(*doc0) / norm_q,
        doc1[0] / math.hypot(*doc1) / norm_q,
        (doc2[0] * q[0] + doc2[1] * q[1]) / math.hypot(*doc2) / norm_q,
    ]
    assert index.similarities("a c zzz") == pytest.approx(expected, abs=1e-12)
    assert index.similarities("c")[2] == pytest.approx(idf_c / math.hypot(*doc2), abs=1e-12)


@ways
def test_unknown_or_empty_query_scores_nothing(use_numpy: bool) -> None:
    index = TfidfIndex(["a b", "c"], str.split, use_numpy=use_numpy)
    assert index.similarities("zzz") == [0.0, 0.0]
    assert index.similarities("") == [0.0, 0.0]
    assert index.vector("") == {}


@ways
def test_a_document_equal_to_the_query_scores_one(use_numpy: bool) -> None:
    index = TfidfIndex(
        ["jahizie madarek", "resid gom shod", "madarek"], lambda t: char_wb_ngrams(t), use_numpy=use_numpy
    )
    assert index.similarities("resid gom shod")[1] == pytest.approx(1.0, abs=1e-12)


def test_python_and_numpy_give_the_same_floats_on_the_real_faq() -> None:
    """The real FAQ is scored in Python; were it scored with numpy (as a large FAQ is), every
    similarity would be the same float: same products, added in the same order."""
    faq = FaqIndex.load()
    rows = [" ".join(faq.prepare(text) for _, text in entry.phrasings()) for entry in faq.entries]
    python = TfidfIndex(rows, char_wb_ngrams)
    numpy = TfidfIndex(rows, char_wb_ngrams, use_numpy=True)
    assert not python.uses_numpy
    assert python.idf == numpy.idf
    for entry in faq.entries:
        for _, text in entry.phrasings():
            question = faq.prepare(text[: len(text) // 2 + 3])  # a part of a phrasing
            assert python.similarities(question) == numpy.similarities(question)


def test_a_faq_scored_with_numpy_scores_as_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """A FAQ over NUMPY_POSTINGS is scored with numpy throughout (FaqIndex._scores_numpy): the
    real FAQ, forced that way, gives every question the same scores and answer."""
    python = FaqIndex.load()
    monkeypatch.setattr("services.tfidf.NUMPY_POSTINGS", 0)
    numpy = FaqIndex.load()
    assert numpy._chars.uses_numpy and not python._chars.uses_numpy
    for entry in python.entries:
        for _, text in entry.phrasings():
            question = text[: len(text) // 2 + 3]
            assert python.scores(question) == numpy.scores(question)
            assert python.answer(question) == numpy.answer(question)
