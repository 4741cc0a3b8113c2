"""Fuzz: random but well-formed updates through the real bot (polling, against the local
messenger, in strict mode) — messages of every content type, commands, buttons pressed from real
keyboards, forged callback data, edits, replies, group messages.

Every example must leave: no ERROR logged (no unhandled exception), every private message
answered, every callback query answered, no Bot API violation, every update finished in the
inbox. The normal suite runs
HAMDEL_FUZZ_EXAMPLES (default 40) scenarios of up to 5 actions per flavor and backend (160
scenarios, ~500 updates with both backends); HAMDEL_FUZZ_EXAMPLES=1000 for a long run.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from bot.app import HamdelApp, create_app
from bot.migrate import upgrade
from bot.settings import (
    SANDBOX_TOKEN,
    DatabaseSettings,
    RedisSettings,
    ScaleSettings,
    StaffSettings,
    TelegramSettings,
    WebhookSettings,
    load_settings,
)
from messenger import LocalMessenger, MessengerGroup
from messenger.testkit import clear_redis_keys
from tests.conftest import BACKENDS, FLAVORS, FULL_MATRIX, TEST_REDIS_URL

EXAMPLES = int(os.environ.get("HAMDEL_FUZZ_EXAMPLES", "40"))

# Persian and Arabic letters and digits, Latin, ZWNJ, RTL/LTR marks, emoji, punctuation.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x0020, max_codepoint=0x007E),
    st.sampled_from(["\u200c", "\u200f", "\u200e", "ی", "ک", "ي", "ك", "۰", "٠", "🌱", "💝", "\n"]),
)
TEXT = st.text(alphabet=ALPHABET, min_size=1, max_size=200).filter(lambda t: bool(t.strip()))
HUGE = st.integers(min_value=3000, max_value=4096).map(lambda n: ("همدل " * 1000)[:n])
COMMANDS = st.sampled_from(
    ["/start", "/help", "/language", "/cancel", "/menu", "/start abc", "/unknown", "/x@hamdel_bot"]
)
CALLBACK_DATA = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=64),
    st.sampled_from(["menu:home", "menu:nothing", "lang:xx", "lang:fa", "cancel", "menu:", ":::"]),
)

ACTION = st.one_of(
    st.tuples(st.just("text"), st.one_of(TEXT, HUGE)),
    st.tuples(st.just("command"), COMMANDS),
    st.tuples(st.just("photo"), st.one_of(st.none(), TEXT)),
    st.tuples(st.just("document"), st.one_of(st.none(), TEXT)),
    st.tuples(st.sampled_from(["sticker", "voice", "location", "contact"]), st.none()),
    st.tuples(st.just("edit"), TEXT),
    st.tuples(st.just("reply"), TEXT),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("forged"), CALLBACK_DATA),
    st.tuples(st.just("group"), st.one_of(TEXT, TEXT.map(lambda t: "@hamdel_bot " + t))),
)
SCENARIO = st.lists(ACTION, min_size=1, max_size=5)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.name == "asyncio" and message.startswith(("Unclosed client session", "Unclosed connector")):
            return  # garbage from other tests in this process, collected now: not the bot's
        self.records.append(f"{record.name}: {message}")


@dataclass
class Bed:
    """A bot and a messenger running in a loop of their own thread (hypothesis drives it)."""

    loop: asyncio.AbstractEventLoop
    messenger: LocalMessenger
    app: HamdelApp
    group: MessengerGroup
    errors: ErrorLog
    user_ids: Iterator[int] = field(default_factory=lambda: itertools.count(50_000))

    def run(self, coroutine: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


def _beds() -> list[tuple[str, str]]:
    """The suite's matrix rule (tests/conftest.py): with PostgreSQL, one flavor on it and the
    other on SQLite, unless TEST_FULL_MATRIX; without it, both flavors on SQLite."""
    if FULL_MATRIX or BACKENDS == ["sqlite"]:
        return [(f, b) for f in FLAVORS for b in BACKENDS]
    return [(FLAVORS[0], "postgresql"), (FLAVORS[1], "sqlite")]


@pytest.fixture(scope="module", params=_beds(), ids=lambda p: f"{p[0]}-{p[1]}")
def bed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    flavor, backend = request.param
    if backend == "sqlite":
        database_url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'hamdel.db'}"
        upgrade(database_url)
        redis = RedisSettings(redis_url=None)
    else:
        # A database and Redis keys of the bed's own: it outlives single tests, so other tests'
        # bots (and their truncations) must not share its inbox, locks or state.
        import uuid

        from bot.migrate import upgrade as migrate
        from tests.conftest import TEST_DATABASE_URL, _postgres_admin

        assert TEST_DATABASE_URL
        own = f"hamdel_test_{os.getpid()}_fz{flavor[0]}{uuid.uuid4().hex[:4]}"
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{own}"'))
        request.addfinalizer(
            lambda: asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        )
        database_url = make_url(TEST_DATABASE_URL).set(database=own).render_as_string(hide_password=False)
        migrate(database_url)
        redis = RedisSettings(
            redis_url=TEST_REDIS_URL, redis_key_prefix=f"hamdel-fuzz-{os.getpid()}-{flavor}"
        )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fuzz-loop", daemon=True)
    thread.start()
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)

    async def start() -> Bed:
        messenger = LocalMessenger(flavor=flavor, token=SANDBOX_TOKEN, strict=True)
        await messenger.start()
        settings_ = load_settings(
            telegram=TelegramSettings(
                bot_token=SANDBOX_TOKEN, platform=flavor, bot_api_base=messenger.base_url
            ),
            database=DatabaseSettings(database_url=database_url),
            redis=redis,
            staff=StaffSettings(admin_ids=[], staff_chat_id=None),
            webhook=WebhookSettings(url=None),
            scale=ScaleSettings(worker_lease_seconds=2),
        )
        app = create_app(settings_)
        app.spawn(app.run_polling(handle_signals=False), name="fuzz-polling")
        await messenger.wait_for_request(lambda r: r.method == "getUpdates", timeout=30)
        group = messenger.group(chat_id=-100_777, title="گروه محله", members={})
        return Bed(loop, messenger, app, group, errors)

    testbed = asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    try:
        yield testbed
    finally:

        async def stop() -> None:
            await testbed.messenger.settle()
            await testbed.app.dispatcher.stop_polling()
            await testbed.app.close()
            if testbed.app.settings.redis.redis_url:
                await clear_redis_keys(
                    testbed.app.settings.redis.redis_url, testbed.app.settings.redis.redis_key_prefix
                )
            await testbed.messenger.stop()

        testbed.run(stop(), timeout=60)
        logging.getLogger().removeHandler(errors)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
    assert not testbed.messenger.violations, "\n".join(testbed.messenger.violations)


async def _scenario(bed: Bed, actions: list[tuple[str, Any]]) -> None:
    m = bed.messenger
    user = m.user(next(bed.user_ids), "سارا", "fa")
    for kind, value in actions:
        user.skip_to_end()
        private = True
        if kind == "text" or kind == "command":
            await user.send(value)
        elif kind == "photo":
            await user.send_photo(caption=value)
        elif kind == "document":
            await user.send_document(
                filename="نامه.pdf", data=b"%PDF-1.4 fuzz", mime_type="application/pdf", caption=value
            )
        elif kind == "sticker":
            await user.send_sticker()
        elif kind == "voice":
            await user.send_voice()
        elif kind == "location":
            await user.send_location(35.7, 51.4)
        elif kind == "contact":
            await user.share_contact("09121234567", own=True)
        elif kind == "edit":
            mine = [
                msg for msg in user.all_messages if msg.get("from", {}).get("id") == user.id and "text" in msg
            ]
            if not mine:
                continue
            await user.edit(mine[-1], value)
        elif kind == "reply":
            await user.reply(user.last if user.last is not None else None, value)
        elif kind == "press":
            private = False
            pressable = [(msg, label) for msg in user.messages for label in user.buttons(msg)]
            if not pressable:
                continue
            message, label = pressable[value % len(pressable)]
            answer = await user.press(label, message=message, timeout=10)
            assert answer is not None, f"button {label!r} not answered"
        elif kind == "forged":
            # Forged or stale data on a message the bot sent (a callback always comes from one:
            # the bot has no inline mode).
            private = False
            if not user.messages:
                continue
            answer = await user.press_data(value, timeout=10)
            assert answer is not None, f"forged callback {value!r} not answered"
        elif kind == "group":
            private = False
            await bed.group.send(from_user=user, text=value)
        if private:
            reply = await user.next_message(timeout=10)
            assert reply.get("text") or reply.get("caption"), reply
        await m.settle(timeout=20)
        assert not m.violations, m.violations
        assert not bed.errors.records, bed.errors.records
    await _inbox_drained(bed)


async def _inbox_drained(bed: Bed, within: float = 10.0) -> None:
    """Every update of the scenario finished in the inbox: none left pending or claimed."""
    inbox = bed.app.inbox
    assert inbox is not None, "the fuzz bed runs without the update inbox"
    deadline = asyncio.get_running_loop().time() + within
    while left := await inbox.unfinished():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"{left} updates still unfinished in the inbox {within} s after the scenario"
            )
        await asyncio.sleep(0.05)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: a failing scenario is printed as generated (shrinking one that waits for a
    # missing answer would take minutes).
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow  # 40 scenarios, ~120 updates: ~6 s per flavor and backend when the machine is idle
@given(actions=SCENARIO)
def test_random_updates_never_crash_and_are_always_answered(bed: Bed, actions: list[tuple[str, Any]]) -> None:
    bed.run(_scenario(bed, actions))
