"""The console's web application: rendering, security headers, sessions, CSRF and origin checks,
and its listener.

Every request under /console/ except the sign-in pages, the signed-out page and static files
needs a live session whose person still holds a console role (checked on every request, in the
database). Every POST needs the session's CSRF token in the form and, where the browser says
where the request came from (Origin, Sec-Fetch-Site), the console's own origin.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from console.links import PREFIX, console_secret
from models.console import ConsoleSession
from services import audit, console_auth, roles, scopes
from services.persian import TEHRAN, format_date, format_toman, to_fa_digits, to_tehran

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.console")

HERE = Path(__file__).parent
COOKIE = "hamdel_console"
SECURE_COOKIE = "__Host-hamdel_console"  # a __Host- cookie: https only, this host, path /

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors {ancestors}; base-uri 'none'; object-src 'none'"
)

APP_KEY = web.AppKey("hamdel", object)
DB = web.RequestKey("console.db", AsyncSession)
STAFF = web.RequestKey("console.staff", object)
# Who may show this response in a frame: set only for the Mini App's pages (else no one may).
FRAMED_BY = web.RequestKey("console.framed_by", tuple)
#: Routes whose POST may be larger than the console's usual limit (path or path prefix → bytes),
#: e.g. an upload; only for a signed-in person, so nobody else can make a worker read more.
BODY_LIMITS = web.AppKey("console.body_limits", dict[str, int])
#: The usual limit of a POST's body.
MAX_BODY = 64 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in person for this request."""

    user_id: int
    name: str
    session: ConsoleSession
    t: Translator
    # Read from the database on every request: a role or province taken away counts at once.
    roles: frozenset[str] = frozenset()
    scope: scopes.Scope = scopes.ALL
    in_mini_app: bool = False

    @property
    def csrf(self) -> str:
        return self.session.csrf_token

    def holds(self, *allowed: str) -> bool:
        """Whether the person holds one of the `allowed` roles (as read for this request)."""
        return bool(self.roles & {str(role) for role in allowed})

    @property
    def national_admin(self) -> bool:
        """An admin (admins are national): the roles and audit pages are theirs."""
        return roles.Role.ADMIN.value in self.roles


class Console:
    """One per running app: the settings it needs, the templates, the signing key."""

    def __init__(self, app: HamdelApp) -> None:
        self.app = app
        self.settings = app.settings.console
        self.secret = console_secret(app.settings)
        self.platform = app.profile.platform.value
        import jinja2  # only when the console runs or issues a link

        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @property
    def base_url(self) -> str:
        assert self.settings.public_url is not None
        return self.settings.public_url

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def cookie_name(self) -> str:
        return SECURE_COOKIE if self.settings.secure else COOKIE

    def now(self) -> datetime:
        return self.app.clock.now()

    def sign_in_url(self, token: str) -> str:
        return f"{self.base_url}{PREFIX}/signin/{token}"

    def translator(self, locale: str) -> Translator:
        return self.app.i18n.translator(locale)

    def render(
        self,
        request: web.Request,
        template: str,
        t: Translator,
        *,
        status: int = 200,
        **context: Any,
    ) -> web.Response:
        locale = t.locale

        def digits(value: object) -> str:
            return to_fa_digits(value) if locale == "fa" else str(value)

        html = self.templates.get_template(template).render(
            t=t,
            lang=locale,
            dir="rtl" if locale == "fa" else "ltr",
            prefix=PREFIX,
            staff=request.get(STAFF),
            digits=digits,
            when=lambda moment: moment_text(moment, locale),
            day=lambda moment: day_text(to_tehran(moment).date(), locale),
            toman=lambda rials: format_toman(rials, locale),
            province_list=lambda ids: ("، " if locale == "fa" else ", ").join(scopes.names(ids, locale)),
            **context,
        )
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


@lru_cache(maxsize=4096)
def day_text(day: date, locale: str) -> str:
    """A Tehran calendar day in the Jalali calendar, remembered: converting is slow (~0.3 ms
    with jdatetime), and a queue page shows dozens of dates of a few days."""
    return format_date(datetime(day.year, day.month, day.day, 12, tzinfo=TEHRAN), locale)


def moment_text(moment: datetime, locale: str) -> str:
    """As `services.persian.format_datetime` («۹ آذر ۱۴۰۵، ساعت ۱۴:۰۵»), the day remembered."""
    local = to_tehran(moment)
    clock = local.strftime("%H:%M")
    if locale == "fa":
        return f"{day_text(local.date(), locale)}، ساعت {to_fa_digits(clock)}"
    return f"{day_text(local.date(), locale)}, {clock}"


def console_of(request: web.Request) -> Console:
    console = request.app[APP_KEY]
    assert isinstance(console, Console)
    return console


