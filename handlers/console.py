"""/console (and the /admin menu's button): a one-time sign-in link to the web console, for the
roles that handle tickets and for campaign managers (services.console_auth.CONSOLE_ROLES; the
console limits each to their pages). The console itself (console/) starts with the bot when
CONSOLE_PUBLIC_URL is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, WebAppInfo
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RequireRole
from bot.i18n import Translator
from bot.menus import AdminMenu
from bot.ui import Feature, InlineKeyboardBuilder
from console.links import console_secret, console_url
from services import audit, console_auth

router = Router(name="console")
for _observer in (router.message, router.callback_query):
    _observer.middleware(RequireRole(*console_auth.CONSOLE_ROLES))


async def issue_url(app: Any, session: AsyncSession, *, user_id: int, name: str) -> str:
    """A fresh one-time sign-in address for this person (the caller checked the role)."""
    platform = app.profile.platform.value
    token = await console_auth.issue_link_token(
        session,
        secret=console_secret(app.settings),
        platform=platform,
        user_id=user_id,
        name=name,
        now=app.clock.now(),
        ttl=timedelta(minutes=app.settings.console.link_minutes),
    )
    await audit.record(session, platform=platform, actor_id=user_id, action="console.link")
    return console_url(app.settings, f"/signin/{token}")


async def link_text(app: Any, session: AsyncSession, *, user_id: int, name: str, t: Translator) -> str:
    """A fresh sign-in link for this person, in a sentence (or why there is none)."""
    settings = app.settings.console
    if not settings.enabled:
        return t("console-off")
    url = await issue_url(app, session, user_id=user_id, name=name)
    minutes = settings.link_minutes
    return t("console-link", url=url, minutes=int(minutes) if minutes.is_integer() else minutes)


def web_app_keyboard(app: Any, t: Translator) -> InlineKeyboardMarkup | None:
    """«Open the console here»: the console as a Mini App, where the platform has them and the
    console is served over https (which Mini Apps require); it signs in with the launch data."""
    settings = app.settings.console
    if not (settings.enabled and app.profile.web_apps and (settings.public_url or "").startswith("https://")):
        return None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("console-web-app-button"),
        web_app=WebAppInfo(url=console_url(app.settings, "/signin/web-app")),
    )
    return builder.as_markup()


@router.message(Command("console"))
async def console_command(message: Message, session: AsyncSession, app: Any, t: Translator) -> None:
    person = message.from_user
    assert person is not None
    text = await link_text(app, session, user_id=person.id, name=person.full_name, t=t)
    await message.answer(
        text,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=web_app_keyboard(app, t),
    )


@router.callback_query(AdminMenu.filter(F.section == "console"))
async def console_button(query: CallbackQuery, session: AsyncSession, app: Any, t: Translator) -> None:
    text = await link_text(app, session, user_id=query.from_user.id, name=query.from_user.full_name, t=t)
    await app.bot.send_message(
        query.from_user.id,
        text,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=web_app_keyboard(app, t),
    )


feature = Feature(
    name="console",
    private=router,
    admin_commands=(("console", "console-command"),),
)
