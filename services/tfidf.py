"""A small TF-IDF model on numpy: what the FAQ needs of scikit-learn's ``TfidfVectorizer``.

Same definition as scikit-learn's defaults with ``sublinear_tf=True``: a term's weight in a
document is ``(1 + ln count) · idf``, ``idf = ln((1 + n) / (1 + df)) + 1`` over the ``n`` fitted
documents, each document's vector scaled to unit length; terms the model was not fitted on are
ignored. Documents are held as postings (term → documents), so scoring a query is one
``np.bincount`` over the postings of its terms.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np


def char_wb_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space on both sides
    (scikit-learn's ``analyzer="char_wb"``); a padded word no longer than n is one n-gram, once."""
    grams: list[str] = []
    for word in text.split():
        grams += _word_ngrams(word, low, high)
    return grams


@functools.lru_cache(maxsize=65536)
def _word_ngrams(word: str, low: int, high: int) -> tuple[str, ...]:
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1)]
        if len(padded) <= n:
            break
    return tuple(grams)


class TfidfIndex:
    """TF-IDF vectors of ``documents`` (texts turned into terms by ``analyzer``)."""

    def __init__(self, documents: Sequence[str], analyzer: Callable[[str], Iterable[str]]) -> None:
        self.analyzer = analyzer
        counts = [Counter(analyzer(doc)) for doc in documents]
        self.vocabulary: dict[str, int] = {}
        for counter in counts:
            for term in counter:
                self.vocabulary.setdefault(term, len(self.vocabulary))
        docs = np.repeat(np.arange(len(counts)), [len(c) for c in counts])
        terms = np.fromiter((self.vocabulary[t] for c in counts for t in c), np.int64, len(docs))
        tf = 1 + np.log(np.fromiter((n for c in counts for n in c.values()), np.float64, len(docs)))
        df = np.bincount(terms, minlength=len(self.vocabulary))
        self.idf = np.log((1 + len(counts)) / (1 + df)) + 1
        weights = tf * self.idf[terms]
        norms = np.sqrt(np.bincount(docs, weights=weights**2, minlength=len(counts)))
        weights /= norms[docs]
        order = np.argsort(terms, kind="stable")
        self._docs, self._weights = docs[order], weights[order]
        self._starts = np.r_[0, np.cumsum(df)]
        self.size = len(counts)

    def vector(self, text: str) -> dict[int, float]:
        """The query's unit vector over known terms: {term id: weight}."""
        counter = Counter(t for t in self.analyzer(text) if t in self.vocabulary)
        vector = {
            self.vocabulary[t]: (1 + math.log(n)) * self.idf[self.vocabulary[t]] for t, n in counter.items()
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {term: w / norm for term, w in vector.items()} if norm else {}

    def similarities(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every document, in document order."""
        vector = self.vector(text)
        if not vector:
            return np.zeros(self.size)
        terms = np.fromiter(vector.keys(), np.int64, len(vector))
        starts = self._starts[terms]
        lengths = self._starts[terms + 1] - starts
        # The positions of every posting of the query's terms, in one gather.
        positions = np.arange(lengths.sum()) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        weights = self._weights[positions] * np.repeat(
            np.fromiter(vector.values(), np.float64, len(vector)), lengths
        )
        return np.bincount(self._docs[positions], weights=weights, minlength=self.size)
