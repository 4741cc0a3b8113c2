"""The console's pages: sign-in, home, the ticket queue, a ticket with its actions, attachments.

Views parse the request, call a service (services.console_auth, services.ticket_desk), audit,
render. A state-changing POST answers with a redirect to the page it came from (so a reload
never sends it again) carrying the outcome, or with the page itself (status 409/400) when the
person must look again, their typed text kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ui import MAX_ROW_ID, callback_int
from console.delivery import announce_status, deliver_reply
from console.server import (
    PREFIX,
    Console,
    Staff,
    clear_session_cookie,
    console_of,
    db_of,
    not_found_page,
    set_session_cookie,
    staff_of,
)
from handlers.faq import send_staff_answer
from models.faq import FaqQuery
from models.tickets import Ticket, TicketCategory, TicketMessage, TicketStatus
from services import audit, console_auth, faq_queries, ticket_desk, tickets, webapp_auth
from services.persian import format_number, to_tehran
from services.ticket_desk import Actor, Outcome, QueueFilter
from services.users import get_user

routes = web.RouteTableDef()

IMAGE_KINDS = {"photo"}
SETTABLE = ("in_progress", "answered", "closed")
LIVE_EVERY_MS = 10_000  # how often an open page asks whether something changed
LIVE_RELOAD = "live=1"  # marks a page shown again by live.js: not the person's activity


@dataclass(frozen=True, slots=True)
class Live:
    """What a page's live-update script needs (console/static/live.js): where to ask, the stamp
    the page was drawn at, the address to show again (without one-time notices), how often."""

    url: str
    stamp: str
    reload: str
    every_ms: int = field(default_factory=lambda: LIVE_EVERY_MS)


def _actor(console: Console, staff: Staff) -> Actor:
    return Actor(user_id=staff.user_id, name=staff.name, platform=console.platform, scope=staff.scope)


async def _audit(
    console: Console, db: AsyncSession, staff: Staff, action: str, target: str | None = None, **kw: Any
) -> None:
    await audit.record(
        db,
        platform=console.platform,
        actor_id=staff.user_id,
        action=action,
        target=target,
        channel="console",
        **kw,
    )


def _redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


# -- sign-in --------------------------------------------------------------------------------


@routes.get(PREFIX + "/signin/web-app")
async def web_app_page(request: web.Request) -> web.Response:
    """The console opened as a Mini App (the `web_app` button of /console): console/static/
    web-app.js hands the platform's launch data (in the address's fragment, never sent as
    such) to the POST below. Without script or outside the messenger, it says to use a link."""
    console = console_of(request)
    if not console.app.profile.web_apps:
        raise web.HTTPNotFound()
    t = console.translator(console.app.settings.locale.default_locale)
    return console.render(request, "web_app.html", t)


@routes.post(PREFIX + "/signin/web-app")
async def web_app_sign_in(request: web.Request) -> web.StreamResponse:
    """Sign in with the launch data: checked (services.webapp_auth: signed with this bot's
    token, fresh, single use), then the role, then an ordinary session as after a link."""
    console = console_of(request)
    if not console.app.profile.web_apps:
        raise web.HTTPNotFound()
    db = db_of(request)
    now = console.now()
    data = (await request.post()).get("init_data")
    check = await webapp_auth.consume_init_data(
        db,
        init_data=data if isinstance(data, str) else "",
        bot_token=console.app.settings.telegram.bot_token or "",
        platform=console.platform,
        now=now,
        max_age=timedelta(minutes=console.settings.link_minutes),
    )
    return await _open_session(request, check.user_id, check.name, check.problem, in_mini_app=True)


@routes.get(PREFIX + "/signin/{token}")
async def sign_in_page(request: web.Request) -> web.Response:
    """The link from /console: a confirmation page (the link itself changes nothing, so a link
    preview or a prefetch cannot use it up); Referrer-Policy no-referrer keeps it from leaking."""
    console = console_of(request)
    db = db_of(request)
    token = request.match_info["token"]
    check = await console_auth.check_link(
        db, secret=console.secret, platform=console.platform, token=token, now=console.now()
    )
    t = console.translator(await _locale_of(console, db, check.user_id))
    if check.problem is not None:
        await audit.record(
            db,
            platform=console.platform,
            actor_id=check.user_id or 0,
            action="console.signin",
            allowed=False,
            note=check.problem.value,
            channel="console",
        )
        return console.render(request, "signed_out.html", t, status=403, reason=f"link-{check.problem.value}")
    return console.render(request, "signin.html", t, token=token, name=check.name)


@routes.post(PREFIX + "/signin/{token}")
async def sign_in(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    db = db_of(request)
    now = console.now()
    check = await console_auth.consume_link(
        db, secret=console.secret, platform=console.platform, token=request.match_info["token"], now=now
    )
    return await _open_session(request, check.user_id, check.name, check.problem)


async def _open_session(
    request: web.Request,
    user_id: int | None,
    name: str,
    problem: StrEnum | None,
    *,
    in_mini_app: bool = False,
) -> web.StreamResponse:
    """After a sign-in link or a Mini App's launch data was checked: refused (audited) for a
    problem or a missing role, else a new session and its cookie."""
    console = console_of(request)
    db = db_of(request)
    locale = await _locale_of(console, db, user_id)
    t = console.translator(locale)
    if problem is not None or user_id is None:
        reason = problem.value if problem else "forged"
        await audit.record(
            db,
            platform=console.platform,
            actor_id=user_id or 0,
            action="console.signin",
            allowed=False,
            note=reason,
            channel="console",
        )
        return console.render(request, "signed_out.html", t, status=403, reason=f"link-{reason}")
    if not await console_auth.may_use_console(
        db, platform=console.platform, user_id=user_id, admin_ids=console.app.settings.staff.admin_ids
    ):
        await audit.record(
            db,
            platform=console.platform,
            actor_id=user_id,
            action="console.signin",
            allowed=False,
            note="role",
            channel="console",
        )
        return console.render(request, "signed_out.html", t, status=403, reason="role")
    opened = await console_auth.open_session(
        db,
        platform=console.platform,
        user_id=user_id,
        name=name,
        locale=locale,
        now=console.now(),
        lifetime=timedelta(hours=console.settings.session_hours),
        in_mini_app=in_mini_app,
    )
    await audit.record(
        db, platform=console.platform, actor_id=user_id, action="console.signin", channel="console"
    )
    response = web.HTTPSeeOther(PREFIX + "/")
    set_session_cookie(response, console, opened.cookie)
    return response


async def _locale_of(console: Console, db: AsyncSession, user_id: int | None) -> str:
    default = console.app.settings.locale.default_locale
    if user_id is None:
        return default
    person = await get_user(db, platform=console.platform, user_id=user_id)
    language = person.language if person is not None else None
    return language if language in ("fa", "en") else default


@routes.get(PREFIX + "/signed-out")
async def signed_out(request: web.Request) -> web.Response:
    console = console_of(request)
    locale = request.query.get("lang", console.app.settings.locale.default_locale)
    t = console.translator(locale if locale in ("fa", "en") else "fa")
    return console.render(request, "signed_out.html", t, reason="signed-out")


@routes.post(PREFIX + "/signout")
async def sign_out(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    everywhere = (await request.post()).get("everywhere") == "1"
    now = console.now()
    if everywhere:
        await console_auth.end_all_sessions(db, platform=console.platform, user_id=staff.user_id, now=now)
    else:
        await console_auth.end_session(db, staff.session, now)
    await _audit(console, db, staff, "console.signout-all" if everywhere else "console.signout")
    response = web.HTTPSeeOther(f"{PREFIX}/signed-out?lang={staff.t.locale}")
    clear_session_cookie(response, console, staff)
    return response


@routes.post(PREFIX + "/lang")
async def switch_language(request: web.Request) -> web.StreamResponse:
    staff = staff_of(request)
    form = await request.post()
    locale = form.get("lang")
    if locale in ("fa", "en"):
        staff.session.locale = str(locale)
    back = str(form.get("back") or "")
    return _redirect(back if back.startswith(PREFIX + "/") and "//" not in back else PREFIX + "/")


# -- home -----------------------------------------------------------------------------------


@routes.get(PREFIX + "/")
async def home(request: web.Request) -> web.Response:
    console = console_of(request)
    db = await _page_session(request)
    staff = staff_of(request)
    now = console.now()
    live = Live(
        f"{PREFIX}/changes", await ticket_desk.desk_stamp(db, staff.scope), f"{PREFIX}/?{LIVE_RELOAD}"
    )
    day_start = to_tehran(now).replace(hour=0, minute=0, second=0, microsecond=0)
    figures = await ticket_desk.home_figures(
        db,
        actor_id=staff.user_id,
        now=now,
        sla_hours=console.app.settings.tickets.sla_hours,
        day_start=day_start,
        scope=staff.scope,
    )
    questions = await ticket_desk.waiting_questions(db, scope=staff.scope)
    outcome = request.query.get("question", "")
    return console.render(
        request,
        "home.html",
        staff.t,
        figures=figures,
        questions=questions,
        now=now,
        live=live,
        outcome=outcome if outcome in ("sent", "answered", "empty", "blocked", "failed") else "",
    )


@routes.post(PREFIX + "/questions/{query_id}/answer")
async def answer_question(request: web.Request) -> web.StreamResponse:
    """Answer a question the FAQ sent to a person, as a reply to its card in the staff chat
    would (the same message to the asker); one already answered is not answered again."""
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    text = str((await request.post()).get("text", "")).strip()
    asked = await db.get(FaqQuery, callback_int(request.match_info["query_id"], 0), with_for_update=True)
    if asked is None or asked.asked_staff_at is None or not staff.scope.national:
        raise web.HTTPNotFound()
    if asked.answered_at is not None:
        return _redirect(f"{PREFIX}/?question=answered")
    if not text or len(text) > console.app.profile.max_text_length:
        return _redirect(f"{PREFIX}/?question=empty")
    app = console.app
    sent = await send_staff_answer(app.bot, db, app.i18n, app.profile, asked, text)
    if sent != "ok":
        return _redirect(f"{PREFIX}/?question={sent}")
    await faq_queries.answered(db, asked, staff_id=staff.user_id, now=console.now(), text=text)
    await _audit(console, db, staff, "faq-answer", f"faq_query:{asked.id}")
    return _redirect(f"{PREFIX}/?question=sent")


# -- the queue ------------------------------------------------------------------------------


def _filter(query: Any) -> QueueFilter:
    status = query.get("status", "open")
    if status not in ("open", "all", *TicketStatus._value2member_map_):
        status = "open"
    category = query.get("category", "")
    return QueueFilter(
        status=status,
        category=category if category in TicketCategory._value2member_map_ else "",
        age=query.get("age", "") if query.get("age", "") in ticket_desk.AGES else "",
        overdue=query.get("overdue") == "1",
        assignee=query.get("assignee", "") if query.get("assignee") in ("me", "none") else "",
        anonymous=query.get("anonymous") == "1",
        search=query.get("q", "")[:200],
        page=callback_int(query.get("page", "0"), 0) if len(query.get("page", "0")) < 6 else 0,
    )


@routes.get(PREFIX + "/tickets")
async def queue(request: web.Request) -> web.Response:
    console = console_of(request)
    db = await _page_session(request)
    staff = staff_of(request)
    wanted = replace(_filter(request.query), scope=staff.scope)
    now = console.now()
    reload = _queue_link(wanted, page=wanted.page or "", live="1")
    live = Live(f"{PREFIX}/changes", await ticket_desk.desk_stamp(db, staff.scope), reload)
    page = await ticket_desk.queue(
        db, wanted, actor_id=staff.user_id, now=now, sla_hours=console.app.settings.tickets.sla_hours
    )
    return console.render(
        request,
        "queue.html",
        staff.t,
        page=page,
        wanted=wanted,
        now=now,
        categories=[c.value for c in TicketCategory],
        statuses=["open", *[s.value for s in TicketStatus], "all"],
        ages=list(ticket_desk.AGES),
        link=lambda **changes: _queue_link(wanted, **changes),
        live=live,
        closed_cap=format_number(ticket_desk.CLOSED_COUNT_CAP, staff.t.locale),
    )


@routes.get(PREFIX + "/changes")
async def desk_changes(request: web.Request) -> web.Response:
    """The queue's and the home page's stamp, for live updates (JSON)."""
    db = await _poll_session(request)
    return web.json_response({"stamp": await ticket_desk.desk_stamp(db, staff_of(request).scope)})


@routes.get(PREFIX + "/tickets/{ticket_id}/changes")
async def ticket_changes(request: web.Request) -> web.Response:
    """A ticket page's stamp, for live updates (JSON)."""
    ticket_id = _ticket_id(request)
    stamp = await ticket_desk.ticket_stamp(await _poll_session(request), ticket_id, staff_of(request).scope)
    if stamp is None:
        raise web.HTTPNotFound()
    return web.json_response({"stamp": stamp})


