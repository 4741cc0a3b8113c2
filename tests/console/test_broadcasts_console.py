"""The console's broadcast pages over HTTP: compose with a live count, review as recipients see
it, confirm (the chat's rules: duplicates asked about, an empty segment refused), schedule at a
Jalali moment, pause, resume and cancel a running one — and the message reaching people in the
local messenger through the same delivery engine as the chat's composer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import select

from bot.settings import ConsoleSettings
from models.broadcasts import Broadcast, BroadcastStatus
from services import broadcasts, roles
from services.broadcasts import Segment
from services.persian import to_fa_digits
from services.roles import Role
from tests.broadcasts.broadcast_helpers import add_campaign
from tests.broadcasts.test_broadcast_flow import EVERYONE, FAST, finished, known_users, texts
from tests.console.conftest import check_layout, free_port, sign_in_link, signed_in_page
from tests.console.console_client import ConsoleClient, png, signed_in

TEXT = "پویش گرمای زمستان آغاز شد؛ با کمک شما خانه‌ها گرم می‌شوند."


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    port = free_port()
    return {
        "console": ConsoleSettings(public_url=f"http://127.0.0.1:{port}", listen_port=port),
        "broadcast": FAST,
    }


@pytest.fixture
async def admin(hamdel: Any) -> AsyncIterator[ConsoleClient]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        yield await signed_in(hamdel, hamdel.admin, client)


def _id(location: str) -> int:
    return int(location.split("/broadcasts/")[1].split("/")[0].split("?")[0])


async def _status(hamdel: Any, broadcast_id: int) -> str:
    async with hamdel.db() as session:
        return str(await session.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id)))


async def test_a_broadcast_from_the_console_reaches_people_in_the_chat(
    hamdel: Any, admin: ConsoleClient
) -> None:
    users = await known_users(hamdel, 3)
    async with hamdel.db() as session:
        everyone = await broadcasts.count_recipients(session, hamdel.app.profile.platform.value, EVERYONE)
    page = await admin.get("/broadcasts/new")
    assert page.status == 200 and 'data-count-url="/console/broadcasts/count"' in page.text
    status, answer = await admin.get_json("/broadcasts/count", segment="all")
    assert status == 200 and answer["count"] == everyone
    status, _ = await admin.get_json("/broadcasts/count", segment="province:99")
    assert status == 404

    form = {
        "text_fa": TEXT,
        "text_en": "The Winter warmth campaign has begun.",
        "button": "url",
        "url": "behzisti.ir",
    }
    counted = await admin.post("/broadcasts/new", {**form, "segment": "all", "do": "count"})
    assert counted.status == 200 and 'id="recipient-count"' in counted.text
    reviewed = await admin.post("/broadcasts/new", {**form, "segment": "all", "do": "review"})
    assert reviewed.status == 303 and reviewed.location.endswith("/review"), reviewed.text
    broadcast_id = _id(reviewed.location)
    review = await admin.get(f"/broadcasts/{broadcast_id}/review")
    assert review.status == 200
    # As recipients get it (bot.broadcast_views.render_broadcast): the link button and 🔕 under it.
    assert TEXT in review.text and "The Winter warmth campaign has begun." in review.text
    assert "🔗 بیشتر بدانید" in review.text and "🔕 لغو اشتراک" in review.text
    assert await _status(hamdel, broadcast_id) == BroadcastStatus.DRAFT.value

    sent = await admin.post(f"/broadcasts/{broadcast_id}/confirm", {"when": ""})
    assert sent.status == 303 and "done=sent" in sent.location
    counts = await finished(hamdel, broadcast_id)
    assert counts["sent"] == everyone
    for user in users:
        await user.wait_until(lambda u: TEXT in texts(u))
    progress = await admin.get(f"/broadcasts/{broadcast_id}")
    assert progress.status == 200 and 'id="sent"' in progress.text
    again = await admin.post(f"/broadcasts/{broadcast_id}/confirm", {"when": ""})
    assert again.status == 303  # a second press sends nothing more
    history = await admin.get("/broadcasts")
    assert f'id="broadcast-{broadcast_id}"' in history.text

    # The same text to the same people within a day: asked about first, as in the chat.
    twice = await admin.post("/broadcasts/new", {**form, "segment": "all", "do": "review"})
    duplicate = await admin.post(f"/broadcasts/{_id(twice.location)}/confirm", {"when": ""})
    assert duplicate.status == 409 and 'id="duplicate"' in duplicate.text
    assert await _status(hamdel, _id(twice.location)) == BroadcastStatus.DRAFT.value

    entries = await hamdel.audit("broadcast.%")
    assert [(e.action, e.channel, e.target) for e in entries] == [
        ("broadcast.send", "console", f"broadcast:{broadcast_id}")
    ]


async def test_schedule_pause_resume_and_cancel(hamdel: Any, admin: ConsoleClient) -> None:
    users = await known_users(hamdel, 16)
    form = {"text_fa": "یادآوری: فردا آخرین روز پویش است.", "segment": "all", "do": "review"}
    for when, error in (
        ("فردا شاید", "نفهمیدم"),
        ("۱۴۰۵/۰۹/۰۱ ۱۰:۰۰", "گذشته است"),
        ("۱۴۰۵/۱۳/۰۱ ۱۰:۰۰", ""),
    ):
        refused = await admin.post("/broadcasts/new", {**form, "when": when})
        assert refused.status == 400 and 'id="error-when"' in refused.text and error in refused.text
    scheduled = await admin.post("/broadcasts/new", {**form, "when": "۱۴۰۵/۰۹/۲۰ ۱۸:۳۰"})
    broadcast_id = _id(scheduled.location)
    review = await admin.get(f"/broadcasts/{broadcast_id}/review", when="۱۴۰۵/۰۹/۲۰ ۱۸:۳۰")
    assert "۲۰ آذر ۱۴۰۵، ساعت ۱۸:۳۰" in review.text
    confirmed = await admin.post(f"/broadcasts/{broadcast_id}/confirm", {"when": "۱۴۰۵/۰۹/۲۰ ۱۸:۳۰"})
    assert confirmed.status == 303 and "done=scheduled" in confirmed.location
    assert await _status(hamdel, broadcast_id) == BroadcastStatus.SCHEDULED.value
    unsure = await admin.post(f"/broadcasts/{broadcast_id}/cancel", {})
    assert "done=unsure" in unsure.location and await _status(hamdel, broadcast_id) == "scheduled"
    await admin.post(f"/broadcasts/{broadcast_id}/cancel", {"sure": "1"})
    assert await _status(hamdel, broadcast_id) == BroadcastStatus.CANCELLED.value

    # A running one, slowed down by the messenger.
    hamdel.messenger.delay_next("sendMessage", seconds=0.5, times=40)
    slow = await admin.post("/broadcasts/new", {**form, "text_fa": "پیام آهسته"})
    running = _id(slow.location)
    await admin.post(f"/broadcasts/{running}/confirm", {"when": ""})

    def delivered() -> int:
        return sum(texts(user).count("پیام آهسته") for user in users)

    assert await hamdel.messenger._activity.wait_for(lambda: delivered() > 0, 10)  # running for real
    paused = await admin.post(f"/broadcasts/{running}/pause", {})
    assert "done=pause" in paused.location and await _status(hamdel, running) == "paused"
    page = await admin.get(f"/broadcasts/{running}")
    assert 'id="resume"' in page.text and 'id="remaining"' in page.text and 'id="live"' in page.text
    status, stamp = await admin.get_json(f"/broadcasts/{running}/changes")
    assert status == 200 and stamp["stamp"].startswith("paused:")
    assert "done=unchanged" in (await admin.post(f"/broadcasts/{running}/pause", {})).location
    await admin.post(f"/broadcasts/{running}/resume", {})
    assert await _status(hamdel, running) == "sending"
    await admin.post(f"/broadcasts/{running}/cancel", {"sure": "1"})
    counts = await finished(hamdel, running)
    async with hamdel.db() as session:
        everyone = await broadcasts.count_recipients(session, hamdel.app.profile.platform.value, EVERYONE)
    assert counts.get("sent", 0) < everyone and counts.get("cancelled", 0) + counts.get("sent", 0) == everyone
    for user in users:
        assert texts(user).count("پیام آهسته") <= 1
    entries = await hamdel.audit("broadcast.%")
    assert [(e.action, e.channel) for e in entries] == [
        ("broadcast.schedule", "console"),
        ("broadcast.cancel", "console"),
        ("broadcast.send", "console"),
        ("broadcast.pause", "console"),
        ("broadcast.resume", "console"),
        ("broadcast.cancel", "console"),
    ]


BAD_INPUT: list[tuple[dict[str, str], dict[str, tuple[str, bytes]] | None, str, str]] = [
    ({"text_fa": "  "}, None, "text_fa", "پیام خالی"),
    ({"text_fa": "ب" * 5000}, None, "text_fa", "از حد مجاز"),
    ({"text_fa": "ب" * 1100}, {"image": ("a.png", png())}, "text_fa", "با عکس"),
    ({"button": "url", "url": "not a link"}, None, "url", "معتبر نیست"),
    ({}, {"image": ("a.jpg", b"GIF89a not a jpeg")}, "image", "JPEG یا PNG نیست"),
    ({"segment": "province:99"}, None, "segment", "شناخته نیست"),
    ({"segment": "donors:abc"}, None, "segment", "شناخته نیست"),
]


async def test_bad_input_is_answered_next_to_its_field(hamdel: Any, admin: ConsoleClient) -> None:
    for fields, files, field, text in BAD_INPUT:
        form = {"text_fa": "سلام", "segment": "all", "do": "review", **fields}
        answer = await admin.post("/broadcasts/new", form, files=files)
        assert answer.status == 400, (field, text)
        assert f'id="error-{field}"' in answer.text and text in answer.text, (field, text)
    async with hamdel.db() as session:
        assert await session.scalar(select(Broadcast.id)) is None


async def test_an_empty_segment_is_refused_at_confirmation(hamdel: Any, admin: ConsoleClient) -> None:
    reviewed = await admin.post(
        "/broadcasts/new", {"text_fa": "سلام", "segment": "language:en", "do": "review"}
    )
    broadcast_id = _id(reviewed.location)
    refused = await admin.post(f"/broadcasts/{broadcast_id}/confirm", {"when": ""})
    assert refused.status == 400 and 'id="problem"' in refused.text
    async with hamdel.db() as session:
        count = await broadcasts.count_recipients(
            session, hamdel.app.profile.platform.value, Segment.of(await session.get(Broadcast, broadcast_id))
        )
    assert count == 0 and await _status(hamdel, broadcast_id) == BroadcastStatus.DRAFT.value


async def test_in_the_browser_a_broadcast_is_composed_sent_and_followed(hamdel: Any, browser: Any) -> None:
    """At a phone's width: the count follows the segment (static/broadcast-count.js), the review
    shows the message, and the progress page follows the engine to the end by itself."""
    users = await known_users(hamdel, 3)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("nav a[href$='/broadcasts']")
    await page.wait_for_url("**/console/broadcasts")
    await page.click("#broadcast-new")
    await page.fill("#f-text_fa", TEXT)
    await page.select_option("#f-segment", "language:en")
    await page.wait_for_selector("#recipient-count:text-is('۰ گیرنده')")
    await page.select_option("#f-segment", "all")
    async with hamdel.db() as session:
        everyone = await broadcasts.count_recipients(session, hamdel.app.profile.platform.value, EVERYONE)
    await page.wait_for_selector(f"#recipient-count:text-is('{to_fa_digits(everyone)} گیرنده')")
    await check_layout(page, "broadcast-compose")
    await page.click("#broadcast-review")
    await page.wait_for_selector("#preview-fa")
    assert TEXT in await page.inner_text("#preview-fa")
    await check_layout(page, "broadcast-review")
    await page.click("#confirm")
    await page.wait_for_selector("#done")
    await page.wait_for_selector("#status:has-text('تمام‌شده')", timeout=15_000)
    assert await page.inner_text("#remaining") == "۰"
    await check_layout(page, "broadcast-progress")
    for user in users:
        await user.wait_until(lambda u: TEXT in texts(u))


async def test_a_province_officers_composer_shares_the_chats_rule(hamdel: Any) -> None:
    """services.broadcasts.segment_within on the console's door: a Tehran campaign manager is
    offered Tehran and its campaigns' donors, a forged other segment counts nothing (404), and the
    history keeps to Tehran's broadcasts."""
    manager = hamdel.user(first_name="مدیر پویش تهران")
    await manager.send("/start")
    await manager.next_message()
    platform = hamdel.app.profile.platform.value
    now = hamdel.clock.now()
    async with hamdel.db() as session:
        await roles.grant(
            session,
            platform=platform,
            user_id=manager.id,
            role=Role.CAMPAIGN_MANAGER,
            granted_by=None,
            provinces=frozenset({"23"}),
        )
        tehran = (await add_campaign(session, now, title="پویش تهران", province_id="23")).id
        fars = (await add_campaign(session, now, title="پویش شیراز", province_id="07")).id
        seeded = []
        for kind, value in (("donors", str(tehran)), ("donors", str(fars)), ("all", None)):
            row = Broadcast(
                platform=platform,
                status=BroadcastStatus.DONE.value,
                author_id=hamdel.admin.id,
                text_fa="پیام",
                segment_kind=kind,
                segment_value=value,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            seeded.append(row.id)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        visitor = ConsoleClient(client, "")
        link = await sign_in_link(hamdel, manager)
        visitor.base = link.split("/console/")[0] + "/console"
        async with client.post(link, allow_redirects=False) as signed:
            assert signed.status == 303
        page = await visitor.get("/broadcasts/new")
        assert page.status == 200
        assert f'value="donors:{tehran}"' in page.text and 'value="province:23"' in page.text
        assert f'value="donors:{fars}"' not in page.text and 'value="all"' not in page.text
        assert (await visitor.get_json("/broadcasts/count", segment=f"donors:{tehran}"))[0] == 200
        for forged in (f"donors:{fars}", f"launch:{fars}", "all", "province:07", "language:fa"):
            assert (await visitor.get_json("/broadcasts/count", segment=forged))[0] == 404, forged
        history = await visitor.get("/broadcasts")
        assert f"/broadcasts/{seeded[0]}" in history.text
        assert all(f'/broadcasts/{other}"' not in history.text for other in seeded[1:])
        for other in seeded[1:]:
            assert (await visitor.get(f"/broadcasts/{other}")).status == 404
        assert (await visitor.get(f"/broadcasts/{seeded[0]}")).status == 200
