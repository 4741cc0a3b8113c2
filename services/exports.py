"""Exports for staff: what an exporter is, and the CSV/XLSX writers.

Each feature declares the tables it can export on its `Feature` (services.staff_reports); the
/export command and `python -m bot admin export NAME` list what the features declare::

    from services.exports import ExportRequest, ExportTable, exporter

    async def tickets(session, request: ExportRequest) -> ExportTable:
        headers = [request.text("tickets-export-number"), ...]
        rows = [...]                   # tuples of str | int | datetime | None
        return ExportTable(headers, rows)

    TICKETS_EXPORT = exporter("tickets", "tickets-export-title", tickets, roles=("admin", "operator"))

`request.start`/`request.end` bound the rows' main date (UTC, end exclusive), `request.campaign_id`
is set only for exporters registered with `campaign_filter=True`, and `request.text(key, **args)`
gives texts in the reader's language (headers, status names). `request.roles` are the reader's
roles (the command line counts as admin), for columns only some roles may see. Return at most
`request.limit` rows; the writer flags a truncated export.

CSV is UTF-8 with a byte-order mark so spreadsheet programs show Persian; dates are Jalali in
Tehran time («1405/09/09 11:30», ASCII digits so they sort and parse); cells that would start a
formula are prefixed with an apostrophe. XLSX (XlsxWriter) is right-to-left for Persian readers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import jdatetime
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.donation import Campaign, Donation, DonationStatus
from models.staff import AuditEntry
from services import audit, regions
from services.persian import jalali, rials_to_toman, to_ascii_digits, to_tehran

Cell = str | int | float | datetime | None
TextFn = Callable[..., str]

FORMATS = ("csv", "xlsx")
DEFAULT_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class ExportRequest:
    start: datetime | None = None
    end: datetime | None = None
    campaign_id: int | None = None
    locale: str = "fa"
    text: TextFn = field(default=lambda key, **_: key)
    limit: int = DEFAULT_LIMIT
    roles: frozenset[str] = frozenset()
    # A province office's provinces (services.scopes; None: the whole country): set only for
    # exporters registered with `provinces=True`, which must keep to them.
    provinces: frozenset[str] | None = None


@dataclass(slots=True)
class ExportTable:
    headers: list[str]
    rows: list[Sequence[Cell]]
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows)


QueryFn = Callable[[AsyncSession, ExportRequest], Awaitable[ExportTable]]


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str
    title_key: str
    query: QueryFn
    roles: frozenset[str]
    campaign_filter: bool = False
    # Keeps to `ExportRequest.provinces`: offered to province offices (the others are national).
    provinces: bool = False


def exporter(
    name: str,
    title_key: str,
    query_fn: QueryFn,
    *,
    roles: Iterable[str] = ("admin",),
    campaign_filter: bool = False,
    provinces: bool = False,
) -> Exporter:
    """An exporter. `name` is short ASCII (it travels in buttons and on the command line);
    `roles` are the `services.roles.Role` values allowed to run it; `provinces`: it keeps to a
    province office's provinces (`ExportRequest.provinces`), so province offices may run it."""
    if not name.isascii() or not name.replace("_", "").isalnum() or len(name) > 20:
        raise ValueError(f"exporter name {name!r}: up to 20 ASCII letters, digits or _")
    return Exporter(name, title_key, query_fn, frozenset(str(r) for r in roles), campaign_filter, provinces)


async def run_export(session: AsyncSession, exporter: Exporter, request: ExportRequest) -> ExportTable:
    table = await exporter.query(session, request)
    if len(table.rows) > request.limit:
        table.rows = table.rows[: request.limit]
        table.truncated = True
    return table


# --- writers -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _jalali_day(day: date) -> str:
    j = jdatetime.date.fromgregorian(date=day)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def jalali_stamp(value: datetime) -> str:
    """«1405/09/09 11:30»: the Jalali date and time in Tehran (ASCII digits: sortable, parseable)."""
    local = to_tehran(value)
    return f"{_jalali_day(local.date())} {local.hour:02d}:{local.minute:02d}"


