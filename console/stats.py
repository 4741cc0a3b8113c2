"""The console's statistics dashboard: a Jalali date range (typed or a preset), donations per
day/week/month, per campaign, purpose and province (a map), tickets, FAQ, broadcasts and
volunteers — charts drawn on the server as SVG, each chart's numbers as a CSV (with a BOM).

Who may look: the roles the chat's /stats allows (bot.menus.STAFF_ROLES), checked on every
request. The figures come from services.dashboard; `provinces_of` is where a reader's province
scope enters (None: every province).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import jdatetime
from aiohttp import web
from markupsafe import Markup

from bot.i18n import Translator
from bot.menus import STAFF_ROLES
from console import stats_charts as charts
from console.server import PREFIX, Console, console_of, db_of, refused_unless, staff_of
from models.donation import Purpose
from services import audit, regions
from services import dashboard as svc
from services.exports import Cell, ExportTable, to_csv
from services.persian import format_number, format_toman, to_fa_digits
from services.stats import format_duration
from services.volunteers import AREAS

routes = web.RouteTableDef()

READERS = frozenset(STAFF_ROLES)


async def refused(request: web.Request, allowed: Iterable[str], why: str) -> web.Response | None:
    return await refused_unless(request, allowed, why)


def provinces_of(request: web.Request) -> frozenset[str] | None:
    """The provinces the reader's figures are limited to (None: all): a province office's,
    read from the database on this request (console.server.signed_in)."""
    return staff_of(request).scope.provinces


# -- the range --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Wanted:
    days: svc.DayRange
    grain: svc.Grain | None
    preset: str
    first_text: str
    last_text: str
    problem: str | None = None

    def query(self, **changes: str) -> str:
        values = {
            "preset": self.preset,
            "from": "" if self.preset else self.first_text,
            "to": "" if self.preset else self.last_text,
            "grain": self.grain or "",
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})


def _jalali_text(day: date) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def wanted_of(query: Any, console: Console) -> Wanted:
    """The range asked for: typed dates (?from=&to=), else a preset (?preset=), else this month.
    Bad dates fall back to this month with the problem named."""
    now = console.now()
    grain = query.get("grain", "")
    chosen: svc.Grain | None = grain if grain in svc.GRAINS else None
    first, last = query.get("from", "").strip(), query.get("to", "").strip()
    problem = None
    if first or last:
        try:
            days = svc.typed_range(first, last, now)
            return Wanted(days, chosen, "", first[:40], last[:40])
        except svc.RangeError as error:
            problem = error.key
    preset = query.get("preset", "month")
    if preset not in svc.PRESETS:
        preset, problem = "month", problem or "console-stats-error-preset"
    days = svc.preset_range(preset, now)
    if problem:
        return Wanted(days, chosen, preset, first[:40], last[:40], problem)
    return Wanted(days, chosen, preset, _jalali_text(days.first), _jalali_text(days.last))


# -- the charts' numbers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its name (in the address of its CSV), title, the table of its numbers (the
    CSV and the page's accessible table), and its drawing."""

    name: str
    title: str
    headers: list[str]
    rows: list[Sequence[Cell]]
    svg: Markup | None


def _money(t: Translator) -> Callable[[int], str]:
    return lambda rials: format_toman(rials, t.locale)


def _digits(t: Translator, value: object) -> str:
    return to_fa_digits(value) if t.locale == "fa" else str(value)


def _day_label(t: Translator, day: date, grain: svc.Grain) -> str:
    from services.dates import month_name

    j = jdatetime.date.fromgregorian(date=day)
    if grain == "month":
        return f"{month_name(j.month, t.locale)} {_digits(t, j.year)}"
    return f"{_digits(t, j.day)} {month_name(j.month, t.locale)}"


def _bucket_name(t: Translator, bucket: svc.Bucket, grain: svc.Grain) -> str:
    if grain == "day" or bucket.first == bucket.last:
        return _day_label(t, bucket.first, "day")
    if grain == "month":
        return _day_label(t, bucket.first, "month")
    return t(
        "console-stats-week-of",
        first=_day_label(t, bucket.first, "day"),
        last=_day_label(t, bucket.last, "day"),
    )


def purpose_name(t: Translator, key: str) -> str:
    return t(f"campadm-purpose-{key}") if key in Purpose._value2member_map_ else t("stats-unspecified")


def province_name(t: Translator, key: str) -> str:
    province = regions.default_regions().find_province(key) if key else None
    return province.name(t.locale) if province else t("stats-national")


