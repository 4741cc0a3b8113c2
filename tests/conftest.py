"""The conversation-test harness: the real bot (its aiohttp session, polling loop or webhook)
against the local messenger, in both flavors, on SQLite always and on PostgreSQL + Redis when
TEST_DATABASE_URL / TEST_REDIS_URL are set.

Fixtures a test uses:
- `hamdel`: a running bot (long polling) — `hamdel.user()`, `hamdel.admin`, `hamdel.operator`,
  `hamdel.staff_chat`, `hamdel.messenger`, `hamdel.app`, `hamdel.clock`, `hamdel.db()`.
- `hamdel_webhook`: the same bot served by webhook.
- `overrides`: redefine it in a test module to change settings sections
  (e.g. `{"staff": StaffSettings(admin_ids=[...])}`).
Every conversation test runs in both flavors (`telegram`, `bale`) and on every database backend
(with PostgreSQL: each flavor on one of the two databases; see FULL_MATRIX).

Concurrent runs are safe: each run creates its own PostgreSQL database (dropped at the end) on
the TEST_DATABASE_URL server and writes its Redis keys under its own prefix (deleted after each
test), so two engineers (or CI) can run the suite at the same time on one server.
"""

from __future__ import annotations

# aiogram as the bot's processes import it (python -m bot run): only the chat's types built at
# start, the others on first use — so every test meets aiogram the way production does. Before
# any other import (pyproject.toml lets this file's imports follow it).
from bot.aiogram_import import import_aiogram_for_the_chat

import_aiogram_for_the_chat()

import asyncio
import os
import shutil
import uuid
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import HamdelApp, create_app
from bot.migrate import upgrade
from bot.settings import (
    SANDBOX_TOKEN,
    DatabaseSettings,
    LocaleSettings,
    RedisSettings,
    Settings,
    StaffSettings,
    TelegramSettings,
    WebhookSettings,
    load_settings,
)
from messenger import LocalMessenger, MessengerGroup, MessengerUser
from messenger.diagnostics import waiting_tasks

try:
    import uvloop
except ImportError:  # Windows: the bot runs on asyncio's loop there too (bot.workers.run_event_loop)
    uvloop = None  # type: ignore[assignment]


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """Every async test on the event loop the bot's processes run (EVENT_LOOP's default): the
    conversation tests run the bot in the test's loop."""
    if uvloop is None:
        return {"asyncio": asyncio.new_event_loop}
    return {"uvloop": uvloop.new_event_loop}


from messenger.testkit import STAFF_CHAT_ID, clear_redis_keys, empty_postgres
from models.staff import AuditEntry
from services.clock import FrozenClock
from services.roles import Role, grant
from services.users import upsert_user

ADMIN_ID = 900_001
OPERATOR_ID = 900_002
FLAVORS = ("telegram", "bale")
START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 9 Azar 1405, 11:30 in Tehran

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
# This run's Redis keys (RedisSettings.redis_key_prefix): deleted after each test.
REDIS_PREFIX = f"hamdel-test-{RUN_ID}"


# With PostgreSQL, a test of both flavors and both databases runs on PostgreSQL in one flavor and
# on SQLite in the other (TEST_FULL_MATRIX=1 runs all four): flavor differences live in the
# platform profile, not in the database. The flavor is picked per test from its name, so the
# suite as a whole runs Telegram and Bale on each database alike, and each test meets both.
FULL_MATRIX = os.environ.get("TEST_FULL_MATRIX", "") not in ("", "0")


def _postgresql_flavor(item: pytest.Item) -> str:
    name = f"{item.module.__name__ if item.module else ''}::{getattr(item, 'originalname', item.name)}"
    return FLAVORS[zlib.crc32(name.encode()) % len(FLAVORS)]


