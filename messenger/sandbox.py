"""The sandbox: the real bot against the local messenger, with a chat in the terminal.

`python -m bot` with no BOT_TOKEN (or `python -m bot sandbox`) starts the local messenger and
the bot (long polling, the embedded SQLite database) in this process. The person types as a
donor; the bot's replies are printed with numbered buttons (inline and reply keyboards alike).

Beside the database (``var/hamdel.db`` → ``var/hamdel-sandbox/``) the sandbox keeps the
messenger's ids (``messenger.json``: a restarted sandbox never reuses an update or message id
the database remembers), the photos and documents the bot sent (``files/``) and the log
(``bot.log``). A fresh database gets the sample campaigns, so that /donate has something to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app import HamdelApp, create_app
from bot.migrate import upgrade_async
from bot.settings import SANDBOX_TOKEN, Settings
from messenger import LocalMessenger, MessengerGroup, MessengerUser
from models.donation import Campaign
from services.campaigns import seed_sample_campaigns

DONOR_ID = 1001
ADMIN_ID = 1002
STAFF_CHAT_ID = -1_001_000_000_777

HELP = """\
Sandbox commands (anything else is sent to the bot as text):
  :N             press button N of the newest message that has buttons (e.g. :2), inline
                 or a reply keyboard (⌨)
  :pay           pay the newest invoice (test money)
  :user          talk as the donor «سارا»          :admin   talk as the administrator
  :staff         write in the working group's chat (as the administrator; :reply TEXT replies to
                 the newest bot message there)
  :photo [CAPTION]   :doc   :contact   :sticker   :location   send those
  :block / :unblock  block or unblock the bot
  :console       a one-time sign-in link to the web console (as the administrator)
  :help          this text                        :quit    leave
