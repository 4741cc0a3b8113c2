"""Small pieces: rate limiters (local and Redis), Jalali schedules, links, text limits, the
progress reports' interval, and the broadcast settings."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.platform import BALE, TELEGRAM
from bot.settings import Platform, SettingsError, load_settings
from services import broadcasts
from services.broadcasts import ContentProblem, Progress, ScheduleProblem, Segment
from services.clock import FrozenClock
from services.delivery import DeliveryConfig, DeliveryEngine, Envelope, Outcome, ProgressMessages, SendResult
from services.ratelimit import CATCH_UP, HEADROOM, LocalRateLimiter, RedisRateLimiter, SendWindow
from tests.broadcasts.broadcast_helpers import add_users
from tests.conftest import REDIS_PREFIX, START
from tests.dbkit import sessions_on

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 9 Azar 1405, 11:30 in Tehran


# --- rate limiters ------------------------------------------------------------------------


async def test_local_limiter_spaces_sends_and_pauses() -> None:
    limiter = LocalRateLimiter(rate=20, per_chat_rate=1)
    reservations = [await limiter.reserve(chat) for chat in range(5)]
    assert reservations[0].delay == pytest.approx(0, abs=0.01)
    slots = [r.token + r.delay for r in reservations]
    for before, after in itertools.pairwise(slots):
        assert after - before == pytest.approx(0.05, abs=0.0005)  # evenly spaced, no burst
    again = await limiter.reserve(0)  # chat 0 already got one this second
    assert not again.granted and again.delay == pytest.approx(1.0, abs=0.05)
    first = await limiter.reserve(10)
    await limiter.pause(0.5)
    assert not await limiter.still_valid(first)  # reserved before the pause: reserve again
    after_pause = await limiter.reserve(11)
    assert after_pause.granted and after_pause.delay >= 0.45 - 0.05
    assert limiter.paused_for == pytest.approx(0.5, abs=0.05)


async def test_a_group_gets_its_own_budget_per_minute() -> None:
    """Telegram allows about 20 messages a minute to one group (a chat id below zero)."""
    limiter = LocalRateLimiter(rate=100, per_chat_rate=1, per_group_per_minute=20)
    group, person = -100_123, 123
    assert (await limiter.reserve(group)).granted and (await limiter.reserve(person)).granted
    group_again, person_again = await limiter.reserve(group), await limiter.reserve(person)
    assert not group_again.granted and group_again.delay == pytest.approx(3.0, abs=0.05)
    assert not person_again.granted and person_again.delay == pytest.approx(1.0, abs=0.05)


def busiest_second(slots: list[float]) -> int:
    """The most slots in any one-second window (the platform's count)."""
    ordered = sorted(slots)
    return max(bisect.bisect_left(ordered, start + 1.0) - index for index, start in enumerate(ordered))


async def test_a_new_limiter_starts_empty_and_catching_up_stays_in_the_budget() -> None:
    """A limiter made just now has no backlog of missed slots to spend at once (a worker
    started right after another was killed must not add a burst to the dead one's second)."""
    limit = 100
    limiter = LocalRateLimiter(limit, 1, catch_up=CATCH_UP, headroom=HEADROOM)
    reservations = [await limiter.reserve(chat) for chat in range(3 * limit)]
    slots = [r.token + r.delay for r in reservations]
    assert all(r.granted for r in reservations)
    assert busiest_second(slots) <= int(limit * HEADROOM * (1 + CATCH_UP)) + 1 <= limit
    assert sum(1 for r in reservations if r.delay == 0) <= limit * CATCH_UP + 2  # no burst at start


async def test_send_window_counts_sends_in_flight_and_answered_within_the_window() -> None:
    window = SendWindow(3, window=0.05)
    for _ in range(3):
        await window.enter()
    fourth = asyncio.create_task(window.enter())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not fourth.done()  # three in flight
    window.leave()
    for _ in range(5):
        await asyncio.sleep(0)
    assert not fourth.done()  # answered, but it may still count in the platform's window
    async with asyncio.timeout(5):
        await fourth  # the window passed
    assert window.in_flight == 3


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    yield url


async def test_redis_limiter_is_shared_by_workers(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex}"
    options = {"namespace": namespace, "key_prefix": REDIS_PREFIX, "rate": 10, "per_chat_rate": 1}
    one = RedisRateLimiter.from_url(redis_url, **options)
    two = RedisRateLimiter.from_url(redis_url, **options)
    try:
        slots = []
        for index in range(6):
            limiter = one if index % 2 else two
            reservation = await limiter.reserve(100 + index)
            slots.append(reservation.token + reservation.delay)
        for before, after in itertools.pairwise(slots):
            assert after - before == pytest.approx(0.1, abs=0.0005)  # one bucket for both workers
        assert not (await two.reserve(100)).granted  # the chat's slot is shared too
        group_first = await one.reserve(-500)
        group_again = await two.reserve(-500)  # a group: 20 a minute (the default), shared
        assert group_first.granted and not group_again.granted
        group_next = group_again.token + group_again.delay
        assert group_next == pytest.approx(group_first.token + group_first.delay + 3.0, abs=0.001)
        reservation = await one.reserve(200)
        await two.pause(0.5)  # a 429 seen by one worker pauses the other
        assert not await one.still_valid(reservation)
        later = await one.reserve(201)
        assert later.granted and later.delay >= 0.4
    finally:
        await one.close()
        await two.close()


async def test_a_worker_restarted_on_redis_spends_only_what_the_dead_one_left(redis_url: str) -> None:
    """kill -9 and restart: the new worker's limiter continues the dead one's schedule (kept in
    Redis), so the two together stay within the platform's budget in every second."""
    limit = 50
    options = {
        "namespace": f"test-{uuid.uuid4().hex}",
        "key_prefix": REDIS_PREFIX,
        "rate": limit,
        "per_chat_rate": 1,
        "catch_up": CATCH_UP,
        "headroom": HEADROOM,
    }
    dead = RedisRateLimiter.from_url(redis_url, **options)
    slots = []
    try:
        for chat in range(limit):  # a full second's budget, reserved just before the kill
            reservation = await dead.reserve(chat)
            slots.append(reservation.token + reservation.delay)
    finally:
        await dead.close()
    successor = RedisRateLimiter.from_url(redis_url, **options)
    try:
        again = await successor.reserve(limit - 1)  # the dead worker's last chat: still cooling down
        assert not again.granted
        for chat in range(limit, 3 * limit):
            reservation = await successor.reserve(chat)
            assert reservation.granted
            slots.append(reservation.token + reservation.delay)
    finally:
        await successor.close()
    assert busiest_second(slots) <= int(limit * HEADROOM * (1 + CATCH_UP)) + 1 <= limit


# --- schedules, links, texts --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵/۰۹/۱۲ ۱۸:۳۰",
        "1405-9-12 18:30",
        "١٤٠٥/٠٩/١٢ ساعت ١٨:٣٠",
        "۱۴۰۵.۰۹.۱۲، ۱۸:۳۰",
        "۱۲ آذر ساعت ۶:۳۰ عصر",  # no year: the next 12 Azar
        "2026-12-03 18:30",  # Gregorian, converted
    ],
)
def test_schedule_in_any_digits(typed: str) -> None:
    moment = broadcasts.parse_schedule(typed, now=NOW)
    assert moment == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 18:30 in Tehran


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("فردا ساعت ۶", ScheduleProblem.FORMAT),
        ("۱۴۰۵/۰۹/۱۲", ScheduleProblem.FORMAT),  # no time: ask for it rather than guess
        ("۱۴۰۵/۱۳/۰۱ ۱۰:۰۰", ScheduleProblem.INVALID),
        ("۱۴۰۵/۱۲/۳۰ ۱۰:۰۰", ScheduleProblem.INVALID),  # 1405 has 29 days in Esfand
        ("۱۴۰۵/۰۹/۰۹ ۱۱:۰۰", ScheduleProblem.PAST),
        ("۱۴۰۶/۰۹/۰۹ ۱۱:۰۰", ScheduleProblem.TOO_FAR),
    ],
)
def test_schedule_problems(typed: str, problem: ScheduleProblem) -> None:
    assert broadcasts.parse_schedule(typed, now=NOW) is problem


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("https://behzisti.ir", "https://behzisti.ir"),
        ("behzisti.ir/campaigns?id=3", "https://behzisti.ir/campaigns?id=3"),
        ("  http://example.org/x  ", "http://example.org/x"),
        ("javascript:alert(1)", None),
        ("سلام", None),
        ("https://", None),
        ("ftp://example.org", None),
    ],
)
def test_button_links(typed: str, url: str | None) -> None:
    assert broadcasts.clean_url(typed) == url


