"""Province offices in the chat's broadcasts and /export, by forging buttons through the local
messenger: a Tehran campaign manager is offered only Tehran and its campaigns' donors as
recipients, and every forged choice beyond them (everyone, a topic, a language, Fars, a Fars
campaign's donors or launch, a send before choosing) is refused with a short alert and audited;
the broadcasts' history and controls keep to Tehran's broadcasts; /export lists Tehran's
campaigns only and refuses a Fars campaign's id."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData

from bot.broadcast_delivery import BcControl
from handlers.broadcasts import BcCallback, SegmentCallback
from handlers.exports import ExportStep
from messenger.testkit import buttons
from models.broadcasts import Broadcast, BroadcastStatus, SegmentKind, Subscription
from services.roles import Role
from tests.broadcasts.broadcast_helpers import add_campaign, db_user

OFFICER_ID = 880_101
TEHRAN, FARS = "23", "07"
OUTSIDE = "بیرون از استان‌های شما"  # the composer's refusal
OTHER_PROVINCE = "استان دیگری"  # a broadcast's or a campaign's refusal


async def _officer(hamdel: Any) -> None:
    """A Tehran office's campaign manager (who may broadcast and export)."""
    await hamdel.add_staff(OFFICER_ID, Role.CAMPAIGN_MANAGER, frozenset({TEHRAN}))


def _callbacks(message: dict[str, Any] | None, kind: type[CallbackData]) -> list[Any]:
    """The buttons of `message` that are `kind`'s, unpacked."""
    rows = ((message or {}).get("reply_markup") or {}).get("inline_keyboard", [])
    prefix = kind.__prefix__ + ":"  # type: ignore[attr-defined]
    return [
        kind.unpack(button["callback_data"])
        for row in rows
        for button in row
        if str(button.get("callback_data", "")).startswith(prefix)
    ]


