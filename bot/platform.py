"""Platform profiles: every difference between Telegram and Bale lives here.

Handlers and services ask the profile (`profile.can_edit_keyboards`, `profile.invoice_currency`…)
instead of testing the platform name. Outgoing requests are adapted by
`PlatformRequestMiddleware`, incoming updates by `PlatformProfile.normalize_update`, so the rest
of the code is written once against the Telegram Bot API as aiogram models it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.settings import Platform

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response


@dataclass(frozen=True, slots=True)
class PlatformProfile:
    platform: Platform
    # Webhooks: Telegram echoes a secret token header; Bale does not, so its webhook path is secret.
    webhook_secret_header: bool
    # Replies: Telegram's `reply_parameters` or Bale's documented `reply_to_message_id`.
    reply_with_parameters: bool
    # Editing a message that carries an inline keyboard is unreliable on Bale: send a new one.
    can_edit_keyboards: bool
    forum_topics: bool
    chat_member_updates: bool
    commands_per_language: bool
    # Bale may omit fields aiogram requires: raw updates are completed before parsing.
    normalizes_updates: bool
    # Update types the platform delivers (what we ask for in getUpdates/setWebhook).
    update_types: tuple[str, ...]
    # Request parameters the platform does not accept; stripped before sending.
    unsupported_parameters: frozenset[str] = field(default_factory=frozenset)
    # Payments: Bale pays from the wallet in rials; Telegram's currency comes from settings.
    invoice_currency: str | None = None
    # Which in-chat payment the platform offers: Bale's wallet, or Telegram Payments / Stars.
    invoice_provider: str = "telegram"
    # Where a person opens a chat with a bot by username (the gateway's return page links back).
    bot_link_base: str = "https://t.me/"
    # Telegram's paid broadcasts (`allow_paid_broadcast`, up to 1000 messages/s, paid in Stars).
    paid_broadcast: bool = False
    # Mini Apps (`web_app` buttons) whose launch data is signed as Telegram documents: the
    # console opens inside the messenger and signs the person in with it.
    web_apps: bool = False
    # The messenger's web client shows a Mini App in a frame: the origins that may frame the
    # console's pages for a Mini App session (every other page refuses any frame).
    web_app_frame_ancestors: tuple[str, ...] = ()
    # Requests without a file sent as one JSON body instead of a form (cheaper to build). Both
    # document `application/json` for everything but uploads (core.telegram.org/bots/api
    # "Making requests"; docs.bale.ai the same); False sends aiogram's form as before.
    json_requests: bool = True
    # A Bot API call in the webhook's HTTP answer is run by the platform (Telegram documents it;
    # Bale does not): a button press's answer goes there instead of a request of its own.
    webhook_replies: bool = False
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64

    def normalize_update(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Fill in fields aiogram requires and the platform may omit (Bale: `User.is_bot`, parts of
        `SuccessfulPayment`, `Chat.type`). Mutates and returns `raw`."""
        if self.normalizes_updates:
            _fill_missing(raw)
        return raw

    def normalize_result(self, method: str, result: Any) -> Any:
        """The same for a method's result (getMe's User, a sent Message, getChat's ChatFullInfo…)."""
        if self.normalizes_updates:
            _fill_missing(result, _RESULT_ROOTS.get(method, "message"))
        return result


