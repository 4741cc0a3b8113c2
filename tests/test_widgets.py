"""The shared chat widgets (bot/widgets): paging, yes/no, multi-select toggles, press answers."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import get_i18n
from bot.widgets.choices import alert, toast, toggle_button, yes_no_row
from bot.widgets.paging import Page, nav_row


class Turn(CallbackData, prefix="turn"):
    page: int


def test_a_page_out_of_range_lands_on_the_nearest_real_page() -> None:
    items = list(range(25))
    assert Page.of(25, 0, 10).slice(items) == list(range(10))
    last = Page.of(25, 99, 10)  # a forged or stale "next"
    assert (last.number, last.pages, last.slice(items)) == (2, 3, [20, 21, 22, 23, 24])
    assert Page.of(25, -4, 10).number == 0
    empty = Page.of(0, 3, 10)
    assert (empty.number, empty.pages, empty.slice([])) == (0, 1, [])


def test_the_nav_row_offers_only_pages_that_exist_in_the_readers_language() -> None:
    fa = get_i18n().translator("fa")
    assert nav_row(fa, Page.of(5, 0, 10), lambda n: Turn(page=n)) == []
    first = nav_row(fa, Page.of(25, 0, 10), lambda n: Turn(page=n))
    assert [(b.text, b.callback_data) for b in first] == [("بعدی ›", "turn:1")]
    middle = nav_row(get_i18n().translator("en"), Page.of(25, 1, 10), lambda n: f"p:{n}")
    assert [(b.text, b.callback_data) for b in middle] == [("‹ Previous", "p:0"), ("Next ›", "p:2")]


def test_yes_no_toggle_and_press_answers() -> None:
    fa = get_i18n().translator("fa")
    assert [b.text for b in yes_no_row(fa, Turn(page=1), "no")] == ["بله", "خیر"]
    assert toggle_button(fa, "آموزش", True, "t:edu").text == "✅ آموزش"
    assert toggle_button(fa, "آموزش", False, "t:edu").text == "⬜️ آموزش"
    answer = CallbackAnswer(answered=False)
    toast(answer, "ذخیره شد")
    assert (answer.text, answer.show_alert) == ("ذخیره شد", None)
    alert(answer, "این دکمه قدیمی است")
    assert answer.show_alert is True
