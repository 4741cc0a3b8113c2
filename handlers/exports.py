"""/export: pick a table (any registered exporter the person may run), a period, a campaign where it
applies and a format; the file comes back as a document. Each export is written to the audit log."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RequireRole
from bot.i18n import Translator
from bot.menus import STAFF_ROLES, AdminMenu, alert, not_command, range_text
from bot.platform import PlatformProfile
from bot.ui import Feature, InlineKeyboardBuilder, callback_int, cancel_button, show
from services import audit
from services import campaign_admin as campaigns
from services import exports as svc
from services.clock import Clock
from services.persian import jalali
from services.roles import Role
from services.scopes import Scope
from services.staff_reports import StaffReports

if TYPE_CHECKING:
    from bot.app import HamdelApp

router = Router(name="exports")
router.message.middleware(RequireRole(*STAFF_ROLES))
router.callback_query.middleware(RequireRole(*STAFF_ROLES))


class ExportStep(CallbackData, prefix="exp"):
    step: str  # start | ds | per | cmp | fmt
    value: str = ""


class ExportForm(StatesGroup):
    choosing = State()
    range = State()


def _choose_markup(t: Translator, allowed: list[svc.Exporter]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for exporter in allowed:
        builder.button(text=t(exporter.title_key), callback_data=ExportStep(step="ds", value=exporter.name))
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    builder.adjust(1)
    return builder.as_markup()


def _periods_markup(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in (*svc.PERIODS, "custom"):
        builder.button(text=t(f"export-period-{kind}"), callback_data=ExportStep(step="per", value=kind))
    builder.adjust(2)
    builder.row(cancel_button(t))
    return builder.as_markup()


def _formats_markup(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for file_format in svc.FORMATS:
        builder.button(
            text=t(f"export-format-{file_format}"), callback_data=ExportStep(step="fmt", value=file_format)
        )
    builder.adjust(2)
    builder.row(cancel_button(t))
    return builder.as_markup()


async def _campaigns_markup(session: AsyncSession, t: Translator, scope: Scope) -> InlineKeyboardMarkup:
    """Every campaign, or a province office's provinces' campaigns («all» is then all of those)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t("export-all-campaigns"), callback_data=ExportStep(step="cmp", value="0"))
    for campaign in await campaigns.list_campaigns(session, limit=20, provinces=scope.provinces):
        builder.button(
            text=campaign.title(t.locale)[:48], callback_data=ExportStep(step="cmp", value=str(campaign.id))
        )
    builder.adjust(1)
    builder.row(cancel_button(t))
    return builder.as_markup()


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _unstamp(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


async def _start(
    target: Message | CallbackQuery,
    state: FSMContext,
    t: Translator,
    allowed: list[svc.Exporter],
    profile: PlatformProfile,
) -> None:
    await state.clear()
    text = t("export-choose") if allowed else t("export-none-allowed")
    if isinstance(target, Message):
        await target.answer(text, reply_markup=_choose_markup(t, allowed))
    else:
        await show(target, text, _choose_markup(t, allowed), profile)


@router.message(Command("export"))
async def export_command(
    message: Message,
    state: FSMContext,
    t: Translator,
    roles: set[Role],
    scope: Scope,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    await _start(message, state, t, app.reports.exporters_for(roles, national=scope.national), profile)


@router.callback_query(AdminMenu.filter(F.section == "export"))
@router.callback_query(ExportStep.filter(F.step == "start"))
async def export_button(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    roles: set[Role],
    scope: Scope,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    await _start(query, state, t, app.reports.exporters_for(roles, national=scope.national), profile)


async def _refuse(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    name: str,
) -> None:
    await audit.record(
        session,
        platform=profile.platform.value,
        actor_id=query.from_user.id,
        action=f"export.{name}"[:64],
        allowed=False,
    )
    alert(callback_answer, t("access-denied"))


@router.callback_query(ExportStep.filter(F.step == "ds"))
async def choose_dataset(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ExportStep,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    roles: set[Role],
    scope: Scope,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    exporter = app.reports.exporter(callback_data.value)
    if exporter is None:
        alert(callback_answer, t("admin-stale"))
        return
    if exporter not in app.reports.exporters_for(roles, national=scope.national):
        await _refuse(query, callback_answer, session, t, profile, exporter.name)
        return
    await state.set_state(ExportForm.choosing)
    await state.set_data({"name": exporter.name})
    await show(query, t("export-choose-period", title=t(exporter.title_key)), _periods_markup(t), profile)


async def _after_period(
    target: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    reports: StaffReports,
    scope: Scope,
) -> None:
    data = await state.get_data()
    exporter = reports.exporter(str(data.get("name")))
    assert exporter is not None
    await state.set_state(ExportForm.choosing)
    summary = range_text(t, _unstamp(data.get("start")), _unstamp(data.get("end")), clock.now())
    if exporter.campaign_filter:
        text, markup = t("export-choose-campaign", range=summary), await _campaigns_markup(session, t, scope)
    else:
        text, markup = t("export-choose-format", range=summary), _formats_markup(t)
    if isinstance(target, Message):
        await target.answer(text, reply_markup=markup)
    else:
        await show(target, text, markup, profile)


@router.callback_query(StateFilter(ExportForm.choosing), ExportStep.filter(F.step == "per"))
async def choose_period(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ExportStep,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    app: HamdelApp,
    scope: Scope,
) -> None:
    if callback_data.value == "custom":
        await state.set_state(ExportForm.range)
        if isinstance(query.message, Message):
            builder = InlineKeyboardBuilder()
            builder.row(cancel_button(t))
            await query.message.answer(t("export-ask-range"), reply_markup=builder.as_markup())
        return
    try:
        start, end = svc.period_range(callback_data.value, clock.now())
    except svc.ExportInputError as error:
        alert(callback_answer, t(error.key))
        return
    await state.update_data(start=_stamp(start), end=_stamp(end))
    await _after_period(query, state, session, t, profile, clock, app.reports, scope)


@router.message(StateFilter(ExportForm.range), F.text, not_command)
async def typed_range(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    clock: Clock,
    app: HamdelApp,
    scope: Scope,
) -> None:
    try:
        start, end = svc.parse_range(message.text)
    except svc.ExportInputError as error:
        await message.answer(t(error.key))
        return
    await state.update_data(start=_stamp(start), end=_stamp(end))
    await _after_period(message, state, session, t, profile, clock, app.reports, scope)


@router.message(StateFilter(ExportForm.range), not_command)
async def range_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("export-error-range-format"))


@router.callback_query(StateFilter(ExportForm.choosing), ExportStep.filter(F.step == "cmp"))
async def choose_campaign(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ExportStep,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
    scope: Scope,
) -> None:
    campaign_id = callback_int(callback_data.value, -1)
    campaign = await campaigns.get_campaign(session, campaign_id) if campaign_id > 0 else None
    if campaign_id < 0 or (campaign_id and campaign is None):
        alert(callback_answer, t("admin-stale"))
        return
    if campaign is not None and not campaigns.in_scope(campaign, scope.provinces):
        # Another province's campaign, by a forged or old button: refused, not an empty file.
        name = str((await state.get_data()).get("name"))
        await audit.record(
            session,
            platform=profile.platform.value,
            actor_id=query.from_user.id,
            action=f"export.{name}"[:64],
            target=f"campaign:{campaign.id}",
            allowed=False,
            note="province",
        )
        alert(callback_answer, t("export-error-other-province"))
        return
    await state.update_data(campaign=campaign_id or None)
    await show(query, t("export-choose-format-short"), _formats_markup(t), profile)


@router.callback_query(StateFilter(ExportForm.choosing), ExportStep.filter(F.step == "fmt"))
async def produce(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ExportStep,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    roles: set[Role],
    scope: Scope,
    profile: PlatformProfile,
    clock: Clock,
    app: HamdelApp,
) -> None:
    data = await state.get_data()
    exporter = app.reports.exporter(str(data.get("name")))
    if exporter is None or callback_data.value not in svc.FORMATS:
        alert(callback_answer, t("admin-stale"))
        return
    if exporter not in app.reports.exporters_for(
        roles, national=scope.national
    ):  # roles may have changed since the first step
        await _refuse(query, callback_answer, session, t, profile, exporter.name)
        await state.clear()
        return
    now = clock.now()
    start, end = _unstamp(data.get("start")), _unstamp(data.get("end"))
    campaign_id = data.get("campaign") if exporter.campaign_filter else None
    request = svc.ExportRequest(
        start=start,
        end=end,
        campaign_id=campaign_id,
        locale=t.locale,
        text=t,
        roles=frozenset(r.value for r in roles),
        provinces=scope.provinces,
    )
    table = await svc.run_export(session, exporter, request)
    await state.clear()
    summary = range_text(t, start, end, now)
    again = InlineKeyboardBuilder()
    again.button(text=t("export-again"), callback_data=ExportStep(step="start"))
    if not table.rows:
        await show(
            query, t("export-no-rows", title=t(exporter.title_key), range=summary), again.as_markup(), profile
        )
        return
    # Writing a large file takes seconds (XlsxWriter: ~20 µs a cell): off the event loop.
    content = await asyncio.to_thread(svc.render, table, callback_data.value, locale=t.locale)
    j = jalali(now)
    filename = f"hamdel-{exporter.name}-{j.year:04d}{j.month:02d}{j.day:02d}-{j.hour:02d}{j.minute:02d}.{callback_data.value}"
    await svc.record_export(
        session,
        platform=profile.platform.value,
        actor_id=query.from_user.id,
        exporter=exporter,
        table=table,
        file_format=callback_data.value,
        start=start,
        end=end,
        campaign_id=campaign_id,
    )
    caption = t("export-done", title=t(exporter.title_key), count=len(table.rows), range=summary)
    if table.truncated:
        caption += "\n" + t("export-truncated", limit=request.limit)
    await query.answer()
    callback_answer.disable()
    if isinstance(query.message, Message):
        await query.message.answer_document(
            BufferedInputFile(content, filename=filename), caption=caption[:1000]
        )


@router.callback_query(ExportStep.filter())
async def stale_export_button(query: CallbackQuery, callback_answer: CallbackAnswer, t: Translator) -> None:
    alert(callback_answer, t("export-stale"))


feature = Feature(
    name="exports",
    private=router,
    admin_commands=(("export", "cmd-export"),),
    reports=lambda _settings, _clock: StaffReports(exporters=(svc.DONATIONS_EXPORT, svc.AUDIT_EXPORT)),
)
