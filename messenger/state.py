# ruff: noqa: ASYNC109 - waiting helpers take a timeout like asyncio.wait_for
"""Plain data kept by the local messenger: chats, users, messages, files, updates, requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Signal:
    """A broadcast wake-up that sync code can fire (no lock needed, unlike Condition)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        """Wait until ``predicate()`` is true, re-checking each time the signal fires.

        Returns False on timeout (never raises TimeoutError).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not predicate():
            event = self._event
            if deadline is None:
                await event.wait()
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return predicate()
        return True

    async def wait(self, timeout: float | None) -> bool:
        """Wait for the next firing; False on timeout."""
        event = self._event
        try:
            async with asyncio.timeout(timeout):
                await event.wait()
        except TimeoutError:
            return False
        return True


@dataclass(slots=True)
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    mime_type: str | None = None
    file_name: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(slots=True)
class StoredMessage:
    data: dict[str, Any]
    from_bot: bool
    deleted: bool = False
    invoice_payload: str | None = None

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    def view(self) -> dict[str, Any]:
        """A copy for test code, with the current state and a ``deleted`` flag."""
        out = dict(self.data)
        out["deleted"] = self.deleted
        return out


@dataclass(slots=True)
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    user_id: int | None = None  # private chats: the user
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_message_ids: list[int] = field(default_factory=list)
    all_message_ids: list[int] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    reply_keyboard_message_id: int | None = None  # the bot message that set it
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    last_message_id: int = 0
    signal: Signal = field(default_factory=Signal)

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass(slots=True)
class UpdateEntry:
    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_key: int | None
    wanted: int = 1
    served: int = 0
    in_flight: bool = False


@dataclass(slots=True)
class PendingQuery:
    """A callback_query or pre_checkout_query waiting for the bot's answer."""

    id: str
    kind: str  # "callback_query" | "pre_checkout_query"
    created: float
    description: str
    future: asyncio.Future[dict[str, Any]]
    answer: dict[str, Any] | None = None
    answered_at: float | None = None
    expired: bool = False
    timer: asyncio.TimerHandle | None = None


@dataclass(slots=True)
class RecordedRequest:
    """One request the bot made: ``params`` are decoded (JSON strings -> objects, "1" -> 1)."""

    method: str
    params: dict[str, Any]
    time: float = field(default_factory=time.monotonic)
    status: int = 0
    duration: float = 0.0
    result: Any = None
    description: str | None = None
    via: str = "http"  # "http" | "webhook-reply"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(slots=True)
class Fault:
    method: str
    kind: str  # "fail" | "delay"
    times: int
    status: int = 0
    retry_after: int | None = None
    description: str | None = None
    seconds: float = 0.0


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        violation: str | None = None,
        warning: str | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.violation = violation
        self.warning = warning

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out