def _ranked(
    t: Translator,
    name: str,
    title: str,
    column: str,
    shares: list[svc.Share],
    label: Callable[[svc.Share], str],
) -> Chart:
    money = _money(t)
    headers = [t(column), t("console-stats-col-toman"), t("console-stats-col-count")]
    rows: list[Sequence[Cell]] = [(label(s), s.rials // 10, s.count) for s in shares]
    points = [
        charts.Point(
            label(s), s.rials, f"{label(s)}: {money(s.rials)} · {t('console-stats-gifts', count=s.count)}"
        )
        for s in shares[:12]
    ]
    return Chart(name, title, headers, rows, charts.bars(points, name=title) if points else None)


def build_charts(board: svc.Dashboard, t: Translator) -> list[Chart]:
    money = _money(t)
    d = board.donations
    out: list[Chart] = []
    title = t(f"console-stats-chart-{board.grain}")
    out.append(
        Chart(
            "donations",
            title,
            [
                t("console-stats-col-from"),
                t("console-stats-col-to"),
                t("console-stats-col-toman"),
                t("console-stats-col-count"),
            ],
            [(_jalali_text(b.first), _jalali_text(b.last), b.rials // 10, b.count) for b in d.buckets],
            charts.columns(
                [
                    charts.Point(
                        _day_label(t, b.first, board.grain),
                        b.rials,
                        f"{_bucket_name(t, b, board.grain)}: {money(b.rials)} · {t('console-stats-gifts', count=b.count)}",
                    )
                    for b in d.buckets
                ],
                name=title,
            )
            if d.count
            else None,
        )
    )

    def campaign(share: svc.Share) -> str:
        if not share.key:
            return t("console-stats-no-campaign")
        return (share.label_en if t.locale == "en" else share.label_fa) or f"#{_digits(t, share.key)}"

    out.append(
        _ranked(
            t,
            "campaigns",
            t("console-stats-by-campaign"),
            "console-stats-col-campaign",
            d.by_campaign,
            campaign,
        )
    )
    out.append(
        _ranked(
            t, "purposes", t("console-stats-by-purpose"), "console-stats-col-purpose", d.by_purpose,
            lambda s: purpose_name(t, s.key),
        )
    )  # fmt: skip
    provinces = {s.key: s for s in d.by_province}
    province_title = t("console-stats-by-province")
    out.append(
        Chart(
            "provinces",
            province_title,
            [t("console-stats-col-province"), t("console-stats-col-toman"), t("console-stats-col-count")],
            [(province_name(t, s.key), s.rials // 10, s.count) for s in d.by_province],
            charts.province_map(
                {k: s.rials for k, s in provinces.items() if k},
                lambda key: (
                    f"{province_name(t, key)}: {money(provinces[key].rials)}"
                    if key in provinces
                    else f"{province_name(t, key)}: {t('console-stats-none')}"
                ),
                name=province_title,
            ),
        )
    )
    if board.tickets is not None:
        k = board.tickets
        rows: list[Sequence[Cell]] = [
            (t("console-stats-tickets-filed"), k.filed),
            (t("console-stats-tickets-answered"), k.answered),
            (t("console-stats-tickets-within-sla"), k.within_sla),
            (t("console-stats-tickets-breached"), k.breached),
            (t("console-stats-tickets-rated"), k.rated),
        ]
        title = t("console-stats-ratings")
        stars = [
            charts.Point("★" * s, k.ratings.get(s, 0), f"{'★' * s}: {_digits(t, k.ratings.get(s, 0))}")
            for s in range(5, 0, -1)
        ]
        out.append(
            Chart(
                "tickets",
                t("console-stats-tickets"),
                [t("console-stats-col-figure"), t("console-stats-col-count")],
                rows,
                None,
            )
        )
        out.append(
            Chart(
                "ratings",
                title,
                [t("console-stats-col-stars"), t("console-stats-col-count")],
                [(s, k.ratings.get(s, 0)) for s in range(5, 0, -1)],
                charts.bars(stars, name=title) if k.rated else None,
            )
        )
    if board.faq is not None:
        f = board.faq
        title = t("console-stats-faq")
        items = [
            (t("console-stats-faq-answered"), f.answered),
            (t("console-stats-faq-suggested"), f.suggested),
            (t("console-stats-faq-nothing"), f.nothing),
            (t("console-stats-faq-to-staff"), f.to_staff),
        ]
        out.append(
            Chart(
                "faq",
                title,
                [t("console-stats-col-figure"), t("console-stats-col-count")],
                list(items),
                charts.bars([charts.Point(n, v, f"{n}: {_digits(t, v)}") for n, v in items[:3]], name=title)
                if f.answered + f.suggested + f.nothing
                else None,
            )
        )
    if board.broadcasts is not None:
        b = board.broadcasts
        out.append(
            Chart(
                "broadcasts",
                t("console-stats-broadcasts"),
                [t("console-stats-col-figure"), t("console-stats-col-count")],
                [
                    (t("console-stats-broadcasts-started"), b.started),
                    (t("console-stats-broadcasts-sent"), b.sent),
                    (t("console-stats-broadcasts-failed"), b.failed),
                    (t("console-stats-broadcasts-blocked"), b.blocked),
                    (t("console-stats-broadcasts-stopped"), b.stopped),
                    (t("console-stats-broadcasts-subscribers"), b.subscribers),
                ],
                None,
            )
        )
    v = board.volunteers
    title = t("console-stats-volunteer-areas")
    area_items = [(t(f"volunteer-area-{a}"), v.by_area.get(a, 0)) for a in AREAS]
    out.append(
        Chart(
            "volunteers",
            t("console-stats-volunteers"),
            [t("console-stats-col-figure"), t("console-stats-col-count")],
            [
                (t("console-stats-volunteers-signed-up"), v.signed_up),
                *((t(f"console-volunteers-status-{s}"), v.by_status.get(s, 0)) for s in svc.REVIEW_STATUSES),
                (t("console-stats-volunteers-total"), v.total),
            ],
            None,
        )
    )
    out.append(
        Chart(
            "areas",
            title,
            [t("console-stats-col-area"), t("console-stats-col-count")],
            list(area_items),
            charts.bars([charts.Point(n, c, f"{n}: {_digits(t, c)}") for n, c in area_items], name=title)
            if v.signed_up
            else None,
        )
    )
    return out


async def _board(request: web.Request, wanted: Wanted) -> svc.Dashboard:
    console = console_of(request)
    return await svc.dashboard(
        db_of(request),
        wanted.days,
        now=console.now(),
        sla_hours=console.app.settings.tickets.sla_hours,
        grain=wanted.grain,
        provinces=provinces_of(request),
    )


# -- pages ------------------------------------------------------------------------------------


@routes.get(PREFIX + "/stats")
async def stats_page(request: web.Request) -> web.Response:
    if (refusal := await refused(request, READERS, "stats-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    t = staff.t
    wanted = wanted_of(request.query, console)
    board = await _board(request, wanted)
    money = _money(t)
    peak = max((s.rials for s in board.donations.by_province if s.key), default=0)
    k = board.tickets
    return console.render(
        request,
        "stats.html",
        t,
        status=400 if wanted.problem else 200,
        wanted=wanted,
        board=board,
        charts={chart.name: chart for chart in build_charts(board, t)},
        presets=svc.PRESETS,
        grains=svc.GRAINS,
        span=(_day_label_full(t, board.days.first), _day_label_full(t, board.days.last)),
        legend=charts.legend(peak, money),
        answer_time=format_duration(k.average_answer_seconds, t.locale)
        if k and k.average_answer_seconds is not None
        else "",
        rating=_decimal(t, k.average_rating) if k and k.average_rating is not None else "",
        number=lambda n: format_number(int(n), t.locale),
        back=f"{PREFIX}/stats?{wanted.query()}",
    )


def _decimal(t: Translator, value: float) -> str:
    text = f"{value:.1f}"
    return to_fa_digits(text).replace(".", "٫") if t.locale == "fa" else text


def _day_label_full(t: Translator, day: date) -> str:
    from services.dates import format_day

    return format_day(jdatetime.date.fromgregorian(date=day), t.locale)


@routes.get(PREFIX + "/stats/{chart}.csv")
async def chart_csv(request: web.Request) -> web.Response:
    """One chart's numbers (UTF-8 with a BOM, as the exports): what the chart shows, nothing
    personal; the download is on the audit record like an export."""
    if (refusal := await refused(request, READERS, "stats-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    wanted = wanted_of(request.query, console)
    if wanted.problem:
        raise web.HTTPBadRequest(text=staff.t(wanted.problem))
    name = request.match_info["chart"]
    chart = next((c for c in build_charts(await _board(request, wanted), staff.t) if c.name == name), None)
    if chart is None:
        raise web.HTTPNotFound()
    await audit.record(
        db_of(request),
        platform=console.platform,
        actor_id=staff.user_id,
        action="console.stats-csv",
        target=f"chart:{name}",
        after={
            "from": wanted.days.first.isoformat(),
            "to": wanted.days.last.isoformat(),
            "rows": len(chart.rows),
        },
        channel="console",
    )
    body = to_csv(ExportTable(chart.headers, chart.rows))
    filename = f"hamdel-stats-{name}-{_jalali_text(wanted.days.first).replace('/', '')}-{_jalali_text(wanted.days.last).replace('/', '')}.csv"
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
