import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from services import faq
from services.faq import FaqError, FaqIndex, prepare
from services.persian import normalize_text

DATA = Path(__file__).resolve().parents[1] / "data"
#: The tuning sets (thresholds and phrasings are chosen on them) and the held-out bank (never tuned on).
_TUNING_1: dict[str, Any] = yaml.safe_load((DATA / "faq_paraphrases.yaml").read_text(encoding="utf-8"))
_TUNING_2: dict[str, Any] = yaml.safe_load((DATA / "faq_tuning_2.yaml").read_text(encoding="utf-8"))
TUNING: dict[str, Any] = {
    "cases": [*_TUNING_1["cases"], *_TUNING_2["cases"]],
    "unrelated": [*_TUNING_1["unrelated"], *_TUNING_2["unrelated"]],
}
HELDOUT: dict[str, Any] = yaml.safe_load((DATA / "faq_heldout.yaml").read_text(encoding="utf-8"))
RAW: dict[str, Any] = yaml.safe_load(faq.DEFAULT_PATH.read_text(encoding="utf-8"))

#: What the suite guarantees (measured: see the printed figures / benchmarks.faq_bench).
MIN_ACCURACY_ALL = 0.85
MIN_ACCURACY_HELDOUT = 0.90
#: Share of confident answers that must be right.
MIN_PRECISION_TUNING = 0.98
MIN_PRECISION_TUNING_2 = 0.98
MIN_PRECISION_HELDOUT = 0.97


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex.load()


def test_faq_file_has_enough_real_entries(index: FaqIndex) -> None:
    assert len(index.entries) >= 45
    topics = {e.topic for e in index.entries}
    assert {
        "dowry",
        "donate",
        "receipts",
        "complaints",
        "campaigns",
        "volunteer",
        "status",
        "privacy",
        "bot",
    } <= topics
    for entry in index.entries:
        assert entry.question.fa and entry.question.en and entry.answer.fa and entry.answer.en
        assert entry.alternatives.get("fa"), entry.id
        assert "2026-11-30" <= entry.updated <= "2026-12-03", entry.id
    volunteer = " ".join(e.answer.fa for e in index.entries if e.topic == "volunteer")
    for area in ("سلامت", "توانمندسازی", "فرهنگی", "عمرانی", "فوق‌برنامه"):
        assert area in volunteer


def test_paraphrases_are_not_copies_of_the_faq(index: FaqIndex) -> None:
    assert len(TUNING["cases"]) >= 150 and len(HELDOUT["cases"]) >= 150
    # A question in Persian letters is a copy when it prepares to a phrasing's text; one in
    # Finglish only when it is a phrasing as typed (that it transliterates into one is the point).
    known = {prepare(p) for e in index.entries for _, p in e.phrasings()}
    known_raw = {normalize_text(p) for e in index.entries for _, p in e.phrasings()}
    tuning = {prepare(c["q"]) for c in TUNING["cases"]}
    for case in [*TUNING["cases"], *HELDOUT["cases"]]:
        assert index.get(case["id"]) is not None, case
        assert prepare(case["q"]) not in known, f"copied from faq.yaml: {case['q']}"
        assert normalize_text(case["q"]) not in known_raw, f"copied from faq.yaml: {case['q']}"
    for case in HELDOUT["cases"]:
        assert prepare(case["q"]) not in tuning, f"held-out question also in the tuning set: {case['q']}"
    assert {c["id"] for c in HELDOUT["cases"]} == {e.id for e in index.entries}, "every entry is held out"


def _accuracy(index: FaqIndex, cases: list[dict[str, str]]) -> float:
    hits = sum(1 for c in cases if (m := index.search(c["q"], "fa", limit=1)) and m[0].entry.id == c["id"])
    return hits / len(cases)


def test_top1_accuracy(index: FaqIndex) -> None:
    tuned = _accuracy(index, TUNING["cases"])
    heldout = _accuracy(index, HELDOUT["cases"])
    every = _accuracy(index, [*TUNING["cases"], *HELDOUT["cases"]])
    print(f"\nFAQ top-1: tuning set {tuned:.1%} ({len(TUNING['cases'])}), held out {heldout:.1%} "
          f"({len(HELDOUT['cases'])}), all {every:.1%}")  # fmt: skip
    assert every >= MIN_ACCURACY_ALL
    assert heldout >= MIN_ACCURACY_HELDOUT


def _confident(index: FaqIndex, cases: list[dict[str, str]]) -> tuple[int, int]:
    confident = wrong = 0
    for case in cases:
        answer = index.answer(case["q"], "fa")
        if answer.kind == "confident":
            confident += 1
            wrong += answer.best is None or answer.best.entry.id != case["id"]
    return confident, wrong


def test_confident_answers_are_mostly_right(index: FaqIndex) -> None:
    tuning, tuning_wrong = _confident(index, _TUNING_1["cases"])
    tuning_2, tuning_2_wrong = _confident(index, _TUNING_2["cases"])
    heldout, heldout_wrong = _confident(index, HELDOUT["cases"])
    print(
        f"\nconfident answers: tuning {tuning} ({tuning_wrong} wrong), tuning 2 {tuning_2} ({tuning_2_wrong} wrong), "
        f"held out {heldout} ({heldout_wrong} wrong)"
    )
    confident, wrong = tuning + tuning_2 + heldout, tuning_wrong + tuning_2_wrong + heldout_wrong
    assert confident >= 100 and wrong / confident <= 0.06
    assert 1 - tuning_wrong / tuning >= MIN_PRECISION_TUNING
    assert 1 - tuning_2_wrong / tuning_2 >= MIN_PRECISION_TUNING_2
    assert 1 - heldout_wrong / heldout >= MIN_PRECISION_HELDOUT


