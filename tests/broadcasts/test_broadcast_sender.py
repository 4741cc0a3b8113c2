"""The aiogram sender against the messenger, in both flavors: what is sent (language, buttons,
photo, paid broadcasts only on Telegram) and how each Bot API answer is classified (one mapping,
for the bot's own delivery and for `python -m bot deliver`)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiogram import Bot

from bot.broadcast_delivery import AiogramSender
from bot.i18n import get_i18n
from bot.platform import profile_for
from bot.session import PlatformSession
from bot.settings import Platform
from messenger import LocalMessenger
from services.delivery import Content, Envelope, Outcome

CONTENT = Content(
    broadcast_id=7,
    text_fa="سلام؛ پویش تازه آغاز شد.",
    text_en="Hello; a new campaign has started.",
    photo_file_id=None,
    button_kind="url",
    button_url="https://behzisti.ir",
    button_text_fa="🔗 بیشتر بدانید",
    button_text_en="🔗 Learn more",
    button_campaign_id=None,
)


@pytest.fixture
async def bot(messenger: LocalMessenger, flavor: str) -> AsyncIterator[Bot]:
    profile = profile_for(Platform(flavor))
    bot = Bot("1000000:SANDBOX-local-messenger", session=PlatformSession(profile, messenger.base_url, 5))
    try:
        yield bot
    finally:
        await bot.session.close()


def envelope(chat_id: int, language: str = "fa", content: Content = CONTENT) -> Envelope:
    return Envelope(outbox_id=1, user_id=1, chat_id=chat_id, language=language, content=content)


async def test_sends_in_the_recipients_language_with_its_buttons(
    bot: Bot, messenger: LocalMessenger, flavor: str
) -> None:
    sara, john = messenger.user(1001), messenger.user(1002, "John", language_code="en")
    sender = AiogramSender(bot, get_i18n(), profile_for(Platform(flavor)), paid=True)
    first = await sender.send(envelope(sara.id))
    second = await sender.send(envelope(john.id, "en"))
    assert first.outcome is Outcome.SENT and first.message_id
    assert second.outcome is Outcome.SENT
    assert sara.last_text == CONTENT.text_fa and sara.buttons() == ["🔗 بیشتر بدانید", "🔕 لغو اشتراک"]
    assert john.last_text == CONTENT.text_en and john.buttons() == ["🔗 Learn more", "🔕 Unsubscribe"]
    paid = [call.params.get("allow_paid_broadcast") for call in messenger.calls("sendMessage")]
    # Paid broadcasts exist on Telegram only; Bale never sees the parameter.
    assert paid == ([True, True] if flavor == "telegram" else [None, None])


async def test_answers_become_outcomes(bot: Bot, messenger: LocalMessenger, flavor: str) -> None:
    user = messenger.user(1001)
    sender = AiogramSender(bot, get_i18n(), profile_for(Platform(flavor)), paid=False)
    messenger.fail_next("sendMessage", status=429, retry_after=3)
    limited = await sender.send(envelope(user.id))
    assert limited.outcome is Outcome.RETRY_AFTER and limited.retry_after == 3
    messenger.fail_next("sendMessage", status=429, retry_after=None, description="Too Many Requests")
    assert (await sender.send(envelope(user.id))).outcome is Outcome.RETRY_AFTER
    messenger.fail_next("sendMessage", status=502)
    assert (await sender.send(envelope(user.id))).outcome is Outcome.TRANSIENT
    messenger.fail_next("sendMessage", status=403)
    assert (await sender.send(envelope(user.id))).outcome is Outcome.BLOCKED
    missing = await sender.send(envelope(999_999))  # nobody: chat not found
    assert missing.outcome is Outcome.FAILED and "chat not found" in (missing.error or "")
    await user.block()
    assert (await sender.send(envelope(user.id))).outcome is Outcome.BLOCKED
    await user.unblock()
    messenger.fail_next("sendMessage", status=401, description="Unauthorized")
    revoked = await sender.send(envelope(user.id))  # the token: everything waits, nothing is lost
    assert revoked.outcome is Outcome.RETRY_AFTER and revoked.retry_after == 60
    messenger.fail_next("sendMessage", status=413, description="Request Entity Too Large")
    assert (await sender.send(envelope(user.id))).outcome is Outcome.FAILED


async def test_no_answer_is_transient(flavor: str) -> None:
    """The Bot API unreachable (a port nobody listens on): tried again later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    profile = profile_for(Platform(flavor))
    nowhere = Bot(
        "1000000:SANDBOX-local-messenger", session=PlatformSession(profile, f"http://127.0.0.1:{port}", 5)
    )
    try:
        sender = AiogramSender(nowhere, get_i18n(), profile, paid=False)
        assert (await sender.send(envelope(1001))).outcome is Outcome.TRANSIENT
    finally:
        await nowhere.session.close()


async def test_a_refused_photo_falls_back_to_text(bot: Bot, messenger: LocalMessenger, flavor: str) -> None:
    user = messenger.user(1001)
    sender = AiogramSender(bot, get_i18n(), profile_for(Platform(flavor)), paid=False)
    with_photo = replace(CONTENT, photo_file_id="no-such-file")
    result = await sender.send(envelope(user.id, content=with_photo))
    assert result.outcome is Outcome.SENT
    assert user.last_text == CONTENT.text_fa
    assert [call.ok for call in messenger.calls("sendPhoto")] == [False]
