"""The console's campaign pages over HTTP: create with the card's preview, edit, activate,
pause and close through the chat's use cases (audited as "console"); progress from paid
donations only; bad input answered next to its field; a colleague without the role refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import select

from bot.settings import ConsoleSettings
from models.donation import Campaign, DonationStatus
from services.roles import Role
from tests.broadcasts.broadcast_helpers import add_campaign, add_donation, db_user
from tests.console.conftest import check_layout, free_port, sign_in_link, signed_in_page
from tests.console.console_client import ConsoleClient, png, signed_in

FORM = {
    "title_fa": "گرمای زمستان",
    "title_en": "Winter warmth",
    "description_fa": "بخاری و پتو برای خانواده‌های نیازمند استان فارس.",
    "description_en": "Heaters and blankets for families in need in Fars.",
    "purpose": "living",
    "province": "",
    "county": "",
    "goal": "پانصد میلیون تومان",
    "starts": "۱۴۰۵/۰۹/۱۰",
    "ends": "۲۰ دی ۱۴۰۵",
}


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    port = free_port()
    return {"console": ConsoleSettings(public_url=f"http://127.0.0.1:{port}", listen_port=port)}


@pytest.fixture
async def admin(hamdel: Any) -> AsyncIterator[ConsoleClient]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        yield await signed_in(hamdel, hamdel.admin, client)


async def _campaign(hamdel: Any, campaign_id: int) -> Campaign:
    async with hamdel.db() as session:
        found = await session.get(Campaign, campaign_id)
        assert found is not None
        return found


async def test_create_with_preview_then_edit_activate_pause_close(hamdel: Any, admin: ConsoleClient) -> None:
    assert (await admin.get("/campaigns/new")).status == 200
    preview = await admin.post("/campaigns/new", {**FORM, "province": "07", "do": "preview"})
    assert preview.status == 200, preview.text
    assert 'id="preview-fa"' in preview.text and 'id="preview-en"' in preview.text
    # The chat's card: its title, its goal in toman with Persian digits, the donate button.
    assert "گرمای زمستان" in preview.text and "۵۰۰٬۰۰۰٬۰۰۰ تومان" in preview.text
    assert "💚" in preview.text or "کمک" in preview.text
    async with hamdel.db() as session:
        assert await session.scalar(select(Campaign.id).where(Campaign.title_fa == "گرمای زمستان")) is None

    saved = await admin.post("/campaigns/new", {**FORM, "province": "07", "do": "save"})
    assert saved.status == 303 and "done=created" in saved.location, saved.text
    campaign_id = int(saved.location.split("/campaigns/")[1].split("?")[0])
    campaign = await _campaign(hamdel, campaign_id)
    assert (campaign.goal_rials, campaign.province_id, campaign.status) == (5_000_000_000, "07", "draft")

    page = await admin.get(f"/campaigns/{campaign_id}")
    assert page.status == 200 and "۵۰۰٬۰۰۰٬۰۰۰" in page.text
    edited = await admin.post(
        f"/campaigns/{campaign_id}", {**FORM, "province": "07", "goal": "۶۰۰ میلیون", "do": "save"}
    )
    assert edited.status == 303 and "done=saved" in edited.location
    assert (await _campaign(hamdel, campaign_id)).goal_rials == 6_000_000_000

    for action, status in (("activate", "active"), ("pause", "paused"), ("activate", "active")):
        moved = await admin.post(f"/campaigns/{campaign_id}/{action}", {})
        assert moved.status == 303, moved.text
        assert (await _campaign(hamdel, campaign_id)).status == status
    again = await admin.post(f"/campaigns/{campaign_id}/activate", {})
    assert again.status == 409 and "همین حالا فعال است" in again.text

    # Progress counts paid donations only.
    donor = hamdel.user()
    await donor.send("/start")
    await donor.next_message()
    async with hamdel.db() as session:
        user_id = await db_user(session, donor.id)
        campaign = await session.get(Campaign, campaign_id)
        await add_donation(session, user_id, campaign, 1_500_000_000)
        await add_donation(session, user_id, campaign, 900_000_000, status=DonationStatus.PENDING.value)
    listing = await admin.get("/campaigns")
    assert "۱۵۰٬۰۰۰٬۰۰۰ تومان از ۶۰۰٬۰۰۰٬۰۰۰ تومان (٪۲۵)" in listing.text, listing.text

    assert (await admin.get(f"/campaigns/{campaign_id}/close")).status == 200
    closed = await admin.post(f"/campaigns/{campaign_id}/close", {})
    assert closed.status == 303 and (await _campaign(hamdel, campaign_id)).status == "closed"
    refused = await admin.post(f"/campaigns/{campaign_id}", {**FORM, "do": "save"})
    assert refused.status == 409

    entries = await hamdel.audit("campaign.%")
    assert [(e.action, e.channel) for e in entries] == [
        ("campaign.create", "console"),
        ("campaign.edit", "console"),
        ("campaign.activate", "console"),
        ("campaign.pause", "console"),
        ("campaign.activate", "console"),
        ("campaign.close", "console"),
    ]


BAD_INPUT = [
    ({"starts": "۱۴۰۵/۱۳/۴۰"}, "starts", "چنین تاریخی در تقویم خورشیدی وجود ندارد"),
    ({"ends": "2026-12-20"}, "ends", "تقویم خورشیدی"),
    ({"ends": "۱۴۰۵/۰۹/۰۱"}, "ends", "پیش از تاریخ شروع"),
    ({"goal": "خیلی زیاد"}, "goal", "مبلغ را نفهمیدم"),
    ({"goal": "صفر"}, "goal", "بیشتر از صفر"),
    ({"title_fa": "ب" * 50_000}, "title_fa", "عنوان خیلی بلند است"),
    ({"county": "0701", "province": "23"}, "region", "این منطقه را نشناختم"),
]


async def test_bad_input_is_answered_next_to_its_field(hamdel: Any, admin: ConsoleClient) -> None:
    for changes, field, text in BAD_INPUT:
        answer = await admin.post("/campaigns/new", {**FORM, **changes, "do": "save"})
        assert answer.status == 400, (field, text)
        assert f'id="error-{field}"' in answer.text and text in answer.text, (field, text)
        assert 'value="' + FORM["title_en"] + '"' in answer.text  # what was typed is kept
    async with hamdel.db() as session:
        assert await session.scalar(select(Campaign.id).where(Campaign.title_en == "Winter warmth")) is None


async def test_a_picture_is_checked_by_its_content_and_kept_through_the_messenger(
    hamdel: Any, admin: ConsoleClient
) -> None:
    fake = await admin.post(
        "/campaigns/new",
        {**FORM, "do": "preview"},
        files={"image": ("photo.jpg", b"<html>not a picture</html>")},
    )
    assert fake.status == 400 and "JPEG یا PNG نیست" in fake.text
    tiny = await admin.post(
        "/campaigns/new", {**FORM, "do": "preview"}, files={"image": ("a.png", png(40, 40))}
    )
    assert tiny.status == 400 and "خیلی کوچک است" in tiny.text
    assert not hamdel.messenger.calls("sendPhoto")

    shown = await admin.post("/campaigns/new", {**FORM, "do": "preview"}, files={"image": ("a.png", png())})
    assert shown.status == 200 and 'id="picture"' in shown.text
    assert len(hamdel.messenger.calls("sendPhoto")) == 1  # to the uploader, who keeps its file id
    kept = shown.text.split('name="picture" value="')[1].split('"')[0]
    picture = await admin.client.get(
        admin.base + "/campaigns/picture", params={"f": kept.replace("&#126;", "~")}
    )
    assert picture.status == 200 and (await picture.read()).startswith(b"\x89PNG")
    forged = await admin.client.get(admin.base + "/campaigns/picture", params={"f": "AgAD~0123"})
    assert forged.status == 404

    saved = await admin.post("/campaigns/new", {**FORM, "picture": kept.replace("&#126;", "~"), "do": "save"})
    assert saved.status == 303
    campaign = await _campaign(hamdel, int(saved.location.split("/campaigns/")[1].split("?")[0]))
    assert campaign.image_file_id and campaign.image_file_id in kept


async def test_an_operator_is_refused_and_the_refusal_audited(hamdel: Any) -> None:
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        operator = await signed_in(hamdel, hamdel.operator, client)
        assert (await operator.get("/campaigns")).status == 403
        assert (await operator.post("/campaigns/new", {**FORM, "do": "save"})).status == 403
        assert (await operator.get("/broadcasts/new")).status == 403
        assert (await operator.post("/broadcasts/new", {"text_fa": "سلام", "do": "review"})).status == 403
    refusals = await hamdel.audit("console.%")
    refused = [(e.action, e.allowed, e.note) for e in refusals if not e.allowed]
    assert refused == [
        ("console.campaigns", False, "campaign-role"),
        ("console.campaigns", False, "campaign-role"),
        ("console.broadcasts", False, "broadcast-role"),
        ("console.broadcasts", False, "broadcast-role"),
    ]
    async with hamdel.db() as session:
        assert await session.scalar(select(Campaign.id).where(Campaign.title_en == "Winter warmth")) is None


async def test_in_the_browser_a_campaign_is_made_with_the_chat_card_preview(
    hamdel: Any, browser: Any
) -> None:
    """At a phone's width: fill the form (a picture too), see the card as the chat shows it,
    save, activate — and the chat's /campaigns shows the campaign."""
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("nav a[href$='/campaigns']")
    await page.wait_for_url("**/console/campaigns")
    await page.click("#campaign-new")
    for name in ("title_fa", "title_en", "description_fa", "description_en", "goal", "starts", "ends"):
        await page.fill(f"#f-{name}", FORM[name] if name != "starts" else "۹ آذر ۱۴۰۵")  # today
    await page.select_option("#f-province", "07")
    # The card follows the form while typing (static/campaign-preview.js)…
    await page.wait_for_selector("#preview-fa:has-text('۵۰۰٬۰۰۰٬۰۰۰ تومان')")
    await page.fill("#f-goal", "۶۰۰ میلیون")
    await page.wait_for_selector("#preview-fa:has-text('۶۰۰٬۰۰۰٬۰۰۰ تومان')")
    await page.fill("#f-goal", FORM["goal"])
    # …and the button shows it with a newly chosen picture.
    await page.set_input_files(
        "#f-image", files=[{"name": "a.png", "mimeType": "image/png", "buffer": png()}]
    )
    await page.click("#campaign-preview")
    await page.wait_for_selector("#preview-fa")
    card = await page.inner_text("#preview-fa")
    assert "گرمای زمستان" in card and "۵۰۰٬۰۰۰٬۰۰۰ تومان" in card and "فارس" in card
    assert await page.evaluate("document.querySelector('#preview-fa img').naturalWidth") == 320
    await check_layout(page, "campaign-edit")
    await page.click("#campaign-save")
    await page.wait_for_selector("#done")
    await page.click("#activate")
    await page.wait_for_selector("#done")
    assert "فعال" in await page.inner_text("#status")

    person = hamdel.user()
    await person.send("/campaigns")
    await person.wait_until(lambda u: "گرمای زمستان" in str((u.last or {}).get("caption") or u.last_text))
    assert (person.last or {}).get("photo")  # the picture uploaded in the console


