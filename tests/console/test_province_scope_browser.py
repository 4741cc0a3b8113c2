"""Province offices in a real browser (headless Chromium, 360 px): an admin grants a role limited
to provinces on the roles page and edits them with the province picker (admin after a
confirmation); a province officer's desk shows their province only, and another province's
ticket, reached by editing the address, is not there."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.staff import StaffRole
from models.tickets import Ticket
from services import roles
from services.roles import Role
from services.users import upsert_user
from tests.complaints.complaints_helpers import fa, file_ticket
from tests.console.conftest import check_layout, signed_in_page

OFFICER_ID = 880_011
TEHRAN, FARS = "23", "07"


@pytest.mark.parametrize("flavor", ["telegram"])  # the console's pages do not depend on the flavor
async def test_an_admin_grants_a_role_for_two_provinces_and_narrows_it(hamdel, browser) -> None:
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        await upsert_user(
            session, platform=platform, user_id=OFFICER_ID, chat_id=OFFICER_ID, default_language="fa"
        )
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("text=نقش‌ها")
    await page.wait_for_url("**/console/roles")
    await page.fill("#grant-user", "۸۸۰۰۱۱")
    await page.select_option("#grant-role", "operator")
    await page.check(f"#g-{TEHRAN}")
    await page.check(f"#g-{FARS}")
    await page.click("#grant-submit")
    await page.wait_for_selector("#done")
    person = await page.inner_text(f"#person-{OFFICER_ID}")
    assert "کارشناس کارگروه" in person and "تهران" in person and "فارس" in person
    await page.click(f"#person-{OFFICER_ID} summary")
    await page.uncheck(f"#s-{OFFICER_ID}-operator-{FARS}")
    await page.click(f"#scope-{OFFICER_ID}-operator button")
    await page.wait_for_selector("#done")
    person = await page.inner_text(f"#person-{OFFICER_ID}")
    assert "تهران" in person and "فارس" not in person
    await page.fill("#grant-user", str(OFFICER_ID))
    await page.select_option("#grant-role", "admin")
    await page.click("#grant-submit")
    await page.wait_for_selector("#confirm-admin")
    await check_layout(page, "roles")
    await page.click("#confirm-admin-yes")
    await page.wait_for_selector("#done")
    async with hamdel.db() as session:
        held = {r.role: r.provinces for r in await session.scalars(select(StaffRole))}
    assert held == {"operator": TEHRAN, "admin": None}


@pytest.mark.parametrize("flavor", ["bale"])  # the other flavor's sign-in link
async def test_a_province_officers_desk_shows_their_province_only(hamdel, browser) -> None:
    officer = hamdel.user(OFFICER_ID, first_name="کارشناس تهران")
    await officer.send("/start")
    await hamdel.settle()
    async with hamdel.db() as session:
        await roles.grant(
            session,
            platform=hamdel.app.profile.platform.value,
            user_id=OFFICER_ID,
            role=Role.OPERATOR,
            granted_by=None,
            provinces=frozenset({TEHRAN}),
        )
    tehran = await file_ticket(hamdel, hamdel.user(), text="رسید پویش تهران به دستم نرسید")
    fars = await file_ticket(hamdel, hamdel.user(), text="رسید پویش شیراز به دستم نرسید")
    async with hamdel.db() as session:
        for ticket_id, province in ((tehran.id, TEHRAN), (fars.id, FARS)):
            row = await session.get(Ticket, ticket_id)
            assert row is not None
            row.province_id = province
    page = await signed_in_page(hamdel, browser, officer)
    assert "دفتر استان: تهران" in await page.inner_text("#my-provinces")
    assert "نقش‌ها" not in await page.inner_text("nav")
    await page.goto(page.url + "tickets?status=all")
    main = await page.inner_text("main")
    assert fa(tehran.number) in main and fa(fars.number) not in main
    assert await page.inner_text("#total") == "۱ درخواست"
    await check_layout(page, "province-queue")
    await page.click(f"text={fa(tehran.number)}")
    await page.wait_for_selector("#province")
    assert await page.inner_text("#province") == "تهران"
    answer = await page.goto(page.url.rsplit("/", 1)[0] + f"/{fars.id}")
    assert answer is not None and answer.status == 404
    assert "شیراز" not in await page.inner_text("main")
