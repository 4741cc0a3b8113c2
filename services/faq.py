"""FAQ retrieval over Persian and English questions.

``data/faq.yaml`` (format in ``data/README.md``) holds the entries: a question in fa/en, a few
alternative phrasings and the answer in fa/en. :class:`FaqIndex` indexes every phrasing of every
entry, in both languages, and scores a user's question against them with two TF-IDF models
(:mod:`services.tfidf`):

* character n-grams (2–5, within word boundaries) — tolerant of typos, of missing or extra
  spaces/ZWNJ, and of Persian suffixes (کمکم / کمک‌ها / کمک);
* word unigrams and bigrams after a light colloquial normalisation (میخوام → خواستن,
  چجوری → چطور, رو → را ...) and suffix stripping — rewards the right words in the right order.

Both go through :func:`clean` (invisible characters, regional letter forms, stretched letters)
and :func:`services.persian.normalize_text` first (Arabic letter forms, diacritics, tatweel, digit
scripts, ZWNJ, punctuation); Finglish is transliterated (:mod:`services.finglish`), English words
lightly stemmed, and for the word model a word the FAQ never uses is read as the FAQ word it is a
typo of (rapidfuzz). An entry's score, 0–1, mixes its best phrasing's cosine similarity with its
whole text's (phrasings and answer), each the weighted mean of the two models.

:meth:`FaqIndex.answer` turns scores into a decision with the thresholds below, chosen on the
tuning sets only (``tests/data/faq_paraphrases.yaml`` and ``faq_tuning_2.yaml``; the held-out
bank ``faq_heldout.yaml`` only measures). Rerun ``python -m benchmarks.faq_bench`` after changing
them:

* ``confident`` — best score ≥ ``CONFIDENT`` and ahead of the runner-up by ≥ ``MARGIN``
  (or ≥ ``SURE``): answer directly;
* ``suggest`` — best score ≥ ``SUGGEST``: show the best few as "did you mean…" buttons;
* ``none`` — otherwise (also for empty or emoji-only text): offer "talk to a staff member".
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml

from services.finglish import Transliterator
from services.persian import normalize_text
from services.tfidf import TfidfIndex, char_wb_ngrams

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "faq.yaml"

#: Answer directly when the best score reaches this and leads the runner-up by MARGIN.
CONFIDENT = 0.25
#: ... or without a margin when it reaches this.
SURE = 0.50
MARGIN = 0.10
#: Below this nothing is suggested: the question is treated as unrelated.
SUGGEST = 0.22
#: Share of the question's content words the FAQ knows (see FaqIndex.coverage): below
#: MIN_COVERAGE the answer is "none", below CONFIDENT_COVERAGE at most "suggest".
MIN_COVERAGE = 0.5
CONFIDENT_COVERAGE = 0.7
#: Only the first characters of a (normalised) question are matched; a long message is a story,
#: and its opening says what it is about. Keeps a 4,000-character message fast.
MAX_CHARS = 600

#: A word the FAQ never uses is read as a typo of the FAQ's closest word from this rapidfuzz
#: ratio on (the first TYPO_WORDS words of a question: a long story costs a few look-ups).
TYPO_RATIO = 80
TYPO_WORDS = 12
#: Typo look-ups remembered per index (then forgotten all at once).
TYPO_CACHE = 4096

#: Weight of the character model (the word model gets the rest).
W_CHARS = 0.7
#: Weight of the best single phrasing; the rest goes to the whole entry (phrasings + answer).
W_PHRASING = 0.4

LANGS = ("fa", "en")


class FaqError(ValueError):
    """faq.yaml is invalid; the message names the entry at fault."""


@dataclass(frozen=True, slots=True)
class Text:
    fa: str
    en: str

    def get(self, locale: str = "fa") -> str:
        return self.fa if locale == "fa" else self.en


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    updated: str
    question: Text
    answer: Text
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The main-menu section the answer describes (its button is shown under the answer).
    action: str | None = None

    def phrasings(self) -> list[tuple[str, str]]:
        """(language, text) of the question and every alternative."""
        out = [("fa", self.question.fa), ("en", self.question.en)]
        for lang in LANGS:
            out += [(lang, alt) for alt in self.alternatives.get(lang, ())]
        return out

    def answer_text(self, locale: str, values: Mapping[str, str]) -> str:
        """The answer with its ``{ $name }`` placeholders filled from ``values`` (settings
        formatted for the reader; :meth:`FaqIndex.check` makes sure every name is known)."""
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.answer.get(locale))


#: A setting quoted in an answer, Fluent-style: «حداقل { $min_toman } است».
_PLACEHOLDER = re.compile(r"\{\s*\$([a-z_]+)\s*\}")
_ACTION = re.compile(r"^[a-z_]+$")


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Answer:
    """``best`` is the top match (None for ``none``); ``suggestions`` are the next candidates
    above ``SUGGEST``, best first, without ``best``."""

    kind: Literal["confident", "suggest", "none"]
    best: Match | None
    suggestions: tuple[Match, ...] = ()

    def text(self, locale: str = "fa", values: Mapping[str, str] | None = None) -> str | None:
        """The answer to show when confident (settings it quotes filled from ``values``)."""
        if self.kind != "confident" or self.best is None:
            return None
        return self.best.entry.answer_text(locale, values or {})


# ------------------------------------------------------------------------------------------
# Text preparation

# Colloquial and variant spellings -> one canonical token (applied after normalize_text).
_CANON: dict[str, str] = {}
for _canon, _variants in {
    "خواستن": "میخوام میخواهم میخوایم میخواهیم میخواستم میخوای میخواهی خواستم بخوام بخواهم میخام میخای "
    "میخایم میخوان میخواد میخواین میخواید want wanna",
    "چطور": "چجوری چطوری چگونه چطور چجور چطوره چه‌جوری how",
    "چیست": "چیه چیست چی چیا چیاست what",
    "کجا": "کجاس کجاست کجا کجاهاست where",
    "چرا": "چرا why",
    "کسانی": "کسانی کسایی",
    "چقدر": "چقدر چقد چقدره چنده",
    "میشود": "میشه میشود میتوان میتونم میتونیم میتوانم میتوانیم میتونه میتونن میتونی میتونید",
    "را": "رو را",
    "یک": "یه یک",
    "بات": "ربات بات روبات bot robot",
    "تومان": "تومن تومان",
    "جهیزیه": "جهیزیه جهزیه جهازیه جهیزه جهیزیع dowry",
    "کمک": "کمک کومک",
    "است": "هست است س",
    "نیست": "نیس نیست",
    "دادن": "بدم بدهم بدیم بدهیم بدین بدید میدن میدین میدید میدهند میدهید میدهد بدن بدهند دادند",
    "گرفتن": "بگیرم بگیریم بگیرند میگیرم میگیریم میگیرند گرفتم گرفت بگیره بگیرن میگیره میگیرن دریافت "
    "میگیرید میگیرین بگیرید بگیرین بگیری میگیری گرفتیم get gets getting receive",
    "شدن": "شد شده شود شدم شدیم میشم میشیم میشن بشن",
    "کردن": "کنم بکنم کنیم بکنیم کردم کرده کردیم کردین کردید میکنم میکنیم میکنید میکنین میکنه میکنن کنه کنن",
    "شکایت": "شکایت شکایات شکایتم اعتراض ناراضی ناراضیم complaint complain",
    # domain synonyms: one token per idea, so different words for it still match
    "پیگیری": "پیگیری رهگیری پیگیر tracking track",
    "نقدی": "نقدی نقد پولی cash",
    "غیرنقدی": "غیرنقدی جنسی کالا کالایی",
    "یتیم": "یتیم یتیمها ایتام یتیمان orphan orphans",
    "معلولیت": "معلولیت معلول معلولین معلولان disability disabled",
    "روانشناس": "روانشناس روانشناسم روانپزشک psychologist",
    "پزشک": "پزشک پزشکم دکتر doctor",
    "حذف": "حذف پاک پاکش delete remove",
    "اعلان": "اعلان اعلانها اعلانا notification notifications",
    "ماهانه": "ماهانه ماهیانه monthly",
    "داوطلب": "داوطلب داوطلبی داوطلبانه داوطلبا داوطلبان volunteer volunteering",
    "پویش": "پویش پویشها کمپین کمپینها campaign campaigns",
    "رسید": "رسید فیش receipt",
    "اهدا": "اهدا اهدای هدیه donate donation",
    "نام": "نام اسم اسمم نامم name",
    "شرایط": "شرایط شرایطش شرط شرطها شرطهای شروط conditions condition requirements",
    "ازدواج": "ازدواج married marriage marry wedding",
    "مدارک": "مدارک مدرک مدارکی papers documents document",
    "نیازمند": "نیازمند نیازمندان فقیر poor needy",
    "پرداخت": "پرداخت pay payment paying",
    "ویلچر": "ویلچر ویلچری wheelchair",
}.items():
    for _variant in _variants.split():
        _CANON[_variant] = _canon

# Everyday words people type in Finglish that the FAQ's own texts may not contain: candidates
# for transliteration (services.finglish), besides every word of the FAQ and of _CANON.
_COLLOQUIAL = (
    "چطوری چجوری چیه چیا کجاست کو چرا چقدر چند میخوام میخام میخوای بگیرم بدم کنم بکنم نشد "
    "نشده نمیشه ندارم نداریم نیومد نیومده نرسید نرسیده گم کردم کردم پاک میشه میتونم باید هست "
    "هستید هستین نیست دارم داریم دارید من ما شما تو رو یه برای واسه با به از در که و یا ولی اگه "
    "الان هنوز کمک پول شد شده رفت اومد نیومد بفرستم بفرستید مال خودم خودمون شهرمون چطوریه "
    "میخوان میخواد میخواین میخوایم میدن میده میدین بدن بده بدین بگیره بگیرن میگیره میگیرن بشه "
    "بشم بشیم نمیخوام نمیخام نمیشه نمیدن نیست نیستم نیستیم هستن ماه سال هفته روز پیامک پیام "
    "گوشی شماره زنگ تماس اینجا اونجا کجاس چیکار چیکاره خوبه بده لطفا ممنون مرسی بگید بگین"
).split()

# Function words, question words and generic verbs: they say how something is asked, not what
# about, and would otherwise make every "how do I ...?" look alike. Removed before both models.
_STOP = set(
    "و به از در که را با این آن اون یک برای هم من ما شما تا اگر یا هر اما ولی باید است نیست "
    "کی چه چند ایا ام ایم اید میشود خواستن کردن دادن شدن بشم بشه کنید "
    "داره دارم دارید دارین داریم هستم هستین هستید هستن بدین بدید لطفا سلام ممنون "
    "the a an to of is are am i my me do does can could for and in on it be or at with "
    "which will would should this that there here please we us our you your just like d s t ll ve re m"
    .split()
)  # fmt: skip
_PLURAL = re.compile(r"(\S) (ها|های|هایی|هایم|هایت|هایش|هامون|هاتون|هاشون)(?=\s|$)")
_PREFIX = re.compile(r"(?:^|(?<=\s))(ن?می) (?=\S)")
_SUFFIXES = ("هایی", "های", "ها", "مان", "تان", "شان", "مون", "تون", "شون", "ام", "ات", "اش")


# Letters people confuse because they sound alike (ض/ذ/ظ/ز, ث/ص/س, ح/ه, ط/ت, ق/غ): one letter
# each, on both sides of the comparison, so «جهیضیه» is «جهیزیه».
_SOUND_ALIKE = str.maketrans("ضذظثصحطق", "زززسسهتغ")
# «به کجا رسید(ه)؟» asks how far something has got — not about a receipt («رسید»).
_HOW_FAR = re.compile(r"(?:(?<=\s)|^)(?:به )?کجا رسید(?:ه)?(?=\s|$)")
# «به کی» asks to whom (the people a rule covers), not «کی» when.
_TO_WHOM = re.compile(r"(?:(?<=\s)|^)به کی(?=\s|$)")


# What services.persian.normalize_text leaves as it is: invisible format characters inside a word
# (which its punctuation rule would turn into a space, splitting the word) ...
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200d\u200e\u200f\u00ad\ufeff\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")
)
# ... the he/kaf/yeh of Urdu, Kurdish and Pashto keyboards, and the hamza above a final he (خانهٔ).
_LETTER_FORMS = str.maketrans(
    {"ھ": "ه", "ہ": "ه", "ە": "ه", "ۂ": "ه", "ڪ": "ک", "ګ": "ک", "ۍ": "ی", "ێ": "ی", "ې": "ی", "\u0654": None}
)
# A letter typed three times or more is typed once: «سلاااام», «کمکککک», "pleeease".
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def clean(text: str) -> str:
    """Invisible characters dropped, regional letter forms made Persian, stretched letters
    shortened: what people type that normalize_text does not undo."""
    return _STRETCHED.sub(r"\1", text.translate(_INVISIBLE).translate(_LETTER_FORMS))


def _drop_object_marker(token: str) -> str:
    """The colloquial object marker «و» (for «را») glued to a possessive: رسیدمو, کدمو, پولشو."""
    return token[:-1] if len(token) >= 4 and token[-1] == "و" and token[-2] in "مشت" else token


def prepare(text: str, transliterate: Callable[[str], str] | None = None) -> str:
    """normalize_text plus: Latin-script Persian transliterated (when given a transliterator),
    آ→ا, «می »/« ها» joined to their word, a glued object marker dropped, colloquial forms
    mapped, function and question words dropped, sound-alike letters folded. The text both
    models see."""
    text = normalize_text(clean(text[: MAX_CHARS * 2]))[:MAX_CHARS]
    if transliterate is not None:
        text = transliterate(text)
    text = _HOW_FAR.sub("وضعیت", text.replace("آ", "ا").replace("ء", ""))
    text = _TO_WHOM.sub("کسانی", text)
    text = _PREFIX.sub(r"\1", text)
    text = _PLURAL.sub(r"\1\2", text)
    tokens = (_CANON.get(token, token) for token in text.split())
    tokens = (_CANON.get(t, t) for t in (_drop_object_marker(t) for t in tokens if t not in _STOP))
    return " ".join(t for t in tokens if t not in _STOP).translate(_SOUND_ALIKE)


def _stem(token: str) -> str:
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    if len(token) >= 5 and token[-1] in "یمتش" and not token.isascii():
        return token[:-1]
    if token.isascii():
        return _english_stem(token)
    # The colloquial plural: دستورا, دستورای, پویشا.
    if len(token) >= 6 and token.endswith("ای"):
        return token[:-2]
    if len(token) >= 5 and token.endswith("ا"):
        return token[:-1]
    return token


def _english_stem(token: str) -> str:
    """A light English stemmer: -ies/-es/-s, -ing, -ed and -ly cut (both sides of the comparison
    get it, so stems need only agree: "receipts" and "receipt", "donating" and "donated")."""
    for suffix, keep in (("ies", 3), ("ing", 4), ("ed", 4), ("es", 4), ("s", 4), ("ly", 4)):
        if token.endswith(suffix) and len(token) - len(suffix) >= keep and not token.endswith("ss"):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def _words(text: str) -> list[str]:
    stems = [_stem(t) for t in text.split()]
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


# ------------------------------------------------------------------------------------------
# Loading


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, Mapping):
        raise FaqError(f"{where}: expected 'fa' and 'en' texts")
    for lang in LANGS:
        if not isinstance(raw.get(lang), str) or not raw[lang].strip():
            raise FaqError(f"{where}: missing the '{lang}' text")
    return Text(" ".join(raw["fa"].split()), " ".join(raw["en"].split()))


def _action(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not _ACTION.match(raw):
        raise FaqError(f"{where}: 'action' must be the name of a main-menu section, like donate")
    return raw


def parse_topics(raw: Any) -> dict[str, Text]:
    """faq.yaml's ``topics``: key → names in fa/en."""
    if raw is not None and not isinstance(raw, Mapping):
        raise FaqError("'topics' must map each topic's key to its fa/en names")
    return {str(k): _text(v, f"topic '{k}'") for k, v in (raw or {}).items()}


