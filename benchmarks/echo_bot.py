"""A bare aiogram 3 echo bot: the baseline the benchmarks compare Hamdel with.

One Dispatcher, one Router: every text is answered with the same text and a «دوباره» button,
every callback query is answered (nothing else). No database, no middlewares, no i18n.

    python -m benchmarks.echo_bot --port P --api-base URL --token T [--secret S]

serves it over webhook (aiogram's aiohttp SimpleRequestHandler on 127.0.0.1:P, path /webhook)
and registers http://127.0.0.1:P/webhook with the Bot API server at URL, as the real bot
registers its WEBHOOK_URL; it runs until SIGTERM or SIGINT. Like the bot's handler, it answers
a delivery only after the update was handled (handle_in_background=False), so the messenger's
"one update per chat at a time" holds for both. With --polling instead of --port it polls
the Bot API server (aiogram's start_polling), as the bot does without WEBHOOK_URL: the yardstick
of benchmarks.footprint (idle memory, start-up to the first getUpdates). `echo_dispatcher()` is
also used in process (polling) by benchmarks.donation_flow.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

BUTTON = "دوباره"
WEBHOOK_PATH = "/webhook"


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=BUTTON, callback_data="again")]]
        )
        await message.answer(message.text or "", reply_markup=markup)

    @router.callback_query()
    async def again(query: CallbackQuery) -> None:
        await query.answer()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def serve(port: int, api_base: str, token: str, secret: str | None, host: str = "127.0.0.1") -> None:
    """Listen, register the webhook, run until SIGTERM/SIGINT."""
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    dispatcher = echo_dispatcher()
    application = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token=secret).register(
        application, path=WEBHOOK_PATH
    )
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.TCPSite(runner, host, port).start()
        await dispatcher.emit_startup(bot=bot)
        await bot.set_webhook(f"http://{host}:{port}{WEBHOOK_PATH}", secret_token=secret)
        await stop.wait()
    finally:
        await runner.cleanup()  # finishes the deliveries in flight
        await dispatcher.emit_shutdown(bot=bot)
        await bot.session.close()


async def poll(api_base: str, token: str) -> None:
    """Long-poll the Bot API server until SIGTERM/SIGINT (aiogram handles the signals)."""
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    await echo_dispatcher().start_polling(bot)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.echo_bot", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--port", type=int, help="serve a webhook on 127.0.0.1:PORT")
    mode.add_argument("--polling", action="store_true", help="poll getUpdates instead of a webhook")
    parser.add_argument("--api-base", required=True, help="the Bot API server, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", default=None, help="webhook secret token (the secret header)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.polling:
        asyncio.run(poll(args.api_base, args.token))
    else:
        asyncio.run(serve(args.port, args.api_base, args.token, args.secret))


if __name__ == "__main__":
    main()
