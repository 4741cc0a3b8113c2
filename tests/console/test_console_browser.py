"""The web console in a real browser (headless Chromium): signing in with the bot's one-time
link, the ticket desk, CSRF, and the phone layout. The bot runs as in every conversation test
(`hamdel`: the local messenger, both flavors), its console on its own listener."""

from __future__ import annotations

from sqlalchemy import select

from models.console import ConsoleSession
from models.staff import AuditEntry
from models.tickets import Ticket, TicketMessage, TicketStatus
from services.roles import Role, revoke
from tests.complaints.complaints_helpers import card_of, fa, file_ticket
from tests.console.conftest import check_layout, sign_in_link, signed_in_page


async def test_a_reply_typed_in_the_browser_reaches_the_donor(hamdel, browser, monkeypatch) -> None:
    """Sign in with the link, find the ticket in the queue, answer it: the donor gets the answer
    in the chat (without the operator's name), the staff chat's thread shows it, the database
    and the audit log (channel "console") hold it. A reply then made in the staff chat appears in
    the open page by itself (live updates). Every page fits a 360 px phone screen."""
    monkeypatch.setattr("console.views.LIVE_EVERY_MS", 300)
    donor = hamdel.user(first_name="رضا")
    ticket = await file_ticket(hamdel, donor)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    assert await page.evaluate("document.documentElement.lang") == "fa"
    assert await page.evaluate("document.documentElement.dir") == "rtl"
    assert "درخواست باز" in await page.inner_text("main")
    await check_layout(page, "home")

    await page.click("text=درخواست‌ها")
    await page.wait_for_url("**/console/tickets")
    await page.wait_for_selector(f"text={fa(ticket.number)}")
    await check_layout(page, "queue")
    await page.click(f"text={fa(ticket.number)}")
    await page.wait_for_selector("#reply-text")
    assert "رسید پرداخت" in await page.inner_text("#thread")
    await check_layout(page, "ticket")

    await page.fill("#reply-text", "رسید شما دوباره صادر شد؛ پوزش از تأخیر.")
    await page.click("#send-reply")
    await page.wait_for_selector("#done")
    await donor.wait_until(lambda u: "رسید شما دوباره صادر شد" in u.last_text)
    assert "پاسخ کارگروه" in donor.last_text and "مدیر" not in donor.last_text
    await hamdel.staff_chat.wait_until(
        lambda g: "از کنسول" in g.last_text and "دوباره صادر شد" in g.last_text
    )
    assert "پاسخ مدیر" in await page.inner_text("#thread")
    assert await page.inner_text("#status") == "💬 پاسخ داده شد"

    async with hamdel.db() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None and stored.status == TicketStatus.ANSWERED
        answers = list(
            await session.scalars(
                select(TicketMessage).where(
                    TicketMessage.ticket_id == ticket.id, TicketMessage.direction == "staff"
                )
            )
        )
        assert len(answers) == 1 and answers[0].delivered and answers[0].author_id == hamdel.admin.id
    entries = await hamdel.audit("ticket.answer")
    assert [(e.channel, e.target) for e in entries] == [("console", ticket.number)]

    # A reply made in the staff chat appears in the open page, which polls for changes; while a
    # reply is being typed the page only offers a link, so the text is never lost.
    await page.fill("#note-text", "در حال نوشتن")
    card = card_of(hamdel, ticket.number)
    await hamdel.staff_chat.send(hamdel.operator, "پیگیری بانکی هم انجام شد.", reply_to=card)
    await donor.wait_until(lambda u: "پیگیری بانکی" in u.last_text)
    await page.wait_for_selector("#live-notice", state="visible")
    assert await page.input_value("#note-text") == "در حال نوشتن"
    await page.fill("#note-text", "")
    await page.click("#live-notice a")
    await page.wait_for_selector("text=پیگیری بانکی هم انجام شد")
    hamdel.clock.advance(seconds=5)
    await hamdel.staff_chat.send(hamdel.operator, "رسید تازه فرستاده شد.", reply_to=card)
    await page.wait_for_selector("text=رسید تازه فرستاده شد")
    assert await page.is_hidden("#live-notice")


