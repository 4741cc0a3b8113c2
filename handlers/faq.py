"""/faq, free-text questions, and questions to a staff member.

- `/faq` and the menu: popular questions and topics, each answer with «got it / no, ask a staff
  member» buttons.
- Any text in a private chat that no flow took (`free_text_feature`, mounted just before the
  fallback): answered from the FAQ (in the database, edited in the console; data/faq.yaml seeds
  it on the first start) — the answer when confident, up to three "did you
  mean" buttons when unsure, an "ask a person" button when nothing fits. Emoji-only and very
  long messages get their own reply. Commands and media stay with the fallback.
- "Ask a person" posts a card to the staff chat; a staff member's reply to that card is relayed
  to the person by the bot, without the staff member's name.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Collection, Mapping
from datetime import timedelta
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

from bot.complaints_desk import PersonBlock, call_api, desk_for, limit_text
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
    with_masked_notice,
)
from models.faq import FaqQuery
from services import (
    audit,
    faq_admin,
    faq_live,
    faq_queries,
    privacy,
    scopes,
    staff_cards,
    staff_limits,
    ticket_desk,
)
from services.clock import Clock
from services.faq import DEFAULT_PATH, SUGGEST, Answer, Entry, FaqError, FaqIndex, Match, Text
from services.persian import format_toman, normalize_text, toman_to_rials
from services.ratelimit import Priority
from services.staff_cards import BindingKind
from services.users import UserRecord, get_user, set_blocked

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.faq")

router = Router(name="faq")
free_router = Router(name="faq-free-text")
staff_router = Router(name="faq-staff")

SECTION = MenuSection(key="faq", text_key="faq-menu", order=50)

#: Settings an answer in faq.yaml may quote as `{ $name }`: filled in by _answer_values.
ANSWER_SETTINGS = ("min_toman", "max_toman")
#: A message longer than this is a story rather than a question: offered to a staff member.
LONG_TEXT = 1000
#: The staff card carries at most this much of the question (a message holds 4096 characters).
CARD_TEXT = 3500
#: How much of the question the relayed answer quotes back.
QUOTE_CHARS = 200
#: Longest button text for a question (longer ones are cut with «…»).
BUTTON_CHARS = 60
POPULAR = 5
#: A card the staff chat did not take is posted again after this long.
CARD_RETRY_AFTER = timedelta(minutes=1)
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


def faq_rules(actions: Collection[str]) -> faq_admin.Rules:
    """What the chat needs of an entry: ``actions`` are the main menu's section keys an answer's
    button may open; an answer may quote ANSWER_SETTINGS; ids must fit in a button's data."""
    return faq_admin.Rules(
        actions=frozenset(actions),
        variables=frozenset(ANSWER_SETTINGS),
        entry_id_bytes=64 - len(FaqNav(a="entry", id="", q=2**31).pack().encode()),
        topic_id_bytes=64 - len(FaqNav(a="topic", id="", q=0).pack().encode()),
        max_chars=CARD_TEXT,
    )


def read_seed(path: str | Path | None, actions: Collection[str]) -> tuple[dict[str, Text], list[Entry]]:
    """The FAQ file (FAQ_FILE, data/faq.yaml by default) checked as at every start:
    ``actions`` are the main menu's section keys an answer's button may open."""
    source = Path(path) if path else DEFAULT_PATH
    try:
        topics, entries = faq_admin.read_yaml(source.read_text(encoding="utf-8"))
        faq_admin.check_catalog(topics, entries, faq_rules(actions))
    except FileNotFoundError:
        raise SettingsError(f"FAQ file {source} not found (setting FAQ_FILE)") from None
    except FaqError as error:
        raise SettingsError(f"FAQ file {source} is invalid: {error}") from None
    return topics, entries


