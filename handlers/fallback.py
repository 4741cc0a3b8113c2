"""What nothing else handled in a private chat: nothing goes unanswered. Mounted last."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import Feature, MenuSection, main_menu

router = Router(name="fallback")


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, t: Translator, menu_sections: list[MenuSection]) -> None:
    command = (message.text or "").split()[0][:32]
    await message.answer(
        t("fallback-unknown-command", command=command), reply_markup=main_menu(t, menu_sections)
    )


@router.message(F.text)
async def unexpected_text(
    message: Message, t: Translator, menu_sections: list[MenuSection], profile: PlatformProfile
) -> None:
    if len(message.text or "") > profile.max_text_length - 96:
        await message.answer(t("fallback-too-long", limit=profile.max_text_length - 96))
        return
    await message.answer(t("fallback-text"), reply_markup=main_menu(t, menu_sections))


@router.message()
async def unexpected_media(message: Message, t: Translator, menu_sections: list[MenuSection]) -> None:
    if message.successful_payment or message.pinned_message or message.new_chat_members:
        return  # service messages: handled where they matter, never answered with a menu
    await message.answer(t("fallback-media"), reply_markup=main_menu(t, menu_sections))


@router.edited_message()
async def edited(message: Message, t: Translator) -> None:
    await message.answer(t("fallback-edited"))


@router.callback_query()
async def stale_button(query: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    # Answered by CallbackAnswerMiddleware (answering here too would answer twice).
    callback_answer.text, callback_answer.show_alert = t("fallback-stale-button"), True


feature = Feature(name="fallback", private=router)
