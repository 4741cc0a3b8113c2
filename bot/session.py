"""The HTTP session to the Bot API, with the platform's URL, request and update adaptations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetChat, GetMe, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.platform import PlatformProfile, PlatformRequestMiddleware

if TYPE_CHECKING:
    from aiogram import Bot


class PlatformSession(AiohttpSession):
    """aiogram's aiohttp session pointed at `{api_base}/bot{token}/{method}` that normalises
    polled updates the same way the webhook handler does."""

    def __init__(self, profile: PlatformProfile, api_base: str, timeout: float) -> None:
        super().__init__(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
        self.profile = profile
        self.middleware(PlatformRequestMiddleware(profile))

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates) and self.profile.normalizes_updates:
            content = self._normalized(content)
        elif self.profile.normalizes_updates:
            content = self._normalized_result(method, content)
        return super().check_response(bot, method, status_code, content)

    def _normalized_result(self, method: TelegramMethod[TelegramType], content: str) -> str:
        """Method results (getMe's User, a sent Message...) lack the same fields as updates."""
        try:
            payload: Any = self.json_loads(content)
        except ValueError:
            return content
        if not isinstance(payload, dict) or not isinstance(payload.get("result"), dict):
            return content
        key = {GetMe: "user", GetChat: "chat"}.get(type(method), "message")
        payload["result"] = self.profile.normalize_update({key: payload["result"]})[key]
        return self.json_dumps(payload)

    def _normalized(self, content: str) -> str:
        try:
            payload: Any = self.json_loads(content)
        except ValueError:
            return content
        if isinstance(payload, dict) and isinstance(payload.get("result"), list):
            payload["result"] = [self.profile.normalize_update(update) for update in payload["result"]]
            return self.json_dumps(payload)
        return content
