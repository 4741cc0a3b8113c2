"""Running campaigns from the chat: validating what staff type, creating, editing, and moving a
campaign through its life (draft → active ⇄ paused → closed).

Every change is written to the audit log with the values before and after, and committed (each
use case owns its transaction, for the chat and the console alike). Nothing here talks to the
messenger; errors are `CampaignInputError`/`CampaignStateError` carrying a text key (and its
arguments) for the handler to show.

Closing is final: the donations feature refuses payments (at pre-checkout) for any campaign whose
status is not `active`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, time, timedelta
from typing import Any

import jdatetime
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.donation import Campaign, CampaignStatus, Donation, DonationStatus, Purpose, RegionScope
from services import audit, regions
from services.amounts import AmountProblem, parse_amount
from services.dates import DateHow, DateProblem, parse_date
from services.persian import (
    TEHRAN,
    jalali,
    normalize_letters,
    toman_to_rials,
)

TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 1500
# The largest goal accepted (toman): a hundred times the biggest campaign seen in the news.
GOAL_MAX_TOMAN = 100_000_000_000_000
YEAR_MIN, YEAR_MAX = 1390, 1500

# Which actions move a campaign from which statuses to which.
TRANSITIONS: dict[str, tuple[frozenset[CampaignStatus], CampaignStatus]] = {
    "activate": (frozenset({CampaignStatus.DRAFT, CampaignStatus.PAUSED}), CampaignStatus.ACTIVE),
    "pause": (frozenset({CampaignStatus.ACTIVE}), CampaignStatus.PAUSED),
    "close": (
        frozenset({CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED}),
        CampaignStatus.CLOSED,
    ),
}

EDITABLE_FIELDS = (
    "title_fa",
    "title_en",
    "description_fa",
    "description_en",
    "purpose",
    "region",
    "goal",
    "starts",
    "ends",
    "image",
)


class CampaignInputError(ValueError):
    """What a staff member typed is not acceptable; `key` names the text explaining why."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


class CampaignStateError(ValueError):
    """The campaign cannot do that now (closed, already active, ended...)."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


# --- parsing what staff type ----------------------------------------------------------------


def _clean(text: str | None) -> str:
    """For reading values (amounts, dates): letters normalised, marks dropped."""
    text = normalize_letters(text or "").replace("\r\n", "\n").strip()
    return re.sub(r"[ \t]+", " ", text)


# Arabic-keyboard twins of Persian letters (same shape in Persian text): the only letters changed.
_KEYBOARD_TWINS = str.maketrans({"ي": "ی", "ك": "ک"})


def _tidy(text: str | None) -> str:
    """A title or description as the staff member typed it — «تهیهٔ», «مسئول», «ۀ» and every mark
    kept — with spaces tidied. Matching against it uses `normalize_text`, never this."""
    text = unicodedata.normalize("NFC", text or "").translate(_KEYBOARD_TWINS)
    text = text.replace("\r\n", "\n").strip()
    return re.sub(r"[ \t]+", " ", text)


def parse_title(text: str | None) -> str:
    title = _tidy(text).replace("\n", " ")
    if len(title) < TITLE_MIN:
        raise CampaignInputError("campadm-error-title-short", limit=TITLE_MIN)
    if len(title) > TITLE_MAX:
        raise CampaignInputError("campadm-error-title-long", limit=TITLE_MAX)
    return title


def parse_description(text: str | None) -> str:
    description = _tidy(text)
    if len(description) < DESCRIPTION_MIN:
        raise CampaignInputError("campadm-error-description-short", limit=DESCRIPTION_MIN)
    if len(description) > DESCRIPTION_MAX:
        raise CampaignInputError("campadm-error-description-long", limit=DESCRIPTION_MAX)
    return description


def parse_goal(text: str | None) -> int:
    """A goal typed in toman («۵۰۰ میلیون», «2,000,000», «پانصد میلیون تومان»; any form
    :func:`services.amounts.parse_amount` reads) → rials. Zero, negative or unreadable amounts are
    refused with their own message."""
    parsed = parse_amount(_clean(text))
    if parsed.problem is AmountProblem.NEGATIVE:
        raise CampaignInputError("campadm-error-goal-zero")
    if parsed.toman is None:
        raise CampaignInputError("campadm-error-goal-invalid")
    if parsed.toman <= 0:
        raise CampaignInputError("campadm-error-goal-zero")
    if parsed.toman > GOAL_MAX_TOMAN:
        raise CampaignInputError("campadm-error-goal-large")
    return toman_to_rials(parsed.toman)


_DATE_ERRORS = {
    DateProblem.BAD_MONTH: "campadm-error-date-invalid",
    DateProblem.BAD_DAY: "campadm-error-date-invalid",
    DateProblem.YEAR_OUT_OF_RANGE: "campadm-error-date-year",
}


def parse_jalali_date(text: str | None) -> jdatetime.date:
    """A Jalali date as staff type it: «۱۴۰۵/۰۹/۱۰», «1405-9-10», «۱۰ آذر ۱۴۰۵» (any digits, any
    form :func:`services.dates.parse_date` reads). A Gregorian date is refused with a request for
    the Solar Hijri one: campaign dates are published, and staff should see the dates they set."""
    parsed = parse_date(_clean(text))
    if parsed.how is DateHow.GREGORIAN:
        raise CampaignInputError("campadm-error-date-year")
    if parsed.day is None:
        raise CampaignInputError(_DATE_ERRORS.get(parsed.problem, "campadm-error-date-format"))  # type: ignore[arg-type]
    if not YEAR_MIN <= parsed.day.year <= YEAR_MAX:
        raise CampaignInputError("campadm-error-date-year")
    return parsed.day


def jalali_text(day: jdatetime.date) -> str:
    """Canonical storage form in drafts: «1405/09/10»."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def day_start(day: jdatetime.date) -> datetime:
    """00:00 in Tehran on a Jalali day, as UTC."""
    return datetime.combine(day.togregorian(), time(0, 0), tzinfo=TEHRAN).astimezone(UTC)