def parse_entries(raw: Any) -> tuple[dict[str, Text], list[Entry]]:
    """Validate a loaded faq.yaml; returns (topics, entries)."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("entries"), list):
        raise FaqError("faq file needs 'topics' and a list of 'entries'")
    topics = parse_topics(raw.get("topics"))
    entries: list[Entry] = []
    seen: set[str] = set()
    for n, item in enumerate(raw["entries"]):
        if not isinstance(item, Mapping) or not item.get("id"):
            raise FaqError(f"entry #{n + 1}: needs an 'id'")
        eid = str(item["id"])
        where = f"entry '{eid}'"
        if eid in seen:
            raise FaqError(f"{where}: id is repeated")
        seen.add(eid)
        topic = str(item.get("topic", ""))
        if topic not in topics:
            raise FaqError(f"{where}: unknown topic '{topic}'")
        updated = item.get("updated")
        if isinstance(updated, str):
            try:
                updated = dt.date.fromisoformat(updated)
            except ValueError:
                updated = None
        if not isinstance(updated, dt.date):
            raise FaqError(f"{where}: 'updated' must be a date like 2026-11-30")
        alternatives: dict[str, tuple[str, ...]] = {}
        raw_alts = item.get("alternatives") or {}
        if not isinstance(raw_alts, Mapping) or set(raw_alts) - set(LANGS):
            raise FaqError(f"{where}: 'alternatives' must map 'fa'/'en' to lists of questions")
        for lang, alts in raw_alts.items():
            if not isinstance(alts, list) or not all(isinstance(a, str) and a.strip() for a in alts):
                raise FaqError(f"{where}: alternatives.{lang} must be a list of non-empty questions")
            alternatives[lang] = tuple(alts)
        entries.append(
            Entry(
                id=eid,
                topic=topic,
                updated=updated.isoformat(),
                question=_text(item.get("question"), f"{where}, question"),
                answer=_text(item.get("answer"), f"{where}, answer"),
                alternatives=alternatives,
                action=_action(item.get("action"), where),
            )
        )
    if not entries:
        raise FaqError("faq file has no entries")
    return topics, entries


def check_entries(entries: Sequence[Entry], *, actions: Collection[str], variables: Collection[str]) -> None:
    """Raise FaqError if an entry's action is not one of ``actions`` (the menu's sections) or
    its answer quotes a setting not in ``variables``, or a question quotes one at all."""
    for entry in entries:
        if entry.action is not None and entry.action not in actions:
            raise FaqError(
                f"entry '{entry.id}': unknown action '{entry.action}' (one of: {', '.join(sorted(actions))})"
            )
        for locale in LANGS:
            unknown = placeholders(entry.answer.get(locale)) - set(variables)
            if unknown:
                raise FaqError(
                    f"entry '{entry.id}': the {locale} answer quotes unknown settings "
                    f"{', '.join(sorted(unknown))} (known: {', '.join(sorted(variables))})"
                )
        if any(placeholders(text) for _, text in entry.phrasings()):
            raise FaqError(f"entry '{entry.id}': a question cannot quote a setting")


def entry_to_raw(entry: Entry) -> dict[str, Any]:
    """An entry as it is written in faq.yaml (parse_entries reads it back)."""
    raw: dict[str, Any] = {
        "id": entry.id,
        "topic": entry.topic,
        "updated": entry.updated,
        "question": {"fa": entry.question.fa, "en": entry.question.en},
    }
    alternatives = {lang: list(entry.alternatives[lang]) for lang in LANGS if entry.alternatives.get(lang)}
    if alternatives:
        raw["alternatives"] = alternatives
    raw["answer"] = {"fa": entry.answer.fa, "en": entry.answer.en}
    if entry.action is not None:
        raw["action"] = entry.action
    return raw


# ------------------------------------------------------------------------------------------
# The index


class FaqIndex:
    def __init__(self, entries: Sequence[Entry], topics: Mapping[str, Text] | None = None) -> None:
        self.entries = list(entries)
        self.topics = dict(topics or {})
        self._by_id = {e.id: e for e in self.entries}
        rows: list[str] = []
        owners: list[int] = []
        for index, entry in enumerate(self.entries):
            for _lang, phrasing in entry.phrasings():
                rows.append(prepare(phrasing))
                owners.append(index)
        # One more row per entry: all its phrasings and its answer, a weaker but wider signal.
        docs = [
            " ".join(
                [
                    *(prepare(p) for _, p in e.phrasings()),
                    *(prepare(_PLACEHOLDER.sub(" ", a)) for a in (e.answer.fa, e.answer.en)),
                ]
            )
            for e in self.entries
        ]
        # Rows are grouped by entry: entry n's are rows [_starts[n], _starts[n + 1]).
        self._starts = [0] + [n for n in range(1, len(owners)) if owners[n] != owners[n - 1]] + [len(owners)]
        self._rows = len(rows)
        self._chars = TfidfIndex(rows + docs, char_wb_ngrams)
        self._words = TfidfIndex(rows + docs, _words)
        self._vocabulary = sorted(t for t in self._words.vocabulary if " " not in t)
        self._known = set(self._vocabulary)
        self._typos: dict[str, str | None] = {}
        texts = [t for e in self.entries for _, t in e.phrasings()] + [
            a for e in self.entries for a in (e.answer.fa, e.answer.en)
        ]
        split = [_PLURAL.sub(r"\1\2", _PREFIX.sub(r"\1", normalize_text(t))).split() for t in texts]
        words = [w for ws in split for w in ws]
        pairs = [
            f"{a} {b}"
            for ws in split
            for a, b in pairwise(ws)
            if a not in _STOP and b not in _STOP and len(a) > 1 < len(b)
        ]
        self._transliterate = Transliterator(
            persian=[*words, *_CANON, *_CANON.values(), *_STOP, *_COLLOQUIAL, *pairs],
            english=[w for w in words if w.isascii()] + [w for w in _STOP if w.isascii()],
        )

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> FaqIndex:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise FaqError(f"{path}: not valid YAML: {exc}") from exc
        topics, entries = parse_entries(raw)
        return cls(entries, topics)

    def check(self, *, actions: Collection[str], variables: Collection[str]) -> None:
        """:func:`check_entries` on this index's entries."""
        check_entries(self.entries, actions=actions, variables=variables)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def prepare(self, text: str) -> str:
        """:func:`prepare` with this FAQ's transliterator for Finglish."""
        return prepare(text, self._transliterate)

    def scores(self, text: str) -> list[float]:
        """Every entry's score (0–1) for a question, in entry order."""
        return self._scores(self.prepare(text))

    def _scores(self, prepared: str) -> list[float]:
        if not prepared:
            return [0.0] * len(self.entries)
        if self._chars.uses_numpy:  # a large FAQ: numpy all the way (the same floats, faster)
            return self._scores_numpy(prepared)
        chars = self._chars.similarities(prepared)
        words = self._words.similarities(self._spelled(prepared))
        both = [W_CHARS * c + (1 - W_CHARS) * w for c, w in zip(chars, words, strict=True)]
        starts, docs = self._starts, self._rows
        return [
            W_PHRASING * max(both[starts[n] : starts[n + 1]]) + (1 - W_PHRASING) * both[docs + n]
            for n in range(len(self.entries))
        ]

    def _scores_numpy(self, prepared: str) -> list[float]:
        import numpy as np

        both = W_CHARS * self._chars.similarity_array(prepared) + (
            1 - W_CHARS
        ) * self._words.similarity_array(self._spelled(prepared))
        per_row, per_doc = both[: self._rows], both[self._rows :]
        best_row = np.maximum.reduceat(per_row, self._starts[:-1])
        result: list[float] = (W_PHRASING * best_row + (1 - W_PHRASING) * per_doc).tolist()
        return result

    def search(self, text: str, locale: str = "fa", limit: int = 3) -> list[Match]:
        """The best ``limit`` entries for a question, best first (scores may be low: see
        :meth:`answer` for the decision). ``locale`` does not filter: a question typed in
        English finds an entry in a Persian chat too; the caller shows ``entry.answer.get(locale)``."""
        del locale  # both languages are indexed for every entry
        return self._search(self.prepare(text), limit)

    def _search(self, prepared: str, limit: int) -> list[Match]:
        scores = self._scores(prepared)
        if not any(scores):
            return []
        top = heapq.nlargest(limit, range(len(scores)), key=scores.__getitem__)  # ties: entry order
        return [Match(self.entries[i], round(scores[i], 4)) for i in top if scores[i] > 0]

    def _spelled(self, prepared: str) -> str:
        """Words the FAQ never uses replaced by the FAQ's word they are a typo of, for the word
        model: «شناسنامع» is «شناسنامه» (see :meth:`_typo_of`)."""
        words = prepared.split()
        for n, word in enumerate(words[:TYPO_WORDS]):
            found = self._typo_of(_stem(word))
            if found is not None:
                words[n] = found
        return " ".join(words)

    def _typo_of(self, stem: str) -> str | None:
        """The FAQ's word (stem) closest to an unknown one of four letters or more, at rapidfuzz
        ratio ≥ TYPO_RATIO; None for a known, short or unlike word. Remembered per index."""
        if stem in self._known or len(stem) < 4:
            return None
        if stem not in self._typos:
            from rapidfuzz import fuzz, process  # ~2.5 MB, loaded by the first fuzzy match, not at start

            if len(self._typos) >= TYPO_CACHE:
                self._typos.clear()
            found = process.extractOne(stem, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO)
            self._typos[stem] = found[0] if found is not None else None
        return self._typos[stem]

    def coverage(self, text: str) -> float:
        """Share of the question's content words (0–1) that the FAQ uses somewhere, allowing a
        typo (:meth:`_typo_of`). A question made mostly
        of words the FAQ never uses («دستور پخت قورمه سبزی») is about something else, however
        well one of its words matches."""
        return self._coverage(self.prepare(text))

    def _coverage(self, prepared: str) -> float:
        words = [_stem(t) for t in prepared.split()]
        if not words:
            return 0.0
        known = sum(word in self._known or self._typo_of(word) is not None for word in words)
        return known / len(words)

    def answer(self, text: str, locale: str = "fa", limit: int = 3) -> Answer:
        """Decide between answering, suggesting and handing over (thresholds: module docstring)."""
        del locale  # see search()
        prepared = self.prepare(text)
        matches = self._search(prepared, limit=max(limit, 2))
        if not matches or matches[0].score < SUGGEST:
            return Answer("none", None)
        coverage = self._coverage(prepared)
        if coverage < MIN_COVERAGE:
            return Answer("none", None)
        best, rest = matches[0], matches[1:]
        runner_up = rest[0].score if rest else 0.0
        suggestions = tuple(m for m in rest[: limit - 1] if m.score >= SUGGEST)
        sure = best.score >= SURE or (best.score >= CONFIDENT and best.score - runner_up >= MARGIN)
        if sure and coverage >= CONFIDENT_COVERAGE:
            return Answer("confident", best, suggestions)
        return Answer("suggest", best, suggestions)