async def load_faq(app: HamdelApp) -> None:
    """The FAQ from the database (seeded from FAQ_FILE on the first start), kept in step with
    it by a LiveFaq: the chat's handlers get the current index as ``faq``."""
    sections: list[MenuSection] = app.dispatcher.workflow_data["menu_sections"]
    actions = [section.key for section in sections]
    rules = faq_rules(actions)
    async with app.sessionmaker() as session:
        if await faq_admin.catalog_version(session) is None:
            source = app.settings.knowledge.faq_file or DEFAULT_PATH
            topics, entries = await asyncio.to_thread(read_seed, source, actions)
            await faq_admin.seed_if_empty(
                session, topics=topics, entries=entries, source=Path(source).name, now=app.clock.now()
            )
    workflow_data = app.dispatcher.workflow_data
    live = faq_live.LiveFaq(
        app.sessionmaker,
        rules,
        on_swap=functools.partial(workflow_data.__setitem__, "faq"),
        redis=app.redis,
        channel=f"{app.settings.redis.redis_key_prefix}:faq",
    )
    try:
        await live.refresh()
    except FaqError as error:
        raise SettingsError(f"the FAQ in the database is invalid: {error}") from None
    workflow_data["faq_live"] = live
    app.spawn(live.run(app.stopping), name="faq-live")
    # Typed questions are personal data: the housekeeping job clears their text after a while.


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


def _answer_values(settings: Settings, locale: str) -> dict[str, str]:
    """The settings an answer may quote (ANSWER_SETTINGS), formatted for the reader."""
    donations = settings.donations
    return {
        "min_toman": format_toman(toman_to_rials(donations.min_toman), locale),
        "max_toman": format_toman(toman_to_rials(donations.max_toman), locale),
    }


def _answer_screen(
    topics: Mapping[str, Text],
    entry: Entry,
    q: int,
    t: Translator,
    settings: Settings,
    sections: list[MenuSection],
) -> tuple[str, InlineKeyboardMarkup]:
    # Composed here, not in Fluent: a placeable holds at most 2,500 characters.
    answer = entry.answer_text(t.locale, _answer_values(settings, t.locale))
    text = f"❓ {entry.question.get(t.locale)}\n\n{answer}"
    topic = topics.get(entry.topic)
    back = (
        InlineKeyboardButton(
            text=t("faq-topic-back-button", topic=topic.get(t.locale)),
            callback_data=FaqNav(a="topic", id=entry.topic).pack(),
        )
        if topic
        else _topics_button(t)
    )
    # An answer that describes something the bot does offers that menu section's button.
    action = [
        [InlineKeyboardButton(text=t(s.text_key), callback_data=MenuCallback(section=s.key).pack())]
        for s in sections
        if s.key == entry.action
    ]
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("faq-helpful-button"), callback_data=FaqFeedback(q=q, ok=True).pack()
                ),
                InlineKeyboardButton(
                    text=t("faq-not-helpful-button"), callback_data=FaqFeedback(q=q, ok=False).pack()
                ),
            ],
            *action,
            [back, home_button(t)],
        ]
    )
    return text, markup


