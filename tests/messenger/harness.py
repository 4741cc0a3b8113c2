"""A tiny real aiogram 3 bot for the messenger tests, wired to a LocalMessenger (polling or webhook)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    TelegramObject,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from messenger import LocalMessenger

TOKEN = "123456:TEST"
BOT_ID = 7000001
WALLET_TOKEN = "WALLET-TEST-1111111111111111"


def bale_loads(raw: str | bytes) -> Any:
    """What a Bale bot must do before aiogram parses: fill in what Bale leaves out."""
    data = json.loads(raw)
    _normalise(data)
    return data


def _normalise(obj: Any) -> None:
    if isinstance(obj, dict):
        if "id" in obj and "first_name" in obj and "type" not in obj and "is_bot" not in obj:
            obj["is_bot"] = obj["id"] == BOT_ID
        sp = obj.get("successful_payment")
        if isinstance(sp, dict):
            sp.setdefault("provider_payment_charge_id", "")
        for v in obj.values():
            _normalise(v)
    elif isinstance(obj, list):
        for v in obj:
            _normalise(v)


class FastSession(AiohttpSession):
    """aiogram's session sleeps 250 ms on close (for SSL); nothing to wait for here."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(m: LocalMessenger) -> Bot:
    kwargs: dict[str, Any] = {"api": TelegramAPIServer.from_base(m.base_url)}
    if m.flavor == "bale":
        kwargs["json_loads"] = bale_loads
    return Bot(TOKEN, session=FastSession(**kwargs))


@dataclass
class BotState:
    update_ids: list[int] = field(default_factory=list)
    member_events: list[tuple[str, str]] = field(default_factory=list)
    charges: set[str] = field(default_factory=set)
    errors: list[BaseException] = field(default_factory=list)


