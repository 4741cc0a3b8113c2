"""Donors' complaints and problems to the working group (کارگروه).

Private chat: /complaint (and the menu) files a ticket step by step — category, description,
attachments («بدون پیوست / ادامه»), one of the donor's paid donations, anonymity toward staff,
an optional mobile, a summary to confirm — and answers with the ticket number. /mytickets lists
the donor's tickets: read the conversation, add a follow-up, close, reopen, rate 1–5. A reply to
any message of a ticket (an answer, a notice) is a follow-up too.

The staff side lives in `handlers.complaints_staff`, the posting and relaying in
`bot.complaints_desk`.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints_desk import (
    MyTicket,
    category_name,
    clip,
    desk_for,
    donation_line,
    file_id_of,
    hours_text,
    limit_text,
    message_kind,
    rating_keyboard,
    shown_number,
    start_sla_loop,
    status_name,
)
from bot.i18n import Translator
from bot.menus import alert
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import (
    Feature,
    InlineKeyboardBuilder,
    MenuCallback,
    MenuSection,
    PressAnswer,
    callback_int,
    cancel_button,
    home_button,
    main_menu,
    masked_notice,
    show,
    with_masked_notice,
)
from models.tickets import Direction, LinkKind, Ticket, TicketCategory, TicketStatus
from services import privacy, staff_limits, tickets, users
from services.persian import format_date, format_datetime, format_toman, normalize_mobile, to_fa_digits
from services.tickets import DONOR_MEDIA, Attachment, Draft, TicketError
from services.users import UserRecord

if TYPE_CHECKING:
    from services.clock import Clock
    from services.staff_reports import StaffReports

router = Router(name="complaints")

SECTION = MenuSection(key="complaint", text_key="complaints-menu", order=60)
PAGE = 6
BUTTON_CHARS = 64
MOBILE_EXAMPLE = "09121234567"


class Filing(StatesGroup):
    category = State()
    description = State()
    attachments = State()
    donation = State()
    anonymity = State()
    contact = State()
    confirm = State()


class FollowUp(StatesGroup):
    writing = State()


class RatingReason(StatesGroup):
    waiting = State()  # "why the low rating?" (optional)


# Categories that are about people, not money: no donation is asked for.
NO_DONATION = frozenset({TicketCategory.CONDUCT.value})
REASON_LIMIT = 500


class Complaint(CallbackData, prefix="cmp"):
    """Filing buttons: new, cat, go (continue), don (donation), anon, ok (submit), again, back
    (the previous step)."""

    action: str
    value: str = ""


NOT_COMMAND = ~F.text.startswith("/")


# -- keyboards ------------------------------------------------------------------------------


def _categories(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in TicketCategory:
        builder.button(
            text=category_name(t, category.value), callback_data=Complaint(action="cat", value=category.value)
        )
    builder.adjust(2)
    builder.row(cancel_button(t))
    return builder.as_markup()


def _back_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("common-back-button"), callback_data=Complaint(action="back").pack())


def _back_cancel(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_back_button(t), cancel_button(t)]])


def _continue(t: Translator, *, first: bool) -> InlineKeyboardMarkup:
    label = t("complaints-button-no-attachment") if first else t("complaints-button-continue")
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=Complaint(action="go").pack())],
            [_back_button(t), cancel_button(t)],
        ]
    )


def _contact_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=t("complaints-button-share-contact"), request_contact=True)],
            [KeyboardButton(text=t("complaints-button-skip-contact"))],
            [KeyboardButton(text=t("common-back-button"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def _summary_keyboard(t: Translator, draft_key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-submit"),
                    callback_data=Complaint(action="ok", value=draft_key).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=t("complaints-button-restart"), callback_data=Complaint(action="again").pack()
                ),
                _back_button(t),
                cancel_button(t),
            ],
        ]
    )


def _after_filing(t: Translator) -> InlineKeyboardMarkup:
    """Under the confirmation (which stays in the chat: the list comes as a new message)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-my-tickets"), callback_data=MyTicket(action="list").pack()
                )
            ]
        ]
    )


def _after_rating(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-my-tickets"), callback_data=MyTicket(action="list").pack()
                ),
                home_button(t),
            ]
        ]
    )


def _writing_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-done"), callback_data=MyTicket(action="done").pack()
                )
            ]
        ]
    )


# -- filing ---------------------------------------------------------------------------------


async def _ticket_refusal(
    session: AsyncSession, user: UserRecord, settings: Settings, app: Any, t: Translator
) -> str | None:
    """Why this person may not file a ticket now (None: they may)."""
    now = desk_for(app).now()
    verdict = await staff_limits.ticket_verdict(
        session,
        platform=user.platform,
        user_id=user.user_id,
        user_db_id=user.id,
        now=now,
        limits=staff_limits.Limits.of(settings.limits),
    )
    return None if verdict.allowed else limit_text(t, verdict, now, subject="ticket")