def answer_preview(
    topics: Mapping[str, Text], entry: Entry, t: Translator, settings: Settings, sections: list[MenuSection]
) -> tuple[str, list[list[str]]]:
    """An answer as the chat shows it (its text and its buttons' labels), for the console."""
    text, markup = _answer_screen(topics, entry, 0, t, settings, sections)
    return text, [[button.text for button in row] for row in markup.inline_keyboard]


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
    settings: Settings,
    menu_sections: list[MenuSection],
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
    after_thumbs_down = typed is not None and typed.helpful is not None and typed.entry_id != entry.id
    if typed is not None and not after_thumbs_down:  # a "did you mean" button chose this entry
        typed.entry_id = entry.id
        q = typed.id
    else:
        # A view of its own. Offered after «👎» on another answer, that feedback stays with that
        # answer and this view keeps the question, should it go to a person after all.
        view = await faq_queries.record(
            session,
            platform=user.platform,
            user_id=user.user_id,
            chat_id=user.chat_id,
            kind="view",
            now=clock.now(),
            text=typed.text if typed is not None else None,
            entry_id=entry.id,
        )
        q = view.id
    text, markup = _answer_screen(faq.topics, entry, q, t, settings, menu_sections)
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
    faq: FaqIndex,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    """«👍 مفید بود» thanks; «👎 جوابم را نگرفتم» offers the nearest other answers and a person."""
    asked = await faq_queries.owned(session, callback_data.q, platform=user.platform, user_id=user.user_id)
    if asked is None:
        callback_answer.text = t("faq-stale")
        return
    await faq_queries.mark_helpful(session, asked, callback_data.ok)
    message = query.message
    if profile.can_edit_keyboards and isinstance(message, Message):
        # The answer stays on screen; only the feedback buttons go.
        markup = InlineKeyboardMarkup(inline_keyboard=[[_topics_button(t), home_button(t)]])
        try:
            await message.edit_reply_markup(reply_markup=markup)
        except TelegramAPIError as error:
            logger.debug("feedback buttons not removed: %s", error)
    if callback_data.ok:
        callback_answer.text = t("faq-thanks")
        return
    callback_answer.text = t("faq-feedback-noted")
    others = _other_answers(faq, asked)
    await query.bot.send_message(  # type: ignore[union-attr]
        query.from_user.id,
        t("faq-not-helpful-suggest") if others else t("faq-not-helpful-person"),
        reply_markup=_suggest_markup(others, asked.id, t, "faq-ask-button"),
    )


def _other_answers(faq: FaqIndex, asked: FaqQuery) -> list[Match]:
    """What to offer after «👎»: the typed question's next matches, else the same topic's
    other entries (an entry opened from the menu has no typed text)."""
    current = faq.get(asked.entry_id or "")
    if asked.text:
        found = [
            m for m in faq.search(asked.text, limit=4) if m.score >= SUGGEST and m.entry.id != asked.entry_id
        ]
        if found:
            return found[:3]
    if current is None:
        return []
    return [Match(e, 0.0) for e in faq.entries if e.topic == current.topic and e.id != current.id][:3]


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
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
    app: Any,
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
        reply = await _send_to_staff(app, session, asked, user, settings, clock, t)
        await query.bot.send_message(query.from_user.id, reply, reply_markup=_after_markup(t))  # type: ignore[union-attr]
        return
    # Nothing typed yet (an FAQ entry opened from the menu, the eligibility result): ask for it,
    # unless the person may not send a question now (no point typing it).
    refusal = await _refusal(session, user, settings, clock, t)
    if refusal is not None:
        await query.bot.send_message(query.from_user.id, refusal, reply_markup=_after_markup(t))  # type: ignore[union-attr]
        return
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
    clock: Clock,
    t: Translator,
    app: Any,
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
    masked = privacy.mask_personal_numbers(text).kinds
    if earlier is not None and earlier.asked_staff_at is None:
        await faq_queries.retell(session, earlier, text)
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
        await message.answer(
            with_masked_notice(t, t("faq-staff-unavailable"), masked), reply_markup=_after_markup(t)
        )
        return
    reply = await _send_to_staff(app, session, asked, user, settings, clock, t)
    await message.answer(with_masked_notice(t, reply, masked), reply_markup=_after_markup(t))


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


async def _refusal(
    session: AsyncSession, user: UserRecord, settings: Settings, clock: Clock, t: Translator
) -> str | None:
    """Why this person may not send a question to a staff member now (None: they may)."""
    now = clock.now()
    verdict = await staff_limits.question_verdict(
        session,
        platform=user.platform,
        user_id=user.user_id,
        now=now,
        limits=staff_limits.Limits.of(settings.limits),
    )
    return None if verdict.allowed else limit_text(t, verdict, now, subject="question")


