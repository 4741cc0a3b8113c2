"""FSM storage in the relational database, used when no Redis is configured.

Writes go through the update's own `AsyncSession` (published in `current_session` by the
database middleware), so a flow's state commits atomically with the handler's data and never
waits on a second SQLite write lock held by the same update.

A chat's state is read once per update and kept on the update's session; what the handler
changes (state, data, or both) is written by one statement when the session commits (an UPDATE,
or an INSERT for a chat with no row yet) and forgotten when it rolls back. Core statements, not
ORM objects: the ORM's load and flush of one row cost more CPU than the statements themselves
(issue 19, goal 4; benchmarks/profile_mix.py).

The storage also remembers each chat's committed state (the last `KNOWN_CHATS` chats), so an
update of a chat seen lately reads nothing: this storage serves one process (several workers
need Redis, bot/workers.py), and this process writes every row it reads. A state changed in the
table behind the worker's back (by hand) shows once the chat is forgotten or the worker restarts.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from models.base import utcnow
from models.db import upsert_statement
from models.fsm import FsmRecord

current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

#: The conversation-state writes an update holds back (bot.rediskit.HeldChatRedisStorage sends
#: them with the chat's lock release), made durable now: `CommitBeforeSend` awaits it before any
#: Bot API request, as it commits the update's transaction, so that what a person is shown is
#: stored before they can act on it.
pending_state_writes: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "pending_state_writes", default=None
)

_TABLE = cast(Table, FsmRecord.__table__)
_READ = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("w_key"))
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.key == bindparam("w_key"))
    .values(
        state=bindparam("w_state", type_=_TABLE.c.state.type),
        data=bindparam("w_data", type_=_TABLE.c.data.type),
        updated_at=bindparam("w_at", type_=_TABLE.c.updated_at.type),
    )
)
_INSERTS: dict[str, Any] = {}  # by dialect name: INSERT, or UPDATE when the row appeared meanwhile

# The chats an update's session has read, by storage key; `None`: no row for the key.
_HELD = "hamdel.fsm_states"
# The storage's committed states, on a session that read through it (for the commit listener).
_KNOWN = "hamdel.fsm_known"
# The chats the session's commit in progress writes.
_WRITING = "hamdel.fsm_writing"

#: Chats whose committed state a storage remembers (~0.3 KB each), the least recently used first out.
KNOWN_CHATS = 10_000


@dataclass(slots=True)
class _Chat:
    state: str | None
    data: dict[str, Any] = field(default_factory=dict)
    stored: bool = True  # the row exists (as of the last read or commit)
    changed: bool = False


@dataclass(frozen=True, slots=True)
class _Committed:
    """A chat's state as committed. The data as JSON text: a handler may change the nested
    values of what it was given in place, and only a commit may change this."""

    state: str | None
    data: str | None  # JSON; None: no data

    @classmethod
    def of(cls, chat: _Chat) -> _Committed:
        return cls(chat.state, json.dumps(chat.data) if chat.data else None)

    def chat(self) -> _Chat:
        return _Chat(self.state, json.loads(self.data) if self.data else {})


class _KnownChats:
    """The committed state of the chats seen lately (`None`: no row), least recently used first
    out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._chats: dict[str, _Committed | None] = {}

    def get(self, key: str) -> tuple[bool, _Committed | None]:
        if key not in self._chats:
            return False, None
        committed = self._chats.pop(key)
        self._chats[key] = committed  # now the most recently used
        return True, committed

    def put(self, key: str, committed: _Committed | None) -> None:
        """What a commit wrote."""
        self._chats.pop(key, None)
        self._chats[key] = committed
        if len(self._chats) > self.size:
            del self._chats[next(iter(self._chats))]

    def read(self, key: str, committed: _Committed | None) -> None:
        """What a read found, unless a commit wrote the chat while it was read."""
        if key not in self._chats:
            self.put(key, committed)

    def forget(self, key: str) -> None:
        self._chats.pop(key, None)


def _insert(dialect: str) -> Any:
    statement = _INSERTS.get(dialect)
    if statement is None:
        values = {"key": "w_key", "state": "w_state", "data": "w_data", "updated_at": "w_at"}
        statement = _INSERTS[dialect] = upsert_statement(
            dialect,
            _TABLE,
            {column: bindparam(name) for column, name in values.items()},
            [_TABLE.c.key],
            lambda excluded: {
                "state": excluded.state,
                "data": excluded.data,
                "updated_at": excluded.updated_at,
            },
        )
    return statement


def _read_row(session: Session, key: str) -> Any:
    """A chat's row (one greenlet for the session's connection and the statement)."""
    return session.connection().execute(_READ, {"w_key": key}).first()