def not_found_page(request: web.Request, text_key: str) -> web.Response:
    """A 404 page in the signed-in person's language (a ticket or an entry that is not there)."""
    staff = staff_of(request)
    return console_of(request).render(
        request,
        "message.html",
        staff.t,
        status=404,
        title=staff.t("console-not-found-title"),
        text=staff.t(text_key),
    )


def db_of(request: web.Request) -> AsyncSession:
    """The request's database session (opened by the session middleware)."""
    db = request[DB]
    assert isinstance(db, AsyncSession)
    return db


def staff_of(request: web.Request) -> Staff:
    """Who is signed in (checked by the session middleware on this request)."""
    staff = request[STAFF]
    assert isinstance(staff, Staff)
    return staff


# -- middlewares ----------------------------------------------------------------------------

PUBLIC = (f"{PREFIX}/signin/", f"{PREFIX}/static/", f"{PREFIX}/signed-out")
WEB_APP_SIGN_IN = f"{PREFIX}/signin/web-app"
# All a campaign manager without a desk role (services.console_auth.DESK_ROLES) may open.
MANAGER_AREA = (
    f"{PREFIX}/campaigns",
    f"{PREFIX}/broadcasts",
    f"{PREFIX}/stats",  # as the chat's /stats and /export (each page checks its own roles)
    f"{PREFIX}/exports",
    f"{PREFIX}/signout",
    f"{PREFIX}/lang",
)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    headers = response.headers
    framed_by = request.get(FRAMED_BY, ())
    ancestors = " ".join(("'self'", *framed_by)) if framed_by else "'none'"
    headers.setdefault("Content-Security-Policy", CSP.format(ancestors=ancestors))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if not framed_by:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if not request.path.startswith(f"{PREFIX}/static/"):
        headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _same_origin(request: web.Request, console: Console) -> bool:
    """A state-changing request from the console's own pages: Sec-Fetch-Site (which a page cannot
    forge) and Origin, where the browser sends them; "null" is what a page with
    Referrer-Policy no-referrer sends as its Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin in (console.origin, "null")


def _body_limit(request: web.Request) -> int | None:
    if request.method != "POST":
        return None
    limits = request.app[BODY_LIMITS]
    return next((size for path, size in limits.items() if request.path.startswith(path)), None)


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One database session per request; the signed-in person (role re-checked) in
    request[STAFF]; CSRF and origin checks on POST."""
    console = console_of(request)
    async with console.app.sessionmaker() as db:
        request[DB] = db
        if request.method == "POST" and not _same_origin(request, console):
            return await forbidden(request, console, db, "origin")
        if request.path.startswith(PUBLIC):
            if request.path == WEB_APP_SIGN_IN:
                request[FRAMED_BY] = console.app.profile.web_app_frame_ancestors
            response = await handler(request)
            await db.commit()
            return response
        staff = await signed_in(request, console, db)
        if staff is None:
            await db.commit()
            t = console.translator(console.app.settings.locale.default_locale)
            return console.render(request, "signed_out.html", t, status=401, reason="no-session")
        if staff.in_mini_app:  # read by security_headers, from the request it was given
            request[FRAMED_BY] = console.app.profile.web_app_frame_ancestors
        limit = _body_limit(request)
        if limit is not None:
            request = request.clone(client_max_size=limit)
            request[DB] = db
        request[STAFF] = staff
        if request.method == "POST":
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                await db.commit()
                return console.render(
                    request,
                    "message.html",
                    staff.t,
                    status=413,
                    title=staff.t("console-too-large-title"),
                    text=staff.t("console-too-large"),
                )
            submitted = form.get("csrf")
            if not console_auth.csrf_ok(staff.session, submitted if isinstance(submitted, str) else None):
                return await forbidden(request, console, db, "csrf")
        if not request.path.startswith(MANAGER_AREA) and not staff.roles & console_auth.DESK_ROLES:
            if request.method == "GET" and request.path == PREFIX + "/":
                await db.commit()
                return web.HTTPSeeOther(PREFIX + "/campaigns")  # a campaign manager's start page
            return await forbidden(request, console, db, "desk-role")
        response = await handler(request)
        await db.commit()
        return response


async def refused_unless(request: web.Request, allowed: Iterable[str], why: str) -> web.Response | None:
    """A 403 (audited as `why`) unless the signed-in person holds one of the `allowed` roles (as
    read from the database for this request, like the chat's RequireRole); None: go on."""
    if staff_of(request).holds(*allowed):
        return None
    return await forbidden(request, console_of(request), db_of(request), why)