async def _poll_session(request: web.Request) -> AsyncSession:
    """A poll is not the person's activity: the session's idle clock, which the sessions
    middleware moved on, is put back (an open page left alone still signs out on time)."""
    db = db_of(request)
    await db.rollback()
    return db


async def _page_session(request: web.Request) -> AsyncSession:
    """A page shown again by live.js (its address carries `live=1`) is no activity either."""
    if request.query.get("live") != "1":
        return db_of(request)
    db = await _poll_session(request)
    await db.refresh(staff_of(request).session)  # the page shows its forms' CSRF token
    return db


def _queue_link(wanted: QueueFilter, **changes: Any) -> str:
    values = {
        "status": wanted.status,
        "category": wanted.category,
        "age": wanted.age,
        "overdue": "1" if wanted.overdue else "",
        "assignee": wanted.assignee,
        "anonymous": "1" if wanted.anonymous else "",
        "q": wanted.search,
        "page": "",
    }
    values.update({key: str(value) for key, value in changes.items()})
    return f"{PREFIX}/tickets?" + urlencode({k: v for k, v in values.items() if v})


# -- a ticket -------------------------------------------------------------------------------


def _ticket_id(request: web.Request) -> int:
    value = callback_int(request.match_info["ticket_id"], 0)
    if value <= 0:
        raise web.HTTPNotFound()
    return value


