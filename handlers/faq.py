"""/faq, free-text questions, and questions to a staff member.

- `/faq` and the menu: popular questions and topics, each answer with «got it / no, ask a staff
  member» buttons.
- Any text in a private chat that no flow took (`free_text_feature`, mounted just before the
  fallback): answered from data/faq.yaml — the answer when confident, up to three "did you
  mean" buttons when unsure, an "ask a person" button when nothing fits. Emoji-only and very
  long messages get their own reply. Commands and media stay with the fallback.
- "Ask a person" posts a card to the staff chat; a staff member's reply to that card is relayed
  to the person by the bot, without the staff member's name.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import I18n, Translator
from bot.platform import PlatformProfile
from bot.settings import Settings, SettingsError
from bot.ui import (
    CallbackInt,
    Feature,
    InlineKeyboardBuilder,
    MenuCallback,
    MenuSection,
    cancel_button,
    home_button,
    main_menu,
    show,
)
from models.faq import FaqQuery
from services import audit, faq_queries
from services.clock import Clock
from services.faq import DEFAULT_PATH, SUGGEST, Answer, Entry, FaqError, FaqIndex, Match
from services.persian import normalize_text
from services.users import UserRecord, get_user, set_blocked

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.faq")

router = Router(name="faq")
free_router = Router(name="faq-free-text")
staff_router = Router(name="faq-staff")

SECTION = MenuSection(key="faq", text_key="faq-menu", order=50)

#: A message longer than this is a story rather than a question: offered to a staff member.
LONG_TEXT = 1000
#: The staff card carries at most this much of the question (a message holds 4096 characters).
CARD_TEXT = 3500
#: How much of the question the relayed answer quotes back.
QUOTE_CHARS = 200
#: Longest button text for a question (longer ones are cut with «…»).
BUTTON_CHARS = 60
POPULAR = 5
HOUSEKEEPING_SECONDS = 6 * 3600
# Small talk gets a friendly word, not "no answer found" (compared after normalize_text).
GREETINGS = frozenset(
    {"سلام", "سلام علیکم", "درود", "سلام وقت بخیر", "سلام خسته نباشید", "hello", "hi", "salam", "hey"}
)
THANKS = frozenset(
    {"ممنون", "مرسی", "متشکرم", "تشکر", "سپاس", "ممنونم", "خیلی ممنون", "thanks", "thank you", "merci"}
)


class FaqNav(CallbackData, prefix="faq"):
    a: str  # home | topic | entry
    id: str = ""
    q: CallbackInt = 0  # the typed question this came from (for "ask a staff member"), 0: none


class FaqFeedback(CallbackData, prefix="faqf"):
    q: CallbackInt
    ok: bool


class AskStaff(CallbackData, prefix="ask"):
    """Send a question to the staff chat: `q` a stored question (0: type one now), `c` where the
    button was (e.g. "elg-may_be_eligible" on the eligibility result)."""

    q: CallbackInt = 0
    c: str = ""


class FaqForm(StatesGroup):
    asking = State()  # typing a question for a staff member


# ------------------------------------------------------------------------------------------
# Start-up


def build_index(path: str | Path | None) -> FaqIndex:
    source = Path(path) if path else DEFAULT_PATH
    try:
        index = _load_index(source.resolve(), source.stat().st_mtime_ns)
    except FileNotFoundError:
        raise SettingsError(f"FAQ file {source} not found (setting FAQ_FILE)") from None
    except FaqError as error:
        raise SettingsError(f"FAQ file {source} is invalid: {error}") from None
    for entry in index.entries:
        if max(len(entry.answer.fa), len(entry.answer.en)) + len(entry.question.fa) > CARD_TEXT:
            raise SettingsError(
                f"FAQ file {source}: entry '{entry.id}': the answer is too long for one message"
            )
        if not _fits(FaqNav(a="entry", id="", q=2**31), entry.id):
            raise SettingsError(f"FAQ file {source}: entry '{entry.id}': the id is too long for a button")
    for topic in index.topics:
        if not _fits(FaqNav(a="topic", id="", q=0), topic):
            raise SettingsError(f"FAQ file {source}: topic '{topic}': the id is too long for a button")
    return index


def _fits(template: FaqNav, item_id: str) -> bool:
    """Whether a button naming this id stays within the 64 bytes of callback data."""
    if ":" in item_id:
        return False
    try:
        return len(template.model_copy(update={"id": item_id}).pack().encode()) <= 64
    except ValueError:
        return False


@functools.lru_cache(maxsize=4)
def _load_index(path: Path, mtime_ns: int) -> FaqIndex:
    """Building the index takes about a second: once per file version and process."""
    del mtime_ns  # part of the cache key only
    return FaqIndex.load(path)


async def load_faq(app: HamdelApp) -> None:
    app.dispatcher.workflow_data["faq"] = build_index(app.settings.knowledge.faq_file)
    app.spawn(_housekeeping(app), name="faq-housekeeping")


async def _housekeeping(app: HamdelApp) -> None:
    """Typed questions are personal data: their text is cleared after a while."""
    while True:
        try:
            async with app.sessionmaker() as session:
                cleared = await faq_queries.forget_old_texts(session, now=app.clock.now())
                await session.commit()
            if cleared:
                logger.info("cleared the text of %s old questions", cleared)
        except Exception:
            logger.exception("faq housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


# ------------------------------------------------------------------------------------------
# Screens


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _entry_button(entry: Entry, locale: str, q: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_cut(entry.question.get(locale), BUTTON_CHARS),
        callback_data=FaqNav(a="entry", id=entry.id, q=q).pack(),
    )


def _topics_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("faq-topics-button"), callback_data=FaqNav(a="home").pack())


def _talk_button(
    t: Translator, key: str = "faq-talk-button", q: int = 0, context: str = ""
) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t(key), callback_data=AskStaff(q=q, c=context).pack())


async def _home_screen(
    index: FaqIndex, session: AsyncSession, clock: Clock, t: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    popular = await faq_queries.popular(
        session, now=clock.now(), known=[e.id for e in index.entries], limit=POPULAR
    )
    rows: list[list[InlineKeyboardButton]] = []
    for entry_id in popular:
        entry = index.get(entry_id)
        if entry is not None:
            rows.append([_entry_button(entry, t.locale)])
    builder = InlineKeyboardBuilder()
    for key, name in index.topics.items():
        if any(e.topic == key for e in index.entries):
            builder.button(text=f"📂 {name.get(t.locale)}", callback_data=FaqNav(a="topic", id=key))
    builder.adjust(2)
    rows += builder.export()
    rows.append([_talk_button(t)])
    rows.append([home_button(t)])
    return t("faq-home"), InlineKeyboardMarkup(inline_keyboard=rows)


def _topic_screen(index: FaqIndex, topic: str, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    name = index.topics[topic].get(t.locale)
    rows = [[_entry_button(e, t.locale)] for e in index.entries if e.topic == topic]
    rows.append([_topics_button(t), home_button(t)])
    return t("faq-topic", topic=name), InlineKeyboardMarkup(inline_keyboard=rows)


def _answer_screen(index: FaqIndex, entry: Entry, q: int, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    # Composed here, not in Fluent: a placeable holds at most 2,500 characters.
    text = f"❓ {entry.question.get(t.locale)}\n\n{entry.answer.get(t.locale)}"
    topic = index.topics.get(entry.topic)
    back = (
        InlineKeyboardButton(
            text=t("faq-topic-back-button", topic=topic.get(t.locale)),
            callback_data=FaqNav(a="topic", id=entry.topic).pack(),
        )
        if topic
        else _topics_button(t)
    )
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("faq-helpful-button"), callback_data=FaqFeedback(q=q, ok=True).pack()
                ),
                _talk_button(t, "faq-not-helpful-button", q=q),
            ],
            [back, home_button(t)],
        ]
    )
    return text, markup


def _suggest_markup(matches: list[Match], q: int, t: Translator, none_key: str) -> InlineKeyboardMarkup:
    rows = [[_entry_button(m.entry, t.locale, q)] for m in matches[:3]]
    rows.append([_talk_button(t, none_key, q=q)])
    rows.append([_topics_button(t), home_button(t)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


# ------------------------------------------------------------------------------------------
# /faq and its buttons


@router.message(Command("faq"))
async def faq_command(
    message: Message, state: FSMContext, faq: FaqIndex, session: AsyncSession, clock: Clock, t: Translator
) -> None:
    await state.clear()
    text, markup = await _home_screen(faq, session, clock, t)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
@router.callback_query(FaqNav.filter(F.a == "home"))
async def faq_menu(
    query: CallbackQuery,
    state: FSMContext,
    faq: FaqIndex,
    session: AsyncSession,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    text, markup = await _home_screen(faq, session, clock, t)
    await show(query, text, markup, profile)


@router.callback_query(FaqNav.filter(F.a == "topic"))
async def faq_topic(
    query: CallbackQuery,
    callback_data: FaqNav,
    callback_answer: CallbackAnswer,
    faq: FaqIndex,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    if callback_data.id not in faq.topics:
        callback_answer.text = t("faq-stale")
        return
    text, markup = _topic_screen(faq, callback_data.id, t)
    await show(query, text, markup, profile)


@router.callback_query(FaqNav.filter(F.a == "entry"))
async def faq_entry(
    query: CallbackQuery,
    callback_data: FaqNav,
    callback_answer: CallbackAnswer,
    faq: FaqIndex,
    session: AsyncSession,
    user: UserRecord,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    entry = faq.get(callback_data.id)
    if entry is None:
        callback_answer.text = t("faq-stale")
        return
    typed = (
        await faq_queries.owned(session, callback_data.q, platform=user.platform, user_id=user.user_id)
        if callback_data.q
        else None
    )
    if typed is not None:  # a "did you mean" button: the typed question chose this entry
        typed.entry_id = entry.id
        q = typed.id
    else:
        view = await faq_queries.record(
            session,
            platform=user.platform,
            user_id=user.user_id,
            chat_id=user.chat_id,
            kind="view",
            now=clock.now(),
            entry_id=entry.id,
        )
        q = view.id
    text, markup = _answer_screen(faq, entry, q, t)
    if typed is not None or not profile.can_edit_keyboards:
        # Keep the suggestions on screen (the person may want another one): a new message.
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)  # type: ignore[union-attr]
        return
    await show(query, text, markup, profile)


@router.callback_query(FaqFeedback.filter())
async def faq_feedback(
    query: CallbackQuery,
    callback_data: FaqFeedback,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    asked = await faq_queries.owned(session, callback_data.q, platform=user.platform, user_id=user.user_id)
    if asked is None:
        callback_answer.text = t("faq-stale")
        return
    await faq_queries.mark_helpful(session, asked, callback_data.ok)
    callback_answer.text = t("faq-thanks") if callback_data.ok else t("faq-feedback-noted")
    message = query.message
    if profile.can_edit_keyboards and isinstance(message, Message):
        # The answer stays on screen; only the feedback buttons go.
        markup = InlineKeyboardMarkup(inline_keyboard=[[_topics_button(t), home_button(t)]])
        try:
            await message.edit_reply_markup(reply_markup=markup)
        except TelegramAPIError as error:
            logger.debug("feedback buttons not removed: %s", error)


# ------------------------------------------------------------------------------------------
# Asking a staff member


@router.callback_query(AskStaff.filter())
async def ask_staff_button(
    query: CallbackQuery,
    callback_data: AskStaff,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    faq: FaqIndex,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    if settings.staff.staff_chat_id is None:
        await show(query, t("faq-staff-unavailable"), _after_markup(t), profile)
        return
    asked = (
        await faq_queries.owned(session, callback_data.q, platform=user.platform, user_id=user.user_id)
        if callback_data.q
        else None
    )
    if callback_data.q and asked is None:
        callback_answer.text = t("faq-stale")
        return
    if asked is not None and asked.asked_staff_at is not None:
        callback_answer.text = t("faq-already-sent")
        return
    if asked is not None and asked.text:
        if asked.helpful is None and asked.entry_id and asked.kind in ("confident", "suggest"):
            asked.helpful = False
        reply = await _send_to_staff(query.bot, session, asked, faq, settings, i18n, clock, t)  # type: ignore[arg-type]
        await query.bot.send_message(query.from_user.id, reply, reply_markup=_after_markup(t))  # type: ignore[union-attr]
        return
    # Nothing typed yet (an FAQ entry opened from the menu, the eligibility result): ask for it.
    context = callback_data.c if callback_data.c.replace("-", "").replace("_", "").isalnum() else ""
    await state.set_state(FaqForm.asking)
    await state.update_data(faq_ask_q=asked.id if asked else 0, faq_ask_c=context[:32])
    await query.bot.send_message(  # type: ignore[union-attr]
        query.from_user.id,
        t("faq-ask-prompt"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button(t)]]),
    )


@router.message(StateFilter(FaqForm.asking), F.text, ~F.text.startswith("/"))
async def ask_staff_typed(
    message: Message,
    state: FSMContext,
    faq: FaqIndex,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    t: Translator,
) -> None:
    text = (message.text or "").strip()
    if not normalize_text(text):
        await message.answer(t("faq-emoji-only"))
        return
    data = await state.get_data()
    await state.clear()
    earlier = (
        await faq_queries.owned(
            session, int(data.get("faq_ask_q") or 0), platform=user.platform, user_id=user.user_id
        )
        if data.get("faq_ask_q")
        else None
    )
    if earlier is not None and earlier.asked_staff_at is None:
        earlier.text = text
        earlier.helpful = False if earlier.entry_id else None
        asked = earlier
    else:
        asked = await faq_queries.record(
            session,
            platform=user.platform,
            user_id=user.user_id,
            chat_id=user.chat_id,
            kind="direct",
            now=clock.now(),
            text=text,
            context=str(data.get("faq_ask_c") or "") or None,
        )
    if settings.staff.staff_chat_id is None:
        await message.answer(t("faq-staff-unavailable"), reply_markup=_after_markup(t))
        return
    reply = await _send_to_staff(message.bot, session, asked, faq, settings, i18n, clock, t)  # type: ignore[arg-type]
    await message.answer(reply, reply_markup=_after_markup(t))


@router.message(StateFilter(FaqForm.asking), ~F.text)
async def ask_staff_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("faq-ask-text-only"))


def _after_markup(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_topics_button(t), home_button(t)]])


def _card(asked: FaqQuery, index: FaqIndex, staff_t: Translator) -> str:
    """The staff chat's card: number, where it came from, the question (cut to CARD_TEXT), how
    to answer. Composed here, not in Fluent: a placeable holds at most 2,500 characters."""
    text = asked.text or ""
    lines = [staff_t("faq-staff-card-title", number=asked.id)]
    if asked.context and asked.context.startswith("elg-"):
        key = f"faq-staff-context-{asked.context}"
        if key in staff_t.i18n.keys(staff_t.locale):
            lines.append(staff_t(key))
    elif asked.helpful is False and asked.entry_id:
        entry = index.get(asked.entry_id)
        if entry is not None:
            lines.append(staff_t("faq-staff-context-faq", entry=entry.question.get(staff_t.locale)))
    lines.append(text[:CARD_TEXT])
    if len(text) > CARD_TEXT:
        lines.append(staff_t("faq-staff-card-truncated", count=len(text) - CARD_TEXT))
    lines += ["", staff_t("faq-staff-card-footer")]
    return "\n".join(lines)


async def _send_to_staff(
    bot: Bot,
    session: AsyncSession,
    asked: FaqQuery,
    index: FaqIndex,
    settings: Settings,
    i18n: I18n,
    clock: Clock,
    t: Translator,
) -> str:
    """Post the question's card to the staff chat; returns the text to tell the person."""
    staff_chat = settings.staff.staff_chat_id
    assert staff_chat is not None
    if not await faq_queries.claim_for_staff(session, asked, clock.now()):
        return t("faq-already-sent")
    staff_t = i18n.translator(settings.locale.default_locale)
    try:
        card = await bot.send_message(staff_chat, _card(asked, index, staff_t))
    except TelegramAPIError as error:
        logger.error("question %s not posted to the staff chat: %s", asked.id, error)
        await faq_queries.release_claim(session, asked)
        return t("faq-send-failed")
    await faq_queries.card_sent(session, asked, staff_chat_id=staff_chat, message_id=card.message_id)
    return t("faq-sent", number=asked.id)


