"""Outer middlewares: one database session per update, the user record and their texts; the
callback answer after the handler; buttons of messages kept as records; and presses that must
act once (pay, confirm, submit)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.flags import get_flag
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.flows import FLOW_LEFT
from bot.i18n import I18n
from bot.inbox import SENDER_LANGUAGE, is_transient
from bot.storage import current_session, pending_state_writes
from bot.ui import KEPT_PREFIX, PressAnswer, pressed_message_kept
from bot.webhook import webhook_reply
from models.db import insert_or_skip
from models.updates import ButtonPress
from services.users import UserDirectory

if TYPE_CHECKING:
    from aiogram import Bot
    from redis.asyncio import Redis

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
logger = logging.getLogger("hamdel.middlewares")


class DatabaseMiddleware(BaseMiddleware):
    """Opens one `AsyncSession` per update, commits what is left when the handler returns, rolls
    back when it raises. Handlers that must make data durable before a side effect (a receipt
    after a payment) call `await session.commit()` themselves; services never commit."""

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
            if _has_work(session.sync_session):
                await session.commit()
            return result


def _has_work(session: Session) -> bool:
    """Whether the update's session has anything left to commit: a transaction (a statement ran,
    or the FSM storage began one for a change) or objects changed since its last commit (changing
    a loaded object begins none). Most updates end with their answer, committed before it was
    sent (`CommitBeforeSend`): an empty commit still began and ended a session transaction."""
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)


class CommitBeforeSend(BaseRequestMiddleware):
    """Ends the update's transaction before any Bot API request it makes: what a person is shown
    is durable before they can act on it (a sign-in link, a button), and on SQLite the write
    lock is never held across a network call. The one place transactions end early; handlers
    and services do not commit to talk to the platform. Requests made outside an update (the
    background jobs) have no update session and pass through. The conversation state an update
    holds back (with Redis: `bot.storage.pending_state_writes`) is written here too."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None and session.in_transaction():
            # Sends gathered concurrently by one handler share the session: one commit at a time.
            gate: asyncio.Lock = session.info.setdefault(_COMMIT_GATE, asyncio.Lock())
            async with gate:
                if session.in_transaction():
                    await session.commit()
        write_state = pending_state_writes.get()
        if write_state is not None:
            await write_state()
        return await make_request(bot, method)


_COMMIT_GATE = "hamdel.commit_gate"


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
        record, wrote = await self.users.touch(
            session, from_user.id, from_user.id, language=data.get(SENDER_LANGUAGE)
        )
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
    keeps the empty answer: the retry, not an apology, is what comes next. A handler may answer
    before it ends (`bot.ui.PressAnswer.send_now`)."""

    def construct_callback_answer(self, properties: dict[str, Any] | bool | None) -> PressAnswer:
        made = super().construct_callback_answer(properties)
        return PressAnswer(
            answered=made.answered,
            disabled=made.disabled,
            text=made.text,
            show_alert=made.show_alert,
            url=made.url,
            cache_time=made.cache_time,
        )

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
        left = data.get(FLOW_LEFT)
        if left and not callback_answer.text:
            # A main-menu press left a flow with something in it (bot.flows): say so in the toast.
            callback_answer.text = left
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
                answer = self.answer(event, callback_answer)
                reply = webhook_reply.get()
                if reply is None or not reply.take(answer):  # else in the webhook's HTTP answer
                    await answer
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


class PressLedger:
    """Which pay/confirm/submit presses were handled: (chat, message, button data), kept for
    `retention`. In Redis when there is Redis (SET NX with expiry), else in the database (a row
    per press, the primary key decides) written in the update's own transaction: a concurrent
    repeat waits for it and then finds the row, and a handler that fails before committing
    anything takes the claim back with its rollback. Every worker sees the same presses."""

    PRUNE_EVERY = 3600.0  # seconds between deletions of expired rows (database only)

    def __init__(self, *, platform: str, redis: Redis | None, key_prefix: str, retention: timedelta) -> None:
        self.platform = platform
        self.redis = redis
        self.key_prefix = key_prefix
        self.retention = retention
        self._pruned_at = float("-inf")

    @staticmethod
    def _digest(data: str) -> str:
        return hashlib.sha256(data.encode()).hexdigest()[:32]

    def _key(self, chat_id: int, message_id: int, data: str) -> str:
        return f"{self.key_prefix}:press:{self.platform}:{chat_id}:{message_id}:{self._digest(data)}"

    async def claim(self, session: AsyncSession, chat_id: int, message_id: int, data: str) -> bool:
        """True for the first press of this button on this message; False for a repeat."""
        if self.redis is not None:
            ttl = max(1, int(self.retention.total_seconds()))
            return bool(await self.redis.set(self._key(chat_id, message_id, data), "1", nx=True, ex=ttl))
        now = datetime.now(UTC)
        parameters = {
            "platform": self.platform,
            "chat_id": chat_id,
            "message_id": message_id,
            "digest": self._digest(data),
            "pressed_at": now,
        }
        statement = insert_or_skip(session.get_bind().dialect.name, ButtonPress.__table__)
        result = await session.execute(statement, parameters)
        if time.monotonic() - self._pruned_at > self.PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            await session.execute(delete(ButtonPress).where(ButtonPress.pressed_at < now - self.retention))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, session: AsyncSession, chat_id: int, message_id: int, data: str) -> None:
        """The press's handler failed (its uncommitted work is rolled back): forget the press,
        also when the handler had committed it, so that a retry may act. Best effort: with the
        database or Redis unreachable the press stays claimed (logged)."""
        try:
            if self.redis is not None:
                await self.redis.delete(self._key(chat_id, message_id, data))
                return
            await session.rollback()
            await session.execute(
                delete(ButtonPress).where(
                    ButtonPress.platform == self.platform,
                    ButtonPress.chat_id == chat_id,
                    ButtonPress.message_id == message_id,
                    ButtonPress.digest == self._digest(data),
                )
            )
            await session.commit()
        except Exception as error:
            logger.warning("press %s:%s %r could not be released: %r", chat_id, message_id, data, error)


class OncePressMiddleware(BaseMiddleware):
    """Inner callback-query middleware for handlers flagged `flags={"once": True}`: the first
    press of a button on a message acts; a repeat — a double tap, sent concurrently or not, on
    any worker — does nothing and gets a short "already done" answer (the flag may instead name
    the answer's text key, `flags={"once": "broadcast-already-confirmed"}`, or be an async
    function `(query, data)` that sets `data["callback_answer"]` itself). A press whose handler
    fails is forgotten, so it can be tried again."""

    def __init__(self, ledger: PressLedger) -> None:
        self.ledger = ledger

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        once = get_flag(data, "once")
        message = getattr(event, "message", None)
        if not once or not isinstance(event, CallbackQuery) or message is None or not event.data:
            return await handler(event, data)
        session: AsyncSession = data["session"]
        key = (message.chat.id, message.message_id, event.data)
        if not await self.ledger.claim(session, *key):
            if callable(once):
                await once(event, data)
                return None
            answer = data.get("callback_answer")
            t = data.get("t")
            if answer is not None and t is not None:
                answer.text = t(once if isinstance(once, str) else "common-already-done")
            return None
        try:
            return await handler(event, data)
        except BaseException:
            await self.ledger.release(session, *key)
            raise