async def _render_ticket(
    request: web.Request,
    ticket: Ticket,
    stamp: str,
    *,
    status: int = 200,
    problem: str | None = None,
    draft: str = "",
) -> web.Response:
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    items = await ticket_desk.thread(db, ticket)
    ids = await ticket_desk.colleagues(
        db, platform=console.platform, admin_ids=console.app.settings.staff.admin_ids, ticket=ticket
    )
    names = await ticket_desk.staff_names(
        db, platform=console.platform, ids=sorted({*ids, *(i.author_id for i in items if i.author_id)})
    )
    donation = None if ticket.anonymous else await tickets.donation_info(db, ticket.donation_id)
    done = request.query.get("done", "")
    return console.render(
        request,
        "ticket.html",
        staff.t,
        status=status,
        ticket=ticket,
        items=items,
        names=names,
        colleagues=[(i, names.get(i, str(i))) for i in ids],
        donation=donation,
        version=ticket_desk.version_of(ticket),
        key=secrets.randbelow(MAX_ROW_ID - 1) + 1,
        problem=problem,
        done=done if done in ("reply", "note", "assign", "status", "unchanged") else "",
        delivery=request.query.get("delivery", "")
        if request.query.get("delivery") in ("blocked", "failed")
        else "",
        draft=draft,
        settable=SETTABLE,
        reasons=ticket_desk.CLOSE_REASONS,
        now=console.now(),
        sla_hours=console.app.settings.tickets.sla_hours,
        live=Live(
            f"{PREFIX}/tickets/{ticket.id}/changes", stamp, f"{PREFIX}/tickets/{ticket.id}?{LIVE_RELOAD}"
        ),
    )


