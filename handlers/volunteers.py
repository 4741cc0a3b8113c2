"""/volunteer: join the volunteer network (areas, profession, skills, region, availability,
mobile, consent, summary), edit later, withdraw (the record is deleted).
/volunteers: admins search volunteers by area, profession and region.

The draft lives in the conversation state, so a half-finished sign-up survives a restart; the
next screen is always the first thing the draft still lacks (or the summary), which makes the
same steps serve the first sign-up and later edits.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram import Bot, F, Router
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

from bot.access import RequireRole
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.ui import (
    Feature,
    InlineKeyboardBuilder,
    MenuCallback,
    MenuSection,
    cancel_button,
    home_button,
    main_menu,
    masked_notice,
    show,
)
from bot.widgets import region_picker as picker
from bot.widgets.region_picker import RegionPick
from models.volunteers import Volunteer
from services import audit, privacy, regions
from services import volunteers as service
from services.clock import Clock
from services.persian import format_date
from services.roles import Role
from services.users import UserRecord
from services.volunteers import AREAS, AVAILABILITY, OTHER, PROFESSIONS, Draft, InvalidVolunteer

router = Router(name="volunteers")
search_router = Router(name="volunteers-search")
search_router.message.middleware(RequireRole(Role.ADMIN))
search_router.callback_query.middleware(RequireRole(Role.ADMIN))
router.include_router(search_router)

SECTION = MenuSection(key="volunteer", text_key="volunteer-menu-button", order=70)

REGIONS_PER_PAGE = picker.PER_PAGE
FLOW = "vol"  # this flow's tag in the shared region picker
RESULTS_PER_PAGE = 8
SKILLS_PREVIEW = 120
STEPS = ("areas", "profession", "skills", "province", "county", "availability", "mobile", "consent")


class Form(StatesGroup):
    areas = State()
    profession = State()
    skills = State()
    province = State()
    county = State()
    availability = State()
    mobile = State()
    consent = State()
    summary = State()


STATE_OF: dict[str, State] = {
    "areas": Form.areas,
    "profession": Form.profession,
    "skills": Form.skills,
    "province": Form.province,
    "county": Form.county,
    "availability": Form.availability,
    "mobile": Form.mobile,
    "consent": Form.consent,
    "summary": Form.summary,
}
# Sections of the edit menu and the step each one opens.
EDIT_SECTIONS = ("areas", "profession", "skills", "province", "availability", "mobile")


class VolCb(CallbackData, prefix="vol"):
    """a: action, v: value. Actions: ar/arok areas, pf/pfo profession, skn skip skills, bk back,
    av/avok availability, cs consent,
    ok save, ed edit menu, es edit section, sm summary, go start, me edit mine, wd/wdy/wdn withdraw."""

    a: str
    v: str = ""


class SearchCb(CallbackData, prefix="vs"):
    """Staff search: the whole filter travels in the button (no state to lose). a: f filter
    screen, fa/fp/fr/fc choose area/profession/province/county, r results; p: page."""

    a: str
    ar: str = ""
    pf: str = ""
    pr: str = ""
    co: str = ""
    p: int = 0


# ------------------------------------------------------------------------------------------
# Small helpers


async def _draft(state: FSMContext) -> Draft:
    return Draft.from_dict((await state.get_data()).get("draft"))


async def _keep(state: FSMContext, draft: Draft) -> None:
    await state.update_data(draft=draft.to_dict())


async def _send(target: Message | CallbackQuery, text: str, markup: Any) -> Message:
    """A new message (for reply keyboards, which cannot be edited in)."""
    if isinstance(target, CallbackQuery):
        bot = target.bot
        assert isinstance(bot, Bot)
        return await bot.send_message(target.from_user.id, text, reply_markup=markup)
    return await target.answer(text, reply_markup=markup)


def _button(text: str, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=VolCb(a=action, v=value).pack())


def _labels(t: Translator, prefix: str, keys: list[str]) -> str:
    return t("volunteer-list-separator").join(t(f"{prefix}-{key}") for key in keys)


def _profession_label(t: Translator, key: str | None, detail: str | None) -> str:
    if key is None:
        return "—"
    if key == OTHER and detail:
        return detail
    label = t(f"volunteer-profession-{key}")
    return t("volunteer-profession-detail", profession=label, detail=detail) if detail else label


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def _nav_row(t: Translator, page: int, pages: int, make: Any) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text=t("common-previous-page"), callback_data=make(page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton(text=t("common-next-page"), callback_data=make(page + 1)))
    return row


# ------------------------------------------------------------------------------------------
# Screens of the sign-up


def _step_header(t: Translator, draft: Draft, step: str) -> str:
    """«مرحلهٔ ۲ از ۸» during the first sign-up; nothing while editing a stored one."""
    if draft.consent or step not in STEPS:
        return ""
    return t("volunteer-step", number=STEPS.index(step) + 1, total=len(STEPS)) + "\n"


def _back(t: Translator, draft: Draft, step: str) -> list[InlineKeyboardButton]:
    """Back one step, during the first sign-up (an edit goes back to the summary instead)."""
    if draft.consent or step not in STEPS or STEPS.index(step) == 0:
        return []
    return [_button(t("common-back-button"), "bk", step)]


def _back_to_summary(t: Translator, draft: Draft) -> list[InlineKeyboardButton]:
    if draft.missing() is None:
        return [_button(t("volunteer-back-to-summary"), "sm")]
    return []


def _areas_screen(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            _button(
                t("volunteer-toggle", mark=_mark(t, key in draft.areas), label=t(f"volunteer-area-{key}")),
                "ar",
                key,
            )
        ]
        for key in AREAS
    ]
    rows.append([_button(t("volunteer-continue"), "arok")])
    rows.append([cancel_button(t)])
    return _step_header(t, draft, "areas") + t("volunteer-areas-prompt"), InlineKeyboardMarkup(
        inline_keyboard=rows
    )


def _mark(t: Translator, on: bool) -> str:
    return t("volunteer-mark-on") if on else t("volunteer-mark-off")


def _profession_screen(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for key in PROFESSIONS:
        if key == OTHER:
            continue
        builder.add(_button(t(f"volunteer-profession-{key}"), "pf", key))
    builder.adjust(2)
    builder.row(_button(t("volunteer-profession-other-button"), "pfo"))
    extra = _back_to_summary(t, draft)
    if extra:
        builder.row(*extra)
    builder.row(*_back(t, draft, "profession"), cancel_button(t))
    return _step_header(t, draft, "profession") + t("volunteer-profession-prompt"), builder.as_markup()


def _skills_screen(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(t("volunteer-skills-skip"), "skn")]]
    extra = _back_to_summary(t, draft)
    if extra:
        rows.append(extra)
    rows.append([*_back(t, draft, "skills"), cancel_button(t)])
    text = _step_header(t, draft, "skills") + t("volunteer-skills-prompt", limit=service.MAX_SKILLS)
    if draft.skills:
        text += "\n\n" + t("volunteer-skills-current", skills=draft.skills)
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _province_screen(t: Translator, draft: Draft, page: int) -> tuple[str, InlineKeyboardMarkup]:
    provinces = service.sorted_provinces(t.locale)
    pages = _pages(len(provinces), REGIONS_PER_PAGE)
    page = max(0, min(page, pages - 1))
    extra = _back_to_summary(t, draft)
    footer = [extra] if extra else []
    footer.append([*_back(t, draft, "province"), cancel_button(t)])
    markup = picker.province_keyboard(t, FLOW, page=page, footer=footer)
    text = _step_header(t, draft, "province") + t("volunteer-province-prompt", page=page + 1, pages=pages)
    return text, markup


def _county_screen(t: Translator, draft: Draft, page: int) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.province_id is not None
    counties = service.sorted_counties(draft.province_id, t.locale)
    pages = _pages(len(counties), REGIONS_PER_PAGE)
    page = max(0, min(page, pages - 1))
    markup = picker.county_keyboard(
        t,
        FLOW,
        draft.province_id,
        page=page,
        change=t("volunteer-change-province"),
        footer=[[*_back(t, draft, "county"), cancel_button(t)]],
    )
    province = regions.get_province(draft.province_id).name(t.locale)
    text = _step_header(t, draft, "county") + t(
        "volunteer-county-prompt", province=province, page=page + 1, pages=pages
    )
    return text, markup


def _availability_screen(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            _button(
                t(
                    "volunteer-toggle",
                    mark=_mark(t, key in draft.availability),
                    label=t(f"volunteer-when-{key}"),
                ),
                "av",
                key,
            )
        ]
        for key in AVAILABILITY
    ]
    rows.append([_button(t("volunteer-continue"), "avok")])
    rows.append([*_back(t, draft, "availability"), cancel_button(t)])
    return _step_header(t, draft, "availability") + t("volunteer-availability-prompt"), InlineKeyboardMarkup(
        inline_keyboard=rows
    )


def _mobile_keyboard(t: Translator, draft: Draft) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(text=t("volunteer-mobile-share-button"), request_contact=True)]]
    if draft.missing() is None:
        rows.append([KeyboardButton(text=t("volunteer-mobile-keep-button"))])
    if _back(t, draft, "mobile"):
        rows.append([KeyboardButton(text=t("common-back-button"))])
    rows.append([KeyboardButton(text=t("volunteer-mobile-cancel-button"))])
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)


def _consent_screen(t: Translator, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(t("volunteer-consent-agree"), "cs")], [*_back(t, draft, "consent"), cancel_button(t)]]
    return _step_header(t, draft, "consent") + t("volunteer-consent-text"), InlineKeyboardMarkup(
        inline_keyboard=rows
    )


def _profile_text(t: Translator, draft: Draft) -> str:
    return t(
        "volunteer-profile",
        areas=_labels(t, "volunteer-area", draft.areas) or "—",
        profession=_profession_label(t, draft.profession, draft.profession_text),
        skills=draft.skills or t("volunteer-none"),
        region=service.region_label(draft.province_id, draft.county_id, t.locale) or "—",
        availability=_labels(t, "volunteer-when", draft.availability) or "—",
        mobile=draft.mobile or "—",
    )


def _summary_screen(t: Translator, draft: Draft, stored: bool) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [_button(t("volunteer-save-changes") if stored else t("volunteer-confirm"), "ok")],
        [_button(t("volunteer-edit"), "ed")],
        [cancel_button(t)],
    ]
    text = (
        t("volunteer-summary-title") + "\n\n" + _profile_text(t, draft) + "\n\n" + t("volunteer-summary-hint")
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _edit_menu(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for section in EDIT_SECTIONS:
        builder.add(_button(t(f"volunteer-edit-{section}"), "es", section))
    builder.adjust(2)
    builder.row(_button(t("volunteer-back-to-summary"), "sm"))
    builder.row(cancel_button(t))
    return builder.as_markup()


def _registered_screen(t: Translator, volunteer: Volunteer) -> tuple[str, InlineKeyboardMarkup]:
    draft = service.draft_from(volunteer)
    rows = [
        [_button(t("volunteer-edit"), "me")],
        [_button(t("volunteer-withdraw"), "wd")],
        [home_button(t)],
    ]
    text = (
        t("volunteer-registered", date=format_date(volunteer.created_at, t.locale))
        + "\n\n"
        + _profile_text(t, draft)
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def _go(
    target: Message | CallbackQuery,
    state: FSMContext,
    draft: Draft,
    t: Translator,
    profile: PlatformProfile,
    *,
    step: str | None = None,
    page: int = 0,
    prefix: str = "",
) -> None:
    """Save the draft and show `step` (default: the first thing the draft lacks, else the
    summary)."""
    step = step or draft.missing() or "summary"
    if step == "county" and draft.province_id is None:
        step = "province"
    await state.set_state(STATE_OF[step])
    await _keep(state, draft)
    if step == "mobile":
        text = prefix + _step_header(t, draft, "mobile") + t("volunteer-mobile-prompt")
        if draft.mobile:
            text += "\n\n" + t("volunteer-mobile-current", mobile=draft.mobile)
        await _send(target, text, _mobile_keyboard(t, draft))
        return
    if step == "areas":
        text, markup = _areas_screen(t, draft)
    elif step == "profession":
        text, markup = _profession_screen(t, draft)
    elif step == "skills":
        text, markup = _skills_screen(t, draft)
    elif step == "province":
        text, markup = _province_screen(t, draft, page)
    elif step == "county":
        text, markup = _county_screen(t, draft, page)
    elif step == "availability":
        text, markup = _availability_screen(t, draft)
    elif step == "consent":
        text, markup = _consent_screen(t, draft)
    else:
        stored = bool((await state.get_data()).get("stored"))
        text, markup = _summary_screen(t, draft, stored)
    await show(target, prefix + text, markup, profile)


# ------------------------------------------------------------------------------------------
# Entry: /volunteer and the menu; re-registration shows the stored sign-up instead


async def _enter(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    volunteer = await service.get_volunteer(session, user.id)
    if volunteer is not None:
        await state.clear()
        text, markup = _registered_screen(t, volunteer)
        await show(target, text, markup, profile)
        return
    await state.clear()
    await _go(target, state, Draft(), t, profile, step="areas", prefix=t("volunteer-intro") + "\n\n")


@router.message(Command("volunteer"))
async def volunteer_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _enter(message, state, session, user, t, profile)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def volunteer_menu(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _enter(query, state, session, user, t, profile)


# ------------------------------------------------------------------------------------------
# Areas


@router.callback_query(VolCb.filter(F.a == "ar"), Form.areas)
async def toggle_area(
    query: CallbackQuery,
    callback_data: VolCb,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    try:
        draft.toggle_area(callback_data.v)
    except InvalidVolunteer:
        callback_answer.text = t("volunteer-invalid-button")
        return
    await _go(query, state, draft, t, profile, step="areas")


@router.callback_query(VolCb.filter(F.a == "arok"), Form.areas)
async def areas_done(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    if not draft.areas:
        callback_answer.text = t("volunteer-areas-none")
        callback_answer.show_alert = True
        return
    await _go(query, state, draft, t, profile)


# ------------------------------------------------------------------------------------------
# Profession


@router.callback_query(VolCb.filter(F.a == "pf"), Form.profession)
async def profession_chosen(
    query: CallbackQuery,
    callback_data: VolCb,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.v not in PROFESSIONS or callback_data.v == OTHER:
        callback_answer.text = t("volunteer-invalid-button")
        return
    draft = await _draft(state)
    draft.profession, draft.profession_text = callback_data.v, None
    await _go(query, state, draft, t, profile)


@router.callback_query(VolCb.filter(F.a == "pfo"), Form.profession)
async def profession_other(query: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = t("volunteer-profession-type-it")
    callback_answer.show_alert = True


@router.message(Form.profession, F.text, ~F.text.startswith("/"))
async def profession_typed(
    message: Message, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    text = service.clean_text(message.text or "", service.MAX_PROFESSION_TEXT)
    if text is None:
        await message.answer(t("volunteer-too-long", limit=service.MAX_PROFESSION_TEXT))
        return
    if notice := masked_notice(t, privacy.mask_personal_numbers(message.text or "").kinds):
        await message.answer(notice)
    draft = await _draft(state)
    draft.profession, draft.profession_text = service.match_profession(text)
    await _go(message, state, draft, t, profile)


# ------------------------------------------------------------------------------------------
# Skills


@router.callback_query(VolCb.filter(F.a == "skn"), Form.skills)
async def skills_skipped(
    query: CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    draft = await _draft(state)
    draft.skills, draft.skills_done = None, True
    await _go(query, state, draft, t, profile)


@router.message(Form.skills, F.text, ~F.text.startswith("/"))
async def skills_typed(message: Message, state: FSMContext, t: Translator, profile: PlatformProfile) -> None:
    text = service.clean_text(message.text or "", service.MAX_SKILLS)
    if text is None:
        await message.answer(t("volunteer-too-long", limit=service.MAX_SKILLS))
        return
    if notice := masked_notice(t, privacy.mask_personal_numbers(message.text or "").kinds):
        await message.answer(notice)
    draft = await _draft(state)
    draft.skills, draft.skills_done = text, True
    await _go(message, state, draft, t, profile)


# ------------------------------------------------------------------------------------------
# Province and county


@router.callback_query(
    RegionPick.filter((F.flow == FLOW) & F.kind.in_({picker.PROVINCE_PAGE, picker.CHANGE_PROVINCE})),
    StateFilter(Form.province, Form.county),
)
async def province_page(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _go(query, state, await _draft(state), t, profile, step="province", page=callback_data.page)


@router.callback_query(
    RegionPick.filter((F.flow == FLOW) & (F.kind == picker.PROVINCE)), StateFilter(Form.province, Form.county)
)
async def province_chosen(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    try:
        draft.set_province(callback_data.id)
    except InvalidVolunteer:
        callback_answer.text = t("volunteer-invalid-button")
        callback_answer.show_alert = True
        return
    await _go(query, state, draft, t, profile, step="county")


@router.message(Form.province, F.text, ~F.text.startswith("/"))
async def province_typed(
    message: Message, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    draft = await _draft(state)
    found = regions.match_region((message.text or "")[:100])
    if not found.choices and found.province is None:
        await _go(
            message,
            state,
            draft,
            t,
            profile,
            step="province",
            prefix=t("volunteer-province-not-found") + "\n\n",
        )
        return
    if found.province is not None:  # a province, or a county or city in it («مشهد»)
        draft.set_province(found.province.id)
        if found.county is not None:
            draft.set_county(found.county.id)
            await _go(message, state, draft, t, profile)
            return
        await _go(message, state, draft, t, profile, step="county")
        return
    rows = [[picker.choice_button(t, FLOW, p)] for p in found.province_choices()[:6]]
    rows.append([picker.list_button(t("volunteer-show-list"), FLOW)])
    rows.append([cancel_button(t)])
    await message.answer(t("volunteer-did-you-mean"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(RegionPick.filter((F.flow == FLOW) & (F.kind == picker.COUNTY_PAGE)), Form.county)
async def county_page(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _go(query, state, await _draft(state), t, profile, step="county", page=callback_data.page)


@router.callback_query(RegionPick.filter((F.flow == FLOW) & (F.kind == picker.COUNTY)), Form.county)
async def county_chosen(
    query: CallbackQuery,
    callback_data: RegionPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    try:
        draft.set_county(callback_data.id)
    except InvalidVolunteer:
        # A forged or stale button: a county outside the chosen province.
        callback_answer.text = t("volunteer-county-outside")
        callback_answer.show_alert = True
        return
    await _go(query, state, draft, t, profile)


@router.message(Form.county, F.text, ~F.text.startswith("/"))
async def county_typed(message: Message, state: FSMContext, t: Translator, profile: PlatformProfile) -> None:
    draft = await _draft(state)
    if draft.province_id is None:
        await _go(message, state, draft, t, profile, step="province")
        return
    found = regions.match_region((message.text or "")[:100], draft.province_id)
    if not found.choices and found.county is None:
        province = regions.get_province(draft.province_id).name(t.locale)
        prefix = t("volunteer-county-not-found", province=province) + "\n\n"
        await _go(message, state, draft, t, profile, step="county", prefix=prefix)
        return
    if found.county is not None:
        draft.set_county(found.county.id)
        await _go(message, state, draft, t, profile)
        return
    rows = [[picker.choice_button(t, FLOW, c)] for c in found.choices]
    rows.append([picker.list_button(t("volunteer-show-list"), FLOW, draft.province_id)])
    rows.append([cancel_button(t)])
    await message.answer(t("volunteer-did-you-mean"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


# ------------------------------------------------------------------------------------------
# Availability


@router.callback_query(VolCb.filter(F.a == "av"), Form.availability)
async def toggle_availability(
    query: CallbackQuery,
    callback_data: VolCb,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    try:
        draft.toggle_availability(callback_data.v)
    except InvalidVolunteer:
        callback_answer.text = t("volunteer-invalid-button")
        return
    await _go(query, state, draft, t, profile, step="availability")


@router.callback_query(VolCb.filter(F.a == "avok"), Form.availability)
async def availability_done(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    if not draft.availability:
        callback_answer.text = t("volunteer-availability-none")
        callback_answer.show_alert = True
        return
    await _go(query, state, draft, t, profile)


# ------------------------------------------------------------------------------------------
# Mobile: the contact button (only the person's own contact) or typed


async def _leave_mobile(message: Message, text: str) -> None:
    """Confirm in a message that also takes the contact keyboard away."""
    await message.answer(text, reply_markup=ReplyKeyboardRemove(remove_keyboard=True))


@router.message(Form.mobile, F.contact)
async def mobile_shared(message: Message, state: FSMContext, t: Translator, profile: PlatformProfile) -> None:
    contact = message.contact
    assert contact is not None
    if message.from_user is None or contact.user_id != message.from_user.id:
        await message.answer(t("volunteer-mobile-not-own"))
        return
    mobile = service.parse_mobile(contact.phone_number)
    if mobile is None:
        await message.answer(t("volunteer-mobile-not-iranian"))
        return
    draft = await _draft(state)
    draft.mobile, draft.mobile_shared = mobile, True
    await _leave_mobile(message, t("volunteer-mobile-saved", mobile=mobile))
    await _go(message, state, draft, t, profile)


@router.message(Form.mobile, F.text, ~F.text.startswith("/"))
async def mobile_typed(
    message: Message,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    menu_sections: list[MenuSection],
) -> None:
    text = (message.text or "").strip()
    draft = await _draft(state)
    if t.is_label(text, "volunteer-mobile-cancel-button"):
        await state.clear()
        await _leave_mobile(message, t("volunteer-cancelled"))
        await message.answer(t("menu-title"), reply_markup=main_menu(t, menu_sections))
        return
    if t.is_label(text, "common-back-button") and _back(t, draft, "mobile"):
        await _leave_mobile(message, t("volunteer-going-back"))
        await _go(message, state, draft, t, profile, step=_previous("mobile"))
        return
    if t.is_label(text, "volunteer-mobile-keep-button") and draft.missing() is None:
        await _leave_mobile(message, t("volunteer-mobile-kept"))
        await _go(message, state, draft, t, profile)
        return
    mobile = service.parse_mobile(text[:40])
    if mobile is None:
        await message.answer(t("volunteer-mobile-invalid"))
        return
    draft.mobile, draft.mobile_shared = mobile, False
    await _leave_mobile(message, t("volunteer-mobile-saved", mobile=mobile))
    await _go(message, state, draft, t, profile)


@router.message(Form.mobile, ~F.text.startswith("/"))
async def mobile_other(message: Message, t: Translator) -> None:
    await message.answer(t("volunteer-mobile-need"))


# ------------------------------------------------------------------------------------------
# Consent, summary, edit, save


@router.callback_query(VolCb.filter(F.a == "cs"), Form.consent)
async def consent_given(
    query: CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    draft = await _draft(state)
    draft.consent = True
    await _go(query, state, draft, t, profile)


def _previous(step: str) -> str:
    return STEPS[STEPS.index(step) - 1]


@router.callback_query(VolCb.filter(F.a == "bk"), StateFilter(*STATE_OF.values()))
async def step_back(
    query: CallbackQuery,
    callback_data: VolCb,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    """Back one step of the first sign-up; what was chosen stays, and answering again carries on
    from the first step still missing."""
    draft = await _draft(state)
    step = callback_data.v
    current = await state.get_state()
    if not _back(t, draft, step) or STATE_OF[step].state != current:
        callback_answer.text = t("volunteer-old-button")  # a Back from an older message
        callback_answer.show_alert = True
        return
    await _go(query, state, draft, t, profile, step=_previous(step))


@router.callback_query(VolCb.filter(F.a == "sm"), StateFilter(*STATE_OF.values()))
async def back_to_summary(
    query: CallbackQuery, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    await _go(query, state, await _draft(state), t, profile)


@router.callback_query(VolCb.filter(F.a == "ed"), Form.summary)
async def edit_menu(query: CallbackQuery, t: Translator, profile: PlatformProfile) -> None:
    await show(query, t("volunteer-edit-which"), _edit_menu(t), profile)


@router.callback_query(VolCb.filter(F.a == "es"), Form.summary)
async def edit_section(
    query: CallbackQuery,
    callback_data: VolCb,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.v not in EDIT_SECTIONS:
        callback_answer.text = t("volunteer-invalid-button")
        return
    await _go(query, state, await _draft(state), t, profile, step=callback_data.v)


@router.callback_query(VolCb.filter(F.a == "ok"), Form.summary, flags={"once": True})
async def confirm(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await _draft(state)
    try:
        _, created = await service.save_volunteer(session, user.id, draft, clock.now())
    except InvalidVolunteer as error:
        callback_answer.text = t("volunteer-incomplete")
        await _go(query, state, draft, t, profile, step=error.field)
        return
    await state.clear()
    callback_answer.text = t("volunteer-saved-short")
    text = t("volunteer-saved") if created else t("volunteer-updated")
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=[[home_button(t)]]), profile)


# ------------------------------------------------------------------------------------------
# A stored sign-up: edit, withdraw


@router.callback_query(VolCb.filter(F.a == "go"))
async def start_again(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _enter(query, state, session, user, t, profile)


@router.callback_query(VolCb.filter(F.a == "me"))
async def edit_mine(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    volunteer = await service.get_volunteer(session, user.id)
    if volunteer is None:
        callback_answer.text = t("volunteer-not-registered")
        await _enter(query, state, session, user, t, profile)
        return
    await state.clear()
    await state.set_state(Form.summary)
    await state.update_data(draft=service.draft_from(volunteer).to_dict(), stored=True)
    await show(query, t("volunteer-edit-which"), _edit_menu(t), profile)


@router.callback_query(VolCb.filter(F.a == "wd"))
async def withdraw_ask(
    query: CallbackQuery,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    if await service.get_volunteer(session, user.id) is None:
        callback_answer.text = t("volunteer-not-registered")
        return
    rows = [[_button(t("volunteer-withdraw-yes"), "wdy")], [_button(t("volunteer-withdraw-no"), "wdn")]]
    await show(query, t("volunteer-withdraw-confirm"), InlineKeyboardMarkup(inline_keyboard=rows), profile)


@router.callback_query(VolCb.filter(F.a == "wdy"))
async def withdraw_yes(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    deleted = await service.withdraw(session, user.id)
    await state.clear()
    if not deleted:
        callback_answer.text = t("volunteer-not-registered")
        return
    rows = [[_button(t("volunteer-join-again"), "go")], [home_button(t)]]
    await show(query, t("volunteer-withdrawn"), InlineKeyboardMarkup(inline_keyboard=rows), profile)


@router.callback_query(VolCb.filter(F.a == "wdn"))
async def withdraw_no(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    user: UserRecord,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await _enter(query, state, session, user, t, profile)


# ------------------------------------------------------------------------------------------
# Wrong kind of input inside the flow: say so and show the step again


BUTTON_STATES = StateFilter(Form.areas, Form.availability, Form.consent, Form.summary)
TEXT_STATES = StateFilter(Form.profession, Form.skills, Form.province, Form.county)


@router.message(BUTTON_STATES, ~F.text.startswith("/"))
async def expected_a_button(
    message: Message, state: FSMContext, t: Translator, profile: PlatformProfile
) -> None:
    current = await state.get_state()
    step = next((name for name, value in STATE_OF.items() if value.state == current), "summary")
    await _go(
        message, state, await _draft(state), t, profile, step=step, prefix=t("volunteer-use-buttons") + "\n\n"
    )


@router.message(TEXT_STATES, ~F.text.startswith("/"))
async def expected_text(message: Message, t: Translator) -> None:
    await message.answer(t("volunteer-need-text"))


# ------------------------------------------------------------------------------------------
# Staff: /volunteers search (admins only)


def _filter_of(data: SearchCb) -> service.VolunteerFilter:
    return service.VolunteerFilter(
        areas=frozenset({data.ar}) if data.ar else frozenset(),
        profession=data.pf or None,
        province_id=data.pr or None,
        county_id=data.co or None,
    )


def _search_cb(base: SearchCb, **changes: Any) -> str:
    values = {"a": base.a, "ar": base.ar, "pf": base.pf, "pr": base.pr, "co": base.co, "p": 0}
    values.update(changes)
    return SearchCb(**values).pack()


def _filter_lines(t: Translator, data: SearchCb) -> dict[str, str]:
    all_ = t("volunteer-search-all")
    return {
        "area": t(f"volunteer-area-{data.ar}") if data.ar else all_,
        "profession": t(f"volunteer-profession-{data.pf}") if data.pf else all_,
        "province": regions.get_province(data.pr).name(t.locale) if data.pr else all_,
        "county": regions.get_county(data.co).name(t.locale) if data.co else all_,
    }


async def _filter_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    data: SearchCb,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    count = await service.count_volunteers(session, _filter_of(data))
    lines = _filter_lines(t, data)
    rows = [
        [
            InlineKeyboardButton(
                text=t("volunteer-search-area", value=lines["area"]), callback_data=_search_cb(data, a="fa")
            )
        ],
        [
            InlineKeyboardButton(
                text=t("volunteer-search-profession", value=lines["profession"]),
                callback_data=_search_cb(data, a="fp"),
            )
        ],
        [
            InlineKeyboardButton(
                text=t("volunteer-search-province", value=lines["province"]),
                callback_data=_search_cb(data, a="fr"),
            )
        ],
    ]
    if data.pr:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("volunteer-search-county", value=lines["county"]),
                    callback_data=_search_cb(data, a="fc"),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                text=t("volunteer-search-show", count=count), callback_data=_search_cb(data, a="r")
            )
        ]
    )
    if data.ar or data.pf or data.pr:
        rows.append(
            [InlineKeyboardButton(text=t("volunteer-search-clear"), callback_data=SearchCb(a="f").pack())]
        )
    rows.append([home_button(t)])
    text = t("volunteer-search-title", count=count, **lines)
    await show(target, text, InlineKeyboardMarkup(inline_keyboard=rows), profile)


@search_router.message(Command("volunteers"))
async def search_command(
    message: Message, session: AsyncSession, t: Translator, profile: PlatformProfile
) -> None:
    await _filter_screen(message, session, SearchCb(a="f"), t, profile)


@search_router.callback_query(SearchCb.filter())
async def search_button(
    query: CallbackQuery,
    callback_data: SearchCb,
    session: AsyncSession,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
    callback_answer: CallbackAnswer,
) -> None:
    data = callback_data
    try:
        filters = _filter_of(data)
    except InvalidVolunteer:
        callback_answer.text = t("volunteer-invalid-button")
        callback_answer.show_alert = True
        await _filter_screen(query, session, SearchCb(a="f"), t, profile)
        return
    if data.a == "fa":
        builder = InlineKeyboardBuilder()
        builder.button(text=t("volunteer-search-all"), callback_data=_search_cb(data, a="f", ar=""))
        for key in AREAS:
            builder.button(text=t(f"volunteer-area-{key}"), callback_data=_search_cb(data, a="f", ar=key))
        builder.adjust(2)
        await show(query, t("volunteer-search-choose-area"), builder.as_markup(), profile)
    elif data.a == "fp":
        builder = InlineKeyboardBuilder()
        builder.button(text=t("volunteer-search-all"), callback_data=_search_cb(data, a="f", pf=""))
        for key in PROFESSIONS:
            builder.button(
                text=t(f"volunteer-profession-{key}"), callback_data=_search_cb(data, a="f", pf=key)
            )
        builder.adjust(2)
        await show(query, t("volunteer-search-choose-profession"), builder.as_markup(), profile)
    elif data.a == "fr" or (data.a == "fc" and data.pr):
        await _search_regions(query, data, t, profile)
    elif data.a == "r":
        await _search_results(query, session, data, filters, clock, t, profile)
    else:
        await _filter_screen(query, session, data, t, profile)


async def _search_regions(
    query: CallbackQuery, data: SearchCb, t: Translator, profile: PlatformProfile
) -> None:
    if data.a == "fr":
        items = [(p.id, p.name(t.locale)) for p in service.sorted_provinces(t.locale)]
        title = t("volunteer-search-choose-province")
        all_cb = _search_cb(data, a="f", pr="", co="")
    else:
        items = [(c.id, c.name(t.locale)) for c in service.sorted_counties(data.pr, t.locale)]
        title = t("volunteer-search-choose-county")
        all_cb = _search_cb(data, a="f", co="")
    pages = _pages(len(items), REGIONS_PER_PAGE)
    page = max(0, min(data.p, pages - 1))
    builder = InlineKeyboardBuilder()
    builder.add(InlineKeyboardButton(text=t("volunteer-search-all"), callback_data=all_cb))
    for region_id, name in items[page * REGIONS_PER_PAGE : (page + 1) * REGIONS_PER_PAGE]:
        changes = {"pr": region_id, "co": ""} if data.a == "fr" else {"co": region_id}
        builder.add(InlineKeyboardButton(text=name, callback_data=_search_cb(data, a="f", **changes)))
    builder.adjust(3)
    nav = _nav_row(t, page, pages, lambda p: _search_cb(data, p=p))
    if nav:
        builder.row(*nav)
    await show(
        query,
        t("volunteer-search-page", title=title, page=page + 1, pages=pages),
        builder.as_markup(),
        profile,
    )


def _result_item(t: Translator, number: int, volunteer: Volunteer) -> str:
    lines = [
        t(
            "volunteer-search-item",
            number=number,
            profession=_profession_label(t, volunteer.profession, volunteer.profession_text),
            areas=_labels(t, "volunteer-area", service.keys_in_order(volunteer.area_keys, AREAS)),
            region=service.region_label(volunteer.province_id, volunteer.county_id, t.locale),
            availability=_labels(
                t, "volunteer-when", [s for s in AVAILABILITY if getattr(volunteer, f"available_{s}")]
            ),
            mobile=t("volunteer-search-mobile-shared", mobile=volunteer.mobile)
            if volunteer.mobile_shared
            else volunteer.mobile,
            date=format_date(volunteer.created_at, t.locale),
        )
    ]
    if volunteer.skills:
        skills = volunteer.skills.replace("\n", " ")
        if len(skills) > SKILLS_PREVIEW:
            skills = skills[:SKILLS_PREVIEW].rstrip() + "…"
        lines.append(t("volunteer-search-item-skills", skills=skills))
    return "\n".join(lines)


async def _search_results(
    query: CallbackQuery,
    session: AsyncSession,
    data: SearchCb,
    filters: service.VolunteerFilter,
    clock: Clock,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    result = await service.search_volunteers(session, filters, page=data.p, per_page=RESULTS_PER_PAGE)
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=query.from_user.id,
        action="volunteers.search",
        note=json.dumps(
            {
                "area": data.ar,
                "profession": data.pf,
                "province": data.pr,
                "county": data.co,
                "page": result.page,
                "shown": len(result.volunteers),
                "total": result.total,
            },
            ensure_ascii=False,
        ),
    )
    rows: list[list[InlineKeyboardButton]] = []
    if not result.volunteers:
        text = t("volunteer-search-empty")
    else:
        first = result.page * RESULTS_PER_PAGE + 1
        items = [_result_item(t, first + i, v) for i, v in enumerate(result.volunteers)]
        header = t("volunteer-search-results", count=result.total, page=result.page + 1, pages=result.pages)
        text = header + "\n\n" + "\n\n".join(items)
        if len(text) > profile.max_text_length:
            text = text[: profile.max_text_length - 1] + "…"
        nav = _nav_row(t, result.page, result.pages, lambda p: _search_cb(data, a="r", p=p))
        if nav:
            rows.append(nav)
    rows.append(
        [InlineKeyboardButton(text=t("volunteer-search-change"), callback_data=_search_cb(data, a="f"))]
    )
    rows.append([home_button(t)])
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows), profile)


feature = Feature(
    name="volunteers",
    private=router,
    section=SECTION,
    commands=(("volunteer", "volunteer-cmd"),),
    admin_commands=(("volunteers", "volunteer-cmd-search"),),
    reports=lambda _settings, _clock: service.STAFF_REPORTS,
)
