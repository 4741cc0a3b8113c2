"""Dowry-kit application status: CSV import by staff, lookup by beneficiaries, change notices.

National codes are never stored or logged: :class:`CodeHasher` turns a normalised code into an
HMAC-SHA256 under the key from settings, and only that hash is kept and compared. A lookup needs
the tracking code AND the national code; lookups that match nothing are counted per person and
refused past a limit (against guessing other people's codes).

The CSV import (:func:`parse_csv` then :func:`import_rows`) is shared by the bot (an admin sends
the file) and the command line (``python -m bot import-statuses FILE``). A status change of an
application someone follows writes a :class:`~models.applications.StatusNotification` in the
same transaction (an outbox); the bot's notifier sends it (:func:`claim_notifications`).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

import jdatetime
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.applications import Application, StatusLookupFailure, StatusNotification, StatusSubscription
from services.persian import normalize_national_code, normalize_text, to_ascii_digits

#: Not a secret: used when NATIONAL_CODE_HMAC_KEY is unset in the sandbox and in tests only.
SANDBOX_KEY = "hamdel-sandbox-national-code-key-not-a-secret"

#: The statuses an application can have, in the order of the process.
STATUSES: tuple[str, ...] = (
    "received",
    "reviewing",
    "needs_documents",
    "queued",
    "approved",
    "delivered",
    "rejected",
)

# What staff may write in the CSV's status column (after normalize_text): the code or its name.
_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "received": ("received", "ثبت شده", "ثبت شد", "دریافت شد", "دریافت شده", "ثبت اولیه"),
    "reviewing": ("reviewing", "in review", "در حال بررسی", "در دست بررسی", "بررسی"),
    "needs_documents": ("needs documents", "نیاز به مدارک", "نقص مدارک", "مدارک ناقص", "تکمیل مدارک"),
    "queued": ("queued", "in queue", "در نوبت", "نوبت"),
    "approved": ("approved", "تایید شد", "تایید شده", "تایید", "پذیرفته شد", "پذیرفته شده"),
    "delivered": ("delivered", "تحویل شد", "تحویل داده شد", "تحویل شده", "دریافت جهیزیه"),
    "rejected": ("rejected", "رد شد", "رد شده", "رد", "عدم پذیرش"),
}


def _status_key(text: str) -> str:
    return normalize_text(text).replace("آ", "ا").replace(" ", "").replace("_", "")


_STATUS_LOOKUP = {_status_key(word): code for code, words in _STATUS_WORDS.items() for word in words} | {
    code.replace("_", ""): code for code in STATUSES
}

_TRACKING = re.compile(r"^[A-Z0-9]{4,32}$")
MAX_NOTE_CHARS = 500
DELIMITERS = (",", ";", "\t", "،")
MAX_ROWS = 50_000
#: Import nothing when more than this share of the rows is bad: probably a wrong file or columns.
MAX_BAD_SHARE = 0.5


# --------------------------------------------------------------------------------------------
# Codes


class CodeHasher:
    """HMAC-SHA256 of normalised national codes under one key."""

    def __init__(self, key: str | bytes) -> None:
        self._key = key.encode() if isinstance(key, str) else key
        # A short name of the key (not the key): tells rows hashed under another key apart.
        self.key_id = hmac.new(self._key, b"hamdel key id", hashlib.sha256).hexdigest()[:16]

    def national_code(self, normalized: str) -> str:
        return hmac.new(self._key, b"nc:" + normalized.encode(), hashlib.sha256).hexdigest()

    def tag(self, *parts: object, length: int = 12) -> str:
        """A short signature for callback data (e.g. who may follow which application)."""
        message = ":".join(str(p) for p in parts).encode()
        return hmac.new(self._key, b"tag:" + message, hashlib.sha256).hexdigest()[:length]

    def check_tag(self, tag: str, *parts: object) -> bool:
        return hmac.compare_digest(tag, self.tag(*parts, length=len(tag) or 12))


def normalize_tracking_code(text: str) -> str | None:
    """A tracking code as stored: ASCII letters upper-cased and digits, spaces and dashes dropped.
    None when it cannot be one (too short, too long, other characters)."""
    code = re.sub(r"[\s\-_/]", "", to_ascii_digits(text)).upper()
    return code if _TRACKING.match(code) else None


def status_labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The lookup :func:`parse_status` takes from (label, status code) pairs: the names the bot
    itself shows for each status in every language (built from the locales by the caller)."""
    return {_status_key(label): code for label, code in pairs if code in STATUSES and _status_key(label)}


