"""Known data for the staff tests: campaigns and donations whose statistics are worked out by hand.

The clock of the harness stands at 2026-11-30 08:00 UTC = Monday 9 Azar 1405, 11:30 in Tehran.
Tehran's week began on Saturday 7 Azar (2026-11-27 20:30 UTC); its month on 1 Azar
(2026-11-21 20:30 UTC).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from messenger import MessengerUser
from models import Campaign, Donation, User
from tests.dbkit import sessions_on

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
_payloads = count(1)


database = sessions_on  # the name these tests know it by


async def donor(session: AsyncSession, user_id: int, platform: str = "telegram") -> User:
    user = User(platform=platform, user_id=user_id, chat_id=user_id, language="fa")
    session.add(user)
    await session.flush()
    return user


def campaign(**values: object) -> Campaign:
    defaults: dict[str, object] = {
        "title_fa": "یلدای مهربانی",
        "title_en": "Yalda of Kindness",
        "description_fa": "جهیزیه برای زوج‌های تحت پوشش",
        "description_en": "Dowry kits for couples under coverage",
        "purpose": "dowry",
        "scope": "province",
        "province_id": "23",
        "goal_rials": 100_000_000,
        "starts_at": datetime(2026, 11, 1, tzinfo=UTC),
        "ends_at": datetime(2027, 1, 1, tzinfo=UTC),
        "status": "active",
    }
    defaults.update(values)
    return Campaign(**defaults)


def donation(user: User, amount_rials: int, paid_at: datetime | None, **values: object) -> Donation:
    number = next(_payloads)
    defaults: dict[str, object] = {
        "user_id": user.id,
        "amount_rials": amount_rials,
        "provider": "telegram",
        "currency": "IRR",
        "status": "paid" if paid_at else "pending",
        "payload": f"p-{number}",
        "provider_ref": f"ref-{number}" if paid_at else None,
        "receipt_number": f"R-{number}" if paid_at else None,
        "created_at": paid_at or NOW,
        "paid_at": paid_at,
    }
    defaults.update(values)
    return Donation(**defaults)


async def seed_known(session: AsyncSession) -> dict[str, object]:
    """Five paid gifts (and two that must not count):

    | gift | Tehran time          | toman   | to                         | donor |
    | d1   | 9 Azar 08:30 (today) | 100,000 | campaign A (dowry, Tehran) | u1    |
    | d2   | 9 Azar 00:01 (today) |  50,000 | purpose living, Fars       | u2    |
    | d3   | 8 Azar 23:59 (week)  | 200,000 | campaign A                 | u1    |
    | d4   | 6 Azar 23:30 (month) | 300,000 | campaign B (orphans, all)  | u3    |
    | d5   | 30 Aban 22:30        | 400,000 | purpose housing, Fars      | u2    |
    | —    | pending              | 900,000 | campaign A                 | u3    |
    | —    | failed               | 700,000 | campaign B                 | u3    |
    """
    u1, u2, u3 = await donor(session, 501), await donor(session, 502), await donor(session, 503)
    a = campaign()
    b = campaign(
        title_fa="لبخند مهربانی",
        title_en="Smile of Kindness",
        purpose="orphans",
        scope="national",
        province_id=None,
    )
    session.add_all([a, b])
    await session.flush()
    session.add_all(
        [
            donation(u1, 1_000_000, datetime(2026, 11, 30, 5, 0, tzinfo=UTC), campaign_id=a.id),
            donation(
                u2, 500_000, datetime(2026, 11, 29, 20, 31, tzinfo=UTC), purpose="living", province_id="07"
            ),
            donation(u1, 2_000_000, datetime(2026, 11, 29, 20, 29, tzinfo=UTC), campaign_id=a.id),
            donation(u3, 3_000_000, datetime(2026, 11, 27, 20, 0, tzinfo=UTC), campaign_id=b.id),
            donation(
                u2, 4_000_000, datetime(2026, 11, 21, 19, 0, tzinfo=UTC), purpose="housing", province_id="07"
            ),
            donation(u3, 9_000_000, None, campaign_id=a.id),
            donation(u3, 7_000_000, None, campaign_id=b.id, status="failed"),
        ]
    )
    await session.flush()
    return {"a": a.id, "b": b.id}


def csv_rows(data: bytes) -> list[list[str]]:
    """An export's rows (the file starts with a BOM, so Excel reads it as UTF-8)."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def export_csv(user: MessengerUser, title: str) -> tuple[str, list[list[str]]]:
    """/export → `title` → all time → CSV, as a staff member does it: the caption and the rows."""
    await user.send("/export")
    await user.wait_until(lambda u: u.last_text == "📁 از کدام داده خروجی می‌خواهید؟")
    await user.press(title)
    await user.press("همه")
    await user.press("CSV (اکسل و هر برنامهٔ جدول)")
    await user.wait_until(lambda u: "document" in (u.last or {}))
    sent = user.last
    assert sent is not None
    return sent["caption"], csv_rows(user.download(sent["document"]["file_id"]))
