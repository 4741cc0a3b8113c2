"""A small TF-IDF model: what the FAQ needs of scikit-learn's ``TfidfVectorizer``.

Same definition as scikit-learn's defaults with ``sublinear_tf=True``: a term's weight in a
document is ``(1 + ln count) · idf``, ``idf = ln((1 + n) / (1 + df)) + 1`` over the ``n`` fitted
documents, each document's vector scaled to unit length; terms the model was not fitted on are
ignored. Documents are held as postings (term → documents), so scoring a query is a sum over the
postings of its terms.

That sum is done in Python for an index of up to ``NUMPY_POSTINGS`` postings (the real FAQ's
character model has ~73,000: a question's scores take ~0.3 ms), and with numpy above (a
1,000-entry FAQ has ~900,000: ~10 ms a question in Python, under 1 ms with numpy). numpy is
imported only then: it costs a process ~11 MB and 0.2–0.6 s of CPU at start
(benchmarks/footprint.py). Both ways add the same products in the same order: the same floats.
"""

from __future__ import annotations

import functools
import math
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Postings (a term in a document) above which a query is scored with numpy.
NUMPY_POSTINGS = 150_000


def char_wb_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space on both sides
    (scikit-learn's ``analyzer="char_wb"``); a padded word no longer than n is one n-gram, once."""
    grams: list[str] = []
    for word in text.split():
        grams += _word_ngrams(word, low, high)
    return grams


@functools.lru_cache(maxsize=65536)
def _word_ngrams(word: str, low: int, high: int) -> tuple[str, ...]:
    """A word's n-grams, each string shared (`sys.intern`) by every word that has it: the FAQ's
    1,200 words have ~24,000 n-grams but ~11,000 different ones (~1 MB of a worker's memory)."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(low, high + 1):
        grams += [padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1)]
        if len(padded) <= n:
            break
    return tuple(map(sys.intern, grams))


class TfidfIndex:
    """TF-IDF vectors of ``documents`` (texts turned into terms by ``analyzer``). ``use_numpy``:
    None decides by size (``NUMPY_POSTINGS``); tests force either way."""

    def __init__(
        self,
        documents: Sequence[str],
        analyzer: Callable[[str], Iterable[str]],
        *,
        use_numpy: bool | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        # Each document's distinct terms (ids, in the order its Counter saw them) and their counts,
        # documents one after the other, document d's ending at ends[d]: flat arrays, not a Counter
        # per document all alive at once (they raised the FAQ's build peak by ~1.3 MB, freed
        # between objects the index keeps).
        terms, counts, ends = array("i"), array("i"), array("i")
        for doc in documents:
            counter = Counter(analyzer(doc))
            terms.extend(self.vocabulary.setdefault(term, len(self.vocabulary)) for term in counter)
            counts.extend(counter.values())
            ends.append(len(terms))
        self.size = len(ends)
        self.uses_numpy = len(terms) > NUMPY_POSTINGS if use_numpy is None else use_numpy
        self.idf: Sequence[float]
        if self.uses_numpy:
            self._fit_numpy(terms, counts, ends)
        else:
            self._fit(terms, counts, ends)

    def _fit(self, terms: array[int], counts: array[int], ends: array[int]) -> None:
        df = [0] * len(self.vocabulary)
        for t in terms:
            df[t] += 1
        n = self.size
        idf = [math.log((1 + n) / (1 + d)) + 1 for d in df]
        self.idf = array("d", idf)
        # Postings grouped by term (documents in order within a term): term t's are
        # [starts[t], starts[t + 1]) of `_docs` and `_weights`.
        starts = [0] * (len(df) + 1)
        for t, d in enumerate(df):
            starts[t + 1] = starts[t] + d
        postings = len(terms)
        docs, weights = array("i", bytes(4 * postings)), array("d", bytes(8 * postings))
        filled = starts[:-1]
        begin = 0
        for doc, end in enumerate(ends):
            doc_terms = terms[begin:end]
            tf = [
                (1 + math.log(count)) * idf[t] for t, count in zip(doc_terms, counts[begin:end], strict=True)
            ]
            norm = math.sqrt(sum(w * w for w in tf))
            for t, w in zip(doc_terms, tf, strict=True):
                docs[filled[t]], weights[filled[t]] = doc, w / norm
                filled[t] += 1
            begin = end
        self._starts: Sequence[int] = array("q", starts)
        self._docs: Sequence[int] = docs
        self._weights: Sequence[float] = weights

    def _fit_numpy(self, terms_of_docs: array[int], counts: array[int], ends: array[int]) -> None:
        import numpy as np

        docs = np.repeat(np.arange(self.size), [end - begin for begin, end in pairwise([0, *ends])])
        terms = np.array(terms_of_docs, np.int64)
        tf = 1 + np.log(np.array(counts, np.float64))
        df = np.bincount(terms, minlength=len(self.vocabulary))
        idf = np.log((1 + self.size) / (1 + df)) + 1
        weights = tf * idf[terms]
        norms = np.sqrt(np.bincount(docs, weights=weights**2, minlength=self.size))
        weights /= norms[docs]
        order = np.argsort(terms, kind="stable")
        self.idf = array("d", idf.tolist())
        self._np_docs, self._np_weights = docs[order], weights[order]
        self._np_starts = np.r_[0, np.cumsum(df)]

    def vector(self, text: str) -> dict[int, float]:
        """The query's unit vector over known terms: {term id: weight}."""
        counter = Counter(t for t in self.analyzer(text) if t in self.vocabulary)
        vector = {
            self.vocabulary[t]: (1 + math.log(n)) * self.idf[self.vocabulary[t]] for t, n in counter.items()
        }
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {term: w / norm for term, w in vector.items()} if norm else {}

    def similarities(self, text: str) -> list[float]:
        """Cosine similarity of ``text`` with every document, in document order."""
        vector = self.vector(text)
        if not vector:
            return [0.0] * self.size
        if self.uses_numpy:
            return self._similarities_numpy(vector).tolist()
        scores = [0.0] * self.size
        starts, docs, weights = self._starts, self._docs, self._weights
        for term, q in vector.items():
            start, end = starts[term], starts[term + 1]
            for doc, w in zip(docs[start:end], weights[start:end], strict=True):
                scores[doc] += w * q
        return scores

    def similarity_array(self, text: str) -> np.ndarray:
        """:meth:`similarities` as a numpy array (imports numpy: for a caller that goes on
        computing with it, over a large index)."""
        import numpy as np

        vector = self.vector(text)
        if not vector:
            return np.zeros(self.size)
        if self.uses_numpy:
            return self._similarities_numpy(vector)
        return np.array(self.similarities(text))

    def _similarities_numpy(self, vector: dict[int, float]) -> np.ndarray:
        import numpy as np

        terms = np.fromiter(vector.keys(), np.int64, len(vector))
        starts = self._np_starts[terms]
        lengths = self._np_starts[terms + 1] - starts
        # The positions of every posting of the query's terms, in one gather.
        positions = np.arange(lengths.sum()) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        weights = self._np_weights[positions] * np.repeat(
            np.fromiter(vector.values(), np.float64, len(vector)), lengths
        )
        return np.bincount(self._np_docs[positions], weights=weights, minlength=self.size)