async def _start(
    target: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    app: Any,
) -> None:
    refusal = await _ticket_refusal(session, user, settings, app, t)
    if refusal is not None:
        await state.clear()
        await show(target, refusal, InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]), profile)
        return
    await state.set_state(Filing.category)
    await state.set_data({"draft": secrets.token_hex(6), "attachments": [], "description": ""})
    await show(target, t("complaints-intro"), _categories(t), profile)


@router.message(Command("complaint"))
async def complaint_command(
    message: Message,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    app: Any,
) -> None:
    await _start(message, state, t, profile, session, user, settings, app)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
@router.callback_query(Complaint.filter(F.action == "new"))
async def complaint_menu(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    app: Any,
) -> None:
    await _start(query, state, t, profile, session, user, settings, app)


@router.callback_query(Complaint.filter(F.action == "again"), StateFilter(Filing))
async def complaint_again(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    app: Any,
) -> None:
    await _start(query, state, t, profile, session, user, settings, app)


@router.callback_query(Complaint.filter(F.action == "cat"), Filing.category)
async def category_chosen(
    query: CallbackQuery,
    callback_data: Complaint,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    settings: Settings,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.value not in TicketCategory._value2member_map_:
        callback_answer.text = t("complaints-stale")
        return
    await state.update_data(category=callback_data.value)
    await _ask_description(query, state, t, settings, profile, callback_data.value)


async def _ask_description(
    target: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    category: str,
) -> None:
    await state.set_state(Filing.description)
    text = t(
        "complaints-ask-description",
        category=category_name(t, category),
        limit=settings.tickets.text_limit,
        minimum=settings.tickets.description_min,
    )
    await show(target, text, _back_cancel(t), profile)


def _attachment_of(message: Message) -> Attachment | None:
    kind = message_kind(message)
    if kind not in DONOR_MEDIA:
        return None
    file_id = file_id_of(message, kind)
    if file_id is None:
        return None
    caption = message.caption.strip() if message.caption else None
    return Attachment(
        kind=kind, file_id=file_id, chat_id=message.chat.id, message_id=message.message_id, caption=caption
    )


async def _add_attachment(state: FSMContext, attachment: Attachment, limit: int) -> int | None:
    """Keep the attachment in the draft; its position, or None when the limit is reached.
    The same message twice (a redelivered update) is kept once."""
    data = await state.get_data()
    kept: list[dict[str, Any]] = list(data.get("attachments", []))
    if any(item["message_id"] == attachment.message_id for item in kept):
        return len(kept)
    if len(kept) >= limit:
        return None
    kept.append(attachment.as_dict())
    await state.update_data(attachments=kept)
    return len(kept)


@router.message(Filing.description, NOT_COMMAND)
async def description_given(
    message: Message,
    state: FSMContext,
    t: Translator,
    settings: Settings,
    user: UserRecord,
    session: AsyncSession,
) -> None:
    config = settings.tickets
    attachment = _attachment_of(message)
    text = message.text if message.text is not None else (attachment.caption if attachment else None)
    if attachment is not None and config.attachment_limit > 0:
        # A photo with a caption: the caption is the description, the photo its attachment.
        kept = Attachment(
            attachment.kind, attachment.file_id, attachment.chat_id, attachment.message_id, None
        )
        await _add_attachment(state, kept if text else attachment, config.attachment_limit)
    if text is None:
        key = (
            "complaints-description-after-attachment"
            if attachment and config.attachment_limit
            else "complaints-description-not-text"
        )
        await message.answer(t(key), reply_markup=_back_cancel(t))
        return
    try:
        description = tickets.validate_description(text, config.text_limit, config.description_min)
    except TicketError as error:
        await message.answer(_description_error(t, error, text, settings), reply_markup=_back_cancel(t))
        return
    await state.update_data(description=description)
    if notice := masked_notice(t, privacy.mask_personal_numbers(text).kinds):
        await message.answer(notice)
    if config.attachment_limit == 0:
        await _ask_donation(message, state, t, user.id, session)
        return
    await _ask_attachments(message, state, t, settings)


async def _ask_attachments(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    config = settings.tickets
    await state.set_state(Filing.attachments)
    count = len((await state.get_data()).get("attachments", []))
    if count:
        await message.answer(
            t("complaints-attachment-received", count=count, limit=config.attachment_limit),
            reply_markup=_continue(t, first=False),
        )
    else:
        await message.answer(
            t("complaints-ask-attachments", limit=config.attachment_limit),
            reply_markup=_continue(t, first=True),
        )


def _description_error(t: Translator, error: TicketError, text: str, settings: Settings) -> str:
    config = settings.tickets
    if error.code == "too-long":
        return t("complaints-description-too-long", length=len(text.strip()), limit=config.text_limit)
    if error.code == "too-short":
        return t("complaints-description-too-short", minimum=config.description_min)
    return t("complaints-description-empty")


@router.message(Filing.attachments, NOT_COMMAND)
async def attachment_given(message: Message, state: FSMContext, t: Translator, settings: Settings) -> None:
    config = settings.tickets
    if message.text is not None:
        # More words after the description: they belong to it.
        data = await state.get_data()
        combined = f"{data.get('description', '')}\n{message.text}".strip()
        try:
            description = tickets.validate_description(combined, config.text_limit, config.description_min)
        except TicketError as error:
            await message.answer(
                _description_error(t, error, combined, settings),
                reply_markup=_continue(t, first=not data.get("attachments")),
            )
            return
        await state.update_data(description=description)
        await message.answer(
            with_masked_notice(
                t, t("complaints-attachment-text-added"), privacy.mask_personal_numbers(message.text).kinds
            ),
            reply_markup=_continue(t, first=not data.get("attachments")),
        )
        return
    attachment = _attachment_of(message)
    if attachment is None:
        first = not (await state.get_data()).get("attachments")
        await message.answer(t("complaints-attachment-unsupported"), reply_markup=_continue(t, first=first))
        return
    position = await _add_attachment(state, attachment, config.attachment_limit)
    if position is None:
        await message.answer(
            t("complaints-attachment-limit", limit=config.attachment_limit),
            reply_markup=_continue(t, first=False),
        )
        return
    await message.answer(
        with_masked_notice(
            t,
            t("complaints-attachment-received", count=position, limit=config.attachment_limit),
            privacy.mask_personal_numbers(attachment.caption or "").kinds,
        ),
        reply_markup=_continue(t, first=False),
    )


@router.callback_query(Complaint.filter(F.action == "go"), Filing.attachments)
async def attachments_done(
    query: CallbackQuery, state: FSMContext, t: Translator, user: UserRecord, session: AsyncSession
) -> None:
    assert isinstance(query.message, Message)
    await _ask_donation(query.message, state, t, user.id, session)


async def _ask_donation(
    message: Message, state: FSMContext, t: Translator, user_db_id: int, session: AsyncSession
) -> None:
    """The donor's paid donations to link one (not for a complaint about people)."""
    data = await state.get_data()
    donations = (
        [] if data.get("category") in NO_DONATION else await tickets.paid_donations(session, user_db_id)
    )
    await state.update_data(donation_offered=bool(donations))
    if not donations:
        await state.update_data(donation_id=None)
        await _ask_anonymity(message, state, t)
        return
    await state.set_state(Filing.donation)
    builder = InlineKeyboardBuilder()
    for info, label in zip(donations, donation_labels(t, donations), strict=True):
        builder.button(text=label, callback_data=Complaint(action="don", value=str(info.id)))
    builder.button(text=t("complaints-button-no-donation"), callback_data=Complaint(action="don", value="0"))
    builder.adjust(1)
    builder.row(_back_button(t), cancel_button(t))
    await message.answer(t("complaints-ask-donation"), reply_markup=builder.as_markup())


def donation_labels(t: Translator, donations: list[tickets.DonationInfo]) -> list[str]:
    """Button labels a donor can tell apart: Jalali date, amount, campaign (cut to fit); the
    time of day is added where two would read the same."""

    def label(info: tickets.DonationInfo, *, with_time: bool) -> str:
        when = "—"
        if info.paid_at is not None:
            when = (
                format_datetime(info.paid_at, t.locale) if with_time else format_date(info.paid_at, t.locale)
            )
        target = info.target(t.locale) or (t(f"complaints-purpose-{info.purpose}") if info.purpose else "—")
        head = t(
            "complaints-donation-button",
            date=when,
            amount=format_toman(info.amount_rials, t.locale),
            target="",
        )
        return head + clip(target, max(12, BUTTON_CHARS - len(head)))

    plain = [label(info, with_time=False) for info in donations]
    return [
        label(info, with_time=True) if plain.count(text) > 1 else text
        for info, text in zip(donations, plain, strict=True)
    ]


@router.callback_query(Complaint.filter(F.action == "don"), Filing.donation)
async def donation_chosen(
    query: CallbackQuery,
    callback_data: Complaint,
    state: FSMContext,
    t: Translator,
    user: UserRecord,
    session: AsyncSession,
    callback_answer: CallbackAnswer,
) -> None:
    assert isinstance(query.message, Message)
    donation_id = callback_int(callback_data.value, 0)
    if donation_id and not await tickets.owns_paid_donation(session, user.id, donation_id):
        callback_answer.text = t("complaints-stale")
        callback_answer.show_alert = True
        return
    await state.update_data(donation_id=donation_id or None)
    await _ask_anonymity(query.message, state, t)


async def _ask_anonymity(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(Filing.anonymity)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-anonymous"),
                    callback_data=Complaint(action="anon", value="1").pack(),
                ),
                InlineKeyboardButton(
                    text=t("complaints-button-named"),
                    callback_data=Complaint(action="anon", value="0").pack(),
                ),
            ],
            [_back_button(t), cancel_button(t)],
        ]
    )
    await message.answer(t("complaints-ask-anonymity"), reply_markup=markup)


