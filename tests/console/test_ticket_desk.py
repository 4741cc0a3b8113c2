"""The desk's use cases (services.ticket_desk) as both front doors call them: the queue's
filters, search and counts; the thread; two staff members acting at once; and the console's
sign-in service. The console's pages are covered in a real browser (test_console_browser)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, select

from bot.settings import DatabaseSettings, TelegramSettings, load_settings
from messenger.sandbox import open_sandbox
from models.console import ConsoleSession
from models.donation import Donation, DonationStatus
from models.tickets import Direction, Ticket, TicketCategory, TicketStatus
from services import console_auth, ticket_desk, tickets, webapp_auth
from services.roles import Role
from services.ticket_desk import Actor, ItemKind, Outcome, QueueFilter
from services.users import upsert_user


async def _ticket(
    session: Any,
    hamdel: Any,
    *,
    donor: int,
    category: TicketCategory = TicketCategory.PAYMENT,
    text: str = "رسید پرداخت من نیامد",
    anonymous: bool = False,
    receipt: str | None = None,
) -> Ticket:
    platform = hamdel.app.profile.platform.value
    user = await upsert_user(session, platform=platform, user_id=donor, chat_id=donor, default_language="fa")
    donation_id = None
    if receipt is not None:
        donation = Donation(
            user_id=user.id,
            purpose="general",
            amount_rials=500_000,
            provider="test",
            currency="IRR",
            status=DonationStatus.PAID.value,
            payload=f"p-{receipt}",
            receipt_number=receipt,
            paid_at=hamdel.clock.now(),
        )
        session.add(donation)
        await session.flush()
        donation_id = donation.id
    ticket, _ = await tickets.create_ticket(
        session,
        platform=platform,
        user_db_id=user.id,
        draft=tickets.Draft(
            key=f"d{donor}-{text[:4]}-{receipt}",
            category=category,
            description=text,
            anonymous=anonymous,
            donation_id=donation_id,
        ),
        now=hamdel.clock.now(),
        prefix="T",
        staff_chat_id=None,
        text_limit=2000,
        attachment_limit=5,
    )
    await session.flush()
    return ticket


def _actor(hamdel: Any, person: Any, name: str) -> Actor:
    return Actor(user_id=person.id, name=name, platform=hamdel.app.profile.platform.value)


async def test_two_staff_members_at_once_never_lose_or_double_a_reply(hamdel) -> None:
    async with hamdel.db() as session:
        ticket = await _ticket(session, hamdel, donor=5001)
    admin, operator = _actor(hamdel, hamdel.admin, "مدیر"), _actor(hamdel, hamdel.operator, "کارشناس")
    async with hamdel.db() as session:
        seen = await tickets.get_ticket(session, ticket.id)
        assert seen is not None
        version = ticket_desk.version_of(seen)
    hamdel.clock.advance(seconds=5)
    now = hamdel.clock.now()

    async with hamdel.db() as session:
        first = await ticket_desk.reply(
            session,
            ticket_id=ticket.id,
            version=version,
            actor=admin,
            text="پاسخ اول",
            key=11,
            now=now,
            limit=2000,
        )
    async with hamdel.db() as session:
        second = await ticket_desk.reply(
            session,
            ticket_id=ticket.id,
            version=version,
            actor=operator,
            text="پاسخ دوم",
            key=12,
            now=now,
            limit=2000,
        )
    async with hamdel.db() as session:
        again = await ticket_desk.reply(
            session,
            ticket_id=ticket.id,
            version=version,
            actor=admin,
            text="پاسخ اول",
            key=11,
            now=now,
            limit=2000,
        )
        closing = await ticket_desk.set_status(
            session,
            ticket_id=ticket.id,
            version=version,
            actor=operator,
            status="closed",
            now=now,
            reason="resolved",
        )
    assert (first.outcome, second.outcome, again.outcome, closing.outcome) == (
        Outcome.DONE,
        Outcome.STALE,
        Outcome.DUPLICATE,
        Outcome.STALE,
    )
    async with hamdel.db() as session:
        stored = await tickets.get_ticket(session, ticket.id)
        assert stored is not None and stored.status == TicketStatus.ANSWERED
        items = await ticket_desk.thread(session, stored)
        assert [i.text for i in items if i.kind == ItemKind.STAFF] == ["پاسخ اول"]

        # With the fresh version the colleague's close goes through, with its reason.
        hamdel.clock.advance(seconds=5)
        fresh = ticket_desk.version_of(stored)
        closed = await ticket_desk.set_status(
            session,
            ticket_id=ticket.id,
            version=fresh,
            actor=operator,
            status="closed",
            now=hamdel.clock.now(),
            reason="resolved",
        )
        assert closed.outcome == Outcome.DONE and closed.previous_status == TicketStatus.ANSWERED
        hamdel.clock.advance(seconds=5)
        # Live updates: a page's stamp moves with every change it shows (a note touches no
        # ticket field); the queue's moves with a new ticket.
        page_stamp, desk_stamp = (
            await ticket_desk.ticket_stamp(session, ticket.id),
            await ticket_desk.desk_stamp(session),
        )
        note = await ticket_desk.add_note(
            session, ticket_id=ticket.id, actor=admin, text="با بانک تماس گرفتم", now=hamdel.clock.now()
        )
        assert note.outcome == Outcome.DONE
        assert await ticket_desk.ticket_stamp(session, ticket.id) != page_stamp
        assert await ticket_desk.desk_stamp(session) == desk_stamp
        await _ticket(session, hamdel, donor=5002)
        assert await ticket_desk.desk_stamp(session) != desk_stamp
        assert await ticket_desk.ticket_stamp(session, 10**9) is None
        late = await ticket_desk.reply(
            session,
            ticket_id=ticket.id,
            version=ticket_desk.version_of(closed.ticket),
            actor=admin,
            text="دیر",
            key=13,
            now=hamdel.clock.now(),
            limit=2000,
        )
        assert late.outcome == Outcome.CLOSED
        stored = await tickets.get_ticket(session, ticket.id)
        assert stored is not None
        items = await ticket_desk.thread(session, stored)
    kinds = [(i.kind, i.action) for i in items]
    assert kinds == [
        (ItemKind.DONOR, None),
        (ItemKind.STAFF, None),
        (ItemKind.EVENT, "ticket.status"),
        (ItemKind.NOTE, None),
    ]
    assert items[2].text == "resolved" and items[2].after["status"] == "closed"
    entries = await hamdel.audit("ticket.%")
    assert {e.channel for e in entries} == {"console"}


async def test_queue_filters_search_and_counts(hamdel) -> None:
    async with hamdel.db() as session:
        late = await _ticket(session, hamdel, donor=6001, text="پول از حسابم کم شد", receipt="R-1405-000777")
        hidden = await _ticket(
            session, hamdel, donor=6002, text="ناشناس", anonymous=True, receipt="R-1405-000888"
        )
        hamdel.clock.advance(days=2)
        other = await _ticket(session, hamdel, donor=6003, category=TicketCategory.SUGGESTION, text="پیشنهاد")
    now = hamdel.clock.now()
    me = hamdel.operator.id
    async with hamdel.db() as session:
        assigned = await ticket_desk.assign(
            session,
            ticket_id=other.id,
            version=ticket_desk.version_of(other),
            actor=_actor(hamdel, hamdel.operator, "کارشناس"),
            assignee_id=me,
            assignee_name="کارشناس",
            allowed=[me],
            now=now,
        )
        assert assigned.outcome == Outcome.DONE

    async def numbers(**wanted: Any) -> list[str]:
        async with hamdel.db() as session:
            page = await ticket_desk.queue(session, QueueFilter(**wanted), actor_id=me, now=now, sla_hours=24)
        return [row.ticket.number for row in page.rows]

    assert await numbers() == [late.number, hidden.number, other.number]
    assert await numbers(overdue=True) == [late.number, hidden.number]
    assert await numbers(assignee="me") == [other.number]
    assert await numbers(assignee="none") == [late.number, hidden.number]
    assert await numbers(anonymous=True) == [hidden.number]
    assert await numbers(category="suggestion") == [other.number]
    assert await numbers(age="1d") == [late.number, hidden.number]
    assert await numbers(status="in_progress") == [other.number]
    assert await numbers(search=late.number) == [late.number]
    assert await numbers(search="۱") == [late.number]  # the sequence, typed in Persian digits
    assert await numbers(search="R-1405-000777") == [late.number]
    assert await numbers(search="R-1405-000888") == []  # never ties a receipt to an anonymous ticket
    assert await numbers(search="حسابم") == [late.number]
    # Words in any order, by their beginning, Arabic letter forms as Persian ones; the donor's
    # later messages are searched too.
    assert await numbers(search="كم حساب") == [late.number]
    assert await numbers(search="حساب پیشنهاد") == []
    async with hamdel.db() as session:
        stored = await tickets.get_ticket(session, other.id)
        assert stored is not None
        await tickets.add_message(
            session,
            stored,
            direction=Direction.DONOR,
            kind="text",
            text="شمارهٔ پیگیری بانک ملت",
            file_id=None,
            source_chat_id=6003,
            source_message_id=77,
            now=now,
        )
        await session.commit()
    assert await numbers(search="بانک ملت") == [other.number]
    async with hamdel.db() as session:
        counts = await ticket_desk.counts(session, actor_id=me, now=now, sla_hours=24)
    assert counts == ticket_desk.QueueCounts(
        open=3, new=2, in_progress=1, answered=0, closed=0, overdue=2, mine=1, unassigned=2, anonymous=1
    )


async def test_sign_in_tokens(hamdel) -> None:
    platform = hamdel.app.profile.platform.value
    secret = console_auth.derived_secret("x")
    now = hamdel.clock.now()
    async with hamdel.db() as session:
        token = await console_auth.issue_link_token(
            session,
            secret=secret,
            platform=platform,
            user_id=42,
            name="مدیر",
            now=now,
            ttl=timedelta(minutes=5),
        )
    async with hamdel.db() as session:
        wrong_key = await console_auth.consume_link(
            session, secret=secret + "0", platform=platform, token=token, now=now
        )
        used = await console_auth.consume_link(
            session, secret=secret, platform=platform, token=token, now=now
        )
        twice = await console_auth.consume_link(
            session, secret=secret, platform=platform, token=token, now=now
        )
    assert wrong_key.problem == console_auth.LinkProblem.FORGED
    assert (used.problem, used.user_id, used.name) == (None, 42, "مدیر")
    assert twice.problem == console_auth.LinkProblem.USED
    for junk in ("", "a.b.c", "1.2", "9" * 30 + ".x.y", "۴۲.x.y"):
        async with hamdel.db() as session:
            check = await console_auth.check_link(
                session, secret=secret, platform=platform, token=junk, now=now
            )
        assert check.problem == console_auth.LinkProblem.FORGED


async def test_sandbox_prints_a_sign_in_link(tmp_path, flavor: str) -> None:
    settings = load_settings(
        telegram=TelegramSettings(platform=flavor),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.db"),
    )
    shown: list[str] = []
    async with open_sandbox(settings, shown.append) as sandbox:
        await sandbox.handle(":console")
        found = re.search(r"http://\S+/console/signin/\S+", shown[-1])
        assert found is not None
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.get(found.group(0)) as page:
                assert page.status == 200 and "ورود" in await page.text()
                assert page.headers["Referrer-Policy"] == "no-referrer"
            async with client.post(found.group(0), allow_redirects=False) as signed:
                assert signed.status == 303 and "hamdel_console" in signed.headers["Set-Cookie"]
                assert "HttpOnly" in signed.headers["Set-Cookie"]
            async with client.get(found.group(0).split("/console/")[0] + "/console/") as home:
                assert home.status == 200 and "آنچه رسیدگی می‌خواهد" in await home.text()
    async with sandbox.app.sessionmaker() as session:
        assert await session.scalar(select(Ticket.id)) is None


async def test_the_admin_menu_hands_out_a_link_too(hamdel) -> None:
    """«🖥 کنسول وب» in /admin: a fresh link in a new message, for admins and operators only."""
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    await hamdel.operator.send("/admin")
    await hamdel.operator.wait_until(lambda u: "🖥 کنسول وب" in (u.buttons() if u.last else []))
    await hamdel.operator.press("🖥 کنسول وب")
    await hamdel.operator.wait_until(lambda u: "/console/signin/" in u.last_text)
    assert "یک‌بار مصرف" in hamdel.operator.last_text
    sent = hamdel.messenger.calls("sendMessage")[-1]
    if hamdel.app.profile.platform.value == "telegram":
        assert "is_disabled" in str(sent.params.get("link_preview_options"))
    links = await hamdel.audit("console.link")
    assert [e.actor_id for e in links] == [hamdel.operator.id]


def _launch_data(hamdel: Any, person_id: int, *, signed_at: int, token: str | None = None) -> str:
    """Launch data as the messenger makes it for a Mini App, signed with the bot's token."""
    fields = {
        "query_id": "AAH",
        "user": json.dumps({"id": person_id, "first_name": "مدیر", "language_code": "fa"}),
        "auth_date": str(signed_at),
    }
    fields["hash"] = webapp_auth.sign(fields, token or hamdel.app.settings.telegram.bot_token)
    return urlencode(fields)


