"""Server-side role checks for staff handlers.

Mount `RequireRole(...)` as an inner middleware on a staff router's observers: it runs after a
handler's filters matched (so forged or replayed buttons reach it too), refuses with a short
reply, and records the refusal in the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.settings import Settings
from services import audit, scopes
from services.roles import Role, roles_of

logger = logging.getLogger("hamdel.access")


class RequireRole(BaseMiddleware):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        person: User | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        settings: Settings = data["settings"]
        profile: PlatformProfile = data["profile"]
        if person is None:
            return None
        held = await roles_of(
            session, platform=profile.platform.value, user_id=person.id, admin_ids=settings.staff.admin_ids
        )
        if held & self.roles:
            data["roles"] = held
            # The provinces the person works for in this router's roles (services.scopes).
            data["scope"] = await scopes.scope_of(
                session,
                platform=profile.platform.value,
                user_id=person.id,
                admin_ids=settings.staff.admin_ids,
                roles=self.roles,
            )
            return await handler(event, data)
        action = _describe(event)
        logger.warning("refused %s to user %s (roles %s)", action, person.id, sorted(held))
        await audit.record(
            session, platform=profile.platform.value, actor_id=person.id, action=action, allowed=False
        )
        t: Translator = data["t"]
        if isinstance(event, CallbackQuery):
            answer = data.get("callback_answer")
            if isinstance(answer, CallbackAnswer) and not answer.answered and not answer.disabled:
                # CallbackAnswerMiddleware answers after us: answering here too would be twice.
                answer.text, answer.show_alert = t("access-denied"), True
            else:
                await event.answer(t("access-denied"), show_alert=True)
        elif isinstance(event, Message) and event.chat.type == "private":
            await event.answer(t("access-denied"))
        return None


def _describe(event: TelegramObject) -> str:
    if isinstance(event, CallbackQuery):
        return f"callback:{(event.data or '')[:48]}"
    if isinstance(event, Message):
        return f"message:{(event.text or event.caption or event.content_type)[:48]}"
    return type(event).__name__