@router.callback_query(Complaint.filter(F.action == "anon"), Filing.anonymity)
async def anonymity_chosen(
    query: CallbackQuery, callback_data: Complaint, state: FSMContext, t: Translator
) -> None:
    assert isinstance(query.message, Message)
    anonymous = callback_data.value == "1"
    await state.update_data(anonymous=anonymous)
    await _ask_contact(query.message, state, t, anonymous=anonymous)


async def _ask_contact(message: Message, state: FSMContext, t: Translator, *, anonymous: bool) -> None:
    await state.set_state(Filing.contact)
    text = t("complaints-ask-contact", example=MOBILE_EXAMPLE)
    if anonymous:
        text += "\n" + t("complaints-ask-contact-anonymous-note")
    await message.answer(text, reply_markup=_contact_keyboard(t))


@router.message(Filing.contact, F.contact)
async def contact_shared(message: Message, state: FSMContext, t: Translator, session: AsyncSession) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id != message.from_user.id:  # someone else's card, or a typed-in contact
        await message.answer(t("complaints-contact-not-own"), reply_markup=_contact_keyboard(t))
        return
    mobile = normalize_mobile(contact.phone_number)
    if mobile is None:
        await message.answer(
            t("complaints-contact-invalid", example=MOBILE_EXAMPLE), reply_markup=_contact_keyboard(t)
        )
        return
    await _contact_done(message, state, t, mobile, session)


