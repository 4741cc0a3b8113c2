"""`python -m bot [run|deliver|migrate|sandbox]` — see README.md.

With no BOT_TOKEN, `python -m bot` opens the sandbox: the bot against the local messenger, with a
chat in the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from bot.settings import Settings, SettingsError, load_settings
from services import privacy

logger = logging.getLogger("hamdel")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Hamdel bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run",
        help="migrate, then run the bot (polling, or webhook when WEBHOOK_URL is set; WORKERS processes)",
    )
    worker = commands.add_parser("worker", help="one webhook worker of several (see WORKERS; no migration)")
    worker.add_argument("--index", type=int, default=0, help="this worker's number, from 0")
    commands.add_parser(
        "deliver",
        help="only send broadcasts (a delivery worker without the chat's handlers; see bot/delivery_worker.py)",
    )
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    commands.add_parser("sandbox", help="try the bot in the terminal against the local messenger")
    commands.add_parser("seed", help="migrate, then add the sample campaigns that are missing (idempotent)")
    from bot import cli

    cli.add_parser(commands)
    imports = commands.add_parser("import-statuses", help="import dowry-kit application statuses from a CSV")
    imports.add_argument("file", help="CSV: tracking code, national code, status, note, date")
    return parser


async def _seed(settings: Settings) -> list[str]:
    from bot.migrate import upgrade_async
    from models.db import create_engine, create_sessionmaker
    from services.campaigns import seed_sample_campaigns
    from services.clock import Clock

    await upgrade_async(settings.database.database_url)
    engine = create_engine(
        settings.database.database_url, busy_timeout_ms=settings.database.sqlite_busy_timeout_ms
    )
    try:
        async with create_sessionmaker(engine)() as session:
            added = await seed_sample_campaigns(session, Clock().now())
            await session.commit()
    finally:
        await engine.dispose()
    return added


async def _run(settings: Settings) -> None:
    from bot.workers import serve

    await serve(settings)


def _checked(coroutine: Coroutine[Any, Any, int], settings: Settings) -> int:
    """Run (on the event loop EVENT_LOOP names); a SettingsError (also raised by the features'
    checks at start, e.g. a broken rulebook) is one line and exit code 2."""
    from bot.workers import run_event_loop

    try:
        return run_event_loop(coroutine, settings)
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2


# Informational lines nobody reads, at WARNING: alembic's plugin list at every start, and aiogram's
# line per update ("Update id=… is handled") and per button press ("Answer to callback query"):
# ~1.6 log lines per update, most of the log's volume and ~2 % of a worker's CPU per update
# (each line also goes through the personal-number masking). The trail of every update is the
# update inbox (received, finished, attempts, last error) and /metrics (updates by type and
# outcome, handling time); aiogram's errors are still logged.
CHATTY_LOGGERS = ("alembic.runtime.plugins", "aiogram.event", "aiogram.middlewares")


def quiet_chatty_loggers() -> None:
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.telegram.bot_token else "sandbox")
    # The sandbox is a conversation in the terminal: it sends its log to a file (messenger.sandbox).
    level = logging.WARNING if command == "sandbox" else logging.INFO
    who = f" w{args.index}" if command == "worker" else ""
    logging.basicConfig(level=level, format=f"%(asctime)s %(levelname)s{who} %(name)s: %(message)s")
    quiet_chatty_loggers()
    privacy.install_log_masking()  # no national code, mobile, card or IBAN in any log line
    if command in ("run", "worker", "sandbox", "deliver"):
        from bot.workers import limit_malloc_arenas

        limit_malloc_arenas()  # before any thread starts
    # (`run` with WORKERS > 1 only supervises worker processes: it needs no aiogram.)
    if command in ("worker", "sandbox") or (command == "run" and settings.scale.workers <= 1):
        from bot.aiogram_import import import_aiogram_for_the_chat

        import_aiogram_for_the_chat()
    if command == "migrate":
        from bot.migrate import upgrade

        upgrade(settings.database.database_url)
        print("hamdel: database is up to date")
        return 0
    if command == "seed":
        added = asyncio.run(_seed(settings))
        if added:
            print(f"hamdel: added {len(added)} sample campaigns: " + "، ".join(added))
        else:
            print("hamdel: the sample campaigns are already there; nothing added")
        return 0
    if command == "admin":
        from bot.cli import run as run_admin

        return run_admin(args, settings)
    if command == "sandbox":
        from messenger.sandbox import run_sandbox

        return _checked(run_sandbox(settings), settings)
    if command == "import-statuses":
        from handlers.status import import_statuses_cli

        return _checked(import_statuses_cli(settings, args.file), settings)
    if not settings.telegram.bot_token:
        print(
            "hamdel: setting BOT_TOKEN is missing: get one from BotFather (Telegram or Bale)", file=sys.stderr
        )
        return 2
    if command == "deliver":
        from bot.delivery_worker import deliver

        try:
            return _checked(deliver(settings), settings)
        except KeyboardInterrupt:
            return 0
    from bot.workers import check_scale_out, run_event_loop, supervise, worker_main

    problem = check_scale_out(settings)
    if problem:
        print(f"hamdel: {problem}", file=sys.stderr)
        return 2
    if command == "worker":
        return worker_main(settings, args.index)
    if settings.scale.workers > 1:
        return supervise(settings)
    try:
        run_event_loop(_run(settings), settings)
    except KeyboardInterrupt:
        pass
    except SettingsError as error:
        print(f"hamdel: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