def test_unrelated_questions_get_none(index: FaqIndex) -> None:
    for text in _TUNING_1["unrelated"]:
        answer = index.answer(text, "fa")
        assert answer.kind == "none", (text, answer.best)
        assert answer.best is None and answer.suggestions == () and answer.text() is None
    for unrelated in (_TUNING_2["unrelated"], HELDOUT["unrelated"]):
        kinds = [index.answer(t, "fa").kind for t in unrelated]
        print(f"\nunrelated questions answered 'none': {kinds.count('none')}/{len(kinds)}")
        assert "confident" not in kinds
        assert kinds.count("none") / len(kinds) >= 0.7


@pytest.mark.parametrize("text", ["", "   ", "😀", "🙏🙏🙏", "؟؟؟", "...", "\u200c\u200c", "ـــ"])
def test_empty_or_emoji_only_is_none(index: FaqIndex, text: str) -> None:
    assert index.answer(text, "fa").kind == "none"
    assert index.search(text, "en") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("شرایط جهیزیه چیست؟", "dowry_who"),
        ("شرايط جهيزيه چيست", "dowry_who"),  # Arabic yeh
        ("شرایطِ جهیزیه چیست", "dowry_who"),  # kasra
        ("شرایـــط جهیـزیه چیست", "dowry_who"),  # tatweel
        ("شرایط‌جهیزیه‌چیست", "dowry_who"),  # ZWNJ instead of spaces
        ("شرطهای جهیزیه", "dowry_who"),
        ("با ۵۰ هزار تومن میشه کمک کرد", "donate_amount"),
        ("با ٥٠ هزار تومن میشه کمک کرد", "donate_amount"),
        ("با 50 هزار تومن میشه کمک کرد", "donate_amount"),
        ("Dowry kit eligibility?", "dowry_who"),
    ],
)
def test_normalisation_variants(index: FaqIndex, text: str, expected: str) -> None:
    assert index.search(text, "fa", limit=1)[0].entry.id == expected


def test_answer_shapes(index: FaqIndex) -> None:
    confident = index.answer("بعد از پرداخت رسید میدن؟", "fa")
    assert confident.kind == "confident" and confident.best is not None
    assert confident.text("fa") == confident.best.entry.answer.fa
    assert confident.text("en") == confident.best.entry.answer.en
    assert all(m.score >= faq.SUGGEST for m in confident.suggestions)
    assert confident.best.entry.id not in {m.entry.id for m in confident.suggestions}
    matches = index.search("کمک", "fa", limit=5)
    assert len(matches) == 5 and matches == sorted(matches, key=lambda m: -m.score)
    assert all(0 <= m.score <= 1 for m in matches)


def test_get(index: FaqIndex) -> None:
    entry = index.get("dowry_who")
    assert entry is not None and entry.topic == "dowry"
    assert index.get("no_such_entry") is None
    assert index.topics["dowry"].fa == "جهیزیه"


def test_long_question_is_fast(index: FaqIndex) -> None:
    long = ("سلام وقت بخیر من و همسرم تازه ازدواج کردیم و شرایط مالی خوبی نداریم " * 60)[:4000]
    assert len(long) == 4000
    index.answer(long, "fa")  # warm up
    started = time.perf_counter()
    for _ in range(5):
        index.answer(long, "fa")
    assert (time.perf_counter() - started) / 5 < 0.25


def test_no_official_figures_invented(index: FaqIndex) -> None:
    # Answers quote only numbers that are public (the 1480 and 123 lines, 110/115) and an
    # example of how to type an amount; no official amounts, deadlines or counts.
    for entry in index.entries:
        for text in (entry.answer.fa, entry.answer.en):
            assert "ریال" not in text or entry.id in {"donate_toman_rial", "donate_payment_methods"}
            digits = [c for c in text.replace("CVV2", "") if c.isdigit()]
            if digits:
                assert entry.id in {"contact_counselling", "contact_emergency", "donate_toman_rial"}, entry.id


# --- validation


def _broken(mutate: Any) -> dict[str, Any]:
    import copy

    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["entries"].append(dict(r["entries"][0])), r"entry 'bot_what': id is repeated"),
        (lambda r: r["entries"][1]["answer"].pop("en"), r"entry 'bot_language', answer: missing the 'en'"),
        (lambda r: r["entries"][2].update(topic="weather"), r"entry 'bot_commands': unknown topic 'weather'"),
        (
            lambda r: r["entries"][3].update(updated="yesterday"),
            r"entry 'bot_bale_telegram': 'updated' must be",
        ),
        (lambda r: r["entries"][4]["alternatives"].update(de=["x"]), r"entry 'bot_human': 'alternatives'"),
        (lambda r: r["entries"][4]["alternatives"].update(fa=[""]), r"entry 'bot_human': alternatives.fa"),
        (lambda r: r["entries"][0].pop("id"), r"entry #1: needs an 'id'"),
        (lambda r: r.update(entries=[]), r"no entries"),
    ],
)
def test_validation(mutate: Any, message: str) -> None:
    _topics, entries = faq.parse_entries(RAW)
    assert entries
    with pytest.raises(FaqError, match=message):
        faq.parse_entries(_broken(mutate))


def test_load_reports_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(FaqError, match="not valid YAML"):
        FaqIndex.load(path)
