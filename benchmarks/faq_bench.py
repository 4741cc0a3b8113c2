"""FAQ retrieval benchmark: latency and top-1 accuracy with a 1,000-entry FAQ.

Run from the repository root:  python -m benchmarks.faq_bench   (not a timed test)

The FAQ is the real data/faq.yaml plus synthetic entries built from templates, names of counties
and everyday words, so that the index has the size and the kind of near-miss vocabulary a large
FAQ would have. Accuracy is measured on tests/data/faq_paraphrases.yaml (every paraphrase names a
real entry, so synthetic entries can only hurt).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from services import faq
from services.faq import Entry, FaqIndex, Text
from services.regions import default_regions

ROOT = Path(__file__).resolve().parent.parent
PARAPHRASES = ROOT / "tests" / "data" / "faq_paraphrases.yaml"
SIZE = 1000

SUBJECTS = [
    ("کلاس آموزش خیاطی", "sewing class"),
    ("مرکز مشاوره", "counselling centre"),
    ("کمک‌هزینه تحصیلی", "education grant"),
    ("وام اشتغال", "employment loan"),
    ("پنل خورشیدی", "solar panel"),
    ("مسکن مددجویان", "client housing"),
    ("مهدکودک", "kindergarten"),
    ("سالمندان", "elderly care"),
    ("توانبخشی", "rehabilitation"),
    ("بیمه", "insurance"),
    ("سمعک", "hearing aid"),
    ("ویلچر", "wheelchair"),
    ("کارگاه اشتغال", "employment workshop"),
    ("مستمری", "pension"),
    ("چرخ خیاطی", "sewing machine"),
    ("اردوی تابستانی", "summer camp"),
]
ACTIONS = [
    ("ثبت‌نام کنم", "register"),
    ("مدارک لازم چیست", "which documents are needed"),
    ("زمان شروع کی است", "when does it start"),
    ("هزینه دارد", "does it cost anything"),
    ("نوبت بگیرم", "book an appointment"),
    ("شرایط پذیرش چیست", "what are the admission conditions"),
]


def synthetic_entries(count: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    counties = default_regions().all_counties()
    entries = []
    for n in range(count):
        (s_fa, s_en), (a_fa, a_en) = rng.choice(SUBJECTS), rng.choice(ACTIONS)
        county = rng.choice(counties)
        question = Text(
            f"برای {s_fa} در {county.name_fa} چطور {a_fa}؟",
            f"{s_en} in {county.name_en}: {a_en}?",
        )
        alternatives = {
            "fa": (f"{s_fa} {county.name_fa} {a_fa}", f"سؤال درباره {s_fa} در شهرستان {county.name_fa}"),
            "en": (f"{s_en} {county.name_en}",),
        }
        answer = Text(
            f"برای {s_fa} در {county.name_fa} با اداره بهزیستی همان شهرستان تماس بگیرید.",
            f"For {s_en} in {county.name_en}, contact that county's Welfare office.",
        )
        entries.append(Entry(f"synthetic_{n:04d}", "synthetic", "2026-11-30", question, answer, alternatives))
    return entries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def top1(index: FaqIndex, cases: list[dict[str, str]]) -> float:
    hits = 0
    for case in cases:
        matches = index.search(case["q"], "fa", limit=1)
        hits += bool(matches) and matches[0].entry.id == case["id"]
    return hits / len(cases)


@dataclass
class FaqFigures:
    entries: int
    build_ms: float
    p50_ms: float
    p95_ms: float
    long_p95_ms: float  # a 4,000-character question
    accuracy_real: float  # top-1 over tuning and held-out paraphrases, the real FAQ
    accuracy_big: float  # the same with the synthetic entries added
    unrelated_none: float  # share of unrelated questions answered "none"


def measure(size: int = SIZE, report: bool = False) -> FaqFigures:
    """The figures with a `size`-entry FAQ; with `report`, printed as they come."""
    data = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    cases, holdout = data["cases"], data["holdout"]
    real = FaqIndex.load()
    entries = real.entries + synthetic_entries(max(size - len(real.entries), 0))

    started = time.perf_counter()
    big = FaqIndex(entries, {**real.topics, "synthetic": Text("نمونه", "synthetic")})
    build = time.perf_counter() - started

    questions = [c["q"] for c in [*cases, *holdout]] + data["unrelated"]
    big.answer(questions[0])  # warm up
    timings = []
    for _ in range(3):
        for question in questions:
            t = time.perf_counter()
            big.answer(question, "fa")
            timings.append((time.perf_counter() - t) * 1000)
    long = ("سلام، من و همسرم تازه ازدواج کرده‌ایم و درباره جهیزیه سؤال داریم. " * 80)[:4000]
    long_timings = []
    for _ in range(20):
        t = time.perf_counter()
        big.answer(long, "fa")
        long_timings.append((time.perf_counter() - t) * 1000)

    kinds = [big.answer(q, "fa").kind for q in data["unrelated"] + data["unrelated_holdout"]]
    figures = FaqFigures(
        entries=len(entries),
        build_ms=build * 1000,
        p50_ms=statistics.median(timings),
        p95_ms=percentile(timings, 0.95),
        long_p95_ms=percentile(long_timings, 0.95),
        accuracy_real=top1(real, [*cases, *holdout]),
        accuracy_big=top1(big, [*cases, *holdout]),
        unrelated_none=kinds.count("none") / len(kinds),
    )
    if not report:
        return figures
    synthetic = len(entries) - len(real.entries)
    print(f"FAQ entries: {len(entries)} ({len(real.entries)} real + {synthetic} synthetic)")
    print(f"index build: {build * 1000:.0f} ms")
    print(
        f"answer() latency over {len(timings)} questions: p50 {statistics.median(timings):.2f} ms, "
        f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms"
    )
    print(
        f"4,000-character question: p50 {statistics.median(long_timings):.2f} ms, "
        f"p95 {percentile(long_timings, 0.95):.2f} ms"
    )
    for name, index in (("real FAQ", real), (f"{len(entries)}-entry FAQ", big)):
        print(
            f"top-1 accuracy, {name}: tuning set {top1(index, cases):.1%} ({len(cases)}), "
            f"held out {top1(index, holdout):.1%} ({len(holdout)}), "
            f"all {top1(index, [*cases, *holdout]):.1%} ({len(cases) + len(holdout)})"
        )
    print(f"unrelated questions answered 'none' ({len(entries)} entries): {kinds.count('none')}/{len(kinds)}")
    print(
        f"thresholds: CONFIDENT {faq.CONFIDENT}, MARGIN {faq.MARGIN}, SURE {faq.SURE}, "
        f"SUGGEST {faq.SUGGEST}, MIN_COVERAGE {faq.MIN_COVERAGE}, CONFIDENT_COVERAGE {faq.CONFIDENT_COVERAGE}"
    )
    return figures


def main() -> None:
    measure(SIZE, report=True)


if __name__ == "__main__":
    main()