def _card_markup(staff_t: Translator, asked: FaqQuery) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=staff_t("complaints-staff-button-block"),
                    callback_data=PersonBlock(a="b", kind="q", ref=asked.id).pack(),
                )
            ]
        ]
    )


async def _send_to_staff(
    app: HamdelApp,
    session: AsyncSession,
    asked: FaqQuery,
    user: UserRecord,
    settings: Settings,
    clock: Clock,
    t: Translator,
) -> str:
    """Send the question to the staff chat; returns the text to tell the person. The claim is
    committed before the card is posted (CommitBeforeSend) and the card's id stored right after,
    so a failure in between never posts a second card; a card the staff chat refused is posted
    again later."""
    refusal = await _refusal(session, user, settings, clock, t)
    if refusal is not None:
        return refusal
    if not await faq_queries.claim_for_staff(session, asked, clock.now()):
        return t("faq-already-sent")
    if await post_card(app, session, asked):
        return t("faq-sent", number=asked.id)
    return t("faq-queued", number=asked.id)


async def post_card(app: HamdelApp, session: AsyncSession, asked: FaqQuery) -> bool:
    """Post a claimed question's card (after the staff chat's ticket cards: see PriorityGate)
    and bind it at once; False when the staff chat did not take it (it is posted again later)."""
    staff_chat = app.settings.staff.staff_chat_id
    if staff_chat is None:
        return False
    desk = desk_for(app)
    staff_t = app.i18n.translator(app.settings.locale.default_locale)
    index: FaqIndex = app.dispatcher.workflow_data["faq"]
    text, markup = _card(asked, index, staff_t), _card_markup(staff_t, asked)
    try:
        async with desk.gate.turn(staff_chat, Priority.QUESTION):
            card = await call_api(lambda: app.bot.send_message(staff_chat, text, reply_markup=markup))
    except TelegramAPIError as error:
        logger.warning("question %s not posted to the staff chat yet: %s", asked.id, error)
        return False
    await faq_queries.card_sent(session, asked, staff_chat_id=staff_chat, message_id=card.message_id)
    return True


async def post_missing_cards(app: HamdelApp) -> int:
    """Post the cards the staff chat did not take before (429s, an outage); how many."""
    posted = 0
    async with app.sessionmaker() as session:
        now = app.clock.now()
        pending = await faq_queries.cards_to_post(session, now=now, stale_after=CARD_RETRY_AFTER)
        for query_id in pending:
            asked = await faq_queries.claim_posting(
                session, query_id, now=app.clock.now(), stale_after=CARD_RETRY_AFTER
            )
            if asked is not None and await post_card(app, session, asked):
                posted += 1
    return posted


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
    settings: Settings,
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
    # Personal numbers are masked before the question is kept (faq_queries.record) or searched.
    masked = privacy.mask_personal_numbers(text)
    text = masked.text
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
        reply = with_masked_notice(t, reply, masked.kinds)
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
        reply, markup = _answer_screen(faq.topics, best.entry, asked.id, t, settings, menu_sections)
        await message.answer(with_masked_notice(t, reply, masked.kinds), reply_markup=markup)
    elif answer.kind == "suggest" and best is not None:
        matches = [best, *answer.suggestions]
        await message.answer(
            with_masked_notice(t, t("faq-suggest"), masked.kinds),
            reply_markup=_suggest_markup(matches, asked.id, t, "faq-none-of-these"),
        )
    else:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [_talk_button(t, "faq-ask-button", q=asked.id)],
                [_topics_button(t), home_button(t)],
            ]
        )
        await message.answer(with_masked_notice(t, t("faq-none"), masked.kinds), reply_markup=markup)


# ------------------------------------------------------------------------------------------
# The staff chat: replies to a question's card go back to the person


