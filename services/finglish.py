"""Finglish: Persian typed in Latin letters ("chetori jahizie begiram"), turned back into Persian.

Finglish has no fixed spelling: short vowels are written or not (madarek / madrk), one sound has
several spellings (kh/x, gh/q, oo/u, ee/i, a final e or eh), and Persian letters that sound
alike (ت/ط, س/ص/ث, ز/ذ/ض/ظ, ه/ح, غ/ق) have one Latin spelling. So both sides are reduced to a
*phonetic key* that keeps what survives every spelling: the consonants in one form each and the
vowel «ی»/i (written in both scripts), without the other vowels (ا و ه at the end, a e o u):

    jahizie → jhizi ← جهیزیه        begiram → bgirm ← بگیرم        chetori → Ctri ← چطوری

:class:`Transliterator` knows the Persian words of a vocabulary by their keys and replaces each
Latin word of a question with the most frequent Persian word of the same key (or of a nearly
equal key, for typos). A question written in English stays English: when most of its Latin words
are English words the vocabulary knows, only its other Latin words spelled exactly like a Persian
word ("how do I get jahizie") are transliterated.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# Latin spellings, longest first; vowels a e o u are dropped, i/y/ee kept as "i".
_LATIN_MULTI = (("kh", "X"), ("sh", "S"), ("ch", "C"), ("zh", "Z"), ("gh", "G"), ("ph", "f"), ("ee", "i"))
_LATIN_SINGLE = str.maketrans(
    {"q": "G", "x": "X", "w": "v", "c": "k", "y": "i", "a": None, "e": None, "o": None, "u": None}
)
_PERSIAN = str.maketrans(
    {
        "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "چ": "C",
        "ح": "h", "ه": "h", "خ": "X", "د": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ر": "r",
        "ژ": "Z", "ش": "S", "غ": "G", "ق": "G", "ف": "f", "ک": "k", "گ": "g", "ل": "l", "م": "m",
        "ن": "n", "ی": "i", "ا": None, "آ": None, "ع": None, "ء": None, "و": None,
    }
)  # fmt: skip
_LATIN_WORD = re.compile(r"^[a-z]+$")
_REPEATS = re.compile(r"(.)\1+")
#: Two keys this close (rapidfuzz ratio) are taken for a typo of each other; short keys must match.
FUZZY_CUTOFF = 85
FUZZY_MIN_LENGTH = 4
#: Words of one question looked up allowing a typo (the rest must be spelled exactly): a message
#: of Latin gibberish costs a few look-ups, not hundreds.
FUZZY_WORDS = 8
#: Below this share of known English words a Latin question is read as Finglish.
ENGLISH_SHARE = 0.5


def latin_key(word: str) -> str:
    """The phonetic key of a Latin-script word (lower case)."""
    word = re.sub(r"(?<=e)h$", "", word)  # a final -eh is the silent «ه»: jahizieh
    for spelling, sound in _LATIN_MULTI:
        word = word.replace(spelling, sound)
    return _REPEATS.sub(r"\1", word.translate(_LATIN_SINGLE))


def persian_keys(word: str) -> set[str]:
    """The phonetic keys of a Persian word (normalised letters): one per reading of an inner «و»
    (a consonant v, or the vowel o/u, as in روش ravesh / کودک koodak)."""
    word = word.replace("خوا", "خا")  # the silent «و» of خواستن
    if word.endswith("ه") and len(word) > 1 and word[-2] not in "او":
        word = word[:-1]  # a final «ه» is mostly the vowel e (not in ماه, راه, کوه)
    readings = [""]
    for position, letter in enumerate(word):
        if letter == "و":
            consonant = position == 0 or word[position - 1] == "ا" or word[position + 1 : position + 2] == "ا"
            readings = [r + "v" for r in readings] + ([] if consonant else readings)
        else:
            readings = [r + letter for r in readings]
        readings = readings[:8]
    return {_REPEATS.sub(r"\1", reading.translate(_PERSIAN)) for reading in readings}


def romanize(word: str) -> str:
    """A plain Latin spelling of a Persian word (vowels as written: ا a, و u, ی i, a final ه e),
    to choose between Persian words of one key by how close they are to what was typed."""
    if word.endswith("ه") and len(word) > 1:
        word = word[:-1] + "e"
    return word.translate(_ROMAN)


_ROMAN = str.maketrans(
    {
        "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "چ": "ch",
        "ح": "h", "ه": "h", "خ": "kh", "د": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ر": "r",
        "ژ": "zh", "ش": "sh", "غ": "gh", "ق": "gh", "ف": "f", "ک": "k", "گ": "g", "ل": "l", "م": "m",
        "ن": "n", "ی": "i", "ا": "a", "آ": "a", "ع": "", "ء": "", "و": "o", " ": "",
    }
)  # fmt: skip
# What was typed, spelled the way romanize() spells: oo/ou/u → o, ee/y → i.
_PLAIN = re.compile(r"oo|ou|u|ee|y")
_PLAIN_VOWELS = {"oo": "o", "ou": "o", "u": "o", "ee": "i", "y": "i"}
_LATIN_ENDINGS = ("amo", "emo", "esho", "ro", "o", "emun", "etun", "eshun", "am", "et", "esh", "ash", "ha")


class Transliterator:
    """Latin-script words of a (normalised, lower-case) text to Persian words of ``persian``
    (single words, or two words written as one in Finglish: "sabtenam" for «ثبت نام»)."""

    #: Persian words kept per key, most frequent first.
    CANDIDATES = 6

    def __init__(self, persian: Iterable[str], english: Iterable[str]) -> None:
        frequency = Counter(word for word in persian if not _LATIN_WORD.match(word.replace(" ", "")))
        self._by_key: dict[str, list[str]] = {}
        for word, _count in frequency.most_common():
            for key in persian_keys(word.replace(" ", "")):
                words = self._by_key.setdefault(key, [])
                if len(words) < self.CANDIDATES:
                    words.append(word)
        self._keys = [key for key in self._by_key if len(key) >= FUZZY_MIN_LENGTH]
        self._english = frozenset(english)

    def word(self, latin: str, fuzzy: bool = True) -> str | None:
        """The Persian word a Latin word most likely spells (``fuzzy``: allowing a typo), or None."""
        key = latin_key(latin)
        if not key:
            return None
        from rapidfuzz import fuzz, process  # ~2.5 MB, loaded by the first fuzzy match, not at start

        candidates = self._by_key.get(key)
        if candidates is None and fuzzy and len(key) >= FUZZY_MIN_LENGTH:
            found = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            candidates = self._by_key[found[0]] if found is not None else None
        if not candidates:
            return None
        # The closest spelling (مالیات, not the more frequent معلولیت, for "maliat"); on a tie,
        # the most frequent word (candidates are in that order).
        typed = _PLAIN.sub(lambda m: _PLAIN_VOWELS[m.group()], latin)
        return max(candidates, key=lambda word: fuzz.ratio(romanize(word), typed))

    def _stem(self, latin: str, fuzzy: bool = True) -> str | None:
        """The Persian word for a Latin word, or for it without a colloquial ending (kartamo →
        کارت: the object marker -o/-ro, a possessive -am/-et/-esh/-emun...)."""
        forms = [latin] + [
            latin[: -len(ending)]
            for ending in _LATIN_ENDINGS
            if latin.endswith(ending) and len(latin) - len(ending) >= 3
        ]
        for typo in (False, True) if fuzzy else (False,):
            for form in forms:
                found = self.word(form, typo)
                if found is not None:
                    return found
        return None

    def __call__(self, text: str) -> str:
        tokens = text.split()
        latin = [t for t in tokens if _LATIN_WORD.match(t)]
        if not latin:
            return text
        english = sum(t in self._english for t in latin) / len(latin) >= ENGLISH_SHARE
        out = []
        budget = FUZZY_WORDS
        for token in tokens:
            if _LATIN_WORD.match(token) and not (english and token in self._english):
                # In an English question an unknown word is more likely English than a typo of
                # a Persian one: only an exact spelling is transliterated ("charity" stays).
                found = self._stem(token, fuzzy=False)
                if found is None and not english and budget > 0:
                    budget -= 1
                    found = self._stem(token)
                out.append(found or token)
            else:
                out.append(token)
        return " ".join(out)