"""


@dataclass
class Sandbox:
    """Drives the local messenger as a person would; `handle` takes one typed line."""

    app: HamdelApp
    messenger: LocalMessenger
    donor: MessengerUser
    admin: MessengerUser
    staff: MessengerGroup
    write: Callable[[str], None]
    folder: Path
    persona: str = "user"
    _shown: dict[tuple[int, int], str] = field(default_factory=dict)
    _saved: dict[tuple[int, int, str], Path] = field(default_factory=dict)
    _keyboards: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def files(self) -> Path:
        """Where the photos and documents the bot sends are saved."""
        return self.folder / "files"

    def save_state(self) -> None:
        """Keep the messenger's ids for the next run against this database."""
        state_file(self.folder).write_text(json.dumps(self.messenger.counters()), encoding="utf-8")

    @property
    def chat(self) -> MessengerUser | MessengerGroup:
        if self.persona == "staff":
            return self.staff
        return self.donor if self.persona == "user" else self.admin

    @property
    def speaker(self) -> MessengerUser:
        return self.donor if self.persona == "user" else self.admin

    def prompt(self) -> str:
        return {"user": "سارا> ", "admin": "مدیر> ", "staff": "کارگروه> "}[self.persona]

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to leave."""
        line = line.strip()
        if not line:
            await self.refresh(wait=0)
            return True
        if line.startswith(":"):
            going_on = await self._command(line[1:].strip())
        else:
            await self._send_text(line)
            await self.refresh()
            going_on = True
        self.save_state()
        return going_on

    async def _send_text(self, text: str, reply_to: dict[str, Any] | None = None) -> None:
        if self.persona == "staff":
            await self.staff.send(from_user=self.admin, text=text, reply_to=reply_to)
        else:
            await self.speaker.send(text)

    async def _command(self, command: str) -> bool:
        name, _, rest = command.partition(" ")
        chat = self.chat
        waits_for_bot = True
        try:
            if name.isdigit():
                waits_for_bot = await self._press(int(name))
            elif name in ("user", "admin", "staff"):
                self.persona = name
                waits_for_bot = False
                self.write(f"— now: {self.prompt().rstrip('> ')}")
            elif name == "pay" and isinstance(chat, MessengerUser):
                result = await chat.pay()
                if not result["ok"]:
                    self.write(f"— payment refused: {result['error_message']}")
            elif name == "reply" and self.persona == "staff" and self.staff.last:
                await self._send_text(rest or "…", reply_to=self.staff.last)
            elif name == "photo":
                await self._media(lambda u: u.send_photo(caption=rest or None))
            elif name == "doc":
                await self._media(lambda u: u.send_document(filename="sample.csv", caption=rest or None))
            elif name == "contact" and isinstance(chat, MessengerUser):
                await chat.share_contact()
            elif name == "sticker" and isinstance(chat, MessengerUser):
                await chat.send_sticker()
            elif name == "location" and isinstance(chat, MessengerUser):
                await chat.send_location()
            elif name == "block" and isinstance(chat, MessengerUser):
                await chat.block()
                self.write("— you blocked the bot")
            elif name == "unblock" and isinstance(chat, MessengerUser):
                await chat.unblock()
                self.write("— you unblocked the bot")
            elif name == "console":
                waits_for_bot = False
                self.write(await self._console_link())
            elif name in ("quit", "exit", "q"):
                return False
            else:
                waits_for_bot = False
                self.write(HELP)
        except (AssertionError, TimeoutError) as error:
            self.write(f"— {str(error).splitlines()[0]}")
        await self.refresh(wait=2.0 if waits_for_bot else 0)
        return True

    async def _console_link(self) -> str:
        """A one-time sign-in link to the web console for the sandbox's admin."""
        from handlers.console import issue_url

        async with self.app.sessionmaker() as session:
            url = await issue_url(self.app, session, user_id=ADMIN_ID, name="مدیر")
            await session.commit()
        return f"— open in a browser while the sandbox runs: {url}"

    async def _media(self, send: Callable[[Any], Any]) -> None:
        if self.persona == "staff":
            await self.staff.send_photo(from_user=self.admin)
        else:
            await send(self.speaker)

    async def _press(self, number: int) -> bool:
        """Press button `number` of the newest message with buttons (inline, or a reply
        keyboard: its button's text is sent, or the contact or location it asks for); False
        when there was nothing to press."""
        chat = self.chat
        for message in reversed(chat.messages):
            labels = chat.buttons(message)
            keys = reply_keys(chat, message)
            count = len(labels) or len(keys)
            if not count:
                continue
            if not 1 <= number <= count:
                self.write(f"— no button {number} (1–{count})")
                return False
            if keys and not labels:
                await self._press_key(keys[number - 1])
                return True
            if isinstance(chat, MessengerGroup):
                answer = await chat.press(self.admin, labels[number - 1], message=message)
            else:
                answer = await chat.press(labels[number - 1], message=message)
            if answer.get("text"):
                self.write(f"  ⓘ {answer['text']}")
            return True
        self.write("— there is no button to press")
        return False

    async def _press_key(self, key: dict[str, Any]) -> None:
        chat = self.chat
        if key.get("request_contact") and isinstance(chat, MessengerUser):
            await chat.share_contact()
        elif key.get("request_location") and isinstance(chat, MessengerUser):
            await chat.send_location()
        else:
            await self._send_text(str(key.get("text", "")))

    def _save_media(self, chat: MessengerUser | MessengerGroup, message: dict[str, Any]) -> Path | None:
        """Save a photo or document the bot sent (once) and return where it is."""
        if message.get("photo"):
            sent, name = message["photo"][-1], "photo"
        elif "document" in message:
            sent, name = message["document"], str(message["document"].get("file_name") or "document")
        else:
            return None
        key = (chat.chat_id, int(message["message_id"]), str(sent.get("file_unique_id") or sent["file_id"]))
        if key not in self._saved:
            data = chat.download(sent["file_id"])
            if "." not in name:
                name += _extension(data)
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / f"{chat.chat_id}-{message['message_id']}-{_safe_name(name)}"
            path.write_bytes(data)
            self._saved[key] = path
        return self._saved[key]

    def _chats(self) -> tuple[tuple[str, MessengerUser | MessengerGroup], ...]:
        return (("سارا", self.donor), ("مدیر", self.admin), ("کارگروه", self.staff))

    def _unseen(self) -> bool:
        return any(
            self._shown.get((chat.chat_id, int(message["message_id"])))
            != render(message, chat.buttons(message))
            for _, chat in self._chats()
            for message in chat.messages
        )

    async def refresh(self, wait: float = 2.0) -> None:
        """Print what the bot sent or changed in any sandbox chat since the last look, after
        giving it up to `wait` seconds to answer."""
        with contextlib.suppress(TimeoutError):
            await self.donor.wait_until(lambda _: self._unseen(), timeout=wait)
        await self.messenger.settle(quiet=0.2)
        for label, chat in self._chats():
            for message in chat.messages:
                key = (chat.chat_id, int(message["message_id"]))
                deleted = bool(message.get("deleted"))
                saved = None if deleted else self._save_media(chat, message)
                # A reply keyboard is shown with the message that set it, as it was then.
                keys = self._keyboards.setdefault(key, reply_keys(chat, message))
                rendered = render(message, chat.buttons(message) if not deleted else [], saved, keys)
                if self._shown.get(key) == rendered:
                    continue
                edited = key in self._shown
                self._shown[key] = rendered
                header = f"── همدل → {label}{' (ویرایش شد)' if edited else ''} ──"
                self.write(f"{header}\n{rendered}")