def day_end(day: jdatetime.date) -> datetime:
    """The last second of a Jalali day in Tehran, as UTC (campaigns run through their end day)."""
    return day_start(day) + timedelta(days=1) - timedelta(seconds=1)


def tehran_today(now: datetime) -> jdatetime.date:
    return jalali(now).date()


def check_dates(start: jdatetime.date, end: jdatetime.date, today: jdatetime.date) -> None:
    if end < start:
        raise CampaignInputError("campadm-error-end-before-start")
    if end < today:
        raise CampaignInputError("campadm-error-end-past")


def parse_purpose(value: str) -> str:
    try:
        return Purpose(value).value
    except ValueError:
        raise CampaignInputError("campadm-error-purpose") from None


def check_region(province_id: str | None, county_id: str | None) -> tuple[str, str | None, str | None]:
    """(scope, province_id, county_id) for a region choice; unknown ids are refused."""
    if province_id is None:
        return RegionScope.NATIONAL.value, None, None
    if regions.default_regions().find_province(province_id) is None:
        raise CampaignInputError("campadm-error-region")
    if county_id is None:
        return RegionScope.PROVINCE.value, province_id, None
    if not regions.county_in_province(county_id, province_id):
        raise CampaignInputError("campadm-error-region")
    return RegionScope.COUNTY.value, province_id, county_id


def region_name(province_id: str | None, county_id: str | None, locale: str) -> str | None:
    """«استان فارس، شهرستان شیراز»-style name parts, or None for a national campaign."""
    data = regions.default_regions()
    province = data.find_province(province_id) if province_id else None
    if province is None:
        return None
    county = data.find_county(county_id) if county_id else None
    if county is None:
        return province.name(locale)
    separator = "، " if locale == "fa" else ", "
    return f"{province.name(locale)}{separator}{county.name(locale)}"


# --- drafts (kept in the conversation state, JSON-safe) --------------------------------------