# ------------------------------------------------------------------------------------------
# Free text: answered from the FAQ


@free_router.message(F.text, ~F.text.startswith("/"))
async def free_text(
    message: Message,
    faq: FaqIndex,
    menu_sections: list[MenuSection],
    session: AsyncSession,
    user: UserRecord,
    clock: Clock,
    t: Translator,
) -> None:
    text = message.text or ""
    if not normalize_text(text):
        await message.answer(t("faq-emoji-only"), reply_markup=_after_markup(t))
        return
    small_talk = normalize_text(text)
    if small_talk in GREETINGS or small_talk in THANKS:
        key = "faq-greeting" if small_talk in GREETINGS else "faq-you-are-welcome"
        await message.answer(t(key), reply_markup=main_menu(t, menu_sections))
        return
    record: dict[str, Any] = {
        "platform": user.platform,
        "user_id": user.user_id,
        "chat_id": user.chat_id,
        "now": clock.now(),
        "text": text,
    }
    if len(text) > LONG_TEXT:
        matches = [m for m in faq.search(text, t.locale, limit=3) if m.score >= SUGGEST]
        asked = await faq_queries.record(session, kind="long", **record)
        reply = t("faq-too-long", length=len(text))
        if matches:
            reply += "\n\n" + t("faq-too-long-suggest")
        await message.answer(reply, reply_markup=_suggest_markup(matches, asked.id, t, "faq-ask-button"))
        return
    answer: Answer = faq.answer(text, t.locale)
    best = answer.best
    asked = await faq_queries.record(
        session,
        kind=answer.kind,
        entry_id=best.entry.id if best and answer.kind == "confident" else None,
        score=best.score if best else None,
        **record,
    )
    if answer.kind == "confident" and best is not None:
        reply, markup = _answer_screen(faq, best.entry, asked.id, t)
        await message.answer(reply, reply_markup=markup)
    elif answer.kind == "suggest" and best is not None:
        matches = [best, *answer.suggestions]
        await message.answer(
            t("faq-suggest"), reply_markup=_suggest_markup(matches, asked.id, t, "faq-none-of-these")
        )
    else:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [_talk_button(t, "faq-ask-button", q=asked.id)],
                [_topics_button(t), home_button(t)],
            ]
        )
        await message.answer(t("faq-none"), reply_markup=markup)


