"""The app factory: one bot, its dispatcher, database and texts, ready to poll or serve a webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import handlers
from bot import __version__
from bot.aiogram_compat import (
    lighten_event_propagation,
    observer_filters,
    polling_update_tasks,
    run_filter_on_loop,
)
from bot.delivery_worker import build_send_limiter, paid_broadcasts
from bot.i18n import I18n, get_i18n
from bot.inbox import HamdelDispatcher, UpdateInbox, new_worker_id, reraise_transient
from bot.lifecycle import Gate
from bot.middlewares import (
    CallbackAnswerer,
    CommitBeforeSend,
    DatabaseMiddleware,
    KeptMessageMiddleware,
    OncePressMiddleware,
    PressLedger,
    UserMiddleware,
)
from bot.observability import (
    BotApiMiddleware,
    Metrics,
    UpdateMetricsMiddleware,
    add_backlog_hooks,
    add_ops_routes,
)
from bot.platform import PlatformProfile, profile_for
from bot.session import PlatformSession
from bot.settings import SANDBOX_TOKEN, Settings
from bot.storage import SqlStorage
from bot.ui import Feature, staff_reports_of
from bot.webhook import PlatformWebhookHandler, webhook_path
from jobs import Job, scheduler_for
from models.db import (
    SQLITE_BACKGROUND_CONNECTIONS,
    SQLITE_CONNECTIONS,
    checkpoint_wal,
    create_background_engine,
    create_engine,
    create_sessionmaker,
    open_connections,
)
from services.clock import Clock
from services.ratelimit import RateLimiter
from services.staff_reports import StaffReports
from services.tasks import cancel_and_wait
from services.users import UserDirectory

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("hamdel")
CLOSE_GRACE_SECONDS = 10.0
# How often a SQLite file's WAL is checkpointed in the background (models.db.checkpoint_wal).
CHECKPOINT_SECONDS = 1.0


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
    # The one sending budget for bulk sends (broadcasts): the BROADCAST_* rates and a shared 429
    # pause, in Redis for every worker when REDIS_URL is set (`build_send_limiter`).
    send_limiter: RateLimiter
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # The background jobs' engine and sessions (models.db.create_background_engine): for a SQLite
    # file, connections of their own, so that an update never waits for one behind them.
    jobs_engine: AsyncEngine | None = None
    jobs_sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # Scaling out (bot.inbox, bot.observability, services.ratelimit): see README "Scaling out".
    worker_index: int = 0
    worker_id: str = ""
    redis: Redis | None = None
    metrics: Metrics = field(default_factory=lambda: Metrics(platform="?", worker="?", version=__version__))
    inbox: UpdateInbox | None = None
    gate: Gate = field(default_factory=Gate)
    api: BotApiMiddleware | None = None
    # Set when the worker shuts down: background loops finish the send in hand and return.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # What the features add to the staff tools (Feature.reports), merged.
    reports: StaffReports = field(default_factory=StaffReports)

    @property
    def background_sessions(self) -> async_sessionmaker[AsyncSession]:
        """Sessions for background jobs (jobs/): never on the connections updates use."""
        return self.jobs_sessionmaker or self.sessionmaker

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
        if self.inbox is not None:
            self.spawn(self.inbox.run(self.bot), name="update-inbox")
        if self.jobs_engine is not None and self.jobs_engine is not self.engine:
            await open_connections(self.engine, SQLITE_CONNECTIONS)
            await open_connections(self.jobs_engine, SQLITE_BACKGROUND_CONNECTIONS)
            # A SQLite file: its WAL is checkpointed here, not in the commits that fill it.
            scheduler_for(self).add(
                Job(
                    "sqlite-checkpoint",
                    partial(checkpoint_wal, self.jobs_engine),
                    interval=CHECKPOINT_SECONDS,
                    exclusive=False,
                )
            )
        await self.set_commands()
        for feature in self.features:
            for hook in feature.on_startup:
                await hook(self)

    @property
    def paid_broadcasts(self) -> bool:
        return paid_broadcasts(self.settings, self.profile)

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

    def needs_web_server(self) -> bool:
        """Whether a feature's pages must be served in polling mode too (see `Feature.web_needed`)."""
        return any(f.web_routes and f.web_needed and f.web_needed(self.settings) for f in self.features)

    async def run_polling(self, *, handle_signals: bool = True) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        runner = None
        if self.needs_web_server():
            webhook = self.settings.webhook
            runner, port = await self.serve_web(webhook.listen_host, webhook.listen_port, webhook=False)
            logger.info("web server for the features' pages on %s:%s", webhook.listen_host, port)
        try:
            await self.dispatcher.start_polling(
                self.bot,
                allowed_updates=self.allowed_updates,
                handle_signals=handle_signals,
                close_bot_session=False,
            )
        finally:
            if runner is not None:
                await runner.cleanup()

    def webhook_path(self) -> str:
        webhook = self.settings.webhook
        return webhook_path(webhook.path, self.bot.token, webhook.secret)

    def build_web_app(self, *, webhook: bool = True) -> web.Application:
        """The bot's own (public) web server: the features' pages and the webhook endpoint in
        webhook mode; /healthz and /metrics only when METRICS_ON_WEBHOOK (they belong on the ops
        listener, `build_ops_app`)."""
        application = web.Application()
        if self.settings.scale.metrics_on_webhook:
            add_ops_routes(self, application)
        for feature in self.features:
            for add_routes in feature.web_routes:
                add_routes(self, application)
        if webhook:
            PlatformWebhookHandler(
                self.dispatcher,
                self.bot,
                self.profile,
                self.settings.webhook.secret,
                inbox=self.inbox,
                gate=self.gate,
            ).register(application, path=self.webhook_path())
        return application

    def build_ops_app(self) -> web.Application:
        """Only /healthz and /metrics (METRICS_HOST, METRICS_PORT + worker index)."""
        application = web.Application()
        add_ops_routes(self, application)
        return application

    async def serve_web(
        self,
        host: str,
        port: int,
        *,
        webhook: bool = True,
        application: web.Application | None = None,
        reuse_port: bool = False,
    ) -> tuple[web.AppRunner, int]:
        """Start the bot's web server; returns the runner and the bound port (port 0 picks one).
        `reuse_port`: several worker processes listen on the same port (SO_REUSEPORT)."""
        runner = web.AppRunner(application or self.build_web_app(webhook=webhook), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None)
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
        runner, _ = await self.serve_web(
            webhook.listen_host, webhook.listen_port, reuse_port=self.settings.scale.workers > 1
        )
        await self.dispatcher.emit_startup(bot=self.bot)
        if self.worker_index == 0:  # one registration is enough for N workers on one port
            await self.register_webhook(webhook.url)
        return runner

    async def stop_webhook(self, runner: web.AppRunner) -> None:
        await runner.cleanup()
        await self.dispatcher.emit_shutdown(bot=self.bot)

    async def drain(self, within: float | None = None) -> bool:
        """Graceful shutdown: stop taking updates (webhook 503, health "draining"), finish the
        updates in flight, stop background loops at a safe point (`stopping` is set, then their
        tasks are cancelled: they finish the send in hand),
        wait for Bot API requests in flight. True when everything finished `within` seconds
        (default SHUTDOWN_TIMEOUT); `close()` then cancels whatever is left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.settings.scale.shutdown_timeout if within is None else within)

        def left() -> float:
            return max(deadline - loop.time(), 0.001)

        self.gate.close()
        finished = await self.gate.wait_idle(left())
        polling_tasks = polling_update_tasks(self.dispatcher)
        if polling_tasks:
            _, pending = await asyncio.wait(polling_tasks, timeout=left())
            finished = finished and not pending
        if self.inbox is not None:
            finished = await self.inbox.stop(left()) and finished
        self.stopping.set()
        if self.background:
            # Background loops stop at a safe point when cancelled (the delivery engine finishes
            # the sends in flight and records them: jobs.scheduler.Scheduler._finishing).
            for task in list(self.background):
                task.cancel()
            _, pending = await asyncio.wait(set(self.background), timeout=left())
            finished = finished and not pending
        if self.api is not None:
            finished = await self.api.wait_idle(left()) and finished
        if not finished:
            logger.warning("shutdown: some work was still running after the shutdown timeout")
        return finished

    async def close(self) -> None:
        self.stopping.set()
        background = list(self.background)
        for task in background:
            task.cancel()
        if background:
            # Cancelled once, they get time to clean up (the delivery engine records its sends);
            # one that swallowed its cancellation is cancelled again rather than waited for ever.
            _, pending = await asyncio.wait(background, timeout=CLOSE_GRACE_SECONDS)
            if pending:
                logger.warning(
                    "close: %s still running %.0f s after being cancelled; cancelling again",
                    ", ".join(sorted(task.get_name() for task in pending)),
                    CLOSE_GRACE_SECONDS,
                )
                await cancel_and_wait(pending, within=CLOSE_GRACE_SECONDS)
        await self.dispatcher.storage.close()
        await self.dispatcher.fsm.events_isolation.close()
        await self.bot.session.close()
        await self.send_limiter.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
        if self.jobs_engine is not None and self.jobs_engine is not self.engine:
            await self.jobs_engine.dispose()


def _storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], redis: Redis | None = None
) -> tuple[BaseStorage, BaseEventIsolation]:
    if redis is not None:
        from bot.rediskit import HeldChatRedisStorage, LeasedRedisIsolation

        ttl = settings.redis.fsm_state_ttl_seconds
        keys = DefaultKeyBuilder(prefix=f"{settings.redis.redis_key_prefix}:fsm")
        storage = HeldChatRedisStorage(redis, key_builder=keys, state_ttl=ttl, data_ttl=ttl)
        return storage, LeasedRedisIsolation(redis, keys, settings.scale.worker_lease_seconds, storage)
    return SqlStorage(sessionmaker), LocalEventIsolation()


class LocalEventIsolation(BaseEventIsolation):
    """One person's updates handled one at a time in this process (an asyncio lock per FSM key),
    as aiogram's SimpleEventIsolation does, without its leak: that one keeps every lock it ever
    made (a key and a lock per person, for the process's life: memory that grew with every new
    person, benchmarks/memory.py). Here a key's lock lives while an update holds or waits for it."""

    def __init__(self) -> None:
        # key -> (its lock, updates holding or waiting for it)
        self._locks: dict[StorageKey, list[Any]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._locks[key]

    def __len__(self) -> int:
        """Keys with an update holding or waiting for their lock."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()


def run_sync_filters_inline(router: Router) -> int:
    """aiogram runs every filter that is not a coroutine function (`F.text == …`, a `State`, a
    plain function) in a worker thread (`asyncio.to_thread`), which suits blocking filters. Ours
    are pure and take microseconds, yet the thread hop cost ~8 hops and a good part of a
    millisecond of CPU per update: run them on the event loop instead. A filter that blocks (I/O)
    must be an async function. Returns how many filters were changed (idempotent: the feature
    routers are module-level and mounted again by every app in a process)."""
    changed = 0
    for observer in router.observers.values():
        filters = observer_filters(observer)
        for handler in observer.handlers:
            filters += handler.filters or ()
        for item in filters:
            if isinstance(item, FilterObject) and run_filter_on_loop(item):
                changed += 1
    for child in router.sub_routers:
        changed += run_sync_filters_inline(child)
    return changed


def create_app(
    settings: Settings,
    *,
    features: tuple[Feature, ...] = handlers.FEATURES,
    clock: Clock | None = None,
    worker_index: int = 0,
) -> HamdelApp:
    profile = profile_for(settings.platform)
    worker_id = new_worker_id(worker_index)
    metrics = Metrics(platform=profile.platform.value, worker=str(worker_index), version=__version__)
    session = PlatformSession(profile, settings.telegram.api_base, settings.telegram.request_timeout)
    api = BotApiMiddleware(metrics)
    session.middleware(CommitBeforeSend())
    session.middleware(api)
    bot = Bot(settings.telegram.bot_token or SANDBOX_TOKEN, session=session, default=DefaultBotProperties())
    # A SQLite file's WAL is checkpointed by a background job (HamdelApp.on_startup).
    engine = create_engine(
        settings.database.database_url,
        echo=settings.database.database_echo,
        busy_timeout_ms=settings.database.sqlite_busy_timeout_ms,
        checkpointed_apart=True,
        server_connections=settings.database.postgres_pool_size,
        server_overflow=settings.database.postgres_pool_overflow,
    )
    sessionmaker = create_sessionmaker(engine)
    jobs_engine = create_background_engine(
        engine,
        settings.database.database_url,
        echo=settings.database.database_echo,
        busy_timeout_ms=settings.database.sqlite_busy_timeout_ms,
        checkpointed_apart=True,
    )
    redis = None
    if settings.redis.redis_url:
        from bot.rediskit import create_redis

        redis = create_redis(settings.redis.redis_url)
    storage, isolation = _storage(settings, sessionmaker, redis)
    lighten_event_propagation()
    dispatcher = HamdelDispatcher(storage=storage, events_isolation=isolation)
    inbox = UpdateInbox(
        dispatcher,
        sessionmaker,
        engine,
        platform=profile.platform.value,
        worker_id=worker_id,
        lease_seconds=settings.scale.worker_lease_seconds,
        retention_hours=settings.scale.update_retention_hours,
        retry_seconds=settings.scale.update_retry_seconds,
        metrics=metrics,
        # Several workers: each update's sender's language comes with its record (UserMiddleware).
        sender_language=bool(settings.redis.redis_url),
    )
    dispatcher.inbox = inbox
    dispatcher.errors.register(reraise_transient)
    add_backlog_hooks(metrics, sessionmaker, inbox)
    i18n = get_i18n()
    default_locale = settings.locale.default_locale
    users = UserDirectory(profile.platform.value, default_locale, shared=bool(settings.redis.redis_url))

    # aiogram registered its FSM middleware (it reads the chat's state) already; it goes after
    # the database session, so SqlStorage reads the state in the update's own session instead
    # of a transaction of its own (on SQLite one BEGIN IMMEDIATE fewer per update).
    outer = dispatcher.update.outer_middleware
    outer.unregister(dispatcher.fsm)
    outer(UpdateMetricsMiddleware(metrics))
    outer(DatabaseMiddleware(sessionmaker))
    outer(dispatcher.fsm)
    outer(UserMiddleware(i18n, users, default_locale))
    dispatcher.callback_query.outer_middleware(KeptMessageMiddleware())
    dispatcher.callback_query.middleware(CallbackAnswerer())
    presses = PressLedger(
        platform=profile.platform.value,
        redis=redis,
        key_prefix=settings.redis.redis_key_prefix,
        retention=timedelta(hours=settings.scale.update_retention_hours),
    )
    dispatcher.callback_query.middleware(OncePressMiddleware(presses))
    dispatcher.include_router(
        handlers.build_router(settings.staff.staff_chat_id, features, settings.tickets.routed_chat_ids)
    )
    run_sync_filters_inline(dispatcher)

    app = HamdelApp(
        settings=settings,
        profile=profile,
        bot=bot,
        dispatcher=dispatcher,
        engine=engine,
        sessionmaker=sessionmaker,
        jobs_engine=jobs_engine,
        jobs_sessionmaker=sessionmaker if jobs_engine is engine else create_sessionmaker(jobs_engine),
        i18n=i18n,
        users=users,
        features=features,
        clock=clock or Clock(),
        send_limiter=build_send_limiter(settings, profile, redis, bot.id),
        worker_index=worker_index,
        worker_id=worker_id,
        redis=redis,
        metrics=metrics,
        inbox=inbox,
        api=api,
    )
    app.reports = staff_reports_of(features, settings, app.clock)
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
