"""📣 Broadcasts for staff (admins and campaign managers): compose, preview, send or schedule,
and follow the progress with pause / resume / cancel. How the delivery engine's messages look
(`AiogramSender`, `AiogramProgressSink`) lives in bot/broadcast_delivery.py, shared with the
delivery worker; this feature hands them to jobs.broadcasts at boot."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

import jobs.broadcasts
from bot.access import RequireRole
from bot.broadcast_delivery import (
    AiogramProgressSink,
    AiogramSender,
    BcControl,
    duration,
    number,
    progress_keyboard,
    progress_text,
)
from bot.broadcast_views import render_broadcast
from bot.i18n import I18n, Translator
from bot.menus import AdminMenu
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import Feature, InlineKeyboardBuilder, callback_int, cancel_button, show
from bot.widgets.choices import alert, toast
from models.broadcasts import Broadcast, ButtonKind, SegmentKind, Topic
from models.donation import Campaign
from services import (
    audit,
    broadcast_reports,
    broadcasts,
    regions,
)
from services import campaigns as campaign_service
from services.broadcasts import (
    ConfirmOutcome,
    ContentProblem,
    ControlOutcome,
    Progress,
    ScheduleProblem,
    Segment,
)
from services.clock import Clock
from services.delivery import (
    Content,
    DeliveryEngine,
)
from services.persian import format_datetime, to_fa_digits
from services.roles import Role
from services.scopes import Scope
from services.subscriptions import topic_key
from services.users import UserRecord

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.broadcasts")

router = Router(name="broadcasts")
router.message.middleware(RequireRole(Role.ADMIN, Role.CAMPAIGN_MANAGER))
router.callback_query.middleware(RequireRole(Role.ADMIN, Role.CAMPAIGN_MANAGER))

SCHEDULE_EXAMPLE = "۱۴۰۵/۰۹/۱۲ ۱۸:۳۰"


class BcCallback(CallbackData, prefix="bc"):
    """Composer steps: action names the step, value its choice."""

    action: str
    value: str = ""


class SegmentCallback(CallbackData, prefix="bcs"):
    """A segment with its value (a topic, a campaign id, a province id, a language)."""

    kind: str
    value: str


class Composer(StatesGroup):
    text_fa = State()
    text_en = State()
    photo = State()
    url = State()
    schedule = State()
    choosing = State()  # a step answered with buttons (button kind, campaign, segment, summary)


# --- rendering ----------------------------------------------------------------------------------


async def describe_segment(session: AsyncSession, segment: Segment, t: Translator) -> str:
    return await broadcasts.describe_segment(session, segment, t, t.locale)


async def start_delivery(app: HamdelApp) -> None:
    """At boot: the delivery engine and the milestone scanner on the app's scheduler
    (jobs.broadcasts), sending the broadcasts as this feature renders them."""
    jobs.broadcasts.start(
        app,
        sender=AiogramSender(app.bot, app.i18n, app.profile, paid=app.paid_broadcasts),
        progress_sink=AiogramProgressSink(app.bot, app.i18n, app.profile),
    )


# --- composer ------------------------------------------------------------------------------------


def _home_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("broadcast-new-button"), callback_data=BcCallback(action="new").pack()
                ),
                InlineKeyboardButton(
                    text=t("broadcast-recent-button"), callback_data=BcCallback(action="recent").pack()
                ),
            ]
        ]
    )


def _button(t: Translator, key: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t(key), callback_data=BcCallback(action=action, value=value).pack())


def _one_column(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button] for button in buttons])


@router.message(Command("broadcast"))
async def broadcast_command(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("broadcast-home"), reply_markup=_home_keyboard(t))


@router.callback_query(AdminMenu.filter(F.section == "broadcast"))
async def broadcast_menu_button(
    query: CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    """The staff menu's «📣 پیام همگانی»: the same screen as /broadcast."""
    await state.clear()
    await show(query, t("broadcast-home"), _home_keyboard(t), profile)


async def _draft(state: FSMContext, session: AsyncSession, user: UserRecord) -> Broadcast | None:
    data = await state.get_data()
    draft_id = data.get("draft")
    return await broadcasts.get_draft(session, int(draft_id) if draft_id else None, user.user_id)


