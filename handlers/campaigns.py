"""/campaigns and the menu's campaigns section: one card at a time, with progress counted from
paid donations, and a Donate button on every card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.donation_views import CAMPAIGNS_SECTION, DonCampaign, card_text
from bot.donation_views import SECTION as DONATE_SECTION
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import CallbackInt, Feature, MenuCallback, home_button, show
from models.donation import Campaign
from services import campaigns as service
from services.clock import Clock

router = Router(name="campaigns")

SECTION = CAMPAIGNS_SECTION


class CampaignCard(CallbackData, prefix="cmc"):
    index: CallbackInt


async def _screen(
    session: AsyncSession, t: Translator, now_index: int, clock: Clock
) -> tuple[str, InlineKeyboardMarkup, Campaign | None]:
    now = clock.now()
    active = await service.active_campaigns(session, now)
    donate_any = InlineKeyboardButton(
        text=t("campaigns-donate-other"), callback_data=MenuCallback(section=DONATE_SECTION.key).pack()
    )
    if not active:
        return (
            t("campaigns-none"),
            InlineKeyboardMarkup(inline_keyboard=[[donate_any], [home_button(t)]]),
            None,
        )
    index = min(max(now_index, 0), len(active) - 1)
    campaign = active[index]
    progress = service.progress(campaign, await service.campaign_total(session, campaign.id), now)
    rows = [
        [InlineKeyboardButton(text=t("campaigns-donate"), callback_data=DonCampaign(id=campaign.id).pack())]
    ]
    nav = []
    if index > 0:
        nav.append(
            InlineKeyboardButton(
                text=t("common-previous-page"), callback_data=CampaignCard(index=index - 1).pack()
            )
        )
    if index < len(active) - 1:
        nav.append(
            InlineKeyboardButton(
                text=t("common-next-page"), callback_data=CampaignCard(index=index + 1).pack()
            )
        )
    if nav:
        rows.append(nav)
    rows.append([home_button(t)])
    return (
        card_text(t, campaign, progress, (index, len(active))),
        InlineKeyboardMarkup(inline_keyboard=rows),
        campaign,
    )


async def _show_card(
    target: Message | CallbackQuery,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    index: int,
) -> None:
    text, markup, campaign = await _screen(session, t, index, clock)
    if campaign is not None and campaign.image_file_id and len(text) <= profile.max_caption_length:
        # A card with a picture is always a new message: a text message cannot become a photo.
        chat_id = target.from_user.id if target.from_user else None
        bot = target.bot
        if chat_id is not None and bot is not None:
            await bot.send_photo(chat_id, campaign.image_file_id, caption=text, reply_markup=markup)
            return
    await show(target, text, markup, profile)


@router.message(Command("campaigns"))
async def campaigns_command(
    message: Message, session: AsyncSession, t: Translator, profile: PlatformProfile, clock: Clock
) -> None:
    await _show_card(message, session, t, profile, clock, 0)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def campaigns_menu(
    query: CallbackQuery, session: AsyncSession, t: Translator, profile: PlatformProfile, clock: Clock
) -> None:
    await _show_card(query, session, t, profile, clock, 0)


@router.callback_query(CampaignCard.filter())
async def campaign_card(
    query: CallbackQuery,
    callback_data: CampaignCard,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await _show_card(query, session, t, profile, clock, callback_data.index)


feature = Feature(
    name="campaigns",
    private=router,
    section=SECTION,
    commands=(("campaigns", "campaigns-cmd"),),
)
