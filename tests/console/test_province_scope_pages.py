"""Province offices through the front doors, by forging requests: a Tehran officer cannot see or
change a Fars ticket through the console (its address, the queue's parameters, a form's ticket
id, the live-update and file addresses) nor through a card's forged button in the shared staff
chat; the roles page (grant with provinces, the admin confirmation, province edits) and the
audit page (search by person, action and Jalali dates) for admins only. HTTP-level (aiohttp);
the browser tests are in test_console_browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.complaints_desk import PersonBlock
from handlers.campaign_admin import CampaignAdmin
from models.donation import Campaign, Donation, DonationStatus
from models.faq import FaqQuery
from models.staff import AuditEntry, StaffRole
from models.tickets import Ticket, TicketMessage, TicketStatus
from services import console_auth, roles
from services.roles import Role
from services.users import upsert_user
from tests.complaints.complaints_helpers import card_of, fa, file_ticket
from tests.faq.test_faq_staff_cards import NOTHING_FITS, ask_person
from tests.staff.staff_seed import campaign

OFFICER_ID = 880_001
TEHRAN, FARS = "23", "07"


@asynccontextmanager
async def signed_in(hamdel: Any, user_id: int, name: str) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """An HTTP client with a console session of `user_id` (as after a sign-in link), and the
    session's CSRF token for forms."""
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        opened = await console_auth.open_session(
            session,
            platform=platform,
            user_id=user_id,
            name=name,
            locale="fa",
            now=hamdel.clock.now(),
            lifetime=timedelta(hours=8),
        )
        token = opened.session.csrf_token
    jar = aiohttp.CookieJar(unsafe=True)
    base = hamdel.app.settings.console.public_url
    async with aiohttp.ClientSession(
        base_url=base, cookie_jar=jar, cookies={"hamdel_console": opened.cookie}
    ) as client:
        yield client, token


async def _officer(hamdel: Any, provinces: frozenset[str]) -> None:
    await hamdel.add_staff(OFFICER_ID, Role.OPERATOR, provinces)


async def _place(hamdel: Any, ticket_id: int, province_id: str | None) -> None:
    """Give a ticket filed in the chat its province, as a linked donation of that province would."""
    async with hamdel.db() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.province_id = province_id


async def _status(hamdel: Any, ticket_id: int) -> tuple[str, int | None]:
    async with hamdel.db() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.status, ticket.assignee_id


