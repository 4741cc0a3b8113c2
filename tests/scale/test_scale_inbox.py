"""The update inbox through the real bot: duplicates dropped, dead workers' updates taken over,
one chat in order, transient failures retried without an apology, old rows pruned."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.types import TelegramObject, Update
from pydantic_settings import BaseSettings
from sqlalchemy import event, insert
from sqlalchemy.exc import OperationalError

from bot.inbox import Outcome, UpdateInbox, real_now
from bot.settings import ScaleSettings, Settings
from jobs import scheduler_for
from messenger import LocalMessenger
from messenger.testkit import ROOT
from models.db import create_engine, create_sessionmaker
from models.updates import InboxStatus, InboxUpdate
from services.users import get_user, set_language, upsert_user
from tests.conftest import Harness, running_bot
from tests.dbkit import sessions_on
from tests.scale.scalekit import eventually, inbox_rows, message_update, put_row, texts

WELCOME = "به «همدل» خوش آمدید"
HELP = "راهنمای همدل"


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    # Short leases (a dead worker is noticed within two seconds), long enough for a busy machine.
    return {"scale": ScaleSettings(worker_lease_seconds=2)}


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_a_duplicate_delivery_is_processed_once(
    settings: Settings, messenger: LocalMessenger, webhook: bool
) -> None:
    async with running_bot(settings, messenger, webhook=webhook) as hamdel:
        user = hamdel.user()
        hamdel.messenger.duplicate_next_update()
        await user.send("/start")
        await user.next_message()
        await hamdel.settle()
        assert sum(WELCOME in text for text in texts(user)) == 1
        await eventually(lambda: _all_done(hamdel))
        [row] = await inbox_rows(hamdel.app)
        assert row.status == InboxStatus.DONE
        assert row.payload is None  # nothing personal kept once handled
        assert row.chat_key == user.id
        await eventually(lambda: _outcomes(hamdel).get("duplicate") == 1)
        assert _outcomes(hamdel).get("handled") == 1


async def test_an_update_left_by_a_dead_worker_is_processed_on_redelivery(hamdel_webhook: Harness) -> None:
    app = hamdel_webhook.app
    user = hamdel_webhook.user()
    payload = message_update(10_000, user.id, "/start")
    update = Update.model_validate(payload, context={"bot": app.bot})
    # A worker recorded and claimed it, then died (no 'done' mark); its lease runs out.
    dead = UpdateInbox(
        app.dispatcher,
        app.sessionmaker,
        app.engine,
        platform=app.profile.platform.value,
        worker_id="dead",
        lease_seconds=0.5,
    )
    assert (await dead.record(update, payload)).claimed
    # The messenger delivers it again: not skipped, processed once the dead worker's lease lapsed.
    outcome = await app.inbox.accept(app.bot, update, payload)  # type: ignore[union-attr]
    assert outcome in (Outcome.PROCESSED, Outcome.DUPLICATE)  # (the sweeper may have been quicker)
    await user.next_message()
    await hamdel_webhook.settle()
    await eventually(lambda: _all_done(hamdel_webhook))
    assert sum(WELCOME in text for text in texts(user)) == 1
    [row] = await inbox_rows(app)
    assert (row.status, row.attempts) == (InboxStatus.DONE, 2)


async def test_unfinished_updates_are_swept_without_a_redelivery(hamdel: Harness) -> None:
    user = hamdel.user()
    # Recorded and acknowledged, then the worker died: the messenger will never deliver it again.
    await put_row(hamdel.app, message_update(10_001, user.id, "/start"))
    reply = await user.next_message(timeout=5)
    assert WELCOME in reply["text"]
    await hamdel.settle()
    await eventually(lambda: _all_done(hamdel))
    assert [(r.update_id, r.status) for r in await inbox_rows(hamdel.app)] == [(10_001, "done")]


async def test_one_chat_is_handled_in_update_order(hamdel_webhook: Harness) -> None:
    user = hamdel_webhook.user()
    # An older update of this chat failed on an outage and waits for its retry (not yet due).
    await put_row(
        hamdel_webhook.app,
        message_update(0, user.id, "/start"),
        status="pending",
        owner=None,
        lease_until=real_now() + timedelta(minutes=5),
    )
    await user.send("/help")  # a newer update of the same chat: the older one goes first
    first = await user.next_message()
    second = await user.next_message()
    assert WELCOME in first["text"]
    assert HELP in second["text"]
    await hamdel_webhook.settle()
    await eventually(lambda: _all_done(hamdel_webhook))
    statuses = {r.update_id: r.status for r in await inbox_rows(hamdel_webhook.app)}
    assert set(statuses.values()) == {"done"}


async def test_a_transient_failure_is_retried_without_an_apology(hamdel_webhook: Harness) -> None:
    failures: list[int] = []

    async def database_hiccup(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not failures:
            failures.append(1)
            raise OperationalError("SELECT 1", {}, ConnectionResetError("server closed the connection"))
        return await handler(event, data)

    hamdel_webhook.app.dispatcher.update.outer_middleware(database_hiccup)
    user = hamdel_webhook.user()
    await user.send("/start")
    reply = await user.next_message()
    await hamdel_webhook.settle()
    await eventually(lambda: _all_done(hamdel_webhook))
    assert WELCOME in reply["text"]
    assert texts(user).count(reply["text"]) == 1
    assert not any("خطا" in text or "مشکلی" in text for text in texts(user))
    [row] = await inbox_rows(hamdel_webhook.app)
    assert (row.status, row.attempts) == ("done", 2)
    assert _outcomes(hamdel_webhook).get("retry") == 1


async def test_two_workers_given_the_same_update_at_once_process_it_once(hamdel_webhook: Harness) -> None:
    app = hamdel_webhook.app
    # A second worker: its own database engine and worker id, the same handlers.
    engine = create_engine(app.settings.database.database_url)
    second = UpdateInbox(
        app.dispatcher,
        create_sessionmaker(engine),
        engine,
        platform=app.profile.platform.value,
        worker_id="second-worker",
    )
    try:
        user = hamdel_webhook.user()
        payload = message_update(20_000, user.id, "/start")
        outcomes = await asyncio.gather(
            *(
                inbox.accept(app.bot, Update.model_validate(payload, context={"bot": app.bot}), payload)
                for inbox in (app.inbox, second)
                if inbox is not None
            )
        )
        assert sorted(outcomes) == sorted([Outcome.PROCESSED, Outcome.DUPLICATE])
        await hamdel_webhook.settle()
        await eventually(lambda: _all_done(hamdel_webhook))
        assert sum(WELCOME in text for text in texts(user)) == 1
        [row] = await inbox_rows(app)
        assert (row.status, row.attempts) == ("done", 1)
    finally:
        await engine.dispose()


async def test_old_rows_are_pruned(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await hamdel.settle()
    old = real_now() - timedelta(hours=49)
    await put_row(hamdel.app, message_update(5, 77, "/start"), status="done", owner=None, received_at=old)
    assert len(await inbox_rows(hamdel.app)) == 2
    assert await hamdel.app.inbox.prune() == 1  # type: ignore[union-attr]
    assert [row.chat_key for row in await inbox_rows(hamdel.app)] == [user.id]


async def _all_done(hamdel: Harness) -> bool:
    return {row.status for row in await inbox_rows(hamdel.app)} == {"done"}


def _outcomes(hamdel: Harness) -> dict[str, float]:
    return {s.labels["outcome"]: s.value for s in _samples(hamdel, "hamdel_updates_total")}


def _samples(hamdel: Harness, name: str) -> list[Any]:
    return [
        sample
        for metric in hamdel.app.metrics.registry.collect()
        for sample in metric.samples
        if sample.name == name
    ]


def test_naming_transient_errors_imports_no_driver_the_worker_does_not_use() -> None:
    """A SQLite worker's first failed handler asks whether the error was an outage; answering
    must not import redis and asyncpg (~5 MB of resident memory) only to name their errors."""
    script = (
        "import sys, sqlalchemy.exc as e; from bot.inbox import is_transient\n"
        "assert 'redis' not in sys.modules and 'asyncpg' not in sys.modules\n"
        "assert not is_transient(RuntimeError('a bug'))\n"
        "assert is_transient(e.OperationalError('SELECT 1', {}, Exception('database is locked')))\n"
        "assert 'redis.exceptions' not in sys.modules and 'asyncpg' not in sys.modules\n"
        "import redis.exceptions\n"
        "assert is_transient(redis.exceptions.ConnectionError('Redis went away'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


async def test_a_recorded_update_brings_its_senders_language_when_asked(database_url: str) -> None:
    """Several workers (UpdateInbox(sender_language=True)): the record of an update answers the
    language its sender chose, so UserMiddleware does not read it again (bot.inbox
    SENDER_LANGUAGE); a sender with no row yet has none."""
    async with sessions_on(database_url) as sessions:
        engine = sessions.kw["bind"]
        async with sessions() as session:
            await upsert_user(session, platform="telegram", user_id=501, chat_id=501, default_language="fa")
            await set_language(session, (await get_user(session, platform="telegram", user_id=501)).id, "en")
            await session.commit()
        inbox = UpdateInbox(
            Dispatcher(), sessions, engine, platform="telegram", worker_id="w", sender_language=True
        )
        known = await inbox.record(Update.model_validate(message_update(1, 501, "سلام")))
        unknown = await inbox.record(Update.model_validate(message_update(2, 502, "سلام")))
        assert (known.claimed, known.clear, known.sender_language) == (True, True, "en")
        assert (unknown.claimed, unknown.sender_language) == (True, None)
        alone = UpdateInbox(Dispatcher(), sessions, engine, platform="telegram", worker_id="v")
        assert (
            await alone.record(Update.model_validate(message_update(3, 501, "سلام")))
        ).sender_language is None


async def test_an_update_of_a_known_person_reads_no_language(hamdel: Harness) -> None:
    """With several workers (PostgreSQL + Redis) a person's language comes with their update's
    record; one process (SQLite) serves it from its cache. Either way no read of its own."""
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await hamdel.settle()
    recorded = len(await inbox_rows(hamdel.app))
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = hamdel.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await user.send("/help")
        assert HELP in (await user.next_message())["text"]
        await hamdel.settle()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    rows = await inbox_rows(hamdel.app)
    # Recorded and done (by statements straight on the driver, models/alone.py: not counted here).
    assert len(rows) == recorded + 1 and rows[-1].status == "done"
    assert not [s for s in statements if s.startswith("SELECT users.language")]


async def test_a_sqlite_file_has_its_wal_checkpointed_in_the_background(
    hamdel: Harness, backend: str
) -> None:
    """models.db.checkpoint_wal, run by the app's scheduler on the background jobs' engine for a
    SQLite file (PostgreSQL has no WAL of ours to keep)."""
    jobs = scheduler_for(hamdel.app).jobs
    assert ("sqlite-checkpoint" in jobs) is (backend == "sqlite")


async def test_the_inbox_finds_unfinished_updates_without_walking_the_done_ones(
    database_url: str, backend: str
) -> None:
    """The inbox keeps UPDATE_RETENTION_HOURS of done rows. Its queries for the unfinished ones
    (the sweep's every few seconds, a chain's) search an index on status, not the primary key
    in order with every done row filtered out — what SQLite chose for `ORDER BY update_id`,
    reading the whole table each sweep into the page cache of the connection it ran on
    (bot.inbox OLDEST_FIRST). Checked on SQLite's plans; and both are still found."""
    if backend != "sqlite":
        pytest.skip("SQLite's own plan (PostgreSQL plans from its statistics)")
    async with sessions_on(database_url) as sessions:
        engine = sessions.kw["bind"]
        inbox = UpdateInbox(Dispatcher(), sessions, engine, platform="telegram", worker_id="w")
        later = real_now() + timedelta(hours=1)
        async with sessions() as session:
            done = {"update_type": "message", "status": InboxStatus.DONE.value, "attempts": 1}
            await session.execute(
                insert(InboxUpdate),
                [
                    {
                        **done,
                        "platform": "telegram",
                        "update_id": 10 + n,
                        "chat_key": 7 + n % 2,
                        "lease_until": later,
                        "received_at": real_now(),
                        "digest": "d",
                    }
                    for n in range(2_000)
                ],
            )
            await session.commit()
        await inbox.record(Update.model_validate(message_update(5_000, 7, "سلام")))
        await inbox.record(Update.model_validate(message_update(5_001, 8, "سلام")))
        queries = {
            "sweep": inbox.due_query(later, 200),
            "chain": inbox.oldest_unfinished_query(7, 5_000),
            "chain of no chat": inbox.oldest_unfinished_query(None, 5_001),
        }
        async with engine.connect() as connection:
            for name, query in queries.items():
                sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
                plan = " / ".join(
                    row[-1] for row in await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
                )
                assert "status=?" in plan or "update_id=?" in plan, (name, plan)
            assert [row[0] for row in await connection.execute(queries["sweep"])] == [5_000, 5_001]
            assert (await connection.execute(queries["chain"])).scalar() == 5_000
