"""/start, /help and the main menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import Feature, MenuCallback, MenuSection, main_menu, show

router = Router(name="menu")


@router.message(CommandStart())
async def start(message: Message, state: FSMContext, t: Translator, menu_sections: list[MenuSection]) -> None:
    await state.clear()
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(t("start-welcome", name=name), reply_markup=main_menu(t, menu_sections))


@router.message(Command("menu"))
async def menu_command(
    message: Message, state: FSMContext, t: Translator, menu_sections: list[MenuSection]
) -> None:
    await state.clear()
    await message.answer(t("menu-title"), reply_markup=main_menu(t, menu_sections))


@router.callback_query(MenuCallback.filter(F.section == "home"))
async def menu_button(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    await state.clear()
    await show(query, t("menu-title"), main_menu(t, menu_sections), profile)


@router.message(Command("help"))
async def help_command(
    message: Message, t: Translator, user_commands: list[tuple[str, str]], menu_sections: list[MenuSection]
) -> None:
    lines = "\n".join(
        t("help-command-line", command=command, description=t(key)) for command, key in user_commands
    )
    await message.answer(t("help-text", commands=lines), reply_markup=main_menu(t, menu_sections))


feature = Feature(
    name="menu",
    private=router,
    commands=(("start", "cmd-start"), ("help", "cmd-help")),
)
