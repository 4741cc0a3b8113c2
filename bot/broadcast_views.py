"""How a broadcast looks to its recipient, shared by the composer's preview (handlers/broadcasts.py),
the delivery engine's sender and the news settings that answer its buttons
(handlers/subscriptions.py), so the preview is exactly what people get."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.ui import CallbackInt, InlineKeyboardBuilder
from models.broadcasts import ButtonKind
from services.delivery import Content


class UnsubscribeCallback(CallbackData, prefix="uns"):
    """🔕 under a broadcast: stop everything (b = the broadcast, for the author's statistics)."""

    b: CallbackInt


class CampaignCallback(CallbackData, prefix="bcc"):
    """A broadcast's campaign button: show the campaign."""

    id: CallbackInt


def render_broadcast(
    content: Content, language: str, t: Translator
) -> tuple[str, str | None, InlineKeyboardMarkup]:
    """How a broadcast looks to one recipient: text, photo, its button and 🔕 under it.
    Used by the sender and by the author's preview, so the preview is exact."""
    builder = InlineKeyboardBuilder()
    label = content.button_text(language)
    if content.button_kind == ButtonKind.URL.value and content.button_url and label:
        builder.row(InlineKeyboardButton(text=label, url=content.button_url))
    elif content.button_kind == ButtonKind.CAMPAIGN.value and content.button_campaign_id and label:
        builder.row(
            InlineKeyboardButton(
                text=label, callback_data=CampaignCallback(id=content.button_campaign_id).pack()
            )
        )
    builder.row(
        InlineKeyboardButton(
            text=t("subscriptions-unsubscribe-button"),
            callback_data=UnsubscribeCallback(b=content.broadcast_id).pack(),
        )
    )
    return content.text(language), content.photo_file_id, builder.as_markup()
