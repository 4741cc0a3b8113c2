"""The one province → county picker (issue 13): its keyboards, and the same picker in two flows."""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic_settings import BaseSettings

from bot.i18n import get_i18n
from bot.widgets import region_picker as picker
from bot.widgets.region_picker import RegionPick
from services import regions
from tests.conftest import Harness
from tests.donations.donation_helpers import donation_settings

FA = get_i18n().translator("fa")
EN = get_i18n().translator("en")


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {"donations": donation_settings(flavor)}


def labels(markup: InlineKeyboardMarkup) -> list[str]:
    return [button.text for row in markup.inline_keyboard for button in row]


def picks(markup: InlineKeyboardMarkup) -> list[RegionPick]:
    return [
        RegionPick.unpack(button.callback_data)
        for row in markup.inline_keyboard
        for button in row
        if button.callback_data and button.callback_data.startswith("rg:")
    ]


def test_provinces_in_persian_order_paged_with_the_callers_options() -> None:
    back = InlineKeyboardButton(text="back", callback_data="x")
    first = picker.province_keyboard(FA, "sub", anywhere="هیچ‌جا", footer=[[back]])
    names = labels(first)
    assert names[0] == "هیچ‌جا" and picks(first)[0].kind == picker.ANYWHERE
    assert names[1:4] == ["آذربایجان شرقی", "آذربایجان غربی", "اردبیل"]
    assert "فارس" not in names  # page 2
    assert names[-2:] == [FA("common-next-page"), "back"]
    assert [len(row) for row in first.inline_keyboard][1:7] == [2] * 6  # two provinces a row
    assert all(p.flow == "sub" for p in picks(first))
    next_page = picks(first)[-1]
    assert (next_page.kind, next_page.page) == (picker.PROVINCE_PAGE, 1)

    every = [
        name
        for page in range(3)
        for name in labels(picker.province_keyboard(FA, "dn", page=page))
        if name not in (FA("common-next-page"), FA("common-previous-page"))
    ]
    assert len(every) == len(regions.provinces()) == len(set(every))
    assert every.index("چهارمحال و بختیاری") < every.index("خراسان جنوبی")  # چ before خ, not after ی
    assert every.index("کرمان") < every.index("گلستان") < every.index("لرستان")  # ک گ ل
    last = picker.province_keyboard(FA, "dn", page=99)  # clamped to the last page
    assert labels(last)[-1] == FA("common-previous-page")
    assert labels(picker.province_keyboard(FA, "dn"))[0] == "آذربایجان شرقی"  # no option unless asked

    english = labels(picker.province_keyboard(EN, "dn"))
    assert english[:2] == sorted(english[:2]) and english[0].startswith("A")


def test_counties_of_a_province_with_whole_and_change() -> None:
    tehran = next(p for p in regions.provinces() if p.name_fa == "تهران")
    counties = regions.counties(tehran.id)
    markup = picker.county_keyboard(FA, "vol", tehran.id, whole="همه", change="استان دیگر")
    data = picks(markup)
    assert data[0] == RegionPick(flow="vol", kind=picker.WHOLE_PROVINCE, id=tehran.id)
    county_picks = [p for p in data if p.kind == picker.COUNTY]
    assert len(county_picks) == min(len(counties), picker.PER_PAGE)
    assert [len(row) for row in markup.inline_keyboard][1] == 3  # three counties a row
    names = [c.name_fa for c in picker.sorted_regions(counties, "fa")]
    assert labels(markup)[1 : 1 + len(county_picks)] == names[: len(county_picks)]
    assert data[-1].kind == picker.CHANGE_PROVINCE
    if len(counties) > picker.PER_PAGE:
        page = next(p for p in data if p.kind == picker.COUNTY_PAGE)
        assert (page.id, page.page) == (tehran.id, 1)
    plain = picker.county_keyboard(FA, "vol", tehran.id)
    assert {p.kind for p in picks(plain)} <= {picker.COUNTY, picker.COUNTY_PAGE}


def test_callback_data_fits_the_64_byte_limit() -> None:
    for province in regions.provinces():
        for county in regions.counties(province.id):
            for kind in (picker.COUNTY, picker.COUNTY_PAGE, picker.WHOLE_PROVINCE):
                data = RegionPick(flow="cad", kind=kind, id=county.id, page=99).pack()
                assert len(data.encode()) <= 64


async def test_donate_and_news_settings_show_the_same_province_picker(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("🎯 انتخاب هدف و منطقه")
    await user.wait_until(lambda u: "🎁 جهیزیه" in u.buttons())
    await user.press("🎁 جهیزیه")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    donate_first = user.buttons()
    await user.press("بعدی ›")
    await user.wait_until(lambda u: "فارس" in u.buttons())
    donate_second = user.buttons()

    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await user.press("🔔 اطلاع‌رسانی‌ها")
    await user.wait_until(lambda u: "اطلاع‌رسانی‌های همدل" in u.last_text)
    await user.press("📍 انتخاب استان")
    await user.wait_until(lambda u: "استان‌تان" in u.last_text)
    news_first = user.buttons()
    await user.press("بعدی ›")
    await user.wait_until(lambda u: "فارس" in u.buttons())
    news_second = user.buttons()

    # Same provinces, same order, same paging; only each flow's own first option and footer differ.
    assert news_first[1:13] == donate_first[1:13]
    assert news_first[1:4] == ["آذربایجان شرقی", "آذربایجان غربی", "اردبیل"]
    assert "بعدی ›" in news_first and "بعدی ›" in donate_first
    assert news_second[1:13] == donate_second[1:13] and "‹ قبلی" in news_second
    await user.press("فارس")
    await user.wait_until(lambda u: "«فارس» ثبت شد" in u.last_text)
