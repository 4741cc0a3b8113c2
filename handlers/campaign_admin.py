"""Campaign management in the chat, for admins and campaign managers.

Create in guided steps (titles and descriptions in fa and en, purpose, region, goal in toman,
start and end as Jalali dates, an optional image) with validation at each step and a preview;
edit any field; activate, pause, close. The same input handlers serve creating, fixing a field
from the preview, and editing a saved campaign (`mode` in the conversation state).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RequireRole
from bot.donation_views import card_text
from bot.i18n import Translator
from bot.menus import AdminMenu, alert, not_command
from bot.platform import PlatformProfile
from bot.ui import CallbackInt, Feature, InlineKeyboardBuilder, cancel_button, show
from bot.widgets import region_picker as picker
from bot.widgets.region_picker import RegionPick
from models.donation import Campaign, CampaignStatus, Purpose
from services import audit, regions, scopes
from services import campaign_admin as svc
from services import campaigns as campaign_service
from services.campaign_admin import CampaignDraft, CampaignInputError, CampaignStateError
from services.clock import Clock
from services.persian import format_date, format_toman
from services.roles import Role
from services.scopes import Scope

ROLES = (Role.ADMIN, Role.CAMPAIGN_MANAGER)

router = Router(name="campaign-admin")
router.message.middleware(RequireRole(*ROLES))
router.callback_query.middleware(RequireRole(*ROLES))


async def _campaign_in_scope(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    event: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """A province office's campaign manager acts on its provinces' campaigns only: any button
    naming another campaign (forged or old) is refused here, audited, before its handler."""
    scope: Scope = data.get("scope", scopes.ALL)
    if scope.national or not isinstance(event, CallbackQuery) or not (event.data or "").startswith("cam:"):
        return await handler(event, data)
    try:
        wanted = CampaignAdmin.unpack(event.data or "")
    except (TypeError, ValueError):
        return await handler(event, data)
    if wanted.id <= 0:
        return await handler(event, data)
    session: AsyncSession = data["session"]
    campaign = await svc.get_campaign(session, wanted.id)
    if campaign is None or scope.allows(campaign.province_id):
        return await handler(event, data)
    await audit.record(
        session,
        platform=data["profile"].platform.value,
        actor_id=event.from_user.id,
        action=f"campaign.{wanted.action}"[:64],
        target=f"campaign:{campaign.id}",
        allowed=False,
        note="province",
    )
    t: Translator = data["t"]
    answer = data.get("callback_answer")
    if isinstance(answer, CallbackAnswer):
        alert(answer, t("campadm-error-other-province"))
    return None


router.callback_query.middleware(_campaign_in_scope)

FLOW = "cad"  # this flow's tag in the shared region picker


class CampaignForm(StatesGroup):
    title_fa = State()
    title_en = State()
    description_fa = State()
    description_en = State()
    purpose = State()
    region = State()
    goal = State()
    starts = State()
    ends = State()
    image = State()
    preview = State()


STEPS = (
    "title_fa",
    "title_en",
    "description_fa",
    "description_en",
    "purpose",
    "region",
    "goal",
    "starts",
    "ends",
    "image",
)
STATES = {name: getattr(CampaignForm, name) for name in STEPS}
TEXT_PARSERS = {
    "title_fa": svc.parse_title,
    "title_en": svc.parse_title,
    "description_fa": svc.parse_description,
    "description_en": svc.parse_description,
    "goal": svc.parse_goal,
    "starts": svc.parse_jalali_date,
    "ends": svc.parse_jalali_date,
}


class CampaignAdmin(CallbackData, prefix="cam"):
    action: str  # list | new | view | edit | field | activate | pause | close | closeok | save | fix
    id: CallbackInt = 0
    field: str = ""


class CampaignPick(CallbackData, prefix="cpk"):
    kind: str  # purpose | today | skip | noimage | back (the region is a RegionPick)
    value: str = ""


# --- rendering ------------------------------------------------------------------------------------


def _purpose_name(t: Translator, purpose: str) -> str:
    return t(f"campadm-purpose-{purpose}") if purpose in Purpose._value2member_map_ else purpose


def _region_text(t: Translator, province_id: str | None, county_id: str | None) -> str:
    name = svc.region_name(province_id, county_id, t.locale)
    return name or t("campadm-region-national")


def _status_name(t: Translator, status: str) -> str:
    return t(f"campadm-status-{status}")


def _date_text(value: str, locale: str) -> str:
    if not value:
        return "—"
    day = svc.parse_jalali_date(value)
    return format_date(svc.day_start(day), locale)


def draft_text(t: Translator, draft: CampaignDraft) -> str:
    return t(
        "campadm-card",
        title_fa=draft.title_fa or "—",
        title_en=draft.title_en or "—",
        purpose=_purpose_name(t, draft.purpose),
        region=_region_text(t, draft.province_id, draft.county_id),
        goal=format_toman(draft.goal_rials, t.locale) if draft.goal_rials else "—",
        starts=_date_text(draft.starts, t.locale),
        ends=_date_text(draft.ends, t.locale),
        image=t("campadm-image-yes") if draft.image_file_id else t("campadm-image-no"),
        description_fa=draft.description_fa or "—",
        description_en=draft.description_en or "—",
    )


async def campaign_text(session: AsyncSession, t: Translator, campaign: Campaign) -> str:
    raised, count = await svc.raised(session, campaign.id)
    percent = min(999, raised * 100 // campaign.goal_rials) if campaign.goal_rials else 0
    header = t(
        "campadm-campaign-header",
        id=campaign.id,
        status=_status_name(t, campaign.status),
        raised=format_toman(raised, t.locale),
        percent=percent,
        count=count,
    )
    return header + "\n\n" + draft_text(t, svc.draft_of(campaign))


def campaign_actions(t: Translator, campaign: Campaign) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    status = campaign.status
    if status in (CampaignStatus.DRAFT.value, CampaignStatus.PAUSED.value):
        builder.button(
            text=t("campadm-activate"), callback_data=CampaignAdmin(action="activate", id=campaign.id)
        )
    if status == CampaignStatus.ACTIVE.value:
        builder.button(text=t("campadm-pause"), callback_data=CampaignAdmin(action="pause", id=campaign.id))
    if status != CampaignStatus.CLOSED.value:
        builder.button(text=t("campadm-edit"), callback_data=CampaignAdmin(action="edit", id=campaign.id))
        builder.button(text=t("campadm-close"), callback_data=CampaignAdmin(action="close", id=campaign.id))
    builder.button(text=t("campadm-back-to-list"), callback_data=CampaignAdmin(action="list"))
    builder.adjust(2)
    return builder.as_markup()


async def _list_screen(
    session: AsyncSession, t: Translator, scope: Scope = scopes.ALL
) -> tuple[str, InlineKeyboardMarkup]:
    campaigns = await svc.list_campaigns(session, limit=20, provinces=scope.provinces)
    builder = InlineKeyboardBuilder()
    builder.button(text=t("campadm-new"), callback_data=CampaignAdmin(action="new"))
    for campaign in campaigns:
        builder.button(
            text=t(
                "campadm-list-item",
                status=_status_name(t, campaign.status),
                title=campaign.title(t.locale)[:40],
            ),
            callback_data=CampaignAdmin(action="view", id=campaign.id),
        )
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    builder.adjust(1)
    text = t("campadm-list-title") if campaigns else t("campadm-list-empty")
    return text, builder.as_markup()


def _back_button(t: Translator, step: str) -> InlineKeyboardButton:
    """Back to the step before `step` (the step the button belongs to, so an old one is known)."""
    return InlineKeyboardButton(
        text=t("common-back-button"), callback_data=CampaignPick(kind="back", value=step).pack()
    )


def _footer(t: Translator, step: str, mode: str) -> list[InlineKeyboardButton]:
    if mode == "create" and STEPS.index(step) > 0:
        return [_back_button(t, step), cancel_button(t)]
    return [cancel_button(t)]


def _region_markup(t: Translator, mode: str, page: int = 0) -> InlineKeyboardMarkup:
    return picker.province_keyboard(
        t, FLOW, page=page, anywhere=t("campadm-region-national"), footer=[_footer(t, "region", mode)]
    )


def _step_markup(t: Translator, step: str, mode: str) -> InlineKeyboardMarkup:
    if step == "region":
        return _region_markup(t, mode)
    builder = InlineKeyboardBuilder()
    if step == "purpose":
        for purpose in Purpose:
            builder.button(
                text=_purpose_name(t, purpose.value),
                callback_data=CampaignPick(kind="purpose", value=purpose.value),
            )
        builder.adjust(3)
    elif step == "starts":
        builder.button(text=t("campadm-today"), callback_data=CampaignPick(kind="today"))
    elif step == "image":
        builder.button(text=t("campadm-skip-image"), callback_data=CampaignPick(kind="skip"))
    builder.row(*_footer(t, step, mode))
    return builder.as_markup()


def _county_markup(t: Translator, province_id: str, page: int = 0) -> InlineKeyboardMarkup:
    return picker.county_keyboard(
        t,
        FLOW,
        province_id,
        page=page,
        whole=t("campadm-whole-province"),
        footer=[[_back_button(t, "county"), cancel_button(t)]],
    )


def _prompt(t: Translator, step: str, mode: str) -> str:
    text = t(f"campadm-ask-{step.replace('_', '-')}")
    if mode == "create":
        text = t("campadm-step", number=STEPS.index(step) + 1, total=len(STEPS)) + "\n" + text
    return text


def _preview_markup(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("campadm-save"), callback_data=CampaignAdmin(action="save"))
    builder.button(text=t("campadm-fix"), callback_data=CampaignAdmin(action="fix"))
    builder.row(cancel_button(t))
    builder.adjust(2, 1)
    return builder.as_markup()


def _fields_markup(t: Translator, action: str, campaign_id: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for name in svc.EDITABLE_FIELDS:
        builder.button(
            text=t(f"campadm-field-{name.replace('_', '-')}"),
            callback_data=CampaignAdmin(action=action, id=campaign_id, field=name),
        )
    builder.adjust(2)
    builder.row(cancel_button(t))
    return builder.as_markup()


# --- moving through the steps ----------------------------------------------------------------------


async def _ask(
    target: Message | CallbackQuery, state: FSMContext, t: Translator, step: str, mode: str
) -> None:
    await state.set_state(STATES[step])
    message = target.message if isinstance(target, CallbackQuery) else target
    if isinstance(message, Message):
        await message.answer(_prompt(t, step, mode), reply_markup=_step_markup(t, step, mode))


async def _show_preview(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    draft = CampaignDraft.from_state(data.get("draft"))
    await state.set_state(CampaignForm.preview)
    if draft.image_file_id:
        await message.answer_photo(draft.image_file_id, caption=draft.title_fa[:200])
    await message.answer(
        t("campadm-preview-title")
        + "\n\n"
        + draft_text(t, draft)
        + "\n\n"
        + t("campadm-preview-donors")
        + "\n\n"
        + _donor_card(t, draft),
        reply_markup=_preview_markup(t),
    )


def _donor_card(t: Translator, draft: CampaignDraft) -> str:
    """The campaign card as donors will see it on its first day (the same renderer as /campaigns)."""
    campaign = svc.unsaved_campaign(draft)
    campaign.status = CampaignStatus.ACTIVE.value  # as it will be once activated
    progress = campaign_service.progress(campaign, campaign_service.CampaignTotals(), campaign.starts_at)
    return card_text(t, campaign, progress)


async def _accept(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    step: str,
    value: Any,
) -> None:
    """A valid value for `step`: store it in the draft (creating) or on the campaign (editing),
    then ask the next question, go back to the preview, or show the edited campaign."""
    message = target.message if isinstance(target, CallbackQuery) else target
    assert isinstance(message, Message)
    data = await state.get_data()
    mode = data.get("mode", "create")
    if mode == "edit":
        await _apply_edit(
            target, state, session, t, profile, clock, int(data.get("campaign_id", 0)), step, value
        )
        return
    draft = CampaignDraft.from_state(data.get("draft"))
    if step in ("starts", "ends"):
        setattr(draft, step, svc.jalali_text(value))
        if draft.starts and draft.ends:
            try:
                svc.check_dates(draft.start_date, draft.end_date, svc.tehran_today(clock.now()))
            except CampaignInputError as error:
                if step == "ends" or mode == "fix":
                    await message.answer(t(error.key, **error.args_))
                    return
                draft.ends = ""  # a new start after the old end: ask for the end again
    elif step == "goal":
        draft.goal_rials = int(value)
    elif step == "region":
        draft.scope, draft.province_id, draft.county_id = svc.check_region(*value)
    elif step == "image":
        draft.image_file_id = value
    else:
        setattr(draft, step, value)
    await state.update_data(draft=draft.to_state())
    if mode == "fix" and not draft.missing():
        await state.update_data(mode="create")
        await _show_preview(message, state, t)
        return
    remaining = [s for s in STEPS[STEPS.index(step) + 1 :]] if mode == "create" else list(STEPS)
    for next_step in remaining:
        if not _filled(draft, next_step):
            await _ask(message, state, t, next_step, "create")
            return
    await _show_preview(message, state, t)


def _filled(draft: CampaignDraft, step: str) -> bool:
    if step in ("purpose", "region", "image"):
        return step in draft.extra.get("answered", []) or False
    if step == "goal":
        return bool(draft.goal_rials)
    return bool(getattr(draft, step))


async def _apply_edit(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    campaign_id: int,
    step: str,
    value: Any,
) -> None:
    message = target.message if isinstance(target, CallbackQuery) else target
    assert isinstance(message, Message)
    campaign = await svc.get_campaign(session, campaign_id)
    if campaign is None:
        await state.clear()
        await message.answer(t("campadm-error-not-found"))
        return
    stored = (await state.get_data()).get("provinces")
    scope = scopes.ALL if stored is None else Scope(frozenset(stored))
    moved_to = value[0] if step == "region" and isinstance(value, (tuple, list)) and value else None
    if not scope.allows(campaign.province_id) or (step == "region" and not scope.allows(moved_to)):
        await message.answer(t("campadm-error-other-province"))
        return
    assert target.from_user is not None
    try:
        changed = await svc.update_field(
            session,
            campaign,
            step,
            value,
            platform=profile.platform.value,
            actor_id=target.from_user.id,
            now=clock.now(),
        )
    except (CampaignInputError, CampaignStateError) as error:
        await message.answer(t(error.key, **error.args_))
        if isinstance(error, CampaignStateError):
            await state.clear()
        return
    await state.clear()
    note = t("campadm-edited") if changed else t("campadm-unchanged")
    await message.answer(
        note + "\n\n" + await campaign_text(session, t, campaign), reply_markup=campaign_actions(t, campaign)
    )


async def _mark_answered(state: FSMContext, step: str) -> None:
    data = await state.get_data()
    draft = CampaignDraft.from_state(data.get("draft"))
    answered = set(draft.extra.get("answered", []))
    answered.add(step)
    draft.extra["answered"] = sorted(answered)
    await state.update_data(draft=draft.to_state())


# --- entry points -----------------------------------------------------------------------------------


@router.message(Command("campaigns_admin"))
async def campaigns_command(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, scope: Scope
) -> None:
    await state.clear()
    text, markup = await _list_screen(session, t, scope)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AdminMenu.filter(F.section == "campaigns"))
@router.callback_query(CampaignAdmin.filter(F.action == "list"))
async def campaigns_button(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    await state.clear()
    text, markup = await _list_screen(session, t, scope)
    await show(query, text, markup, profile)


@router.message(Command("new_campaign"))
async def new_campaign_command(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await state.update_data(mode="create", draft=CampaignDraft().to_state())
    await _ask(message, state, t, STEPS[0], "create")


@router.callback_query(CampaignAdmin.filter(F.action == "new"))
async def new_campaign_button(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await state.update_data(mode="create", draft=CampaignDraft().to_state())
    await _ask(query, state, t, STEPS[0], "create")


# --- typed answers ---------------------------------------------------------------------------------


@router.message(StateFilter(*(STATES[s] for s in TEXT_PARSERS)), F.text, not_command)
async def typed_answer(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    current = await state.get_state()
    step = next(s for s in TEXT_PARSERS if STATES[s].state == current)
    try:
        value = TEXT_PARSERS[step](message.text)
    except CampaignInputError as error:
        await message.answer(t(error.key, **error.args_))
        return
    await _accept(message, state, session, t, profile, clock, step, value)


@router.message(StateFilter(*(STATES[s] for s in TEXT_PARSERS)), not_command)
async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("campadm-error-need-text"))


@router.message(StateFilter(CampaignForm.image), F.photo)
async def image_answer(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    assert message.photo
    await _mark_answered(state, "image")
    await _accept(message, state, session, t, profile, clock, "image", message.photo[-1].file_id)


@router.message(StateFilter(CampaignForm.image), not_command)
async def image_expected(message: Message, t: Translator) -> None:
    await message.answer(t("campadm-error-need-photo"))


@router.message(StateFilter(CampaignForm.region), F.text, not_command)
async def region_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    """A typed province, county or town (services.regions.match_region): a county is taken, a
    province opens its counties, several candidates («خراسان») are offered as buttons."""
    match = regions.match_region(message.text or "")
    if match.kind == regions.MatchKind.COUNTY and match.county is not None:
        try:
            checked = svc.check_region(match.county.province_id, match.county.id)
        except CampaignInputError as error:
            await message.answer(t(error.key))
            return
        await _mark_answered(state, "region")
        await _accept(message, state, session, t, profile, clock, "region", checked[1:])
        return
    if match.kind == regions.MatchKind.PROVINCE and match.province is not None:
        text = t("campadm-ask-county", province=match.province.name(t.locale))
        await message.answer(text, reply_markup=_county_markup(t, match.province.id, 0))
        return
    if match.kind == regions.MatchKind.AMBIGUOUS:
        mode = (await state.get_data()).get("mode", "create")
        rows = [[picker.choice_button(t, FLOW, choice)] for choice in match.choices]
        rows.append(_footer(t, "region", mode))
        await message.answer(
            t("campadm-region-which"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
        )
        return
    await message.answer(t("campadm-error-region"))


@router.message(StateFilter(CampaignForm.purpose, CampaignForm.region), not_command)
async def buttons_expected(message: Message, t: Translator) -> None:
    await message.answer(t("campadm-error-use-buttons"))


@router.message(StateFilter(CampaignForm.preview), not_command)
async def preview_expected(message: Message, t: Translator) -> None:
    await message.answer(t("campadm-error-use-preview"))


# --- button answers ------------------------------------------------------------------------------


@router.callback_query(StateFilter(CampaignForm.purpose), CampaignPick.filter(F.kind == "purpose"))
async def purpose_answer(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignPick,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    try:
        value = svc.parse_purpose(callback_data.value)
    except CampaignInputError as error:
        alert(callback_answer, t(error.key))
        return
    await _mark_answered(state, "purpose")
    await _accept(query, state, session, t, profile, clock, "purpose", value)


@router.callback_query(StateFilter(CampaignForm.region), RegionPick.filter(F.flow == FLOW))
async def region_answer(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RegionPick,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    """The region step's picker: nationwide, a province (then its counties), a county or the
    whole province, and the pages of both lists."""
    kind, place = callback_data.kind, callback_data.id
    if kind == picker.PROVINCE_PAGE:
        mode = (await state.get_data()).get("mode", "create")
        await show(query, _prompt(t, "region", mode), _region_markup(t, mode, callback_data.page), profile)
        return
    known = regions.default_regions()
    if kind in (picker.PROVINCE, picker.COUNTY_PAGE):
        province = known.find_province(place)
        if province is None:
            alert(callback_answer, t("campadm-error-region"))
            return
        page = callback_data.page if kind == picker.COUNTY_PAGE else 0
        text = t("campadm-ask-county", province=province.name(t.locale))
        await show(query, text, _county_markup(t, province.id, page), profile)
        return
    if kind == picker.ANYWHERE:
        value: tuple[str | None, str | None] = (None, None)
    else:
        county = known.find_county(place) if kind == picker.COUNTY else None
        province_id = county.province_id if county else place if kind == picker.WHOLE_PROVINCE else ""
        try:
            checked = svc.check_region(province_id, county.id if county else None)
        except CampaignInputError as error:
            alert(callback_answer, t(error.key))
            return
        value = checked[1:]
    await _mark_answered(state, "region")
    await _accept(query, state, session, t, profile, clock, "region", value)


@router.callback_query(StateFilter(*STATES.values()), CampaignPick.filter(F.kind == "back"))
async def step_back(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignPick,
    state: FSMContext,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    """Back one step while creating: the earlier answers are kept, and answering the step again
    carries on from the first step still unanswered."""
    current = await state.get_state()
    step = callback_data.value
    mode = (await state.get_data()).get("mode", "create")
    if step == "county" and current == CampaignForm.region.state:
        await show(query, _prompt(t, "region", mode), _step_markup(t, "region", mode), profile)
        return
    if mode != "create" or step not in STEPS or STATES[step].state != current or STEPS.index(step) == 0:
        alert(callback_answer, t("admin-stale"))  # a Back from an older message
        return
    await _ask(query, state, t, STEPS[STEPS.index(step) - 1], "create")


@router.callback_query(StateFilter(CampaignForm.starts), CampaignPick.filter(F.kind == "today"))
async def starts_today(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await _accept(query, state, session, t, profile, clock, "starts", svc.tehran_today(clock.now()))


@router.callback_query(StateFilter(CampaignForm.image), CampaignPick.filter(F.kind.in_({"skip", "noimage"})))
async def image_skip(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    await _mark_answered(state, "image")
    await _accept(query, state, session, t, profile, clock, "image", None)


@router.callback_query(
    StateFilter(CampaignForm.preview), CampaignAdmin.filter(F.action == "save"), flags={"once": True}
)
async def save_draft(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    scope: Scope,
) -> None:
    data = await state.get_data()
    draft = CampaignDraft.from_state(data.get("draft"))
    if not scope.allows(draft.province_id):
        alert(callback_answer, t("campadm-error-other-province"))
        return
    try:
        campaign = await svc.create_campaign(
            session, draft, platform=profile.platform.value, actor_id=query.from_user.id, now=clock.now()
        )
    except CampaignInputError as error:
        alert(callback_answer, t(error.key, **error.args_))
        return
    await state.clear()
    text = t("campadm-saved") + "\n\n" + await campaign_text(session, t, campaign)
    await show(query, text, campaign_actions(t, campaign), profile)


@router.callback_query(StateFilter(CampaignForm.preview), CampaignAdmin.filter(F.action == "fix"))
async def fix_choose(query: CallbackQuery, t: Translator, profile: PlatformProfile) -> None:
    await show(query, t("campadm-fix-which"), _fields_markup(t, "fixfield"), profile)


@router.callback_query(StateFilter(CampaignForm.preview), CampaignAdmin.filter(F.action == "fixfield"))
async def fix_field(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    state: FSMContext,
    t: Translator,
) -> None:
    if callback_data.field not in svc.EDITABLE_FIELDS:
        alert(callback_answer, t("admin-stale"))
        return
    await state.update_data(mode="fix")
    await _ask(query, state, t, callback_data.field, "fix")


# --- a saved campaign ------------------------------------------------------------------------------


async def _load(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    t: Translator,
    campaign_id: int,
) -> Campaign | None:
    campaign = await svc.get_campaign(session, campaign_id)
    if campaign is None:
        alert(callback_answer, t("campadm-error-not-found"))
    return campaign


@router.callback_query(CampaignAdmin.filter(F.action == "view"))
async def view_campaign(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    campaign = await _load(query, callback_answer, session, t, callback_data.id)
    if campaign is not None:
        await show(query, await campaign_text(session, t, campaign), campaign_actions(t, campaign), profile)


@router.callback_query(CampaignAdmin.filter(F.action.in_({"activate", "pause", "closeok"})))
async def change_status(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
) -> None:
    action = "close" if callback_data.action == "closeok" else callback_data.action
    try:
        campaign = await svc.change_status(
            session,
            callback_data.id,
            action,
            platform=profile.platform.value,
            actor_id=query.from_user.id,
            now=clock.now(),
        )
    except CampaignStateError as error:
        alert(callback_answer, t(error.key, **error.args_))
        return
    text = t(f"campadm-done-{action}") + "\n\n" + await campaign_text(session, t, campaign)
    await show(query, text, campaign_actions(t, campaign), profile)


@router.callback_query(CampaignAdmin.filter(F.action == "close"))
async def close_ask(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    campaign = await _load(query, callback_answer, session, t, callback_data.id)
    if campaign is None:
        return
    if campaign.status == CampaignStatus.CLOSED.value:
        alert(callback_answer, t("campadm-error-already-closed"))
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("campadm-close-confirm"), callback_data=CampaignAdmin(action="closeok", id=campaign.id)
    )
    builder.button(text=t("campadm-close-keep"), callback_data=CampaignAdmin(action="view", id=campaign.id))
    builder.adjust(1)
    await show(query, t("campadm-close-ask", title=campaign.title(t.locale)), builder.as_markup(), profile)


@router.callback_query(CampaignAdmin.filter(F.action == "edit"))
async def edit_choose(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    campaign = await _load(query, callback_answer, session, t, callback_data.id)
    if campaign is None:
        return
    if campaign.status == CampaignStatus.CLOSED.value:
        alert(callback_answer, t("campadm-error-closed"))
        return
    await show(
        query,
        t("campadm-edit-which", title=campaign.title(t.locale)),
        _fields_markup(t, "field", campaign.id),
        profile,
    )


@router.callback_query(CampaignAdmin.filter(F.action == "field"))
async def edit_field(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CampaignAdmin,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    scope: Scope,
) -> None:
    campaign = await _load(query, callback_answer, session, t, callback_data.id)
    if campaign is None:
        return
    if callback_data.field not in svc.EDITABLE_FIELDS:
        alert(callback_answer, t("admin-stale"))
        return
    if campaign.status == CampaignStatus.CLOSED.value:
        alert(callback_answer, t("campadm-error-closed"))
        return
    await state.clear()
    await state.update_data(
        mode="edit", campaign_id=campaign.id, provinces=scope.sorted_ids() if not scope.national else None
    )
    step = callback_data.field
    await _ask(query, state, t, step, "edit")
    if step == "image" and campaign.image_file_id and isinstance(query.message, Message):
        builder = InlineKeyboardBuilder()
        builder.button(text=t("campadm-remove-image"), callback_data=CampaignPick(kind="noimage"))
        await query.message.answer(t("campadm-remove-image-hint"), reply_markup=builder.as_markup())


# Stale or forged buttons of this feature (wrong step, finished flow): a short answer.
@router.callback_query(CampaignAdmin.filter())
@router.callback_query(CampaignPick.filter())
async def stale_campaign_button(query: CallbackQuery, callback_answer: CallbackAnswer, t: Translator) -> None:
    alert(callback_answer, t("admin-stale"))


feature = Feature(
    name="campaign_admin",
    private=router,
    admin_commands=(("campaigns_admin", "cmd-campaigns-admin"), ("new_campaign", "cmd-new-campaign")),
)