@router.message(Filing.contact, F.text, NOT_COMMAND)
async def contact_typed(message: Message, state: FSMContext, t: Translator, session: AsyncSession) -> None:
    text = (message.text or "").strip()
    if t.is_label(text, "complaints-button-skip-contact"):
        await _contact_done(message, state, t, None, session)
        return
    if t.is_label(text, "common-back-button"):
        await message.answer(t("complaints-back-to-anonymity"), reply_markup=ReplyKeyboardRemove())
        await _ask_anonymity(message, state, t)
        return
    mobile = normalize_mobile(text)
    if mobile is None:
        await message.answer(
            t("complaints-contact-invalid", example=MOBILE_EXAMPLE), reply_markup=_contact_keyboard(t)
        )
        return
    await _contact_done(message, state, t, mobile, session)


@router.message(Filing.contact, NOT_COMMAND)
async def contact_other(message: Message, t: Translator) -> None:
    # A sticker, photo or location is not a wrong number: say what this step takes.
    await message.answer(t("complaints-contact-not-text"), reply_markup=_contact_keyboard(t))


async def _contact_done(
    message: Message, state: FSMContext, t: Translator, mobile: str | None, session: AsyncSession
) -> None:
    await state.update_data(mobile=mobile)
    await state.set_state(Filing.confirm)
    if mobile:
        ack = t("complaints-contact-saved", mobile=_digits(mobile, t.locale))
    else:
        ack = t("complaints-contact-skipped")
    await message.answer(ack, reply_markup=ReplyKeyboardRemove())
    await _send_summary(message, state, t, session)


def _digits(text: str, locale: str) -> str:
    return to_fa_digits(text) if locale == "fa" else text


async def _send_summary(message: Message, state: FSMContext, t: Translator, session: AsyncSession) -> None:
    data = await state.get_data()
    info = await tickets.donation_info(session, data.get("donation_id"))
    text = t(
        "complaints-summary",
        category=category_name(t, str(data.get("category"))),
        attachments=len(data.get("attachments", [])),
        donation=donation_line(t, info),
        mobile=_digits(data["mobile"], t.locale) if data.get("mobile") else t("complaints-none"),
        anonymity=t("complaints-summary-anonymous")
        if data.get("anonymous")
        else t("complaints-summary-named"),
        description=str(data.get("description", "")),
    )
    await message.answer(clip(text, 4096), reply_markup=_summary_keyboard(t, str(data.get("draft"))))


def _answer_repeat(
    callback_answer: CallbackAnswer, t: Translator, filed: Ticket | None, user_db_id: int
) -> None:
    """A summary's submit pressed when its draft is no longer being filed: the ticket's number
    when this person filed it, else a stale button."""
    if filed is not None and filed.user_id == user_db_id:
        callback_answer.text = t("complaints-already-filed", number=shown_number(filed.number, t.locale))
    else:
        alert(callback_answer, t("complaints-stale"))


