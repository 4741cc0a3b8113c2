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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.ui import Feature
from console.links import PREFIX, console_secret
from models.console import ConsoleSession
from services import audit, console_auth
from services.persian import TEHRAN, format_date, format_toman, to_fa_digits, to_tehran

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.console")

HERE = Path(__file__).parent
COOKIE = "hamdel_console"
SECURE_COOKIE = "__Host-hamdel_console"  # a __Host- cookie: https only, this host, path /

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

APP_KEY = web.AppKey("hamdel", object)
DB = web.RequestKey("console.db", AsyncSession)
STAFF = web.RequestKey("console.staff", object)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in person for this request."""

    user_id: int
    name: str
    session: ConsoleSession
    t: Translator

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


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


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
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
            response = await handler(request)
            await db.commit()
            return response
        staff = await signed_in(request, console, db)
        if staff is None:
            await db.commit()
            t = console.translator(console.app.settings.locale.default_locale)
            return console.render(request, "signed_out.html", t, status=401, reason="no-session")
        request[STAFF] = staff
        if request.method == "POST":
            form = await request.post()
            submitted = form.get("csrf")
            if not console_auth.csrf_ok(staff.session, submitted if isinstance(submitted, str) else None):
                return await forbidden(request, console, db, "csrf")
        response = await handler(request)
        await db.commit()
        return response


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
    if not await console_auth.may_use_console(
        db, platform=console.platform, user_id=row.user_id, admin_ids=console.app.settings.staff.admin_ids
    ):
        await console_auth.end_session(db, row, console.now())
        return None
    return Staff(row.user_id, row.name, row, console.translator(row.locale))


def set_session_cookie(response: web.StreamResponse, console: Console, cookie: str) -> None:
    response.set_cookie(
        console.cookie_name,
        cookie,
        path="/",
        httponly=True,
        secure=console.settings.secure,
        samesite="Lax",
        max_age=int(console.settings.session_hours * 3600),
    )


def clear_session_cookie(response: web.StreamResponse, console: Console) -> None:
    response.del_cookie(console.cookie_name, path="/", secure=console.settings.secure, samesite="Lax")


# -- the application and its listener -------------------------------------------------------


def build_console_app(app: HamdelApp) -> web.Application:
    from console import exports, faq, stats, views, volunteers  # the views import this module

    # Forms are small; the status import's upload (and its confirmation, which sends the file
    # back in base64) can reach STATUS_CSV_MAX_BYTES. Bodies are read only for signed-in staff.
    upload = app.settings.status.status_csv_max_bytes * 2
    application = web.Application(
        middlewares=[security_headers, sessions], client_max_size=64 * 1024 + upload
    )
    application[APP_KEY] = Console(app)
    views.add_routes(application)
    faq.add_routes(application)
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
    """The feature's startup hook: the console's own listener, when CONSOLE_PUBLIC_URL is set.
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


# The web console's listener, started with the bot (the chat's /console is handlers/console.py).
feature = Feature(name="console-web", on_startup=(start_console,))
