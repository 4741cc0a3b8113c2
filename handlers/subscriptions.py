"""🔔 News settings: topics on and off, the user's province, /stop, and the buttons under every
broadcast (unsubscribe; open the campaign it is about)."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast_views import CampaignCallback, UnsubscribeCallback
from bot.donation_views import DonCampaign, card_text
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import Feature, InlineKeyboardBuilder, MenuCallback, MenuSection, home_button, show
from bot.widgets import region_picker as picker
from bot.widgets.choices import alert, toast
from bot.widgets.region_picker import RegionPick
from models.broadcasts import Topic
from models.donation import CampaignStatus
from services import campaigns as campaign_service
from services import regions, subscriptions
from services.clock import Clock
from services.subscriptions import TOPICS, Preferences, topic_key
from services.users import UserRecord

logger = logging.getLogger("hamdel.subscriptions")

router = Router(name="subscriptions")

FLOW = "sub"  # this flow's tag in the shared region picker

SECTION = MenuSection(key="subscriptions", text_key="menu-subscriptions", order=80)


class SubCallback(CallbackData, prefix="sub"):
    """The settings screen: action t (toggle topic), p (province list), stop, resume; the province
    itself is chosen in the shared region picker."""

    action: str
    value: str = ""


class ProvinceInput(StatesGroup):
    typing = State()


def _province_name(province_id: str | None, locale: str) -> str | None:
    if not province_id:
        return None
    province = regions.default_regions().find_province(province_id)
    return province.name(locale) if province else None


def _screen(t: Translator, prefs: Preferences) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("subscriptions-screen")]
    name = _province_name(prefs.province_id, t.locale)
    lines.append(t("subscriptions-province-line", name=name) if name else t("subscriptions-province-none"))
    if prefs.stopped:
        lines.append(t("subscriptions-stopped-note"))
    builder = InlineKeyboardBuilder()
    for topic in TOPICS:
        mark = "subscriptions-on" if prefs.on(topic) else "subscriptions-off"
        builder.row(
            InlineKeyboardButton(
                text=t(mark, topic=t(topic_key(topic))),
                callback_data=SubCallback(action="t", value=topic.value).pack(),
            )
        )
    province_text = (
        t("subscriptions-province-button", name=name) if name else t("subscriptions-province-choose-button")
    )
    builder.row(InlineKeyboardButton(text=province_text, callback_data=SubCallback(action="p").pack()))
    if prefs.stopped:
        builder.row(
            InlineKeyboardButton(
                text=t("subscriptions-resume-button"), callback_data=SubCallback(action="resume").pack()
            )
        )
    else:
        builder.row(
            InlineKeyboardButton(
                text=t("subscriptions-stop-button"), callback_data=SubCallback(action="stop").pack()
            )
        )
    builder.row(home_button(t))
    return "\n\n".join(lines), builder.as_markup()


def _provinces_keyboard(t: Translator, page: int = 0) -> InlineKeyboardMarkup:
    back = InlineKeyboardButton(
        text=t("common-back-button"), callback_data=MenuCallback(section=SECTION.key).pack()
    )
    return picker.province_keyboard(
        t, FLOW, page=page, anywhere=t("subscriptions-province-clear-button"), footer=[[back]]
    )


def _come_back(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("subscriptions-resume-button"), callback_data=SubCallback(action="resume").pack()
                )
            ],
            [home_button(t)],
        ]
    )


# --- the settings screen ------------------------------------------------------------------------


@router.message(Command("subscriptions"))
async def subscriptions_command(
    message: Message, state: FSMContext, session: AsyncSession, user: UserRecord, t: Translator
) -> None:
    await state.clear()
    text, markup = _screen(t, await subscriptions.get(session, user.id))
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def subscriptions_menu(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    text, markup = _screen(t, await subscriptions.get(session, user.id))
    await show(query, text, markup, profile)


@router.callback_query(SubCallback.filter(F.action == "t"))
async def toggle_topic(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SubCallback,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    if callback_data.value not in Topic._value2member_map_:
        alert(callback_answer, t("fallback-stale-button"))
        return
    topic = Topic(callback_data.value)
    prefs = await subscriptions.toggle(session, user.id, topic, now=clock.now())
    key = "subscriptions-toggled-on" if prefs.on(topic) else "subscriptions-toggled-off"
    toast(callback_answer, t(key, topic=t(topic_key(topic))))
    text, markup = _screen(t, prefs)
    await show(query, text, markup, profile)


@router.callback_query(SubCallback.filter(F.action == "p"))
async def province_list(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.set_state(ProvinceInput.typing)
    await show(query, t("subscriptions-province-prompt"), _provinces_keyboard(t), profile)


async def _province_saved(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    province_id: str | None,
) -> None:
    await state.clear()
    prefs = await subscriptions.set_province(session, user.id, province_id, now=clock.now())
    name = _province_name(province_id, t.locale)
    text, markup = _screen(t, prefs)
    if name:
        text = t("subscriptions-province-saved", name=name) + "\n\n" + text
    await show(target, text, markup, profile)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & (F.kind == picker.PROVINCE_PAGE)))
async def province_page(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.set_state(ProvinceInput.typing)
    await show(query, t("subscriptions-province-prompt"), _provinces_keyboard(t, callback_data.page), profile)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & F.kind.in_({picker.PROVINCE, picker.ANYWHERE})))
async def province_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RegionPick,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    province_id: str | None = None
    if callback_data.kind == picker.PROVINCE:
        if regions.default_regions().find_province(callback_data.id) is None:
            alert(callback_answer, t("fallback-stale-button"))
            return
        province_id = callback_data.id
    await _province_saved(query, state, session, user, t, profile, clock, province_id)


@router.message(ProvinceInput.typing, F.text)
async def province_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    text = (message.text or "")[:100]
    found = regions.match_region(text)
    if found.province is not None:  # a province, or a county or city in it («مشهد»)
        await _province_saved(message, state, session, user, t, profile, clock, found.province.id)
        return
    if not found.choices:
        await message.answer(
            t("subscriptions-province-unknown", text=text[:40]), reply_markup=_provinces_keyboard(t)
        )
        return
    builder = InlineKeyboardBuilder()
    for province in found.province_choices()[:4]:
        builder.add(picker.choice_button(t, FLOW, province))
    builder.adjust(2)
    await message.answer(t("subscriptions-province-candidates"), reply_markup=builder.as_markup())


@router.message(ProvinceInput.typing)
async def province_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("subscriptions-province-prompt"), reply_markup=_provinces_keyboard(t))


# --- stopping and coming back --------------------------------------------------------------------


@router.message(Command("stop"))
async def stop_command(
    message: Message, state: FSMContext, session: AsyncSession, user: UserRecord, t: Translator, clock: Clock
) -> None:
    await state.clear()
    stopped = await subscriptions.stop_all(session, user.id, now=clock.now())
    await message.answer(
        t("subscriptions-stopped" if stopped else "subscriptions-already-stopped"), reply_markup=_come_back(t)
    )


@router.callback_query(SubCallback.filter(F.action == "stop"))
async def stop_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    stopped = await subscriptions.stop_all(session, user.id, now=clock.now())
    text = t("subscriptions-stopped" if stopped else "subscriptions-already-stopped")
    await show(query, text, _come_back(t), profile)


@router.callback_query(UnsubscribeCallback.filter())
async def unsubscribe_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: UnsubscribeCallback,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    clock: Clock,
) -> None:
    """Under a broadcast: the broadcast stays as it is; the answer is a new message."""
    stopped = await subscriptions.stop_all(session, user.id, now=clock.now(), broadcast_id=callback_data.b)
    toast(callback_answer, t("subscriptions-unsubscribed-toast"))
    if isinstance(query.message, Message):
        await query.message.answer(
            t("subscriptions-stopped" if stopped else "subscriptions-already-stopped"),
            reply_markup=_come_back(t),
        )


@router.callback_query(SubCallback.filter(F.action == "resume"))
async def resume_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    prefs = await subscriptions.resume_defaults(session, user.id, now=clock.now())
    text, markup = _screen(t, prefs)
    await show(query, t("subscriptions-resumed") + "\n\n" + text, markup, profile)


# --- a broadcast's campaign button ------------------------------------------------------------


# Someone who pressed a broadcast's campaign button wants to read about it: more of the description.
BROADCAST_CARD_DESCRIPTION = 1500


@router.callback_query(CampaignCallback.filter())
async def campaign_card(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignCallback,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
) -> None:
    campaign = await campaign_service.get_campaign(session, callback_data.id)
    if campaign is None or campaign.status == CampaignStatus.DRAFT.value:
        alert(callback_answer, t("subscriptions-campaign-missing"))
        return
    progress = await campaign_service.campaign_progress(session, campaign, clock.now())
    text = card_text(t, campaign, progress, description_limit=BROADCAST_CARD_DESCRIPTION)
    builder = InlineKeyboardBuilder()
    if progress.open:
        builder.row(
            InlineKeyboardButton(
                text=t("campaigns-donate"),
                callback_data=DonCampaign(id=campaign.id).pack(),
            )
        )
    else:
        text += "\n\n" + t("subscriptions-campaign-closed")
    builder.row(home_button(t))
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=builder.as_markup())


feature = Feature(
    name="subscriptions",
    private=router,
    section=SECTION,
    commands=(("subscriptions", "cmd-subscriptions"), ("stop", "cmd-stop")),
)
