"""Paging for long lists in a chat: which slice of the items a page shows, and its ‹ قبلی / بعدی ›
row. A requested page out of range (a stale or forged button) lands on the nearest real page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.i18n import Translator

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # from 0
    pages: int  # at least 1, also for an empty list
    start: int  # the index of the page's first item
    size: int

    @classmethod
    def of(cls, total: int, requested: int, size: int) -> Page:
        pages = max(1, -(-total // size))
        number = min(max(requested, 0), pages - 1)
        return cls(number, pages, number * size, size)

    def slice(self, items: Sequence[Item]) -> Sequence[Item]:
        return items[self.start : self.start + self.size]

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number < self.pages - 1


def nav_row(
    t: Translator, page: Page, press: Callable[[int], CallbackData | str]
) -> list[InlineKeyboardButton]:
    """‹ قبلی and بعدی › where there is a page to go to (empty on a single page); `press(n)` is
    what the button for page n sends."""

    def button(key: str, number: int) -> InlineKeyboardButton:
        data = press(number)
        return InlineKeyboardButton(text=t(key), callback_data=data if isinstance(data, str) else data.pack())

    row = []
    if page.has_previous:
        row.append(button("common-previous-page", page.number - 1))
    if page.has_next:
        row.append(button("common-next-page", page.number + 1))
    return row
