"""/cancel and every Cancel button: leave any flow at any step. Mounted first in private chats."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import CancelCallback, Feature, MenuSection, main_menu, show

router = Router(name="cancel")

CANCEL_WORDS = {"لغو", "انصراف", "cancel"}


async def _cancel(
    target: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    if not had_flow:
        await show(target, t("cancel-nothing"), main_menu(t, menu_sections), profile)
        return
    # A flow may have left a reply keyboard (the contact button): take it away, then the menu.
    chat_id = target.chat.id if isinstance(target, Message) else target.from_user.id
    bot = target.bot
    assert bot is not None
    await bot.send_message(chat_id, t("cancel-done"), reply_markup=ReplyKeyboardRemove())
    await bot.send_message(chat_id, t("menu-title"), reply_markup=main_menu(t, menu_sections))


@router.message(Command("cancel"))
@router.message(F.text.lower().in_(CANCEL_WORDS))
async def cancel_command(
    message: Message,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    await _cancel(message, state, t, profile, menu_sections)


@router.callback_query(CancelCallback.filter())
async def cancel_button(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    await _cancel(query, state, t, profile, menu_sections)


feature = Feature(name="cancel", private=router, commands=(("cancel", "cmd-cancel"),))