@routes.get(PREFIX + "/tickets/{ticket_id}")
async def ticket_page(request: web.Request) -> web.Response:
    db = await _page_session(request)
    ticket_id = _ticket_id(request)
    scope = staff_of(request).scope
    stamp = await ticket_desk.ticket_stamp(db, ticket_id, scope)  # before reading: a change after it shows
    ticket = await tickets.get_ticket(db, ticket_id)
    if ticket is None or stamp is None or not scope.allows(ticket.province_id):
        return not_found_page(request, "console-not-found")
    return await _render_ticket(request, ticket, stamp)


@routes.post(PREFIX + "/tickets/{ticket_id}/{action}")
async def ticket_action(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    ticket_id = _ticket_id(request)
    action = request.match_info["action"]
    form = await request.post()
    version = str(form.get("version", ""))
    actor = _actor(console, staff)
    now = console.now()
    text = str(form.get("text", ""))
    here = f"{PREFIX}/tickets/{ticket_id}"
    if action == "reply":
        key = callback_int(str(form.get("key", "")), 0)
        result = await ticket_desk.reply(
            db,
            ticket_id=ticket_id,
            version=version,
            actor=actor,
            text=text,
            key=key,
            now=now,
            limit=console.app.settings.tickets.text_limit,
        )
        if result.done and result.ticket is not None and result.message is not None:
            delivery = await deliver_reply(console.app, db, result.ticket, result.message, staff.name)
            suffix = "" if delivery.value == "ok" else f"&delivery={delivery.value}"
            return _redirect(f"{here}?done=reply{suffix}")
    elif action == "note":
        result = await ticket_desk.add_note(db, ticket_id=ticket_id, actor=actor, text=text, now=now)
        if result.done:
            return _redirect(f"{here}?done=note")
    elif action == "assign":
        found = await tickets.get_ticket(db, ticket_id)
        if found is None or not staff.scope.allows(found.province_id):
            raise web.HTTPNotFound()
        allowed = await ticket_desk.colleagues(
            db, platform=console.platform, admin_ids=console.app.settings.staff.admin_ids, ticket=found
        )
        assignee = callback_int(str(form.get("assignee", "")), 0) or staff.user_id
        names = await ticket_desk.staff_names(db, platform=console.platform, ids=[assignee])
        result = await ticket_desk.assign(
            db,
            ticket_id=ticket_id,
            version=version,
            actor=actor,
            assignee_id=assignee,
            assignee_name=names.get(assignee, str(assignee)),
            allowed=allowed,
            now=now,
        )
    elif action in ("status", "close", "reopen"):
        status = {"close": "closed", "reopen": "in_progress"}.get(action, str(form.get("status", "")))
        reason = str(form.get("reason", "")) or None if action == "close" else None
        if action == "close" and reason is None:
            reason = "other"
        result = await ticket_desk.set_status(
            db, ticket_id=ticket_id, version=version, actor=actor, status=status, now=now, reason=reason
        )
    else:
        raise web.HTTPNotFound()
    if result.done and result.ticket is not None and result.previous_status is not None:
        delivery = await announce_status(console.app, db, result.ticket, result.previous_status, staff.name)
        suffix = "" if delivery.value == "ok" else f"&delivery={delivery.value}"
        return _redirect(f"{here}?done={'assign' if action == 'assign' else 'status'}{suffix}")
    if result.outcome == Outcome.UNCHANGED:
        return _redirect(f"{here}?done=unchanged")
    if result.outcome == Outcome.DUPLICATE:
        return _redirect(f"{here}?done=reply")
    await db.rollback()
    stamp = await ticket_desk.ticket_stamp(db, ticket_id, staff.scope)
    ticket = await tickets.get_ticket(db, ticket_id)
    if ticket is None or stamp is None or result.outcome == Outcome.NOT_FOUND:
        raise web.HTTPNotFound()
    code = 409 if result.outcome in (Outcome.STALE, Outcome.CLOSED) else 400
    return await _render_ticket(request, ticket, stamp, status=code, problem=result.outcome.value, draft=text)


# -- attachments ----------------------------------------------------------------------------


@routes.get(PREFIX + "/tickets/{ticket_id}/files/{message_id}")
async def attachment(request: web.Request) -> web.StreamResponse:
    """A ticket's photo or document, fetched by the bot (getFile) and passed through: the
    browser never sees a Bot API address (which carries the token)."""
    console = console_of(request)
    db = db_of(request)
    message = await db.get(TicketMessage, callback_int(request.match_info["message_id"], 0))
    if message is None or message.ticket_id != _ticket_id(request) or not message.file_id:
        raise web.HTTPNotFound()
    owner = await tickets.get_ticket(db, message.ticket_id)
    if owner is None or not staff_of(request).scope.allows(owner.province_id):
        raise web.HTTPNotFound()
    bot = console.app.bot
    try:
        file = await bot.get_file(message.file_id)
        if not file.file_path:
            raise web.HTTPNotFound()
        data = await bot.download_file(file.file_path)
    except TelegramAPIError:
        raise web.HTTPBadGateway() from None
    assert data is not None
    body = data.read()
    staff = staff_of(request)
    await _audit(console, db, staff, "console.file", f"ticket-message:{message.id}")
    if message.kind in IMAGE_KINDS:
        return web.Response(body=body, content_type=_image_type(body))
    name = (file.file_path or "file").rsplit("/", 1)[-1]
    return web.Response(
        body=body,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{_safe(name)}"'},
    )


def _image_type(body: bytes) -> str:
    if body.startswith(b"\x89PNG"):
        return "image/png"
    if body[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def _safe(name: str) -> str:
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "._-")) or "file"


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