def parse_status(text: str, labels: Mapping[str, str] | None = None) -> str | None:
    """A status code from the CSV: the code itself, a name the bot shows for it (`labels`, see
    :func:`status_labels`) or another usual Persian/English name; normalised text (letters,
    digits, spaces, «_») in every case."""
    key = _status_key(text)
    return (labels or {}).get(key) or _STATUS_LOOKUP.get(key)


_DATE = re.compile(r"^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})$")


def parse_date(text: str) -> date | None:
    """A date from the CSV: Jalali (۱۴۰۴/۰۷/۲۸, 1404-7-28) or ISO/Gregorian (2025-10-20), in any
    digit script; day-first forms with a four-digit year last (28/07/1404) too. A year below
    1700 is Jalali."""
    match = _DATE.match(re.sub(r"\s+", "", to_ascii_digits(text)))
    if not match:
        return None
    a, b, c = match.groups()
    if len(c) == 4 and len(a) <= 2:
        a, c = c, a
    if len(a) != 4:
        return None
    year, month, day = int(a), int(b), int(c)
    try:
        if year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# CSV


COLUMNS = ("tracking_code", "national_code", "status", "note", "date")
REQUIRED = ("tracking_code", "national_code", "status", "date")
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "tracking_code": (
        "tracking code",
        "tracking",
        "code",
        "کد پیگیری",
        "شماره پیگیری",
        "کد رهگیری",
        "پیگیری",
    ),
    "national_code": ("national code", "national id", "کد ملی", "شماره ملی"),
    "status": ("status", "وضعیت"),
    "note": ("note", "notes", "توضیح", "توضیحات", "یادداشت"),
    "date": ("date", "status date", "تاریخ", "تاریخ وضعیت"),
}
_HEADER_LOOKUP = {
    normalize_text(word).replace(" ", ""): column for column, words in _HEADER_WORDS.items() for word in words
}

RowProblem = Literal[
    "columns",  # too few cells
    "tracking_code",  # missing or malformed
    "national_code",  # missing, malformed or wrong check digit
    "status",  # unknown
    "date",  # missing or not a date
    "note",  # longer than MAX_NOTE_CHARS
    "duplicate",  # the tracking code is repeated in the file
]


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    tracking_code: str
    national_code: str  # normalised; hashed by import_rows, never stored
    status: str
    note: str | None
    status_date: date

    def __repr__(self) -> str:  # never print a national code, even in a traceback
        return f"Row(line={self.line}, tracking_code={self.tracking_code!r}, status={self.status!r})"


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    problem: RowProblem
    duplicate_of: int | None = None


FileProblem = Literal["empty", "not_text", "no_header", "too_many_rows"]


@dataclass
class ParsedCsv:
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    problem: FileProblem | None = None
    missing_columns: tuple[str, ...] = ()

    @property
    def importable(self) -> bool:
        """Whether the good rows should be imported: a readable file with a header, some good
        rows, and not mostly bad ones (that usually means a wrong file or swapped columns)."""
        total = len(self.rows) + len(self.bad)
        return (
            self.problem is None
            and bool(self.rows)
            and (not self.bad or len(self.bad) / total <= MAX_BAD_SHARE)
        )