@router.callback_query(Complaint.filter(F.action == "ok"), flags={"once": True})
async def submit(
    query: CallbackQuery,
    callback_data: Complaint,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    profile: PlatformProfile,
    t: Translator,
    app: Any,
    callback_answer: PressAnswer,
) -> None:
    desk = desk_for(app)
    data = await state.get_data()
    if await state.get_state() != Filing.confirm or data.get("draft") != callback_data.value:
        # Filed before (the state is cleared then), or a button of an abandoned summary.
        _answer_repeat(
            callback_answer, t, await tickets.ticket_by_draft(session, callback_data.value), user.id
        )
        return
    refusal = await _ticket_refusal(session, user, settings, app, t)
    if refusal is not None:
        await state.clear()
        await show(query, refusal, InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]), profile)
        return
    person = query.from_user
    name = person.full_name + (f" (@{person.username})" if person.username else "")
    draft = Draft(
        key=callback_data.value,
        category=TicketCategory(data["category"]),
        description=str(data.get("description", "")),
        attachments=tuple(Attachment.from_dict(item) for item in data.get("attachments", [])),
        donation_id=data.get("donation_id"),
        anonymous=bool(data.get("anonymous")),
        donor_name=clip(name, 160),
        mobile=data.get("mobile"),
    )
    config = settings.tickets
    try:
        ticket, created = await tickets.create_ticket(
            session,
            platform=profile.platform.value,
            user_db_id=user.id,
            draft=draft,
            now=desk.now(),
            prefix=config.number_prefix,
            staff_chat_id=config.chat_for(draft.category.value, settings.staff.staff_chat_id),
            text_limit=config.text_limit,
            attachment_limit=config.attachment_limit,
        )
    except TicketError as error:
        callback_answer.text = t(f"complaints-error-{error.code}")
        callback_answer.show_alert = True
        return
    await state.clear()
    if not created:  # filed by an earlier attempt at this update, which did not get to clear the state
        _answer_repeat(callback_answer, t, ticket, user.id)
        return
    text = t(
        "complaints-created",
        number=shown_number(ticket.number, t.locale),
        hours=hours_text(config.sla_hours, t.locale),
    )
    shown = await show(query, text, _after_filing(t), profile)
    await tickets.link(session, ticket, shown.chat.id, shown.message_id, LinkKind.CONFIRMATION)
    await callback_answer.send_now(query)  # the donor waits for no staff chat
    await desk.sync_to_staff(session, ticket.id, created=ticket)


@router.callback_query(Complaint.filter(F.action == "back"), StateFilter(Filing))
async def filing_back(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    settings: Settings,
    user: UserRecord,
    session: AsyncSession,
) -> None:
    """One step back; what was already given (text, attachments) is kept until replaced."""
    assert isinstance(query.message, Message)
    current = await state.get_state()
    data = await state.get_data()
    if current == Filing.description:
        await state.set_state(Filing.category)
        await show(query, t("complaints-intro"), _categories(t), profile)
    elif current == Filing.attachments or (
        current in (Filing.donation, Filing.anonymity)
        and settings.tickets.attachment_limit == 0
        and not (current == Filing.anonymity and data.get("donation_offered"))
    ):
        await _ask_description(query.message, state, t, settings, profile, str(data.get("category")))
    elif current == Filing.donation or (current == Filing.anonymity and not data.get("donation_offered")):
        await _ask_attachments(query.message, state, t, settings)
    elif current == Filing.anonymity:
        await _ask_donation(query.message, state, t, user.id, session)
    elif current == Filing.confirm:
        await _ask_contact(query.message, state, t, anonymous=bool(data.get("anonymous")))
    else:
        await _ask_anonymity(query.message, state, t)


