"""The app factory: one bot, its dispatcher, database and texts, ready to poll or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import handlers
from bot.i18n import I18n, get_i18n
from bot.middlewares import DatabaseMiddleware, UserMiddleware
from bot.platform import PlatformProfile, profile_for
from bot.session import PlatformSession
from bot.settings import Settings
from bot.storage import SqlStorage
from bot.ui import Feature
from bot.webhook import PlatformWebhookHandler, webhook_path
from models.db import create_engine, create_sessionmaker
from services.clock import Clock
from services.users import UserDirectory

logger = logging.getLogger("hamdel")

# A token for the sandbox and tests, where the local messenger accepts anything.
SANDBOX_TOKEN = "1000000:SANDBOX-local-messenger"


@dataclass
class HamdelApp:
    settings: Settings
    profile: PlatformProfile
    bot: Bot
    dispatcher: Dispatcher
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    i18n: I18n
    users: UserDirectory
    features: tuple[Feature, ...]
    clock: Clock
    background: set[asyncio.Task[None]] = field(default_factory=set)

    def spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run background work (reminders, delivery) until the app closes; a crash is logged."""
        task = asyncio.create_task(coroutine, name=name)
        self.background.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background task %s crashed", task.get_name(), exc_info=task.exception())

    async def on_startup(self) -> None:
        await self.set_commands()
        for feature in self.features:
            for hook in feature.on_startup:
                await hook(self)

    @property
    def allowed_updates(self) -> list[str]:
        return list(self.profile.update_types)

    async def set_commands(self) -> None:
        """setMyCommands for each language (where the platform has per-language commands), and
        the staff commands for each admin's chat."""
        commands = handlers.user_commands(self.features)
        if self.profile.commands_per_language:
            for locale in self.i18n.locales:
                t = self.i18n.translator(locale)
                await self.bot.set_my_commands(
                    [BotCommand(command=c, description=t(key)) for c, key in commands],
                    scope=BotCommandScopeDefault(),
                    language_code=locale,
                )
        t = self.i18n.translator(self.settings.locale.default_locale)
        await self.bot.set_my_commands(
            [BotCommand(command=c, description=t(key)) for c, key in commands], scope=BotCommandScopeDefault()
        )
        staff_commands = commands + handlers.admin_commands(self.features)
        if staff_commands == commands:
            return
        for admin_id in self.settings.staff.admin_ids:
            try:
                await self.bot.set_my_commands(
                    [BotCommand(command=c, description=t(key)) for c, key in staff_commands],
                    scope=BotCommandScopeChat(chat_id=admin_id),
                )
            except TelegramAPIError as error:  # the admin has not started the bot yet
                logger.warning("staff commands for admin %s not set: %s", admin_id, error)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.dispatcher.start_polling(
            self.bot,
            allowed_updates=self.allowed_updates,
            handle_signals=handle_signals,
            close_bot_session=False,
        )

    def webhook_path(self) -> str:
        webhook = self.settings.webhook
        return webhook_path(webhook.path, self.bot.token, webhook.secret)

    def build_web_app(self) -> web.Application:
        """The bot's own web server: the webhook endpoint (and the features' pages)."""
        application = web.Application()
        for feature in self.features:
            for add_routes in feature.web_routes:
                add_routes(self, application)
        PlatformWebhookHandler(
            self.dispatcher, self.bot, self.profile, self.settings.webhook.secret
        ).register(application, path=self.webhook_path())
        return application

    async def serve_web(self, host: str, port: int) -> tuple[web.AppRunner, int]:
        """Start the bot's web server; returns the runner and the bound port (port 0 picks one)."""
        runner = web.AppRunner(self.build_web_app())
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        return runner, sockets[0].getsockname()[1] if sockets else port

    async def register_webhook(self, public_url: str) -> None:
        webhook = self.settings.webhook
        await self.bot.set_webhook(
            public_url.rstrip("/") + self.webhook_path(),
            secret_token=webhook.secret if self.profile.webhook_secret_header else None,
            allowed_updates=self.allowed_updates,
            drop_pending_updates=False,
        )

    async def start_webhook(self) -> web.AppRunner:
        """Webhook mode: serve, run the startup hooks, register WEBHOOK_URL with the platform."""
        webhook = self.settings.webhook
        if not webhook.url:
            raise ValueError("WEBHOOK_URL is required in webhook mode")
        runner, _ = await self.serve_web(webhook.listen_host, webhook.listen_port)
        await self.dispatcher.emit_startup(bot=self.bot)
        await self.register_webhook(webhook.url)
        return runner

    async def stop_webhook(self, runner: web.AppRunner) -> None:
        await runner.cleanup()
        await self.dispatcher.emit_shutdown(bot=self.bot)

    async def close(self) -> None:
        for task in list(self.background):
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        await self.dispatcher.storage.close()
        await self.dispatcher.fsm.events_isolation.close()
        await self.bot.session.close()
        await self.engine.dispose()


def _storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis.redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis.redis_url)
        ttl = settings.redis.fsm_state_ttl_seconds
        return RedisStorage(redis, state_ttl=ttl, data_ttl=ttl), RedisEventIsolation(redis)
    return SqlStorage(sessionmaker), SimpleEventIsolation()


def create_app(
    settings: Settings, *, features: tuple[Feature, ...] = handlers.FEATURES, clock: Clock | None = None
) -> HamdelApp:
    profile = profile_for(settings.platform)
    session = PlatformSession(profile, settings.telegram.api_base, settings.telegram.request_timeout)
    bot = Bot(settings.telegram.bot_token or SANDBOX_TOKEN, session=session, default=DefaultBotProperties())
    engine = create_engine(
        settings.database.database_url,
        echo=settings.database.database_echo,
        busy_timeout_ms=settings.database.sqlite_busy_timeout_ms,
    )
    sessionmaker = create_sessionmaker(engine)
    storage, isolation = _storage(settings, sessionmaker)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    i18n = get_i18n()
    default_locale = settings.locale.default_locale
    users = UserDirectory(profile.platform.value, default_locale)

    dispatcher.update.outer_middleware(DatabaseMiddleware(sessionmaker))
    dispatcher.update.outer_middleware(UserMiddleware(i18n, users, default_locale))
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_router(
        handlers.build_router(settings.staff.staff_chat_id, features, settings.tickets.routed_chat_ids)
    )

    app = HamdelApp(
        settings=settings,
        profile=profile,
        bot=bot,
        dispatcher=dispatcher,
        engine=engine,
        sessionmaker=sessionmaker,
        i18n=i18n,
        users=users,
        features=features,
        clock=clock or Clock(),
    )
    dispatcher.workflow_data.update(
        app=app,
        settings=settings,
        profile=profile,
        i18n=i18n,
        users=users,
        sessionmaker=sessionmaker,
        clock=app.clock,
        default_locale=default_locale,
        menu_sections=handlers.menu_sections(features),
        user_commands=handlers.user_commands(features),
    )
    dispatcher.startup.register(app.on_startup)
    return app
