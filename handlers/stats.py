"""/stats for staff: donation figures as a message, charts as photos, and other features' sections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RequireRole
from bot.i18n import Translator
from bot.menus import STAFF_ROLES, AdminMenu, alert
from bot.platform import PlatformProfile
from bot.ui import Feature, InlineKeyboardBuilder, show
from models.donation import Purpose
from services import charts, regions, scopes
from services import stats as svc
from services.clock import Clock
from services.persian import (
    JALALI_MONTHS_EN,
    JALALI_MONTHS_FA,
    format_date,
    format_datetime,
    format_toman,
    jalali,
)
from services.scopes import Scope
from services.staff_reports import StaffReports

if TYPE_CHECKING:
    from bot.app import HamdelApp

router = Router(name="stats")
router.message.middleware(RequireRole(*STAFF_ROLES))
router.callback_query.middleware(RequireRole(*STAFF_ROLES))

CHART_DAYS = 30
TOP = 8


class StatsChart(CallbackData, prefix="stc"):
    kind: str  # daily | province | campaign


def _totals(t: Translator, key: str, totals: svc.Totals, **extra: str) -> str:
    return t(key, amount=format_toman(totals.rials, t.locale), count=totals.count, **extra)


def _purpose(t: Translator, key: object) -> str:
    return t(f"campadm-purpose-{key}") if key in Purpose._value2member_map_ else t("stats-unspecified")


def _province(t: Translator, key: object) -> str:
    province = regions.default_regions().find_province(str(key)) if key else None
    return province.name(t.locale) if province else t("stats-national")


def _campaign(t: Translator, group: svc.Group) -> str:
    return (group.label_en if t.locale == "en" else group.label_fa) or "—"


def _group_lines(t: Translator, groups: list[svc.Group], name: Callable[[svc.Group], str]) -> list[str]:
    lines = []
    for group in groups[:TOP]:
        line = t(
            "stats-group-line",
            name=name(group),
            amount=format_toman(group.rials, t.locale),
            count=group.count,
        )
        if group.goal_rials:
            line += t("stats-goal-part", percent=min(999, group.rials * 100 // group.goal_rials))
        lines.append(line)
    if len(groups) > TOP:
        lines.append(t("stats-more", count=len(groups) - TOP))
    return lines


async def stats_text(
    session: AsyncSession, t: Translator, clock: Clock, reports: StaffReports, scope: Scope = scopes.ALL
) -> str:
    """The figures; a province office's are its provinces' donations only (the other sections
    are national: they are not shown to it)."""
    now = clock.now()
    figures = await svc.donation_stats(session, now, provinces=scope.provinces)
    month = (JALALI_MONTHS_EN if t.locale == "en" else JALALI_MONTHS_FA)[jalali(now).month - 1]
    parts = [t("stats-title", when=format_datetime(now, t.locale))]
    if not scope.national:
        parts.append(
            t("stats-provinces-only", provinces="، ".join(scopes.names(scope.sorted_ids(), t.locale)))
        )
    if figures.empty:
        parts.append(t("stats-no-donations"))
    else:
        parts.append(
            "\n".join(
                [
                    _totals(t, "stats-today", figures.today),
                    _totals(t, "stats-week", figures.week),
                    _totals(t, "stats-month", figures.month, month=month),
                    _totals(t, "stats-all-time", figures.all_time),
                    t(
                        "stats-donors",
                        donors=figures.donors,
                        average=format_toman(figures.average_rials, t.locale),
                        median=format_toman(figures.median_rials, t.locale),
                    ),
                ]
            )
        )
        breakdowns: list[tuple[str, list[svc.Group], Callable[[svc.Group], str]]] = [
            ("stats-by-campaign", figures.by_campaign, lambda g: _campaign(t, g)),
            ("stats-by-purpose", figures.by_purpose, lambda g: _purpose(t, g.key)),
            ("stats-by-province", figures.by_province, lambda g: _province(t, g.key)),
        ]
        for title_key, groups, name in breakdowns:
            if groups:
                parts.append(t(title_key) + "\n" + "\n".join(_group_lines(t, groups, name)))
    sections = reports.ordered_sections() if scope.national else []
    for section, lines in await svc.section_lines(session, now, sections):
        body = (
            "\n".join(t(line.key, **line.localized_args(t.locale)) for line in lines)
            if lines
            else t("stats-section-empty")
        )
        parts.append(t(section.title_key) + "\n" + body)
    text = "\n\n".join(parts)
    return text if len(text) <= 4000 else text[:3990] + "…"


def _markup(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("stats-chart-daily"), callback_data=StatsChart(kind="daily"))
    builder.button(text=t("stats-chart-province"), callback_data=StatsChart(kind="province"))
    builder.button(text=t("stats-chart-campaign"), callback_data=StatsChart(kind="campaign"))
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    builder.adjust(1, 2, 1)
    return builder.as_markup()


@router.message(Command("stats"))
async def stats_command(
    message: Message, session: AsyncSession, t: Translator, clock: Clock, app: HamdelApp, scope: Scope
) -> None:
    await message.answer(await stats_text(session, t, clock, app.reports, scope), reply_markup=_markup(t))


@router.callback_query(AdminMenu.filter(F.section == "stats"))
async def stats_button(
    query: CallbackQuery,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    profile: PlatformProfile,
    app: HamdelApp,
    scope: Scope,
) -> None:
    await show(query, await stats_text(session, t, clock, app.reports, scope), _markup(t), profile)


async def chart_png(
    session: AsyncSession, t: Translator, clock: Clock, kind: str, scope: Scope = scopes.ALL
) -> tuple[bytes, str]:
    """(PNG, caption), of a province office's provinces only; raises charts.NoChartData when
    there is nothing to draw."""
    now = clock.now()
    provinces = scope.provinces
    axis = t("stats-chart-axis")
    if kind == "daily":
        days = await svc.daily(session, now, CHART_DAYS, provinces=provinces)
        total = sum(d.rials for d in days)
        span = t(
            "stats-chart-daily-span",
            start=format_date(svc.Periods.at(now).today - timedelta(days=CHART_DAYS - 1), t.locale),
            end=format_date(now, t.locale),
            amount=format_toman(total, t.locale),
        )
        labels = charts.ChartLabels(t("stats-chart-daily-title", count=CHART_DAYS), span, axis)
        png = await asyncio.to_thread(charts.daily_chart, days, labels, t.locale)
        return png, t("stats-chart-daily-title", count=CHART_DAYS) + "\n" + span
    if kind == "province":
        groups = await svc.by_province(session, provinces=provinces)
        rows = [(_province(t, g.key), g.rials) for g in groups]
        title = t("stats-chart-province-title")
    else:
        groups = await svc.by_campaign(session, limit=15, provinces=provinces)
        rows = [(_campaign(t, g)[:40], g.rials) for g in groups]
        title = t("stats-chart-campaign-title")
    subtitle = t("stats-chart-until", when=format_datetime(now, t.locale))
    png = await asyncio.to_thread(
        charts.ranking_chart, rows, charts.ChartLabels(title, subtitle, axis), t.locale
    )
    return png, title + "\n" + subtitle


@router.callback_query(StatsChart.filter())
async def chart_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: StatsChart,
    session: AsyncSession,
    t: Translator,
    clock: Clock,
    scope: Scope,
) -> None:
    if callback_data.kind not in ("daily", "province", "campaign"):
        alert(callback_answer, t("admin-stale"))
        return
    try:
        png, caption = await chart_png(session, t, clock, callback_data.kind, scope)
    except charts.NoChartData:
        alert(callback_answer, t("stats-chart-no-data"))
        return
    await query.answer()
    callback_answer.disable()
    if isinstance(query.message, Message):
        await query.message.answer_photo(
            BufferedInputFile(png, filename=f"hamdel-{callback_data.kind}.png"), caption=caption[:1000]
        )


feature = Feature(name="stats", private=router, admin_commands=(("stats", "cmd-stats"),))
