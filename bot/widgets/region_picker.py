"""One province → county picker for every flow that asks where (issue 13).

The widget only renders: the paged province list (Persian alphabetical order in fa), the paged
county list of one province, and the caller's optional "nationwide/skip", "whole province" and
"change province" buttons. Every button carries one :class:`RegionPick` with the caller's
``flow`` tag, so each feature router answers only its own presses
(``RegionPick.filter(F.flow == "dn")``) and checks them against its own state. Typed names go
through :func:`services.regions.match_region`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.widgets.paging import Page, nav_row
from services import regions
from services.persian import normalize_text

PER_PAGE = 12
PROVINCES_PER_ROW = 2
COUNTIES_PER_ROW = 3

# What a press means.
PROVINCE = "p"  # id = province id
COUNTY = "c"  # id = county id
PROVINCE_PAGE = "pp"  # page
COUNTY_PAGE = "cp"  # id = province id, page
ANYWHERE = "all"  # nationwide / skip
WHOLE_PROVINCE = "wp"  # id = province id
CHANGE_PROVINCE = "chg"


class RegionPick(CallbackData, prefix="rg"):
    """A press in the region picker; ``flow`` names the caller (dn, el, sub, cad, vol)."""

    flow: str
    kind: str
    id: str = ""
    page: int = 0


_FA_ORDER = {letter: index for index, letter in enumerate("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")}

Place = TypeVar("Place", regions.Province, regions.County)


def collation(name: str) -> tuple[int, ...]:
    """Persian alphabetical order (Unicode order puts پ چ ژ گ after ی)."""
    return tuple(_FA_ORDER.get(char, 100 + ord(char)) for char in normalize_text(name).replace(" ", ""))


def sorted_regions(items: Sequence[Place], locale: str) -> list[Place]:
    if locale == "fa":
        return sorted(items, key=lambda item: collation(item.name_fa))
    return sorted(items, key=lambda item: item.name_en)


def _button(text: str, flow: str, kind: str, id: str = "", page: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=RegionPick(flow=flow, kind=kind, id=id, page=page).pack()
    )


def _grid(
    t: Translator, flow: str, kind: str, places: Sequence[regions.Province | regions.County], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [
        [_button(place.name(t.locale), flow, kind, place.id) for place in places[index : index + per_row]]
        for index in range(0, len(places), per_row)
    ]


def _nav(t: Translator, flow: str, kind: str, page: Page, id: str = "") -> list[list[InlineKeyboardButton]]:
    row = nav_row(t, page, lambda number: RegionPick(flow=flow, kind=kind, id=id, page=number))
    return [row] if row else []


def province_keyboard(
    t: Translator,
    flow: str,
    *,
    page: int = 0,
    anywhere: str | None = None,
    footer: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """One page of provinces; ``anywhere`` is the label of a nationwide/skip button on top."""
    provinces = sorted_regions(regions.provinces(), t.locale)
    shown = Page.of(len(provinces), page, PER_PAGE)
    rows = [[_button(anywhere, flow, ANYWHERE)]] if anywhere else []
    rows += _grid(t, flow, PROVINCE, shown.slice(provinces), PROVINCES_PER_ROW)
    rows += _nav(t, flow, PROVINCE_PAGE, shown)
    rows += [list(row) for row in footer]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def county_keyboard(
    t: Translator,
    flow: str,
    province_id: str,
    *,
    page: int = 0,
    whole: str | None = None,
    change: str | None = None,
    footer: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """One page of a province's counties; ``whole`` labels a whole-province button on top,
    ``change`` a change-province button under the list."""
    counties = sorted_regions(regions.counties(province_id), t.locale)
    shown = Page.of(len(counties), page, PER_PAGE)
    rows = [[_button(whole, flow, WHOLE_PROVINCE, province_id)]] if whole else []
    rows += _grid(t, flow, COUNTY, shown.slice(counties), COUNTIES_PER_ROW)
    rows += _nav(t, flow, COUNTY_PAGE, shown, province_id)
    if change:
        rows.append([_button(change, flow, CHANGE_PROVINCE)])
    rows += [list(row) for row in footer]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def choice_button(
    t: Translator, flow: str, place: regions.Province | regions.County, label: str | None = None
) -> InlineKeyboardButton:
    """A did-you-mean button for a typed name: the same press as choosing it from the list."""
    kind = PROVINCE if isinstance(place, regions.Province) else COUNTY
    return _button(label or place.name(t.locale), flow, kind, place.id)


def list_button(text: str, flow: str, province_id: str | None = None) -> InlineKeyboardButton:
    """Back to the first page of the list: the counties of ``province_id``, else the provinces."""
    if province_id:
        return _button(text, flow, COUNTY_PAGE, province_id)
    return _button(text, flow, PROVINCE_PAGE)