def render(
    message: dict[str, Any],
    buttons: list[str],
    saved: Path | None = None,
    keys: list[dict[str, Any]] | None = None,
) -> str:
    lines: list[str] = []
    if message.get("deleted"):
        return "(پاک شد)"
    where = f" → {saved}" if saved is not None else ""
    if "photo" in message:
        lines.append(f"[🖼 تصویر{where}]")
    if "document" in message:
        lines.append(f"[📎 {message['document'].get('file_name', 'file')}{where}]")
    if "invoice" in message:
        invoice = message["invoice"]
        lines.append(f"[🧾 {invoice['title']} — {invoice['total_amount']} {invoice['currency']}] (:pay)")
    text = message.get("text") or message.get("caption")
    if text:
        lines.append(str(text))
    if buttons:
        lines.append("   ".join(f"[{i}] {label}" for i, label in enumerate(buttons, start=1)))
    elif keys:
        lines.append("⌨ " + "   ".join(f"[{i}] {key.get('text', '')}" for i, key in enumerate(keys, start=1)))
    return "\n".join(lines) or "(empty)"


def reply_keys(chat: MessengerUser | MessengerGroup, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of the reply keyboard shown now, when `message` set it ([] otherwise)."""
    setter, keys = chat.reply_keyboard_buttons
    return keys if setter == int(message["message_id"]) else []


def _extension(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    return ".bin"


def _safe_name(name: str) -> str:
    return re.sub(r"[\\/:\x00]", "_", name)[-120:]


def sandbox_folder(settings: Settings) -> Path:
    """The sandbox's own folder beside its SQLite database (``var/hamdel.db`` →
    ``var/hamdel-sandbox``); ``var/sandbox`` for another database."""
    url = make_url(settings.database.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.parent / f"{database.stem}-sandbox"
    return Path("var") / "sandbox"


def state_file(folder: Path) -> Path:
    return folder / "messenger.json"


async def _add_samples_to_a_fresh_database(app: HamdelApp) -> list[str]:
    """The sample campaigns, when the database has never had a campaign."""
    async with app.sessionmaker() as session:
        if await session.scalar(select(func.count(Campaign.id))):
            return []
        added = await seed_sample_campaigns(session, app.clock.now())
        await session.commit()
    return added


def sandbox_settings(settings: Settings, base_url: str) -> Settings:
    telegram = settings.telegram.model_copy(update={"bot_token": SANDBOX_TOKEN, "bot_api_base": base_url})
    staff = settings.staff.model_copy(
        update={
            "admin_ids": sorted({*settings.staff.admin_ids, ADMIN_ID}),
            "staff_chat_id": settings.staff.staff_chat_id or STAFF_CHAT_ID,
        }
    )
    webhook = settings.webhook.model_copy(update={"url": None})
    # Test money: Bale's test wallet, Telegram Stars at a nominal rate unless one is configured.
    donations = settings.donations.model_copy(
        update={"sandbox": True, "rials_per_unit": settings.donations.rials_per_unit or 10_000}
    )
    # The web console on a free local port unless one is configured (`:console` signs in).
    console = settings.console
    if not console.enabled:
        port = _free_port(console.listen_host)
        console = console.model_copy(
            update={"public_url": f"http://{console.listen_host}:{port}", "listen_port": port}
        )
    return settings.model_copy(
        update={
            "telegram": telegram,
            "staff": staff,
            "webhook": webhook,
            "donations": donations,
            "console": console,
        }
    )


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def open_sandbox(settings: Settings, write: Callable[[str], None]) -> Any:
    """The messenger, the migrated database and the polling bot, ready for a `Sandbox`."""
    folder = sandbox_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    messenger = LocalMessenger(flavor=settings.platform.value, token=SANDBOX_TOKEN, strict=False)
    if state_file(folder).is_file():
        messenger.restore_counters(json.loads(state_file(folder).read_text(encoding="utf-8")))
    await messenger.start()
    settings = sandbox_settings(settings, messenger.base_url)
    await upgrade_async(settings.database.database_url)
    app = create_app(settings)
    added = await _add_samples_to_a_fresh_database(app)
    if added:
        write(
            f"— a new sandbox: the {len(added)} sample campaigns were added, so /donate has some to show: "
            + "، ".join(added)
        )
    donor = messenger.user(user_id=DONOR_ID, first_name="سارا", language_code="fa")
    admin = messenger.user(user_id=ADMIN_ID, first_name="مدیر", language_code="fa")
    staff_chat = settings.staff.staff_chat_id or STAFF_CHAT_ID
    staff = messenger.group(chat_id=staff_chat, title="کارگروه رسیدگی", members={ADMIN_ID: "administrator"})
    polling = asyncio.create_task(app.run_polling(handle_signals=False))
    started = asyncio.ensure_future(
        messenger.wait_for_request(lambda request: request.method == "getUpdates", timeout=30)
    )
    await asyncio.wait({started, polling}, return_when=asyncio.FIRST_COMPLETED)
    if polling.done():  # the bot did not start (e.g. a feature's check at start failed): say why
        started.cancel()
        await app.close()
        await messenger.stop()
        polling.result()
    try:
        await started
        sandbox = Sandbox(
            app=app, messenger=messenger, donor=donor, admin=admin, staff=staff, write=write, folder=folder
        )
        yield sandbox
    finally:
        await app.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError, RuntimeError):
            async with asyncio.timeout(10):
                await polling
        await app.close()
        state_file(folder).write_text(json.dumps(messenger.counters()), encoding="utf-8")
        await messenger.stop()


async def run_sandbox(settings: Settings) -> int:
    def write(text: str) -> None:
        print(text, flush=True)

    folder = sandbox_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "bot.log"
    # The terminal is the chat: the bot's log goes to a file.
    logging.basicConfig(
        filename=log,
        encoding="utf-8",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    write(
        f"Hamdel sandbox ({settings.platform.value}) — the bot runs against a local messenger; no token needed."
    )
    write(f"Log: {log} · photos and documents the bot sends: {folder / 'files'}")
    write("Type /start to begin, :help for sandbox commands, :quit to leave.\n")
    async with open_sandbox(settings, write) as sandbox:
        while True:
            try:
                line = await asyncio.to_thread(input, sandbox.prompt())
            except (EOFError, KeyboardInterrupt):
                break
            if not await sandbox.handle(line):
                break
    write("خدانگهدار!")
    return 0
