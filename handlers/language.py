"""/language: the user's conversation language, stored; /id and the same screen show the person's
own user id (what staff need to give them a role)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import I18n, Translator
from bot.platform import PlatformProfile
from bot.ui import Feature, InlineKeyboardBuilder, MenuCallback, MenuSection, main_menu, show
from services.users import UserDirectory, UserRecord

router = Router(name="language")

SECTION = MenuSection(key="language", text_key="menu-language", order=90)


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


def _choices(t: Translator, i18n: I18n) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in i18n.locales:
        builder.button(text=t(f"language-name-{code}"), callback_data=LanguageCallback(code=code))
    return builder.as_markup()


def _screen(t: Translator, user: UserRecord) -> str:
    return t("language-choose") + "\n\n" + t("profile-your-id", user_id=str(user.user_id))


@router.message(Command("language"))
async def language_command(message: Message, t: Translator, i18n: I18n, user: UserRecord) -> None:
    await message.answer(_screen(t, user), reply_markup=_choices(t, i18n))


@router.message(Command("id"))
async def id_command(message: Message, t: Translator, user: UserRecord) -> None:
    await message.answer(t("profile-id", user_id=str(user.user_id)))


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def language_menu(
    query: CallbackQuery, t: Translator, i18n: I18n, profile: PlatformProfile, user: UserRecord
) -> None:
    await show(query, _screen(t, user), _choices(t, i18n), profile)


@router.callback_query(LanguageCallback.filter())
async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    session: AsyncSession,
    user: UserRecord,
    users: UserDirectory,
    i18n: I18n,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    code = callback_data.code if callback_data.code in i18n.locales else i18n.locales[0]
    await users.change_language(session, user, code)
    t = i18n.translator(code)
    await show(query, t("language-changed"), main_menu(t, menu_sections), profile)


feature = Feature(
    name="language",
    private=router,
    section=SECTION,
    commands=(("language", "cmd-language"), ("id", "cmd-id")),
)
