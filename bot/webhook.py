"""Webhook mode: aiogram's aiohttp integration with the platform's checks.

Telegram echoes `X-Telegram-Bot-Api-Secret-Token`; Bale sends no secret, so on both platforms the
path carries an unguessable segment derived from the token and WEBHOOK_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.platform import PlatformProfile


def webhook_path(base_path: str, token: str, secret: str | None) -> str:
    digest = hmac.new((secret or "hamdel").encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{base_path.rstrip('/')}/{digest}"


class PlatformWebhookHandler(SimpleRequestHandler):
    """Checks the secret header where the platform sends one, completes the raw update for the
    platform, and answers only after the update was handled, so a crash mid-update makes the
    platform deliver it again."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        profile: PlatformProfile,
        secret_token: str | None,
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

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), self.bot):
            return web.Response(status=401, text="Unauthorized")
        try:
            raw = await request.json(loads=self.bot.session.json_loads)
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        if not isinstance(raw, dict) or "update_id" not in raw:
            return web.Response(status=400, text="Bad Request")
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, self.profile.normalize_update(raw), **self.data
        )
        return web.Response(body=self._build_response_writer(bot=self.bot, result=result))

    __call__ = handle
