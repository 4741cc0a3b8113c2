"""The donation flow end to end against the local messenger, beside a bare aiogram echo bot.

    python -m benchmarks.donation_flow [--donors 200] [--concurrency 20] [--flavor telegram]

Both bots run in this process against the same local messenger (polling, as in production
without a webhook). The echo bot answers every text with the same text and every button with an
answer; it gets the same number of updates, from the same number of concurrent users, as Hamdel
gets from its donors. Hamdel runs on a fresh SQLite file with one campaign; each donor goes
/donate → the campaign → an amount → Pay → pre-checkout → successful_payment → receipt, i.e. six
updates. Printed: updates per second sustained over the run, p50/p95 of the time each update
spends in the dispatcher (middlewares, database, handler, its Bot API calls), the same for the
echo bot, and their ratio; and the donor's wall time from /donate to the receipt.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import TelegramObject

from benchmarks.echo_bot import BUTTON, echo_dispatcher
from bot.app import HamdelApp, create_app
from bot.migrate import upgrade
from bot.platform import profile_for
from bot.session import PlatformSession
from bot.settings import (
    SANDBOX_TOKEN,
    DatabaseSettings,
    DonationSettings,
    LocaleSettings,
    Platform,
    RedisSettings,
    StaffSettings,
    TelegramSettings,
    WebhookSettings,
    load_settings,
)
from messenger import LocalMessenger
from models.donation import Campaign, CampaignStatus
from services.clock import Clock

CAMPAIGN = "یلدای مهربانی"
AMOUNT = "۱۰۰٬۰۰۰ تومان"


@dataclass
class Timings:
    """Time each update spends in the dispatcher (an outermost middleware)."""

    seconds: list[float] = field(default_factory=list)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self.seconds.append(time.perf_counter() - started)


@dataclass
class Result:
    name: str
    updates: int
    wall: float
    latencies: list[float]
    flows: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.updates / self.wall

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(values if values is not None else self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000


def _buttons(user: Any) -> list[str]:
    return list(user.buttons()) if user.messages else []


async def _wait_polling(messenger: LocalMessenger, task: asyncio.Task[None]) -> None:
    for _ in range(1000):
        if task.done():
            task.result()
        if messenger.calls("getUpdates"):
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot never started polling")


async def _in_batches(count: int, concurrency: int, job: Callable[[int], Awaitable[None]]) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)

    async def worker() -> None:
        while not queue.empty():
            await job(queue.get_nowait())

    await asyncio.gather(*(worker() for _ in range(concurrency)))


# --- Hamdel -----------------------------------------------------------------------------------------


async def run_hamdel(
    messenger: LocalMessenger, flavor: str, donors: int, concurrency: int, folder: Path
) -> Result:
    database = folder / "hamdel.db"
    await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{database}")
    donation = (
        DonationSettings(sandbox=True)
        if flavor == "bale"
        else DonationSettings(
            provider_token="284685063:TEST:bench", telegram_currency="USD", rials_per_unit=10_000
        )
    )
    settings = load_settings(
        telegram=TelegramSettings(bot_token=SANDBOX_TOKEN, platform=flavor, bot_api_base=messenger.base_url),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{database}"),
        redis=RedisSettings(redis_url=None),
        staff=StaffSettings(admin_ids=[]),
        locale=LocaleSettings(default_locale="fa"),
        webhook=WebhookSettings(url=None),
        donations=donation,
    )
    app = create_app(settings)
    await _add_campaign(app)
    timings = Timings()
    app.dispatcher.update.outer_middleware.register(timings)
    polling = asyncio.create_task(app.run_polling(handle_signals=False))
    flows: list[float] = []
    try:
        await _wait_polling(messenger, polling)

        async def donor(index: int) -> None:
            user = messenger.user(user_id=100_000 + index, first_name="نیکوکار", language_code="fa")
            started = time.perf_counter()
            await user.send("/donate")
            await user.wait_until(lambda u: CAMPAIGN in " ".join(_buttons(u)), timeout=60)
            await user.press(CAMPAIGN, timeout=60)
            await user.wait_until(lambda u: AMOUNT in _buttons(u), timeout=60)
            await user.press(AMOUNT, timeout=60)
            await user.wait_until(lambda u: any("پرداخت" in b for b in _buttons(u)), timeout=60)
            await user.press("پرداخت", timeout=60)
            await user.wait_until(lambda u: any("invoice" in m for m in u.messages), timeout=60)
            result = await user.pay(timeout=60)
            assert result["ok"], result
            await user.wait_until(
                lambda u: any("🧾" in (m.get("text") or "") for m in u.messages), timeout=60
            )
            flows.append(time.perf_counter() - started)

        await donor(-1)  # warm-up: imports, caches, the first connection
        timings.seconds.clear()
        flows.clear()
        started = time.perf_counter()
        await _in_batches(donors, concurrency, donor)
        wall = time.perf_counter() - started
        await messenger.settle()
    finally:
        await app.dispatcher.stop_polling()
        await asyncio.wait_for(polling, timeout=30)
        await app.close()
    return Result("hamdel donation flow", len(timings.seconds), wall, list(timings.seconds), flows)


async def _add_campaign(app: HamdelApp) -> None:
    now = Clock().now()
    async with app.sessionmaker() as session:
        session.add(
            Campaign(
                title_fa=CAMPAIGN,
                title_en="Yalda of Kindness",
                description_fa="سفرهٔ خانواده‌های نیازمند را در شب یلدا گرم کنیم.",
                description_en="Warm the tables of families in need on Yalda night.",
                goal_rials=100_000_000_000,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                status=CampaignStatus.ACTIVE.value,
            )
        )
        await session.commit()


# --- The bare aiogram echo bot (benchmarks.echo_bot, here in process) -----------------------------------


async def run_echo(
    messenger: LocalMessenger, flavor: str, users: int, updates_per_user: int, concurrency: int
) -> Result:
    # Plain aiogram; on Bale it needs only the session that completes Bale's objects (User.is_bot).
    session = (
        PlatformSession(profile_for(Platform.BALE), messenger.base_url, 30)
        if flavor == "bale"
        else AiohttpSession(api=TelegramAPIServer.from_base(messenger.base_url))
    )
    bot = Bot(SANDBOX_TOKEN, session=session)
    dispatcher = echo_dispatcher()
    timings = Timings()
    dispatcher.update.outer_middleware.register(timings)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await _wait_polling(messenger, polling)

        async def person(index: int) -> None:
            user = messenger.user(user_id=500_000 + index, first_name="کاربر", language_code="fa")
            for step in range(updates_per_user):
                if step % 2 == 0:
                    count = len(user.messages)

                    def answered(u: Any, before: int = count) -> bool:
                        return len(u.messages) > before

                    await user.send(f"سلام {step}")
                    await user.wait_until(answered, timeout=60)
                else:
                    await user.press(BUTTON, timeout=60)

        await person(-1)
        timings.seconds.clear()
        started = time.perf_counter()
        await _in_batches(users, concurrency, person)
        wall = time.perf_counter() - started
        await messenger.settle()
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, timeout=30)
        await bot.session.close()
    return Result("bare aiogram echo bot", len(timings.seconds), wall, list(timings.seconds))


# --- Report ---------------------------------------------------------------------------------------------


def report(echo: Result, hamdel: Result, args: argparse.Namespace) -> str:
    lines = [
        f"Donation flow vs. a bare aiogram echo bot — local messenger ({args.flavor} flavor), "
        f"polling, SQLite; {args.donors} donors, {args.concurrency} at a time",
        "",
        f"{'':24}{'updates':>9}{'seconds':>10}{'updates/s':>11}{'p50 ms':>9}{'p95 ms':>9}",
    ]
    for result in (echo, hamdel):
        lines.append(
            f"{result.name:24}{result.updates:>9}{result.wall:>10.2f}{result.rate:>11.1f}"
            f"{result.percentile(0.5):>9.1f}{result.percentile(0.95):>9.1f}"
        )
    lines.append(
        f"{'ratio hamdel / echo':24}{'':>9}{'':>10}{hamdel.rate / echo.rate:>10.2f}x"
        f"{hamdel.percentile(0.5) / echo.percentile(0.5):>8.1f}x{hamdel.percentile(0.95) / echo.percentile(0.95):>8.1f}x"
    )
    if hamdel.flows:
        lines += [
            "",
            f"donations recorded: {len(hamdel.flows)} ({len(hamdel.flows) / hamdel.wall:.1f}/s); a donor's wall time "
            f"from /donate to the receipt: p50 {hamdel.percentile(0.5, hamdel.flows):.0f} ms, "
            f"p95 {hamdel.percentile(0.95, hamdel.flows):.0f} ms, mean {statistics.mean(hamdel.flows) * 1000:.0f} ms",
        ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("messenger").setLevel(logging.ERROR)
    messenger = LocalMessenger(flavor=args.flavor, token=SANDBOX_TOKEN, strict=False)
    await messenger.start()
    try:
        with tempfile.TemporaryDirectory(prefix="hamdel-bench-") as folder:
            hamdel = await run_hamdel(messenger, args.flavor, args.donors, args.concurrency, Path(folder))
        per_user = max(2, round(hamdel.updates / args.donors))
        echo = await run_echo(messenger, args.flavor, args.donors, per_user, args.concurrency)
    finally:
        await messenger.stop()
    print(report(echo, hamdel, args))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.donation_flow", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--donors", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--flavor", choices=("telegram", "bale"), default="telegram")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_arguments()))
