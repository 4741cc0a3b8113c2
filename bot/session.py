"""The HTTP session to the Bot API, with the platform's URL, request and update adaptations."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import FormData
from aiohttp.payload import Payload

from bot.aiogram_compat import init_aiohttp_session, json_request_payload, shared_tls_context
from bot.platform import PlatformProfile, PlatformRequestMiddleware

if TYPE_CHECKING:
    from aiogram import Bot

# aiogram validates every answer with `Response[method.__returning__]`. Pydantic keeps such
# parametrized classes in a weak cache only, so once the garbage collector has taken one (which
# happens between most requests) the next request builds the class and its validator again —
# about a tenth of a millisecond of CPU, plus the collection. Holding them here makes that
# lookup a cache hit (one class per result type: a few dozen at most).
_RESPONSE_TYPES: dict[Any, Any] = {}


def response_type(returning: Any) -> Any:
    """`Response[returning]`, the class aiogram validates an answer with, held for good."""
    if returning not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[returning] = Response[returning]
    return _RESPONSE_TYPES[returning]


class PlatformSession(AiohttpSession):
    """aiogram's aiohttp session pointed at `{api_base}/bot{token}/{method}` that normalises
    polled updates the same way the webhook handler does."""

    def __init__(self, profile: PlatformProfile, api_base: str, timeout: float) -> None:
        BaseSession.__init__(self, api=TelegramAPIServer.from_base(api_base), timeout=timeout)
        # The TLS context is the process's one (a plain-http Bot API, e.g. the sandbox's, needs
        # none): aiogram's own __init__ would parse the CA bundle again for every session.
        tls = shared_tls_context() if api_base.startswith("https:") else True
        init_aiohttp_session(self, tls=tls)
        self.profile = profile
        self.middleware(PlatformRequestMiddleware(profile))
        # The method whose answer `check_response` is reading, while it reads it.
        self._answer_of: str | None = None
        if profile.normalizes_updates:
            self.json_loads = self._loads_completed

    def build_form_data(  # type: ignore[override]  # aiogram posts it as aiohttp's `data`: any payload
        self, bot: Bot, method: TelegramMethod[TelegramType]
    ) -> FormData | Payload:
        """The request's body: one JSON object when the platform takes JSON and nothing is
        uploaded (bot/aiogram_compat.py), else aiogram's form (multipart with a file)."""
        if self.profile.json_requests:
            payload = json_request_payload(self, bot, method)
            if payload is not None:
                return payload
        return super().build_form_data(bot, method)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        response_type(method.__returning__)
        self._answer_of = method.__api_method__
        try:
            return super().check_response(bot, method, status_code, content)
        except TelegramAPIError as error:
            error.status_code = status_code  # type: ignore[attr-defined]  # for the error metrics
            raise
        finally:
            self._answer_of = None

    def _loads_completed(self, content: str) -> Any:
        """`json.loads` for a platform whose answers may lack fields aiogram requires: the result
        of the answer `check_response` is reading is completed as it is parsed (once; it was
        parsed, completed, written and parsed again). Anything else — an update the webhook
        handler parses — is parsed as it is."""
        payload = json.loads(content)
        method = self._answer_of
        if (
            method is not None
            and isinstance(payload, dict)
            and isinstance(payload.get("result"), dict | list)
        ):
            self.profile.normalize_result(method, payload["result"])
        return payload