def _framable_by_the_web_client(response: aiohttp.ClientResponse) -> None:
    """Telegram's web client shows a Mini App in a frame: its pages let that origin (and only it)
    frame them."""
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://web.telegram.org;" in policy
    assert "X-Frame-Options" not in response.headers


async def test_the_console_as_a_mini_app_signs_in_with_the_launch_data(hamdel) -> None:
    """The Mini App's sign-in (Telegram only): the launch data signed with the bot's token opens
    a session once; forged, stale, replayed or a non-staff person's data open nothing. With that
    session: live updates do not keep it from idling out."""
    base = hamdel.app.settings.console.public_url + "/console/signin/web-app"
    now = int(hamdel.clock.now().timestamp())
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.get(base) as page:
            if not hamdel.app.profile.web_apps:
                assert page.status == 404  # Bale: its profile declares no Mini Apps
                return
            assert page.status == 200 and "web-app.js" in await page.text()
            _framable_by_the_web_client(page)

        async def sign_in(data: str) -> aiohttp.ClientResponse:
            async with client.post(base, data={"init_data": data}, allow_redirects=False) as answer:
                await answer.read()
                return answer

        admin = _launch_data(hamdel, hamdel.admin.id, signed_at=now)
        assert (await sign_in(admin)).status == 303
        async with client.get(hamdel.app.settings.console.public_url + "/console/") as home:
            assert home.status == 200
            _framable_by_the_web_client(home)  # a Mini App session's pages open in its frame
        assert (await sign_in(admin)).status == 403  # used up
        forged = _launch_data(hamdel, hamdel.admin.id, signed_at=now, token="1:other")
        stale = _launch_data(hamdel, hamdel.admin.id, signed_at=now - 3600)
        donor = _launch_data(hamdel, 777_001, signed_at=now)
        for data in (forged, stale, donor, "", "user=x&hash=y"):
            assert (await sign_in(data)).status == 403

        # Live updates' polls and the pages they show again are not activity: the idle clock
        # moves only for what the person does.
        async def last_seen(path: str) -> Any:
            hamdel.clock.advance(minutes=2)
            async with client.get(hamdel.app.settings.console.public_url + path) as answer:
                assert answer.status == 200
            async with hamdel.db() as session:
                return await session.scalar(select(func.max(ConsoleSession.last_seen_at)))

        signed_in = await last_seen("/console/changes")
        assert await last_seen("/console/tickets?live=1") == signed_in
        assert await last_seen("/console/tickets") != signed_in
    notes = [e.note for e in await hamdel.audit("console.signin") if not e.allowed]
    assert notes == ["used", "forged", "expired", "role", "forged", "forged"]