async def test_a_province_officer_cannot_reach_another_provinces_ticket(hamdel) -> None:
    await _officer(hamdel, frozenset({TEHRAN}))
    tehran = await file_ticket(hamdel, hamdel.user(), text="رسید پویش تهران به دستم نرسید")
    fars = await file_ticket(hamdel, hamdel.user(), text="رسید پویش شیراز به دستم نرسید")
    nowhere = await file_ticket(hamdel, hamdel.user(), text="رسید بدون استان به دستم نرسید")
    await _place(hamdel, tehran.id, TEHRAN)
    await _place(hamdel, fars.id, FARS)
    async with hamdel.db() as session:
        attachment = TicketMessage(
            ticket_id=fars.id,
            direction="donor",
            kind="photo",
            file_id="file-of-fars",
            source_chat_id=1,
            source_message_id=fars.id,
        )
        session.add(attachment)
        session.add(
            FaqQuery(
                platform=hamdel.app.profile.platform.value,
                user_id=5,
                chat_id=5,
                kind="direct",
                text="پرسش سری از یک نفر",
                asked_staff_at=hamdel.clock.now(),
            )
        )
        await session.flush()
        attachment_id = attachment.id
        question_id = await session.scalar(select(FaqQuery.id))

    async with signed_in(hamdel, OFFICER_ID, "کارشناس تهران") as (client, csrf):
        async with client.get("/console/tickets?status=all") as queue:
            page = await queue.text()
            assert queue.status == 200
        assert fa(tehran.number) in page and fa(fars.number) not in page and fa(nowhere.number) not in page
        assert "تهران" in page  # «دفتر استان: تهران» beside the name
        # Filter and search parameters edited by hand find nothing of another province.
        for query in (
            f"q={fars.number}",
            "q=شیراز",
            "status=new&q=رسید",
            "assignee=none&anonymous=",
            "scope=all",
        ):
            async with client.get(f"/console/tickets?{query}") as found:
                text = await found.text()
                assert fa(fars.number) not in text and fa(nowhere.number) not in text, query
        # The ticket's own addresses: 404, as if it were not there.
        for path in (
            f"/console/tickets/{fars.id}",
            f"/console/tickets/{nowhere.id}",
            f"/console/tickets/{fars.id}/changes",
            f"/console/tickets/{fars.id}/files/{attachment_id}",
        ):
            async with client.get(path) as answer:
                assert answer.status == 404, path
        # Every action with a form whose address names another province's ticket.
        for action, fields in (
            ("reply", {"text": "پاسخ جعلی", "key": "77", "version": ""}),
            ("note", {"text": "یادداشت جعلی"}),
            ("assign", {"assignee": str(OFFICER_ID), "version": ""}),
            ("status", {"status": "closed", "version": ""}),
            ("close", {"reason": "other", "version": ""}),
        ):
            async with client.post(
                f"/console/tickets/{fars.id}/{action}", data={"csrf": csrf, **fields}
            ) as answer:
                assert answer.status == 404, action
        # The home page: its own province's figures; questions to a person are national.
        async with client.get("/console/") as home:
            text = await home.text()
        assert "پرسش سری" not in text
        async with client.post(
            f"/console/questions/{question_id}/answer", data={"csrf": csrf, "text": "پاسخ"}
        ) as answer:
            assert answer.status == 404
        # The roles and audit pages are admins'.
        for path in ("/console/roles", "/console/audit"):
            async with client.get(path) as refused:
                assert refused.status == 403
        async with client.post(
            "/console/roles/grant",
            data={"csrf": csrf, "user_id": str(OFFICER_ID), "role": "admin", "confirm": "1"},
        ) as refused:
            assert refused.status == 403
        # Its own province's ticket is workable.
        async with client.get(f"/console/tickets/{tehran.id}") as own:
            assert own.status == 200
        async with client.post(
            f"/console/tickets/{tehran.id}/note",
            data={"csrf": csrf, "text": "پیگیری شد"},
            allow_redirects=False,
        ) as noted:
            assert noted.status == 303
    assert await _status(hamdel, fars.id) == (TicketStatus.NEW, None)
    async with hamdel.db() as session:
        assert await session.scalar(select(StaffRole.id).where(StaffRole.role == "admin")) is None
        answered = await session.get(FaqQuery, question_id)
        assert answered is not None and answered.answered_at is None

    # The shared staff chat: a forged button of the Fars ticket's card is refused with a short
    # Persian alert and audited; the Tehran ticket's is not.
    staff = hamdel.staff_chat
    staff.members[OFFICER_ID] = "member"
    officer = hamdel.user(OFFICER_ID, first_name="کارشناس تهران")
    fars_card = card_of(hamdel, fars.number)
    for data in (f"tk:take:{fars.id}:", f"tk:st:{fars.id}:closed", f"tk:reply:{fars.id}:"):
        answer = await staff.press_data(officer, data, message=fars_card)
        assert answer["show_alert"] and "استان دیگری" in answer["text"], data
    blocking = await staff.press_data(
        officer, PersonBlock(a="b", kind="t", ref=fars.id).pack(), message=fars_card
    )
    assert blocking["show_alert"] and "استان دیگری" in blocking["text"]
    await staff.send(officer, "جواب جعلی به استان دیگر", reply_to=fars_card)
    await staff.wait_until(lambda g: "استان دیگری" in g.last_text)
    assert await _status(hamdel, fars.id) == (TicketStatus.NEW, None)
    refused = await hamdel.audit("ticket.%")
    assert [e.note for e in refused if e.actor_id == OFFICER_ID and not e.allowed] == ["province"] * 4
    # A question sent to a person names no province: the officer's reply to its card is refused.
    asker = hamdel.user()
    question = await ask_person(hamdel, asker, NOTHING_FITS[1])
    asker.skip_to_end()
    await staff.send(officer, "جواب از دفتر استان", reply_to=question)
    await staff.wait_until(lambda g: "کارکنان سراسری" in g.last_text)
    assert all("دفتر استان" not in (m.get("text") or "") for m in asker.messages)
    taken = await staff.press_data(officer, f"tk:take:{tehran.id}:", message=card_of(hamdel, tehran.number))
    assert "استان دیگری" not in (taken.get("text") or "")
    assert await _status(hamdel, tehran.id) == (TicketStatus.IN_PROGRESS, OFFICER_ID)


