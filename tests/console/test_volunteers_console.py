"""The console's volunteers through its aiohttp pages: the list with its filters and pages, a
review (accept / decline) that reaches the person in the local messenger with the message
typed, a second click that changes nothing, and bad input."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from models.volunteers import Volunteer
from services import volunteers as svc
from services.users import upsert_user
from tests.console.test_stats_console import console_client, jalali_text

TEHRAN, SHEMIRANAT, ISFAHAN, ISFAHAN_COUNTY = "23", "2303", "10", "1001"


async def sign_up(hamdel, person, *, province: str, county: str, areas: list[str], days_ago: int = 0) -> int:
    async with hamdel.db() as session:
        user = await upsert_user(
            session,
            platform=hamdel.app.profile.platform.value,
            user_id=person.id,
            chat_id=person.id,
            default_language="fa",
        )
        draft = svc.Draft(
            areas=areas,
            profession="nurse",
            skills="کمک‌های اولیه",
            skills_done=True,
            province_id=province,
            county_id=county,
            availability=["evenings"],
            mobile="09121234567",
            mobile_shared=False,
            consent=True,
        )
        volunteer, _ = await svc.save_volunteer(
            session, user.id, draft, hamdel.clock.now() - timedelta(days=days_ago)
        )
        volunteer.created_at = hamdel.clock.now() - timedelta(days=days_ago)
        return volunteer.id


async def test_an_admin_filters_the_list_and_accepts_or_declines_with_a_message(hamdel) -> None:
    sara, ali = hamdel.user(), hamdel.user()
    accepted = await sign_up(hamdel, sara, province=TEHRAN, county=SHEMIRANAT, areas=["health"])
    declined = await sign_up(
        hamdel, ali, province=ISFAHAN, county=ISFAHAN_COUNTY, areas=["cultural"], days_ago=40
    )
    today = jalali_text(hamdel.clock.now())
    async with console_client(hamdel, hamdel.admin) as (client, base, csrf):
        async with client.get(f"{base}/volunteers", params={"province": TEHRAN, "status": "pending"}) as page:
            html = await page.text()
            assert page.status == 200
        assert f'id="volunteer-{accepted}"' in html and f'id="volunteer-{declined}"' not in html
        assert "پرستار" in html and "سلامت" in html and "09121234567" in html
        async with client.get(
            f"{base}/volunteers", params={"from": today, "to": today, "area": "cultural"}
        ) as page:
            assert f'id="volunteer-{declined}"' not in await page.text()
        async with client.get(f"{base}/volunteers", params={"from": "۱۴۰۵/۱۴/۰۱"}) as page:
            assert page.status == 400 and "تاریخ را نشناختم" in await page.text()

        back = f"/console/volunteers?{urlencode({'status': 'pending'})}"
        form = {
            "csrf": csrf,
            "decision": "accepted",
            "message": "شنبه ساعت ۱۰ با شما تماس می‌گیریم.",
            "back": back,
        }
        async with client.post(
            f"{base}/volunteers/{accepted}/review", data=form, allow_redirects=False
        ) as answer:
            assert answer.status == 303
            assert answer.headers["Location"] == f"{back}&done=accepted&delivery=ok"
        await sara.wait_until(lambda u: "پذیرفته شد" in (u.last_text or ""))
        assert "شنبه ساعت ۱۰ با شما تماس می‌گیریم." in sara.last_text
        seen = len(sara.messages)
        async with client.post(
            f"{base}/volunteers/{accepted}/review", data=form, allow_redirects=False
        ) as answer:
            assert "done=unchanged" in answer.headers["Location"]
        assert len(sara.messages) == seen  # no second message

        form = {"csrf": csrf, "decision": "declined", "message": ""}
        async with client.post(f"{base}/volunteers/{declined}/review", data=form) as page:
            assert "داوطلب نپذیرفته شد" in await page.text()
        await ali.wait_until(lambda u: "سپاسگزاریم" in (u.last_text or ""))
        for bad in ({"decision": "maybe"}, {"decision": "accepted", "message": "x" * 1001}):
            async with client.post(
                f"{base}/volunteers/{declined}/review", data={"csrf": csrf, **bad}
            ) as page:
                assert "نامعتبر" in await page.text()
        async with client.post(f"{base}/volunteers/999999/review", data=form) as page:
            assert "دیگر در فهرست نیست" in await page.text()
    async with hamdel.db() as session:
        assert (await session.get(Volunteer, accepted)).status == "accepted"  # type: ignore[union-attr]
        assert (await session.get(Volunteer, declined)).status == "declined"  # type: ignore[union-attr]
    reviews = await hamdel.audit("volunteer.%")
    assert [(e.action, e.channel, e.before, e.after) for e in reviews] == [
        ("volunteer.accepted", "console", {"status": "pending"}, {"status": "accepted"}),
        ("volunteer.declined", "console", {"status": "pending"}, {"status": "declined"}),
    ]
    async with hamdel.db() as session:
        outside = await svc.review(
            session, volunteer_id=declined, decision="accepted", message="", platform="telegram",
            actor_id=1, now=hamdel.clock.now(), provinces=frozenset({TEHRAN}),
        )  # fmt: skip
        assert outside.outcome is svc.ReviewOutcome.OUT_OF_SCOPE