def format_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return jalali_stamp(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # never a formula in the reader's spreadsheet
    return value


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with BOM, CRLF rows (what spreadsheet programs expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([format_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: ExportTable, *, right_to_left: bool = True, sheet: str = "export") -> bytes:
    import xlsxwriter  # 2 MB that only an XLSX export needs

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    if right_to_left:
        worksheet.right_to_left()
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, table.headers, bold)
    widths = [len(h) for h in table.headers]
    for index, row in enumerate(table.rows, start=1):
        values = [format_cell(cell) for cell in row]
        worksheet.write_row(index, 0, values)
        if index <= 500:  # column widths from the first rows are good enough
            for column, value in enumerate(values[: len(widths)]):
                widths[column] = max(widths[column], min(len(str(value)), 60))
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, width + 2)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def render(table: ExportTable, file_format: str, *, locale: str = "fa") -> bytes:
    if file_format == "xlsx":
        return to_xlsx(table, right_to_left=locale == "fa")
    return to_csv(table)


# --- the exporters this feature ships ---------------------------------------------------------


def _between(column: Any, request: ExportRequest) -> list[Any]:
    conditions = []
    if request.start is not None:
        conditions.append(column >= request.start)
    if request.end is not None:
        conditions.append(column < request.end)
    return conditions


def _region(province_id: str | None, county_id: str | None, locale: str) -> tuple[str, str]:
    data = regions.default_regions()
    province = data.find_province(province_id) if province_id else None
    county = data.find_county(county_id) if county_id else None
    return (province.name(locale) if province else "", county.name(locale) if county else "")


async def donations_export(session: AsyncSession, request: ExportRequest) -> ExportTable:
    """Paid (and later refunded) donations by the time they were paid. The donor appears only as
    the bot's internal number — no messenger id, name or phone leaves the database."""
    t = request.text
    conditions = [
        Donation.status.in_([DonationStatus.PAID.value, DonationStatus.REFUNDED.value]),
        Donation.paid_at.is_not(None),
        *_between(Donation.paid_at, request),
    ]
    if request.campaign_id is not None:
        conditions.append(Donation.campaign_id == request.campaign_id)
    if request.provinces is not None:
        conditions.append(
            func.coalesce(Donation.province_id, Campaign.province_id).in_(sorted(request.provinces))
        )
    rows = await session.execute(
        select(
            Donation.id,
            Donation.receipt_number,
            Donation.paid_at,
            Donation.amount_rials,
            Donation.campaign_id,
            Donation.purpose,
            Donation.province_id,
            Donation.county_id,
            Donation.user_id,
            Donation.provider,
            Donation.provider_ref,
            Donation.status,
            Campaign.title_fa,
            Campaign.title_en,
            Campaign.purpose.label("campaign_purpose"),
        )
        .outerjoin(Campaign, Donation.campaign_id == Campaign.id)
        .where(*conditions)
        .order_by(Donation.paid_at, Donation.id)
        .limit(request.limit + 1)
    )
    headers = [
        t("export-col-id"),
        t("export-col-receipt"),
        t("export-col-paid-at"),
        t("export-col-amount-toman"),
        t("export-col-amount-rials"),
        t("export-col-campaign-id"),
        t("export-col-campaign"),
        t("export-col-purpose"),
        t("export-col-province"),
        t("export-col-county"),
        t("export-col-donor"),
        t("export-col-provider"),
        t("export-col-provider-ref"),
        t("export-col-status"),
    ]
    label = lru_cache(maxsize=None)(lambda key: t(key))  # each purpose and status is formatted once
    out: list[Sequence[Cell]] = []
    for row in rows:
        purpose = row.purpose or row.campaign_purpose
        province, county = _region(row.province_id, row.county_id, request.locale)
        out.append(
            (
                row.id,
                row.receipt_number,
                row.paid_at,
                rials_to_toman(row.amount_rials),
                row.amount_rials,
                row.campaign_id,
                (row.title_en if request.locale == "en" else row.title_fa) or "",
                label(f"export-purpose-{purpose}") if purpose else "",
                province,
                county,
                row.user_id,
                row.provider,
                row.provider_ref,
                label(f"export-status-{row.status}"),
            )
        )
    table = ExportTable(headers, out[: request.limit], truncated=len(out) > request.limit)
    return table


async def audit_export(session: AsyncSession, request: ExportRequest) -> ExportTable:
    """The audit log; with a campaign chosen, only the actions on that campaign."""
    t = request.text
    conditions = _between(AuditEntry.at, request)
    if request.campaign_id is not None:
        conditions.append(AuditEntry.target == f"campaign:{request.campaign_id}")
    rows = await session.scalars(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.at, AuditEntry.id).limit(request.limit + 1)
    )
    headers = [
        t("export-col-id"),
        t("export-col-at"),
        t("export-col-actor"),
        t("export-col-action"),
        t("export-col-target"),
        t("export-col-allowed"),
        t("export-col-before"),
        t("export-col-after"),
        t("export-col-note"),
    ]
    out: list[Sequence[Cell]] = [
        (
            e.id,
            e.at,
            e.actor_id,
            e.action,
            e.target,
            t("export-yes") if e.allowed else t("export-no"),
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else None,
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else None,
            e.note,
        )
        for e in rows
    ]
    return ExportTable(headers, out[: request.limit], truncated=len(out) > request.limit)


