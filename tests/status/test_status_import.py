"""The admin's status import through the real bot, in both flavors: the status names the bot
itself lists are accepted (issue 13, 4); a large file is imported in batches that let other
people's updates through, with a progress message (issue 14, 10); a row given another national
code is no longer followed by its former owner (issue 14, 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.i18n import get_i18n
from jobs.status import deliver_notices
from models import Application, StatusNotification, StatusSubscription
from services.applications import STATUSES
from tests.conftest import Harness
from tests.status.test_status_flow import GOOD_CSV, REZA, SARA, import_csv, lookup, national_code, say


@pytest.mark.parametrize("locale", ["fa", "en"])
async def test_the_status_names_in_the_bots_own_prompt_are_imported(hamdel: Harness, locale: str) -> None:
    admin = hamdel.admin
    if locale == "en":
        await say(hamdel, admin, "/language")
        await admin.press("English")
        await admin.wait_until(lambda a: "in English" in a.last_text)
    prompt = (await say(hamdel, admin, "/import_statuses"))["text"]
    i18n = get_i18n()
    names = [i18n.text(locale, f"status-name-{status}") for status in STATUSES]
    for name in names:
        assert name in prompt  # what the bot lists is what the admin writes
    lines = ["tracking code,national code,status,date"] + [
        f"14050{index:04d},{national_code(700_000 + index)},{name},1405/08/01"
        for index, name in enumerate(names)
    ]
    report = await import_csv(hamdel, "\n".join(lines).encode())
    assert ("۰ سطر نادرست" if locale == "fa" else "0 bad") in report, report
    async with hamdel.db() as session:
        stored = {a.tracking_code: a.status for a in await session.scalars(select(Application))}
    assert stored == {f"14050{index:04d}": status for index, status in enumerate(STATUSES)}


ROWS = 4_000


async def test_a_large_import_lets_other_updates_through_and_shows_progress(
    hamdel: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.status.PROGRESS_EDIT_SECONDS", 0.0)  # every batch, to see it
    lines = ["tracking code,national code,status,date"] + [
        f"{1_500_000 + n},{national_code(100_000 + n)},در نوبت,1405/08/01" for n in range(ROWS)
    ]
    admin, user = hamdel.admin, hamdel.user()
    admin.skip_to_end()
    await admin.send_document(filename="big.csv", data="\n".join(lines).encode(), mime_type="text/csv")
    await admin.wait_until(lambda a: a.last_text.startswith("⏳ ورود فایل «big.csv»"), timeout=30)
    user.skip_to_end()
    await user.send("/start")
    welcome = await user.next_message(timeout=30)
    await admin.wait_until(lambda a: a.last_text.startswith("📥 نتیجه ورود فایل «big.csv»"), timeout=60)
    assert "۴٬۰۰۰ پرونده تازه" in admin.last_text or "۴۰۰۰ پرونده تازه" in admin.last_text

    requests = hamdel.messenger.requests
    sent = [
        (index, request)
        for index, request in enumerate(requests)
        if request.method in ("sendMessage", "editMessageText")
    ]
    answered = next(
        i
        for i, r in sent
        if str(r.params.get("chat_id")) == str(user.id) and r.params.get("text") == welcome["text"]
    )
    started = next(i for i, r in sent if str(r.params.get("text", "")).startswith("⏳ ورود فایل"))
    reported = next(i for i, r in sent if str(r.params.get("text", "")).startswith("📥 نتیجه ورود فایل"))
    # The person's /start was answered while the import was running, not after it.
    assert started < answered < reported
    edits = [
        r.params["text"]
        for _, r in sent
        if r.method == "editMessageText" and str(r.params.get("chat_id")) == str(admin.id)
    ]
    assert any(" از " in text and text.startswith("⏳") for text in edits)
    assert edits[-1].startswith("✅ ورود فایل «big.csv» تمام شد")
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count()).select_from(Application)) == ROWS


async def test_a_re_import_with_another_national_code_tells_the_former_follower_nothing(
    hamdel: Harness,
) -> None:
    await import_csv(hamdel, GOOD_CSV)
    former = hamdel.user()
    await lookup(hamdel, former, "140400123", SARA)
    former.skip_to_end()
    await former.press("🔔 هر وقت وضعیت عوض شد خبرم کن")
    confirmation = await former.next_message()
    # The row now belongs to someone else (a typo corrected by the office, a reused code).
    changed = f"کد پیگیری,کد ملی,وضعیت,توضیح,تاریخ\n140400123,{REZA},تایید شده,توضیح مالک تازه,1405/09/08\n"
    report = await import_csv(hamdel, changed.encode())
    assert "۰ پرونده تازه، ۱ به‌روزرسانی، ۰ بدون تغییر. ۰ نفر از تغییر وضعیت" in report
    await deliver_notices(hamdel.app)
    await hamdel.settle()
    assert not [m for m in former.messages if "توضیح مالک تازه" in (m.get("text") or "")]
    async with hamdel.db() as session:
        assert list(await session.scalars(select(StatusSubscription))) == []
        assert list(await session.scalars(select(StatusNotification))) == []
    # The old button cannot follow the new owner's application again.
    stale = await former.press("🔕 دیگر خبرم نکن", message=confirmation)
    assert stale["text"] == "این دکمه دیگر معتبر نیست؛ لطفاً دوباره پیگیری کنید."
    # The new owner can follow it.
    owner = hamdel.user()
    reply = await lookup(hamdel, owner, "140400123", REZA)
    assert "توضیح اداره: توضیح مالک تازه" in reply["text"]