def _matrix_key(item: pytest.Item) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The test and its parameters other than the flavor and the database backend."""
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    others = tuple(sorted((k, repr(v)) for k, v in params.items() if k not in ("flavor", "backend")))
    return item.nodeid.split("[", 1)[0], others


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The long tests (marked slow) first: with several workers the run then ends on short ones
    # instead of one worker finishing a long test alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if FULL_MATRIX:
        return
    # A test run in both flavors and on both databases is run twice, not four times: on
    # PostgreSQL in one flavor (picked from its name) and on SQLite in the other, so each test
    # still meets both flavors and both databases. Without PostgreSQL, SQLite runs both flavors.
    on_postgresql = set()
    for item in items:
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        if params.get("backend") == "postgresql" and "flavor" in params:
            on_postgresql.add(_matrix_key(item))
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        params = params.params if params is not None else {}
        if "flavor" in params and params.get("backend") in ("postgresql", "sqlite"):
            postgresql_flavor = _postgresql_flavor(item)
            if params["backend"] == "postgresql" and params["flavor"] != postgresql_flavor:
                drop.append(item)
                continue
            if (
                params["backend"] == "sqlite"
                and params["flavor"] == postgresql_flavor
                and _matrix_key(item) in on_postgresql
            ):
                drop.append(item)
                continue
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header() -> list[str]:
    if TEST_DATABASE_URL:
        matrix = "both flavors" if FULL_MATRIX else "one flavor per test (TEST_FULL_MATRIX=1: both)"
        return [
            f"database backends: sqlite, postgresql ({TEST_DATABASE_URL.rsplit('@', 1)[-1]}, {matrix});"
            f" redis: {bool(TEST_REDIS_URL)}"
        ]
    return [
        "database backends: sqlite only — set TEST_DATABASE_URL (and TEST_REDIS_URL) to run on PostgreSQL + Redis too"
    ]


@pytest.fixture(params=FLAVORS)
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy (migrating costs ~0.3 s)."""
    path = tmp_path_factory.mktemp("template") / "hamdel.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def url_is_local(url: str) -> bool:
    return make_url(url).host in ("127.0.0.1", "localhost", "::1", None)


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    assert TEST_DATABASE_URL
    url = make_url(TEST_DATABASE_URL)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _test_databases() -> list[str]:
    import asyncpg

    assert TEST_DATABASE_URL
    url = make_url(TEST_DATABASE_URL)
    connection = await asyncpg.connect(
        user=url.username, password=url.password, host=url.host, port=url.port or 5432, database=url.database
    )
    try:
        return [r["datname"] for r in await connection.fetch("SELECT datname FROM pg_database")]
    finally:
        await connection.close()


def _drop_abandoned_databases() -> None:
    """Databases of earlier runs on this machine that were killed before their cleanup."""
    for name in asyncio.run(_test_databases()):
        parts = name.split("_")
        if len(parts) == 4 and parts[:2] == ["hamdel", "test"] and parts[2].isdigit():
            if not Path(f"/proc/{parts[2]}").exists():
                asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Any:
    """A database of this run's own on the TEST_DATABASE_URL server, migrated; dropped at the end."""
    assert TEST_DATABASE_URL
    name = f"hamdel_test_{RUN_ID}"
    if url_is_local(TEST_DATABASE_URL):
        _drop_abandoned_databases()
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session", autouse=True)
def redis_prefix() -> Any:
    """This run's Redis key prefix; whatever is left under it is deleted when the run ends."""
    yield REDIS_PREFIX
    if TEST_REDIS_URL:
        asyncio.run(clear_redis_keys(TEST_REDIS_URL, REDIS_PREFIX))