class RecordUpdates(BaseMiddleware):
    def __init__(self, state: BotState) -> None:
        self.state = state

    async def __call__(self, handler: Callable[..., Any], event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            self.state.update_ids.append(event.update_id)
        return await handler(event, data)


def make_dispatcher(flavor: str, state: BotState) -> Dispatcher:
    """A tiny echo / keyboard / invoice / files bot."""
    dp = Dispatcher()
    dp.update.outer_middleware(RecordUpdates(state))
    r = Router()
    dp.include_router(r)

    @dp.startup()
    async def on_startup(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand(command="start", description="شروع")])
        await bot.set_my_commands([BotCommand(command="start", description="start")], language_code="en")

    @r.message(CommandStart())
    async def start(message: Message) -> None:
        kb = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="کمک", callback_data="help"),
                    InlineKeyboardButton(text="پرداخت کمک", callback_data="pay"),
                ],
                [InlineKeyboardButton(text="بی‌پاسخ", callback_data="noanswer")],
            ]
        )
        await message.answer("سلام! به همدل خوش آمدید.", reply_markup=kb)

    @r.message(Command("photo"))
    async def photo(message: Message, bot: Bot) -> None:
        sent = await message.answer_photo(
            BufferedInputFile(b"\x89PNG fake photo", filename="p.png"), caption="عکس"
        )
        assert sent.photo
        await bot.send_photo(message.chat.id, sent.photo[-1].file_id, caption="دوباره")

    @r.message(Command("invoice"))
    async def invoice(message: Message) -> None:
        payload = (message.text or "").split(maxsplit=1)[1] if " " in (message.text or "") else "donation-1"
        if flavor == "bale":
            await message.answer_invoice(
                title="کمک به جهیزیه",
                description="کمک خرد",
                payload=payload,
                currency="IRR",
                prices=[LabeledPrice(label="کمک", amount=500_000)],
                provider_token=WALLET_TOKEN,
            )
        else:
            await message.answer_invoice(
                title="کمک به جهیزیه",
                description="کمک خرد",
                payload=payload,
                currency="XTR",
                prices=[LabeledPrice(label="کمک", amount=50)],
                provider_token="",
            )

    @r.message(Command("copy"))
    async def copy(message: Message, bot: Bot) -> None:
        if message.reply_to_message is None:
            await message.answer("reply to something")
            return
        await bot.copy_message(message.chat.id, message.chat.id, message.reply_to_message.message_id)

    @r.message(Command("reply"))
    async def reply_cmd(message: Message) -> SendMessage:
        # returned from the handler: a webhook with handle_in_background=False answers with it
        return SendMessage(chat_id=message.chat.id, text="from webhook reply")

    @r.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document
        buf = await bot.download(message.document.file_id)
        assert buf is not None
        data = buf.read()
        await message.answer(f"size={len(data)}")
        await message.answer_document(BufferedInputFile(data.upper(), filename="back.csv"), caption="برگشت")

    @r.message(F.successful_payment)
    async def paid(message: Message) -> None:
        sp = message.successful_payment
        assert sp
        if sp.telegram_payment_charge_id in state.charges:
            await message.answer("تکراری")
            return
        state.charges.add(sp.telegram_payment_charge_id)
        await message.answer(f"paid {sp.total_amount} {sp.currency}")

    @r.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @r.message()
    async def other(message: Message) -> None:
        kind = str(message.content_type.value)
        await message.answer(f"got {kind}")

    @r.edited_message(F.text)
    async def edited(message: Message) -> None:
        await message.answer(f"edited: {message.text}")

    @r.callback_query(F.data == "help")
    async def help_cb(cq: CallbackQuery) -> None:
        await cq.answer("راهنما")
        assert isinstance(cq.message, Message)
        await cq.message.edit_text("راهنمای همدل", reply_markup=cq.message.reply_markup)

    @r.callback_query(F.data == "pay")
    async def pay_cb(cq: CallbackQuery) -> None:
        await cq.answer()
        assert cq.message is not None
        await cq.bot.send_message(cq.message.chat.id, "use /invoice")  # type: ignore[union-attr]

    @r.callback_query(F.data == "noanswer")
    async def noanswer_cb(cq: CallbackQuery) -> None:
        return None

    @r.callback_query()
    async def any_cb(cq: CallbackQuery) -> None:
        await cq.answer("این دکمه منقضی شده است", show_alert=True)

    @r.pre_checkout_query()
    async def pre_checkout(q: PreCheckoutQuery) -> None:
        if q.invoice_payload == "bad":
            await q.answer(ok=False, error_message="ظرفیت تکمیل است")
        else:
            await q.answer(ok=True)

    @r.my_chat_member()
    async def member(event: ChatMemberUpdated) -> None:
        state.member_events.append((event.old_chat_member.status, event.new_chat_member.status))

    return dp


@dataclass
class Harness:
    m: LocalMessenger
    bot: Bot
    dp: Dispatcher
    state: BotState


class webhook_bot:
    """An aiogram bot served by aiogram's SimpleRequestHandler on 127.0.0.1:0."""

    def __init__(self, m: LocalMessenger, background: bool = True) -> None:
        self.m = m
        self.background = background
        self.secret = secrets.token_urlsafe(16)
        self.path = f"/wh/{secrets.token_urlsafe(12)}"

    async def __aenter__(self) -> Harness:
        m = self.m
        state = BotState()
        self.bot = bot = make_bot(m)
        dp = make_dispatcher(m.flavor, state)
        app = web.Application()
        secret = self.secret if m.flavor == "telegram" else None
        SimpleRequestHandler(
            dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=self.background
        ).register(app, path=self.path)
        setup_application(app, dp, bot=bot)
        self.runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}{self.path}"
        await bot.set_webhook(url, secret_token=secret)
        self.url = url
        return Harness(m, bot, dp, state)

    async def __aexit__(self, *exc: object) -> None:
        await self.runner.cleanup()
        await self.bot.session.close()