async def test_a_province_officer_broadcasts_to_their_provinces_only(hamdel) -> None:
    await _officer(hamdel)
    platform = hamdel.app.profile.platform.value
    now = hamdel.clock.now()
    reader = hamdel.user(first_name="خوانندهٔ تهرانی")
    await reader.send("/start")
    await reader.next_message()
    async with hamdel.db() as session:
        tehran_campaign = await add_campaign(session, now, title="پویش تهران", province_id=TEHRAN)
        fars_campaign = await add_campaign(session, now, title="پویش شیراز", province_id=FARS)
        national = await add_campaign(session, now, title="پویش سراسری")
        session.add(
            Subscription(
                user_id=await db_user(session, reader.id),
                new_campaigns=True,
                campaign_updates=True,
                province_news=True,
                volunteer_calls=False,
                province_id=TEHRAN,
            )
        )
        seeded = {}
        for name, kind, value, status in (
            ("everyone", SegmentKind.EVERYONE, None, BroadcastStatus.DONE),
            ("fars", SegmentKind.PROVINCE, FARS, BroadcastStatus.PAUSED),
            ("fars-donors", SegmentKind.DONORS, str(fars_campaign.id), BroadcastStatus.DONE),
            ("national-launch", SegmentKind.LAUNCH, str(national.id), BroadcastStatus.DONE),
            ("tehran-donors", SegmentKind.DONORS, str(tehran_campaign.id), BroadcastStatus.DONE),
        ):
            row = Broadcast(
                platform=platform,
                status=status.value,
                author_id=hamdel.admin.id,
                text_fa=f"پیام {name}",
                segment_kind=kind.value,
                segment_value=value,
                created_at=now,
                confirmed_at=now,
            )
            session.add(row)
            await session.flush()
            seeded[name] = row.id
        ids = (tehran_campaign.id, fars_campaign.id, national.id)
    tehran_id, fars_id, national_id = ids

    officer = hamdel.user(OFFICER_ID, first_name="کارشناس تهران")
    await officer.send("/broadcast")
    await officer.wait_until(lambda u: "✍️ پیام تازه" in buttons(u))
    await officer.press("✍️ پیام تازه")
    await officer.wait_until(lambda u: "متن فارسی" in u.last_text)
    await officer.send("سلام تهران، پویش تازه آغاز شد.")
    await officer.wait_until(lambda u: "متن انگلیسی" in u.last_text)
    await officer.press("⏭ بدون متن انگلیسی")
    await officer.wait_until(lambda u: "عکس" in u.last_text)
    await officer.press("⏭ بدون عکس")
    await officer.wait_until(lambda u: "دکمه" in u.last_text)
    await officer.press("⏭ بدون دکمه")
    await officer.wait_until(lambda u: "چه کسانی" in u.last_text)
    offered = [c.value for c in _callbacks(officer.last, BcCallback)]
    assert offered == [SegmentKind.DONORS.value, SegmentKind.PROVINCE.value]

    # A send or a schedule forged before choosing (a draft's recipients are everyone) and forged
    # national kinds or other provinces' recipients: refused, nothing confirmed.
    forged = [BcCallback(action=action) for action in ("send", "sendx", "sched", "schedok")]
    forged += [BcCallback(action="seg", value=kind) for kind in ("all", "topic", "language")]
    forged += [
        SegmentCallback(kind="province", value=FARS),
        SegmentCallback(kind="donors", value=str(fars_id)),
        SegmentCallback(kind="donors", value=str(national_id)),
        SegmentCallback(kind="launch", value=str(fars_id)),
        SegmentCallback(kind="topic", value="new_campaigns"),
        SegmentCallback(kind="language", value="fa"),
    ]
    for data in forged:
        answer = await officer.press_data(data.pack())
        assert answer["show_alert"] and OUTSIDE in answer["text"], data
    async with hamdel.db() as session:
        confirmed = await session.scalar(
            Broadcast.__table__.select()
            .with_only_columns(Broadcast.id)
            .where(Broadcast.author_id == OFFICER_ID, Broadcast.status != BroadcastStatus.DRAFT.value)
        )
        assert confirmed is None
    refusals = [e for e in await hamdel.audit("broadcast.%") if e.actor_id == OFFICER_ID]
    assert len(refusals) == len(forged)
    assert all(not e.allowed and e.note == "province" for e in refusals)

    # The offered lists: Tehran's campaigns' donors, Tehran alone.
    await officer.press_data(BcCallback(action="seg", value="donors").pack())
    await officer.wait_until(lambda u: "پویش تهران" in buttons(u))
    assert [c.value for c in _callbacks(officer.last, SegmentCallback)] == [str(tehran_id)]
    await officer.press_data(BcCallback(action="seg", value="province").pack())
    await officer.wait_until(lambda u: "تهران" in buttons(u))
    assert [c.value for c in _callbacks(officer.last, SegmentCallback)] == [TEHRAN]
    await officer.press("تهران")
    await officer.wait_until(lambda u: "🚀 ارسال اکنون" in buttons(u))
    await officer.press("🚀 ارسال اکنون")
    sent = [e for e in await hamdel.audit("broadcast.send") if e.allowed]
    assert [e.after["segment"] for e in sent] == [f"province:{TEHRAN}"]
    mine = int(sent[0].target.split(":")[1])

    # The history: its provinces' broadcasts only (a Tehran province or Tehran campaign's).
    officer.skip_to_end()
    await officer.send("/broadcast")
    await officer.wait_until(lambda u: "📋 پیام‌های اخیر" in buttons(u))
    await officer.press("📋 پیام‌های اخیر")
    await officer.wait_until(lambda u: "پیام‌های همگانی اخیر" in u.last_text)
    shown = {c.id for c in _callbacks(officer.last, BcControl)}
    assert shown == {mine, seeded["tehran-donors"]}

    # Another province's (or a national) broadcast, forged by its controls: refused, unchanged.
    for name in ("fars", "everyone", "national-launch"):
        for action in ("show", "pause", "resume", "cancel", "cancelok"):
            answer = await officer.press_data(BcControl(id=seeded[name], action=action).pack())
            assert answer["show_alert"] and OTHER_PROVINCE in answer["text"], (name, action)
    async with hamdel.db() as session:
        fars = await session.get(Broadcast, seeded["fars"])
        assert fars is not None and fars.status == BroadcastStatus.PAUSED.value
    controls = [e for e in await hamdel.audit("broadcast.%") if e.target == f"broadcast:{seeded['fars']}"]
    assert [e.action for e in controls] == [
        "broadcast.show",
        "broadcast.pause",
        "broadcast.resume",
        "broadcast.cancel",
        "broadcast.cancel",
    ]
    assert all(not e.allowed and e.note == "province" for e in controls)
    # Its own broadcast's controls answer.
    answer = await officer.press_data(BcControl(id=seeded["tehran-donors"], action="show").pack())
    assert not answer.get("show_alert")


async def test_a_province_officers_export_picker_keeps_to_their_campaigns(hamdel) -> None:
    await _officer(hamdel)
    now = hamdel.clock.now()
    async with hamdel.db() as session:
        tehran_id = (await add_campaign(session, now, title="پویش تهران", province_id=TEHRAN)).id
        fars_id = (await add_campaign(session, now, title="پویش شیراز", province_id=FARS)).id
        national_id = (await add_campaign(session, now, title="پویش سراسری")).id
    officer = hamdel.user(OFFICER_ID, first_name="کارشناس تهران")
    await officer.send("/export")
    await officer.wait_until(lambda u: "کمک‌های مالی" in " ".join(buttons(u)))
    await officer.press("کمک‌های مالی")
    await officer.press("همه")
    await officer.wait_until(lambda u: "همهٔ پویش‌ها" in buttons(u))
    listed = [c.value for c in _callbacks(officer.last, ExportStep) if c.step == "cmp"]
    assert listed == ["0", str(tehran_id)]
    for campaign_id in (fars_id, national_id):
        answer = await officer.press_data(ExportStep(step="cmp", value=str(campaign_id)).pack())
        assert answer["show_alert"] and OTHER_PROVINCE in answer["text"], campaign_id
    refused = await hamdel.audit("export.donations")
    assert [(e.allowed, e.target, e.note) for e in refused] == [
        (False, f"campaign:{fars_id}", "province"),
        (False, f"campaign:{national_id}", "province"),
    ]
    # Its own campaign goes on to the formats.
    answer = await officer.press_data(ExportStep(step="cmp", value=str(tehran_id)).pack())
    assert not answer.get("show_alert")
    await officer.wait_until(lambda u: any("CSV" in b for b in buttons(u)))
