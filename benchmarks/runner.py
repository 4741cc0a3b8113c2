"""`python -m benchmarks all [--quick] [--only NAME]`: every benchmark, one table.

Each benchmark module exposes a function returning its figures; this module names them, gives
each figure its yardstick (measured in the same run) and the goal of issue 19, and prints one
table. The table is assembled by `table()` from `Figure`s alone, so it is unit-tested on fake
figures (tests/test_benchmarks_runner.py) — the suite never times anything.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    """A goal of issue 19: `text` as printed; `limit` the most (or, with `at_least`, the least)
    the figure may be, `over_yardstick` when the limit is added to the yardstick's value."""

    text: str
    limit: float
    over_yardstick: bool = False
    at_least: bool = False

    def met(self, value: float, yardstick: float | None) -> bool | None:
        """True or False; None when it cannot be judged (no figure, or the yardstick missing)."""
        if math.isnan(value):
            return None
        bound = self.limit
        if self.over_yardstick:
            if yardstick is None or math.isnan(yardstick):
                return None
            bound += yardstick
        return value >= bound if self.at_least else value <= bound


@dataclass(frozen=True)
class Figure:
    benchmark: str
    name: str
    value: float
    unit: str
    yardstick: float | None = None  # the same figure for the yardstick, in the same run
    yardstick_name: str = ""
    goal: Goal | None = None

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        met = self.goal.met(self.value, self.yardstick)
        return "?" if met is None else ("pass" if met else "FAIL")


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs: the full sizes by default, smaller ones with --quick."""

    scale_users: int
    latency_users: int  # concurrent users measuring the saturation rate
    latency_seconds: float  # open-loop arrivals per load level
    latency_conversations: int  # and at least this many conversations per level
    faq_entries: int
    tickets_filed: int
    tickets_open: int
    staff_donations: int
    startup_runs: int
    dashboard_donations: int = 1_000_000  # a year of data for the console's statistics
    dashboard_tickets: int = 100_000
    broadcast_recipients: int = 100_000  # one broadcast at the platform's limit (500/s here)
    memory_updates: int = 10_000  # mixed updates before the bot's RSS is read against its idle RSS


FULL = Sizes(
    scale_users=120,
    latency_users=60,
    latency_seconds=40.0,
    latency_conversations=20,
    faq_entries=1000,
    tickets_filed=400,
    tickets_open=10_000,
    staff_donations=50_000,
    startup_runs=3,
)
QUICK = Sizes(
    scale_users=24,
    latency_users=24,
    latency_seconds=10.0,
    latency_conversations=6,
    faq_entries=300,
    tickets_filed=100,
    tickets_open=2_000,
    staff_donations=5_000,
    startup_runs=1,
    dashboard_donations=100_000,
    dashboard_tickets=10_000,
    broadcast_recipients=5_000,
    memory_updates=2_000,
)

Benchmark = Callable[[Sizes], Awaitable[list[Figure]]]


@dataclass
class Options:
    quick: bool
    only: str | None
    sizes: Sizes


def parse(argv: list[str] | None, names: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run the benchmarks and print one table (issue 19)."
    )
    parser.add_argument("command", choices=["all"], help="run every benchmark (or the one --only names)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: about 2 minutes on 2 cores")
    parser.add_argument("--only", choices=names, help="run this benchmark alone")
    args = parser.parse_args(argv)
    return Options(quick=args.quick, only=args.only, sizes=QUICK if args.quick else FULL)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if math.isnan(value):
        return "n/a"
    if not unit and float(value).is_integer():  # a count
        return f"{value:,.0f}"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}".strip()


def table(figures: list[Figure]) -> str:
    """One row per figure: benchmark, figure, value, yardstick, goal, verdict."""
    header = ("benchmark", "figure", "value", "yardstick (same run)", "goal (issue 19)", "")
    rows = [header]
    for figure in figures:
        yardstick = (
            f"{_number(figure.yardstick, figure.unit)} {figure.yardstick_name}".strip()
            if figure.yardstick is not None
            else ""
        )
        rows.append(
            (
                figure.benchmark,
                figure.name,
                _number(figure.value, figure.unit),
                yardstick,
                figure.goal.text if figure.goal else "",
                figure.verdict,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column == 2 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    verdicts = [figure.verdict for figure in figures if figure.verdict]
    lines.append("")
    lines.append(
        f"goals: {verdicts.count('pass')} met, {verdicts.count('FAIL')} not met"
        + (f", {verdicts.count('?')} not judged (figure or yardstick missing)" if "?" in verdicts else "")
    )
    return "\n".join(lines)