async def test_sign_in_links_are_single_use_short_lived_and_personal(hamdel, browser) -> None:
    """Used twice, expired, someone else's (the id in it changed) and non-staff are refused;
    a role removed in the chat ends the session at the next request; sign out ends it."""
    page = await browser.new_page()
    link = await sign_in_link(hamdel, hamdel.admin)
    await page.goto(link)
    await page.click("#signin")
    await page.wait_for_url("**/console/")
    assert (await browser.cookies())[0]["httpOnly"] is True

    second = await browser.new_page()
    response = await second.goto(link)
    assert response is not None and response.status == 403
    assert "پیش‌تر به کار رفته" in await second.inner_text("#reason")

    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    stolen = await sign_in_link(hamdel, hamdel.operator)
    forged = stolen.replace(f"/signin/{hamdel.operator.id}.", f"/signin/{hamdel.admin.id}.")
    response = await second.goto(forged)
    assert response is not None and response.status == 403
    assert "معتبر نیست" in await second.inner_text("#reason")

    late = await sign_in_link(hamdel, hamdel.operator)
    hamdel.clock.advance(minutes=6)
    response = await second.goto(late)
    assert response is not None and response.status == 403
    assert "مهلت" in await second.inner_text("#reason")

    donor = hamdel.user()
    await donor.send("/console")
    await donor.wait_until(lambda u: u.last_text)
    assert "/console/signin/" not in donor.last_text

    # An operator signs in; the role is revoked in the chat; the next page is refused.
    await page.click("text=خروج")
    await page.wait_for_url("**/signed-out**")
    operator_page = await signed_in_page(hamdel, browser, hamdel.operator)
    async with hamdel.db() as session:
        await revoke(
            session,
            platform=hamdel.app.profile.platform.value,
            user_id=hamdel.operator.id,
            role=Role.OPERATOR,
        )
    response = await operator_page.goto(operator_page.url)
    assert response is not None and response.status == 401
    async with hamdel.db() as session:
        sessions = list(await session.scalars(select(ConsoleSession).order_by(ConsoleSession.id)))
        assert len(sessions) == 2 and all(s.ended_at is not None for s in sessions)
    refused = await hamdel.audit("console.signin")
    assert {e.note for e in refused if not e.allowed} == {"used", "forged", "expired"}