async def _gone(
    target: Message | CallbackQuery, state: FSMContext, t: Translator, answer: CallbackAnswer | None = None
) -> None:
    await state.clear()
    if isinstance(target, Message):
        await target.answer(t("broadcast-draft-gone"))
    elif answer is not None:
        alert(answer, t("broadcast-draft-gone"))


async def _refuse_other_province(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    *,
    action: str,
    target: str,
    key: str = "broadcast-error-other-province",
) -> None:
    """A province office's press naming recipients or a broadcast beyond its provinces (forged or
    old): refused with a short alert, audited as the other province refusals."""
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=query.from_user.id,
        action=action,
        target=target[:64],
        allowed=False,
        note="province",
    )
    alert(callback_answer, t(key))


def _ask_text_fa(t: Translator, profile: PlatformProfile) -> str:
    return t(
        "broadcast-ask-text-fa",
        limit=profile.max_text_length,
        caption_limit=str(profile.max_caption_length)
        if t.locale != "fa"
        else to_fa_digits(profile.max_caption_length),
    )


@router.callback_query(BcCallback.filter(F.action == "new"))
async def new_broadcast(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    roles: set[Role],
) -> None:
    draft = await broadcasts.create_draft(
        session,
        platform=profile.platform.value,
        author_id=user.user_id,
        author_role=broadcasts.author_role(roles),
        author_language=t.locale,
        now=clock.now(),
    )
    await state.set_state(Composer.text_fa)
    await state.set_data({"draft": draft.id})
    await show(query, _ask_text_fa(t, profile), _one_column(cancel_button(t)), profile)


def _text_problem(
    t: Translator, text: str | None, *, with_photo: bool, profile: PlatformProfile
) -> str | None:
    problem = broadcasts.check_text(
        text, with_photo=with_photo, max_text=profile.max_text_length, max_caption=profile.max_caption_length
    )
    if problem is None:
        return None
    length = len(text or "")
    if problem is ContentProblem.EMPTY:
        return t("broadcast-empty-text")
    if problem is ContentProblem.CAPTION_TOO_LONG:
        return t("broadcast-caption-too-long", limit=profile.max_caption_length, length=length)
    return t("broadcast-too-long", limit=profile.max_text_length, length=length)


