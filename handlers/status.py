"""/status: a beneficiary follows a dowry-kit application; admins import statuses from CSV.

Lookup needs the tracking code AND the national code (check digit validated before anything
is searched); national codes are only ever compared as keyed hashes and never stored, logged or
echoed. Lookups that match nothing are limited per person (STATUS_LOOKUP_MAX_FAILURES per
STATUS_LOOKUP_WINDOW_SECONDS). "Tell me when it changes" subscribes the person; an import that
changes the status queues a notice that jobs.status sends.

Admins import a CSV by sending it to the bot (or after /import_statuses), or with
`python -m bot import-statuses FILE`; re-imports update rows by tracking code.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Document, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import jobs.housekeeping
import jobs.status
from bot.access import RequireRole
from bot.i18n import I18n, Translator
from bot.menus import AdminMenu
from bot.platform import PlatformProfile
from bot.settings import SANDBOX_TOKEN, Settings, SettingsError
from bot.ui import CallbackInt, Feature, MenuCallback, MenuSection, cancel_button, home_button, show
from models.applications import Application
from services import applications, status_import
from services.applications import (
    MAX_ROWS,
    SANDBOX_KEY,
    STATUSES,
    CodeHasher,
    ImportResult,
    ParsedCsv,
    PendingNotice,
)
from services.clock import Clock
from services.persian import format_date, normalize_national_code
from services.roles import Role
from services.users import UserRecord

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.status")

router = Router(name="status")
admin_router = Router(name="status-admin")
admin_router.message.middleware(RequireRole(Role.ADMIN))
admin_router.callback_query.middleware(RequireRole(Role.ADMIN))
router.include_router(admin_router)

SECTION = MenuSection(key="status", text_key="status-menu", order=40)
BAD_LINES_SHOWN = 15
#: A large import's progress message is edited at most this often.
PROGRESS_EDIT_SECONDS = 3.0
EXCEL_FORMAT = "CSV UTF-8"  # the name of the format in Excel's "Save as" list
CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
CSV_TYPES = frozenset(
    {"text/csv", "text/comma-separated-values", "application/csv", "text/tab-separated-values", "text/plain"}
)


class StatusForm(StatesGroup):
    tracking = State()
    national = State()


class StatusImport(StatesGroup):
    waiting = State()


class StatusCb(CallbackData, prefix="st"):
    a: str  # follow | unfollow | again
    id: CallbackInt = 0
    tag: str = ""


# ------------------------------------------------------------------------------------------
# The national-code key


def is_production(settings: Settings) -> bool:
    """A real bot: a token from BotFather (not the sandbox's placeholder used by the sandbox and
    the tests)."""
    token = settings.telegram.bot_token
    return bool(token) and token != SANDBOX_TOKEN


def national_code_key(settings: Settings) -> str:
    """NATIONAL_CODE_HMAC_KEY, or the sandbox's public key where no real data can arrive.

    A real bot without the key refuses to start: hashes under a key everyone can read would let
    anyone with the database test national codes against them."""
    secret = settings.status.national_code_hmac_key
    if secret is not None:
        return secret.get_secret_value()
    if is_production(settings):
        raise SettingsError(
            "setting NATIONAL_CODE_HMAC_KEY is missing: a real bot needs a secret key for national"
            " codes (e.g. `openssl rand -hex 32`); keep it with the database backups"
        )
    return SANDBOX_KEY


def hasher_for(settings: Settings) -> CodeHasher:
    return CodeHasher(national_code_key(settings))


# ------------------------------------------------------------------------------------------
# Texts


def _day(value: date) -> datetime:
    return datetime.combine(value, time(12), tzinfo=UTC)


def status_name(t: Translator, status: str) -> str:
    return t(f"status-name-{status}") if status in STATUSES else status


def status_text(t: Translator, application: Application | PendingNotice) -> str:
    lines = [
        t(
            "status-result",
            code=application.tracking_code,
            status=status_name(t, application.status),
            date=format_date(_day(application.status_date), t.locale),
        )
    ]
    if application.status in STATUSES:
        lines.append(t(f"status-explain-{application.status}"))
    if application.note:
        lines.append(t("status-result-note", note=application.note))
    return "\n".join(lines)


def size_text(t: Translator, size: int) -> str:
    return t("status-size-kb", number=max(1, size // 1000))


def import_report(
    t: Translator, name: str, parsed: ParsedCsv, result: ImportResult | None, stale: int = 0
) -> str:
    """What an import did, for the admin in the chat and on the command line."""
    if parsed.problem == "empty":
        return t("status-import-empty")
    if parsed.problem == "not_text":
        return t("status-import-not-text", format=EXCEL_FORMAT)
    if parsed.problem == "too_many_rows":
        return t("status-import-too-many", limit=MAX_ROWS)
    if parsed.problem == "no_header":
        columns = "، ".join(t(f"status-column-{c}") for c in parsed.missing_columns)
        if t.locale != "fa":
            columns = columns.replace("، ", ", ")
        return t("status-import-no-header", columns=columns)
    good, bad = len(parsed.rows), len(parsed.bad)
    lines = [t("status-import-summary", name=name, total=good + bad, good=good, bad=bad)]
    if result is not None:
        lines.append(
            t(
                "status-import-done",
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                notified=result.notifications,
            )
        )
    elif not good:
        lines.append(t("status-import-none-good"))
    else:
        lines.append(t("status-import-skipped"))
    if parsed.bad:
        lines += ["", t("status-import-bad-heading")]
        for row in parsed.bad[:BAD_LINES_SHOWN]:
            lines.append(
                t("status-import-bad-line", line=row.line, problem=t(f"status-problem-{row.problem}"))
            )
        if bad > BAD_LINES_SHOWN:
            lines.append(t("status-import-bad-more", count=bad - BAD_LINES_SHOWN))
    if stale:
        lines += ["", t("status-import-stale-key", count=stale)]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------
# Start-up and the notifier


async def start_status(app: HamdelApp) -> None:
    """The national-code key, and the jobs: status notices (jobs.status) and the app's
    housekeeping (jobs.housekeeping, which forgets old failed lookups among others)."""
    hasher = hasher_for(app.settings)
    wake = asyncio.Event()
    app.dispatcher.workflow_data.update(status_hasher=hasher, status_wake=wake)
    async with app.sessionmaker() as session:
        stale = await applications.stale_key_rows(session, hasher)
    if stale:
        logger.warning(
            "%s applications are hashed under another NATIONAL_CODE_HMAC_KEY and cannot be found"
            " until they are imported again",
            stale,
        )
    platform = app.profile.platform.value

    def notice_screen(t: Translator, notice: PendingNotice) -> tuple[str, InlineKeyboardMarkup]:
        text = t("status-changed-header") + "\n\n" + status_text(t, notice)
        markup = _result_markup(
            t, hasher, platform, notice.user_id, notice.application_id, notice.owner, True
        )
        return text, markup

    jobs.status.start(app, screen=notice_screen, wake=wake)
    jobs.housekeeping.start(app)


# ------------------------------------------------------------------------------------------
# Looking up an application


def _follow_tag(hasher: CodeHasher, platform: str, user_id: int, application_id: int, owner: str) -> str:
    """Signs who may follow which application *while it has this owner* (its national code's
    hash): a button from before a re-import gave the row another national code is stale."""
    return hasher.tag(platform, user_id, application_id, owner[:16], length=10)


def _result_markup(
    t: Translator,
    hasher: CodeHasher,
    platform: str,
    user_id: int,
    application_id: int,
    owner: str,
    following: bool,
) -> InlineKeyboardMarkup:
    tag = _follow_tag(hasher, platform, user_id, application_id, owner)
    follow = (
        InlineKeyboardButton(
            text=t("status-unfollow-button"),
            callback_data=StatusCb(a="unfollow", id=application_id, tag=tag).pack(),
        )
        if following
        else InlineKeyboardButton(
            text=t("status-follow-button"),
            callback_data=StatusCb(a="follow", id=application_id, tag=tag).pack(),
        )
    )
    again = InlineKeyboardButton(text=t("status-another-button"), callback_data=StatusCb(a="again").pack())
    return InlineKeyboardMarkup(inline_keyboard=[[follow], [again, home_button(t)]])


def _cancel_markup(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t)]])


async def _limited_text(
    session: AsyncSession, settings: Settings, user: UserRecord, clock: Clock, t: Translator
) -> str | None:
    wait = await applications.wait_before_lookup(
        session,
        platform=user.platform,
        user_id=user.user_id,
        now=clock.now(),
        max_failures=settings.status.status_lookup_max_failures,
        window=settings.status.status_lookup_window_seconds,
    )
    return t("status-limited", minutes=max(1, -(-wait // 60))) if wait else None


async def _ask_tracking(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    user: UserRecord,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    limited = await _limited_text(session, settings, user, clock, t)
    if limited:
        await state.clear()
        await show(target, limited, InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]), profile)
        return
    await state.set_state(StatusForm.tracking)
    await show(target, t("status-ask-tracking"), _cancel_markup(t), profile)


@router.message(Command("status"))
async def status_command(message: Message, state: FSMContext, **data: Any) -> None:
    await state.clear()
    await _ask_tracking(message, state, **_pick(data))


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
@router.callback_query(StatusCb.filter(F.a == "again"))
async def status_menu(query: CallbackQuery, state: FSMContext, **data: Any) -> None:
    await state.clear()
    await _ask_tracking(query, state, **_pick(data))


def _pick(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("session", "settings", "user", "clock", "t", "profile")}


@router.message(StateFilter(StatusForm.tracking), F.text, ~F.text.startswith("/"))
async def status_tracking(message: Message, state: FSMContext, t: Translator, **data: Any) -> None:
    text = message.text or ""
    national: str | None = None
    parts = text.replace("،", " ").replace(",", " ").split()
    if len(parts) == 2 and normalize_national_code(parts[1]) is not None:
        # «کد پیگیری و کد ملی» in one message: the tracking code first.
        code = applications.normalize_tracking_code(parts[0])
        national = parts[1]
    else:
        code = applications.normalize_tracking_code(text)
    if code is None:
        await message.answer(t("status-bad-tracking"), reply_markup=_cancel_markup(t))
        return
    await state.set_state(StatusForm.national)
    await state.update_data(status_tracking=code)
    if national is not None:
        await _check_national(message, state, national, t=t, **data)
        return
    await message.answer(t("status-ask-national"), reply_markup=_cancel_markup(t))


@router.message(StateFilter(StatusForm.national), F.text, ~F.text.startswith("/"))
async def status_national(message: Message, state: FSMContext, **data: Any) -> None:
    await _check_national(message, state, message.text or "", **data)


async def _check_national(
    message: Message,
    state: FSMContext,
    raw: str,
    *,
    session: AsyncSession,
    settings: Settings,
    user: UserRecord,
    clock: Clock,
    t: Translator,
    status_hasher: CodeHasher,
    **_: Any,
) -> None:
    national = normalize_national_code(raw)
    if national is None:
        await message.answer(t("status-bad-national"), reply_markup=_cancel_markup(t))
        return
    tracking = str((await state.get_data()).get("status_tracking") or "")
    if not tracking:
        await state.set_state(StatusForm.tracking)
        await message.answer(t("status-ask-tracking"), reply_markup=_cancel_markup(t))
        return
    found = await applications.lookup(
        session,
        platform=user.platform,
        user_id=user.user_id,
        tracking_code=tracking,
        national_code=national,
        hasher=status_hasher,
        now=clock.now(),
        max_failures=settings.status.status_lookup_max_failures,
        window=settings.status.status_lookup_window_seconds,
    )
    del national
    if found.kind == "limited":
        await state.clear()
        await message.answer(
            t("status-limited", minutes=max(1, -(-found.wait_seconds // 60))),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]),
        )
        return
    if found.kind == "not_found" or found.application is None:
        await state.set_state(StatusForm.tracking)
        await state.update_data(status_tracking=None)
        await message.answer(t("status-not-found", count=found.remaining), reply_markup=_cancel_markup(t))
        return
    await state.clear()
    application = found.application
    following = await applications.subscription(
        session, application_id=application.id, platform=user.platform, user_id=user.user_id
    )
    await message.answer(
        status_text(t, application),
        reply_markup=_result_markup(
            t,
            status_hasher,
            user.platform,
            user.user_id,
            application.id,
            application.national_code_hash,
            following is not None,
        ),
    )


@router.message(StateFilter(StatusForm.tracking, StatusForm.national), ~F.text)
async def status_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("status-text-expected"), reply_markup=_cancel_markup(t))


@router.callback_query(StatusCb.filter(F.a.in_({"follow", "unfollow"})))
async def status_follow(
    query: CallbackQuery,
    callback_data: StatusCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    user: UserRecord,
    clock: Clock,
    t: Translator,
    status_hasher: CodeHasher,
) -> None:
    application = await session.get(Application, callback_data.id) if callback_data.id else None
    if application is None or not status_hasher.check_tag(
        callback_data.tag, user.platform, user.user_id, application.id, application.national_code_hash[:16]
    ):
        callback_answer.text = t("status-stale")
        return
    who: dict[str, Any] = {
        "application_id": application.id,
        "platform": user.platform,
        "user_id": user.user_id,
    }
    if callback_data.a == "follow":
        if not await applications.subscribe(session, chat_id=user.chat_id, now=clock.now(), **who):
            callback_answer.text = t("status-already-followed")
            return
        text = t("status-followed", code=application.tracking_code)
    else:
        await applications.unsubscribe(session, **who)
        text = t("status-unfollowed", code=application.tracking_code)
    callback_answer.text = text
    markup = _result_markup(
        t,
        status_hasher,
        user.platform,
        user.user_id,
        application.id,
        application.national_code_hash,
        callback_data.a == "follow",
    )
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------
# Admins: CSV import


def _looks_csv(document: Document) -> bool:
    name = (document.file_name or "").lower()
    mime = (document.mime_type or "").lower().split(";")[0].strip()
    return name.endswith(CSV_EXTENSIONS) or mime in CSV_TYPES


def _csv_document(message: Message) -> bool:
    return message.document is not None and _looks_csv(message.document)


def status_labels(i18n: I18n) -> dict[str, str]:
    """Every name the bot shows for a status, in every language, for the CSV's status column."""
    return applications.status_labels(
        (i18n.text(locale, f"status-name-{status}"), status) for locale in i18n.locales for status in STATUSES
    )


