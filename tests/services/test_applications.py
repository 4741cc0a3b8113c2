"""services.applications: codes, CSV parsing, import, lookup with its rate limit, the outbox; and
the national-code key rule (a real bot refuses to start without NATIONAL_CODE_HMAC_KEY)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import get_i18n
from bot.migrate import upgrade_async
from bot.settings import SettingsError, StatusSettings, TelegramSettings, load_settings
from handlers.status import national_code_key, status_labels
from models import Application, StatusNotification, StatusSubscription
from models.db import create_engine, create_sessionmaker
from services import applications as apps
from services.applications import CodeHasher, parse_csv, parse_date, parse_status

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def code(seed: int) -> str:
    digits = f"{seed:09d}"[-9:]
    r = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return digits + str(r if r < 2 else 11 - r)


A, B, C = code(123456789), code(987654321), code(555000111)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[AsyncSession]:
    url = f"sqlite+aiosqlite:///{tmp_path}/apps.db"
    await upgrade_async(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


# --------------------------------------------------------------------------------------------
# Codes


def test_hashes_are_keyed_and_never_the_code() -> None:
    one, other = CodeHasher("k" * 32), CodeHasher("j" * 32)
    assert one.national_code(A) == one.national_code(A) != other.national_code(A)
    assert A not in one.national_code(A) and len(one.national_code(A)) == 64
    assert one.key_id != other.key_id and len(one.key_id) == 16
    tag = one.tag("telegram", 1001, 7, length=10)
    assert one.check_tag(tag, "telegram", 1001, 7)
    assert not one.check_tag(tag, "telegram", 1002, 7) and not other.check_tag(tag, "telegram", 1001, 7)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۱۴۰۴۰۰۱۲۳", "140400123"),
        ("jh-1404 123", "JH1404123"),
        ("12", None),
        ("کد۱۲۳۴", None),
        ("1" * 33, None),
    ],
)
def test_tracking_codes(raw: str, expected: str | None) -> None:
    assert apps.normalize_tracking_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("queued", "queued"),
        ("در نوبت", "queued"),
        ("درنوبت", "queued"),
        ("تأیید شده", "approved"),
        ("تایيد شده", "approved"),
        ("Needs documents", "needs_documents"),
        ("needs_documents", "needs_documents"),
        ("رد شد", "rejected"),
        ("گم شده", None),
    ],
)
def test_statuses(raw: str, expected: str | None) -> None:
    assert parse_status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۱۴۰۵/۰۹/۰۹", date(2026, 11, 30)),
        ("1405-9-9", date(2026, 11, 30)),
        ("٩/٩/١٤٠٥", date(2026, 11, 30)),
        ("2026-11-30", date(2026, 11, 30)),
        ("30/11/2026", date(2026, 11, 30)),
        ("1405/12/30", None),  # 1405 is not a leap year in the Jalali calendar
        ("1405/13/01", None),
        ("دیروز", None),
        ("", None),
    ],
)
def test_dates(raw: str, expected: date | None) -> None:
    assert parse_date(raw) == expected


# --------------------------------------------------------------------------------------------
# CSV


def test_csv_with_persian_header_semicolons_and_bad_rows() -> None:
    data = (
        "\ufeffکد پیگیری;کد ملی;وضعیت;توضیح;تاریخ\n"
        f"100001;{A};در نوبت;;۱۴۰۵/۰۸/۰۱\n"
        "\n"
        f"100002;{A[:9]}0;queued;;1405/08/01\n"
        f"100003;{B}\n"
        f"100001;{C};queued;;1405/08/01\n"
        f"100004;{C};queued;{'x' * 501};1405/08/01\n"
        f"100005;{C};queued;;1405/08/01\n"
    ).encode()
    parsed = parse_csv(data)
    assert [r.tracking_code for r in parsed.rows] == ["100001", "100005"]
    assert [(b.line, b.problem) for b in parsed.bad] == [
        (4, "national_code"),
        (5, "columns"),
        (6, "duplicate"),
        (7, "note"),
    ]
    assert parsed.bad[2].duplicate_of == 2
    assert not parsed.importable  # four bad rows of six: more than half
    assert A not in repr(parsed.rows[0])


def test_csv_in_windows_persian_encoding_with_columns_in_another_order() -> None:
    text = f"date,status,national code,tracking code\n1405/08/01,در حال بررسی,{A},200001\n"
    # Excel on Persian Windows writes cp1256, which has only the Arabic forms ي and ك.
    parsed = parse_csv(text.replace("ی", "ي").replace("ک", "ك").encode("cp1256"))
    assert parsed.importable and parsed.rows[0].status == "reviewing" and parsed.rows[0].note is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"PK\x03\x04\x00\x00", "not_text"),
        (b"\xff\xfe\x00a", "not_text"),
        (b"name,phone\nx,y\n", "no_header"),
    ],
)
def test_files_that_are_not_imports(data: bytes, problem: str) -> None:
    parsed = parse_csv(data)
    assert parsed.problem == problem and not parsed.importable


def test_missing_columns_are_named() -> None:
    parsed = parse_csv(b"tracking code,status\n1,2\n")
    assert parsed.problem == "no_header" and parsed.missing_columns == ("national_code", "date")


# --------------------------------------------------------------------------------------------
# Import, lookup, rate limit, outbox


async def test_import_creates_updates_and_queues_one_notice_per_follower(session: AsyncSession) -> None:
    hasher = CodeHasher("k" * 32)
    first = parse_csv(
        f"tracking,national code,status,date\n1001,{A},queued,1405/08/01\n1002,{B},reviewing,1405/08/01\n".encode()
    )
    result = await apps.import_rows(session, first.rows, hasher, NOW)
    assert (result.created, result.updated, result.unchanged, result.notifications) == (2, 0, 0, 0)
    application = await session.scalar(select(Application).where(Application.tracking_code == "1001"))
    assert application is not None
    assert await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=5, chat_id=5, now=NOW
    )
    assert not await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=5, chat_id=5, now=NOW
    )

    same = await apps.import_rows(session, first.rows, hasher, NOW)
    assert (same.created, same.updated, same.unchanged, same.notifications) == (0, 0, 2, 0)
    changed = parse_csv(f"tracking,national code,status,date\n1001,{A},approved,1405/08/02\n".encode())
    assert (await apps.import_rows(session, changed.rows, hasher, NOW)).notifications == 1
    again = parse_csv(f"tracking,national code,status,date\n1001,{A},delivered,1405/08/03\n".encode())
    # Not sent yet: the pending notice already says "it changed" (and shows the latest status).
    assert (await apps.import_rows(session, again.rows, hasher, NOW)).notifications == 0
    assert len(list(await session.scalars(select(StatusNotification)))) == 1


async def test_lookup_needs_both_codes_and_limits_failures(session: AsyncSession) -> None:
    hasher = CodeHasher("k" * 32)
    rows = parse_csv(f"tracking,national code,status,date\n1001,{A},queued,1405/08/01\n".encode()).rows
    await apps.import_rows(session, rows, hasher, NOW)
    who = {"platform": "telegram", "user_id": 9, "hasher": hasher, "max_failures": 3, "window": 3600}
    found = await apps.lookup(session, tracking_code="1001", national_code=A, now=NOW, **who)
    assert found.kind == "found" and found.application is not None
    wrong = await apps.lookup(session, tracking_code="1001", national_code=B, now=NOW, **who)
    assert (wrong.kind, wrong.remaining) == ("not_found", 2)
    other_key = await apps.lookup(
        session, tracking_code="1001", national_code=A, now=NOW, **{**who, "hasher": CodeHasher("j" * 32)}
    )
    assert other_key.kind == "not_found"  # rows hashed under another key never match
    unknown = await apps.lookup(
        session, tracking_code="9999", national_code=A, now=NOW + timedelta(minutes=10), **who
    )
    assert unknown.kind == "limited" and unknown.wait_seconds == 3000  # the first miss was at NOW
    later = NOW + timedelta(minutes=30)
    assert (
        await apps.lookup(session, tracking_code="1001", national_code=A, now=later, **who)
    ).kind == "limited"
    free = NOW + timedelta(hours=1, seconds=1)
    assert (
        await apps.lookup(session, tracking_code="1001", national_code=A, now=free, **who)
    ).kind == "found"
    assert await apps.stale_key_rows(session, CodeHasher("j" * 32)) == 1


async def test_claimed_notices_are_not_taken_twice(session: AsyncSession) -> None:
    hasher = CodeHasher("k" * 32)
    await apps.import_rows(
        session,
        parse_csv(f"tracking,national code,status,date\n1001,{A},queued,1405/08/01\n".encode()).rows,
        hasher,
        NOW,
    )
    application = await session.scalar(select(Application))
    assert application is not None
    for user_id in (1, 2):
        await apps.subscribe(
            session,
            application_id=application.id,
            platform="telegram",
            user_id=user_id,
            chat_id=user_id,
            now=NOW,
        )
    await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=3, chat_id=3, now=NOW
    )
    changed = parse_csv(f"tracking,national code,status,date\n1001,{A},approved,1405/08/01\n".encode()).rows
    assert (await apps.import_rows(session, changed, hasher, NOW)).notifications == 3

    first = await apps.claim_notifications(session, platform="telegram", now=NOW)
    assert sorted(n.user_id for n in first) == [1, 2] and first[0].status == "approved"
    assert await apps.claim_notifications(session, platform="telegram", now=NOW) == []
    await apps.finish_notification(session, first[0].id, outcome="sent", now=NOW)
    await apps.finish_notification(session, first[1].id, outcome="retry", now=NOW)
    retried = await apps.claim_notifications(session, platform="telegram", now=NOW)
    assert [n.id for n in retried] == [first[1].id] and retried[0].attempts == 2
    # A claim that was never finished (a crashed worker) expires.
    later = NOW + timedelta(seconds=apps.CLAIM_SECONDS + 1)
    assert [n.id for n in await apps.claim_notifications(session, platform="telegram", now=later)] == [
        first[1].id
    ]
    assert [n.user_id for n in await apps.claim_notifications(session, platform="bale", now=NOW)] == [3]
    assert await apps.unsubscribe(session, application_id=application.id, platform="bale", user_id=3)
    assert len(list(await session.scalars(select(StatusSubscription)))) == 2


# --------------------------------------------------------------------------------------------
# The key


def _settings(token: str | None, key: str | None = None):  # type: ignore[no-untyped-def]
    return load_settings(
        telegram=TelegramSettings(bot_token=token),
        status=StatusSettings(national_code_hmac_key=SecretStr(key) if key else None),
    )


def test_a_real_bot_needs_a_key_and_the_sandbox_does_not() -> None:
    assert national_code_key(_settings(None)) == apps.SANDBOX_KEY
    assert national_code_key(_settings("1000000:SANDBOX-local-messenger")) == apps.SANDBOX_KEY
    with pytest.raises(SettingsError, match="NATIONAL_CODE_HMAC_KEY is missing"):
        national_code_key(_settings("123456:REAL-TOKEN"))
    assert national_code_key(_settings("123456:REAL-TOKEN", "s" * 40)) == "s" * 40


def test_a_short_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NATIONAL_CODE_HMAC_KEY", "short")
    with pytest.raises(SettingsError, match="NATIONAL_CODE_HMAC_KEY is invalid: use at least 32"):
        load_settings()


# --------------------------------------------------------------------------------------------
# Issue 13 (4): every status name the bot shows is accepted; issue 14 (7): a new owner


LABELS = status_labels(get_i18n())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # What the bot lists in its own prompt, in Persian...
        ("ثبت شده", "received"),
        ("در حال بررسی", "reviewing"),
        ("نیاز به تکمیل مدارک", "needs_documents"),
        ("در نوبت", "queued"),
        ("تأیید شده", "approved"),
        ("جهیزیه تحویل داده شده", "delivered"),
        ("پذیرفته نشده", "rejected"),
        # ... and in English.
        ("Registered", "received"),
        ("Under review", "reviewing"),
        ("Documents needed", "needs_documents"),
        ("In the queue", "queued"),
        ("Approved", "approved"),
        ("Dowry kit delivered", "delivered"),
        ("Not accepted", "rejected"),
        # Normalised like any text: Arabic letters, ZWNJ, spacing, case, punctuation.
        ("جهيزيه تحويل داده شده", "delivered"),
        ("  نیاز  به تکمیل‌مدارک ", "needs_documents"),
        ("پذيرفته نشده.", "rejected"),
        ("DOCUMENTS NEEDED", "needs_documents"),
        ("in-the-queue", "queued"),
        ("not accepted!", "rejected"),
        ("gone", None),
    ],
)
def test_the_status_names_the_bot_shows_are_accepted(raw: str, expected: str | None) -> None:
    assert parse_status(raw, LABELS) == expected


def test_status_labels_come_from_every_locale() -> None:
    i18n = get_i18n()
    for locale in i18n.locales:
        for status in apps.STATUSES:
            assert parse_status(i18n.text(locale, f"status-name-{status}"), LABELS) == status


async def test_a_new_national_code_drops_the_former_owners_followers_and_notices(
    session: AsyncSession,
) -> None:
    hasher = CodeHasher("k" * 32)

    def rows(national: str, status: str) -> list[apps.Row]:
        return parse_csv(
            f"tracking,national code,status,date\n1001,{national},{status},1405/08/01\n".encode()
        ).rows

    await apps.import_rows(session, rows(A, "queued"), hasher, NOW)
    application = await session.scalar(select(Application))
    assert application is not None
    await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=5, chat_id=5, now=NOW
    )
    # A change for the same owner: a pending notice.
    assert (await apps.import_rows(session, rows(A, "reviewing"), hasher, NOW)).notifications == 1
    # The row now carries someone else's national code: the follower and the pending notice go.
    result = await apps.import_rows(session, rows(B, "approved"), hasher, NOW)
    assert (result.updated, result.notifications) == (1, 0)
    assert list(await session.scalars(select(StatusSubscription))) == []
    assert list(await session.scalars(select(StatusNotification))) == []
    assert await apps.claim_notifications(session, platform="bale", now=NOW) == []
    # Hashed under another key, the owner cannot be told apart: followers go as well.
    await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=6, chat_id=6, now=NOW
    )
    await apps.import_rows(session, rows(B, "approved"), CodeHasher("j" * 32), NOW)
    assert list(await session.scalars(select(StatusSubscription))) == []
    # The same owner again: followers stay.
    await apps.subscribe(
        session, application_id=application.id, platform="bale", user_id=7, chat_id=7, now=NOW
    )
    await apps.import_rows(session, rows(B, "delivered"), CodeHasher("j" * 32), NOW)
    assert [s.user_id for s in await session.scalars(select(StatusSubscription))] == [7]
