"""`python -m bot [run|migrate|sandbox]` — see README.md.

With no BOT_TOKEN, `python -m bot` opens the sandbox: the bot against the local messenger, with a
chat in the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from bot.settings import Settings, SettingsError, load_settings

logger = logging.getLogger("hamdel")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Hamdel bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="migrate, then run the bot (polling, or webhook when WEBHOOK_URL is set)")
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    commands.add_parser("sandbox", help="try the bot in the terminal against the local messenger")
    imports = commands.add_parser("import-statuses", help="import dowry-kit application statuses from a CSV")
    imports.add_argument("file", help="CSV: tracking code, national code, status, note, date")
    return parser


async def _run(settings: Settings) -> None:
    from bot.app import create_app
    from bot.migrate import upgrade_async

    await upgrade_async(settings.database.database_url)
    app = create_app(settings)
    try:
        if settings.webhook.url:
            runner = await app.start_webhook()
            logger.info(
                "webhook serving on %s:%s", settings.webhook.listen_host, settings.webhook.listen_port
            )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
            await app.stop_webhook(runner)
        else:
            logger.info("polling %s", settings.telegram.api_base)
            await app.run_polling()
    finally:
        await app.close()


def _checked(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run; a SettingsError (also raised by the features' checks at start, e.g. a broken
    rulebook) is one line and exit code 2."""
    try:
        return asyncio.run(coroutine)
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.telegram.bot_token else "sandbox")
    # The sandbox is a conversation in the terminal: only warnings may interrupt it.
    level = logging.WARNING if command == "sandbox" else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if command == "migrate":
        from bot.migrate import upgrade

        upgrade(settings.database.database_url)
        print("hamdel: database is up to date")
        return 0
    if command == "sandbox":
        from bot.sandbox import run_sandbox

        return _checked(run_sandbox(settings))
    if command == "import-statuses":
        from handlers.status import import_statuses_cli

        return _checked(import_statuses_cli(settings, args.file))
    if not settings.telegram.bot_token:
        print(
            "hamdel: setting BOT_TOKEN is missing: get one from BotFather (Telegram or Bale)", file=sys.stderr
        )
        return 2
    try:
        asyncio.run(_run(settings))
    except KeyboardInterrupt:
        pass
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
