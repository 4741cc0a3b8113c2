"""What differs between the ``telegram`` and ``bale`` flavors of the local messenger.

Bale's Bot API copies Telegram's, minus a good deal.  In the ``bale`` flavor the messenger:

* shapes updates the way Bale sends them: ``User`` objects carry no ``is_bot`` (in updates
  *and* in method results - the bot must normalise before aiogram parses), chat ids are plain
  integers, groups are ``"group"`` (never ``"supergroup"``, never forums), no
  ``my_chat_member`` updates, and ``successful_payment`` lacks ``provider_payment_charge_id``;
* only produces the update types in ``BALE_UPDATE_TYPES``;
* rejects (400 + violation in strict mode) the Telegram-only parameters in
  ``BALE_REJECTED_PARAMS`` and answers 404 (+ violation) to the Telegram-only methods matched by
  ``BALE_MISSING_METHOD_PATTERNS`` / ``BALE_MISSING_METHODS``;
* accepts ``reply_to_message_id`` (Bale's documented way to reply) without a warning;
* requires invoices in ``IRR`` with a non-empty provider (wallet) token, e.g.
  ``WALLET-TEST-1111111111111111``;
* warns (no violation) when ``parse_mode``/``entities`` are used (unreliable on Bale) and
  when a message with an inline keyboard is edited (reported unreliable);
* serves Bale's own ``inquireTransaction``.
"""

from __future__ import annotations

from typing import Literal

Flavor = Literal["telegram", "bale"]

TELEGRAM_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
"""Delivered when allowed_updates is empty (Telegram leaves out chat_member and reactions)."""

BALE_UPDATE_TYPES = frozenset({"message", "edited_message", "callback_query", "pre_checkout_query"})

BALE_REJECTED_PARAMS = frozenset(
    {
        "reply_parameters",
        "message_thread_id",
        "direct_messages_topic_id",
        "allow_paid_broadcast",
        "secret_token",
        "link_preview_options",
        "disable_web_page_preview",
        "message_effect_id",
        "business_connection_id",
        "protect_content",
        "allow_sending_without_reply",
        "suggested_post_parameters",
        "show_caption_above_media",
        "has_spoiler",
        "ephemeral_message_parameters",
        "receiver_user_id",
    }
)
"""Telegram-only parameters; a Bale bot must not send them."""

BALE_EXTRA_PARAMS = frozenset({"reply_to_message_id"})
"""Parameters Bale documents that the current Telegram spec dropped."""

BALE_MISSING_METHOD_PATTERNS = (
    "ForumTopic",
    "Inline",
    "WebAppQuery",
    "PaidMedia",
    "Star",
    "Gift",
    "Business",
    "Story",
    "Stories",
    "Reaction",
    "Boost",
    "Verif",
    "SuggestedPost",
    "Checklist",
    "ManagedBot",
    "PremiumSubscription",
)
"""A method whose name contains one of these is Telegram-only (forums, inline mode, Stars...)."""

BALE_MISSING_METHODS = frozenset({"sendDice", "setChatMenuButton", "getChatMenuButton", "sendPaidMedia"})

BALE_ONLY_METHODS = frozenset({"inquireTransaction"})

BALE_CURRENCY = "IRR"


def bale_lacks_method(method: str) -> bool:
    if method in BALE_ONLY_METHODS:
        return False
    if method in BALE_MISSING_METHODS:
        return True
    return any(p in method for p in BALE_MISSING_METHOD_PATTERNS)