def test_text_limits() -> None:
    def check(text: str | None, photo: bool) -> ContentProblem | None:
        return broadcasts.check_text(text, with_photo=photo, max_text=4096, max_caption=1024)

    assert check("", False) is ContentProblem.EMPTY
    assert check(" \n ", False) is ContentProblem.EMPTY
    assert check(None, False) is ContentProblem.EMPTY
    assert check("س" * 4096, False) is None
    assert check("س" * 4097, False) is ContentProblem.TOO_LONG
    assert check("س" * 1025, True) is ContentProblem.CAPTION_TOO_LONG
    assert check("س" * 1024, True) is None


def test_segments_are_validated() -> None:
    from models.broadcasts import SegmentKind

    assert Segment(SegmentKind.EVERYONE).valid()
    assert Segment(SegmentKind.TOPIC, "new_campaigns").valid()
    assert not Segment(SegmentKind.TOPIC, "everything").valid()
    assert not Segment(SegmentKind.LANGUAGE, "de").valid()
    assert not Segment(SegmentKind.DONORS, "12; drop table").valid()


# --- progress reports -----------------------------------------------------------------------


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


class Sender:
    async def send(self, envelope: Envelope) -> SendResult:
        return SendResult(Outcome.SENT, message_id=1)


class Sink:
    def __init__(self) -> None:
        self.reports: list[tuple[Progress, bool]] = []

    async def report(self, progress: Progress, *, final: bool) -> ProgressMessages:
        self.reports.append((progress, final))
        return ProgressMessages(77, None)