def _write_changed(session: Session) -> None:
    """Before a commit: one statement per chat whose state or data changed."""
    held: dict[str, _Chat | None] | None = session.info.get(_HELD)
    if not held:
        return
    for key, chat in held.items():
        if chat is None or not chat.changed:
            continue
        parameters = {"w_key": key, "w_state": chat.state, "w_data": chat.data, "w_at": utcnow()}
        connection = session.connection()
        written = 0
        if chat.stored:
            written = connection.execute(_UPDATE, parameters).rowcount
        if not written:  # no row yet (or it was pruned since it was read)
            connection.execute(_insert(connection.dialect.name), parameters)
        chat.stored, chat.changed = True, False
        session.info.setdefault(_WRITING, []).append(key)


def _remember_committed(session: Session) -> None:
    """After a commit: what it wrote is what is stored now. (What the session only read is
    remembered as it was read, unless another session wrote it since: not published again.)"""
    written: list[str] | None = session.info.pop(_WRITING, None)
    known: _KnownChats | None = session.info.get(_KNOWN)
    held: dict[str, _Chat | None] | None = session.info.get(_HELD)
    if not written or known is None or held is None:
        return
    for key in written:
        chat = held.get(key)
        if chat is not None:
            known.put(key, _Committed.of(chat))


def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    """After a rollback: what the update read or changed may no longer be what is stored (nor,
    after a failed commit, what the storage remembers). A savepoint's rollback (a service
    retrying inside the update) keeps them: the state a handler set is not part of a service's
    savepoint."""
    if previous_transaction.nested:
        return
    session.info.pop(_WRITING, None)
    held: dict[str, _Chat | None] | None = session.info.pop(_HELD, None)
    known: _KnownChats | None = session.info.get(_KNOWN)
    if held and known is not None:
        for key in held:
            known.forget(key)


def _listen_once() -> None:
    if not event.contains(Session, "before_commit", _write_changed):
        event.listen(Session, "before_commit", _write_changed)
        event.listen(Session, "after_commit", _remember_committed)
        event.listen(Session, "after_soft_rollback", _forget)


class SqlStorage(BaseStorage):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], known_chats: int = KNOWN_CHATS
    ) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = DefaultKeyBuilder(with_destiny=True)
        self._known = _KnownChats(known_chats)
        _listen_once()

    async def _load(self, session: AsyncSession, built: str) -> _Chat | None:
        info = session.info
        held: dict[str, _Chat | None] = info.setdefault(_HELD, {})
        if built in held:
            return held[built]  # the update's session is the only writer of its chat's state
        info[_KNOWN] = self._known
        remembered, committed = self._known.get(built)
        if remembered:
            chat = committed.chat() if committed is not None else None
            if not session.in_transaction():
                # No statement began it: begun here (no I/O), so that a rollback of the update
                # forgets what it holds, as after a read.
                session.sync_session.begin()
        else:
            row = await session.run_sync(_read_row, built)
            chat = _Chat(row.state, dict(row.data or {})) if row is not None else None
            self._known.read(built, _Committed.of(chat) if chat is not None else None)
        held[built] = chat
        return chat

    async def _write(
        self,
        key: StorageKey,
        *,
        state: str | None = None,
        data: dict[str, Any] | None = None,
        set_state: bool = False,
    ) -> None:
        session = current_session.get()
        if session is not None:
            self._apply(await self._chat(session, key), state, data, set_state)
            if not session.in_transaction():
                # Changed after the update's last commit (before a send): begun here (no I/O),
                # so that the update's own commit (DatabaseMiddleware) writes it.
                session.sync_session.begin()
            return
        async with self.sessionmaker() as own, own.begin():
            self._apply(await self._chat(own, key), state, data, set_state)

    async def _chat(self, session: AsyncSession, key: StorageKey) -> _Chat:
        built = self.key_builder.build(key)
        chat = await self._load(session, built)
        if chat is None:
            chat = session.info[_HELD][built] = _Chat(None, stored=False)
        return chat

    @staticmethod
    def _apply(chat: _Chat, state: str | None, data: dict[str, Any] | None, set_state: bool) -> None:
        if set_state:
            chat.state = state
        if data is not None:
            chat.data = data
        chat.changed = True

    async def _read(self, key: StorageKey) -> _Chat | None:
        built = self.key_builder.build(key)
        session = current_session.get()
        if session is not None:
            return await self._load(session, built)
        async with self.sessionmaker() as own:
            return await self._load(own, built)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value, set_state=True)

    async def get_state(self, key: StorageKey) -> str | None:
        chat = await self._read(key)
        return chat.state if chat else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        chat = await self._read(key)
        return dict(chat.data) if chat else {}

    async def close(self) -> None:
        return None
