"""What donors see of campaigns and gifts, shown by more than one screen: the campaign card (in
/campaigns, under a broadcast, in the staff preview), the target and receipt texts (the donate
flow, the gateway's return, the receipt copy), the donate buttons other screens carry, and the
receipt's claim-then-send."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import CallbackInt, InlineKeyboardBuilder, MenuCallback, MenuSection, home_button, kept
from models.donation import Campaign, Donation
from services import campaigns as campaign_service
from services import donations as service
from services import regions
from services.clock import Clock
from services.payments import PaymentOptions, payment_options
from services.persian import format_datetime, format_toman, to_fa_digits

logger = logging.getLogger("hamdel.donations")

SECTION = MenuSection(key="donate", text_key="donations-menu", order=10)
CAMPAIGNS_SECTION = MenuSection(key="campaigns", text_key="campaigns-menu", order=20)
CAMPAIGNS_SECTION_KEY = CAMPAIGNS_SECTION.key
DESCRIPTION_LIMIT = 320

LRI, PDI = "\u2066", "\u2069"


class DonCampaign(CallbackData, prefix="dnc"):
    """Donate to this campaign (the donate flow's first step, from any campaign card)."""

    id: CallbackInt


class DonRetry(CallbackData, prefix="dnr"):
    """Try a failed payment again (under the failure notice, in the chat or after the gateway)."""

    id: CallbackInt


class HistoryPage(CallbackData, prefix="dnh"):
    page: CallbackInt


def purpose_name(t: Translator, purpose: str | None) -> str:
    return t(f"donations-purpose-{purpose or 'general'}")


def region_text(t: Translator, province_id: str | None, county_id: str | None) -> str:
    data = regions.default_regions()
    province = data.find_province(province_id) if province_id else None
    if province is None:
        return t("donations-region-national")
    county = data.find_county(county_id) if county_id else None
    if county is None:
        return t("donations-region-province", province=province.name(t.locale))
    return t("donations-region-county", province=province.name(t.locale), county=county.name(t.locale))


def target_text(
    t: Translator,
    *,
    campaign: Campaign | None,
    purpose: str | None,
    province_id: str | None,
    county_id: str | None,
) -> str:
    if campaign is not None:
        return t("donations-target-campaign", title=campaign.title(t.locale))
    return t(
        "donations-target-purpose",
        purpose=purpose_name(t, purpose),
        region=region_text(t, province_id, county_id),
    )


def donation_target_text(t: Translator, donation: Donation, campaign: Campaign | None) -> str:
    return target_text(
        t,
        campaign=campaign,
        purpose=donation.purpose,
        province_id=donation.province_id,
        county_id=donation.county_id,
    )


def receipt_label(number: str | None, locale: str) -> str:
    """A receipt number kept left-to-right inside a Persian sentence: «۱۴۰۵-۰۰۰۰۴۲»."""
    if not number:
        return "—"
    return f"{LRI}{to_fa_digits(number) if locale == 'fa' else number}{PDI}"


def receipt_text(t: Translator, donation: Donation, campaign: Campaign | None) -> str:
    return t(
        "donations-receipt",
        number=receipt_label(donation.receipt_number, t.locale),
        amount=format_toman(donation.amount_rials, t.locale),
        date=format_datetime(donation.paid_at or donation.created_at, t.locale),
        target=donation_target_text(t, donation, campaign),
    )


def receipt_markup(t: Translator) -> InlineKeyboardMarkup:
    """A receipt is a record: its buttons open their screens as new messages (`kept`), never
    editing the receipt away."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t("donations-receipt-history"), callback_data=HistoryPage(page=0))
    builder.button(
        text=t("donations-receipt-campaigns"), callback_data=MenuCallback(section=CAMPAIGNS_SECTION_KEY)
    )
    builder.add(home_button(t))
    builder.adjust(2, 1)
    return kept(builder.as_markup())


def options_for(settings: Settings, profile: PlatformProfile) -> PaymentOptions:
    return payment_options(
        settings.donations, platform_provider=profile.invoice_provider, webhook_url=settings.webhook.url
    )


async def send_receipt(
    bot: Bot, session: AsyncSession, t: Translator, chat_id: int, donation: Donation, clock: Clock
) -> bool:
    """Claim the receipt (durably: `services.donations.claim_receipt` commits), then send it; a
    failed send gives the claim back (a redelivered payment then tries again). Returns whether it
    was sent."""
    campaign = (
        await campaign_service.get_campaign(session, donation.campaign_id) if donation.campaign_id else None
    )
    if not await service.claim_receipt(session, donation.id, clock.now()):
        return False
    try:
        await bot.send_message(chat_id, receipt_text(t, donation, campaign), reply_markup=receipt_markup(t))
    except TelegramAPIError as error:
        logger.warning("receipt %s not delivered to %s: %s", donation.receipt_number, chat_id, error)
        await service.release_receipt(session, donation.id)
        return False
    return True


def _short(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def card_text(
    t: Translator,
    campaign: Campaign,
    progress: campaign_service.CampaignProgress,
    position: tuple[int, int] | None = None,
    *,
    description_limit: int = DESCRIPTION_LIMIT,
) -> str:
    """The one campaign card donors see: in /campaigns (with its place in the list), under a
    broadcast's campaign button, and in the campaign preview staff see before saving."""
    if not progress.open:
        remaining = t("campaigns-ended")
    elif progress.days_left <= 1:
        remaining = t("campaigns-last-day")
    else:
        remaining = t("campaigns-days-left", days=progress.days_left)
    text = t(
        "campaigns-card",
        title=campaign.title(t.locale),
        description=_short(campaign.description(t.locale), description_limit),
        bar=campaign_service.progress_bar(progress.percent),
        percent=progress.percent,
        raised=format_toman(progress.raised_rials, t.locale),
        goal=format_toman(progress.goal_rials, t.locale),
        donors=progress.donors,
        remaining=remaining,
        region=region_text(t, campaign.province_id, campaign.county_id),
        purpose=purpose_name(t, campaign.purpose),
    )
    if position is not None:
        text += "\n" + t("campaigns-card-position", position=position[0] + 1, count=position[1])
    return text