async def test_progress_is_reported_at_most_every_interval_and_finally_once(
    db: async_sessionmaker[AsyncSession],
) -> None:
    # A platform name of this test's own: a delivery engine of another test on the same database
    # (they poll "telegram" and "bale") never takes this broadcast or its reports.
    platform = "unit-progress"
    async with db() as session:
        await add_users(session, platform, range(1001, 1011))
        draft = await broadcasts.create_draft(
            session, platform=platform, author_id=900_001, author_language="fa", now=START
        )
        draft.text_fa = "سلام"
        await session.flush()
        await broadcasts.confirm(session, draft.id, author_id=900_001, now=START)
        await session.commit()
    sink = Sink()
    # An interval long enough that three reports in a row never span it on a loaded machine.
    config = DeliveryConfig(rate=1000, per_chat_rate=50, poll_interval=0.02, progress_interval=1.5)
    engine = DeliveryEngine(
        db,
        Sender(),
        LocalRateLimiter(1000, 50),
        config,
        platform=platform,
        clock=FrozenClock(START),
        progress_sink=sink,
    )
    for _ in range(3):
        await engine._report_progress()
    assert sink.reports == []  # the author's screen was just shown: the first report waits
    await asyncio.sleep(1.55)
    for _ in range(3):
        await engine._report_progress()
    assert len(sink.reports) == 1 and not sink.reports[0][1]  # then one report per interval
    await engine.drain()
    finals = [progress for progress, final in sink.reports if final]
    assert len(finals) == 1 and finals[0].sent == 10 and finals[0].status == "done"
    await engine._report_progress()
    assert len([1 for _, final in sink.reports if final]) == 1
    async with db() as session:
        broadcast = await session.get(broadcasts.Broadcast, draft.id)
        assert broadcast is not None and broadcast.progress_message_id == 77


# --- settings and profiles -------------------------------------------------------------------


def test_broadcast_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BROADCAST_TELEGRAM_RATE", "25")
    monkeypatch.setenv("BROADCAST_PAID", "true")
    settings = load_settings()
    assert settings.broadcast.rate_for(Platform.TELEGRAM) == 25
    assert settings.broadcast.rate_for(Platform.BALE) == 20
    assert settings.broadcast.rate_for(Platform.TELEGRAM, paid=True) == 1000
    assert settings.broadcast.per_chat_rate == 1
    assert TELEGRAM.paid_broadcast and not BALE.paid_broadcast
    assert settings.broadcast.retry_after_fallback == 5
    monkeypatch.setenv("BROADCAST_BATCH_SIZE", "0")
    with pytest.raises(SettingsError, match="BROADCAST_BATCH_SIZE"):
        load_settings()
