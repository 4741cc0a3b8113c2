"""Webhook mode: aiogram's aiohttp integration with the platform's checks.

Telegram echoes `X-Telegram-Bot-Api-Secret-Token`; Bale sends no secret, so on both platforms the
path carries an unguessable segment derived from the token and WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.aiogram_compat import webhook_response_body
from bot.platform import PlatformProfile

if TYPE_CHECKING:
    from bot.inbox import UpdateInbox
    from bot.lifecycle import Gate

logger = logging.getLogger("hamdel.webhook")

#: A Bot API update nests about ten levels (a reply's message's entities...); anything much
#: deeper is not an update, and would exhaust the recursion limit somewhere down the line.
MAX_JSON_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a parsed JSON value nests deeper than `limit` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def body_too_deep(body: bytes, value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """`too_deep` for `value` parsed from `body`, walked only when the body holds more than
    `limit` opening brackets: nesting needs one per level (those inside strings only add to the
    count), and an update holds a few dozen at most, so most are not walked at all."""
    return body.count(b"{") + body.count(b"[") > limit and too_deep(value, limit)


def webhook_path(base_path: str, token: str, secret: str | None) -> str:
    digest = hmac.new((secret or "hamdel").encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{base_path.rstrip('/')}/{digest}"


class WebhookReply:
    """One Bot API call an update's handling may hand back in the webhook's HTTP answer instead of
    making a request of its own (the platform runs it; its result is not known): the answer to a
    button press (`bot.middlewares.CallbackAnswerer`), which only says the press was seen. Taken
    while the HTTP answer has not been sent (`open`); a second call, or one made after (handling
    that outlived the webhook's wait), is a request as usual. Saves one request per press."""

    __slots__ = ("method", "open")

    def __init__(self) -> None:
        self.method: TelegramMethod[Any] | None = None
        self.open = True

    def take(self, method: TelegramMethod[Any]) -> bool:
        if not self.open or self.method is not None:
            return False
        self.method = method
        return True


#: The webhook's reply of the update being handled (set where the platform runs such replies).
webhook_reply: ContextVar[WebhookReply | None] = ContextVar("webhook_reply", default=None)


class PlatformWebhookHandler(SimpleRequestHandler):
    """Checks the secret header where the platform sends one, completes the raw update for the
    platform, and answers only after the update was handled, so a crash mid-update makes the
    platform deliver it again.

    With an `inbox` (`bot.inbox`), the update is durably recorded before anything else and
    handled through it (duplicates dropped, one chat in order); 503 when it could not be recorded
    or failed on an unreachable database/Redis (the platform delivers it again). With a `gate`,
    a draining worker answers 503 to new deliveries and counts those in flight."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        profile: PlatformProfile,
        secret_token: str | None,
        *,
        inbox: UpdateInbox | None = None,
        gate: Gate | None = None,
        **data: Any,
    ) -> None:
        super().__init__(
            dispatcher,
            bot,
            handle_in_background=False,
            secret_token=secret_token if profile.webhook_secret_header else None,
            **data,
        )
        self.profile = profile
        self.inbox = inbox
        self.gate = gate

    async def handle(self, request: web.Request) -> web.Response:
        if self.gate is not None and not self.gate.accepting:
            return _retry_later("shutting down")
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), self.bot):
            return web.Response(status=401, text="Unauthorized")
        body = await request.read()
        try:
            raw = self.bot.session.json_loads(body.decode())
        except (ValueError, RecursionError):  # not UTF-8 JSON, or nested past the parser's limit
            return web.Response(status=400, text="Bad Request")
        if not isinstance(raw, dict) or "update_id" not in raw or body_too_deep(body, raw):
            return web.Response(status=400, text="Bad Request")
        if self.inbox is not None:
            if self.gate is None:
                return await self._through_inbox(self.inbox, raw)
            async with self.gate.track():
                return await self._through_inbox(self.inbox, raw)
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, self.profile.normalize_update(raw), **self.data
        )
        return web.Response(body=webhook_response_body(self, self.bot, result))

    async def _through_inbox(self, inbox: UpdateInbox, raw: dict[str, Any]) -> web.Response:
        from bot.inbox import Outcome, is_transient

        raw = self.profile.normalize_update(raw)
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValueError as error:
            # It would fail the same way on every delivery: say so once and take it off the queue.
            logger.error("update %s cannot be parsed, dropped: %s", raw.get("update_id"), error)
            return web.Response(text="")
        reply = WebhookReply() if self.profile.webhook_replies else None
        token = webhook_reply.set(reply)  # the update's handling task starts with it
        try:
            outcome = await inbox.accept(self.bot, update, raw, **self.data)
        except Exception as error:
            if not is_transient(error):
                logger.exception("update %s could not be recorded", update.update_id)
            else:
                inbox.database_outage.failed(error)
            return _retry_later("not recorded")
        finally:
            webhook_reply.reset(token)
            if reply is not None:
                reply.open = False
        if outcome is Outcome.RETRY:
            return _retry_later("retry")
        if reply is not None and reply.method is not None:
            return web.Response(body=webhook_response_body(self, self.bot, reply.method))
        return web.Response(text="")

    __call__ = handle


def _retry_later(reason: str) -> web.Response:
    return web.Response(status=503, text=f"Service Unavailable: {reason}", headers={"Retry-After": "1"})