@pytest.fixture
def database_url(backend: str, sqlite_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        path = tmp_path / "hamdel.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    """Settings sections a test module replaces (redefine this fixture in the module)."""
    return {}


@pytest.fixture
def settings(flavor: str, backend: str, database_url: str, overrides: dict[str, BaseSettings]) -> Settings:
    sections: dict[str, BaseSettings] = {
        "telegram": TelegramSettings(
            bot_token=SANDBOX_TOKEN, platform=flavor, bot_api_base="http://127.0.0.1:1"
        ),
        "database": DatabaseSettings(database_url=database_url),
        "redis": RedisSettings(
            redis_url=TEST_REDIS_URL if backend == "postgresql" else None, redis_key_prefix=REDIS_PREFIX
        ),
        "staff": StaffSettings(admin_ids=[ADMIN_ID], staff_chat_id=STAFF_CHAT_ID),
        "locale": LocaleSettings(default_locale="fa"),
        "webhook": WebhookSettings(url=None, secret="test-secret", listen_host="127.0.0.1", listen_port=8080),
    }
    sections.update(overrides)
    return load_settings(**sections)


@pytest.fixture
async def messenger(flavor: str) -> AsyncIterator[LocalMessenger]:
    m = LocalMessenger(flavor=flavor, token=SANDBOX_TOKEN, strict=True)
    await m.start()
    try:
        yield m
    finally:
        await m.stop()
    assert not m.violations, "Bot API violations:\n" + "\n".join(m.violations)


@dataclass
class Harness:
    app: HamdelApp
    messenger: LocalMessenger
    clock: FrozenClock
    admin: MessengerUser
    operator: MessengerUser
    staff_chat: MessengerGroup
    _next_user: int = field(default=1001)

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def user(self, user_id: int | None = None, **kwargs: Any) -> MessengerUser:
        """A new person in a private chat with the bot (Persian-speaking by default)."""
        if user_id is None:
            user_id = self._next_user
            self._next_user += 1
        kwargs.setdefault("first_name", "سارا")
        kwargs.setdefault("language_code", "fa")
        return self.messenger.user(user_id=user_id, **kwargs)

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """A session for asserting (and arranging) what the database holds; commits on exit."""
        async with self.app.sessionmaker() as session:
            yield session
            await session.commit()

    async def grant(self, person: MessengerUser, role: Role) -> None:
        """Give a test person a staff role, as an admin's /grant would."""
        async with self.db() as session:
            await grant(
                session,
                platform=self.app.profile.platform.value,
                user_id=person.id,
                role=role,
                granted_by=None,
            )

    async def add_staff(self, user_id: int, role: Role, provinces: frozenset[str] = frozenset()) -> None:
        """Someone the bot has seen (a user row) given a staff role, limited to `provinces`
        (empty: national), as an admin's /grant would."""
        platform = self.app.profile.platform.value
        async with self.db() as session:
            await upsert_user(
                session, platform=platform, user_id=user_id, chat_id=user_id, default_language="fa"
            )
            await grant(
                session, platform=platform, user_id=user_id, role=role, granted_by=None, provinces=provinces
            )

    async def audit(self, actions: str) -> list[AuditEntry]:
        """The audit entries whose action matches `actions` (SQL LIKE), oldest first, once every
        update so far is handled."""
        await self.settle()
        async with self.db() as session:
            query = select(AuditEntry).where(AuditEntry.action.like(actions)).order_by(AuditEntry.id)
            return list(await session.scalars(query))

    async def settle(self) -> None:
        """Every update so far handled to the end. The messenger going quiet is not enough: the
        database middleware commits after the handler's last request, so wait for the
        dispatcher's update tasks too before reading the database."""
        for _ in range(3):
            await self.messenger.settle()
            tasks = list(self.app.dispatcher._handle_update_tasks)
            if not tasks:
                return
            await asyncio.wait(tasks, timeout=10)

    async def screen(self, chat: MessengerUser | MessengerGroup) -> str:
        """The text the person now looks at after pressing a button: the edited message on
        Telegram, the new one on Bale. Marks everything so far as read for `next_message`."""
        await self.messenger.settle()
        chat.skip_to_end()
        return chat.last_text


def _with_api_base(settings: Settings, base_url: str) -> Settings:
    telegram = settings.telegram.model_copy(update={"bot_api_base": base_url})
    return settings.model_copy(update={"telegram": telegram})


async def _reset_postgres(app: HamdelApp) -> None:
    async with app.engine.begin() as connection:
        await empty_postgres(connection)
    if app.settings.redis.redis_url:
        await clear_redis_keys(app.settings.redis.redis_url, app.settings.redis.redis_key_prefix)


def _harness(app: HamdelApp, messenger: LocalMessenger, clock: FrozenClock) -> Harness:
    admin = messenger.user(user_id=ADMIN_ID, first_name="مدیر", language_code="fa")
    operator = messenger.user(user_id=OPERATOR_ID, first_name="کارشناس", language_code="fa")
    staff_chat = messenger.group(
        chat_id=STAFF_CHAT_ID,
        title="کارگروه رسیدگی",
        forum=False,
        members={ADMIN_ID: "administrator", OPERATOR_ID: "member"},
    )
    return Harness(
        app=app, messenger=messenger, clock=clock, admin=admin, operator=operator, staff_chat=staff_chat
    )


@asynccontextmanager
async def running_bot(
    settings: Settings, messenger: LocalMessenger, *, webhook: bool
) -> AsyncIterator[Harness]:
    clock = FrozenClock(START)
    app = create_app(_with_api_base(settings, messenger.base_url), clock=clock)
    if app.engine.dialect.name == "postgresql":
        await _reset_postgres(app)
    harness = _harness(app, messenger, clock)
    if webhook:
        runner = await _start_webhook(app)
        try:
            yield harness
            await messenger.settle()
        finally:
            await app.stop_webhook(runner)
            await app.close()
        return
    polling = asyncio.create_task(app.run_polling(handle_signals=False))
    try:
        await _wait_polling(messenger, polling)
        yield harness
        await messenger.settle()
    finally:
        await app.dispatcher.stop_polling()
        await asyncio.wait_for(polling, timeout=10)
        await app.close()


async def _wait_polling(messenger: LocalMessenger, polling: asyncio.Task[None]) -> None:
    started = asyncio.ensure_future(
        messenger.wait_for_request(lambda r: r.method == "getUpdates", timeout=10)
    )
    await asyncio.wait({started, polling}, return_when=asyncio.FIRST_COMPLETED)
    if polling.done():
        started.cancel()
        polling.result()
        raise RuntimeError("polling stopped before it started")
    try:
        await started
    except TimeoutError as error:
        raise TimeoutError(
            f"the bot did not poll within 10 s; where its tasks wait:\n{waiting_tasks()}"
        ) from error


async def _start_webhook(app: HamdelApp) -> Any:
    runner, port = await app.serve_web("127.0.0.1", 0)
    await app.dispatcher.emit_startup(bot=app.bot)
    await app.register_webhook(f"http://127.0.0.1:{port}")
    return runner


@pytest.fixture
async def hamdel(settings: Settings, messenger: LocalMessenger) -> AsyncIterator[Harness]:
    async with running_bot(settings, messenger, webhook=False) as harness:
        yield harness


@pytest.fixture
async def hamdel_webhook(settings: Settings, messenger: LocalMessenger) -> AsyncIterator[Harness]:
    async with running_bot(settings, messenger, webhook=True) as harness:
        yield harness