async def forbidden(request: web.Request, console: Console, db: AsyncSession, why: str) -> web.Response:
    staff = request.get(STAFF)
    await audit.record(
        db,
        platform=console.platform,
        actor_id=staff.user_id if staff else 0,
        action=f"console.{request.path.removeprefix(PREFIX + '/').split('/')[0] or 'home'}",
        target=request.path[:128],
        allowed=False,
        note=why,
        channel="console",
    )
    await db.commit()
    t = staff.t if staff else console.translator(console.app.settings.locale.default_locale)
    return console.render(
        request,
        "message.html",
        t,
        status=403,
        title=t("console-forbidden-title"),
        text=t(f"console-forbidden-{why}"),
    )


async def signed_in(request: web.Request, console: Console, db: AsyncSession) -> Staff | None:
    cookie = request.cookies.get(console.cookie_name, "")
    if not cookie:
        return None
    row = await console_auth.find_session(
        db,
        platform=console.platform,
        cookie=cookie,
        now=console.now(),
        idle=timedelta(minutes=console.settings.idle_minutes),
    )
    if row is None:
        return None
    admin_ids = console.app.settings.staff.admin_ids
    held = await roles.roles_of(db, platform=console.platform, user_id=row.user_id, admin_ids=admin_ids)
    if not held & console_auth.CONSOLE_ROLES:
        await console_auth.end_session(db, row, console.now())
        return None
    scope = await scopes.scope_of(
        db,
        platform=console.platform,
        user_id=row.user_id,
        admin_ids=admin_ids,
        roles=console_auth.CONSOLE_ROLES,
    )
    return Staff(
        row.user_id,
        row.name,
        row,
        console.translator(row.locale),
        frozenset(role.value for role in held),
        scope,
        in_mini_app=console_auth.opened_in_mini_app(cookie),
    )


def _in_a_frame(console: Console, in_mini_app: bool) -> bool:
    """A Mini App session's cookie must reach the console inside the web client's frame (a
    third-party context): SameSite=None, https only, partitioned by the framing site (CHIPS), so
    no other site's frame ever gets it. On plain http the Mini App is not offered."""
    return in_mini_app and console.settings.secure


def _set_cookie(
    response: web.StreamResponse, console: Console, value: str, max_age: int, framed: bool
) -> None:
    if framed:  # Python's cookie module (before 3.14) knows no Partitioned: the header by hand
        response.headers.add(
            "Set-Cookie",
            f"{console.cookie_name}={value}; HttpOnly; Max-Age={max_age}; Path=/; SameSite=None; Secure; "
            "Partitioned",
        )
        return
    response.set_cookie(
        console.cookie_name,
        value,
        path="/",
        httponly=True,
        secure=console.settings.secure,
        samesite="Lax",
        max_age=max_age,
    )


def set_session_cookie(response: web.StreamResponse, console: Console, cookie: str) -> None:
    framed = _in_a_frame(console, console_auth.opened_in_mini_app(cookie))
    _set_cookie(response, console, cookie, int(console.settings.session_hours * 3600), framed)


def clear_session_cookie(response: web.StreamResponse, console: Console, staff: Staff) -> None:
    _set_cookie(response, console, "", 0, _in_a_frame(console, staff.in_mini_app))


# -- the application and its listener -------------------------------------------------------


def build_console_app(app: HamdelApp) -> web.Application:
    from console import audit as audit_pages
    from console import (  # the views import this module
        broadcasts,
        campaigns,
        eligibility,
        exports,
        faq,
        stats,
        views,
        volunteers,
    )
    from console import roles as roles_pages

    application = web.Application(middlewares=[security_headers, sessions], client_max_size=MAX_BODY)
    application[APP_KEY] = Console(app)
    application[BODY_LIMITS] = {}
    views.add_routes(application)
    faq.add_routes(application)
    eligibility.add_routes(application)
    roles_pages.add_routes(application)
    audit_pages.add_routes(application)
    campaigns.add_routes(application)
    broadcasts.add_routes(application)
    stats.add_routes(application)
    exports.add_routes(application)
    volunteers.add_routes(application)
    application.router.add_static(f"{PREFIX}/static", HERE / "static", append_version=False)
    return application


async def _serve_until_stopped(runner: web.AppRunner) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def start_console(app: HamdelApp) -> None:
    """The console's own listener, when CONSOLE_PUBLIC_URL is set (console.listener's hook).
    Binding happens here, so a busy port stops the start with the error; the listener then lives
    as a background task until the app stops. Several workers all listen on the same port
    (SO_REUSEPORT): sessions live in the database, so any worker serves any request."""
    settings = app.settings.console
    if not settings.enabled:
        return
    runner = web.AppRunner(build_console_app(app), access_log=None)
    await runner.setup()
    site = web.TCPSite(
        runner, settings.listen_host, settings.listen_port, reuse_port=app.settings.scale.workers > 1 or None
    )
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    logger.info("console on %s:%s for %s", settings.listen_host, settings.listen_port, settings.public_url)
    app.spawn(_serve_until_stopped(runner), name="console")