async def card_reply(
    message: Message, session: AsyncSession, profile: PlatformProfile, t: Translator
) -> dict[str, Any] | bool:
    """Matches a reply to one of our question cards (other replies are left to other
    features): hands the handler `asked`, or None with `problem` when the card is bound to
    nothing any more (a stale card) or to a question and a ticket at once (ambiguous)."""
    reply = message.reply_to_message
    if reply is None:
        return False
    binding = await staff_cards.resolve(
        session, platform=profile.platform.value, chat_id=message.chat.id, message_id=reply.message_id
    )
    if binding.kind == BindingKind.QUESTION:
        return {"asked": binding.question, "problem": None}
    if binding.kind == BindingKind.AMBIGUOUS:
        return {"asked": None, "problem": "faq-staff-card-ambiguous"}
    footer = t("faq-staff-card-footer")
    if binding.kind == BindingKind.NONE and footer in (reply.text or ""):
        return {"asked": None, "problem": "faq-staff-card-unknown"}
    return False


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


async def _national(
    session: AsyncSession, profile: PlatformProfile, staff_id: int, app: Any, asked: FaqQuery
) -> bool:
    """A question names no province: a province office's staff do not answer it (refusal audited)."""
    scope = await scopes.scope_of(
        session,
        platform=profile.platform.value,
        user_id=staff_id,
        admin_ids=app.settings.staff.admin_ids,
        roles=ticket_desk.DESK_ROLES,
    )
    if not scope.national:
        await audit.record(
            session,
            platform=profile.platform.value,
            actor_id=staff_id,
            action="faq-answer",
            target=f"faq_query:{asked.id}",
            allowed=False,
            note="province",
        )
    return scope.national


@staff_router.message(card_reply, F.text)
async def staff_answer(
    message: Message,
    asked: FaqQuery | None,
    problem: str | None,
    bot: Bot,
    session: AsyncSession,
    i18n: I18n,
    profile: PlatformProfile,
    clock: Clock,
    t: Translator,
    app: Any,
) -> None:
    if asked is None:
        await message.reply(t(problem or "faq-staff-card-unknown"))
        return
    staff_id = message.from_user.id if message.from_user else 0
    sender = message.sender_chat.id if message.sender_chat else None
    if sender is not None:
        staff_id = sender
    allowed = await desk_for(app).may_act(
        session,
        message.chat.id,
        staff_id,
        action="faq-answer",
        target=f"faq_query:{asked.id}",
        sender_chat_id=sender,
    )
    if not allowed:
        await message.reply(t("complaints-staff-denied"))
        return
    if not await _national(session, profile, staff_id, app, asked):
        await message.reply(t("faq-staff-national-only"))
        return
    sent = await send_staff_answer(bot, session, i18n, profile, asked, message.text or "")
    if sent == "blocked":
        await message.reply(t("faq-staff-user-blocked", number=asked.id))
        return
    if sent == "failed":
        await message.reply(t("faq-staff-relay-failed", number=asked.id))
        return
    await faq_queries.answered(session, asked, staff_id=staff_id, now=clock.now(), text=message.text)
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=staff_id,
        action="faq-answer",
        target=f"faq_query:{asked.id}",
    )
    await message.reply(t("faq-staff-relayed", number=asked.id))


@staff_router.message(card_reply)
async def staff_answer_not_text(
    message: Message, asked: FaqQuery | None, problem: str | None, t: Translator
) -> None:
    await message.reply(t(problem) if asked is None and problem else t("faq-staff-text-only"))


async def catch_up_cards(app: HamdelApp) -> None:
    """Question cards the staff chat did not take are posted again by the ticket desk's
    background pass, after the tickets' cards."""
    desk_for(app).add_catch_up(functools.partial(post_missing_cards, app))


feature = Feature(
    name="faq",
    private=router,
    staff=staff_router,
    section=SECTION,
    commands=(("faq", "faq-cmd"),),
    on_startup=(load_faq, catch_up_cards),
)

# Mounted just before the fallback, after every other feature: text no flow took.
free_text_feature = Feature(name="faq-free-text", private=free_router)