@pytest.mark.parametrize("flavor", ["telegram"])  # the console's pages do not depend on the flavor
async def test_the_roles_page_grants_with_provinces_and_asks_before_admin(hamdel) -> None:
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        await upsert_user(
            session, platform=platform, user_id=OFFICER_ID, chat_id=OFFICER_ID, default_language="fa"
        )
    async with signed_in(hamdel, hamdel.admin.id, "مدیر") as (client, csrf):
        async with client.get("/console/roles") as page:
            text = await page.text()
            assert page.status == 200 and 'name="province" value="23"' in text and "تهران" in text
        grant = {"csrf": csrf, "user_id": "۸۸۰۰۰۱", "role": "operator"}
        async with client.post(
            "/console/roles/grant", data=[*grant.items(), ("province", TEHRAN), ("province", FARS)]
        ) as granted:
            text = await granted.text()
            assert granted.status == 200 and "داده شد" in text
        async with client.post("/console/roles/grant", data={**grant, "user_id": "424242"}) as unknown:
            assert unknown.status == 400 and "استفاده نکرده" in await unknown.text()
        async with client.post(
            "/console/roles/grant", data=[*grant.items(), ("province", "99")]
        ) as bad_province:
            assert bad_province.status == 400
        async with client.post(
            "/console/roles/scope",
            data=[("csrf", csrf), ("user_id", str(OFFICER_ID)), ("role", "operator"), ("province", FARS)],
        ) as scoped:
            assert scoped.status == 200 and "ذخیره شد" in await scoped.text()
        # Admin: a confirmation step first, nothing written until it is confirmed.
        async with client.post("/console/roles/grant", data={**grant, "role": "admin"}) as ask:
            text = await ask.text()
            assert ask.status == 200 and 'id="confirm-admin"' in text
        async with hamdel.db() as session:
            held = {r.role: r.provinces for r in await session.scalars(select(StaffRole))}
        assert held == {"operator": FARS}
        async with client.post(
            "/console/roles/grant", data={**grant, "role": "admin", "confirm": "1"}
        ) as done:
            assert done.status == 200
        async with client.post(
            "/console/roles/revoke", data={"csrf": csrf, "user_id": str(OFFICER_ID), "role": "operator"}
        ) as revoked:
            assert "گرفته شد" in await revoked.text()
        # A form without its CSRF token changes nothing.
        async with client.post(
            "/console/roles/revoke", data={"user_id": str(OFFICER_ID), "role": "admin"}
        ) as forged:
            assert forged.status == 403

        # The audit page: the changes just made, with Persian labels and Jalali dates.
        async with client.get("/console/audit?action=role&person=" + str(hamdel.admin.id)) as audit:
            text = await audit.text()
        assert audit.status == 200
        assert "دادن نقش" in text and "تغییر استان‌های نقش" in text and "گرفتن نقش" in text
        assert re.search(r"[۰-۹]+ [آ-ی]+ ۱۴[۰-۹]{2}، ساعت", text) and "در کنسول" in text  # Jalali
        async with client.get("/console/audit?from=۱۴۰۰/۰۱/۰۱&to=۱۴۰۰/۱۲/۲۹&action=role") as before:
            assert "موردی پیدا نشد" in await before.text()
        async with client.get("/console/audit?from=۱۴۰۰/۰۱/۰۱&to=2040-01-01&action=role.scope") as span:
            assert "۱ مورد" in await span.text()
        async with client.get("/console/audit?from=فردا") as bad:
            assert bad.status == 400 and "تاریخ درستی نیست" in await bad.text()
    async with hamdel.db() as session:
        entries = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("role.%")).order_by(AuditEntry.id)
            )
        )
    assert [(e.action, e.channel) for e in entries] == [
        ("role.grant", "console"),
        ("role.scope", "console"),
        ("role.grant", "console"),
        ("role.revoke", "console"),
    ]