@router.callback_query(Complaint.filter())
async def filing_stale(query: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    """A filing button from an earlier step or an abandoned draft."""
    callback_answer.text = t("complaints-stale")


# -- follow-ups -----------------------------------------------------------------------------


async def donor_replied_ticket(
    message: Message, session: AsyncSession, user: UserRecord
) -> dict[str, Any] | bool:
    """A donor's reply to a message of one of their tickets: hands the handler `ticket`."""
    reply = message.reply_to_message
    if reply is None or (message.text or "").startswith("/"):
        return False
    ticket = await tickets.ticket_by_link(session, user.platform, message.chat.id, reply.message_id)
    if ticket is None or ticket.user_id != user.id:
        return False
    return {"ticket": ticket}


@router.message(FollowUp.writing, NOT_COMMAND)
async def follow_up_in_flow(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    settings: Settings,
    t: Translator,
    app: Any,
) -> None:
    data = await state.get_data()
    ticket = await tickets.donor_ticket(session, user.id, int(data.get("ticket_id", 0)))
    if ticket is None:
        await state.clear()
        await message.answer(t("complaints-stale"))
        return
    await _follow_up(message, ticket, session, settings, t, app, writing=True)


@router.message(donor_replied_ticket, StateFilter(None, FollowUp.writing))
async def follow_up_by_reply(
    message: Message, ticket: Ticket, session: AsyncSession, settings: Settings, t: Translator, app: Any
) -> None:
    await _follow_up(message, ticket, session, settings, t, app, writing=False)


async def _follow_up(
    message: Message,
    ticket: Ticket,
    session: AsyncSession,
    settings: Settings,
    t: Translator,
    app: Any,
    *,
    writing: bool,
) -> None:
    desk = desk_for(app)
    number = shown_number(ticket.number, t.locale)
    kind = message_kind(message)
    if kind != "text" and kind not in DONOR_MEDIA:
        await message.answer(t("complaints-followup-unsupported"))
        return
    text = message.text if kind == "text" else message.caption
    if text is not None and len(text) > settings.tickets.text_limit:
        await message.answer(
            t("complaints-description-too-long", length=len(text), limit=settings.tickets.text_limit)
        )
        return
    donor = await users.get_by_id(session, ticket.user_id)
    if donor is not None:
        now = desk.now()
        verdict = await staff_limits.followup_verdict(
            session,
            platform=ticket.platform,
            user_id=donor.user_id,
            user_db_id=ticket.user_id,
            now=now,
            limits=staff_limits.Limits.of(settings.limits),
        )
        if not verdict.allowed:
            await message.answer(limit_text(t, verdict, now, subject="followup"))
            return
    locked = await tickets.get_ticket(session, ticket.id, for_update=True)
    if locked is None:
        return
    ticket = locked
    if ticket.status == TicketStatus.CLOSED:
        await message.answer(
            t("complaints-followup-closed", number=number), reply_markup=_reopen_keyboard(t, ticket)
        )
        return
    record = await tickets.add_message(
        session,
        ticket,
        direction=Direction.DONOR,
        kind=kind,
        text=text,
        file_id=file_id_of(message, kind) if kind != "text" else None,
        source_chat_id=message.chat.id,
        source_message_id=message.message_id,
        now=desk.now(),
    )
    if record is None:
        return  # this very message was handled before (a redelivered update)
    change = tickets.record_donor_message(ticket, now=desk.now())
    posted = await desk.sync_to_staff(session, ticket.id)  # commits first: nothing is lost
    key = "complaints-followup-sent" if posted else "complaints-followup-queued"
    masked = privacy.mask_personal_numbers(text or "").kinds
    await message.answer(
        with_masked_notice(t, t(key, number=number), masked),
        reply_markup=_writing_keyboard(t) if writing else None,
    )
    if change.changed:
        await desk.refresh_card(session, ticket)


def _reopen_keyboard(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("complaints-button-reopen"),
                    callback_data=MyTicket(action="reopen", ticket_id=ticket.id).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=t("complaints-button-new"), callback_data=Complaint(action="new").pack()
                )
            ],
        ]
    )


# -- /mytickets -----------------------------------------------------------------------------


async def _present(
    target: Message | CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | None,
    profile: PlatformProfile,
    screen: int,
) -> Message:
    """Replace a /mytickets screen; leave answers, notices and confirmations in the chat and
    send the next screen as a new message."""
    if isinstance(target, CallbackQuery) and not screen and isinstance(target.message, Message):
        return await target.message.answer(text, reply_markup=markup)
    return await show(target, text, markup, profile)


async def _list(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    offset: int,
    screen: int = 1,
) -> None:
    rows, total = await tickets.donor_tickets(session, user.id, offset=offset, limit=PAGE)
    builder = InlineKeyboardBuilder()
    if not rows:
        builder.button(text=t("complaints-button-new"), callback_data=Complaint(action="new"))
        builder.row(home_button(t))
        await _present(target, t("complaints-my-empty"), builder.as_markup(), profile, screen)
        return
    for ticket in rows:
        builder.button(
            text=t(
                "complaints-my-button",
                number=shown_number(ticket.number, t.locale),
                category=category_name(t, ticket.category),
                status=status_name(t, ticket.status),
            ),
            callback_data=MyTicket(action="view", ticket_id=ticket.id, screen=1),
        )
    builder.adjust(1)
    paging = []
    if offset > 0:
        paging.append(
            InlineKeyboardButton(
                text=t("common-previous-page"),
                callback_data=MyTicket(action="list", value=str(max(0, offset - PAGE)), screen=1).pack(),
            )
        )
    if offset + PAGE < total:
        paging.append(
            InlineKeyboardButton(
                text=t("common-next-page"),
                callback_data=MyTicket(action="list", value=str(offset + PAGE), screen=1).pack(),
            )
        )
    if paging:
        builder.row(*paging)
    builder.row(
        InlineKeyboardButton(text=t("complaints-button-new"), callback_data=Complaint(action="new").pack()),
        home_button(t),
    )
    await _present(target, t("complaints-my-title", count=total), builder.as_markup(), profile, screen)


@router.message(Command("mytickets"))
async def my_tickets_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    await _list(message, session, user, t, profile, 0)