class ImportProgress:
    """One message telling the admin how far a large import is, edited at most every
    PROGRESS_EDIT_SECONDS (small files, one batch, get no progress message)."""

    def __init__(self, message: Message, t: Translator, name: str, total: int) -> None:
        self.message, self.t, self.name, self.total = message, t, name, total
        self.shown: Message | None = None
        self.edited_at = 0.0

    def _text(self, key: str, done: int) -> str:
        return self.t(key, name=self.name, done=done, total=self.total)

    async def start(self) -> None:
        if self.total > applications.BATCH_ROWS:
            self.shown = await self.message.answer(self._text("status-import-progress", 0))
            self.edited_at = monotonic()

    async def __call__(self, done: int, total: int) -> None:
        if self.shown is None or done >= total or monotonic() - self.edited_at < PROGRESS_EDIT_SECONDS:
            return
        self.edited_at = monotonic()
        await self._edit(self._text("status-import-progress", done))

    async def finish(self) -> None:
        if self.shown is not None:
            await self._edit(self._text("status-import-progress-done", self.total))

    async def _edit(self, text: str) -> None:
        assert self.shown is not None
        try:
            await self.shown.edit_text(text)
        except TelegramAPIError as error:  # the import goes on; the final report still comes
            logger.warning("import progress not shown: %s", error)