@dataclass
class CampaignDraft:
    title_fa: str = ""
    title_en: str = ""
    description_fa: str = ""
    description_en: str = ""
    purpose: str = Purpose.GENERAL.value
    scope: str = RegionScope.NATIONAL.value
    province_id: str | None = None
    county_id: str | None = None
    goal_rials: int = 0
    starts: str = ""  # «1405/09/10»
    ends: str = ""
    image_file_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict[str, Any] | None) -> CampaignDraft:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    @property
    def start_date(self) -> jdatetime.date:
        return parse_jalali_date(self.starts)

    @property
    def end_date(self) -> jdatetime.date:
        return parse_jalali_date(self.ends)

    def missing(self) -> list[str]:
        needed = {
            "title_fa": self.title_fa,
            "title_en": self.title_en,
            "description_fa": self.description_fa,
            "description_en": self.description_en,
            "goal": self.goal_rials,
            "starts": self.starts,
            "ends": self.ends,
        }
        return [name for name, value in needed.items() if not value]


def snapshot(campaign: Campaign) -> dict[str, Any]:
    """The audited view of a campaign (JSON-safe)."""
    return {
        "title_fa": campaign.title_fa,
        "title_en": campaign.title_en,
        "description_fa": campaign.description_fa,
        "description_en": campaign.description_en,
        "purpose": campaign.purpose,
        "scope": campaign.scope,
        "province_id": campaign.province_id,
        "county_id": campaign.county_id,
        "goal_rials": campaign.goal_rials,
        "starts_at": campaign.starts_at.isoformat(),
        "ends_at": campaign.ends_at.isoformat(),
        "status": campaign.status,
        "image_file_id": campaign.image_file_id,
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def unsaved_campaign(draft: CampaignDraft) -> Campaign:
    """The campaign a complete draft becomes (not added to any session): what `create_campaign`
    saves, and what the preview shows as donors will see it."""
    scope, province_id, county_id = check_region(draft.province_id, draft.county_id)
    return Campaign(
        title_fa=draft.title_fa,
        title_en=draft.title_en,
        description_fa=draft.description_fa,
        description_en=draft.description_en,
        purpose=parse_purpose(draft.purpose),
        scope=scope,
        province_id=province_id,
        county_id=county_id,
        goal_rials=draft.goal_rials,
        starts_at=day_start(draft.start_date),
        ends_at=day_end(draft.end_date),
        status=CampaignStatus.DRAFT.value,
        image_file_id=draft.image_file_id,
    )


async def create_campaign(
    session: AsyncSession,
    draft: CampaignDraft,
    *,
    platform: str,
    actor_id: int,
    now: datetime,
    channel: str = "chat",
) -> Campaign:
    """Save a complete draft as a campaign in `draft` status (activated separately), audited and
    committed. `channel`: the front door it came through, for the audit log."""
    if draft.missing():
        raise CampaignInputError("campadm-error-incomplete")
    check_dates(draft.start_date, draft.end_date, tehran_today(now))
    campaign = unsaved_campaign(draft)
    campaign.created_by, campaign.created_at, campaign.updated_at = actor_id, now, now
    session.add(campaign)
    await session.flush()
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action="campaign.create",
        target=f"campaign:{campaign.id}",
        after=snapshot(campaign),
        channel=channel,
    )
    await session.commit()  # durable before anyone is told
    return campaign


async def get_campaign(session: AsyncSession, campaign_id: int) -> Campaign | None:
    return await session.get(Campaign, campaign_id)


def in_scope(campaign: Campaign, provinces: frozenset[str] | None) -> bool:
    """Whether a campaign is within a province scope (None: every campaign; otherwise only the
    campaigns scoped to one of those provinces, so not the national ones)."""
    return provinces is None or campaign.province_id in provinces


async def list_campaigns(
    session: AsyncSession, *, limit: int = 30, provinces: frozenset[str] | None = None
) -> list[Campaign]:
    """Open campaigns first (active, paused, draft), newest first, then recently closed ones;
    only `provinces`' campaigns when given (a province office; None: every campaign)."""
    order = {
        CampaignStatus.ACTIVE.value: 0,
        CampaignStatus.PAUSED.value: 1,
        CampaignStatus.DRAFT.value: 2,
        CampaignStatus.CLOSED.value: 3,
    }
    query = select(Campaign).order_by(Campaign.id.desc()).limit(limit * 4)
    if provinces is not None:
        query = query.where(Campaign.province_id.in_(sorted(provinces)))
    rows = list(await session.scalars(query))
    rows.sort(key=lambda c: (order.get(c.status, 9), -c.id))
    return rows[:limit]


