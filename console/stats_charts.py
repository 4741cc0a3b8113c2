"""The dashboard's charts as SVG drawn on the server with string templates (no script, no chart
library, nothing from outside): columns over time, ranked bars, the provinces' map coloured by
amount. Every text is escaped here; numbers come formatted by the caller (Persian digits)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markupsafe import Markup

MAP_FILE = Path(__file__).resolve().parent.parent / "data" / "iran-provinces-map.json"
# Light to dark blue: five classes are easy to tell apart, also for most colour-blind readers.
SHADES = ("#e4eef8", "#b6d0eb", "#7eaad8", "#3f7cc0", "#0b4f96")
EMPTY = "#f3f4f6"


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # the axis label (already in the reader's digits)
    value: int
    title: str  # the tooltip: label and value in words


def columns(points: Sequence[Point], *, name: str, label_every: int | None = None) -> Markup:
    """Vertical bars in time order, left to right (as calendars and spreadsheets draw time)."""
    width, height, base, top = 640, 220, 190, 12
    count = max(1, len(points))
    peak = max((p.value for p in points), default=0) or 1
    slot = width / count
    bar = max(1.0, slot * 0.8)
    every = label_every or max(1, -(-count // 8))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
        'xmlns="http://www.w3.org/2000/svg" direction="ltr">',
        f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" class="axis"/>',
    ]
    for index, point in enumerate(points):
        h = (base - top) * point.value / peak
        x = index * slot + (slot - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{max(h, 0):.1f}" class="bar">'
            f"<title>{escape(point.title)}</title></rect>"
        )
        if index % every == 0:
            parts.append(
                f'<text x="{index * slot + slot / 2:.1f}" y="{base + 18}" text-anchor="middle" '
                f'class="tick">{escape(point.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(points: Sequence[Point], *, name: str) -> Markup:
    """Horizontal bars, largest first, the name above each bar (long Persian names fit at 360 px)."""
    width, row = 640, 46
    peak = max((p.value for p in points), default=0) or 1
    height = max(row, row * len(points))
    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, point in enumerate(points):
        y = index * row
        w = max(2.0, (width - 4) * point.value / peak)
        parts.append(
            f'<text x="{width - 2}" y="{y + 16}" text-anchor="end" class="name">{escape(point.label)}</text>'
            f'<rect x="{width - 2 - w:.1f}" y="{y + 22}" width="{w:.1f}" height="16" class="bar">'
            f"<title>{escape(point.title)}</title></rect>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@lru_cache(maxsize=1)
def _map_data() -> tuple[str, dict[str, str]]:
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return str(data["view_box"]), dict(data["provinces"])


def shade(value: int, peak: int) -> str:
    if value <= 0 or peak <= 0:
        return EMPTY
    return SHADES[min(len(SHADES) - 1, (len(SHADES) * value - 1) // peak)]


def province_map(values: dict[str, int], title: Callable[[str], str], *, name: str) -> Markup:
    """The 31 provinces, each filled by its share of the largest amount (five classes); hovering
    (or a screen reader) gives the province's name and figure."""
    view_box, shapes = _map_data()
    peak = max(values.values(), default=0)
    parts = [
        f'<svg class="chart map" viewBox="{view_box}" role="img" aria-label="{escape(name)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for province, path in shapes.items():
        parts.append(
            f'<path d="{path}" fill="{shade(values.get(province, 0), peak)}" class="province" '
            f'data-province="{province}"><title>{escape(title(province))}</title></path>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(peak: int, money: Callable[[int], str]) -> list[tuple[str, str]]:
    """(colour, «up to …») for each class of the map."""
    if peak <= 0:
        return [(EMPTY, "")]
    classes = len(SHADES)
    return [(SHADES[i], money(peak * (i + 1) // classes)) for i in range(classes)]