def _fill_missing(node: Any, key: str | None = None) -> None:
    if isinstance(node, list):
        for item in node:
            _fill_missing(item, key)
        return
    if not isinstance(node, dict):
        return
    if key in _USER_KEYS:
        node.setdefault("is_bot", False)
        node.setdefault("first_name", node.get("username") or "")
    elif key in _CHAT_KEYS:
        node.setdefault("type", "private" if int(node.get("id", 0)) > 0 else "group")
    elif key == "chat_full_info":
        node.setdefault("type", "private" if int(node.get("id", 0)) > 0 else "group")
        node.setdefault("accent_color_id", 0)
        node.setdefault("max_reaction_count", 0)
        node.setdefault(
            "accepted_gift_types",
            {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        )
    elif key == "chat_member":
        node.setdefault("status", "member")
    elif key == "successful_payment":
        node.setdefault("telegram_payment_charge_id", node.get("provider_payment_charge_id", ""))
        node.setdefault("provider_payment_charge_id", node.get("telegram_payment_charge_id", ""))
        node.setdefault("invoice_payload", "")
    elif key in _MESSAGE_KEYS:
        node.setdefault("date", 0)
    for child_key, child in node.items():
        _fill_missing(child, child_key)


_USER_KEYS = frozenset(
    {"from", "from_user", "user", "forward_from", "via_bot", "new_chat_members", "left_chat_member"}
)
_CHAT_KEYS = frozenset({"chat", "sender_chat", "forward_from_chat"})
_RESULT_ROOTS = {
    "getMe": "user",
    "getChat": "chat_full_info",
    "getChatMember": "chat_member",
    "getChatAdministrators": "chat_member",
    "getUpdates": "updates",
}
_MESSAGE_KEYS = frozenset({"message", "edited_message", "reply_to_message", "pinned_message", "channel_post"})

_BALE_UNSUPPORTED = frozenset(
    {
        "message_thread_id",
        "allow_paid_broadcast",
        "link_preview_options",
        "message_effect_id",
        "business_connection_id",
        "protect_content",
        "allow_sending_without_reply",
        "direct_messages_topic_id",
        "suggested_post_parameters",
        "show_caption_above_media",
        "secret_token",
        "parse_mode",
        "disable_web_page_preview",
        "entities",
        "caption_entities",
    }
)

TELEGRAM = PlatformProfile(
    platform=Platform.TELEGRAM,
    webhook_secret_header=True,
    reply_with_parameters=True,
    can_edit_keyboards=True,
    forum_topics=True,
    chat_member_updates=True,
    commands_per_language=True,
    normalizes_updates=False,
    update_types=("message", "edited_message", "callback_query", "pre_checkout_query", "my_chat_member"),
    paid_broadcast=True,
    web_apps=True,
    web_app_frame_ancestors=("https://web.telegram.org",),
    webhook_replies=True,
)

BALE = PlatformProfile(
    platform=Platform.BALE,
    webhook_secret_header=False,
    reply_with_parameters=False,
    can_edit_keyboards=False,
    forum_topics=False,
    chat_member_updates=False,
    commands_per_language=False,
    normalizes_updates=True,
    update_types=("message", "edited_message", "callback_query", "pre_checkout_query"),
    unsupported_parameters=_BALE_UNSUPPORTED,
    invoice_currency="IRR",
    invoice_provider="bale_wallet",
    bot_link_base="https://ble.ir/",
)

PROFILES = {Platform.TELEGRAM: TELEGRAM, Platform.BALE: BALE}


def profile_for(platform: Platform) -> PlatformProfile:
    return PROFILES[platform]


class PlatformRequestMiddleware(BaseRequestMiddleware):
    """Rewrites every outgoing request for the platform before aiogram serialises it."""

    def __init__(self, profile: PlatformProfile) -> None:
        self.profile = profile
        # By method class: the profile's unsupported parameters it has, and whether it has
        # `reply_parameters`. (Asked of a model that lacks it, `getattr(method, name, None)`
        # goes through pydantic's failing __getattr__: ~20 times a request on Bale.)
        self._fields: dict[type, tuple[tuple[str, ...], bool]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        known = self._fields.get(kind)
        if known is None:
            fields = kind.model_fields
            unsupported = tuple(
                sorted(name for name in self.profile.unsupported_parameters if name in fields)
            )
            known = self._fields[kind] = (unsupported, "reply_parameters" in fields)
        unsupported, replies = known
        if replies and not self.profile.reply_with_parameters:
            reply = method.reply_parameters  # type: ignore[attr-defined]
            if reply is not None:
                method.reply_parameters = None  # type: ignore[attr-defined]
                method.reply_to_message_id = reply.message_id  # type: ignore[attr-defined]
        for name in unsupported:
            if getattr(method, name) is not None:
                setattr(method, name, None)
        return await make_request(bot, method)
