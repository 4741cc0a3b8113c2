"""models/postgres_driver.py: BEGIN goes out with a transaction's first statement that needs one.

The statements are run on a real PostgreSQL (TEST_DATABASE_URL); what the connection holds is
read from the driver (asyncpg's transaction, or none) and from the server (row locks, data)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from models import User
from models.db import create_engine
from models.postgres_driver import LazyBeginDialect, reads_only
from tests.conftest import TEST_DATABASE_URL


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT users.id FROM users WHERE users.id = $1::INTEGER",
        "  select count(*) from tickets",
        "SELECT coalesce(donations.province_id, campaigns.province_id) FROM donations",
    ],
)
def test_plain_reads_need_no_transaction(statement: str) -> None:
    assert reads_only(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT tickets.id FROM tickets WHERE tickets.id = $1 FOR UPDATE",
        "SELECT broadcasts.id FROM broadcasts FOR UPDATE SKIP LOCKED",
        "SELECT id FROM users FOR NO KEY UPDATE",
        "SELECT id FROM users FOR SHARE",
        "SELECT id FROM users FOR KEY SHARE",
        "SELECT nextval('tickets_id_seq')",
        "SELECT pg_advisory_xact_lock(42)",
        "SELECT set_config('statement_timeout', '1s', true)",
        "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone",
        "INSERT INTO users (platform) VALUES ($1)",
        "UPDATE users SET language = $1",
        "SAVEPOINT sa_savepoint_1",
        "SHOW transaction_isolation",
    ],
)
def test_locks_writes_and_anything_else_open_the_transaction(statement: str) -> None:
    """When in doubt, BEGIN first (as before): a read judged wrongly only costs a round trip."""
    assert not reads_only(statement)


pytestmark_pg = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture
async def engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    assert isinstance(engine.sync_engine.dialect, LazyBeginDialect)
    yield engine
    await engine.dispose()


def _transaction_of(connection: AsyncConnection) -> Any:
    """asyncpg's transaction on the connection's driver (None: no BEGIN sent)."""
    return connection.sync_connection.connection.dbapi_connection._transaction  # type: ignore[union-attr]


async def _a_user(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM users WHERE user_id = 990001"))
        return int(
            (
                await connection.execute(
                    text(
                        "INSERT INTO users (platform, user_id, chat_id, language, first_seen, last_seen,"
                        " is_blocked, is_banned) VALUES ('telegram', 990001, 990001, 'fa', now(), now(),"
                        " false, false) RETURNING id"
                    )
                )
            ).scalar_one()
        )


@pytestmark_pg
async def test_a_session_that_only_reads_sends_no_begin(engine: AsyncEngine) -> None:
    user_id = await _a_user(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        assert await session.scalar(select(User.language).where(User.id == user_id)) == "fa"
        assert (await session.get(User, user_id)) is not None
        connection = await session.connection()
        assert _transaction_of(connection) is None
        await session.commit()  # nothing to commit: no round trip either


@pytestmark_pg
async def test_the_first_write_begins_and_the_transaction_stays_atomic(engine: AsyncEngine) -> None:
    user_id = await _a_user(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        await session.scalar(select(User.language).where(User.id == user_id))
        connection = await session.connection()
        assert _transaction_of(connection) is None
        await session.execute(update(User).where(User.id == user_id).values(language="en"))
        assert _transaction_of(connection) is not None
        await session.execute(update(User).where(User.id == user_id).values(is_banned=True))
        # Reads after the BEGIN are the transaction's: they see its own writes.
        assert await session.scalar(select(User.language).where(User.id == user_id)) == "en"
        await session.rollback()
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(User.language, User.is_banned).where(User.id == bindparam("w_id")), {"w_id": user_id}
            )
        ).one()
    assert tuple(row) == ("fa", False)  # both writes rolled back together


@pytestmark_pg
async def test_a_row_lock_opens_the_transaction_and_holds_until_commit(engine: AsyncEngine) -> None:
    user_id = await _a_user(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as holder:
        await holder.scalar(select(User.id).where(User.id == user_id).with_for_update())
        assert _transaction_of(await holder.connection()) is not None
        async with engine.connect() as other:
            with pytest.raises(DBAPIError, match="could not obtain lock"):
                await other.execute(
                    text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": user_id}
                )
        await holder.commit()
    async with engine.connect() as other:
        locked = await other.execute(
            text("SELECT id FROM users WHERE id = :id FOR UPDATE NOWAIT"), {"id": user_id}
        )
        assert locked.scalar_one() == user_id


@pytestmark_pg
async def test_a_stricter_isolation_begins_before_its_first_read(engine: AsyncEngine) -> None:
    """REPEATABLE READ: the transaction's reads share one snapshot, so it begins first."""
    async with engine.connect() as connection:
        strict = await connection.execution_options(isolation_level="REPEATABLE READ")
        await strict.execute(text("SELECT 1"))
        assert _transaction_of(strict) is not None
        await strict.rollback()
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        assert _transaction_of(connection) is None


@pytestmark_pg
async def test_a_burst_past_the_kept_connections_closes_the_extra_ones(postgres_url: str) -> None:
    """`server_connections` stay open once opened; `server_overflow` more serve a burst and
    are closed as they come back (one more than that waits for a connection)."""
    engine = create_engine(postgres_url, server_connections=3, server_overflow=2)
    try:
        connections = [await engine.connect() for _ in range(5)]
        for connection in connections:
            await connection.execute(text("SELECT 1"))
        assert engine.sync_engine.pool.checkedout() == 5  # type: ignore[attr-defined]
        for connection in connections:
            await connection.close()
        assert engine.sync_engine.pool.checkedin() == 3  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


@pytestmark_pg
async def test_a_worker_sizes_its_pool_from_the_settings(postgres_url: str) -> None:
    from bot.app import create_app
    from bot.settings import DatabaseSettings, TelegramSettings, load_settings
    from tests.conftest import SANDBOX_TOKEN

    settings = load_settings(
        telegram=TelegramSettings(bot_token=SANDBOX_TOKEN, bot_api_base="http://127.0.0.1:1"),
        database=DatabaseSettings(database_url=postgres_url, postgres_pool_size=7, postgres_pool_overflow=4),
    )
    app = create_app(settings)
    try:
        pool: Any = app.engine.sync_engine.pool
        assert (pool.size(), pool._max_overflow) == (7, 4)
    finally:
        await app.close()
