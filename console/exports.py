"""The console's exports and the status import.

Exports: every table the features declare (app.reports, as the chat's /export), as CSV (with a
BOM) or XLSX, for a period or typed Jalali dates and, where it applies, a campaign — the same
exporters (so the same privacy rules: columns by role, no messenger ids), the same writers and
the same audit entry as the chat (`exports.record_export`, channel "console").

The status import (admins, as the chat's): the file is read and every line reported before
anything is written (a dry run: what each good row would do, why each bad row is left out).
Confirming sends the same file back (it is not kept on the server: it holds national codes),
checked against the signature the dry run gave it; the import then runs in batches as a
background task of this worker (services.status_import.run_job), and its page — served by any
worker — follows the progress kept in the database until the report. A worker stopped midway
leaves the batches already imported (importing the file again is safe) and the job unfinished.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.menus import STAFF_ROLES
from console.server import (
    APP_KEY,
    BODY_LIMITS,
    PREFIX,
    Console,
    console_of,
    db_of,
    forbidden,
    not_found_page,
    staff_of,
)
from console.stats import provinces_of, refused
from handlers.status import CSV_EXTENSIONS, CSV_TYPES, EXCEL_FORMAT, size_text, status_labels
from models.imports import ConsoleImport
from services import applications, roles, status_import
from services import campaign_admin as campaigns
from services import exports as svc
from services.persian import jalali
from services.roles import Role

routes = web.RouteTableDef()

IMPORTERS = frozenset({Role.ADMIN})  # as the chat's /import_statuses
SHOWN_LINES = 1000  # lines of a dry run listed one by one (the rest are counted)
REFRESH_SECONDS = 2


async def _allowed_exporters(request: web.Request) -> list[svc.Exporter]:
    console = console_of(request)
    held = await roles.roles_of(
        db_of(request),
        platform=console.platform,
        user_id=staff_of(request).user_id,
        admin_ids=console.app.settings.staff.admin_ids,
    )
    allowed = console.app.reports.exporters_for(held)
    if provinces_of(request) is not None:  # a province officer: only tables that can be limited
        allowed = [e for e in allowed if e.provinces]
    return allowed


async def _exports_page(
    request: web.Request, *, status: int = 200, problem: str | None = None, form: Any = None
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    exporters = await _allowed_exporters(request)
    listed = (
        await campaigns.list_campaigns(db_of(request), limit=50)
        if any(e.campaign_filter for e in exporters)
        else []
    )
    empty = request.query.get("empty", "")
    return console.render(
        request,
        "exports.html",
        staff.t,
        status=status,
        exporters=exporters,
        campaigns=listed,
        periods=(*svc.PERIODS, "custom"),
        formats=svc.FORMATS,
        problem=problem,
        form=form or {},
        empty=console.app.reports.exporter(empty) if empty else None,
        importer=await may_import(request),
        back=PREFIX + "/exports",
    )


async def may_import(request: web.Request) -> bool:
    """Whether the import is open to this person (for the link; the import pages check again)."""
    console = console_of(request)
    held = await roles.roles_of(
        db_of(request),
        platform=console.platform,
        user_id=staff_of(request).user_id,
        admin_ids=console.app.settings.staff.admin_ids,
    )
    return bool(held & IMPORTERS)


@routes.get(PREFIX + "/exports")
async def exports_page(request: web.Request) -> web.Response:
    if (refusal := await refused(request, STAFF_ROLES, "exports-role")) is not None:
        return refusal
    return await _exports_page(request)


def _period(form: Any, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The period chosen (month, 30d, year, all) or typed (custom: «from» and «to» dates)."""
    period = str(form.get("period", "month"))
    if period == "custom":
        first, last = str(form.get("from", ""))[:40], str(form.get("to", ""))[:40]
        return svc.parse_range(f"{first} تا {last}")
    return svc.period_range(period, now)


