"""Chart images (PNG) for staff, with Persian labels that render joined and right-to-left.

Matplotlib ≥ 3.11 lays text out with libraqm (HarfBuzz shaping + bidi), so Persian strings are
passed as they are — no reshaping by hand (doing so would shape them twice). The font is DejaVu
Sans, which ships inside matplotlib and covers the Arabic block with Persian letters and digits.

Rendering is CPU work (≈0.1–0.3 s): call these from a thread (`asyncio.to_thread`). They use
matplotlib's object API (no pyplot global state), so concurrent calls are safe.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.persian import JALALI_MONTHS_EN, JALALI_MONTHS_FA, rials_to_toman, to_fa_digits
from services.stats import DayTotal

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: it costs every process ~0.4 s
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

FONT_FAMILY = ["DejaVu Sans"]
BAR_COLOR = "#2e7d6b"
DPI = 110


class NoChartData(ValueError):
    """Nothing to draw (no donations in the period): the caller says so in words instead."""


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Texts drawn on a chart, already in the reader's language."""

    title: str
    subtitle: str = ""
    value_axis: str = ""


def _number(value: float, locale: str) -> str:
    """Axis numbers: «۱٫۵ میلیون»-style compact figures in toman."""
    value = float(value)
    for size, fa, en in ((1e12, "همت", "T"), (1e9, "میلیارد", "B"), (1e6, "میلیون", "M"), (1e3, "هزار", "K")):
        if abs(value) >= size:
            short = f"{value / size:.1f}".rstrip("0").rstrip(".")
            if locale == "fa":
                return f"{to_fa_digits(short).replace('.', '٫')} {fa}"
            return f"{short}{en}"
    whole = f"{value:.0f}"
    return to_fa_digits(whole) if locale == "fa" else whole


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _money_axis(axis: Axis, bins: int, locale: str) -> None:
    """Whole-toman ticks with compact Persian (or English) figures."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=bins, integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _: _number(v, locale)))


def _style(figure: Figure, axes: Axes, labels: ChartLabels) -> None:
    figure.suptitle(labels.title, fontsize=15, fontfamily=FONT_FAMILY)
    if labels.subtitle:
        axes.set_title(labels.subtitle, fontsize=9, color="#555555", fontfamily=FONT_FAMILY)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def daily_chart(days: Sequence[DayTotal], labels: ChartLabels, locale: str = "fa") -> bytes:
    """Bars of paid toman per day. Persian: time runs right to left (newest day on the left)."""
    if not days or not any(d.rials for d in days):
        raise NoChartData("no donations in the period")
    figure = _figure(10, 4.8)
    axes = figure.add_subplot()
    positions = list(range(len(days)))
    axes.bar(positions, [rials_to_toman(d.rials) for d in days], color=BAR_COLOR, width=0.75)
    months = JALALI_MONTHS_FA if locale == "fa" else JALALI_MONTHS_EN

    def day_label(index: int) -> str:
        j = days[index].jalali
        if locale == "fa":
            return f"{to_fa_digits(j.day)} {months[j.month - 1]}"
        return f"{j.day} {months[j.month - 1]}"

    step = max(1, len(days) // 10)
    ticks = positions[::-1][::step]
    axes.set_xticks(ticks, [day_label(i) for i in ticks], fontsize=8, fontfamily=FONT_FAMILY)
    _money_axis(axes.yaxis, 6, locale)
    axes.set_ylabel(labels.value_axis, fontfamily=FONT_FAMILY)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "left" if locale == "fa" else "right"]].set_visible(False)
    if locale == "fa":
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
    for label in axes.get_yticklabels():
        label.set_fontfamily(FONT_FAMILY)
    _style(figure, axes, labels)
    return _png(figure)


def ranking_chart(
    rows: Sequence[tuple[str, int]], labels: ChartLabels, locale: str = "fa", limit: int = 15
) -> bytes:
    """Horizontal bars (name, rials), largest on top. Persian: names on the right, bars grow leftwards."""
    rows = [(name, rials) for name, rials in rows if rials > 0][:limit]
    if not rows:
        raise NoChartData("nothing to rank")
    figure = _figure(9, 1.2 + 0.42 * len(rows))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [rials_to_toman(rials) for _, rials in rows]
    axes.barh(positions, values, color=BAR_COLOR, height=0.7)
    axes.set_yticks(positions, [name for name, _ in rows], fontsize=10, fontfamily=FONT_FAMILY)
    axes.invert_yaxis()
    _money_axis(axes.xaxis, 5, locale)
    axes.set_xlabel(labels.value_axis, fontfamily=FONT_FAMILY)
    axes.grid(axis="x", alpha=0.3)
    for label in axes.get_xticklabels():
        label.set_fontfamily(FONT_FAMILY)
    if locale == "fa":
        axes.invert_xaxis()
        axes.yaxis.tick_right()
        axes.spines[["top", "left"]].set_visible(False)
    else:
        axes.spines[["top", "right"]].set_visible(False)
    for position, value in zip(positions, values, strict=True):
        text = _number(value, locale)
        axes.annotate(
            text,
            (value, position),
            xytext=(-4 if locale == "fa" else 4, 0),
            textcoords="offset points",
            va="center",
            ha="right" if locale == "fa" else "left",
            fontsize=8,
            fontfamily=FONT_FAMILY,
        )
    axes.margins(x=0.18)
    _style(figure, axes, labels)
    return _png(figure)
