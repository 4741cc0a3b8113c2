"""/volunteers: the admins' search by area, profession and region, through the messenger."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from handlers.volunteers import SearchCb, VolCb
from messenger import MessengerUser
from models import AuditEntry, User
from services import volunteers as service
from services.volunteers import AREAS, PROFESSIONS
from tests.conftest import Harness

TEHRAN, SHEMIRANAT, RAY = "23", "2304", "2303"
ISFAHAN, KHANSAR = "10", "1004"


async def say(u: MessengerUser, text: str) -> str:
    seen = len(u.messages)
    await u.send(text)
    await u.wait_until(lambda chat: len(chat.messages) > seen)
    return u.last_text


async def seed(hamdel: Harness, count_tehran: int = 10) -> None:
    """Volunteers who signed up on this platform: many doctors in Shemiranat, a teacher in Ray,
    an engineer in Khansar."""
    platform = hamdel.app.profile.platform.value
    people: list[dict[str, Any]] = [
        {
            "areas": ["health"],
            "profession": "physician",
            "county_id": SHEMIRANAT,
            "skills": "جراحی\nعمومی " * 20,
        }
        for _ in range(count_tehran)
    ]
    people.append({"areas": ["cultural"], "profession": "teacher", "county_id": RAY})
    people.append(
        {
            "areas": ["construction", "health"],
            "profession": "engineer",
            "province_id": ISFAHAN,
            "county_id": KHANSAR,
        }
    )
    async with hamdel.db() as s:
        for number, person in enumerate(people):
            user = User(platform=platform, user_id=70_000 + number, chat_id=70_000 + number, language="fa")
            s.add(user)
            await s.flush()
            draft = service.Draft(
                skills_done=True,
                province_id=TEHRAN,
                availability=["weekdays", "emergencies"],
                mobile=f"0912000{number:04d}",
                mobile_shared=number % 2 == 0,
                consent=True,
            )
            for name, value in person.items():
                setattr(draft, name, value)
            await service.save_volunteer(s, user.id, draft, hamdel.clock.now() + timedelta(minutes=number))


async def test_admin_searches_by_area_profession_and_region(hamdel: Harness) -> None:
    await seed(hamdel)
    admin = hamdel.admin
    text = await say(admin, "/volunteers")
    assert "جست‌وجوی داوطلبان" in text and "تعداد داوطلبان با این فیلترها: ۱۲" in text
    assert admin.buttons()[:3] == ["حوزه: همه", "حرفه: همه", "استان: همه"]

    await admin.press("حوزه: همه")
    assert admin.buttons()[0] == "همه" and "عمرانی" in admin.buttons()
    await admin.press("عمرانی")
    assert "حوزه: عمرانی" in admin.last_text and "فیلترها: ۱" in admin.last_text

    await admin.press("حوزه: عمرانی")
    await admin.press("سلامت")
    assert "فیلترها: ۱۱" in admin.last_text
    await admin.press("حرفه: همه")
    await admin.press("پزشک")
    assert "فیلترها: ۱۰" in admin.last_text

    # Region: paged provinces, then the counties of the chosen one.
    await admin.press("استان: همه")
    assert "صفحهٔ ۱ از ۳" in admin.last_text
    await admin.press("تهران")
    assert "استان: تهران" in admin.last_text and "شهرستان: همه" in admin.buttons()
    await admin.press("شهرستان: همه")
    await admin.press("ری")
    assert "فیلترها: ۰" in admin.last_text
    await admin.press("شهرستان: ری")
    await admin.press("شمیرانات")
    assert "شهرستان: شمیرانات" in admin.last_text and "فیلترها: ۱۰" in admin.last_text

    # The list: eight a page, newest first, mobile numbers in Persian digits.
    await admin.press("نمایش فهرست (۱۰)")
    page = admin.last_text
    assert page.startswith("۱۰ داوطلب — صفحهٔ ۱ از ۲")
    assert "۱. پزشک — سلامت" in page and "۸. پزشک" in page and "۹. پزشک" not in page
    assert "📍 تهران / شمیرانات | 🕒 روزهای کاری، شرایط اضطراری و بحران" in page
    assert "📱 ۰۹۱۲۰۰۰۰۰۰۹" in page  # the newest first
    assert "(تأییدشده)" in page
    assert "…" in page  # long skills are cut short
    assert len(page) <= 4096
    await admin.press("بعدی ›")
    assert admin.last_text.startswith("۱۰ داوطلب — صفحهٔ ۲ از ۲") and "۱۰. پزشک" in admin.last_text
    assert "📱 ۰۹۱۲۰۰۰۰۰۰۰" in admin.last_text
    await admin.press("تغییر فیلترها")
    await admin.press("پاک کردن فیلترها")
    assert "فیلترها: ۱۲" in admin.last_text

    await hamdel.settle()
    async with hamdel.db() as s:
        entries = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "volunteers.search")))
    assert len(entries) == 2 and all(e.allowed and e.actor_id == admin.id for e in entries)
    assert '"county": "2304"' in (entries[0].note or "") and '"page": 1' in (entries[1].note or "")


async def test_empty_results_and_forged_filters(hamdel: Harness) -> None:
    admin = hamdel.admin
    await say(admin, "/volunteers")
    await admin.press("نمایش فهرست")
    assert admin.last_text == "داوطلبی با این فیلترها پیدا نشد."
    # A county outside its province, an unknown area: refused, the filter screen again.
    answer = await admin.press_data(SearchCb(a="r", pr=ISFAHAN, co=SHEMIRANAT).pack())
    assert answer["show_alert"] and "معتبر نیست" in answer["text"]
    assert "حوزه: همه" in admin.buttons()
    answer = await admin.press_data(SearchCb(a="f", ar="politics").pack())
    assert answer["show_alert"]
    # Counties without a province: the filter screen, not an error.
    await admin.press_data(SearchCb(a="fc").pack())
    assert "جست‌وجوی داوطلبان" in admin.last_text


async def test_people_who_are_not_admins_are_refused(hamdel: Harness) -> None:
    await seed(hamdel, count_tehran=1)
    u = hamdel.user()
    assert await say(u, "/volunteers") == "این کار فقط برای کارکنان مجاز است."
    answer = await u.press_data(SearchCb(a="r").pack())
    assert answer["show_alert"] and answer["text"] == "این کار فقط برای کارکنان مجاز است."
    assert "۰۹۱۲" not in u.last_text
    operator = hamdel.operator
    assert await say(operator, "/volunteers") == "این کار فقط برای کارکنان مجاز است."
    await hamdel.settle()
    async with hamdel.db() as s:
        refused = list(await s.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False))))
    assert len(refused) == 3


def test_every_button_fits_in_64_bytes() -> None:
    longest_area = max(AREAS, key=len)
    longest_profession = max(PROFESSIONS, key=len)
    data = SearchCb(a="fc", ar=longest_area, pf=longest_profession, pr="99", co="9999", p=99999).pack()
    assert len(data.encode()) <= 64, data
    assert len(VolCb(a="avok", v="extracurricular").pack().encode()) <= 64
