"""Groups other than the staff chat: quiet unless addressed, then point to the private chat."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator

router = Router(name="groups")


async def _addressed(message: Message, bot: Bot) -> bool:
    me = await bot.me()
    text = (message.text or message.caption or "").lower()
    if me.username and f"@{me.username.lower()}" in text:
        return True
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == me.id)


@router.message(F.text | F.caption)
async def addressed_in_group(message: Message, bot: Bot, t: Translator) -> None:
    if await _addressed(message, bot):
        me = await bot.me()
        await message.reply(t("group-private-only", username=me.username or ""))


async def stale_button_anywhere(query: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = t("fallback-stale-button")


# The last stop for a button press no router took — in a group, in the staff chat, or with no
# message at all: every callback query is answered.
last_resort = Router(name="last-resort")
last_resort.callback_query.register(stale_button_anywhere)