def _decode(data: bytes) -> str | None:
    if b"\x00" in data[:4096]:
        return None  # a binary file (xlsx, pdf, image...)
    for encoding in ("utf-8-sig", "cp1256"):  # Excel on Persian Windows saves CSV in cp1256
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _header(cells: Sequence[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _HEADER_LOOKUP.get(normalize_text(cell).replace("آ", "ا").replace(" ", "").replace("_", ""))
        if column is None:
            column = _HEADER_LOOKUP.get(normalize_text(cell.replace("_", " ")).replace(" ", ""))
        if column and column not in found:
            found[column] = index
    return found or None


def parse_csv(data: bytes, labels: Mapping[str, str] | None = None) -> ParsedCsv:
    """Read an import file. Line numbers count from 1 and include the header line. `labels`:
    the status names the bot shows (:func:`status_labels`), accepted in the status column."""
    text = _decode(data)
    if text is None:
        return ParsedCsv(problem="not_text")
    if not text.strip():
        return ParsedCsv(problem="empty")
    # The delimiter is the one the header line uses most (Excel writes «;» in some locales).
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = max(DELIMITERS, key=first_line.count)
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    result = ParsedCsv()
    numbered = [(n, cells) for n, cells in enumerate(lines, 1) if any(c.strip() for c in cells)]
    if not numbered:
        return ParsedCsv(problem="empty")
    _, header_cells = numbered[0]
    columns = _header(header_cells) or {}
    missing = tuple(c for c in REQUIRED if c not in columns)
    if missing:
        return ParsedCsv(problem="no_header", missing_columns=missing)
    if len(numbered) - 1 > MAX_ROWS:
        return ParsedCsv(problem="too_many_rows")
    seen: dict[str, int] = {}
    # A file repeats a handful of statuses and dates: each spelling is parsed once.
    statuses: dict[str, str | None] = {}
    dates: dict[str, date | None] = {}
    for line, cells in numbered[1:]:

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if len(cells) <= max(columns[c] for c in REQUIRED):
            result.bad.append(BadRow(line, "columns"))
            continue
        tracking = normalize_tracking_code(cell("tracking_code"))
        if tracking is None:
            result.bad.append(BadRow(line, "tracking_code"))
            continue
        national = normalize_national_code(cell("national_code"))
        if national is None:
            result.bad.append(BadRow(line, "national_code"))
            continue
        raw_status = cell("status")
        if raw_status not in statuses:
            statuses[raw_status] = parse_status(raw_status, labels)
        status = statuses[raw_status]
        if status is None:
            result.bad.append(BadRow(line, "status"))
            continue
        raw_date = cell("date")
        if raw_date not in dates:
            dates[raw_date] = parse_date(raw_date)
        status_date = dates[raw_date]
        if status_date is None:
            result.bad.append(BadRow(line, "date"))
            continue
        note = " ".join(cell("note").split()) or None
        if note is not None and len(note) > MAX_NOTE_CHARS:
            result.bad.append(BadRow(line, "note"))
            continue
        if tracking in seen:
            result.bad.append(BadRow(line, "duplicate", duplicate_of=seen[tracking]))
            continue
        seen[tracking] = line
        result.rows.append(Row(line, tracking, national, status, note, status_date))
    return result


# --------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    status_changed: int = 0
    notifications: int = 0

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.status_changed + other.status_changed,
            self.notifications + other.notifications,
        )


async def import_rows(
    session: AsyncSession, rows: Sequence[Row], hasher: CodeHasher, now: datetime
) -> ImportResult:
    """Insert new applications and update existing ones (by tracking code). A changed status
    queues a notice for everyone following that application. A row whose national code changed
    (or was hashed under another key: the owner cannot be told apart) belongs to someone else
    now: its followers and their pending notices are dropped, never told the new owner's status."""
    created = updated = unchanged = changed = notices = 0
    existing: dict[str, Application] = {}
    codes = [row.tracking_code for row in rows]
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        for application in await session.scalars(
            select(Application).where(Application.tracking_code.in_(chunk))
        ):
            existing[application.tracking_code] = application
    changed_ids: list[int] = []
    new_owner_ids: list[int] = []
    new: list[dict[str, object]] = []  # inserted in one statement (ORM objects cost ~10x more)
    for row in rows:
        digest = hasher.national_code(row.national_code)
        current = existing.get(row.tracking_code)
        if current is None:
            new.append(
                {
                    "tracking_code": row.tracking_code,
                    "national_code_hash": digest,
                    "key_id": hasher.key_id,
                    "status": row.status,
                    "note": row.note,
                    "status_date": row.status_date,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            created += 1
            continue
        values = (digest, hasher.key_id, row.status, row.note, row.status_date)
        before = (
            current.national_code_hash,
            current.key_id,
            current.status,
            current.note,
            current.status_date,
        )
        if values == before:
            unchanged += 1
            continue
        if current.national_code_hash != digest or current.key_id != hasher.key_id:
            new_owner_ids.append(current.id)
        if current.status != row.status:
            changed += 1
            changed_ids.append(current.id)
        current.national_code_hash, current.key_id = digest, hasher.key_id
        current.status, current.note, current.status_date = row.status, row.note, row.status_date
        current.updated_at = now
        updated += 1
    await session.flush()
    if new:
        await session.execute(insert(Application), new)
    if new_owner_ids:
        await _drop_followers(session, new_owner_ids)
    if changed_ids:
        notices = await _queue_notifications(session, changed_ids, now)
    return ImportResult(created, updated, unchanged, changed, notices)


#: Rows written per transaction by :func:`import_in_batches`.
BATCH_ROWS = 500

Progress = Callable[[int, int], Awaitable[None]]


async def import_in_batches(
    sessionmaker: async_sessionmaker[AsyncSession],
    rows: Sequence[Row],
    hasher: CodeHasher,
    now: datetime,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
) -> ImportResult:
    """:func:`import_rows` in transactions of `batch_rows` rows, each committed, with the event
    loop free between them: a 50,000-row file never holds the database (SQLite has one writer)
    or the loop for long, so other people's updates go through meanwhile. `progress(done,
    total)` is awaited after each batch.

    Interrupted (a crash, a restart), the batches committed so far are kept — each with its
    notices — and importing the same file again is idempotent: rows already imported count as
    unchanged and queue nothing."""
    total = ImportResult()
    for start in range(0, len(rows), batch_rows):
        async with sessionmaker() as session:
            result = await import_rows(session, rows[start : start + batch_rows], hasher, now)
            await session.commit()
        total += result
        if progress is not None:
            await progress(min(start + batch_rows, len(rows)), len(rows))
        await asyncio.sleep(0)  # let the updates waiting for the loop and the database run
    return total


async def _drop_followers(session: AsyncSession, application_ids: list[int]) -> None:
    """Forget who followed these applications, with their notices not sent yet."""
    for start in range(0, len(application_ids), 500):
        chunk = application_ids[start : start + 500]
        followers = select(StatusSubscription.id).where(StatusSubscription.application_id.in_(chunk))
        await session.execute(
            delete(StatusNotification).where(StatusNotification.subscription_id.in_(followers))
        )
        await session.execute(delete(StatusSubscription).where(StatusSubscription.application_id.in_(chunk)))


async def _queue_notifications(session: AsyncSession, application_ids: list[int], now: datetime) -> int:
    queued = 0
    for start in range(0, len(application_ids), 500):
        chunk = application_ids[start : start + 500]
        subscriptions = list(
            await session.scalars(
                select(StatusSubscription).where(StatusSubscription.application_id.in_(chunk))
            )
        )
        if not subscriptions:
            continue
        # One notice per subscriber: a pending one (not sent yet) already says "it changed".
        pending = set(
            await session.scalars(
                select(StatusNotification.subscription_id).where(
                    StatusNotification.subscription_id.in_([s.id for s in subscriptions]),
                    StatusNotification.sent_at.is_(None),
                    StatusNotification.outcome.is_(None),
                )
            )
        )
        for subscription in subscriptions:
            if subscription.id in pending:
                continue
            session.add(
                StatusNotification(
                    subscription_id=subscription.id, platform=subscription.platform, created_at=now
                )
            )
            queued += 1
    await session.flush()
    return queued


async def stale_key_rows(session: AsyncSession, hasher: CodeHasher) -> int:
    """Applications hashed under another key: they can never match until re-imported."""
    count = await session.scalar(
        select(func.count()).select_from(Application).where(Application.key_id != hasher.key_id)
    )
    return int(count or 0)


# --------------------------------------------------------------------------------------------
# Lookup


@dataclass(frozen=True, slots=True)
class Lookup:
    kind: Literal["found", "not_found", "limited"]
    application: Application | None = None
    # not_found: attempts left before the limit; limited: seconds to wait.
    remaining: int = 0
    wait_seconds: int = 0


async def wait_before_lookup(
    session: AsyncSession, *, platform: str, user_id: int, now: datetime, max_failures: int, window: int
) -> int:
    """Seconds this person must wait before another lookup (0: go ahead)."""
    since = now - timedelta(seconds=window)
    times = list(
        await session.scalars(
            select(StatusLookupFailure.at)
            .where(
                StatusLookupFailure.platform == platform,
                StatusLookupFailure.user_id == user_id,
                StatusLookupFailure.at > since,
            )
            .order_by(StatusLookupFailure.at.desc())
            .limit(max_failures)
        )
    )
    if len(times) < max_failures:
        return 0
    # The oldest of the last `max_failures` failures leaves the window first.
    free_at = times[-1] + timedelta(seconds=window)
    return max(1, int((free_at - now).total_seconds() + 0.999))


async def lookup(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    tracking_code: str,
    national_code: str,
    hasher: CodeHasher,
    now: datetime,
    max_failures: int,
    window: int,
) -> Lookup:
    """Find an application by tracking code and (normalised) national code. A miss is counted;
    the same answer is given whichever of the two was wrong."""
    wait = await wait_before_lookup(
        session, platform=platform, user_id=user_id, now=now, max_failures=max_failures, window=window
    )
    if wait:
        return Lookup("limited", wait_seconds=wait)
    application = await session.scalar(
        select(Application).where(
            Application.tracking_code == tracking_code,
            Application.key_id == hasher.key_id,
        )
    )
    digest = hasher.national_code(national_code)
    if application is not None and hmac.compare_digest(application.national_code_hash, digest):
        return Lookup("found", application)
    session.add(StatusLookupFailure(platform=platform, user_id=user_id, at=now))
    await session.execute(
        delete(StatusLookupFailure).where(
            StatusLookupFailure.platform == platform,
            StatusLookupFailure.user_id == user_id,
            StatusLookupFailure.at <= now - timedelta(seconds=window),
        )
    )
    await session.flush()
    wait = await wait_before_lookup(
        session, platform=platform, user_id=user_id, now=now, max_failures=max_failures, window=window
    )
    if wait:
        return Lookup("limited", wait_seconds=wait)
    failures = await session.scalar(
        select(func.count())
        .select_from(StatusLookupFailure)
        .where(
            StatusLookupFailure.platform == platform,
            StatusLookupFailure.user_id == user_id,
            StatusLookupFailure.at > now - timedelta(seconds=window),
        )
    )
    return Lookup("not_found", remaining=max(0, max_failures - int(failures or 0)))


async def forget_old_failures(session: AsyncSession, *, now: datetime, window: int) -> int:
    """Failed lookups older than the window no longer count: delete them; returns how many."""
    result = await session.execute(
        delete(StatusLookupFailure).where(StatusLookupFailure.at <= now - timedelta(seconds=window))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Following an application


async def subscription(
    session: AsyncSession, *, application_id: int, platform: str, user_id: int
) -> StatusSubscription | None:
    return await session.scalar(
        select(StatusSubscription).where(
            StatusSubscription.application_id == application_id,
            StatusSubscription.platform == platform,
            StatusSubscription.user_id == user_id,
        )
    )


async def subscribe(
    session: AsyncSession, *, application_id: int, platform: str, user_id: int, chat_id: int, now: datetime
) -> bool:
    """Follow an application; False when already following (pressing twice is harmless)."""
    if await subscription(session, application_id=application_id, platform=platform, user_id=user_id):
        return False
    if await session.get(Application, application_id) is None:
        return False
    session.add(
        StatusSubscription(
            application_id=application_id, platform=platform, user_id=user_id, chat_id=chat_id, created_at=now
        )
    )
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, *, application_id: int, platform: str, user_id: int) -> bool:
    result = await session.execute(
        delete(StatusSubscription).where(
            StatusSubscription.application_id == application_id,
            StatusSubscription.platform == platform,
            StatusSubscription.user_id == user_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# The notifier's outbox


@dataclass(frozen=True, slots=True)
class PendingNotice:
    id: int
    chat_id: int
    user_id: int
    application_id: int
    attempts: int
    tracking_code: str
    status: str
    note: str | None
    status_date: date
    owner: str  # the application's national_code_hash (signs the notice's follow button)


MAX_ATTEMPTS = 5
CLAIM_SECONDS = 120


async def claim_notifications(
    session: AsyncSession, *, platform: str, now: datetime, limit: int = 50
) -> list[PendingNotice]:
    """Take up to `limit` unsent notices for this platform (another worker skips them until
    the claim expires). The caller sends them and marks each with :func:`finish_notification`."""
    token = secrets.token_hex(8)
    candidates = (
        select(StatusNotification.id)
        .where(
            StatusNotification.platform == platform,
            StatusNotification.sent_at.is_(None),
            StatusNotification.outcome.is_(None),
            StatusNotification.attempts < MAX_ATTEMPTS,
            (StatusNotification.claimed_until.is_(None)) | (StatusNotification.claimed_until < now),
        )
        .order_by(StatusNotification.id)
        .limit(limit)
    )
    ids = list(await session.scalars(candidates))
    if not ids:
        return []
    await session.execute(
        update(StatusNotification)
        .where(
            StatusNotification.id.in_(ids),
            (StatusNotification.claimed_until.is_(None)) | (StatusNotification.claimed_until < now),
        )
        .values(
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            claim_token=token,
            attempts=StatusNotification.attempts + 1,
        )
    )
    rows = await session.execute(
        select(StatusNotification.id, StatusNotification.attempts, StatusSubscription, Application)
        .join(StatusSubscription, StatusSubscription.id == StatusNotification.subscription_id)
        .join(Application, Application.id == StatusSubscription.application_id)
        .where(StatusNotification.claim_token == token)
        .order_by(StatusNotification.id)
    )
    return [
        PendingNotice(
            id=notice_id,
            chat_id=sub.chat_id,
            user_id=sub.user_id,
            application_id=app.id,
            attempts=attempts,
            tracking_code=app.tracking_code,
            status=app.status,
            note=app.note,
            status_date=app.status_date,
            owner=app.national_code_hash,
        )
        for notice_id, attempts, sub, app in rows.all()
    ]


async def finish_notification(
    session: AsyncSession,
    notice_id: int,
    *,
    outcome: Literal["sent", "blocked", "failed", "retry"],
    now: datetime,
) -> None:
    """Record what happened to a claimed notice; "retry" releases it for a later round."""
    if outcome == "retry":
        await session.execute(
            update(StatusNotification).where(StatusNotification.id == notice_id).values(claimed_until=None)
        )
        return
    await session.execute(
        update(StatusNotification)
        .where(StatusNotification.id == notice_id)
        .values(sent_at=now if outcome == "sent" else None, outcome=outcome)
    )
