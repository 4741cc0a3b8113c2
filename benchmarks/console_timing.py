"""The console's server time per request, shared by console_bench and dashboard_bench: the real
app's console on a local port with a middleware timing each request inside the server, a
signed-in staff member's cookies, and p50/p95 of a page over N requests after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import HamdelApp, create_app
from bot.migrate import upgrade_async
from bot.settings import (
    SANDBOX_TOKEN,
    ConsoleSettings,
    DatabaseSettings,
    StaffSettings,
    TelegramSettings,
    load_settings,
)
from console.server import build_console_app
from models import Base
from services import console_auth
from services.clock import FrozenClock


@dataclass
class TimedConsole:
    app: HamdelApp
    base: str  # the console's address
    timings: list[float] = field(default_factory=list)  # server seconds of each request


@asynccontextmanager
async def timed_console(url: str, admin: int, now: datetime) -> AsyncIterator[TimedConsole]:
    """The database at `url` migrated, the app on it (clock frozen at `now`, `admin` an admin)
    and its console served on a free local port, every request's server time recorded."""
    settings = load_settings(
        telegram=TelegramSettings(bot_token=SANDBOX_TOKEN, bot_api_base="http://127.0.0.1:1"),
        database=DatabaseSettings(database_url=url),
        staff=StaffSettings(admin_ids=[admin]),
        console=ConsoleSettings(public_url="http://127.0.0.1:1", listen_port=0),
    )
    await upgrade_async(url)
    app = create_app(settings, clock=FrozenClock(now))
    timings: list[float] = []

    @web.middleware
    async def timed(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            timings.append(time.perf_counter() - started)

    application = build_console_app(app)
    application.middlewares.insert(0, timed)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield TimedConsole(app, f"http://127.0.0.1:{bound}", timings)
    finally:
        await runner.cleanup()
        await app.close()


async def empty_database(connection: AsyncConnection) -> None:
    """Every table emptied before the benchmark's rows are made (TRUNCATE on PostgreSQL: a
    million rows deleted one by one would take minutes)."""
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


async def signed_in(console: TimedConsole, person: int, now: datetime) -> aiohttp.ClientSession:
    """A browser session of `person` (who must hold a console role), signed in for an hour."""
    async with console.app.sessionmaker() as session:
        opened = await console_auth.open_session(
            session, platform="telegram", user_id=person, name="bench", locale="fa", now=now,
            lifetime=timedelta(hours=1),
        )  # fmt: skip
        await session.commit()
    return aiohttp.ClientSession(cookies={"hamdel_console": opened.cookie})


async def page_times(
    console: TimedConsole, client: aiohttp.ClientSession, path: str, requests: int, *, expected: int = 200
) -> tuple[float, float]:
    """p50 and p95 server milliseconds of `path` over `requests` requests, after one warm-up
    request answered with `expected`."""
    address = console.base + path
    async with client.get(address) as response:  # warm-up
        assert response.status == expected, (path, response.status, await response.text())
    console.timings.clear()
    for _ in range(requests):
        async with client.get(address) as response:
            await response.read()
    ordered = sorted(console.timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000
