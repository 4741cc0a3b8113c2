"""/donate, /mydonations and in-chat payments.

The flow: a campaign, or a purpose → province → county (paged buttons, or a typed name) → an
amount (presets, or typed in any digit script) → confirm by choosing how to pay → an invoice in
the chat or a link to the bank gateway → a receipt.

`payments_router` is mounted with the chatless routers, ahead of every private-chat flow: a
`pre_checkout_query` is answered within the platform's 10 s whatever the donor is doing, and a
`successful_payment` is recorded and receipted whatever conversation state the donor is in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
)
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.donation_views import (
    SECTION,
    DonCampaign,
    DonRetry,
    HistoryPage,
    donation_target_text,
    options_for,
    purpose_name,
    receipt_label,
    receipt_markup,
    receipt_text,
    send_receipt,
    target_text,
)
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import (
    CallbackInt,
    Feature,
    InlineKeyboardBuilder,
    MenuCallback,
    cancel_button,
    home_button,
    show,
)
from bot.widgets import region_picker as picker
from bot.widgets.region_picker import RegionPick
from models.donation import Donation, DonationStatus
from services import campaigns as campaign_service
from services import donations as service
from services import regions
from services.amounts import Slip, SlipKind, parse_amount
from services.clock import Clock
from services.donations import PayOutcome
from services.payments import (
    InvoiceProvider,
    PaymentOptions,
    ZarinpalGateway,
    invoice_provider,
    problems,
)
from services.persian import (
    format_date,
    format_datetime,
    format_number,
    format_toman,
    toman_to_rials,
)
from services.regions import MatchKind
from services.users import UserRecord

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.donations")

router = Router(name="donations")
payments_router = Router(name="donation-payments")


CAMPAIGNS_PER_PAGE = 6
FLOW = "dn"  # this flow's tag in the shared region picker
HISTORY_PER_PAGE = 8
# A pre-checkout query must be answered within 10 s; past this budget we decline politely.
PRE_CHECKOUT_BUDGET = 7.0
MAX_TYPED_NAME = 64


class DonateFlow(StatesGroup):
    target = State()
    province = State()
    county = State()
    amount = State()
    confirm = State()


class DonCampaignPage(CallbackData, prefix="dncp"):
    page: CallbackInt


class DonPurposes(CallbackData, prefix="dnps"):
    pass


class DonPurpose(CallbackData, prefix="dnp"):
    purpose: str


class DonAmount(CallbackData, prefix="dna"):
    toman: CallbackInt  # 0 = let me type an amount


class DonSlip(CallbackData, prefix="dnsl"):
    toman: CallbackInt  # the amount probably meant; 0 = no, I will type it again


class DonBack(CallbackData, prefix="dnb"):
    step: str


class DonPay(CallbackData, prefix="dnpay"):
    provider: str
    order: str


class ReceiptCopy(CallbackData, prefix="dnrc"):
    id: CallbackInt


# --- Keyboards --------------------------------------------------------------------------------------


def _page_slice(count: int, page: int, per_page: int) -> tuple[int, int, int]:
    pages = max(1, -(-count // per_page))
    page = min(max(page, 0), pages - 1)
    return page, pages, page * per_page


def _nav_row(t: Translator, page: int, pages: int, make: Any) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text=t("common-previous-page"), callback_data=make(page - 1).pack()))
    if page < pages - 1:
        row.append(InlineKeyboardButton(text=t("common-next-page"), callback_data=make(page + 1).pack()))
    return row


def _back(t: Translator, step: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("common-back-button"), callback_data=DonBack(step=step).pack())


async def _start_screen(
    session: AsyncSession, t: Translator, now: datetime, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    active = await campaign_service.active_campaigns(session, now)
    page, pages, start = _page_slice(len(active), page, CAMPAIGNS_PER_PAGE)
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                text=t("donations-campaign-button", title=campaign.title(t.locale)),
                callback_data=DonCampaign(id=campaign.id).pack(),
            )
        ]
        for campaign in active[start : start + CAMPAIGNS_PER_PAGE]
    ]
    nav = _nav_row(t, page, pages, lambda p: DonCampaignPage(page=p))
    if nav:
        rows.append(nav)
    rows.append(
        [InlineKeyboardButton(text=t("donations-choose-purpose-button"), callback_data=DonPurposes().pack())]
    )
    rows.append([cancel_button(t)])
    text = t("donations-start") if active else t("donations-start-no-campaigns")
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _purpose_screen(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for purpose in service.PURPOSES:
        builder.button(
            text=t(f"donations-purpose-button-{purpose.value}"),
            callback_data=DonPurpose(purpose=purpose.value),
        )
    builder.adjust(2)
    builder.row(_back(t, "start"), cancel_button(t))
    return t("donations-purpose-prompt"), builder.as_markup()


def _province_screen(t: Translator, purpose: str | None, page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    markup = picker.province_keyboard(
        t,
        FLOW,
        page=page,
        anywhere=t("donations-province-anywhere"),
        footer=[[_back(t, "purpose"), cancel_button(t)]],
    )
    return t("donations-province-prompt", purpose=purpose_name(t, purpose)), markup


def _county_screen(t: Translator, province_id: str, page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    name = regions.get_province(province_id).name(t.locale)
    markup = picker.county_keyboard(
        t,
        FLOW,
        province_id,
        page=page,
        whole=t("donations-county-whole", province=name),
        footer=[[_back(t, "province"), cancel_button(t)]],
    )
    return t("donations-county-prompt", province=name), markup


def _amount_screen(t: Translator, settings: Settings, target: str) -> tuple[str, InlineKeyboardMarkup]:
    config = settings.donations
    builder = InlineKeyboardBuilder()
    for toman in config.presets_toman:
        builder.button(
            text=t("donations-amount-button", amount=format_toman(toman * 10, t.locale)),
            callback_data=DonAmount(toman=toman),
        )
    builder.adjust(2)
    builder.row(
        InlineKeyboardButton(text=t("donations-amount-custom"), callback_data=DonAmount(toman=0).pack())
    )
    builder.row(_back(t, "target"), cancel_button(t))
    text = t(
        "donations-amount-prompt",
        target=target,
        min=format_toman(config.min_toman * 10, t.locale),
        max=format_toman(config.max_toman * 10, t.locale),
    )
    return text, builder.as_markup()


def _confirm_screen(
    t: Translator, options: PaymentOptions, target: str, amount_rials: int, order: str
) -> tuple[str, InlineKeyboardMarkup]:
    rows: list[list[InlineKeyboardButton]] = []
    for provider in options.providers:
        args: dict[str, Any] = {}
        if isinstance(provider, InvoiceProvider) and provider.currency == "XTR":
            args["stars"] = provider.invoice_amount(amount_rials)
        rows.append(
            [
                InlineKeyboardButton(
                    text=t(f"donations-pay-{provider.name}", **args),
                    callback_data=DonPay(provider=provider.name, order=order).pack(),
                )
            ]
        )
    rows.append(
        [InlineKeyboardButton(text=t("donations-change-amount"), callback_data=DonBack(step="amount").pack())]
    )
    rows.append([cancel_button(t)])
    text = t("donations-confirm", target=target, amount=format_toman(amount_rials, t.locale))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


# --- Flow state -------------------------------------------------------------------------------------


async def _target_of(state: FSMContext) -> tuple[service.Target, dict[str, Any]]:
    data = await state.get_data()
    return service.Target.from_dict(data.get("donation") or {}), data.get("donation") or {}


async def _save(state: FSMContext, step: State, **values: Any) -> None:
    data = await state.get_data()
    flow = dict(data.get("donation") or {})
    flow.update(values)
    await state.set_state(step)
    await state.set_data({"donation": flow})


async def _describe_target(session: AsyncSession, t: Translator, target: service.Target) -> str:
    campaign = (
        await campaign_service.get_campaign(session, target.campaign_id) if target.campaign_id else None
    )
    return target_text(
        t,
        campaign=campaign,
        purpose=target.purpose,
        province_id=target.province_id,
        county_id=target.county_id,
    )


async def _ready(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> bool:
    """Whether this person can donate now; tells them why not."""
    reason = None
    if await service.user_is_banned(session, user.id):
        reason = "donations-banned"
    elif not options_for(settings, profile):
        reason = "donations-unavailable"
    if reason is None:
        return True
    markup = InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]])
    await show(target, t(reason), markup, profile)
    return False


async def _show_amount(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    flow: service.Target,
) -> None:
    await _save(state, DonateFlow.amount, **flow.as_dict(), amount=None, order=None)
    text, markup = _amount_screen(t, settings, await _describe_target(session, t, flow))
    await show(target, text, markup, profile)


async def _show_confirm(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    flow: service.Target,
    amount_rials: int,
) -> None:
    order = service.new_order_token()
    await _save(state, DonateFlow.confirm, **flow.as_dict(), amount=amount_rials, order=order)
    text, markup = _confirm_screen(
        t, options_for(settings, profile), await _describe_target(session, t, flow), amount_rials, order
    )
    await show(target, text, markup, profile)


def _stale(callback_answer: CallbackAnswer, t: Translator) -> None:
    callback_answer.text = t("donations-stale")
    callback_answer.show_alert = True


# --- Entry --------------------------------------------------------------------------------------------


@router.message(Command("donate"))
async def donate_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await state.clear()
    if not await _ready(message, session, user, t, settings, profile):
        return
    await state.set_state(DonateFlow.target)
    text, markup = await _start_screen(session, t, clock.now())
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def donate_menu(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await state.clear()
    if not await _ready(query, session, user, t, settings, profile):
        return
    await state.set_state(DonateFlow.target)
    text, markup = await _start_screen(session, t, clock.now())
    await show(query, text, markup, profile)


@router.callback_query(DonCampaignPage.filter())
async def campaigns_page(
    query: CallbackQuery,
    callback_data: DonCampaignPage,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await state.set_state(DonateFlow.target)
    text, markup = await _start_screen(session, t, clock.now(), callback_data.page)
    await show(query, text, markup, profile)


@router.callback_query(DonCampaign.filter())
async def campaign_chosen(
    query: CallbackQuery,
    callback_data: DonCampaign,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    """From the donate screen or the Donate button of a campaign card (stateless)."""
    now = clock.now()
    campaign = await campaign_service.get_campaign(session, callback_data.id)
    if campaign is None or not campaign_service.is_open(campaign, now):
        callback_answer.text = t("donations-campaign-closed")
        callback_answer.show_alert = True
        await state.set_state(DonateFlow.target)
        text, markup = await _start_screen(session, t, now)
        await show(query, text, markup, profile)
        return
    await state.clear()
    if not await _ready(query, session, user, t, settings, profile):
        return
    await _show_amount(query, state, session, t, settings, profile, service.Target(campaign_id=campaign.id))


@router.callback_query(DonPurposes.filter())
async def purposes(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    if not await _ready(query, session, user, t, settings, profile):
        return
    await state.set_state(DonateFlow.target)
    await state.set_data({})
    text, markup = _purpose_screen(t)
    await show(query, text, markup, profile)


@router.callback_query(DonPurpose.filter())
async def purpose_chosen(
    query: CallbackQuery,
    callback_data: DonPurpose,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow = service.Target(purpose=callback_data.purpose)
    if not flow.valid():
        _stale(callback_answer, t)
        return
    await state.set_state(DonateFlow.province)
    await state.set_data({"donation": flow.as_dict()})
    text, markup = _province_screen(t, flow.purpose)
    await show(query, text, markup, profile)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & (F.kind == picker.PROVINCE_PAGE)))
async def province_page(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    if flow.purpose is None:
        _stale(callback_answer, t)
        return
    await state.set_state(DonateFlow.province)
    text, markup = _province_screen(t, flow.purpose, callback_data.page)
    await show(query, text, markup, profile)


async def _province_selected(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    flow: service.Target,
    province_id: str | None,
) -> None:
    if province_id is None:
        await _show_amount(target, state, session, t, settings, profile, service.Target(purpose=flow.purpose))
        return
    await _save(state, DonateFlow.county, purpose=flow.purpose, province_id=province_id, county_id=None)
    text, markup = _county_screen(t, province_id)
    await show(target, text, markup, profile)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & F.kind.in_({picker.PROVINCE, picker.ANYWHERE})))
async def province_chosen(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    province_id = callback_data.id if callback_data.kind == picker.PROVINCE else None
    if (
        flow.purpose is None
        or flow.campaign_id is not None
        or (province_id is not None and regions.default_regions().find_province(province_id) is None)
    ):
        _stale(callback_answer, t)
        return
    await _province_selected(query, state, session, t, settings, profile, flow, province_id)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & (F.kind == picker.COUNTY_PAGE)))
async def county_page(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    if flow.purpose is None or flow.province_id is None or callback_data.id != flow.province_id:
        _stale(callback_answer, t)
        return
    await state.set_state(DonateFlow.county)
    text, markup = _county_screen(t, flow.province_id, callback_data.page)
    await show(query, text, markup, profile)


@router.callback_query(
    RegionPick.filter((F.flow == FLOW) & F.kind.in_({picker.COUNTY, picker.WHOLE_PROVINCE}))
)
async def county_chosen(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    whole = callback_data.kind == picker.WHOLE_PROVINCE
    county = None if whole else regions.default_regions().find_county(callback_data.id)
    # Offered at the province step for a typed city («محمدآباد»): the county names its province.
    province_id = flow.province_id or (county.province_id if county else None)
    county_id = None if whole else callback_data.id
    chosen = service.Target(purpose=flow.purpose, province_id=province_id, county_id=county_id)
    if (
        flow.purpose is None
        or province_id is None
        or (whole and callback_data.id != province_id)
        or not chosen.valid()
    ):
        _stale(callback_answer, t)
        return
    await _show_amount(query, state, session, t, settings, profile, chosen)


@router.callback_query(DonAmount.filter())
async def amount_chosen(
    query: CallbackQuery,
    callback_data: DonAmount,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    if not flow.complete or not flow.valid():
        _stale(callback_answer, t)
        return
    if callback_data.toman == 0:
        await state.set_state(DonateFlow.amount)
        markup = InlineKeyboardMarkup(inline_keyboard=[[_back(t, "amount"), cancel_button(t)]])
        await show(query, t("donations-amount-custom-prompt"), markup, profile)
        return
    config = settings.donations
    if callback_data.toman not in config.presets_toman:
        _stale(callback_answer, t)  # a forged amount, or presets changed since the button was sent
        return
    checked = service.check_amount(
        callback_data.toman, min_toman=config.min_toman, max_toman=config.max_toman
    )
    assert checked.rials is not None
    await _show_confirm(query, state, session, t, settings, profile, flow, checked.rials)


@router.callback_query(DonBack.filter())
async def back(
    query: CallbackQuery,
    callback_data: DonBack,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    flow, _ = await _target_of(state)
    step = callback_data.step
    if step == "target":
        step = "start" if flow.campaign_id is not None else ("county" if flow.province_id else "province")
    if step == "start":
        await state.set_state(DonateFlow.target)
        await state.set_data({})
        text, markup = await _start_screen(session, t, clock.now())
    elif step == "purpose":
        await state.set_state(DonateFlow.target)
        await state.set_data({})
        text, markup = _purpose_screen(t)
    elif step == "province" and flow.purpose is not None:
        await _save(state, DonateFlow.province, province_id=None, county_id=None)
        text, markup = _province_screen(t, flow.purpose)
    elif step == "county" and flow.purpose is not None and flow.province_id is not None:
        await _save(state, DonateFlow.county, county_id=None)
        text, markup = _county_screen(t, flow.province_id)
    elif step == "amount" and flow.complete:
        await _show_amount(query, state, session, t, settings, profile, flow)
        return
    else:
        _stale(callback_answer, t)
        return
    await show(query, text, markup, profile)


# --- Typed input inside the flow ----------------------------------------------------------------------

TYPED = F.text & ~F.text.startswith("/")


@router.message(DonateFlow.province, TYPED)
async def province_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    flow, _ = await _target_of(state)
    text = (message.text or "")[:MAX_TYPED_NAME]
    if flow.purpose is None:
        await state.clear()
        await message.answer(t("donations-stale"))
        return
    found = regions.match_region(text)
    if found.kind is MatchKind.PROVINCE and found.province is not None:
        await _province_selected(message, state, session, t, settings, profile, flow, found.province.id)
        return
    if found.kind is MatchKind.COUNTY and found.county is not None:  # «مشهد»: its county, at once
        chosen = service.Target(
            purpose=flow.purpose, province_id=found.county.province_id, county_id=found.county.id
        )
        await _show_amount(message, state, session, t, settings, profile, chosen)
        return
    if found.choices:
        key = (
            "donations-province-did-you-mean"
            if found.province_choices() == list(found.choices)
            else "donations-region-did-you-mean"
        )
        await message.answer(t(key), reply_markup=_did_you_mean(t, found.choices, "province"))
        return
    _, markup = _province_screen(t, flow.purpose)
    await message.answer(t("donations-province-not-found", text=text), reply_markup=markup)


@router.message(DonateFlow.county, TYPED)
async def county_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    flow, _ = await _target_of(state)
    text = (message.text or "")[:MAX_TYPED_NAME]
    if flow.purpose is None or flow.province_id is None:
        await state.clear()
        await message.answer(t("donations-stale"))
        return
    found = regions.match_region(text, flow.province_id)
    if found.kind is MatchKind.COUNTY and found.county is not None:
        chosen = service.Target(purpose=flow.purpose, province_id=flow.province_id, county_id=found.county.id)
        await _show_amount(message, state, session, t, settings, profile, chosen)
        return
    if found.choices:
        markup = _did_you_mean(t, found.choices, "county")
        await message.answer(t("donations-county-did-you-mean"), reply_markup=markup)
        return
    province = regions.get_province(flow.province_id).name(t.locale)
    _, markup = _county_screen(t, flow.province_id)
    await message.answer(t("donations-county-not-found", text=text, province=province), reply_markup=markup)


def _did_you_mean(
    t: Translator, choices: Sequence[regions.Province | regions.County], step: str
) -> InlineKeyboardMarkup:
    """Up to six close places as buttons (a county from another step's list with its province),
    with Back and Cancel."""
    rows = []
    for choice in choices[:6]:
        if isinstance(choice, regions.Province):
            label = choice.name(t.locale)
        else:
            label = choice.name(t.locale)
            if step == "province":
                province = regions.get_province(choice.province_id).name(t.locale)
                label = t("common-county-in-province", county=label, province=province)
        rows.append([picker.choice_button(t, FLOW, choice, label)])
    rows.append([_back(t, step), cancel_button(t)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(StateFilter(DonateFlow.amount, DonateFlow.confirm), TYPED)
async def amount_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    flow, _ = await _target_of(state)
    if not flow.complete:
        await state.clear()
        await message.answer(t("donations-stale"))
        return
    config = settings.donations
    typed = (message.text or "")[:200]
    checked = service.check_typed_amount(
        parse_amount(typed), min_toman=config.min_toman, max_toman=config.max_toman
    )
    if checked.slip is not None:
        await _save(state, DonateFlow.amount, slip=checked.slip.toman)
        question, markup = _slip_question(t, checked.slip)
        await message.answer(question, reply_markup=markup)
        return
    if checked.rials is None:
        assert checked.problem is not None
        await message.answer(
            t(
                f"donations-amount-{checked.problem.value.replace('_', '-')}",
                min=format_toman(config.min_toman * 10, t.locale),
                max=format_toman(config.max_toman * 10, t.locale),
            ),
        )
        return
    await _show_confirm(message, state, session, t, settings, profile, flow, checked.rials)


def _slip_question(t: Translator, slip: Slip) -> tuple[str, InlineKeyboardMarkup]:
    """«منظورتان ۷۵٬۰۰۰ تومان است؟» with yes / no."""
    amount = format_toman(toman_to_rials(slip.toman), t.locale)
    if slip.kind is SlipKind.RIALS:
        rials = format_number(toman_to_rials(slip.toman), t.locale)
        question = t("donations-amount-slip-rials", rials=rials, amount=amount)
    else:
        question = t("donations-amount-slip", amount=amount)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("donations-amount-slip-yes", amount=amount),
                    callback_data=DonSlip(toman=slip.toman).pack(),
                )
            ],
            [InlineKeyboardButton(text=t("donations-amount-slip-no"), callback_data=DonSlip(toman=0).pack())],
        ]
    )
    return question, markup


@router.callback_query(DonSlip.filter(), StateFilter(DonateFlow.amount))
async def slip_answered(
    query: CallbackQuery,
    callback_data: DonSlip,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    """Yes: the amount probably meant goes to the confirm screen. No: type the amount again."""
    flow, data = await _target_of(state)
    suggested = data.get("slip")
    if not flow.complete or not flow.valid() or not isinstance(suggested, int):
        _stale(callback_answer, t)
        return
    await _save(state, DonateFlow.amount, slip=None)
    if callback_data.toman == 0:
        markup = InlineKeyboardMarkup(inline_keyboard=[[_back(t, "amount"), cancel_button(t)]])
        await show(query, t("donations-amount-custom-prompt"), markup, profile)
        return
    config = settings.donations
    checked = service.check_amount(
        callback_data.toman, min_toman=config.min_toman, max_toman=config.max_toman
    )
    if callback_data.toman != suggested or checked.rials is None:
        _stale(callback_answer, t)
        return
    await _show_confirm(query, state, session, t, settings, profile, flow, checked.rials)


@router.message(DonateFlow.target, TYPED)
async def target_typed(message: Message, t: Translator) -> None:
    await message.answer(t("donations-use-buttons"))


@router.message(StateFilter(DonateFlow), ~F.text)
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("donations-text-expected"))


# --- Paying ---------------------------------------------------------------------------------------------


async def _pay_pressed_again(query: CallbackQuery, data: dict[str, Any]) -> None:
    """A repeat press of a Pay button (a double tap, an old message): nothing is sent again; the
    answer says whether the gift is paid already."""
    t: Translator = data["t"]
    answer: CallbackAnswer = data["callback_answer"]
    order = await service.find_by_payload(data["session"], DonPay.unpack(query.data or "").order)
    if order is not None and order.status == DonationStatus.PAID.value:
        answer.text = t("donations-already-paid")
        answer.show_alert = True
    else:
        answer.text = t("common-already-done")


@router.callback_query(DonPay.filter(), flags={"once": _pay_pressed_again})
async def pay(
    query: CallbackQuery,
    callback_data: DonPay,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    now = clock.now()
    flow, data = await _target_of(state)
    provider = options_for(settings, profile).get(callback_data.provider)
    order = await service.find_by_payload(session, callback_data.order)
    if order is not None:
        again = service.pressed_again(
            order,
            user_id=user.id,
            provider=provider.name if provider is not None else None,
            invoice=isinstance(provider, InvoiceProvider),
        )
        if again is PayOutcome.ALREADY_PAID:
            callback_answer.text = t("donations-already-paid")
            callback_answer.show_alert = True
        elif again is PayOutcome.RESEND_INVOICE and isinstance(provider, InvoiceProvider):
            await _send_invoice(query, t, session, order, provider)
        elif again is PayOutcome.RESEND_LINK and isinstance(provider, ZarinpalGateway):
            await _send_gateway_link(query, t, provider, order)
        else:
            _stale(callback_answer, t)
        return
    amount = data.get("amount")
    if (
        provider is None
        or data.get("order") != callback_data.order
        or not flow.complete
        or not flow.valid()
        or not isinstance(amount, int)
    ):
        _stale(callback_answer, t)
        return
    if isinstance(provider, InvoiceProvider):
        invoice_terms = provider.terms(amount)
        # What the invoice charges (rounded up to whole Stars or cents): the receipt shows it.
        terms = service.OrderTerms(
            provider.name,
            invoice_terms.currency,
            provider.rials_for(invoice_terms.total_amount),
            invoice_terms.total_amount,
        )
    else:
        terms = service.OrderTerms(provider.name, "IRR", amount, amount)
    placed = await service.place_order(
        session, user_id=user.id, target=flow, terms=terms, payload=callback_data.order, now=now
    )
    if placed.outcome is PayOutcome.BANNED:
        await show(
            query, t("donations-banned"), InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]), profile
        )
        return
    if placed.outcome is PayOutcome.CAMPAIGN_CLOSED:
        await state.set_state(DonateFlow.target)
        await state.set_data({})
        callback_answer.text = t("donations-campaign-closed")
        callback_answer.show_alert = True
        text, markup = await _start_screen(session, t, now)
        await show(query, text, markup, profile)
        return
    donation = placed.donation
    assert donation is not None
    if isinstance(provider, InvoiceProvider):
        await state.clear()
        await show(
            query,
            t("donations-invoice-sent", amount=format_toman(donation.amount_rials, t.locale)),
            None,
            profile,
        )
        try:
            await _send_invoice(query, t, session, donation, provider)
        except TelegramBadRequest as error:
            # The platform refused the invoice (an amount outside its limits for this currency,
            # a provider token it does not accept): nothing was charged; say so and offer a retry.
            logger.warning("invoice for order %s refused: %s", donation.payload, error)
            await service.invoice_refused(session, donation.id)
            retry_row = [
                InlineKeyboardButton(
                    text=t("donations-retry"), callback_data=DonRetry(id=donation.id).pack()
                ),
                home_button(t),
            ]
            await show(
                query,
                t("donations-invoice-refused"),
                InlineKeyboardMarkup(inline_keyboard=[retry_row]),
                profile,
            )
        return
    target = await _describe_target(session, t, flow)
    description = t("donations-invoice-description", target=target, amount=format_toman(amount, t.locale))
    opened = await service.open_gateway_payment(session, donation, provider, description=description, now=now)
    if opened.outcome is PayOutcome.GATEWAY_DOWN:
        await show(
            query,
            t("donations-gateway-down"),
            InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]),
            profile,
        )
        return
    await state.clear()
    await _send_gateway_link(query, t, provider, donation, edit=profile)


async def _send_invoice(
    query: CallbackQuery, t: Translator, session: AsyncSession, donation: Donation, provider: InvoiceProvider
) -> None:
    campaign = (
        await campaign_service.get_campaign(session, donation.campaign_id) if donation.campaign_id else None
    )
    target = donation_target_text(t, donation, campaign)
    description = t(
        "donations-invoice-description", target=target, amount=format_toman(donation.amount_rials, t.locale)
    )
    bot = query.bot
    assert isinstance(bot, Bot)
    terms = provider.terms(donation.amount_rials)
    await bot.send_invoice(
        chat_id=query.from_user.id,
        title=t("donations-invoice-title")[:32],
        description=description[:255],
        payload=donation.payload,
        currency=donation.currency,
        prices=[
            LabeledPrice(
                label=t("donations-invoice-label"), amount=donation.invoice_amount or terms.total_amount
            )
        ],
        provider_token=terms.provider_token,
    )


async def _send_gateway_link(
    query: CallbackQuery,
    t: Translator,
    gateway: ZarinpalGateway,
    donation: Donation,
    edit: PlatformProfile | None = None,
) -> None:
    assert donation.gateway_authority
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("donations-gateway-button"), url=gateway.start_pay_url(donation.gateway_authority)
                )
            ]
        ]
    )
    text = t("donations-gateway-sent", amount=format_toman(donation.amount_rials, t.locale))
    if edit is not None:
        await show(query, text, markup, edit)
        return
    bot = query.bot
    assert isinstance(bot, Bot)
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


@router.callback_query(DonRetry.filter())
async def retry(
    query: CallbackQuery,
    callback_data: DonRetry,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    donation = await service.get_donation(session, callback_data.id)
    if donation is None or donation.user_id != user.id or donation.status != DonationStatus.FAILED.value:
        _stale(callback_answer, t)
        return
    flow = service.Target(
        campaign_id=donation.campaign_id,
        purpose=donation.purpose if donation.campaign_id is None else None,
        province_id=donation.province_id if donation.campaign_id is None else None,
        county_id=donation.county_id if donation.campaign_id is None else None,
    )
    if not await _ready(query, session, user, t, settings, profile):
        return
    if flow.campaign_id is not None:
        campaign = await campaign_service.get_campaign(session, flow.campaign_id)
        if campaign is None or not campaign_service.is_open(campaign, clock.now()):
            callback_answer.text = t("donations-campaign-closed")
            callback_answer.show_alert = True
            return
    await _show_confirm(query, state, session, t, settings, profile, flow, donation.amount_rials)


# --- The platform's payment updates -------------------------------------------------------------------


@payments_router.pre_checkout_query()
async def pre_checkout(
    query: PreCheckoutQuery, session: AsyncSession, user: UserRecord, t: Translator, clock: Clock
) -> None:
    problem = await service.check_pre_checkout(
        session,
        user_id=user.id,
        payload=query.invoice_payload,
        currency=query.currency,
        total_amount=query.total_amount,
        now=clock.now(),
        budget=PRE_CHECKOUT_BUDGET,
    )
    if problem is None:
        await query.answer(ok=True)
        return
    logger.info("pre-checkout for %r declined: %s", query.invoice_payload, problem)
    await query.answer(ok=False, error_message=t(f"donations-precheckout-{problem}"))


@payments_router.message(F.successful_payment, F.chat.type == "private")
async def successful_payment(
    message: Message,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    app: HamdelApp,
) -> None:
    payment = message.successful_payment
    assert payment is not None
    charge_id = payment.telegram_payment_charge_id or payment.provider_payment_charge_id
    if not charge_id:
        logger.error("successful_payment without a charge id from user %s: %r", user.user_id, payment)
        return
    provider = invoice_provider(settings.donations, profile.invoice_provider)
    order = await service.find_by_payload(session, payment.invoice_payload)
    invoiced = (order.currency, order.invoice_amount) if order is not None and order.invoice_amount else None
    record = await service.record_payment(
        session,
        user_id=user.id,
        payload=payment.invoice_payload,
        order=order,
        provider=order.provider if order is not None else profile.invoice_provider,
        provider_ref=f"{profile.invoice_provider}:{charge_id}",
        currency=payment.currency,
        total_amount=payment.total_amount,
        amount_rials=_rials_of(provider, payment.currency, payment.total_amount),
        now=clock.now(),
    )
    held = record.result is service.RecordResult.HELD
    if record.new:
        logger.info(
            "payment %s recorded (%s) as receipt %s", charge_id, record.result, record.donation.receipt_number
        )
        if held:
            app.metrics.donation_held(payment.currency)
        else:
            app.metrics.donation_recorded(record.donation.amount_rials, payment.currency)
    else:
        logger.warning("payment %s delivered again: not counted twice", charge_id)
    # The donor's conversation state is left alone: they may be in the middle of something else.
    bot = message.bot
    assert isinstance(bot, Bot)
    if held:
        paid = (payment.currency, payment.total_amount)
        await _tell_held(bot, t, app, message.chat.id, record.donation, paid, invoiced)
        return
    if record.donation.status == DonationStatus.HELD.value:
        return  # a held payment delivered again: told once already
    await send_receipt(bot, session, t, message.chat.id, record.donation, clock)


def paid_amount_text(t: Translator, currency: str, total_amount: int) -> str:
    """What a provider says was paid, in its own currency: toman for rials, else the currency's
    smallest unit and code (Stars, cents)."""
    if currency == "IRR":
        return format_toman(total_amount, t.locale)
    return t("donations-paid-in-currency", amount=format_number(total_amount, t.locale), currency=currency)


async def _tell_held(
    bot: Bot,
    t: Translator,
    app: HamdelApp,
    chat_id: int,
    donation: Donation,
    paid: tuple[str, int],
    invoiced: tuple[str, int] | None,
) -> None:
    """A payment in another currency or amount than its invoice: the donor hears that staff
    review it (no receipt, counted nowhere); the staff chat gets the facts to settle it."""
    try:
        await bot.send_message(chat_id, t("donations-held", paid=paid_amount_text(t, *paid)))
    except TelegramAPIError as error:
        logger.warning("could not tell %s that payment %s is held: %s", chat_id, donation.provider_ref, error)
    staff_chat = app.settings.staff.staff_chat_id
    if staff_chat is None:
        logger.error(
            "held payment %s (donation %s): STAFF_CHAT_ID is not set", donation.provider_ref, donation.id
        )
        return
    staff_t = app.i18n.translator(app.settings.locale.default_locale)
    text = staff_t(
        "donations-held-staff",
        id=donation.id,
        paid=paid_amount_text(staff_t, *paid),
        ordered=paid_amount_text(staff_t, *invoiced)
        if invoiced
        else staff_t("donations-held-staff-no-order"),
        reference=donation.provider_ref or "—",
        date=format_datetime(donation.paid_at or donation.created_at, staff_t.locale),
    )
    try:
        await bot.send_message(staff_chat, text)
    except TelegramAPIError as error:
        logger.error("held payment %s not announced to the staff chat: %s", donation.provider_ref, error)


def _rials_of(provider: InvoiceProvider | None, currency: str, total_amount: int) -> int | None:
    if currency == "IRR":
        return total_amount
    if provider is not None and provider.currency == currency:
        return provider.rials_for(total_amount)
    return None


# --- History -------------------------------------------------------------------------------------------


async def _history_screen(
    session: AsyncSession, t: Translator, user: UserRecord, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    history = await service.donor_history(session, user.id, page=page, per_page=HISTORY_PER_PAGE)
    donate = InlineKeyboardButton(
        text=t("donations-history-donate"), callback_data=MenuCallback(section=SECTION.key).pack()
    )
    if history.count == 0:
        return t("donations-history-empty"), InlineKeyboardMarkup(
            inline_keyboard=[[donate], [home_button(t)]]
        )
    lines = [
        t("donations-history-title", count=history.count, total=format_toman(history.total_rials, t.locale))
    ]
    first = history.page * HISTORY_PER_PAGE + 1
    for index, donation in enumerate(history.donations, start=first):
        refunded = donation.status == DonationStatus.REFUNDED.value
        lines.append(
            t(
                "donations-history-refunded" if refunded else "donations-history-line",
                index=index,
                date=format_date(donation.paid_at or donation.created_at, t.locale),
                amount=format_toman(donation.amount_rials, t.locale),
                target=donation_target_text(t, donation, history.campaigns.get(donation.campaign_id or 0)),
                receipt=receipt_label(donation.receipt_number, t.locale),
            )
        )
    if history.pages > 1:
        lines.append(t("donations-history-page", page=history.page + 1, pages=history.pages))
    rows: list[list[InlineKeyboardButton]] = []
    # Every gift's receipt can be opened again (sent as a copy).
    copies = [
        InlineKeyboardButton(
            text=t("donations-history-receipt-button", index=index),
            callback_data=ReceiptCopy(id=donation.id).pack(),
        )
        for index, donation in enumerate(history.donations, start=first)
        if donation.receipt_number
    ]
    rows += [copies[i : i + 4] for i in range(0, len(copies), 4)]
    nav = _nav_row(t, history.page, history.pages, lambda p: HistoryPage(page=p))
    if nav:
        rows.append(nav)
    rows += [[donate], [home_button(t)]]
    return "\n\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("mydonations"))
async def my_donations(message: Message, session: AsyncSession, user: UserRecord, t: Translator) -> None:
    text, markup = await _history_screen(session, t, user, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(HistoryPage.filter())
async def my_donations_page(
    query: CallbackQuery,
    callback_data: HistoryPage,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    text, markup = await _history_screen(session, t, user, callback_data.page)
    await show(query, text, markup, profile)


@router.callback_query(ReceiptCopy.filter())
async def receipt_copy(
    query: CallbackQuery,
    callback_data: ReceiptCopy,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    """A past gift's receipt again, as a new message marked as a copy."""
    donation = await service.receipted_gift(session, user.id, callback_data.id)
    if donation is None:
        _stale(callback_answer, t)
        return
    campaign = (
        await campaign_service.get_campaign(session, donation.campaign_id) if donation.campaign_id else None
    )
    text = t("donations-receipt-copy", receipt=receipt_text(t, donation, campaign))
    bot = query.bot
    assert isinstance(bot, Bot)
    await bot.send_message(query.from_user.id, text, reply_markup=receipt_markup(t))


async def _on_startup(app: HamdelApp) -> None:
    settings = app.settings
    for problem in problems(
        settings.donations, platform_provider=app.profile.invoice_provider, webhook_url=settings.webhook.url
    ):
        logger.warning("donations: %s", problem)
    if not options_for(settings, app.profile):
        logger.warning("donations: no way to pay is configured; /donate will say payments are unavailable")


feature = Feature(
    name="donations",
    private=router,
    chatless=payments_router,
    section=SECTION,
    commands=(("donate", "donations-cmd-donate"), ("mydonations", "donations-cmd-mydonations")),
    on_startup=(_on_startup,),
)