DONATIONS_EXPORT = exporter(
    "donations",
    "export-donations-title",
    donations_export,
    roles=("admin", "campaign_manager"),
    provinces=True,
    campaign_filter=True,
)
AUDIT_EXPORT = exporter("audit", "export-audit-title", audit_export, roles=("admin",), campaign_filter=True)


# --- periods ----------------------------------------------------------------------------------------

PERIODS = ("month", "30d", "year", "all")


class ExportInputError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def period_range(kind: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(start, end) in UTC for a named period in Tehran time; end None means "until now"."""
    from services.campaign_admin import day_start
    from services.stats import Periods

    periods = Periods.at(now)
    if kind == "month":
        return periods.month, None
    if kind == "30d":
        return periods.today - timedelta(days=29), None
    if kind == "year":
        j = jalali(now)
        return day_start(jdatetime.date(j.year, 1, 1)), None
    if kind == "all":
        return None, None
    raise ExportInputError("export-error-period")


_DATE_IN_TEXT = re.compile(r"\d{4}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{1,2}")
_RANGE_WORD = re.compile(r"\s+(?:تا|الی|to|until|till)\s+|\s*[–—]\s*", re.IGNORECASE)
_FROM_WORD = re.compile(r"^\s*(?:از|from)\s+", re.IGNORECASE)


def parse_range(text: str | None) -> tuple[datetime, datetime]:
    """«۱۴۰۵/۰۱/۰۱ تا ۱۴۰۵/۰۹/۳۰», «از ۱ آذر ۱۴۰۵ تا ۳۰ آذر ۱۴۰۵» (any digits, separators and
    forms :func:`services.dates.parse_date` reads) → [start of the first day, start of the day
    after the last) in UTC."""
    from services.campaign_admin import CampaignInputError, day_start, parse_jalali_date

    sides = _RANGE_WORD.split(_FROM_WORD.sub("", text or ""))
    found = sides if len(sides) == 2 else _DATE_IN_TEXT.findall(to_ascii_digits(text or ""))
    if len(found) != 2:
        raise ExportInputError("export-error-range-format")
    try:
        first, last = parse_jalali_date(found[0]), parse_jalali_date(found[1])
    except CampaignInputError as error:
        raise ExportInputError("export-error-range-date") from error
    if last < first:
        raise ExportInputError("export-error-range-order")
    return day_start(first), day_start(last + timedelta(days=1))


def parse_cli_date(text: str) -> jdatetime.date:
    from services.campaign_admin import CampaignInputError, parse_jalali_date

    try:
        return parse_jalali_date(text)
    except CampaignInputError as error:
        raise ExportInputError("export-error-range-date") from error


async def record_export(
    session: AsyncSession,
    *,
    platform: str,
    actor_id: int,
    exporter: Exporter,
    table: ExportTable,
    file_format: str,
    start: datetime | None,
    end: datetime | None,
    campaign_id: int | None,
    note: str | None = None,
    channel: str = "chat",
) -> None:
    """Put an export on the audit record, committed (in the chat, before the document leaves)."""
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action=f"export.{exporter.name}"[:64],
        after={
            "rows": len(table.rows),
            "format": file_format,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "campaign_id": campaign_id,
        },
        note=note,
        channel=channel,
    )
    await session.commit()
