"""The console's audit log: every staff action, allowed or refused, searchable by person, action
and a Jalali date range, paged, in the labels the chat's /audit uses (handlers.admin) and with
Jalali dates. Admins only: entries carry no province, so a province office has no share of
them (checked on the server for every request, refusals audited).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

import jdatetime
from aiohttp import web

from bot.ui import callback_int
from console.server import PREFIX, console_of, db_of, forbidden, staff_of
from handlers.admin import describe_entry
from services import audit
from services.audit import AuditQuery
from services.dates import parse_date
from services.persian import TEHRAN, jalali
from services.roles import parse_user_id

routes = web.RouteTableDef()

PER_PAGE = 30


def _day(text: str, today: jdatetime.date) -> tuple[jdatetime.date | None, bool]:
    """A typed Jalali (or Gregorian) day; (None, True) when something was typed that is no day."""
    if not text.strip():
        return None, False
    parsed = parse_date(text, today=today, missing_year="past")
    return parsed.day, parsed.day is None


def _start_of(day: jdatetime.date) -> datetime:
    return datetime.combine(day.togregorian(), time(0, 0), tzinfo=TEHRAN)


@routes.get(PREFIX + "/audit")
async def audit_page(request: web.Request) -> web.Response:
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    if not staff.national_admin:
        return await forbidden(request, console, db, "admin-role")
    query = request.query
    person_text = query.get("person", "")[:32].strip()
    action = query.get("action", "")[:64].strip()
    since_text = query.get("from", "")[:32]
    until_text = query.get("to", "")[:32]
    today = jalali(console.now()).date()
    since, bad_since = _day(since_text, today)
    until, bad_until = _day(until_text, today)
    person = parse_user_id(person_text) if person_text else 0
    problems = [
        name for name, bad in (("person", person is None), ("from", bad_since), ("to", bad_until)) if bad
    ]
    wanted = AuditQuery(
        actor=person or 0,
        action=action,
        start=_start_of(since) if since else None,
        end=_start_of(until) + timedelta(days=1) if until else None,
    )
    page_text = query.get("page", "0")
    page = callback_int(page_text, 0) if len(page_text) < 6 else 0
    found = await audit.search(db, wanted, page=page, per_page=PER_PAGE)
    rows = [(entry, await describe_entry(db, staff.t, entry)) for entry in found.entries]
    values = {"person": person_text, "action": action, "from": since_text, "to": until_text}

    def link(to_page: int) -> str:
        return f"{PREFIX}/audit?" + urlencode({**{k: v for k, v in values.items() if v}, "page": to_page})

    return console.render(
        request,
        "audit.html",
        staff.t,
        status=400 if problems else 200,
        rows=rows,
        found=found,
        values=values,
        problems=problems,
        link=link,
        back=PREFIX + "/audit",
    )


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