# ------------------------------------------------------------------------------------------
# The staff chat: replies to a question's card go back to the person


async def card_reply(message: Message, session: AsyncSession) -> dict[str, Any] | bool:
    """Matches a reply to one of our question cards (other replies are left to other features)."""
    reply = message.reply_to_message
    if reply is None:
        return False
    asked = await faq_queries.by_card(session, staff_chat_id=message.chat.id, message_id=reply.message_id)
    return {"asked": asked} if asked is not None else False


async def send_staff_answer(
    bot: Bot, session: AsyncSession, i18n: I18n, profile: PlatformProfile, asked: FaqQuery, answer: str
) -> str:
    """A staff member's answer to a question sent to a person (from the staff chat or the web
    console), in the asker's language with their question quoted: "ok", "blocked" or "failed"."""
    person = await get_user(session, platform=asked.platform, user_id=asked.user_id)
    user_t = i18n.translator(person.language if person else i18n.locales[0])
    quote = _cut(" ".join((asked.text or "").split()), QUOTE_CHARS)
    text = user_t("faq-staff-answer", question=quote) + "\n\n" + answer
    if len(text) > profile.max_text_length:
        text = text[: profile.max_text_length - 1] + "…"
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=user_t("faq-staff-answer-thanks-button"),
                    callback_data=FaqFeedback(q=asked.id, ok=True).pack(),
                )
            ],
            [_talk_button(user_t, "faq-another-question-button")],
        ]
    )
    try:
        await bot.send_message(asked.chat_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        await set_blocked(session, platform=asked.platform, user_id=asked.user_id, blocked=True)
        return "blocked"
    except TelegramAPIError as error:
        logger.error("staff answer to question %s not relayed: %s", asked.id, error)
        return "failed"
    return "ok"


@staff_router.message(card_reply, F.text)
async def staff_answer(
    message: Message,
    asked: FaqQuery,
    bot: Bot,
    session: AsyncSession,
    i18n: I18n,
    profile: PlatformProfile,
    clock: Clock,
    t: Translator,
) -> None:
    sent = await send_staff_answer(bot, session, i18n, profile, asked, message.text or "")
    if sent == "blocked":
        await message.reply(t("faq-staff-user-blocked", number=asked.id))
        return
    if sent == "failed":
        await message.reply(t("faq-staff-relay-failed", number=asked.id))
        return
    staff_id = message.from_user.id if message.from_user else 0
    await faq_queries.answered(session, asked, staff_id=staff_id, now=clock.now())
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=staff_id,
        action="faq-answer",
        target=f"faq_query:{asked.id}",
    )
    await message.reply(t("faq-staff-relayed", number=asked.id))


@staff_router.message(card_reply)
async def staff_answer_not_text(message: Message, t: Translator) -> None:
    await message.reply(t("faq-staff-text-only"))


feature = Feature(
    name="faq",
    private=router,
    staff=staff_router,
    section=SECTION,
    commands=(("faq", "faq-cmd"),),
    on_startup=(load_faq,),
)

# Mounted just before the fallback, after every other feature: text no flow took.
free_text_feature = Feature(name="faq-free-text", private=free_router)