async def test_a_campaign_manager_gets_in_for_campaigns_and_broadcasts_only(hamdel: Any) -> None:
    manager = hamdel.user(first_name="مدیر پویش")
    await manager.send("/start")
    await manager.next_message()
    await hamdel.grant(manager, Role.CAMPAIGN_MANAGER)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        visitor = ConsoleClient(client, "")
        link = await sign_in_link(hamdel, manager)
        visitor.base = link.split("/console/")[0] + "/console"
        async with client.post(link, allow_redirects=False) as signed:
            assert signed.status == 303
        start = await visitor.get("/")
        assert start.status == 303 and start.location.endswith("/console/campaigns")
        campaigns_page = await visitor.get("/campaigns")
        assert campaigns_page.status == 200
        nav = campaigns_page.text.split("<nav", 1)[1].split("</nav>", 1)[0]
        assert "/console/campaigns" in nav and "/console/stats" in nav  # what the role opens
        assert "/console/tickets" not in nav and "/console/faq" not in nav  # nothing it is refused
        assert (await visitor.get("/broadcasts/new")).status == 200
        saved = await visitor.post("/campaigns/new", {**FORM, "do": "save"})
        assert saved.status == 303
        for desk in ("/tickets", "/faq"):
            assert (await visitor.get(desk)).status == 403
        # A campaign that has ended can still have its title fixed (its dates are left alone).
        async with hamdel.db() as session:
            ended = await add_campaign(
                session,
                hamdel.clock.now(),
                starts_at=hamdel.clock.now() - timedelta(days=40),
                ends_at=hamdel.clock.now() - timedelta(days=10),
                status="paused",
            )
        shown = await visitor.get(f"/campaigns/{ended.id}")
        typed = {
            name: shown.text.split(f'id="f-{name}" name="{name}" value="')[1].split('"')[0]
            for name in ("goal", "starts", "ends")
        }
        fixed = await visitor.post(
            f"/campaigns/{ended.id}",
            {**FORM, **typed, "title_fa": "یلدای مهربان", "purpose": "general", "do": "save"},
        )
        assert fixed.status == 303 and "done=saved" in fixed.location, fixed.text
        late = await visitor.post(
            f"/campaigns/{ended.id}",
            {**FORM, **typed, "ends": "۱۴۰۵/۰۹/۰۱", "purpose": "general", "do": "save"},
        )
        assert late.status == 400 and "تاریخ پایان گذشته است" in late.text
    refused = [e.note for e in await hamdel.audit("console.%") if not e.allowed]
    assert refused == ["desk-role", "desk-role"]