def test_a_mini_app_session_cookie_reaches_the_web_clients_frame_only_there() -> None:
    """Over https a Mini App session's cookie is SameSite=None and partitioned (CHIPS): sent inside
    the web client's frame, never in another site's; a link session's stays SameSite=Lax."""
    from types import SimpleNamespace

    from aiohttp import web

    from console.server import Staff, clear_session_cookie, set_session_cookie

    console: Any = SimpleNamespace(
        cookie_name="__Host-hamdel_console", settings=SimpleNamespace(secure=True, session_hours=8)
    )
    for cookie, framed in (("app.abc", True), ("abc", False)):
        response = web.Response()
        set_session_cookie(response, console, cookie)
        header = response.headers["Set-Cookie"] if framed else response.cookies.output(header="")
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
        assert f"__Host-hamdel_console={cookie}" in header and {"secure", "httponly"} <= attributes
        assert ("SameSite=None" if framed else "SameSite=Lax") in header
        assert ("partitioned" in attributes) is framed
        signed_out = web.Response()
        staff: Any = Staff(1, "x", None, None, in_mini_app=framed)  # type: ignore[arg-type]
        clear_session_cookie(signed_out, console, staff)
        gone = signed_out.headers["Set-Cookie"] if framed else signed_out.cookies.output(header="")
        assert "__Host-hamdel_console=;" in gone.replace('=""', "=") and "Max-Age=0" in gone
        assert ("Partitioned" in gone) is framed
