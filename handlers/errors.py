"""The last line: an exception in any handler is logged with its update and the user gets a
short apology instead of silence. Callback queries are always answered."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.i18n import I18n
from services.users import UserDirectory

logger = logging.getLogger("hamdel.errors")

router = Router(name="errors")


@router.errors()
async def on_error(event: ErrorEvent, i18n: I18n, users: UserDirectory, default_locale: str) -> bool:
    update = event.update
    logger.error("update %s failed: %r", update.update_id, event.exception, exc_info=event.exception)
    sender = update.event.from_user if hasattr(update.event, "from_user") else None
    known = users.cached(sender.id) if sender else None
    t = i18n.translator(known.language if known else default_locale)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("error-button"), show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(t("error-generic"))
    except TelegramAPIError as error:
        logger.warning("could not tell the user about the error: %s", error)
    return True
