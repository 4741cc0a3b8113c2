"""`python -m bot deliver`: a process that only sends broadcasts (issue 19, goal 5).

It runs the delivery engine (services.delivery) against the bot's database, with the bot's
token and the same shared sending budget as the bot (`build_send_limiter`: in Redis when
REDIS_URL is set, so bot and delivery processes spend one budget and share one 429 pause), and
shows authors their progress. It imports the engine, the models, the aiogram sender
(bot/broadcast_delivery.py) and the broadcast texts only — no handlers, FAQ, charts or console —
and builds only the few aiogram types it meets (`import_aiogram_for_sending`), so it needs less
memory than a bare aiogram bot (about 106 MB at peak against 166 MB). Set BROADCAST_DELIVERY_IN_BOT=false for
the bot's own processes when one runs (else both send; on PostgreSQL their claims keep each
recipient to one of them, on SQLite run only one of them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from bot.settings import Settings
from services.ratelimit import CATCH_UP, HEADROOM, LocalRateLimiter, RateLimiter, RedisRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.platform import PlatformProfile

logger = logging.getLogger("hamdel.delivery")


def paid_broadcasts(settings: Settings, profile: PlatformProfile) -> bool:
    """Telegram's paid broadcasts (`allow_paid_broadcast`) are on: BROADCAST_PAID on a platform
    that has them."""
    return settings.broadcast.paid and profile.paid_broadcast


def build_send_limiter(
    settings: Settings, profile: PlatformProfile, redis: Redis | None, bot_id: int
) -> RateLimiter:
    """The sending budget: the platform's BROADCAST_ rate (or the paid rate), one chat's and one
    group's, paced a little under the platform's limit (`HEADROOM`, `CATCH_UP`); in Redis (one
    budget and one 429 pause for every process of this bot) when there is Redis, else in this
    process."""
    section = settings.broadcast
    rate = section.rate_for(settings.platform, paid=paid_broadcasts(settings, profile))
    if redis is not None:
        return RedisRateLimiter(
            redis,
            namespace=f"{profile.platform.value}:{bot_id}",
            key_prefix=settings.redis.redis_key_prefix,
            rate=rate,
            per_chat_rate=section.per_chat_rate,
            per_group_per_minute=section.per_group_per_minute,
            catch_up=CATCH_UP,
            headroom=HEADROOM,
        )
    return LocalRateLimiter(
        rate,
        section.per_chat_rate,
        per_group_per_minute=section.per_group_per_minute,
        catch_up=CATCH_UP,
        headroom=HEADROOM,
    )


def import_aiogram_for_sending() -> None:
    """aiogram with its types built on first use (bot/aiogram_import.py: the others would cost
    about 100 MB), except what every broadcast meets — the message sent, its buttons, the
    answer — built now, not on the first send."""
    from bot.aiogram_import import build_methods, build_now, import_aiogram_with_types_on_demand

    import_aiogram_with_types_on_demand()
    from aiogram.methods import SendMessage
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    build_methods(SendMessage)
    build_now(InlineKeyboardMarkup, InlineKeyboardButton)


async def deliver(settings: Settings) -> int:
    """Send broadcasts until SIGTERM or SIGINT (then record what was answered and give back
    what was not sent)."""
    import_aiogram_for_sending()
    from aiogram import Bot

    from bot.broadcast_delivery import AiogramProgressSink, AiogramSender
    from bot.i18n import I18n
    from bot.platform import profile_for
    from bot.session import PlatformSession
    from bot.workers import settle_heap
    from jobs.broadcasts import delivery_config
    from models.db import create_engine, create_sessionmaker, is_sqlite
    from services.delivery import DeliveryEngine

    profile = profile_for(settings.platform)
    session = PlatformSession(profile, settings.telegram.api_base, settings.telegram.request_timeout)
    bot = Bot(settings.telegram.bot_token or "", session=session)
    engine = create_engine(
        settings.database.database_url, busy_timeout_ms=settings.database.sqlite_busy_timeout_ms
    )
    redis = None
    if settings.redis.redis_url:
        from bot.rediskit import create_redis

        redis = create_redis(settings.redis.redis_url)
    limiter = build_send_limiter(settings, profile, redis, bot.id)
    i18n = I18n(files=("broadcasts",))  # what recipients and authors see; nothing else
    paid = paid_broadcasts(settings, profile)
    delivery = DeliveryEngine(
        create_sessionmaker(engine),
        AiogramSender(bot, i18n, profile, paid=paid),
        limiter,
        delivery_config(settings, rate=limiter.rate, paid=paid),
        platform=profile.platform.value,
        progress_sink=AiogramProgressSink(bot, i18n, profile),
        exclusive=is_sqlite(engine),
    )
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, delivery.stop)
    # What start-up built (aiogram's models, the ORM) lives as long as the process: settled as a
    # bot worker's is (out of the collector's way, the freed C heap given back).
    settle_heap()
    logger.info("delivery worker started: %s at %.1f messages/s", profile.platform.value, limiter.rate)
    try:
        await delivery.run()
    finally:
        await limiter.close()
        await bot.session.close()
        if redis is not None:
            with contextlib.suppress(Exception):
                await redis.aclose()
        await engine.dispose()
    return 0