@admin_router.callback_query(AdminMenu.filter(F.section == "statuses"))
async def import_button(query: CallbackQuery, state: FSMContext, settings: Settings, t: Translator) -> None:
    """The staff menu's «📥 ورود وضعیت پرونده‌ها»: the same prompt as /import_statuses."""
    if isinstance(query.message, Message):
        await import_command(query.message, state, settings, t)


@admin_router.message(Command("import_statuses"))
async def import_command(message: Message, state: FSMContext, settings: Settings, t: Translator) -> None:
    await state.set_state(StatusImport.waiting)
    statuses = (
        "، ".join(status_name(t, s) for s in STATUSES)
        if t.locale == "fa"
        else ", ".join(status_name(t, s) for s in STATUSES)
    )
    await message.answer(
        t("status-import-prompt", size=size_text(t, settings.status.status_csv_max_bytes), statuses=statuses),
        reply_markup=_cancel_markup(t),
    )


@admin_router.message(StateFilter(StatusImport.waiting), F.document)
@admin_router.message(StateFilter(None), F.document, ~F.reply_to_message, _csv_document)
async def import_document(
    message: Message,
    state: FSMContext,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    profile: PlatformProfile,
    clock: Clock,
    t: Translator,
    status_hasher: CodeHasher,
    status_wake: asyncio.Event,
    sessionmaker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    document = message.document
    assert document is not None
    limit = settings.status.status_csv_max_bytes
    if not _looks_csv(document):
        await message.answer(t("status-import-not-csv", format=EXCEL_FORMAT), reply_markup=_cancel_markup(t))
        return
    if document.file_size is not None and document.file_size > limit:
        await message.answer(t("status-import-too-large", size=size_text(t, limit)))
        return
    try:
        buffer = await bot.download(document.file_id, destination=BytesIO())
    except TelegramAPIError as error:
        logger.warning("import file not downloaded: %s", error)
        await message.answer(t("status-import-download-failed"))
        return
    assert buffer is not None
    data = buffer.read(limit + 1)
    if len(data) > limit:
        await message.answer(t("status-import-too-large", size=size_text(t, limit)))
        return
    await state.clear()
    # Parsing 50,000 rows takes a while: off the event loop.
    parsed = await asyncio.to_thread(applications.parse_csv, data, status_labels(i18n))
    progress = None
    if parsed.importable:
        progress = ImportProgress(message, t, document.file_name or "CSV", len(parsed.rows))
        await progress.start()
    outcome = await status_import.import_statuses(
        session,
        sessionmaker,
        parsed,
        status_hasher,
        now=clock.now(),
        platform=profile.platform.value,
        actor_id=message.from_user.id if message.from_user else 0,
        target=(document.file_name or "")[:128] or None,
        progress=progress,
    )
    if progress is not None:
        await progress.finish()
    if outcome.result is not None and outcome.result.notifications:
        status_wake.set()
    await message.answer(import_report(t, document.file_name or "CSV", parsed, outcome.result, outcome.stale))


# ------------------------------------------------------------------------------------------
# Command line: python -m bot import-statuses FILE


async def import_statuses_cli(settings: Settings, path: str) -> int:
    """Import a CSV from the command line; prints the same report as the bot. Notices of status
    changes are queued and sent by the running bot within STATUS_NOTIFY_INTERVAL_SECONDS."""
    from bot.i18n import get_i18n
    from bot.migrate import upgrade_async
    from models.db import create_engine, create_sessionmaker

    hasher = hasher_for(settings)  # a SettingsError for a real bot without the key
    t = get_i18n().translator(settings.locale.default_locale)
    try:
        data = await asyncio.to_thread(Path(path).read_bytes)
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror}") from None
    parsed = applications.parse_csv(data, status_labels(get_i18n()))
    result: ImportResult | None = None
    stale = 0
    if parsed.importable:
        await upgrade_async(settings.database.database_url)
        engine = create_engine(settings.database.database_url)
        try:
            sessions = create_sessionmaker(engine)
            async with sessions() as session:
                outcome = await status_import.import_statuses(
                    session,
                    sessions,
                    parsed,
                    hasher,
                    now=datetime.now(UTC),
                    platform="cli",
                    actor_id=0,
                    target=Path(path).name[:128],
                )
            result, stale = outcome.result, outcome.stale
        finally:
            await engine.dispose()
    print(import_report(t, Path(path).name, parsed, result, stale))
    return 0 if result is not None else 1


feature = Feature(
    name="status",
    private=router,
    section=SECTION,
    commands=(("status", "status-cmd"),),
    admin_commands=(("import_statuses", "status-import-cmd"),),
    on_startup=(start_status,),
)