@pytest.mark.parametrize("flavor", ["bale"])  # /stats and /export are the same on both flavors
async def test_a_province_officers_exports_and_stats_in_the_chat(hamdel) -> None:
    """/stats: the officer's provinces' donations only, no national sections; /export: only the
    exports that keep to provinces, the donations export without another province's gifts."""
    await _officer(hamdel, frozenset({TEHRAN}))
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        donor = await upsert_user(
            session, platform=platform, user_id=4444, chat_id=4444, default_language="fa"
        )
        for province, rials in ((TEHRAN, 1_230_000), (FARS, 9_870_000)):
            session.add(
                Donation(
                    user_id=donor.id,
                    purpose="living",
                    province_id=province,
                    amount_rials=rials,
                    provider="test",
                    currency="IRR",
                    status=DonationStatus.PAID.value,
                    payload=f"p-{province}",
                    receipt_number=f"R-{province}",
                    paid_at=hamdel.clock.now(),
                )
            )
    async with hamdel.db() as session:
        await roles.grant(
            session,
            platform=platform,
            user_id=OFFICER_ID,
            role=Role.CAMPAIGN_MANAGER,
            granted_by=None,
            provinces=frozenset({TEHRAN}),
        )
    officer = hamdel.user(OFFICER_ID, first_name="کارشناس تهران")
    await officer.send("/stats")
    await officer.wait_until(lambda u: "فقط استان‌های شما" in u.last_text)
    assert "۱۲۳٬۰۰۰" in officer.last_text and "۹۸۷٬۰۰۰" not in officer.last_text
    assert "درخواست‌ها" not in officer.last_text  # the tickets' section is national
    # A forged chart button draws the officer's provinces only (no Fars bar): it answers.
    await officer.send("/export")
    await officer.wait_until(lambda u: "کمک‌های مالی" in " ".join(u.buttons()))
    await officer.press("کمک‌های مالی")
    await officer.press("همه")
    await officer.press("همهٔ پویش‌ها")
    await officer.press("CSV (اکسل و هر برنامهٔ جدول)")
    await officer.wait_until(lambda u: "document" in (u.last or {}))
    sent = officer.last
    assert sent is not None
    data = officer.download(sent["document"]["file_id"]).decode("utf-8-sig")
    assert "R-23" in data and "R-07" not in data
    # An export that does not keep to provinces, forged by its button: refused and audited.
    answer = await officer.press_data("exp:ds:subscribers")
    assert answer["show_alert"]
    refused = await hamdel.audit("export.subscribers")
    assert [e.allowed for e in refused] == [False]

    # Campaigns: its provinces' only in the list; another's, forged by its button, refused.
    async with hamdel.db() as session:
        ids = {}
        for province, title in ((TEHRAN, "پویش تهران"), (FARS, "پویش شیراز")):
            row = campaign(title_fa=title, province_id=province)
            session.add(row)
            await session.flush()
            ids[province] = row.id
    await officer.send("/campaigns_admin")
    await officer.wait_until(lambda u: "پویش تهران" in " ".join(u.buttons()))
    assert "پویش شیراز" not in " ".join(officer.buttons())
    for action in ("view", "pause", "closeok", "field"):
        forged = await officer.press_data(CampaignAdmin(action=action, id=ids[FARS], field="goal").pack())
        assert forged["show_alert"] and "استان دیگری" in forged["text"], action
    async with hamdel.db() as session:
        fars_campaign = await session.get(Campaign, ids[FARS])
        assert fars_campaign is not None and fars_campaign.status == "active"
    assert len([e for e in await hamdel.audit("campaign.%") if not e.allowed]) == 4