@router.callback_query(MyTicket.filter(F.action == "list"))
async def my_tickets_page(
    query: CallbackQuery,
    callback_data: MyTicket,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    offset = callback_int(callback_data.value, 0)
    await _list(query, session, user, t, profile, offset, callback_data.screen)


async def _ticket_view(session: AsyncSession, ticket: Ticket, t: Translator) -> str:
    messages = await tickets.conversation(session, ticket.id)
    lines = []
    for item in messages:
        who = t("complaints-view-you") if item.direction == Direction.DONOR else t("complaints-view-staff")
        body = (
            clip(item.text, 300)
            if item.text
            else t(f"complaints-view-{'photo' if item.kind == 'photo' else 'file'}")
        )
        lines.append(
            t("complaints-view-line", who=who, when=format_datetime(item.created_at, t.locale), text=body)
        )
    text = t(
        "complaints-view",
        number=shown_number(ticket.number, t.locale),
        category=category_name(t, ticket.category),
        status=status_name(t, ticket.status),
        created=format_date(ticket.created_at, t.locale),
        description=clip(ticket.description, 1200),
        conversation="\n".join(lines) or t("complaints-view-no-messages"),
    )
    if ticket.rating is not None:
        text += "\n" + t("complaints-view-rating", stars=ticket.rating, max=5)
    return text


def _view_keyboard(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if ticket.status == TicketStatus.CLOSED:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("complaints-button-reopen"),
                    callback_data=MyTicket(action="reopen", ticket_id=ticket.id).pack(),
                )
            ]
        )
    else:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("complaints-button-write"),
                    callback_data=MyTicket(action="write", ticket_id=ticket.id, screen=1).pack(),
                ),
                InlineKeyboardButton(
                    text=t("complaints-button-close"),
                    callback_data=MyTicket(action="close", ticket_id=ticket.id, screen=1).pack(),
                ),
            ]
        )
    if ticket.rating is None and ticket.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("complaints-button-rate"),
                    callback_data=MyTicket(action="stars", ticket_id=ticket.id, screen=1).pack(),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=t("complaints-button-back-to-list"),
                callback_data=MyTicket(action="list", screen=1).pack(),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.callback_query(MyTicket.filter(F.action.in_({"view", "write", "close", "reopen", "stars", "rate"})))
async def my_ticket_action(
    query: CallbackQuery,
    callback_data: MyTicket,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    app: Any,
    callback_answer: CallbackAnswer,
) -> None:
    ticket = await tickets.donor_ticket(session, user.id, callback_data.ticket_id)
    if ticket is None:
        callback_answer.text = t("complaints-stale")
        callback_answer.show_alert = True
        return
    action, screen = callback_data.action, callback_data.screen
    if action == "view":
        view = clip(await _ticket_view(session, ticket, t), 4096)
        await _present(query, view, _view_keyboard(t, ticket), profile, screen)
    elif action == "write":
        await _write(query, state, ticket, t, profile, screen)
    elif action == "close":
        await _donor_close(query, state, session, ticket, t, profile, app, callback_answer, screen)
    elif action == "reopen":
        await _donor_reopen(query, state, session, ticket, t, profile, app, callback_answer, screen)
    elif action == "stars":
        ask = t("complaints-rate-ask", number=shown_number(ticket.number, t.locale))
        await _present(query, ask, rating_keyboard(t, ticket, screen=1), profile, screen)
    else:
        await _rate(
            query, state, session, ticket, callback_data.value, t, profile, app, callback_answer, screen
        )


async def _write(
    query: CallbackQuery,
    state: FSMContext,
    ticket: Ticket,
    t: Translator,
    profile: PlatformProfile,
    screen: int,
) -> None:
    number = shown_number(ticket.number, t.locale)
    if ticket.status == TicketStatus.CLOSED:
        closed = t("complaints-followup-closed", number=number)
        await _present(query, closed, _reopen_keyboard(t, ticket), profile, screen)
        return
    await state.set_state(FollowUp.writing)
    await state.set_data({"ticket_id": ticket.id})
    await _present(query, t("complaints-followup-ask", number=number), _writing_keyboard(t), profile, screen)


