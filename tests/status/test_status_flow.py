"""Application status through the real bot, in both flavors: the admin's CSV import (bad rows,
wrong files), lookups with tracking code and national code (Persian digits, wrong check digit,
unknown codes), the rate limit with the frozen clock, and the change notice."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import select, text

from bot.__main__ import CHATTY_LOGGERS
from bot.settings import StatusSettings
from handlers.status import import_statuses_cli
from jobs.status import deliver_notices
from messenger import MessengerUser
from models import Application, AuditEntry, StatusNotification, StatusSubscription
from services.persian import to_fa_digits
from tests.conftest import Harness


def national_code(seed: int) -> str:
    """A valid national code (correct check digit) from a number."""
    digits = f"{seed:09d}"[-9:]
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return digits + str(remainder if remainder < 2 else 11 - remainder)


def wrong_check_digit(code: str) -> str:
    return code[:9] + str((int(code[9]) + 1) % 10)


SARA = national_code(123456789)
ALI = national_code(987654321)
REZA = national_code(555000111)

GOOD_CSV = f"""کد پیگیری,کد ملی,وضعیت,توضیح,تاریخ
140400123,{to_fa_digits(SARA)},در نوبت,نوبت شما حدود سه ماه دیگر است,۱۴۰۵/۰۸/۲۰
140400124,{ALI},reviewing,,2026-11-01
140400125,{wrong_check_digit(REZA)},queued,,1405/08/01
140400126,{REZA},گم شده,,1405/08/01
140400127,{REZA},queued,,1405/13/40
140400123,{SARA},approved,,1405/08/21
140400128,{national_code(111222333)},تحویل شد,,1405/07/01
"140400129",{national_code(444555666)},needs_documents,"فیش حقوقی، گواهی سکونت",1405/07/02
140400130,{national_code(777888999)},rejected,,1405/07/03
""".encode()


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    return {"status": StatusSettings(status_csv_max_bytes=4000, status_lookup_max_failures=5)}


async def say(hamdel: Harness, user: MessengerUser, message: str) -> dict[str, Any]:
    user.skip_to_end()
    await user.send(message)
    reply = await user.next_message(timeout=10)
    await hamdel.settle()
    return reply


async def import_csv(hamdel: Harness, data: bytes, name: str = "statuses.csv") -> str:
    admin = hamdel.admin
    admin.skip_to_end()
    await admin.send_document(filename=name, data=data, mime_type="text/csv")
    return str((await admin.next_message(timeout=10))["text"])


async def notices(hamdel: Harness, *, settled: bool = True) -> list[StatusNotification]:
    """The outbox; with `settled`, once the notifier has recorded what happened to every notice
    (it writes after the send, so the message may arrive first)."""
    for _ in range(100):
        async with hamdel.db() as session:
            rows = list(await session.scalars(select(StatusNotification)))
        if not settled or all(row.outcome for row in rows):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"notices not settled: {[(r.id, r.outcome, r.attempts) for r in rows]}")


async def lookup(hamdel: Harness, user: MessengerUser, tracking: str, national: str) -> dict[str, Any]:
    await say(hamdel, user, "/status")
    await say(hamdel, user, tracking)
    return await say(hamdel, user, national)


async def test_admin_imports_a_csv_with_bad_rows(hamdel: Harness) -> None:
    report = await import_csv(hamdel, GOOD_CSV)
    assert report.startswith("📥 نتیجه ورود فایل «statuses.csv»: ۹ سطر خوانده شد؛ ۵ سطر درست و ۴ سطر نادرست.")
    assert "✅ سطرهای درست وارد شد: ۵ پرونده تازه، ۰ به‌روزرسانی، ۰ بدون تغییر." in report
    assert "• سطر ۴: کد ملی ندارد یا نادرست است" in report
    assert "• سطر ۵: وضعیت ناشناخته است" in report
    assert "• سطر ۶: تاریخ ندارد یا نادرست است" in report
    assert "• سطر ۷: کد پیگیری در سطر دیگری از همین فایل هم آمده است" in report
    for code in (SARA, ALI, REZA, to_fa_digits(SARA)):
        assert code not in report
    await hamdel.settle()
    async with hamdel.db() as session:
        rows = {a.tracking_code: a for a in await session.scalars(select(Application))}
        assert set(rows) == {"140400123", "140400124", "140400128", "140400129", "140400130"}
        assert rows["140400129"].note == "فیش حقوقی، گواهی سکونت"
        assert rows["140400123"].status == "queued" and rows["140400124"].status == "reviewing"
        # National codes exist only as keyed hashes: nowhere in the database in clear.
        stored = [
            row
            for table in ("applications", "audit_log")
            for row in (await session.execute(text(f"SELECT * FROM {table}"))).all()
        ]
        dump = " ".join(str(value) for row in stored for value in row)
        assert SARA not in dump and ALI not in dump
        assert len(rows["140400123"].national_code_hash) == 64
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "status-import"))
        assert audit is not None and audit.actor_id == hamdel.admin.id and audit.allowed


async def test_mostly_bad_files_and_wrong_files_import_nothing(hamdel: Harness) -> None:
    mostly_bad = f"tracking code,national code,status,note,date\n1,2,3,4,5\n6,7,8,9,10\n140400200,{SARA},queued,,1405/08/01\n"
    report = await import_csv(hamdel, mostly_bad.encode())
    assert "⛔ هیچ سطری وارد نشد، چون بیش از نیمی از سطرها نادرست بود" in report
    report = await import_csv(hamdel, b"a,b,c\n1,2,3\n")
    assert (
        report.startswith("سطر اول فایل باید نام ستون‌ها باشد") and "کد پیگیری، کد ملی، وضعیت، تاریخ" in report
    )
    report = await import_csv(hamdel, b"PK\x03\x04\x00\x00binary", name="statuses.csv")
    assert report.startswith("این فایل متنی نیست")
    report = await import_csv(hamdel, b"x" * 5000)
    assert report.startswith("این فایل بزرگ‌تر از حد مجاز (۴ کیلوبایت) است")
    await hamdel.settle()
    async with hamdel.db() as session:
        assert list(await session.scalars(select(Application))) == []

    # /import_statuses waits for a file; anything but a CSV gets a clear reply.
    admin = hamdel.admin
    await say(hamdel, admin, "/import_statuses")
    assert admin.last_text.startswith("📥 فایل CSV وضعیت پرونده‌ها را بفرستید (حداکثر ۴ کیلوبایت)")
    admin.skip_to_end()
    await admin.send_document(
        filename="statuses.xlsx", data=b"PK\x03\x04", mime_type="application/vnd.ms-excel.sheet"
    )
    assert (await admin.next_message())["text"].startswith("این فایل CSV نیست")
    admin.skip_to_end()
    await admin.send_document(filename="list.txt", data=GOOD_CSV, mime_type="text/plain")
    assert (await admin.next_message())["text"].startswith("📥 نتیجه ورود فایل «list.txt»")


async def test_only_admins_import(hamdel: Harness) -> None:
    user = hamdel.user()
    user.skip_to_end()
    await user.send_document(filename="statuses.csv", data=GOOD_CSV, mime_type="text/csv")
    assert (await user.next_message())["text"] == "این کار فقط برای کارکنان مجاز است."
    await user.send("/import_statuses")
    assert (await user.next_message())["text"] == "این کار فقط برای کارکنان مجاز است."
    # Other documents from anyone are not taken for an import.
    await user.send_document(filename="photo.pdf", data=b"%PDF-1.4", mime_type="application/pdf")
    assert (await user.next_message())["text"].startswith("این نوع پیام را نمی‌توانم بخوانم")
    await hamdel.settle()
    async with hamdel.db() as session:
        assert list(await session.scalars(select(Application))) == []
        refused = await session.scalar(select(AuditEntry).where(AuditEntry.allowed.is_(False)))
    assert refused is not None and refused.actor_id == user.id


async def test_lookup_with_persian_digits_shows_the_status(
    hamdel: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in CHATTY_LOGGERS:  # quiet in production (bot/__main__.py), heard here too
        caplog.set_level(logging.DEBUG, logger=name)
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    reply = await say(hamdel, user, "/status")
    assert reply["text"].startswith("🔎 پیگیری پرونده جهیزیه")
    reply = await say(hamdel, user, "۱۴۰۴۰۰۱۲۳")
    assert reply["text"].startswith("کد ملی ده‌رقمی صاحب پرونده را بنویسید")
    reply = await say(hamdel, user, to_fa_digits(SARA))
    assert reply["text"].startswith("📄 پرونده ۱۴۰۴۰۰۱۲۳\nوضعیت: در نوبت\nاز تاریخ: ۲۰ آبان ۱۴۰۵")
    assert "توضیح اداره: نوبت شما حدود سه ماه دیگر است" in reply["text"]
    assert SARA not in reply["text"] and to_fa_digits(SARA) not in reply["text"]
    assert "🔔 هر وقت وضعیت عوض شد خبرم کن" in user.buttons()
    # Both codes in one message, an ISO date shown in Jalali.
    await say(hamdel, user, "/status")
    reply = await say(hamdel, user, f"140400124 {ALI}")
    assert "وضعیت: در حال بررسی" in reply["text"] and "از تاریخ: ۱۰ آبان ۱۴۰۵" in reply["text"]
    # Never logged (the bot's own logs and the libraries', at DEBUG).
    assert caplog.records
    for code in (SARA, ALI, to_fa_digits(SARA)):
        assert not [r for r in caplog.records if code in r.getMessage()]


async def test_wrong_check_digit_and_unknown_codes(hamdel: Harness) -> None:
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    await say(hamdel, user, "/status")
    reply = await say(hamdel, user, "کد")
    assert reply["text"].startswith("این کد پیگیری درست به نظر نمی‌رسد")
    await say(hamdel, user, "140400123")
    reply = await say(hamdel, user, wrong_check_digit(SARA))
    assert reply["text"].startswith("این کد ملی درست نیست")
    reply = await say(hamdel, user, "۱۲۳۴۵")
    assert reply["text"].startswith("این کد ملی درست نیست")
    user.skip_to_end()
    await user.send_sticker()
    assert (await user.next_message())["text"] == "لطفاً کد را به صورت متن بنویسید."
    # The right national code for another application: the same answer as an unknown code.
    reply = await say(hamdel, user, ALI)
    assert reply["text"].startswith("پرونده‌ای با این کد پیگیری و کد ملی پیدا نشد")
    assert "تا ۴ بار دیگر" in reply["text"]
    await say(hamdel, user, "999999999")
    reply = await say(hamdel, user, SARA)
    assert "تا ۳ بار دیگر" in reply["text"]


async def test_failed_lookups_are_rate_limited_with_a_persian_wait(hamdel: Harness) -> None:
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    await say(hamdel, user, "/status")
    for attempt in range(4):
        await say(hamdel, user, f"14040090{attempt}")
        reply = await say(hamdel, user, SARA)
        assert reply["text"].startswith("پرونده‌ای با این کد پیگیری")
        hamdel.clock.advance(minutes=5)
    await say(hamdel, user, "140400999")
    reply = await say(hamdel, user, SARA)
    # Fifth failure at minute 20; the first one (minute 0) leaves the hour at minute 60.
    assert reply["text"] == (
        "برای حفاظت از اطلاعات مددجویان، پس از چند جست‌وجوی ناموفق باید کمی صبر کنید."
        " لطفاً ۴۰ دقیقه دیگر دوباره امتحان کنید."
    )
    reply = await say(hamdel, user, "/status")
    assert "۴۰ دقیقه دیگر" in reply["text"]
    hamdel.clock.advance(minutes=39)
    assert "۱ دقیقه دیگر" in (await say(hamdel, user, "/status"))["text"]
    hamdel.clock.advance(minutes=2)
    reply = await lookup(hamdel, user, "140400123", SARA)
    assert reply["text"].startswith("📄 پرونده ۱۴۰۴۰۰۱۲۳")
    # Another person is not limited by this one's failures.
    other = hamdel.user()
    assert (await say(hamdel, other, "/status"))["text"].startswith("🔎 پیگیری پرونده جهیزیه")


async def test_follow_and_be_told_when_the_next_import_changes_the_status(hamdel: Harness) -> None:
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    await lookup(hamdel, user, "140400123", SARA)
    user.skip_to_end()
    answer = await user.press("🔔 هر وقت وضعیت عوض شد خبرم کن")
    assert answer["text"].startswith("🔔 باشه")
    confirmation = await user.next_message()
    assert "🔕 دیگر خبرم نکن" in user.buttons(confirmation)
    again = await user.press("🔔 هر وقت وضعیت عوض شد خبرم کن")
    assert again["text"] == "تغییرات این پرونده را از قبل برایتان می‌فرستم."
    forged = await user.press_data("st:follow:1:0000000000")
    assert forged["text"] == "این دکمه دیگر معتبر نیست؛ لطفاً دوباره پیگیری کنید."

    # Re-importing the same data changes nothing and tells nobody.
    report = await import_csv(hamdel, GOOD_CSV)
    assert "۰ پرونده تازه، ۰ به‌روزرسانی، ۵ بدون تغییر. ۰ نفر" in report
    # A new status for 140400123 (and a corrected note for 140400124).
    changed = f"کد پیگیری,کد ملی,وضعیت,توضیح,تاریخ\n140400123,{SARA},تایید شده,,1405/09/08\n140400124,{ALI},reviewing,مدارک رسید,2026-11-01\n"
    report = await import_csv(hamdel, changed.encode())
    assert "۰ پرونده تازه، ۲ به‌روزرسانی، ۰ بدون تغییر. ۱ نفر از تغییر وضعیت" in report
    notice = await user.next_message(timeout=10)
    assert notice["text"].startswith("🔔 وضعیت پرونده‌تان تغییر کرد.\n\n📄 پرونده ۱۴۰۴۰۰۱۲۳\nوضعیت: تأیید شده")
    assert "از تاریخ: ۸ آذر ۱۴۰۵" in notice["text"]
    sent = await notices(hamdel)
    assert len(sent) == 1 and sent[0].outcome == "sent" and sent[0].sent_at is not None

    # Stop following: the next change is not sent.
    user.skip_to_end()
    await user.press("🔕 دیگر خبرم نکن", message=notice)
    assert (await user.next_message())["text"].startswith("🔕 دیگر تغییرات پرونده ۱۴۰۴۰۰۱۲۳")
    await hamdel.settle()
    async with hamdel.db() as session:
        assert list(await session.scalars(select(StatusSubscription))) == []


async def test_a_notice_to_a_user_who_blocked_the_bot_is_not_retried(hamdel: Harness) -> None:
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    await lookup(hamdel, user, "140400124", ALI)
    await user.press("🔔 هر وقت وضعیت عوض شد خبرم کن")
    await hamdel.settle()
    await user.block()
    changed = f"tracking_code,national_code,status,note,date\n140400124,{ALI},rejected,,1405/09/08\n"
    await import_csv(hamdel, changed.encode())
    (notice,) = await notices(hamdel)
    assert notice.outcome == "blocked" and notice.sent_at is None and notice.attempts == 1


async def test_command_line_import_queues_notices_the_bot_sends(hamdel: Harness, tmp_path: Path) -> None:
    await import_csv(hamdel, GOOD_CSV)
    user = hamdel.user()
    await lookup(hamdel, user, "140400123", SARA)
    await user.press("🔔 هر وقت وضعیت عوض شد خبرم کن")
    await hamdel.settle()
    user.skip_to_end()
    path = tmp_path / "update.csv"
    path.write_text(
        f"tracking code;national code;status;note;date\n140400123;{SARA};delivered;;۱۴۰۵/۰۹/۰۹\n"
        f"140400300;{REZA};received;;۱۴۰۵/۰۹/۰۹\n",
        encoding="utf-8",
    )
    assert await import_statuses_cli(hamdel.settings, str(path)) == 0
    await deliver_notices(hamdel.app)  # what the notifier does within STATUS_NOTIFY_INTERVAL_SECONDS
    notice = await user.next_message()
    assert "وضعیت: جهیزیه تحویل داده شده" in notice["text"]
    await hamdel.settle()
    async with hamdel.db() as session:
        assert await session.scalar(
            select(Application.status).where(Application.tracking_code == "140400300")
        ) == ("received")
