"""Webhook mode: aiogram's aiohttp integration with the platform's checks.

Telegram echoes `X-Telegram-Bot-Api-Secret-Token`; Bale sends no secret, so on both platforms the
path carries an unguessable segment derived from the token and WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
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


def webhook_path(base_path: str, token: str, secret: str | None) -> str:
    digest = hmac.new((secret or "hamdel").encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{base_path.rstrip('/')}/{digest}"


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
        try:
            raw = await request.json(loads=self.bot.session.json_loads)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's limit
            return web.Response(status=400, text="Bad Request")
        if not isinstance(raw, dict) or "update_id" not in raw or too_deep(raw):
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
        try:
            outcome = await inbox.accept(self.bot, update, raw, **self.data)
        except Exception as error:
            if not is_transient(error):
                logger.exception("update %s could not be recorded", update.update_id)
            else:
                inbox.database_outage.failed(error)
            return _retry_later("not recorded")
        if outcome is Outcome.RETRY:
            return _retry_later("retry")
        return web.Response(text="")

    __call__ = handle


def _retry_later(reason: str) -> web.Response:
    return web.Response(status=503, text=f"Service Unavailable: {reason}", headers={"Retry-After": "1"})