async def test_a_post_without_the_csrf_token_is_refused(hamdel, browser) -> None:
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    base = page.url.removesuffix("/console/")
    response = await page.request.post(f"{base}/console/tickets/{ticket.id}/note", form={"text": "بدون توکن"})
    assert response.status == 403
    response = await page.request.post(
        f"{base}/console/tickets/{ticket.id}/note",
        form={"text": "از جای دیگر", "csrf": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status == 403
    async with hamdel.db() as session:
        refused = list(await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
    assert {e.note for e in refused} == {"csrf", "origin"} and all(e.channel == "console" for e in refused)
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_the_desk_filters_actions_and_attachments(hamdel, browser) -> None:
    """Filters and search in the queue; a ticket's photo shown inline through the bot; an
    anonymous ticket without its donation; note, assign, close with a reason, reopen — each told
    to the donor and the staff chat as from the chat, each in the thread."""
    named, hidden = hamdel.user(first_name="رضا"), hamdel.user(first_name="نرگس")
    first = await file_ticket(hamdel, named, photos=1)
    second = await file_ticket(
        hamdel, hidden, anonymous=True, category="پیشنهاد", text="پیشنهاد: رسید پیامکی هم بفرستید."
    )
    page = await signed_in_page(hamdel, browser, hamdel.admin)

    await page.goto(page.url + "tickets")
    assert "(۲)" in await page.inner_text(".chips")
    await page.check("#anonymous")
    await page.click("form.filters button")
    await page.wait_for_url("**anonymous=1**")
    assert await page.inner_text("#total") == "۱ درخواست"
    assert fa(second.number) in await page.inner_text("main") and fa(
        first.number
    ) not in await page.inner_text("main")
    await page.uncheck("#anonymous")
    await page.fill("#q", "رسید پیامکی")
    await page.click("form.filters button")
    await page.wait_for_selector(f"text={fa(second.number)}")
    await page.fill("#q", first.number)
    await page.click("form.filters button")
    await page.wait_for_selector(f"text={fa(first.number)}")
    assert await page.inner_text("#total") == "۱ درخواست"

    await page.click(f"text={fa(first.number)}")
    await page.wait_for_selector("#thread img")
    width = await page.eval_on_selector("#thread img", "img => img.complete ? img.naturalWidth : -1")
    assert width > 0
    source = await page.get_attribute("#thread img", "src")
    assert source is not None and source.startswith("/console/tickets/") and "bot" not in source

    await page.fill("#note-text", "با بانک تماس گرفتم؛ منتظر پاسخ.")
    await page.click("#add-note")
    await page.wait_for_selector("#done")
    assert "یادداشت داخلی مدیر" in await page.inner_text("#thread")
    await page.click("#assign")
    await page.wait_for_selector("#done")
    assert await page.inner_text("#assignee") == "مدیر"
    await named.wait_until(lambda u: "در دست بررسی" in u.last_text)
    await page.select_option("#reason-select", "duplicate")
    await page.click("#close")
    await page.wait_for_selector("#reopen")
    await named.wait_until(lambda u: "بسته" in u.last_text)
    assert "تکراری" in await page.inner_text("#thread")
    await page.click("#reopen")
    await page.wait_for_selector("#send-reply")
    await named.wait_until(lambda u: "دوباره باز" in u.last_text)
    assert "با بانک تماس" not in "\n".join(m.get("text") or "" for m in named.messages)  # notes stay inside
    await hamdel.staff_chat.wait_until(lambda g: "مدیر" in g.last_text and fa(first.number) in g.last_text)
    actions = [(e.action, e.channel) for e in await hamdel.audit("ticket.%")]
    assert actions == [
        ("ticket.note", "console"),
        ("ticket.take", "console"),
        ("ticket.status", "console"),
        ("ticket.reopen", "console"),
    ]

    await page.goto(page.url.split("/console/")[0] + f"/console/tickets/{second.id}")
    facts = await page.inner_text(".facts")
    assert "ناشناس" in facts and "کمک مرتبط" not in facts and "نرگس" not in facts


async def test_a_waiting_question_answered_from_the_home_page(hamdel, browser) -> None:
    """A question the FAQ sent to a person waits on the home page; the answer typed there
    reaches the asker as a reply to its card would; answered, it leaves the list."""
    asker = hamdel.user(first_name="نرگس")
    question = "من یک سوال درباره بیمه تکمیلی مددجویان دارم"
    await asker.send(question)
    await asker.wait_until(lambda u: "🙋 فرستادن برای کارشناس" in (u.buttons() if u.last else []))
    await asker.press("🙋 فرستادن برای کارشناس")
    await hamdel.staff_chat.wait_until(lambda g: question in g.last_text)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    assert question in await page.inner_text("#questions")
    await page.fill("#questions textarea", "بیمه تکمیلی را اداره شهرستان ثبت می‌کند.")
    await page.click("#questions button")
    await page.wait_for_selector("#question-outcome")
    assert await page.inner_text("#question-outcome") == "پاسخ فرستاده شد."
    await asker.wait_until(lambda u: u.last_text.startswith("💬 جواب کارشناس همدل به پرسش شما:"))
    assert "اداره شهرستان" in asker.last_text and "مدیر" not in asker.last_text
    assert await page.query_selector("#questions") is None
    entries = await hamdel.audit("faq-answer")
    assert [(e.actor_id, e.channel) for e in entries] == [(hamdel.admin.id, "console")]
