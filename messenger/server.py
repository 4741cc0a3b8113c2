# ruff: noqa: ASYNC109 - the public interface takes timeout= like the rest of the test API
"""LocalMessenger: an aiohttp server that speaks the Telegram Bot API (and Bale's dialect)."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import math
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from .flavors import (
    BALE_CURRENCY,
    BALE_EXTRA_PARAMS,
    BALE_ONLY_METHODS,
    BALE_REJECTED_PARAMS,
    BALE_UPDATE_TYPES,
    TELEGRAM_DEFAULT_UPDATE_TYPES,
    Flavor,
    bale_lacks_method,
)
from .markup import (
    EntityParseError,
    check_reply_markup,
    inline_buttons,
    parse_formatted,
    ptb_available,
    utf16_len,
)
from .spec import ApiSpec, Problem, UploadedFile, Validator, default_spec_path, load_spec
from .state import (
    ApiError,
    Chat,
    Fault,
    PendingQuery,
    RecordedRequest,
    Signal,
    StoredFile,
    StoredMessage,
    UpdateEntry,
    UserInfo,
)

if TYPE_CHECKING:
    from .actors import MessengerGroup, MessengerUser

log = logging.getLogger("messenger")

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_ANSWER_TEXT_MAX = 200

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendInvoice",
        "sendMediaGroup",
        "sendPoll",
        "sendVenue",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
"""Methods counted by the rate limiter (sendChatAction is not a message)."""

_BLOCKABLE_PREFIXES = ("send", "copyMessage", "forwardMessage", "edit")

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# sendX method -> (parameter holding the file, kind of file / message field)
MEDIA_METHODS: dict[str, str] = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    return None


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command / mention entities of a user's text, with UTF-16 offsets."""
    out: list[dict[str, Any]] = []
    for rx, typ in ((_COMMAND_RE, "bot_command"), (_MENTION_RE, "mention")):
        for m in rx.finditer(text):
            out.append({"type": typ, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    out.sort(key=lambda e: e["offset"])
    return out


class LocalMessenger:
    """A local Telegram/Bale Bot API server for tests, the sandbox and benchmarks.

    See the package docstring (``messenger``) for the interface.
    """

    def __init__(
        self,
        flavor: Flavor = "telegram",
        token: str = "123456:TEST",
        strict: bool = True,
        spec_path: str | Path | None = None,
        bot_id: int = 7000001,
        bot_username: str = "hamdel_bot",
        bot_first_name: str = "Hamdel",
        *,
        callback_timeout: float = 10.0,
        pre_checkout_timeout: float = 10.0,
        webhook_retries: int = 3,
        webhook_backoff: float = 0.05,
        webhook_timeout: float = 30.0,
        max_recorded_requests: int | None = None,
    ) -> None:
        if flavor not in ("telegram", "bale"):
            raise ValueError(f"flavor must be 'telegram' or 'bale', not {flavor!r}")
        self.flavor: Flavor = flavor
        self.token = token
        self.strict = strict
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.callback_timeout = callback_timeout
        self.pre_checkout_timeout = pre_checkout_timeout
        self.webhook_retries = webhook_retries
        self.webhook_backoff = webhook_backoff
        self.webhook_timeout = webhook_timeout
        self.max_recorded_requests = max_recorded_requests

        self.violations: list[str] = []
        self.warnings: list[str] = []
        self._warning_set: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.updates: list[dict[str, Any]] = []
        """Every update created (as first built), in order."""
        self.dropped_updates: list[dict[str, Any]] = []
        """Updates not delivered because allowed_updates excluded their type."""
        self.rate_limited_count = 0
        self.base_url = ""

        self.spec_path = Path(spec_path) if spec_path is not None else default_spec_path()
        self.spec: ApiSpec = load_spec(self.spec_path)
        self._validator = Validator(self.spec)
        if not ptb_available():
            missing = "python-telegram-bot is not installed: reply_markup model parsing is skipped"
            if strict:  # strict checks never quietly weaken: install the project's test extra
                raise RuntimeError(f"{missing} (pip install -e '.[test]')")
            self._warn(missing)

        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {}
        for name in dir(self):
            if name.startswith("_api_"):
                self._handlers[name[5:]] = getattr(self, name)
        self._handler_by_lower = {k.lower(): k for k in self._handlers}

        self._users: dict[int, UserInfo] = {}
        self._chats: dict[int, Chat] = {}
        self._actors: dict[int, MessengerUser] = {}
        self._groups: dict[int, MessengerGroup] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = 0
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._bot_texts: dict[str, dict[str, str]] = {}
        self._transactions: dict[str, dict[str, Any]] = {}
        self._payment_counter = 0
        self._query_counter = 0

        # updates
        self._queue: list[UpdateEntry] = []
        self._next_update_id = 1
        self._restored_message_ids: dict[int, int] = {}
        self._dup_next = 0
        self._dup_same_id = True
        self._allowed: frozenset[str] = (
            BALE_UPDATE_TYPES if flavor == "bale" else TELEGRAM_DEFAULT_UPDATE_TYPES
        )
        self._poll_gen = 0
        self._updates_signal = Signal()
        self._activity = Signal()
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._queries: dict[str, PendingQuery] = {}

        # webhook
        self._webhook_url = ""
        self._webhook_secret: str | None = None
        self._webhook_max_conn = 40
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wakeup = Signal()
        self._webhook_busy_chats: set[int | None] = set()
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._webhook_in_flight = 0
        self._webhook_last_error: tuple[int, str] | None = None
        self._client: aiohttp.ClientSession | None = None

        # faults & limits
        self._faults: list[Fault] = []
        self._rate_global: int | None = None
        self._rate_chat: int | None = None
        self._rate_group_min: int | None = None
        self._rate_global_log: deque[float] = deque()
        self._rate_chat_log: dict[int, deque[float]] = {}
        self._rate_group_log: dict[int, deque[float]] = {}

        self._runner: web.AppRunner | None = None
        self._closing = False

    # ==================================================================================
    # lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._http_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._http_file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        real_port = sockets[0].getsockname()[1] if sockets else port
        self.base_url = f"http://{host}:{real_port}"
        self._client = aiohttp.ClientSession()
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        self._updates_signal.fire()
        self._activity.fire()
        self._webhook_wakeup.fire()
        for q in list(self._queries.values()):
            if q.timer is not None:
                q.timer.cancel()
            if q.answer is None and not q.expired:
                q.expired = True
                self._violate(
                    f"{q.description} was never answered (still pending when the messenger stopped)"
                )
            if not q.future.done():
                q.future.cancel()
        tasks = [t for t in (self._webhook_task, *self._webhook_tasks) if t is not None]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._webhook_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalMessenger:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ==================================================================================
    # reporting

    def _violate(self, message: str) -> None:
        if self.strict:
            self.violations.append(message)
            log.error("messenger violation: %s", message)
        else:
            self._warn(message)

    def _warn(self, message: str) -> None:
        if message not in self._warning_set:
            self._warning_set.add(message)
            self.warnings.append(message)
            log.warning("messenger: %s", message)

    def _record(self, rec: RecordedRequest) -> None:
        self.requests.append(rec)
        cap = self.max_recorded_requests
        if cap is not None and len(self.requests) > 2 * cap:
            del self.requests[: len(self.requests) - cap]  # amortised: benchmarks keep memory flat

    def calls(self, method: str) -> list[RecordedRequest]:
        """Recorded requests of ``method`` (all statuses, in order)."""
        return [r for r in self.requests if r.method == method]

    def commands(
        self, language_code: str | None = None, scope: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Commands registered by setMyCommands for ``scope`` (default scope) and language.

        Falls back to the commands without a language, as Telegram clients do.
        """
        key = _scope_key(scope)
        if language_code:
            found = self._commands.get((key, language_code))
            if found is not None:
                return list(found)
        return list(self._commands.get((key, ""), []))

    # ==================================================================================
    # users, groups, chats

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "سارا",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fa",
    ) -> MessengerUser:
        """The user ``user_id`` with its private chat with the bot (created on first call)."""
        from .actors import MessengerUser

        actor = self._actors.get(user_id)
        if actor is not None:
            return actor
        info = self._users.get(user_id)
        if info is None:
            info = UserInfo(user_id, first_name, last_name, username, language_code)
            self._users[user_id] = info
        chat = self._chats.get(user_id)
        if chat is None:
            chat = Chat(
                id=user_id,
                type="private",
                first_name=info.first_name,
                last_name=info.last_name,
                username=info.username,
                user_id=user_id,
                last_message_id=self._restored_message_ids.get(user_id, 0),
            )
            self._chats[user_id] = chat
        actor = MessengerUser(self, info, chat)
        self._actors[user_id] = actor
        return actor

    def counters(self) -> dict[str, Any]:
        """The ids handed out so far (the next update id, each chat's last message id), for
        `restore_counters` in a later run against the same database (the sandbox keeps them)."""
        last = dict(self._restored_message_ids)
        last.update({chat_id: chat.last_message_id for chat_id, chat in self._chats.items()})
        return {
            "next_update_id": self._next_update_id,
            "last_message_ids": {str(chat_id): value for chat_id, value in sorted(last.items())},
        }

    def restore_counters(self, counters: dict[str, Any]) -> None:
        """Go on from an earlier run's `counters()`: update and message ids are never handed out
        twice (the bot's database remembers them: a reused id is a duplicate update, or a reply
        to another message)."""
        self._next_update_id = max(self._next_update_id, int(counters.get("next_update_id", 1)))
        for chat_id, value in (counters.get("last_message_ids") or {}).items():
            cid = int(chat_id)
            self._restored_message_ids[cid] = max(self._restored_message_ids.get(cid, 0), int(value))
            chat = self._chats.get(cid)
            if chat is not None:
                chat.last_message_id = max(chat.last_message_id, int(value))

    def group(
        self,
        chat_id: int = -100123,
        title: str = "کارگروه",
        forum: bool = False,
        members: dict[int, str] | None = None,
        username: str | None = None,
    ) -> MessengerGroup:
        """A group chat the bot is in (created on first call).

        members maps user id -> status (creator, administrator, member, restricted, left,
        kicked); the bot is an administrator unless ``members`` says otherwise.
        """
        from .actors import MessengerGroup

        existing = self._groups.get(chat_id)
        if existing is not None:
            return existing
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if self.flavor == "bale" and forum:
            raise ValueError("Bale has no forum topics (flavor='bale')")
        if self.flavor == "bale":
            ctype = "group"
        else:
            ctype = "supergroup" if forum or str(chat_id).startswith("-100") else "group"
        chat = Chat(
            id=chat_id,
            type=ctype,
            title=title,
            username=username,
            is_forum=forum and ctype == "supergroup",
            last_message_id=self._restored_message_ids.get(chat_id, 0),
        )
        for uid, status in (members or {}).items():
            chat.members[int(uid)] = status
            if uid != self.bot_id and uid not in self._users:
                self._users[uid] = UserInfo(uid, f"کاربر {uid}")
        chat.members.setdefault(self.bot_id, "administrator")
        self._chats[chat_id] = chat
        grp = MessengerGroup(self, chat)
        self._groups[chat_id] = grp
        return grp

    # -- object builders ---------------------------------------------------------------

    def user_obj(self, info: UserInfo) -> dict[str, Any]:
        out: dict[str, Any] = {"id": info.id}
        if self.flavor == "telegram":
            out["is_bot"] = False
        out["first_name"] = info.first_name
        if info.last_name:
            out["last_name"] = info.last_name
        if info.username:
            out["username"] = info.username
        if info.language_code:
            out["language_code"] = info.language_code
        return out

    def bot_user_obj(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.bot_id}
        if self.flavor == "telegram":
            out["is_bot"] = True
        out["first_name"] = self.bot_first_name
        out["username"] = self.bot_username
        return out

    def chat_obj(self, chat: Chat) -> dict[str, Any]:
        out: dict[str, Any] = {"id": chat.id, "type": chat.type}
        if chat.type == "private":
            if chat.first_name:
                out["first_name"] = chat.first_name
            if chat.last_name:
                out["last_name"] = chat.last_name
        else:
            out["title"] = chat.title or ""
            if chat.is_forum:
                out["is_forum"] = True
        if chat.username:
            out["username"] = chat.username
        return out

    def _user_info(self, user_id: int) -> UserInfo:
        info = self._users.get(user_id)
        if info is None:
            info = UserInfo(user_id, f"کاربر {user_id}")
            self._users[user_id] = info
        return info

    # ==================================================================================
    # files

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        self._file_counter += 1
        n = self._file_counter
        ext = (
            Path(file_name).suffix
            if file_name
            else {"photo": ".jpg", "voice": ".ogg", "sticker": ".webp"}.get(kind, "")
        )
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        sf = StoredFile(
            file_id=f"{kind[:2].upper()}{n:06d}-{secrets.token_hex(8)}",
            file_unique_id=f"U{n:06d}{secrets.token_hex(3)}",
            data=data,
            file_path=f"{kind}s/file_{n}{ext}",
            kind=kind,
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[sf.file_id] = sf
        self._files_by_path[sf.file_path] = sf
        return sf

    def file_bytes(self, file_id: str) -> bytes:
        sf = self._files.get(file_id)
        if sf is None:
            raise KeyError(f"unknown file_id {file_id!r}")
        return sf.data

    def media_obj(self, sf: StoredFile) -> Any:
        base: dict[str, Any] = {
            "file_id": sf.file_id,
            "file_unique_id": sf.file_unique_id,
            "file_size": sf.size,
        }
        if sf.kind == "photo":
            return [{**base, "width": 512, "height": 512}]
        if sf.kind == "document":
            if sf.file_name:
                base["file_name"] = sf.file_name
            if sf.mime_type:
                base["mime_type"] = sf.mime_type
            return base
        if sf.kind in ("video", "animation"):
            return {**base, "width": 640, "height": 360, "duration": 3}
        if sf.kind == "audio":
            return {**base, "duration": 3, **({"file_name": sf.file_name} if sf.file_name else {})}
        if sf.kind == "voice":
            return {**base, "duration": 2, "mime_type": sf.mime_type or "audio/ogg"}
        if sf.kind == "video_note":
            return {**base, "length": 240, "duration": 2}
        if sf.kind == "sticker":
            return {
                **base,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        return base

    # ==================================================================================
    # messages

    def add_message(
        self,
        chat: Chat,
        *,
        from_bot: bool,
        content: dict[str, Any],
        sender: UserInfo | None = None,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
        reply_markup: dict[str, Any] | None = None,
    ) -> StoredMessage:
        msg: dict[str, Any] = {"message_id": chat.next_message_id()}
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
        msg["from"] = self.bot_user_obj() if from_bot else self.user_obj(sender or self._user_info(chat.id))
        msg["chat"] = self.chat_obj(chat)
        msg["date"] = int(time.time())
        if reply_to is not None:
            snap = {k: v for k, v in reply_to.data.items() if k != "reply_to_message"}
            msg["reply_to_message"] = copy.deepcopy(snap)
        msg.update(content)
        if reply_markup is not None and "inline_keyboard" in reply_markup:
            msg["reply_markup"] = reply_markup
        sm = StoredMessage(msg, from_bot=from_bot)
        chat.messages[sm.message_id] = sm
        chat.all_message_ids.append(sm.message_id)
        if from_bot:
            if reply_markup is not None:
                if "keyboard" in reply_markup:
                    chat.reply_keyboard = reply_markup
                    chat.reply_keyboard_message_id = sm.message_id
                elif "remove_keyboard" in reply_markup:
                    chat.reply_keyboard = None
                    chat.reply_keyboard_message_id = None
            chat.bot_message_ids.append(sm.message_id)
            chat.signal.fire()
        return sm

    def transcript(self, chat: Chat, last: int = 30) -> str:
        lines = []
        for mid in chat.all_message_ids[-last:]:
            sm = chat.messages[mid]
            who = "bot" if sm.from_bot else f"user {sm.data.get('from', {}).get('id')}"
            lines.append(f"  #{mid} {who}: {describe_message(sm)}")
        return "\n".join(lines) if lines else "  (no messages)"

    # ==================================================================================
    # updates

    def enqueue(self, kind: str, obj: dict[str, Any], chat_key: int | None) -> dict[str, Any] | None:
        """Queue an update of ``kind``; returns it (None if allowed_updates filtered it out)."""
        if self.flavor == "bale" and kind not in BALE_UPDATE_TYPES:
            return None
        payload: dict[str, Any] = {"update_id": self._next_update_id, kind: copy.deepcopy(obj)}
        if kind not in self._allowed:
            self.dropped_updates.append(payload)
            return None
        self._next_update_id += 1
        self.updates.append(payload)
        cap = self.max_recorded_requests
        if cap is not None and len(self.updates) > 2 * cap:
            del self.updates[: len(self.updates) - cap]
        entry = UpdateEntry(payload["update_id"], kind, payload, chat_key)
        if self._dup_next > 0:
            self._dup_next -= 1
            if self._dup_same_id:
                entry.wanted = 2
                self._queue.append(entry)
            else:
                self._queue.append(entry)
                dup: dict[str, Any] = {"update_id": self._next_update_id, kind: copy.deepcopy(obj)}
                self._next_update_id += 1
                self.updates.append(dup)
                self._queue.append(UpdateEntry(dup["update_id"], kind, dup, chat_key))
        else:
            self._queue.append(entry)
        self._touch()
        self._updates_signal.fire()
        self._webhook_wakeup.fire()
        return payload

    def duplicate_next_update(self, same_update_id: bool = True) -> None:
        """Deliver the next update twice (by default with the same update_id, as on a redelivery)."""
        self._dup_next += 1
        self._dup_same_id = same_update_id

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            keep = -offset
            if len(self._queue) > keep:
                self._queue = self._queue[-keep:]
            return
        kept = []
        for e in self._queue:
            if e.update_id < offset and (e.served == 0 or e.served >= e.wanted):
                continue
            kept.append(e)
        if len(kept) != len(self._queue):
            self._queue = kept
            self._touch()

    # ==================================================================================
    # settle / waiting

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._activity.fire()

    def _idle(self) -> bool:
        return not self._queue and self._in_flight == 0 and self._webhook_in_flight == 0

    async def settle(self, quiet: float = 0.05, timeout: float = 10) -> None:
        """Wait until every queued update was taken by the bot and it made no request
        (other than an idle getUpdates) for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now_mono = time.monotonic()
            if self._idle():
                elapsed = now_mono - self._last_activity
                if elapsed >= quiet:
                    return
                wait = quiet - elapsed
            else:
                wait = deadline - loop.time()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"messenger did not settle within {timeout}s: {len(self._queue)} update(s) not "
                    f"taken by the bot (first: {self._queue[0].payload if self._queue else None}), "
                    f"{self._in_flight} request(s) in flight, webhook deliveries in flight: "
                    f"{self._webhook_in_flight}, webhook={self._webhook_url or 'none'}"
                )
            await self._activity.wait(min(wait, remaining))

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float = 5
    ) -> RecordedRequest:
        """The first recorded request (past or future, possibly still running) matching ``predicate``."""
        found: list[RecordedRequest] = []

        def check() -> bool:
            for r in self.requests:
                if predicate(r):
                    found.append(r)
                    return True
            return False

        if not await self._activity.wait_for(check, timeout):
            raise TimeoutError("no matching bot request within timeout")
        return found[0]

    # ==================================================================================
    # faults and limits

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 2,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``times`` requests of ``method`` ("*" = any but getUpdates) fail with ``status``."""
        self._faults.append(
            Fault(method, "fail", times, status=status, retry_after=retry_after, description=description)
        )

    def delay_next(self, method: str, seconds: float = 3, times: int = 1) -> None:
        """The next ``times`` requests of ``method`` are answered ``seconds`` late."""
        self._faults.append(Fault(method, "delay", times, seconds=seconds))

    def set_rate_limit(
        self,
        global_per_sec: int | None = 30,
        per_chat_per_sec: int | None = 1,
        per_group_per_min: int | None = None,
    ) -> None:
        """Enforce send rate limits (None disables one); excess sends get 429 + retry_after."""
        self._rate_global = global_per_sec
        self._rate_chat = per_chat_per_sec
        self._rate_group_min = per_group_per_min
        self._rate_global_log.clear()
        self._rate_chat_log.clear()
        self._rate_group_log.clear()

    def _take_fault(self, method: str) -> Fault | None:
        for f in self._faults:
            if f.method == method or (f.method == "*" and method != "getUpdates"):
                f.times -= 1
                if f.times <= 0:
                    self._faults.remove(f)
                return f
        return None

    def _rate_check(self, method: str, chat: Chat) -> None:
        if method not in SEND_METHODS:
            return
        now = time.monotonic()
        waits: list[float] = []
        checks: list[tuple[deque[float], int, float]] = []
        if self._rate_global:
            checks.append((self._rate_global_log, self._rate_global, 1.0))
        if self._rate_chat:
            checks.append((self._rate_chat_log.setdefault(chat.id, deque()), self._rate_chat, 1.0))
        if self._rate_group_min and chat.type != "private":
            checks.append((self._rate_group_log.setdefault(chat.id, deque()), self._rate_group_min, 60.0))
        for log_, limit, window in checks:
            while log_ and now - log_[0] >= window:
                log_.popleft()
            if len(log_) >= limit:
                waits.append(log_[0] + window - now)
        if waits:
            self.rate_limited_count += 1
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for log_, _, _ in checks:
            log_.append(now)

    # ==================================================================================
    # HTTP layer

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                name = part.name or ""
                if part.filename is not None:
                    data = await part.read()
                    files[name] = UploadedFile(bytes(data), part.filename, part.headers.get("Content-Type"))
                else:
                    params[name] = await part.text()
        elif ctype == "application/x-www-form-urlencoded":
            post = await request.post()
            for k, v in post.items():
                params[k] = v if isinstance(v, str) else str(v)
        else:
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    raise ApiError(400, "Bad Request: can't parse JSON body") from exc
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON body must be an object")
                params.update(body)
        return params, files

    async def _http_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except ApiError as err:
            rec = RecordedRequest(method=method, params={}, status=err.code, description=err.description)
            self._record(rec)
            self._violate(f"{method}: {err.description}")
            return web.json_response(err.payload(), status=err.code)
        if token != self.token:
            rec = RecordedRequest(method=method, params=params, status=401, description="Unauthorized")
            self._record(rec)
            self._violate(f"{method}: request with a wrong bot token")
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        status, body = await self.call(method, params, files)
        return web.json_response(body, status=status, dumps=_dumps)

    async def _http_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        sf = self._files_by_path.get(request.match_info["path"])
        if sf is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=sf.data, content_type=sf.mime_type or "application/octet-stream")

    # ==================================================================================
    # request pipeline

    def _canonical(self, method: str) -> str | None:
        if method in self._handlers:
            return method
        name = self._handler_by_lower.get(method.lower())
        if name is not None:
            return name
        return self._validator.canonical_method(method)

    async def call(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile] | None = None,
        via: str = "http",
    ) -> tuple[int, dict[str, Any]]:
        """Run one Bot API call as if the bot made it; returns (HTTP status, JSON body)."""
        files = files or {}
        canonical = self._canonical(method) or method
        rec = RecordedRequest(method=canonical, params=dict(params), via=via)
        self._record(rec)
        polling = canonical == "getUpdates"
        if not polling:
            self._in_flight += 1
            self._touch()
        else:
            self._activity.fire()
        status = 500
        body: dict[str, Any] = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        try:
            try:
                result = await self._execute(canonical, rec, params, files)
                status, body = 200, {"ok": True, "result": result}
                # a snapshot: edits replace top-level keys of stored messages, never mutate them
                rec.result = dict(result) if isinstance(result, dict) else result
            except ApiError as err:
                if err.violation:
                    self._violate(f"{canonical}: {err.violation}")
                if err.warning:
                    self._warn(f"{canonical}: {err.warning}")
                status, body = err.code, err.payload()
                rec.description = err.description
            except Exception as exc:
                log.exception("local messenger failed on %s", canonical)
                self._violate(
                    f"{canonical}: internal error in the local messenger: {type(exc).__name__}: {exc}"
                )
                rec.description = body["description"]
        finally:
            rec.status = status
            rec.duration = time.monotonic() - rec.time
            if not polling:
                self._in_flight -= 1
            if not polling or (rec.result or rec.status != 200):
                self._touch()
            else:
                self._activity.fire()
        return status, body

    async def _execute(
        self, method: str, rec: RecordedRequest, raw: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        known_to_spec = method in self.spec.methods
        handler = self._handlers.get(method)
        if self.flavor == "bale" and bale_lacks_method(method):
            raise ApiError(404, "Not Found", violation=f"method {method} does not exist on Bale")
        if self.flavor == "telegram" and method in BALE_ONLY_METHODS:
            raise ApiError(404, "Not Found", violation=f"method {method} exists only on Bale")
        if handler is None and not known_to_spec:
            raise ApiError(404, "Not Found", violation=f"unknown method {method!r}")

        params = self._attach_files(raw, files)
        problems: list[Problem] = []
        if known_to_spec:
            params, problems = self._validator.check_call(method, params)
        problems.extend(self._semantic_problems(method, params, problems))
        rec.params = params
        self._judge(method, problems)

        fault = self._take_fault(method)
        if fault is not None:
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            else:
                raise _fault_error(fault)

        if handler is None:
            returns = self.spec.returns.get(method, ())
            if returns == ("Boolean",):
                return True
            raise ApiError(
                501,
                f"Not Implemented: {method} is not served by the local messenger",
                violation=f"{method} is in the Bot API but not implemented by LocalMessenger",
            )
        return await handler(params)

    def _judge(self, method: str, problems: list[Problem]) -> None:
        if not problems:
            return
        rejecting: Problem | None = None
        for p in problems:
            if p.warning_only:
                self._warn(f"{method}: {p.message}")
            elif self.strict:
                self.violations.append(f"{method}: {p.message}")
                log.error("messenger violation: %s: %s", method, p.message)
                rejecting = rejecting or p
            else:
                self._warn(f"{method}: {p.message}")
                if p.fatal:
                    rejecting = rejecting or p
        if rejecting is not None:
            raise ApiError(400, f"Bad Request: {rejecting.message}")

    def _attach_files(self, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        if not files:
            return dict(raw)
        params = dict(raw)
        used: set[str] = set()
        for k, v in raw.items():
            if isinstance(v, str) and v.startswith("attach://"):
                ref = v[len("attach://") :]
                if ref in files:
                    params[k] = files[ref]
                    used.add(ref)
        for name, f in files.items():
            if name not in used and name not in params:
                params[name] = f
        return params

    # -- semantic checks (beyond the spec's types) ---------------------------------------

    def _semantic_problems(
        self, method: str, p: dict[str, Any], spec_problems: list[Problem]
    ) -> list[Problem]:
        out: list[Problem] = []
        bale = self.flavor == "bale"
        if bale:
            for name in p:
                if name in BALE_REJECTED_PARAMS:
                    out.append(
                        Problem(
                            "bale_param",
                            f"parameter {name!r} is Telegram-only (Bale has no such parameter)",
                            fatal=False,
                        )
                    )
            for sp in spec_problems:
                if sp.kind == "aiogram_only" and any(f"{x!r}" in sp.message for x in BALE_EXTRA_PARAMS):
                    spec_problems.remove(sp)
                    break
            if "parse_mode" in p or "entities" in p or "caption_entities" in p:
                out.append(
                    Problem(
                        "bale_format",
                        "parse_mode/entities are unreliable on Bale: prefer plain text",
                        fatal=False,
                        warning_only=True,
                    )
                )

        # text
        if method in ("sendMessage", "editMessageText"):
            text = p.get("text")
            for sp in list(spec_problems):
                if sp.kind == "missing" and "'text'" in sp.message:
                    spec_problems.remove(sp)
            if not isinstance(text, str) or not text.strip():
                out.append(Problem("empty_text", "message text is empty"))
            else:
                out.extend(
                    self._format_problems(text, p, "entities", TEXT_MAX, "message is too long", "text")
                )
        if "caption" in p and isinstance(p["caption"], str):
            out.extend(
                self._format_problems(
                    p["caption"], p, "caption_entities", CAPTION_MAX, "message caption is too long", "caption"
                )
            )
        pm = p.get("parse_mode")
        if pm is not None and (
            not isinstance(pm, str) or pm.lower() not in ("html", "markdown", "markdownv2")
        ):
            out.append(Problem("parse_mode", f"unsupported parse_mode {pm!r}"))

        # reply markup
        if "reply_markup" in p:
            markup = _decode(p["reply_markup"])
            if isinstance(markup, dict):
                for msg in check_reply_markup(markup):
                    out.append(Problem("reply_markup", f"reply_markup: {msg}"))

        if method == "answerCallbackQuery":
            text = p.get("text")
            if isinstance(text, str) and len(text) > CALLBACK_ANSWER_TEXT_MAX:
                out.append(
                    Problem(
                        "answer_text",
                        f"MESSAGE_TOO_LONG: callback answer text is {len(text)} characters "
                        f"(max {CALLBACK_ANSWER_TEXT_MAX})",
                    )
                )
        elif method == "answerPreCheckoutQuery":
            if "ok" in p and not _as_bool(p["ok"]) and not p.get("error_message"):
                out.append(Problem("missing", "error_message is required when ok is False"))
        elif method in ("sendInvoice", "createInvoiceLink"):
            out.extend(self._invoice_problems(p))
        elif method == "setMyCommands":
            cmds = _decode(p.get("commands"))
            if isinstance(cmds, list):
                if len(cmds) > 100:
                    out.append(Problem("commands", "at most 100 commands"))
                for i, c in enumerate(cmds):
                    if not isinstance(c, dict):
                        continue
                    cmd_name = c.get("command")
                    if not isinstance(cmd_name, str) or not _BOT_COMMAND_NAME_RE.match(cmd_name):
                        out.append(
                            Problem(
                                "commands",
                                f"BOT_COMMAND_INVALID: commands[{i}].command {cmd_name!r} "
                                "must be 1-32 of a-z, 0-9, _",
                            )
                        )
                    desc = c.get("description")
                    if not isinstance(desc, str) or not (1 <= len(desc) <= 256):
                        out.append(
                            Problem(
                                "commands",
                                f"BOT_COMMAND_DESCRIPTION_INVALID: commands[{i}].description "
                                "must be 1-256 characters",
                            )
                        )
        elif method == "sendChatAction":
            action = p.get("action")
            if isinstance(action, str) and action not in CHAT_ACTIONS:
                out.append(Problem("action", f"wrong parameter action {action!r} in request"))
        elif method == "setWebhook":
            tok = p.get("secret_token")
            if isinstance(tok, str) and not _SECRET_TOKEN_RE.match(tok):
                out.append(
                    Problem(
                        "secret_token",
                        "secret token contains unallowed characters (allowed: A-Z a-z 0-9 _ -, 1-256)",
                    )
                )
        elif method == "createForumTopic":
            topic_name = p.get("name")
            if isinstance(topic_name, str) and not (1 <= len(topic_name) <= 128):
                out.append(Problem("name", "topic name must be 1-128 characters"))
        return out

    def _format_problems(
        self, text: str, p: dict[str, Any], entities_key: str, limit: int, too_long: str, what: str
    ) -> list[Problem]:
        out: list[Problem] = []
        pm = p.get("parse_mode")
        plain = text
        if pm and entities_key not in p and isinstance(pm, str):
            try:
                plain, _ = parse_formatted(text, pm)
            except EntityParseError as exc:
                out.append(Problem("entities", f"can't parse entities in {what}: {exc}"))
                return out
        size = utf16_len(plain)
        if size > limit:
            out.append(Problem("too_long", f"{too_long}: {what} is {size} characters (max {limit})"))
        return out

    def _invoice_problems(self, p: dict[str, Any]) -> list[Problem]:
        out: list[Problem] = []

        def length(name: str, lo: int, hi: int, in_bytes: bool = False) -> None:
            v = p.get(name)
            if isinstance(v, str):
                n = len(v.encode("utf-8")) if in_bytes else len(v)
                if not lo <= n <= hi:
                    unit = "bytes" if in_bytes else "characters"
                    out.append(Problem("invoice", f"invoice {name} must be {lo}-{hi} {unit}, got {n}"))

        length("title", 1, 32)
        length("description", 1, 255)
        length("payload", 1, 128, in_bytes=True)
        currency = p.get("currency")
        prices = _decode(p.get("prices"))
        token = p.get("provider_token") or ""
        if isinstance(prices, list):
            if not prices:
                out.append(Problem("invoice", "prices must not be empty"))
            total = 0
            for i, pr in enumerate(prices):
                amount = pr.get("amount") if isinstance(pr, dict) else None
                if not isinstance(amount, int) or isinstance(amount, bool):
                    continue
                total += amount
                if amount <= 0 and i == 0:
                    out.append(Problem("invoice", f"prices[{i}].amount must be positive"))
            if prices and total <= 0:
                out.append(Problem("invoice", "CURRENCY_TOTAL_AMOUNT_INVALID: total amount must be positive"))
        if self.flavor == "bale":
            if currency != BALE_CURRENCY:
                out.append(
                    Problem(
                        "invoice", f"Bale invoices are in {BALE_CURRENCY} (rials), got currency {currency!r}"
                    )
                )
            if not token:
                out.append(Problem("invoice", "Bale invoices need provider_token = the bot's wallet token"))
        else:
            if currency == "XTR":
                if token:
                    out.append(
                        Problem("invoice", "payments in Telegram Stars (XTR) take an empty provider_token")
                    )
                if isinstance(prices, list) and len(prices) != 1:
                    out.append(Problem("invoice", "payments in Telegram Stars (XTR) take exactly one price"))
            elif currency is not None and not token:
                out.append(
                    Problem(
                        "invoice",
                        "PAYMENT_PROVIDER_INVALID: provider_token is required for non-XTR currencies",
                    )
                )
        return out

    # ==================================================================================
    # param helpers

    def _chat(self, p: dict[str, Any], name: str = "chat_id") -> Chat:
        raw = p.get(name)
        if raw is None:
            raise ApiError(400, f"Bad Request: {name} is empty")
        cid = _int_or_none(raw)
        chat: Chat | None = None
        if cid is not None:
            chat = self._chats.get(cid)
        elif isinstance(raw, str) and raw.startswith("@"):
            uname = raw[1:].lower()
            chat = next((c for c in self._chats.values() if (c.username or "").lower() == uname), None)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found", warning=f"{name}={raw!r}: chat not found")
        return chat

    @staticmethod
    def _int(p: dict[str, Any], name: str) -> int | None:
        v = p.get(name)
        if v is None:
            return None
        out = _int_or_none(v)
        if out is None:
            raise ApiError(400, f"Bad Request: {name} must be an Integer")
        return out

    def _message(self, chat: Chat, message_id: int | None, not_found: str) -> StoredMessage:
        sm = chat.messages.get(message_id) if message_id is not None else None
        if sm is None or sm.deleted:
            raise ApiError(
                400,
                f"Bad Request: {not_found}",
                warning=f"{not_found} (chat {chat.id}, message {message_id})",
            )
        return sm

    def _check_can_send(self, method: str, chat: Chat) -> None:
        self._rate_check(method, chat)
        if chat.type == "private":
            info = self._users.get(chat.id)
            if info is not None and info.blocked and method.startswith(_BLOCKABLE_PREFIXES):
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        else:
            status = chat.members.get(self.bot_id, "administrator")
            if status in ("left", "kicked"):
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")

    def _reply_target(self, chat: Chat, p: dict[str, Any]) -> StoredMessage | None:
        rp = _decode(p.get("reply_parameters"))
        mid: int | None = None
        allow_missing = _as_bool(p.get("allow_sending_without_reply", False))
        if isinstance(rp, dict):
            mid = _int_or_none(rp.get("message_id"))
            allow_missing = allow_missing or bool(rp.get("allow_sending_without_reply"))
            if rp.get("chat_id") is not None and _int_or_none(rp.get("chat_id")) not in (None, chat.id):
                other = self._chats.get(_int_or_none(rp.get("chat_id")) or 0)
                if other is not None:
                    chat = other
        elif p.get("reply_to_message_id") is not None:
            mid = _int_or_none(p.get("reply_to_message_id"))
        if mid is None:
            return None
        sm = chat.messages.get(mid)
        if sm is None or sm.deleted:
            if allow_missing:
                return None
            raise ApiError(
                400, "Bad Request: message to be replied not found", warning=f"reply to missing message {mid}"
            )
        return sm

    def _thread(self, chat: Chat, p: dict[str, Any]) -> int | None:
        tid = self._int(p, "message_thread_id")
        if tid is None:
            return None
        if not chat.is_forum:
            if chat.type == "private":
                return None
            raise ApiError(
                400,
                "Bad Request: message thread not found",
                warning=f"message_thread_id in a non-forum chat {chat.id}",
            )
        if tid not in chat.topics:
            raise ApiError(
                400, "Bad Request: message thread not found", warning=f"unknown topic {tid} in chat {chat.id}"
            )
        return tid

    def _markup(self, p: dict[str, Any]) -> dict[str, Any] | None:
        m = _decode(p.get("reply_markup"))
        return m if isinstance(m, dict) else None

    def _formatted(
        self, p: dict[str, Any], text_key: str, entities_key: str
    ) -> tuple[str, list[dict[str, Any]]]:
        text = p.get(text_key)
        if not isinstance(text, str):
            return "", []
        ents = _decode(p.get(entities_key))
        if isinstance(ents, list):
            return text, ents
        try:
            return parse_formatted(text, p.get("parse_mode"))
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc

    def _file_param(self, p: dict[str, Any], name: str, kind: str) -> StoredFile:
        v = p.get(name)
        if isinstance(v, UploadedFile):
            return self.store_file(v.data, kind, file_name=v.filename, mime_type=_content_type(v))
        if isinstance(v, str):
            if v.startswith("attach://"):
                raise ApiError(
                    400,
                    f"Bad Request: file {v!r} was not attached",
                    violation=f"{name}={v!r} refers to a missing multipart part",
                )
            if v.startswith(("http://", "https://")):
                self._warn(f"{name}: URL {v} not fetched by the local messenger (stored empty)")
                return self.store_file(b"", kind, file_name=Path(v).name or None)
            sf = self._files.get(v)
            if sf is None:
                raise ApiError(
                    400,
                    "Bad Request: wrong file identifier/HTTP URL specified",
                    warning=f"{name}: unknown file_id {v!r}",
                )
            if sf.kind != kind and not (kind == "document"):
                raise ApiError(
                    400,
                    f"Bad Request: can't use file of type {sf.kind} as {kind}",
                    warning=f"{name}: file {v!r} is a {sf.kind}",
                )
            return sf
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _send(
        self,
        method: str,
        p: dict[str, Any],
        content: dict[str, Any],
        chat: Chat | None = None,
    ) -> StoredMessage:
        chat = chat or self._chat(p)
        thread_id = self._thread(chat, p)
        reply_to = self._reply_target(chat, p)
        self._check_can_send(method, chat)
        return self.add_message(
            chat,
            from_bot=True,
            content=content,
            reply_to=reply_to,
            thread_id=thread_id,
            reply_markup=self._markup(p),
        )

    # ==================================================================================
    # method handlers (the name after _api_ is the Bot API method)

    async def _api_getMe(self, p: dict[str, Any]) -> Any:
        me = self.bot_user_obj()
        if self.flavor == "telegram":
            me.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return me

    async def _api_logOut(self, p: dict[str, Any]) -> Any:
        return True

    async def _api_close(self, p: dict[str, Any]) -> Any:
        return True

    async def _api_getUpdates(self, p: dict[str, Any]) -> Any:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = self._int(p, "offset")
        limit = self._int(p, "limit") or 100
        limit = max(1, min(100, limit))
        timeout = self._int(p, "timeout") or 0
        allowed = _decode(p.get("allowed_updates"))
        if isinstance(allowed, list):
            self._set_allowed(allowed)
        self._poll_gen += 1
        gen = self._poll_gen
        self._updates_signal.fire()  # a waiting earlier poll ends with 409
        self._confirm(offset)
        if not self._queue and timeout > 0 and not self._closing:
            await self._updates_signal.wait_for(
                lambda: (
                    bool(self._queue) or gen != self._poll_gen or self._closing or bool(self._webhook_url)
                ),
                timeout,
            )
            if gen != self._poll_gen:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._webhook_url:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        batch = self._queue[:limit]
        for e in batch:
            e.served += 1
        return [e.payload for e in batch]

    def _set_allowed(self, allowed: list[Any]) -> None:
        base = BALE_UPDATE_TYPES if self.flavor == "bale" else TELEGRAM_DEFAULT_UPDATE_TYPES
        if allowed:
            self._allowed = frozenset(str(a) for a in allowed)
        else:
            self._allowed = base

    async def _api_setWebhook(self, p: dict[str, Any]) -> Any:
        url = p.get("url") or ""
        if not isinstance(url, str):
            raise ApiError(400, "Bad Request: bad webhook url")
        if url and not url.startswith(("http://", "https://")):
            raise ApiError(
                400,
                "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
                violation=f"bad webhook url {url!r}",
            )
        if _as_bool(p.get("drop_pending_updates", False)):
            self._queue.clear()
        allowed = _decode(p.get("allowed_updates"))
        if isinstance(allowed, list):
            self._set_allowed(allowed)
        self._webhook_secret = p.get("secret_token") if self.flavor == "telegram" else None
        mc = self._int(p, "max_connections")
        self._webhook_max_conn = max(1, min(100, mc or 40))
        self._webhook_url = url
        self._webhook_last_error = None
        self._poll_gen += 1
        self._updates_signal.fire()
        if url:
            self._ensure_webhook_loop()
        self._webhook_wakeup.fire()
        return True

    async def _api_deleteWebhook(self, p: dict[str, Any]) -> Any:
        self._webhook_url = ""
        self._webhook_secret = None
        if _as_bool(p.get("drop_pending_updates", False)):
            self._queue.clear()
            self._touch()
        self._webhook_wakeup.fire()
        return True

    async def _api_getWebhookInfo(self, p: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._webhook_url:
            info["max_connections"] = self._webhook_max_conn
            info["allowed_updates"] = sorted(self._allowed)
        if self._webhook_last_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _api_sendMessage(self, p: dict[str, Any]) -> Any:
        text, ents = self._formatted(p, "text", "entities")
        content: dict[str, Any] = {"text": text}
        if ents:
            content["entities"] = ents
        return self._send("sendMessage", p, content).data

    async def _media(self, method: str, p: dict[str, Any]) -> Any:
        kind = MEDIA_METHODS[method]
        chat = self._chat(p)
        sf = self._file_param(p, kind, kind)
        content: dict[str, Any] = {kind: self.media_obj(sf)}
        if isinstance(p.get("caption"), str):
            cap, ents = self._formatted(p, "caption", "caption_entities")
            content["caption"] = cap
            if ents:
                content["caption_entities"] = ents
        return self._send(method, p, content, chat=chat).data

    async def _api_sendPhoto(self, p: dict[str, Any]) -> Any:
        return await self._media("sendPhoto", p)

    async def _api_sendDocument(self, p: dict[str, Any]) -> Any:
        return await self._media("sendDocument", p)

    async def _api_sendAudio(self, p: dict[str, Any]) -> Any:
        return await self._media("sendAudio", p)

    async def _api_sendVideo(self, p: dict[str, Any]) -> Any:
        return await self._media("sendVideo", p)

    async def _api_sendAnimation(self, p: dict[str, Any]) -> Any:
        return await self._media("sendAnimation", p)

    async def _api_sendVoice(self, p: dict[str, Any]) -> Any:
        return await self._media("sendVoice", p)

    async def _api_sendVideoNote(self, p: dict[str, Any]) -> Any:
        return await self._media("sendVideoNote", p)

    async def _api_sendSticker(self, p: dict[str, Any]) -> Any:
        return await self._media("sendSticker", p)

    async def _api_sendLocation(self, p: dict[str, Any]) -> Any:
        lat, lon = p.get("latitude"), p.get("longitude")
        try:
            loc = {"latitude": float(lat), "longitude": float(lon)}  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: wrong latitude/longitude") from exc
        return self._send("sendLocation", p, {"location": loc}).data

    async def _api_sendContact(self, p: dict[str, Any]) -> Any:
        contact = {"phone_number": str(p.get("phone_number", "")), "first_name": str(p.get("first_name", ""))}
        if p.get("last_name"):
            contact["last_name"] = str(p["last_name"])
        return self._send("sendContact", p, {"contact": contact}).data

    async def _api_sendChatAction(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        self._check_can_send("sendChatAction", chat)
        chat.actions.append(str(p.get("action")))
        return True

    async def _api_copyMessage(self, p: dict[str, Any]) -> Any:
        src_chat = self._chat(p, "from_chat_id")
        src = self._message(src_chat, self._int(p, "message_id"), "message to copy not found")
        content = _copyable_content(src)
        if content is None:
            raise ApiError(
                400,
                "Bad Request: message can't be copied",
                warning=f"message {src.message_id} can't be copied",
            )
        if "caption" in p and any(
            k in content for k in ("photo", "document", "video", "audio", "animation", "voice")
        ):
            cap, ents = self._formatted(p, "caption", "caption_entities")
            content["caption"] = cap
            content.pop("caption_entities", None)
            if ents:
                content["caption_entities"] = ents
        sm = self._send("copyMessage", p, content)
        return {"message_id": sm.message_id}

    async def _api_forwardMessage(self, p: dict[str, Any]) -> Any:
        src_chat = self._chat(p, "from_chat_id")
        src = self._message(src_chat, self._int(p, "message_id"), "message to forward not found")
        content = _copyable_content(src) or {}
        sender = src.data.get("from")
        if src_chat.type == "private" or not src_chat.type.endswith("channel"):
            content["forward_origin"] = {"type": "user", "date": src.data.get("date"), "sender_user": sender}
        sm = self._send("forwardMessage", p, content)
        return sm.data

    async def _api_editMessageText(self, p: dict[str, Any]) -> Any:
        chat, sm = self._editable(p)
        if "text" not in sm.data:
            raise ApiError(
                400,
                "Bad Request: there is no text in the message to edit",
                warning=f"edit text of a non-text message {sm.message_id}",
            )
        text, ents = self._formatted(p, "text", "entities")
        new = {"text": text, "entities": ents or None}
        return self._apply_edit(chat, sm, new, self._markup(p))

    async def _api_editMessageCaption(self, p: dict[str, Any]) -> Any:
        chat, sm = self._editable(p)
        if not any(k in sm.data for k in ("photo", "document", "video", "audio", "animation", "voice")):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        cap, ents = self._formatted(p, "caption", "caption_entities")
        new = {"caption": cap or None, "caption_entities": ents or None}
        return self._apply_edit(chat, sm, new, self._markup(p))

    async def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        chat, sm = self._editable(p)
        return self._apply_edit(chat, sm, {}, self._markup(p))

    def _editable(self, p: dict[str, Any]) -> tuple[Chat, StoredMessage]:
        if p.get("inline_message_id"):
            raise ApiError(
                400,
                "Bad Request: MESSAGE_ID_INVALID",
                warning="inline messages are not supported by the local messenger",
            )
        chat = self._chat(p)
        sm = self._message(chat, self._int(p, "message_id"), "message to edit not found")
        if not sm.from_bot:
            raise ApiError(
                400,
                "Bad Request: message can't be edited",
                warning=f"edit of a user's message {sm.message_id}",
            )
        if chat.type == "private":
            info = self._users.get(chat.id)
            if info is not None and info.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.flavor == "bale" and sm.data.get("reply_markup"):
            self._warn(
                "editing a message that carries an inline keyboard is unreliable on Bale: "
                "prefer sending a new message"
            )
        return chat, sm

    def _apply_edit(
        self, chat: Chat, sm: StoredMessage, new: dict[str, Any], markup: dict[str, Any] | None
    ) -> Any:
        before = {k: sm.data.get(k) for k in (*new.keys(), "reply_markup")}
        after = dict(new)
        after["reply_markup"] = markup if markup is not None and "inline_keyboard" in markup else None
        if all(before.get(k) == after.get(k) for k in after):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
                warning=f"edit of message {sm.message_id} in chat {chat.id} changed nothing",
            )
        for k, v in after.items():
            if v is None:
                sm.data.pop(k, None)
            else:
                sm.data[k] = v
        sm.data["edit_date"] = int(time.time())
        chat.signal.fire()
        return sm.data

    async def _api_deleteMessage(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        sm = self._message(chat, self._int(p, "message_id"), "message to delete not found")
        sm.deleted = True
        chat.signal.fire()
        return True

    async def _api_deleteMessages(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        ids = _decode(p.get("message_ids"))
        for mid in ids if isinstance(ids, list) else []:
            sm = chat.messages.get(_int_or_none(mid) or 0)
            if sm is not None:
                sm.deleted = True
        chat.signal.fire()
        return True

    async def _api_answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        qid = str(p.get("callback_query_id", ""))
        answer = {
            "text": p.get("text"),
            "show_alert": _as_bool(p.get("show_alert", False)),
            "url": p.get("url"),
            "cache_time": _int_or_none(p.get("cache_time")),
        }
        self._answer_query(qid, "callback_query", answer)
        return True

    async def _api_answerPreCheckoutQuery(self, p: dict[str, Any]) -> Any:
        qid = str(p.get("pre_checkout_query_id", ""))
        answer = {"ok": _as_bool(p.get("ok")), "error_message": p.get("error_message")}
        self._answer_query(qid, "pre_checkout_query", answer)
        return True

    def _answer_query(self, qid: str, kind: str, answer: dict[str, Any]) -> None:
        q = self._queries.get(qid)
        if q is None or q.kind != kind:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
                warning=f"answer to unknown {kind} id {qid!r}",
            )
        if q.answer is not None or q.expired:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
                warning=f"{q.description} answered twice or too late",
            )
        q.answer = answer
        q.answered_at = time.monotonic()
        if q.timer is not None:
            q.timer.cancel()
        if not q.future.done():
            q.future.set_result(answer)

    async def _api_sendInvoice(self, p: dict[str, Any]) -> Any:
        prices = _decode(p.get("prices")) or []
        total = sum(int(x.get("amount", 0)) for x in prices if isinstance(x, dict))
        invoice = {
            "title": str(p.get("title", "")),
            "description": str(p.get("description", "")),
            "start_parameter": str(p.get("start_parameter") or ""),
            "currency": str(p.get("currency", "")),
            "total_amount": total,
        }
        sm = self._send("sendInvoice", p, {"invoice": invoice})
        sm.invoice_payload = str(p.get("payload", ""))
        return sm.data

    async def _api_createInvoiceLink(self, p: dict[str, Any]) -> Any:
        return f"https://t.me/$invoice{secrets.token_hex(6)}"

    async def _api_inquireTransaction(self, p: dict[str, Any]) -> Any:
        tid = str(p.get("transaction_id", ""))
        tx = self._transactions.get(tid)
        if tx is None:
            raise ApiError(
                400, "Bad Request: transaction not found", warning=f"inquireTransaction: unknown {tid!r}"
            )
        return dict(tx)

    def set_transaction_status(self, transaction_id: str, status: str) -> None:
        """Bale: change what inquireTransaction reports (pending/paid/failed/rejected)."""
        self._transactions[transaction_id]["status"] = status

    async def _api_setMyCommands(self, p: dict[str, Any]) -> Any:
        cmds = _decode(p.get("commands")) or []
        key = (_scope_key(_decode(p.get("scope"))), str(p.get("language_code") or ""))
        self._commands[key] = [dict(c) for c in cmds if isinstance(c, dict)]
        return True

    async def _api_getMyCommands(self, p: dict[str, Any]) -> Any:
        key = (_scope_key(_decode(p.get("scope"))), str(p.get("language_code") or ""))
        return self._commands.get(key, [])

    async def _api_deleteMyCommands(self, p: dict[str, Any]) -> Any:
        key = (_scope_key(_decode(p.get("scope"))), str(p.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    async def _bot_text_set(self, field_name: str, p: dict[str, Any]) -> Any:
        self._bot_texts.setdefault(field_name, {})[str(p.get("language_code") or "")] = str(
            p.get(field_name) or ""
        )
        return True

    def _bot_text_get(self, field_name: str, p: dict[str, Any]) -> Any:
        texts = self._bot_texts.get(field_name, {})
        lang = str(p.get("language_code") or "")
        return {field_name: texts.get(lang, texts.get("", ""))}

    async def _api_setMyDescription(self, p: dict[str, Any]) -> Any:
        return await self._bot_text_set("description", p)

    async def _api_getMyDescription(self, p: dict[str, Any]) -> Any:
        return self._bot_text_get("description", p)

    async def _api_setMyShortDescription(self, p: dict[str, Any]) -> Any:
        return await self._bot_text_set("short_description", p)

    async def _api_getMyShortDescription(self, p: dict[str, Any]) -> Any:
        return self._bot_text_get("short_description", p)

    async def _api_setMyName(self, p: dict[str, Any]) -> Any:
        return await self._bot_text_set("name", p)

    async def _api_getMyName(self, p: dict[str, Any]) -> Any:
        return self._bot_text_get("name", p)

    async def _api_getFile(self, p: dict[str, Any]) -> Any:
        fid = str(p.get("file_id", ""))
        sf = self._files.get(fid)
        if sf is None:
            raise ApiError(400, "Bad Request: invalid file_id", warning=f"getFile: unknown file_id {fid!r}")
        return {
            "file_id": sf.file_id,
            "file_unique_id": sf.file_unique_id,
            "file_size": sf.size,
            "file_path": sf.file_path,
        }

    async def _api_getChat(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        out = self.chat_obj(chat)
        if self.flavor == "bale":
            return out  # Bale answers with few fields
        out.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return out

    def _member_obj(self, chat: Chat, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_id:
            user = self.bot_user_obj()
            status = "member" if chat.type == "private" else chat.members.get(self.bot_id, "administrator")
        else:
            user = self.user_obj(self._user_info(user_id))
            if chat.type == "private":
                status = "member" if user_id == chat.id else "left"
            else:
                status = chat.members.get(user_id, "left")
        return member_obj(status, user)

    async def _api_getChatMember(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        uid = self._int(p, "user_id")
        if uid is None:
            raise ApiError(400, "Bad Request: user_id is empty")
        if uid not in self._users and uid != self.bot_id:
            raise ApiError(400, "Bad Request: user not found", warning=f"getChatMember: unknown user {uid}")
        return self._member_obj(chat, uid)

    async def _api_getChatAdministrators(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member_obj(chat, uid)
            for uid, status in chat.members.items()
            if status in ("creator", "administrator")
        ]

    async def _api_getChatMemberCount(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        if chat.type == "private":
            return 2
        return sum(1 for s in chat.members.values() if s not in ("left", "kicked"))

    async def _api_createForumTopic(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        if not chat.is_forum:
            raise ApiError(
                400,
                "Bad Request: the chat is not a forum",
                warning=f"createForumTopic in non-forum chat {chat.id}",
            )
        name = str(p.get("name", ""))
        color = self._int(p, "icon_color") or 7322096
        content = {"forum_topic_created": {"name": name, "icon_color": color}}
        sm = self.add_message(chat, from_bot=True, content=content)
        tid = sm.message_id
        sm.data["message_thread_id"] = tid
        sm.data["is_topic_message"] = True
        topic = {"message_thread_id": tid, "name": name, "icon_color": color}
        if p.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = str(p["icon_custom_emoji_id"])
        chat.topics[tid] = {**topic, "closed": False}
        return topic

    def _topic(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(p)
        tid = self._int(p, "message_thread_id")
        if not chat.is_forum or tid not in chat.topics:
            raise ApiError(
                400, "Bad Request: TOPIC_ID_INVALID", warning=f"unknown topic {tid} in chat {chat.id}"
            )
        return chat.topics[tid]

    async def _api_editForumTopic(self, p: dict[str, Any]) -> Any:
        topic = self._topic(p)
        if p.get("name"):
            topic["name"] = str(p["name"])
        return True

    async def _api_closeForumTopic(self, p: dict[str, Any]) -> Any:
        self._topic(p)["closed"] = True
        return True

    async def _api_reopenForumTopic(self, p: dict[str, Any]) -> Any:
        self._topic(p)["closed"] = False
        return True

    async def _api_deleteForumTopic(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p)
        self._topic(p)
        chat.topics.pop(self._int(p, "message_thread_id") or 0, None)
        return True

    # ==================================================================================
    # queries driven by users (used by actors)

    def new_query(self, kind: str, description: str, timeout: float) -> PendingQuery:
        self._query_counter += 1
        qid = f"{self._query_counter}{secrets.randbelow(10**9):09d}"
        loop = asyncio.get_running_loop()
        q = PendingQuery(qid, kind, time.monotonic(), description, loop.create_future())
        q.timer = loop.call_later(timeout, self._query_expired, q, timeout)
        self._queries[qid] = q
        return q

    def _query_expired(self, q: PendingQuery, timeout: float) -> None:
        if q.answer is None and not q.expired:
            q.expired = True
            self._violate(f"{q.description} not answered within {timeout:g} s")
            if not q.future.done():
                q.future.set_exception(TimeoutError(f"{q.description} not answered within {timeout:g} s"))
                q.future.exception()  # mark retrieved: nobody may be waiting any more

    def next_payment_ids(self) -> tuple[str, str]:
        self._payment_counter += 1
        n = self._payment_counter
        return f"{n:06d}-{secrets.token_hex(6)}", f"prov-{n:06d}-{secrets.token_hex(4)}"

    def record_transaction(self, tid: str, user_id: int, amount: int, status: str = "paid") -> None:
        self._transactions[tid] = {
            "id": tid,
            "status": status,
            "user_id": user_id,
            "amount": amount,
            "created_at": int(time.time()),
        }

    # ==================================================================================
    # webhook delivery

    def _ensure_webhook_loop(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())

    async def _webhook_loop(self) -> None:
        while not self._closing:
            if not self._webhook_url:
                await self._webhook_wakeup.wait(None)
                continue
            started = False
            # a bounded scan keeps a long single-chat backlog from costing O(n) per delivery
            for e in self._queue[:500]:
                if self._webhook_in_flight >= self._webhook_max_conn:
                    break
                if e.in_flight or e.chat_key in self._webhook_busy_chats:
                    continue
                e.in_flight = True
                self._webhook_busy_chats.add(e.chat_key)
                self._webhook_in_flight += 1
                task = asyncio.get_running_loop().create_task(self._deliver(e, self._webhook_url))
                self._webhook_tasks.add(task)
                task.add_done_callback(self._webhook_tasks.discard)
                started = True
            if not started:
                await self._webhook_wakeup.wait(None)

    async def _deliver(self, e: UpdateEntry, url: str) -> None:
        headers = {"Content-Type": "application/json"}
        if self._webhook_secret and self.flavor == "telegram":
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook_secret
        body = _dumps(e.payload).encode("utf-8")
        delivered = False
        try:
            for attempt in range(self.webhook_retries + 1):
                if attempt:
                    await asyncio.sleep(self.webhook_backoff * (2 ** (attempt - 1)))
                if self._client is None or self._closing:
                    return
                try:
                    async with self._client.post(
                        url,
                        data=body,
                        headers=headers,
                        timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                    ) as resp:
                        raw = await resp.read()
                        if 200 <= resp.status < 300:
                            delivered = True
                            try:
                                await self._webhook_reply(resp.headers.get("Content-Type", ""), raw)
                            except Exception as exc:
                                log.exception("webhook reply handling failed")
                                self._violate(
                                    f"webhook reply could not be processed: {type(exc).__name__}: {exc}"
                                )
                            break
                        err = f"Wrong response from the webhook: {resp.status} {resp.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    err = f"Connection error: {type(exc).__name__}: {exc}"
                self._webhook_last_error = (int(time.time()), err)
            if delivered:
                e.served += 1
            else:
                self._warn(
                    f"webhook delivery of update {e.update_id} failed after "
                    f"{self.webhook_retries + 1} attempts: {self._webhook_last_error}"
                )
                e.served = e.wanted
        finally:
            e.in_flight = False
            self._webhook_busy_chats.discard(e.chat_key)
            self._webhook_in_flight -= 1
            if e.served >= e.wanted and e in self._queue:
                self._queue.remove(e)
            self._touch()
            self._webhook_wakeup.fire()

    async def _webhook_reply(self, content_type: str, raw: bytes) -> None:
        """Telegram executes a method returned in the webhook response body."""
        if not raw.strip():
            return
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        ctype = content_type.split(";")[0].strip().lower()
        if ctype == "application/json":
            try:
                body = json.loads(raw)
            except ValueError:
                return
            if isinstance(body, dict):
                params = body
        elif ctype.startswith("multipart/"):
            params, files = await _parse_multipart_bytes(content_type, raw)
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.call(method, params, files, via="webhook-reply")


# ======================================================================================
# helpers


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, UploadedFile):
        return {"filename": obj.filename, "size": len(obj.data)}
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _content_type(f: UploadedFile) -> str | None:
    ct = f.content_type
    if ct and ct != "application/octet-stream":
        return ct
    if f.filename:
        return mimetypes.guess_type(f.filename)[0] or ct
    return ct


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict) or scope.get("type", "default") == "default":
        return "default"
    return json.dumps(scope, sort_keys=True)


def _fault_error(f: Fault) -> ApiError:
    if f.status == 429:
        retry = f.retry_after if f.retry_after is not None else 1
        return ApiError(429, f.description or f"Too Many Requests: retry after {retry}", retry_after=retry)
    defaults = {
        400: "Bad Request: injected fault",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict: injected fault",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
    }
    return ApiError(f.status, f.description or defaults.get(f.status, f"Error {f.status}"))


_COPY_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "audio",
    "video",
    "animation",
    "voice",
    "video_note",
    "sticker",
    "caption",
    "caption_entities",
    "location",
    "contact",
    "venue",
    "poll",
)


def _copyable_content(sm: StoredMessage) -> dict[str, Any] | None:
    content = {k: copy.deepcopy(sm.data[k]) for k in _COPY_KEYS if k in sm.data}
    if not content or any(k in sm.data for k in ("invoice", "successful_payment")):
        return None
    return content


def member_obj(status: str, user: dict[str, Any]) -> dict[str, Any]:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        rights = dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
                "can_pin_messages",
                "can_manage_topics",
            ),
            True,
        )
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            "can_send_welcome_messages": False,  # required by aiogram 3.31 (Bot API 10.3)
            **rights,
        }
    if status == "restricted":
        perms = dict.fromkeys(
            (
                "can_send_messages",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_react_to_messages",
                "can_edit_tag",
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_manage_topics",
            ),
            False,
        )
        return {"status": "restricted", "user": user, "is_member": True, "until_date": 0, **perms}
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    if status == "left":
        return {"status": "left", "user": user}
    return {"status": "member", "user": user}


def describe_message(sm: StoredMessage) -> str:
    d = sm.data
    parts = []
    if "text" in d:
        parts.append(repr(d["text"]))
    for k in ("photo", "document", "sticker", "voice", "video", "audio", "location", "contact"):
        if k in d:
            name = d[k].get("file_name") if isinstance(d[k], dict) else None
            parts.append(f"[{k}{' ' + name if name else ''}]")
    if "caption" in d:
        parts.append(f"caption={d['caption']!r}")
    if "invoice" in d:
        inv = d["invoice"]
        parts.append(f"[invoice {inv.get('title')!r} {inv.get('total_amount')} {inv.get('currency')}]")
    if "successful_payment" in d:
        parts.append("[successful_payment]")
    buttons = [b.get("text") for b in inline_buttons(d.get("reply_markup"))]
    if buttons:
        parts.append(f"buttons={buttons}")
    if sm.deleted:
        parts.append("(deleted)")
    return " ".join(parts) or "(empty)"


async def _parse_multipart_bytes(
    content_type: str, raw: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Parse a multipart body held in memory (a webhook reply)."""
    import email
    import email.policy

    msg = email.message_from_bytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw, policy=email.policy.HTTP
    )
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if not msg.is_multipart():
        return params, files
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = UploadedFile(data, filename, part.get_content_type())
        else:
            params[name] = data.decode(part.get_content_charset() or "utf-8")
    return params, files