@routes.post(PREFIX + "/exports/{name}")
async def run_export(request: web.Request) -> web.StreamResponse:
    """The file, as the chat sends it; put on the audit record before it leaves."""
    if (refusal := await refused(request, STAFF_ROLES, "exports-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    t = staff.t
    exporter = console.app.reports.exporter(request.match_info["name"])
    if exporter is None:
        return not_found_page(request, "console-not-found")
    if exporter not in await _allowed_exporters(request):
        return await forbidden(request, console, db, "exports-role")
    form = await request.post()
    file_format = str(form.get("format", "csv"))
    if file_format not in svc.FORMATS:
        return await _exports_page(request, status=400, problem="console-exports-error-format", form=form)
    now = console.now()
    try:
        start, end = _period(form, now)
    except svc.ExportInputError as error:
        return await _exports_page(request, status=400, problem=error.key, form=form)
    campaign_id = None
    if exporter.campaign_filter and str(form.get("campaign", "0")) not in ("", "0"):
        raw = str(form.get("campaign"))
        campaign_id = int(raw) if raw.isdigit() and len(raw) < 10 else -1
        if campaign_id < 0 or await campaigns.get_campaign(db, campaign_id) is None:
            return await _exports_page(
                request, status=400, problem="console-exports-error-campaign", form=form
            )
    held = await roles.roles_of(
        db, platform=console.platform, user_id=staff.user_id, admin_ids=console.app.settings.staff.admin_ids
    )
    export_request = svc.ExportRequest(
        start=start,
        end=end,
        campaign_id=campaign_id,
        locale=t.locale,
        text=t,
        roles=frozenset(r.value for r in held),
        provinces=provinces_of(request),
    )
    table = await svc.run_export(db, exporter, export_request)
    if not table.rows:
        return web.HTTPSeeOther(f"{PREFIX}/exports?empty={exporter.name}")
    content = await asyncio.to_thread(svc.render, table, file_format, locale=t.locale)
    await svc.record_export(
        db,
        platform=console.platform,
        actor_id=staff.user_id,
        exporter=exporter,
        table=table,
        file_format=file_format,
        start=start,
        end=end,
        campaign_id=campaign_id,
        note="truncated" if table.truncated else None,
        channel="console",
    )
    moment = jalali(now)
    filename = (
        f"hamdel-{exporter.name}-{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"-{moment.hour:02d}{moment.minute:02d}.{file_format}"
    )
    kind = (
        "text/csv"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return web.Response(
        body=content,
        content_type=kind,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Hamdel-Rows": str(len(table.rows)),
        },
    )


# -- the status import ----------------------------------------------------------------------


def _signature(secret: str, user_id: int, name: str, data: bytes) -> str:
    message = f"status-import:{user_id}:{name}:".encode() + hashlib.sha256(data).digest()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


async def _import_page(
    request: web.Request, *, status: int = 200, problem: str | None = None, **context: Any
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    limit = console.app.settings.status.status_csv_max_bytes
    return console.render(
        request,
        "import.html",
        staff.t,
        status=status,
        problem=problem,
        size=size_text(staff.t, limit),
        excel=EXCEL_FORMAT,
        statuses=[staff.t(f"status-name-{s}") for s in applications.STATUSES],
        back=PREFIX + "/import",
        **context,
    )


@routes.get(PREFIX + "/import")
async def import_page(request: web.Request) -> web.Response:
    if (refusal := await refused(request, IMPORTERS, "import-role")) is not None:
        return refusal
    return await _import_page(request)


def _looks_csv(name: str, kind: str) -> bool:
    return name.lower().endswith(CSV_EXTENSIONS) or kind.lower().split(";")[0].strip() in CSV_TYPES


@routes.post(PREFIX + "/import")
async def check_upload(request: web.Request) -> web.Response:
    """The dry run: the file read and each line reported; nothing written."""
    if (refusal := await refused(request, IMPORTERS, "import-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    t = staff.t
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return await _import_page(request, status=400, problem=t("console-import-no-file"))
    name = (upload.filename or "CSV")[:128]
    if not _looks_csv(name, upload.content_type or ""):
        return await _import_page(
            request, status=400, problem=t("status-import-not-csv", format=EXCEL_FORMAT)
        )
    limit = console.app.settings.status.status_csv_max_bytes
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        return await _import_page(
            request, status=400, problem=t("status-import-too-large", size=size_text(t, limit))
        )
    return await _dry_run(request, name, data)


async def _dry_run(request: web.Request, name: str, data: bytes) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    t = staff.t
    parsed = await asyncio.to_thread(applications.parse_csv, data, status_labels(console.app.i18n))
    problem = _file_problem(t, parsed)
    if problem is not None:
        return await _import_page(request, status=400, problem=problem)
    hasher = console.app.dispatcher.workflow_data["status_hasher"]
    checked = await status_import.dry_run(db_of(request), parsed.rows, hasher)
    lines: list[tuple[int, str, str, bool]] = [
        (
            row.line,
            row.tracking_code,
            t(f"console-import-action-{action.replace('_', '-')}", status=t(f"status-name-{row.status}")),
            True,
        )
        for row, action in checked.actions
    ]
    lines += [
        (bad.line, "", t(f"status-problem-{bad.problem}") if bad.duplicate_of is None
         else t("console-import-duplicate-of", problem=t(f"status-problem-{bad.problem}"), line=bad.duplicate_of), False)
        for bad in parsed.bad
    ]  # fmt: skip
    lines.sort()
    return await _import_page(
        request,
        status=200,
        checked=checked,
        parsed=parsed,
        name=name,
        lines=lines[:SHOWN_LINES],
        more=max(0, len(lines) - SHOWN_LINES),
        importable=parsed.importable,
        data=base64.b64encode(data).decode("ascii") if parsed.importable else "",
        signature=_signature(console.secret, staff.user_id, name, data) if parsed.importable else "",
    )


def _file_problem(t: Any, parsed: applications.ParsedCsv) -> str | None:
    if parsed.problem == "empty":
        return str(t("status-import-empty"))
    if parsed.problem == "not_text":
        return str(t("status-import-not-text", format=EXCEL_FORMAT))
    if parsed.problem == "too_many_rows":
        return str(t("status-import-too-many", limit=applications.MAX_ROWS))
    if parsed.problem == "no_header":
        separator = "، " if t.locale == "fa" else ", "
        return str(
            t(
                "status-import-no-header",
                columns=separator.join(t(f"status-column-{c}") for c in parsed.missing_columns),
            )
        )
    return None


@routes.post(PREFIX + "/import/confirm")
async def confirm_import(request: web.Request) -> web.StreamResponse:
    """Import the file the dry run showed (its signature checked), as a background job."""
    if (refusal := await refused(request, IMPORTERS, "import-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    t = staff.t
    form = await request.post()
    name = str(form.get("name", "CSV"))[:128]
    try:
        data = base64.b64decode(str(form.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    expected = _signature(console.secret, staff.user_id, name, data)
    if not data or not hmac.compare_digest(expected, str(form.get("signature", ""))):
        return await _import_page(request, status=400, problem=t("console-import-stale"))
    parsed = await asyncio.to_thread(applications.parse_csv, data, status_labels(console.app.i18n))
    if not parsed.importable:
        return await _import_page(
            request, status=400, problem=_file_problem(t, parsed) or t("status-import-skipped")
        )
    db = db_of(request)
    job = await status_import.start_job(
        db,
        platform=console.platform,
        actor_id=staff.user_id,
        name=name,
        total=len(parsed.rows),
        now=console.now(),
    )
    app = console.app

    async def work() -> None:
        outcome = await status_import.run_job(
            app.sessionmaker,
            job.id,
            parsed,
            app.dispatcher.workflow_data["status_hasher"],
            clock=app.clock,
            platform=console.platform,
            actor_id=staff.user_id,
        )
        if outcome is not None and outcome.result is not None and outcome.result.notifications:
            wake = app.dispatcher.workflow_data.get("status_wake")
            if isinstance(wake, asyncio.Event):
                wake.set()

    app.spawn(work(), name=f"console-import-{job.id}")
    return web.HTTPSeeOther(f"{PREFIX}/import/{job.id}")


@routes.get(PREFIX + "/import/{job_id}")
async def import_progress(request: web.Request) -> web.Response:
    if (refusal := await refused(request, IMPORTERS, "import-role")) is not None:
        return refusal
    raw = request.match_info["job_id"]
    job = await db_of(request).get(ConsoleImport, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if job is None:
        return not_found_page(request, "console-import-not-found")
    console = console_of(request)
    staff = staff_of(request)
    return console.render(
        request,
        "import_job.html",
        staff.t,
        job=job,
        report=job.report or {},
        refresh=REFRESH_SECONDS if job.status == "importing" else None,
        percent=(100 * job.done // job.total) if job.total else 100,
        back=f"{PREFIX}/import/{job.id}",
    )


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
    console = application[APP_KEY]
    assert isinstance(console, Console)
    # The status file (and its confirmation, which sends it back in base64) beside the form.
    application[BODY_LIMITS][PREFIX + "/import"] = (
        64 * 1024 + 2 * console.app.settings.status.status_csv_max_bytes
    )
