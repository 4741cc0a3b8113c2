"""/cancel and every Cancel button: leave any flow at any step. Mounted first in private chats."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

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
    text = t("cancel-done") if had_flow else t("cancel-nothing")
    await show(target, text, main_menu(t, menu_sections), profile)


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
