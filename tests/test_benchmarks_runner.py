"""The benchmark runner's table and arguments, on fake figures: nothing here is timed."""

from __future__ import annotations

import math

import pytest

from benchmarks.runner import FULL, QUICK, Figure, Goal, parse, table

NAMES = ["footprint", "latency", "scale"]


def _row(text: str, figure: str) -> str:
    return next(line for line in text.splitlines() if figure in line)


def test_goal_over_the_yardstick_is_judged_against_the_yardstick_in_the_same_run() -> None:
    goal = Goal("≤ yardstick + 40 MB", 40, over_yardstick=True)
    assert goal.met(200.0, 170.0) is True
    assert goal.met(211.0, 170.0) is False
    assert goal.met(200.0, None) is None  # no yardstick measured: not judged
    assert Goal("≤ 40 ms", 40).met(math.nan, None) is None
    assert Goal("≥ 0.95", 0.95, at_least=True).met(0.9, None) is False


def test_table_puts_value_yardstick_goal_and_verdict_on_each_figures_row() -> None:
    figures = [
        Figure(
            "footprint", "idle RSS", 337.4, "MB", 168.8, "bare aiogram", Goal("≤ yardstick + 40 MB", 40, True)
        ),
        Figure(
            "footprint", "start-up", 1.1, "s", 0.6, "bare aiogram", Goal("≤ yardstick + 0.7 s", 0.7, True)
        ),
        Figure("latency SQLite", "p95 at 50% load", 35.26, "ms", goal=Goal("≤ 40 ms", 40)),
        Figure("faq", "answer() p95", 2.345, "ms"),
        Figure("latency SQLite", "p99 at 75% load", math.nan, "ms", goal=Goal("≤ 40 ms", 40)),
    ]
    text = table(figures)
    header = text.splitlines()[0]
    assert header.split()[:2] == ["benchmark", "figure"]
    assert "yardstick (same run)" in header and "goal (issue 19)" in header

    rss = _row(text, "idle RSS")
    assert "337 MB" in rss and "169 MB bare aiogram" in rss and "≤ yardstick + 40 MB" in rss
    assert rss.endswith("FAIL")  # 337.4 > 168.8 + 40
    assert _row(text, "start-up").endswith("pass")  # 1.1 ≤ 0.6 + 0.7
    assert "35.3 ms" in _row(text, "p95 at 50% load") and _row(text, "p95 at 50% load").endswith("pass")
    faq = _row(text, "answer() p95")
    assert "2.35 ms" in faq and not faq.endswith(("pass", "FAIL"))  # no goal: no verdict
    assert "n/a" in _row(text, "p99 at 75% load") and _row(text, "p99 at 75% load").endswith("?")
    assert text.splitlines()[-1] == "goals: 2 met, 1 not met, 1 not judged (figure or yardstick missing)"


def test_values_line_up_on_the_right() -> None:
    lines = table([Figure("a", "x", 1234.0, "ms"), Figure("a", "y", 5.0, "ms")]).splitlines()
    assert lines[2].index("1,234 ms") + len("1,234 ms") == lines[3].index("5.00 ms") + len("5.00 ms")


def test_counts_print_without_decimals() -> None:
    assert "  3  " in table([Figure("scale", "errors", 3, "", goal=Goal("0", 0))]).splitlines()[2] + "  "


def test_quick_selects_the_quick_sizes_and_full_is_the_default() -> None:
    quick = parse(["all", "--quick"], NAMES)
    assert quick.quick and quick.sizes == QUICK and quick.only is None
    full = parse(["all"], NAMES)
    assert not full.quick and full.sizes == FULL
    assert QUICK.scale_users < FULL.scale_users and QUICK.latency_seconds < FULL.latency_seconds
    only = parse(["all", "--quick", "--only", "latency"], NAMES)
    assert only.only == "latency" and only.sizes == QUICK


def test_an_unknown_benchmark_is_refused() -> None:
    with pytest.raises(SystemExit):
        parse(["all", "--only", "nothing"], NAMES)


def test_each_configuration_is_judged_by_the_bare_runs_just_before_and_after_it() -> None:
    from benchmarks.scale import Result, cpu_per_update, yardstick, yardstick_runs

    def run(name: str, cpu: float, baseline: bool = False) -> Result:
        return Result(name, 1, 1000, 1.0, bot_cpu=cpu, baseline=baseline)

    first, sqlite, second, postgres, third = (
        run("bare", 0.5, True),
        run("SQLite", 2.5),
        run("bare", 0.7, True),
        run("PostgreSQL", 3.0),
        run("bare", 0.9, True),
    )
    results = [first, sqlite, second, postgres, third]
    assert yardstick_runs(results, sqlite) == [first, second]
    assert yardstick_runs(results, postgres) == [second, third]
    assert cpu_per_update(postgres) == 3.0
    assert yardstick(results, postgres).cpu == pytest.approx(0.8)  # the mean of 0.7 and 0.9
