"""The console's volunteers: the list with filters (area, province, review status, sign-up
dates), paged; a sign-up's review — accept or decline, with a message the bot sends the person
in their language; the export (the «volunteers» table of the exports page).

For admins, as the chat's /volunteers search (it shows mobile numbers). The review is
services.volunteers.review (audited there); the message goes out after the decision is
committed, so a failed delivery never undoes it (the page says whether it arrived).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiohttp import web

from bot.ui import callback_int
from console.server import PREFIX, console_of, db_of, forbidden, staff_of
from console.stats import provinces_of, refused
from services import dashboard, regions
from services import volunteers as svc
from services.roles import Role
from services.users import set_blocked

routes = web.RouteTableDef()

REVIEWERS = frozenset({Role.ADMIN})  # as the chat's /volunteers
PER_PAGE = 20
DONE = ("accepted", "declined", "unchanged", "gone", "invalid")
DELIVERY = ("ok", "blocked", "failed", "none")


def _wanted(query: Any, now: Any) -> tuple[svc.StaffFilter, dict[str, str], str | None]:
    """The filters asked for, the values to show back, and a problem with the dates."""
    area = query.get("area", "")
    province = query.get("province", "")
    status = query.get("status", "")
    first, last = query.get("from", "").strip()[:40], query.get("to", "").strip()[:40]
    shown = {"area": "", "province": "", "status": "", "from": first, "to": last}
    problem = None
    start = end = None
    if first or last:
        try:
            days = dashboard.typed_range(first or last, last or first, now)
            start, end = days.start, days.end
        except dashboard.RangeError as error:
            problem = error.key
    base = svc.VolunteerFilter()
    if area in svc.AREAS:
        shown["area"] = area
        base = svc.VolunteerFilter(areas=frozenset({area}))
    if province and regions.default_regions().find_province(province) is not None:
        shown["province"] = province
        base = svc.VolunteerFilter(areas=base.areas, province_id=province)
    if status in svc.REVIEW_STATUSES:
        shown["status"] = status
    return (
        svc.StaffFilter(base=base, status=shown["status"] or None, start=start, end=end),
        shown,
        problem,
    )


def _link(shown: dict[str, str], **changes: Any) -> str:
    values = dict(shown)
    values.update({k: str(v) for k, v in changes.items()})
    return f"{PREFIX}/volunteers?" + urlencode({k: v for k, v in values.items() if v})


@routes.get(PREFIX + "/volunteers")
async def volunteers_page(request: web.Request) -> web.Response:
    if (refusal := await refused(request, REVIEWERS, "volunteers-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    filters, shown, problem = _wanted(request.query, console.now())
    scope = provinces_of(request)
    if scope is not None:
        filters = svc.StaffFilter(filters.base, filters.status, filters.start, filters.end, scope)
    raw_page = request.query.get("page", "0")
    page = await svc.staff_page(
        db_of(request),
        filters,
        page=callback_int(raw_page, 0) if len(raw_page) < 6 else 0,
        per_page=PER_PAGE,
    )
    done = request.query.get("done", "")
    delivery = request.query.get("delivery", "")
    return console.render(
        request,
        "volunteers.html",
        staff.t,
        status=400 if problem else 200,
        page=page,
        shown=shown,
        problem=problem,
        areas=svc.AREAS,
        statuses=svc.REVIEW_STATUSES,
        provinces=[p for p in svc.sorted_provinces(staff.t.locale) if scope is None or p.id in scope],
        region=lambda v: svc.region_label(v.province_id, v.county_id, staff.t.locale),
        area_names=lambda v: ("، " if staff.t.locale == "fa" else ", ").join(
            staff.t(f"volunteer-area-{a}") for a in svc.keys_in_order(v.area_keys, svc.AREAS)
        ),
        profession=lambda v: (
            v.profession_text
            if v.profession == svc.OTHER and v.profession_text
            else staff.t(f"volunteer-profession-{v.profession}")
        ),
        link=lambda **changes: _link(shown, **changes),
        here=_link(shown, page=page.page or ""),
        done=done if done in DONE else "",
        delivery=delivery if delivery in DELIVERY else "",
        limit=svc.MAX_REVIEW_MESSAGE,
        back=_link(shown),
    )


@routes.post(PREFIX + "/volunteers/{volunteer_id}/review")
async def review(request: web.Request) -> web.StreamResponse:
    """Accept or decline; then the person hears of it from the bot (with the message typed)."""
    if (refusal := await refused(request, REVIEWERS, "volunteers-role")) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    form = await request.post()
    back = str(form.get("back") or "")
    if not back.startswith(PREFIX + "/volunteers") or "//" in back:
        back = PREFIX + "/volunteers"
    joiner = "&" if "?" in back else "?"
    message = str(form.get("message", "")).strip()
    result = await svc.review(
        db,
        volunteer_id=callback_int(request.match_info["volunteer_id"], 0),
        decision=str(form.get("decision", "")),
        message=message,
        platform=console.platform,
        actor_id=staff.user_id,
        now=console.now(),
        provinces=provinces_of(request),
        channel="console",
    )
    if result.outcome is svc.ReviewOutcome.OUT_OF_SCOPE:
        return await forbidden(request, console, db, "volunteers-province")
    if result.outcome is svc.ReviewOutcome.NOT_FOUND:
        return web.HTTPSeeOther(f"{back}{joiner}done=gone")
    if result.outcome is svc.ReviewOutcome.INVALID:
        return web.HTTPSeeOther(f"{back}{joiner}done=invalid")
    if result.outcome is svc.ReviewOutcome.UNCHANGED:
        return web.HTTPSeeOther(f"{back}{joiner}done=unchanged")
    await db.commit()  # the decision stands whatever happens to the message
    delivery = await _tell(request, result, message)
    await db.commit()
    assert result.volunteer is not None
    return web.HTTPSeeOther(f"{back}{joiner}done={result.volunteer.status}&delivery={delivery}")


async def _tell(request: web.Request, result: svc.Review, message: str) -> str:
    """The decision, in the person's language, through the bot: ok, blocked (they blocked the
    bot: remembered, as a broadcast would), failed, or none (no such person on this platform)."""
    console = console_of(request)
    person = result.person
    if person is None or result.volunteer is None or person.platform != console.platform:
        return "none"
    locale = (
        person.language if person.language in ("fa", "en") else console.app.settings.locale.default_locale
    )
    t = console.translator(locale)
    text = t(f"console-volunteers-notice-{result.volunteer.status}")
    if message:
        text += "\n\n" + t("console-volunteers-notice-message", message=message)
    try:
        await console.app.bot.send_message(person.chat_id, text[: console.app.profile.max_text_length])
    except TelegramForbiddenError:
        await set_blocked(db_of(request), platform=person.platform, user_id=person.user_id, blocked=True)
        return "blocked"
    except TelegramAPIError:
        return "failed"
    return "ok"


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