async def raised(session: AsyncSession, campaign_id: int) -> tuple[int, int]:
    """(paid rials, number of paid donations) of one campaign."""
    row = (
        await session.execute(
            select(func.coalesce(func.sum(Donation.amount_rials), 0), func.count(Donation.id)).where(
                Donation.campaign_id == campaign_id, Donation.status == DonationStatus.PAID.value
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def update_field(
    session: AsyncSession,
    campaign: Campaign,
    name: str,
    value: Any,
    *,
    platform: str,
    actor_id: int,
    now: datetime,
    channel: str = "chat",
) -> bool:
    """Apply one validated edit; False when nothing changed. `value` is what the matching
    parser returned (`region` takes a (province_id, county_id) pair, `starts`/`ends` a Jalali
    date, `image` a file id or None)."""
    if campaign.status == CampaignStatus.CLOSED.value:
        raise CampaignStateError("campadm-error-closed")
    before = snapshot(campaign)
    today = tehran_today(now)
    if name in ("title_fa", "title_en", "description_fa", "description_en"):
        setattr(campaign, name, value)
    elif name == "purpose":
        campaign.purpose = parse_purpose(value)
    elif name == "region":
        campaign.scope, campaign.province_id, campaign.county_id = check_region(*value)
    elif name == "goal":
        campaign.goal_rials = int(value)
    elif name == "starts":
        check_dates(value, jalali(campaign.ends_at).date(), today)
        campaign.starts_at = day_start(value)
    elif name == "ends":
        check_dates(jalali(campaign.starts_at).date(), value, today)
        campaign.ends_at = day_end(value)
    elif name == "image":
        campaign.image_file_id = value
    else:
        raise CampaignInputError("campadm-error-field")
    old, new = _changed(before, snapshot(campaign))
    if not new:
        return False
    campaign.updated_at = now
    await session.flush()
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action="campaign.edit",
        target=f"campaign:{campaign.id}",
        before=old,
        after=new,
        channel=channel,
    )
    await session.commit()
    return True


async def change_status(
    session: AsyncSession,
    campaign_id: int,
    action: str,
    *,
    platform: str,
    actor_id: int,
    now: datetime,
    channel: str = "chat",
) -> Campaign:
    """Activate, pause or close. The row is locked (PostgreSQL) so two staff pressing at once
    cannot both act; pressing the same button twice raises `CampaignStateError` the second
    time and writes nothing."""
    if action not in TRANSITIONS:
        raise CampaignStateError("campadm-error-action")
    campaign = await session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if campaign is None:
        raise CampaignStateError("campadm-error-not-found")
    sources, target = TRANSITIONS[action]
    current = CampaignStatus(campaign.status)
    if current == target:
        raise CampaignStateError(f"campadm-error-already-{target.value}")
    if current not in sources:
        raise CampaignStateError(
            "campadm-error-closed" if current == CampaignStatus.CLOSED else "campadm-error-action"
        )
    if target == CampaignStatus.ACTIVE and campaign.ends_at <= now:
        raise CampaignStateError("campadm-error-activate-ended")
    campaign.status = target.value
    campaign.updated_at = now
    await session.flush()
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action=f"campaign.{action}",
        target=f"campaign:{campaign.id}",
        before={"status": current.value},
        after={"status": target.value},
        channel=channel,
    )
    await session.commit()  # and the row's lock released
    return campaign


def draft_of(campaign: Campaign) -> CampaignDraft:
    """A campaign's fields in draft form (for previews shared with the creation flow)."""
    return CampaignDraft(
        title_fa=campaign.title_fa,
        title_en=campaign.title_en,
        description_fa=campaign.description_fa,
        description_en=campaign.description_en,
        purpose=campaign.purpose,
        scope=campaign.scope,
        province_id=campaign.province_id,
        county_id=campaign.county_id,
        goal_rials=campaign.goal_rials,
        starts=jalali_text(jalali(campaign.starts_at).date()),
        ends=jalali_text(jalali(campaign.ends_at).date()),
        image_file_id=campaign.image_file_id,
    )