@router.message(Composer.text_fa, F.text | F.photo)
async def text_fa_received(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(message, state, t)
        return
    if message.photo:
        draft.photo_file_id = message.photo[-1].file_id
        if not (message.caption or "").strip():
            await message.answer(
                t("broadcast-photo-saved-ask-text", limit=profile.max_caption_length),
                reply_markup=_one_column(cancel_button(t)),
            )
            return
        text = message.caption or ""
    else:
        text = message.text or ""
    problem = _text_problem(t, text, with_photo=draft.photo_file_id is not None, profile=profile)
    if problem:
        await message.answer(problem, reply_markup=_one_column(cancel_button(t)))
        return
    draft.text_fa = text
    await state.set_state(Composer.text_en)
    await message.answer(
        t("broadcast-ask-text-en"),
        reply_markup=_one_column(_button(t, "broadcast-skip-en-button", "noen"), cancel_button(t)),
    )


@router.message(Composer.text_en, F.text)
async def text_en_received(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(message, state, t)
        return
    text = message.text or ""
    problem = _text_problem(t, text, with_photo=draft.photo_file_id is not None, profile=profile)
    if problem:
        await message.answer(
            problem,
            reply_markup=_one_column(_button(t, "broadcast-skip-en-button", "noen"), cancel_button(t)),
        )
        return
    draft.text_en = text
    await _after_texts(message, state, draft, t, profile)


@router.callback_query(BcCallback.filter(F.action == "noen"))
async def skip_english(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None or await state.get_state() != Composer.text_en.state:
        await _gone(query, state, t, callback_answer)
        return
    draft.text_en = None
    await _after_texts(query, state, draft, t, profile)


async def _after_texts(
    target: Message | CallbackQuery,
    state: FSMContext,
    draft: Broadcast,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    if draft.photo_file_id is None:
        await state.set_state(Composer.photo)
        markup = _one_column(_button(t, "broadcast-skip-photo-button", "nophoto"), cancel_button(t))
        await show(target, t("broadcast-ask-photo"), markup, profile)
        return
    await _ask_button(target, state, t, profile)


async def _ask_button(
    target: Message | CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    await state.set_state(Composer.choosing)
    markup = _one_column(
        _button(t, "broadcast-button-url-choice", "btn", "url"),
        _button(t, "broadcast-button-campaign-choice", "btn", "campaign"),
        _button(t, "broadcast-button-none-choice", "btn", "none"),
        cancel_button(t),
    )
    await show(target, t("broadcast-ask-button"), markup, profile)


@router.message(Composer.photo, F.photo)
async def photo_received(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None or message.photo is None:
        await _gone(message, state, t)
        return
    longest = max(len(draft.text_fa), len(draft.text_en or ""))
    if longest > profile.max_caption_length:
        await message.answer(
            t("broadcast-photo-caption-too-long", limit=profile.max_caption_length),
            reply_markup=_one_column(_button(t, "broadcast-skip-photo-button", "nophoto"), cancel_button(t)),
        )
        return
    draft.photo_file_id = message.photo[-1].file_id
    await _ask_button(message, state, t, profile)


@router.message(Composer.photo)
async def photo_expected(message: Message, t: Translator) -> None:
    await message.answer(
        t("broadcast-photo-only"),
        reply_markup=_one_column(_button(t, "broadcast-skip-photo-button", "nophoto"), cancel_button(t)),
    )


@router.callback_query(BcCallback.filter(F.action == "nophoto"))
async def skip_photo(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    if await _draft(state, session, user) is None:
        await _gone(query, state, t, callback_answer)
        return
    await _ask_button(query, state, t, profile)


@router.message(Composer.text_fa)
@router.message(Composer.text_en)
async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("broadcast-text-only"), reply_markup=_one_column(cancel_button(t)))


@router.callback_query(BcCallback.filter(F.action == "btn"))
async def button_kind_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BcCallback,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(query, state, t, callback_answer)
        return
    if callback_data.value == "url":
        await state.set_state(Composer.url)
        await show(query, t("broadcast-ask-url"), _one_column(cancel_button(t)), profile)
        return
    if callback_data.value == "campaign":
        campaigns = (await campaign_service.active_campaigns(session, clock.now()))[:20]
        if not campaigns:
            alert(callback_answer, t("broadcast-no-campaigns"))
            return
        builder = InlineKeyboardBuilder()
        for campaign in campaigns:
            builder.row(
                InlineKeyboardButton(
                    text=campaign.title(t.locale)[:60],
                    callback_data=BcCallback(action="camp", value=str(campaign.id)).pack(),
                )
            )
        builder.row(cancel_button(t))
        await show(query, t("broadcast-choose-campaign"), builder.as_markup(), profile)
        return
    draft.button_kind = None
    draft.button_url = None
    draft.button_campaign_id = None
    await _ask_segment(query, state, t, profile, scope)


@router.message(Composer.url, F.text)
async def url_received(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    i18n: I18n,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(message, state, t)
        return
    url = broadcasts.clean_url(message.text or "")
    if url is None:
        await message.answer(t("broadcast-bad-url"), reply_markup=_one_column(cancel_button(t)))
        return
    draft.button_kind = ButtonKind.URL.value
    draft.button_url = url
    draft.button_campaign_id = None
    draft.button_text_fa = i18n.text("fa", "broadcast-button-link")
    draft.button_text_en = i18n.text("en", "broadcast-button-link")
    await _ask_segment(message, state, t, profile, scope)


@router.message(Composer.url)
async def url_expected(message: Message, t: Translator) -> None:
    await message.answer(t("broadcast-bad-url"), reply_markup=_one_column(cancel_button(t)))


@router.callback_query(BcCallback.filter(F.action == "camp"))
async def campaign_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BcCallback,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    i18n: I18n,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    campaign_id = callback_int(callback_data.value, 0)
    campaign = await session.get(Campaign, campaign_id) if campaign_id else None
    if draft is None or campaign is None:
        await _gone(query, state, t, callback_answer)
        return
    draft.button_kind = ButtonKind.CAMPAIGN.value
    draft.button_url = None
    draft.button_campaign_id = campaign.id
    for locale in ("fa", "en"):
        title = campaign.title(locale)
        title = title if len(title) <= 40 else title[:39] + "…"
        setattr(draft, f"button_text_{locale}", i18n.text(locale, "broadcast-button-campaign", title=title))
    await _ask_segment(query, state, t, profile, scope)


# The composer's kinds of recipients, in order; a province office gets its provinces and the donors
# of its provinces' campaigns only (services.broadcasts.segment_within).
SEGMENT_BUTTONS = {
    SegmentKind.EVERYONE: "broadcast-segment-all-button",
    SegmentKind.TOPIC: "broadcast-segment-topic-button",
    SegmentKind.DONORS: "broadcast-segment-donors-button",
    SegmentKind.PROVINCE: "broadcast-segment-province-button",
    SegmentKind.LANGUAGE: "broadcast-segment-language-button",
}
OFFICE_KINDS = frozenset({SegmentKind.DONORS, SegmentKind.PROVINCE})


async def _ask_segment(
    target: Message | CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile, scope: Scope
) -> None:
    await state.set_state(Composer.choosing)
    markup = _one_column(
        *(
            _button(t, key, "seg", kind.value)
            for kind, key in SEGMENT_BUTTONS.items()
            if scope.national or kind in OFFICE_KINDS
        ),
        cancel_button(t),
    )
    await show(target, t("broadcast-ask-segment"), markup, profile)


@router.callback_query(BcCallback.filter(F.action == "seg"))
async def segment_kind_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BcCallback,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    settings: Settings,
    bot: Bot,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(query, state, t, callback_answer)
        return
    kind = callback_data.value
    if (
        not scope.national
        and kind in SegmentKind._value2member_map_
        and SegmentKind(kind) not in OFFICE_KINDS
    ):
        await _refuse_other_province(
            query, callback_answer, session, t, profile, action="broadcast.segment", target=f"segment:{kind}"
        )
        return
    builder = InlineKeyboardBuilder()
    if kind == SegmentKind.EVERYONE.value:
        await _set_segment(query, draft, Segment(SegmentKind.EVERYONE), session, t, profile, settings, bot)
        return
    if kind == SegmentKind.TOPIC.value:
        prompt = "broadcast-choose-topic"
        for topic in Topic:
            builder.row(
                InlineKeyboardButton(
                    text=t(topic_key(topic)),
                    callback_data=SegmentCallback(kind="topic", value=topic.value).pack(),
                )
            )
    elif kind == SegmentKind.DONORS.value:
        prompt = "broadcast-choose-campaign"
        for campaign in await broadcasts.recent_campaigns(session, provinces=scope.provinces):
            builder.row(
                InlineKeyboardButton(
                    text=campaign.title(t.locale)[:60],
                    callback_data=SegmentCallback(kind="donors", value=str(campaign.id)).pack(),
                )
            )
    elif kind == SegmentKind.PROVINCE.value:
        prompt = "broadcast-choose-province"
        for province in (p for p in regions.provinces() if scope.allows(p.id)):
            builder.button(
                text=province.name(t.locale),
                callback_data=SegmentCallback(kind="province", value=province.id),
            )
        builder.adjust(3)
    elif kind == SegmentKind.LANGUAGE.value:
        prompt = "broadcast-choose-language"
        for code in broadcasts.LANGUAGES:
            builder.button(
                text=t(f"broadcast-language-{code}"),
                callback_data=SegmentCallback(kind="language", value=code),
            )
    else:
        alert(callback_answer, t("fallback-stale-button"))
        return
    if kind == SegmentKind.DONORS.value and not builder.buttons:
        alert(callback_answer, t("broadcast-no-campaigns"))
        return
    builder.row(cancel_button(t))
    await show(query, t(prompt), builder.as_markup(), profile)


@router.callback_query(SegmentCallback.filter())
async def segment_value_chosen(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: SegmentCallback,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    settings: Settings,
    bot: Bot,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    kind, value = callback_data.kind, callback_data.value
    segment = Segment(SegmentKind(kind), value) if kind in SegmentKind._value2member_map_ else None
    if segment is not None and segment.kind is SegmentKind.PROVINCE:
        if regions.default_regions().find_province(value) is None:
            segment = None
    if draft is None:
        await _gone(query, state, t, callback_answer)
        return
    if segment is None or not segment.valid():
        alert(callback_answer, t("fallback-stale-button"))
        return
    if not await broadcasts.segment_within(session, segment, scope.provinces):
        await _refuse_other_province(
            query,
            callback_answer,
            session,
            t,
            profile,
            action="broadcast.segment",
            target=f"segment:{kind}:{value}",
        )
        return
    await _set_segment(query, draft, segment, session, t, profile, settings, bot)


async def _set_segment(
    query: CallbackQuery,
    draft: Broadcast,
    segment: Segment,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    settings: Settings,
    bot: Bot,
) -> None:
    draft.segment_kind = segment.kind.value
    draft.segment_value = segment.value
    await session.flush()
    count = await broadcasts.count_recipients(session, draft.platform, segment)
    described = await describe_segment(session, segment, t)
    if count == 0:
        markup = _one_column(_button(t, "broadcast-change-segment-button", "chseg"), _discard_button(t))
        await show(query, t("broadcast-no-recipients", segment=described), markup, profile)
        return
    await _preview(bot, query.from_user.id, draft, t)
    rate = settings.broadcast.rate_for(
        settings.platform, paid=settings.broadcast.paid and profile.paid_broadcast
    )
    english = t("broadcast-english-yes") if draft.text_en else t("broadcast-english-no")
    summary = t(
        "broadcast-summary",
        segment=described,
        count=count,
        english=english,
        eta=duration(t, count / rate),
    )
    markup = _one_column(
        _button(t, "broadcast-send-now-button", "send"),
        _button(t, "broadcast-schedule-button", "sched"),
        _button(t, "broadcast-change-segment-button", "chseg"),
        _discard_button(t),
    )
    await bot.send_message(query.from_user.id, summary, reply_markup=markup)


def _discard_button(t: Translator) -> InlineKeyboardButton:
    return _button(t, "broadcast-discard-button", "discard")


async def _preview(bot: Bot, chat_id: int, draft: Broadcast, t: Translator) -> None:
    """The message exactly as recipients get it: in Persian, and in English when written."""
    content = Content.of(draft)
    languages = ["fa", "en"] if draft.text_en else ["fa"]
    for language in languages:
        await bot.send_message(
            chat_id, t("broadcast-preview-header", language=t(f"broadcast-language-{language}"))
        )
        reader = t.i18n.translator(language)
        text, photo, markup = render_broadcast(content, language, reader)
        if photo:
            await bot.send_photo(chat_id, photo, caption=text, reply_markup=markup)
        else:
            await bot.send_message(chat_id, text, reply_markup=markup)


@router.callback_query(BcCallback.filter(F.action == "chseg"))
async def change_segment(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    if await _draft(state, session, user) is None:
        await _gone(query, state, t, callback_answer)
        return
    await _ask_segment(query, state, t, profile, scope)


@router.callback_query(BcCallback.filter(F.action == "discard"))
async def discard(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    draft = await _draft(state, session, user)
    await state.clear()
    if draft is not None:
        await broadcasts.control(session, draft.id, "cancel", actor_id=user.user_id, now=clock.now())
    await show(query, t("broadcast-discarded"), _home_keyboard(t), profile)


@router.callback_query(
    BcCallback.filter(F.action.in_({"send", "sendx", "schedok"})),
    flags={"once": "broadcast-already-confirmed"},
)
async def send_confirmed(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BcCallback,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    settings: Settings,
    scope: Scope,
    delivery: DeliveryEngine | None = None,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        # A second press (or a press on an old summary): the first one counted.
        alert(callback_answer, t("broadcast-already-confirmed"))
        return
    if not await broadcasts.segment_within(session, Segment.of(draft), scope.provinces):
        # A send forged before any recipients were chosen (a draft's are everyone), or scopes
        # narrowed since: asked again at the last step.
        await _refuse_other_province(
            query,
            callback_answer,
            session,
            t,
            profile,
            action="broadcast.send",
            target=f"broadcast:{draft.id}",
        )
        return
    now = clock.now()
    scheduled_at: datetime | None = None
    if callback_data.action == "schedok":
        stamp = (await state.get_data()).get("when")
        if not isinstance(stamp, int | float):
            await _gone(query, state, t, callback_answer)
            return
        scheduled_at = datetime.fromtimestamp(stamp, UTC)
    elif callback_data.action == "send":
        duplicate = await broadcasts.find_duplicate(session, draft, now=now)
        if duplicate is not None and duplicate.confirmed_at is not None:
            markup = _one_column(_button(t, "broadcast-send-anyway-button", "sendx"), _discard_button(t))
            text = t(
                "broadcast-duplicate",
                id=number(duplicate.id, t),
                when=format_datetime(duplicate.confirmed_at, t.locale),
                status=t(f"broadcast-status-{duplicate.status}"),
            )
            await show(query, text, markup, profile)
            return
    outcome, broadcast = await broadcasts.confirm(
        session, draft.id, author_id=user.user_id, now=now, scheduled_at=scheduled_at
    )
    if outcome is ConfirmOutcome.PAST:
        await state.set_state(Composer.schedule)
        await show(
            query,
            t("broadcast-schedule-past", example=SCHEDULE_EXAMPLE),
            _one_column(cancel_button(t)),
            profile,
        )
        return
    if outcome is ConfirmOutcome.EMPTY_SEGMENT:
        described = await describe_segment(session, Segment.of(draft), t)
        markup = _one_column(_button(t, "broadcast-change-segment-button", "chseg"), _discard_button(t))
        await show(query, t("broadcast-no-recipients", segment=described), markup, profile)
        return
    if outcome is ConfirmOutcome.NOT_DRAFT or broadcast is None:
        alert(callback_answer, t("broadcast-already-confirmed"))
        return
    await state.clear()
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=user.user_id,
        action="broadcast.schedule" if scheduled_at else "broadcast.send",
        target=f"broadcast:{broadcast.id}",
        after={
            "segment": f"{broadcast.segment_kind}:{broadcast.segment_value or ''}",
            "recipients": broadcast.estimate,
            "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
        },
    )
    # The screen's request commits the confirmation first (bot.middlewares.CommitBeforeSend);
    # then the engine is woken. Its first progress report waits one interval (`confirm` set
    # progress_at), so this screen becomes the progress message (Telegram) or the controls
    # (Bale) before the engine looks for one.
    snapshot = await _snapshot(session, broadcast.id, settings, profile, now)
    if snapshot is not None:
        message = await show(query, progress_text(snapshot, t), progress_keyboard(snapshot, t), profile)
        await broadcasts.remember_progress_message(
            session, broadcast.id, message.message_id, controls_only=not profile.can_edit_keyboards
        )
    if delivery is not None:
        delivery.wake()


async def _snapshot(
    session: AsyncSession, broadcast_id: int, settings: Settings, profile: PlatformProfile, now: datetime
) -> Progress | None:
    rate = settings.broadcast.rate_for(
        settings.platform, paid=settings.broadcast.paid and profile.paid_broadcast
    )
    return await broadcasts.progress(session, broadcast_id, rate=rate, now=now)


@router.callback_query(BcCallback.filter(F.action == "sched"))
async def schedule_asked(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(query, state, t, callback_answer)
        return
    if not await broadcasts.segment_within(session, Segment.of(draft), scope.provinces):
        # Forged before recipients were chosen: the next step would count everyone.
        await _refuse_other_province(
            query,
            callback_answer,
            session,
            t,
            profile,
            action="broadcast.schedule",
            target=f"broadcast:{draft.id}",
        )
        return
    await state.set_state(Composer.schedule)
    await show(
        query, t("broadcast-ask-schedule", example=SCHEDULE_EXAMPLE), _one_column(cancel_button(t)), profile
    )


@router.message(Composer.schedule, F.text)
async def schedule_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    clock: Clock,
) -> None:
    draft = await _draft(state, session, user)
    if draft is None:
        await _gone(message, state, t)
        return
    parsed = broadcasts.parse_schedule((message.text or "")[:64], now=clock.now())
    if isinstance(parsed, ScheduleProblem):
        key = {
            ScheduleProblem.FORMAT: "broadcast-schedule-format",
            ScheduleProblem.INVALID: "broadcast-schedule-invalid",
            ScheduleProblem.PAST: "broadcast-schedule-past",
            ScheduleProblem.TOO_FAR: "broadcast-schedule-too-far",
        }[parsed]
        await message.answer(t(key, example=SCHEDULE_EXAMPLE), reply_markup=_one_column(cancel_button(t)))
        return
    await state.update_data(when=parsed.timestamp())
    count = await broadcasts.count_recipients(session, draft.platform, Segment.of(draft))
    markup = _one_column(_button(t, "broadcast-confirm-button", "schedok"), _discard_button(t))
    await message.answer(
        t("broadcast-schedule-confirm", when=format_datetime(parsed, t.locale), count=count),
        reply_markup=markup,
    )


@router.message(Composer.schedule)
async def schedule_expected(message: Message, t: Translator) -> None:
    await message.answer(t("broadcast-schedule-format", example=SCHEDULE_EXAMPLE))


# --- recent broadcasts and their controls ---------------------------------------------------------


@router.callback_query(BcCallback.filter(F.action == "recent"))
async def recent_list(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    items = await broadcasts.recent(session, profile.platform.value, provinces=scope.provinces)
    if not items:
        await show(query, t("broadcast-recent-empty"), _home_keyboard(t), profile)
        return
    builder = InlineKeyboardBuilder()
    for item in items:
        label = t(
            "broadcast-recent-line",
            id=number(item.id, t),
            status=t(f"broadcast-status-{item.status}"),
            kind=t(f"broadcast-kind-{item.kind.replace('_', '-')}"),
        )
        builder.row(
            InlineKeyboardButton(text=label[:64], callback_data=BcControl(id=item.id, action="show").pack())
        )
    await show(query, t("broadcast-recent-title"), builder.as_markup(), profile)


@router.callback_query(BcControl.filter())
async def control_pressed(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BcControl,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    settings: Settings,
    scope: Scope,
    delivery: DeliveryEngine | None = None,
) -> None:
    now = clock.now()
    action = callback_data.action
    changed = False
    if not scope.national:
        broadcast = await session.get(Broadcast, callback_data.id)
        if broadcast is not None and not await broadcasts.in_scope(session, broadcast, scope.provinces):
            await _refuse_other_province(
                query,
                callback_answer,
                session,
                t,
                profile,
                action="broadcast.cancel" if action == "cancelok" else f"broadcast.{action}",
                target=f"broadcast:{callback_data.id}",
                key="broadcast-error-other-province-broadcast",
            )
            return
    if action == "cancel":
        snapshot = await _snapshot(session, callback_data.id, settings, profile, now)
        if snapshot is None or snapshot.finished:
            alert(callback_answer, t("broadcast-finished-toast"))
            return
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=t("broadcast-cancel-sure-button"),
                        callback_data=BcControl(id=callback_data.id, action="cancelok").pack(),
                    ),
                    InlineKeyboardButton(
                        text=t("common-back-button"),
                        callback_data=BcControl(id=callback_data.id, action="show").pack(),
                    ),
                ]
            ]
        )
        await show(query, t("broadcast-cancel-confirm", remaining=snapshot.remaining), markup, profile)
        return
    if action in ("pause", "resume", "cancelok"):
        verb = "cancel" if action == "cancelok" else action
        outcome, broadcast = await broadcasts.control(
            session, callback_data.id, verb, actor_id=user.user_id, now=now
        )
        if outcome is ControlOutcome.INVALID:
            key = "broadcast-unknown" if broadcast is None else "broadcast-finished-toast"
            alert(callback_answer, t(key))
            if broadcast is None:
                return
        elif outcome is ControlOutcome.UNCHANGED:
            toast(callback_answer, t("broadcast-unchanged-toast"))
        else:
            await audit.record(
                session,
                platform=profile.platform.value,
                actor_id=user.user_id,
                action=f"broadcast.{verb}",
                target=f"broadcast:{callback_data.id}",
            )
            toast(callback_answer, t(f"broadcast-{verb}-toast"))
            changed = True
    elif action != "show":
        alert(callback_answer, t("fallback-stale-button"))
        return
    snapshot = await _snapshot(session, callback_data.id, settings, profile, now)
    if snapshot is None:
        alert(callback_answer, t("broadcast-unknown"))
        return
    # The screen's request commits the change first (CommitBeforeSend); then the engine looks.
    await show(query, progress_text(snapshot, t), progress_keyboard(snapshot, t), profile)
    if changed and delivery is not None:
        delivery.wake()


feature = Feature(
    name="broadcasts",
    private=router,
    admin_commands=(("broadcast", "cmd-broadcast"),),
    on_startup=(start_delivery,),
    reports=lambda _settings, _clock: broadcast_reports.STAFF_REPORTS,
)
