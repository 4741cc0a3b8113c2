# ruff: noqa: ASYNC109 - the public interface takes timeout= like the rest of the test API
"""Test-side actors: a user in a private chat with the bot, and a group chat."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .diagnostics import waiting_tasks
from .markup import inline_buttons
from .server import command_entities, describe_message
from .state import Chat, PendingQuery, StoredMessage, UserInfo

if TYPE_CHECKING:
    from .server import LocalMessenger

# a 1x1 PNG, used when a test sends a photo without data
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)

MessageRef = dict[str, Any] | int | None


class _ChatView:
    """What test code sees of one chat: the bot's messages, buttons, waiting helpers."""

    def __init__(self, messenger: LocalMessenger, chat: Chat) -> None:
        self.m = messenger
        self.chat = chat
        self._cursor = 0

    @property
    def chat_id(self) -> int:
        return self.chat.id

    # -- reading --------------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bot's messages in this chat, in order, current state, with a ``deleted`` flag."""
        return [self.chat.messages[mid].view() for mid in self.chat.bot_message_ids]

    @property
    def all_messages(self) -> list[dict[str, Any]]:
        """Every message in the chat (users' and the bot's), in order."""
        return [self.chat.messages[mid].view() for mid in self.chat.all_message_ids]

    @property
    def last(self) -> dict[str, Any] | None:
        ids = self.chat.bot_message_ids
        return self.chat.messages[ids[-1]].view() if ids else None

    @property
    def last_text(self) -> str:
        last = self.last
        if last is None:
            return ""
        return str(last.get("text") or last.get("caption") or "")

    @property
    def transcript(self) -> str:
        return self.m.transcript(self.chat)

    @property
    def reply_keyboard_buttons(self) -> tuple[int | None, list[dict[str, Any]]]:
        """(the bot message that set it, its buttons) of the reply keyboard shown now."""
        kb = self.chat.reply_keyboard or {}
        buttons = [
            b if isinstance(b, dict) else {"text": str(b)} for row in kb.get("keyboard") or [] for b in row
        ]
        return (self.chat.reply_keyboard_message_id if buttons else None), buttons

    @property
    def reply_keyboard(self) -> list[str]:
        """Texts of the reply keyboard the bot last set in this chat (empty if removed)."""
        kb = self.chat.reply_keyboard or {}
        out = []
        for row in kb.get("keyboard") or []:
            for b in row:
                out.append(str(b.get("text")) if isinstance(b, dict) else str(b))
        return out

    def _stored(self, message: MessageRef) -> StoredMessage:
        if message is None:
            ids = self.chat.bot_message_ids
            if not ids:
                raise AssertionError(f"the bot has sent nothing in chat {self.chat.id}")
            return self.chat.messages[ids[-1]]
        mid = message if isinstance(message, int) else int(message["message_id"])
        sm = self.chat.messages.get(mid)
        if sm is None:
            raise AssertionError(f"no message {mid} in chat {self.chat.id}")
        return sm

    def buttons(self, message: MessageRef = None) -> list[str]:
        """Inline button texts of ``message`` (default: the newest bot message)."""
        return [str(b.get("text")) for b in inline_buttons(self._stored(message).data.get("reply_markup"))]

    def download(self, file_id: str) -> bytes:
        """Bytes of a file known to the messenger (sent by the bot or a user)."""
        return self.m.file_bytes(file_id)

    async def next_message(self, timeout: float = 5) -> dict[str, Any]:
        """The next bot message in this chat not yet returned by next_message."""
        ok = await self.chat.signal.wait_for(lambda: len(self.chat.bot_message_ids) > self._cursor, timeout)
        if not ok:
            raise TimeoutError(
                f"no new bot message in chat {self.chat.id} within {timeout}s; transcript:\n{self.transcript}"
                f"\nwhere the bot's tasks wait:\n{waiting_tasks()}"
            )
        mid = self.chat.bot_message_ids[self._cursor]
        self._cursor += 1
        return self.chat.messages[mid].view()

    def skip_to_end(self) -> None:
        """Mark every bot message so far as seen by next_message."""
        self._cursor = len(self.chat.bot_message_ids)

    async def wait_until(self, predicate: Callable[[Any], bool], timeout: float = 5) -> None:
        """Wait until ``predicate(self)`` holds; re-checked on every bot request."""
        ok = await self.m._activity.wait_for(lambda: bool(predicate(self)), timeout)
        if not ok:
            raise TimeoutError(f"condition not met within {timeout}s; transcript:\n{self.transcript}")

    # -- acting ---------------------------------------------------------------------------

    def _post(
        self,
        sender: UserInfo,
        content: dict[str, Any],
        reply_to: MessageRef = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        if sender.id not in self.chat.members and self.chat.type != "private":
            self.chat.members[sender.id] = "member"
        reply = self._stored(reply_to) if reply_to is not None else None
        if thread_id is not None:
            if not self.chat.is_forum or thread_id not in self.chat.topics:
                raise ValueError(f"no forum topic {thread_id} in chat {self.chat.id}")
        sm = self.m.add_message(
            self.chat, from_bot=False, content=content, sender=sender, reply_to=reply, thread_id=thread_id
        )
        self.m.enqueue("message", sm.data, self.chat.id)
        return sm.view()

    @staticmethod
    def _text_content(text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        ents = command_entities(text)
        if ents:
            content["entities"] = ents
        return content

    def _media_content(
        self, kind: str, data: bytes, filename: str | None, mime_type: str | None, caption: str | None
    ) -> dict[str, Any]:
        sf = self.m.store_file(data, kind, file_name=filename, mime_type=mime_type)
        content: dict[str, Any] = {kind: self.m.media_obj(sf)}
        if caption is not None:
            content["caption"] = caption
            ents = command_entities(caption)
            if ents:
                content["caption_entities"] = ents
        return content

    def _edit(self, sender: UserInfo, message: MessageRef, text: str) -> dict[str, Any]:
        sm = self._stored(message)
        if sm.from_bot or sm.data.get("from", {}).get("id") != sender.id:
            raise AssertionError("a user can only edit their own messages")
        key = "text" if "text" in sm.data else "caption"
        sm.data[key] = text
        ents = command_entities(text)
        ekey = "entities" if key == "text" else "caption_entities"
        if ents:
            sm.data[ekey] = ents
        else:
            sm.data.pop(ekey, None)
        sm.data["edit_date"] = sm.data["date"] + 1
        self.m.enqueue("edited_message", sm.data, self.chat.id)
        return sm.view()

    def _find_button(self, text: str, message: MessageRef) -> tuple[StoredMessage, dict[str, Any]]:
        if message is not None:
            candidates = [self._stored(message)]
        else:
            candidates = [
                self.chat.messages[mid]
                for mid in reversed(self.chat.bot_message_ids)
                if not self.chat.messages[mid].deleted
            ]
        for exact in (True, False):
            for sm in candidates:
                for b in inline_buttons(sm.data.get("reply_markup")):
                    bt = str(b.get("text", ""))
                    if (bt == text) if exact else (text in bt):
                        return sm, b
        visible = {
            sm.message_id: [b.get("text") for b in inline_buttons(sm.data.get("reply_markup"))]
            for sm in candidates
        }
        visible = {k: v for k, v in visible.items() if v}
        raise AssertionError(
            f"no inline button {text!r} in chat {self.chat.id}; visible buttons by message id: {visible}\n"
            f"transcript:\n{self.transcript}"
        )

    async def _callback(
        self, sender: UserInfo, sm: StoredMessage | None, data: str, timeout: float
    ) -> dict[str, Any]:
        q = self.m.new_query(
            "callback_query",
            f"callback_query (data {data!r}, chat {self.chat.id})",
            self.m.callback_timeout,
        )
        cq: dict[str, Any] = {"id": q.id, "from": self.m.user_obj(sender)}
        if sm is not None:
            cq["message"] = sm.data
        cq["chat_instance"] = str(abs(self.chat.id) * 7 + 13)
        cq["data"] = data
        self.m.enqueue("callback_query", cq, self.chat.id)
        return await _wait_answer(q, timeout, self.transcript)

    async def _press(
        self, sender: UserInfo, text: str, message: MessageRef, timeout: float
    ) -> dict[str, Any]:
        sm, button = self._find_button(text, message)
        if "callback_data" not in button:
            raise AssertionError(f"button {button.get('text')!r} is not a callback button: {button}")
        return await self._callback(sender, sm, str(button["callback_data"]), timeout)


async def _wait_answer(q: PendingQuery, timeout: float, transcript: str) -> dict[str, Any]:
    try:
        async with asyncio.timeout(timeout):
            return await asyncio.shield(q.future)
    except TimeoutError:
        raise TimeoutError(
            f"{q.description}: no answer within {timeout}s; transcript:\n{transcript}"
        ) from None


class MessengerUser(_ChatView):
    """A user and their private chat with the bot."""

    def __init__(self, messenger: LocalMessenger, info: UserInfo, chat: Chat) -> None:
        super().__init__(messenger, chat)
        self.info = info

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def user_id(self) -> int:
        return self.info.id

    @property
    def blocked(self) -> bool:
        return self.info.blocked

    def __repr__(self) -> str:
        return f"<MessengerUser {self.info.id} {self.info.first_name!r}>"

    async def send(self, text: str, reply_to: MessageRef = None) -> dict[str, Any]:
        """The user sends ``text`` (bot_command entities added); returns the user's message."""
        return self._post(self.info, self._text_content(text), reply_to)

    async def reply(self, to_message: MessageRef, text: str) -> dict[str, Any]:
        return self._post(self.info, self._text_content(text), to_message)

    async def edit(self, message: MessageRef, text: str) -> dict[str, Any]:
        """Edit one of the user's own messages (an edited_message update)."""
        return self._edit(self.info, message, text)

    async def send_photo(self, caption: str | None = None, data: bytes | None = None) -> dict[str, Any]:
        return self._post(
            self.info, self._media_content("photo", data or TINY_PNG, None, "image/png", caption)
        )

    async def send_document(
        self,
        filename: str = "a.csv",
        data: bytes = b"a,b\n1,2\n",
        mime_type: str | None = "text/csv",
        caption: str | None = None,
    ) -> dict[str, Any]:
        return self._post(self.info, self._media_content("document", data, filename, mime_type, caption))

    async def send_sticker(self) -> dict[str, Any]:
        return self._post(
            self.info, self._media_content("sticker", b"RIFF0000WEBP", None, "image/webp", None)
        )

    async def send_voice(self, data: bytes = b"OggS\x00fake", duration: int = 2) -> dict[str, Any]:
        content = self._media_content("voice", data, None, "audio/ogg", None)
        content["voice"]["duration"] = duration
        return self._post(self.info, content)

    async def send_location(self, latitude: float = 35.7, longitude: float = 51.4) -> dict[str, Any]:
        return self._post(self.info, {"location": {"latitude": latitude, "longitude": longitude}})

    async def share_contact(
        self, phone: str = "+989121234567", own: bool = True, first_name: str | None = None
    ) -> dict[str, Any]:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or self.info.first_name}
        if own:
            contact["user_id"] = self.info.id
            if self.info.last_name:
                contact["last_name"] = self.info.last_name
        return self._post(self.info, {"contact": contact})

    async def press(self, text: str, message: MessageRef = None, timeout: float = 5) -> dict[str, Any]:
        """Press the inline button ``text`` (exact, else substring) on the newest message having it;
        returns the bot's answerCallbackQuery ({"text", "show_alert", ...})."""
        return await self._press(self.info, text, message, timeout)

    async def press_data(self, data: str, message: MessageRef = None, timeout: float = 5) -> dict[str, Any]:
        """Send a callback_query with arbitrary (forged / stale) ``data``."""
        sm = None
        if message is not None or self.chat.bot_message_ids:
            sm = self._stored(message)
        return await self._callback(self.info, sm, data, timeout)

    def _invoice(self, message: MessageRef) -> StoredMessage:
        if message is not None:
            sm = self._stored(message)
            if "invoice" not in sm.data:
                raise AssertionError(f"message {sm.message_id} is not an invoice")
            return sm
        for mid in reversed(self.chat.bot_message_ids):
            sm = self.chat.messages[mid]
            if "invoice" in sm.data and not sm.deleted:
                return sm
        raise AssertionError(f"no invoice in chat {self.chat.id}; transcript:\n{self.transcript}")

    async def pay(self, message: MessageRef = None, timeout: float = 10) -> dict[str, Any]:
        """Pay the newest invoice: pre_checkout_query -> the bot's answer -> successful_payment.

        Returns {"ok", "error_message", "payment_message"}.
        """
        sm = self._invoice(message)
        inv = sm.data["invoice"]
        q = self.m.new_query(
            "pre_checkout_query",
            f"pre_checkout_query (payload {sm.invoice_payload!r}, chat {self.chat.id})",
            self.m.pre_checkout_timeout,
        )
        pcq = {
            "id": q.id,
            "from": self.m.user_obj(self.info),
            "currency": inv["currency"],
            "total_amount": inv["total_amount"],
            "invoice_payload": sm.invoice_payload or "",
        }
        self.m.enqueue("pre_checkout_query", pcq, self.chat.id)
        answer = await _wait_answer(q, timeout, self.transcript)
        if not answer.get("ok"):
            return {"ok": False, "error_message": answer.get("error_message"), "payment_message": None}
        tg_id, provider_id = self.m.next_payment_ids()
        payment: dict[str, Any] = {
            "currency": inv["currency"],
            "total_amount": inv["total_amount"],
            "invoice_payload": sm.invoice_payload or "",
            "telegram_payment_charge_id": tg_id,
        }
        if self.m.flavor == "telegram":
            payment["provider_payment_charge_id"] = provider_id
        else:
            self.m.record_transaction(tg_id, self.info.id, int(inv["total_amount"]))
        msg = self._post(self.info, {"successful_payment": payment})
        return {"ok": True, "error_message": None, "payment_message": msg}

    async def resend_payment(self, result: dict[str, Any]) -> dict[str, Any]:
        """Deliver the same successful_payment again (a duplicate / replay), as a new message."""
        pm = result.get("payment_message") if isinstance(result, dict) else None
        if not pm or "successful_payment" not in pm:
            raise AssertionError("resend_payment needs the result of a successful pay()")
        return self._post(self.info, {"successful_payment": dict(pm["successful_payment"])})

    async def block(self) -> None:
        """Block the bot: sends to this chat answer 403; Telegram also emits my_chat_member."""
        if self.info.blocked:
            return
        self.info.blocked = True
        self._member_update("member", "kicked")

    async def unblock(self) -> None:
        if not self.info.blocked:
            return
        self.info.blocked = False
        self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        if self.m.flavor != "telegram":
            return  # Bale has no my_chat_member update
        import time

        from .server import member_obj

        bot = self.m.bot_user_obj()
        upd = {
            "chat": self.m.chat_obj(self.chat),
            "from": self.m.user_obj(self.info),
            "date": int(time.time()),
            "old_chat_member": member_obj(old, bot),
            "new_chat_member": member_obj(new, bot),
        }
        self.m.enqueue("my_chat_member", upd, self.chat.id)


class MessengerGroup(_ChatView):
    """A group (Telegram: supergroup when the id starts with -100 or it is a forum)."""

    @property
    def title(self) -> str:
        return self.chat.title or ""

    @property
    def members(self) -> dict[int, str]:
        return self.chat.members

    @property
    def topics(self) -> list[dict[str, Any]]:
        """Forum topics the bot created, in order."""
        return [dict(t) for t in self.chat.topics.values()]

    def __repr__(self) -> str:
        return f"<MessengerGroup {self.chat.id} {self.chat.title!r}>"

    @staticmethod
    def _sender(from_user: Any) -> UserInfo:
        if isinstance(from_user, MessengerUser):
            return from_user.info
        if isinstance(from_user, UserInfo):
            return from_user
        raise TypeError("from_user must be a MessengerUser (m.user(...))")

    async def send(
        self,
        from_user: Any,
        text: str,
        reply_to: MessageRef = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        return self._post(self._sender(from_user), self._text_content(text), reply_to, message_thread_id)

    async def reply(self, from_user: Any, to_message: MessageRef, text: str) -> dict[str, Any]:
        return await self.send(from_user, text, reply_to=to_message)

    async def edit(self, from_user: Any, message: MessageRef, text: str) -> dict[str, Any]:
        return self._edit(self._sender(from_user), message, text)

    async def send_photo(
        self,
        from_user: Any,
        caption: str | None = None,
        data: bytes | None = None,
        reply_to: MessageRef = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        content = self._media_content("photo", data or TINY_PNG, None, "image/png", caption)
        return self._post(self._sender(from_user), content, reply_to, message_thread_id)

    async def send_document(
        self,
        from_user: Any,
        filename: str = "a.csv",
        data: bytes = b"a,b\n1,2\n",
        mime_type: str | None = "text/csv",
        caption: str | None = None,
        reply_to: MessageRef = None,
        message_thread_id: int | None = None,
    ) -> dict[str, Any]:
        content = self._media_content("document", data, filename, mime_type, caption)
        return self._post(self._sender(from_user), content, reply_to, message_thread_id)

    async def press(
        self, from_user: Any, text: str, message: MessageRef = None, timeout: float = 5
    ) -> dict[str, Any]:
        return await self._press(self._sender(from_user), text, message, timeout)

    async def press_data(
        self, from_user: Any, data: str, message: MessageRef = None, timeout: float = 5
    ) -> dict[str, Any]:
        sm = self._stored(message) if (message is not None or self.chat.bot_message_ids) else None
        return await self._callback(self._sender(from_user), sm, data, timeout)


__all__ = ["MessengerGroup", "MessengerUser", "describe_message"]
