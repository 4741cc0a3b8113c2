"""Outer middlewares: one database session per update, the user record and their texts; and
the callback answer after the handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import I18n
from bot.inbox import is_transient
from bot.storage import current_session
from bot.ui import KEPT_PREFIX, pressed_message_kept
from services.users import UserDirectory

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseMiddleware(BaseMiddleware):
    """Opens one `AsyncSession` per update, commits when the handler returns, rolls back when it
    raises. Handlers that must make data durable before a side effect (a receipt after a
    payment) call `await session.commit()` themselves; services never commit."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            token = current_session.set(session)
            data["session"] = session
            try:
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)
            await session.commit()
            return result


class UserMiddleware(BaseMiddleware):
    """Hands handlers `user` (their UserRecord, private chats only) and `t` (their texts)."""

    def __init__(self, i18n: I18n, users: UserDirectory, default_locale: str) -> None:
        self.i18n = i18n
        self.users = users
        self.default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        from_user = data.get("event_from_user")
        chat = data.get("event_chat")
        if from_user is None or from_user.is_bot or (chat is not None and chat.type != "private"):
            # Groups (the staff chat) speak the default language; only private chats make users.
            data["t"] = self.i18n.translator(self.default_locale)
            return await handler(event, data)
        session: AsyncSession = data["session"]
        record, wrote = await self.users.touch(session, from_user.id, from_user.id)
        if wrote:
            # A short transaction of its own, so the handler's transaction starts fresh.
            await session.commit()
        data["user"] = record
        data["t"] = self.i18n.translator(record.language)
        return await handler(event, data)


class CallbackAnswerer(CallbackAnswerMiddleware):
    """aiogram's answer-after-the-handler, except when the handler fails: then the errors router
    answers the press with the apology (a query is answered once, so an empty answer here would
    leave the person with a button that silently did nothing). An outage the inbox will retry
    keeps the empty answer: the retry, not an apology, is what comes next."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
        if not callback_answer.disabled and callback_answer.answered:
            await self.answer(event, callback_answer)
        try:
            result = await handler(event, data)
        except Exception as error:
            retried = bool(data.get("inbox_retry_allowed")) and is_transient(error)
            if not retried and not callback_answer.answered:
                callback_answer.disabled = True
            raise
        finally:
            if not callback_answer.disabled and not callback_answer.answered:
                await self.answer(event, callback_answer)
        return result


class KeptMessageMiddleware(BaseMiddleware):
    """Outer callback-query middleware: a button of a message kept as a record (`bot.ui.kept`)
    has its data unwrapped before any filter sees it, and every screen it opens comes as a new
    message (`bot.ui.show`)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery) or not (event.data or "").startswith(KEPT_PREFIX):
            return await handler(event, data)
        unwrapped = event.model_copy(update={"data": event.data[len(KEPT_PREFIX) :]})  # type: ignore[index]
        token = pressed_message_kept.set(True)
        try:
            return await handler(unwrapped, data)
        finally:
            pressed_message_kept.reset(token)