@router.callback_query(MyTicket.filter(F.action == "done"))
async def writing_done(
    query: CallbackQuery,
    callback_data: MyTicket,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    if await state.get_state() == FollowUp.writing:
        await state.clear()
    await _present(
        query, t("complaints-followup-done"), main_menu(t, menu_sections), profile, callback_data.screen
    )


async def _donor_close(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    ticket: Ticket,
    t: Translator,
    profile: PlatformProfile,
    app: Any,
    callback_answer: CallbackAnswer,
    screen: int,
) -> None:
    desk = desk_for(app)
    ticket = await tickets.get_ticket(session, ticket.id, for_update=True) or ticket
    number = shown_number(ticket.number, t.locale)
    change = tickets.donor_close(ticket, now=desk.now())
    if not change.changed:
        callback_answer.text = t("complaints-already-closed", number=number)
        return
    if await state.get_state() == FollowUp.writing:
        await state.clear()
    closed = t("complaints-closed-by-you", number=number)
    await _present(query, closed, rating_keyboard(t, ticket, screen=1), profile, screen)
    staff_t = desk.staff_t
    await desk.close_topic(ticket, closed=True)
    await desk.refresh_card(
        session,
        ticket,
        staff_t("complaints-staff-notice-donor-closed", number=shown_number(ticket.number, staff_t.locale)),
    )


async def _donor_reopen(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    ticket: Ticket,
    t: Translator,
    profile: PlatformProfile,
    app: Any,
    callback_answer: CallbackAnswer,
    screen: int,
) -> None:
    desk = desk_for(app)
    ticket = await tickets.get_ticket(session, ticket.id, for_update=True) or ticket
    number = shown_number(ticket.number, t.locale)
    change = tickets.donor_reopen(ticket, now=desk.now())
    if change.changed:
        staff_t = desk.staff_t
        await desk.close_topic(ticket, closed=False)
        await desk.refresh_card(
            session,
            ticket,
            staff_t(
                "complaints-staff-notice-donor-reopened", number=shown_number(ticket.number, staff_t.locale)
            ),
        )
    await state.set_state(FollowUp.writing)
    await state.set_data({"ticket_id": ticket.id})
    await _present(query, t("complaints-reopened", number=number), _writing_keyboard(t), profile, screen)


async def _rate(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    ticket: Ticket,
    value: str,
    t: Translator,
    profile: PlatformProfile,
    app: Any,
    callback_answer: CallbackAnswer,
    screen: int,
) -> None:
    desk = desk_for(app)
    stars = callback_int(value, 0)
    try:
        rated = tickets.rate(ticket, stars)
    except TicketError as error:
        callback_answer.text = t(f"complaints-error-{error.code}")
        callback_answer.show_alert = True
        return
    if not rated:
        callback_answer.text = t("complaints-rate-already")
        return
    thanks = t("complaints-rate-thanks", stars=stars, max=5)
    if stars <= tickets.LOW_RATING:
        await state.set_state(RatingReason.waiting)
        await state.set_data({"ticket_id": ticket.id})
        ask = thanks + "\n\n" + t("complaints-rate-why")
        skip = InlineKeyboardButton(
            text=t("complaints-button-no-reason"),
            callback_data=MyTicket(action="noreason", ticket_id=ticket.id).pack(),
        )
        await _present(query, ask, InlineKeyboardMarkup(inline_keyboard=[[skip]]), profile, screen)
    else:
        await _present(query, thanks, _after_rating(t), profile, screen)
    await desk.refresh_card(session, ticket)
    staff_t = desk.staff_t
    await desk.post_notice(
        session,
        ticket,
        staff_t(
            "complaints-staff-notice-rated",
            number=shown_number(ticket.number, staff_t.locale),
            stars=stars,
            max=5,
        ),
        keyboard=False,
    )


@router.message(RatingReason.waiting, F.text, NOT_COMMAND)
async def rating_reason_given(
    message: Message, state: FSMContext, session: AsyncSession, user: UserRecord, t: Translator, app: Any
) -> None:
    data = await state.get_data()
    await state.clear()
    ticket = await tickets.donor_ticket(session, user.id, int(data.get("ticket_id", 0)))
    if ticket is None or not tickets.set_rating_reason(ticket, message.text or "", REASON_LIMIT):
        await message.answer(t("complaints-stale"), reply_markup=_after_rating(t))
        return
    await message.answer(t("complaints-rate-reason-thanks"), reply_markup=_after_rating(t))
    desk = desk_for(app)
    staff_t = desk.staff_t
    await desk.refresh_card(
        session,
        ticket,
        staff_t(
            "complaints-staff-notice-rating-reason",
            number=shown_number(ticket.number, staff_t.locale),
            reason=ticket.rating_reason or "",
        ),
    )


@router.message(RatingReason.waiting, NOT_COMMAND)
async def rating_reason_not_text(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    skip = InlineKeyboardButton(
        text=t("complaints-button-no-reason"),
        callback_data=MyTicket(action="noreason", ticket_id=int(data.get("ticket_id", 0))).pack(),
    )
    await message.answer(
        t("complaints-rate-why-text-only"), reply_markup=InlineKeyboardMarkup(inline_keyboard=[[skip]])
    )


@router.callback_query(MyTicket.filter(F.action == "noreason"))
async def rating_reason_skipped(
    query: CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    if await state.get_state() == RatingReason.waiting:
        await state.clear()
    assert isinstance(query.message, Message)
    await query.message.answer(t("complaints-rate-reason-skipped"), reply_markup=_after_rating(t))


def staff_reports(settings: Settings, clock: Clock) -> StaffReports:
    """The tickets export, /stats section and /health backlogs with this bot's SLA and clock."""
    return tickets.staff_reports(settings.tickets.sla_hours, clock)


feature = Feature(
    name="complaints",
    private=router,
    section=SECTION,
    commands=(("complaint", "complaints-cmd-complaint"), ("mytickets", "complaints-cmd-mytickets")),
    on_startup=(start_sla_loop,),
    reports=staff_reports,
)
