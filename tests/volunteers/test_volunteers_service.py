"""services.volunteers on its own: drafts, validation, saving, withdrawing, search, the broadcast
segment and export rows (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import User, Volunteer, VolunteerArea
from services import regions
from services import volunteers as service
from services.volunteers import Draft, InvalidVolunteer, VolunteerFilter
from tests.dbkit import sessions_on

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TEHRAN, SHEMIRANAT, RAY = "23", "2304", "2303"
ISFAHAN = "10"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes (models.base.UtcDateTime does not apply there)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def complete_draft(**changes: object) -> Draft:
    draft = Draft(
        areas=["health", "cultural"],
        profession="physician",
        skills="کمک‌های اولیه",
        skills_done=True,
        province_id=TEHRAN,
        county_id=SHEMIRANAT,
        availability=["evenings", "emergencies"],
        mobile="09121234567",
        mobile_shared=True,
        consent=True,
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


async def add_user(
    session: AsyncSession, user_id: int, platform: str = "telegram", blocked: bool = False
) -> int:
    user = User(platform=platform, user_id=user_id, chat_id=user_id, language="fa", is_blocked=blocked)
    session.add(user)
    await session.flush()
    return user.id


# ---------------------------------------------------------------------------------------------
# Pure logic


def test_county_ids_used_here_belong_to_their_provinces() -> None:
    assert regions.get_province(TEHRAN).name_fa == "تهران"
    assert regions.get_county(SHEMIRANAT).name_fa == "شمیرانات"
    assert regions.county_in_province(RAY, TEHRAN)
    assert not regions.county_in_province(SHEMIRANAT, ISFAHAN)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("پزشک", ("physician", None)),
        ("دكتر", ("physician", None)),  # Arabic kaf
        ("روان‌شناس", ("psychologist", None)),
        ("روانشناس", ("psychologist", None)),
        ("روان شناس", ("psychologist", None)),
        ("روانشناس بالینی", ("psychologist", "روانشناس بالینی")),
        ("مددکار اجتماعی", ("social_worker", None)),
        ("Nurse", ("nurse", None)),
        ("کارشناس تغذیه", ("other", "کارشناس تغذیه")),
        ("آشپز", ("other", "آشپز")),
    ],
)
def test_typed_professions_are_matched_to_the_list(typed: str, expected: tuple[str, str | None]) -> None:
    assert service.match_profession(typed) == expected


@pytest.mark.parametrize(
    ("typed", "mobile"),
    [
        ("09121234567", "09121234567"),
        ("۰۹۱۲۱۲۳۴۵۶۷", "09121234567"),
        ("٠٩١٢١٢٣٤٥٦٧", "09121234567"),
        ("+98 912 123 4567", "09121234567"),
        ("989121234567", "09121234567"),
        ("00989121234567", "09121234567"),
        ("0912-123-4567", "09121234567"),
        ("0912123456", None),
        ("02112345678", None),
        ("+14155550100", None),
        ("شماره ندارم", None),
        ("", None),
    ],
)
def test_mobiles(typed: str, mobile: str | None) -> None:
    assert service.parse_mobile(typed) == mobile


def test_clean_text_limits_and_strips_control_characters() -> None:
    assert service.clean_text("  کمک\x00های   اولیه \n", 300) == "کمکهای اولیه"
    assert service.clean_text("   ", 300) is None
    assert service.clean_text("x" * 301, 300) is None
    assert service.clean_text("x" * 300, 300) == "x" * 300


def test_draft_survives_garbage_in_the_state() -> None:
    assert Draft.from_dict(None) == Draft()
    assert Draft.from_dict("nonsense") == Draft()
    draft = Draft.from_dict(
        {
            "areas": ["health", "hacking", 3],
            "profession": "astronaut",
            "availability": "weekdays",
            "mobile": 9,
        }
    )
    assert draft.areas == ["health"]
    assert draft.profession is None
    assert draft.availability == []
    assert draft.mobile is None
    full = complete_draft()
    assert Draft.from_dict(full.to_dict()) == full


def test_toggles_keep_the_canonical_order_and_reject_unknown_keys() -> None:
    draft = Draft()
    draft.toggle_area("cultural")
    draft.toggle_area("health")
    assert draft.areas == ["health", "cultural"]
    draft.toggle_area("cultural")
    assert draft.areas == ["health"]
    with pytest.raises(InvalidVolunteer):
        draft.toggle_area("politics")
    draft.toggle_availability("emergencies")
    draft.toggle_availability("weekdays")
    assert draft.availability == ["weekdays", "emergencies"]
    with pytest.raises(InvalidVolunteer):
        draft.toggle_availability("never")


def test_a_county_outside_the_province_is_refused() -> None:
    draft = Draft()
    with pytest.raises(InvalidVolunteer) as error:
        draft.set_county(SHEMIRANAT)  # no province yet
    assert error.value.field == "county"
    draft.set_province(ISFAHAN)
    with pytest.raises(InvalidVolunteer):
        draft.set_county(SHEMIRANAT)
    with pytest.raises(InvalidVolunteer):
        draft.set_province("99")
    draft.set_province(TEHRAN)
    draft.set_county(SHEMIRANAT)
    draft.set_province(TEHRAN)  # same province: the county stays
    assert draft.county_id == SHEMIRANAT
    draft.set_province(ISFAHAN)  # another province: the county must be chosen again
    assert draft.county_id is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"areas": []}, "areas"),
        ({"profession": None}, "profession"),
        ({"profession": "other", "profession_text": None}, "profession"),
        ({"skills_done": False}, "skills"),
        ({"skills": "x" * 301}, "skills"),
        ({"province_id": "99"}, "province"),
        ({"county_id": None}, "county"),
        ({"county_id": "1001"}, "county"),
        ({"availability": []}, "availability"),
        ({"mobile": "0912"}, "mobile"),
        ({"mobile": "+989121234567"}, "mobile"),  # stored only in canonical form
        ({"consent": False}, "consent"),
    ],
)
def test_validate_names_the_step_to_redo(changes: dict[str, object], field: str) -> None:
    draft = complete_draft(**changes)
    with pytest.raises(InvalidVolunteer) as error:
        service.validate(draft)
    assert error.value.field == field
    assert draft.missing() == field


def test_the_steps_come_in_flow_order() -> None:
    draft = Draft()
    seen = []
    for step in ("areas", "profession", "skills", "province", "county", "availability", "mobile", "consent"):
        assert draft.missing() == step
        seen.append(step)
        full = complete_draft()
        if step == "areas":
            draft.areas = full.areas
        elif step == "profession":
            draft.profession = full.profession
        elif step == "skills":
            draft.skills, draft.skills_done = full.skills, True
        elif step == "province":
            draft.province_id = full.province_id
        elif step == "county":
            draft.county_id = full.county_id
        elif step == "availability":
            draft.availability = full.availability
        elif step == "mobile":
            draft.mobile = full.mobile
        else:
            draft.consent = True
    assert draft.missing() is None


def test_provinces_are_in_persian_alphabetical_order() -> None:
    names = [p.name_fa for p in service.sorted_provinces("fa")]
    assert len(names) == 31
    assert names[:3] == ["آذربایجان شرقی", "آذربایجان غربی", "اردبیل"]
    # پ after ب, چ after ج, ک and گ in their Persian places, ی last.
    assert names.index("بوشهر") < names.index("تهران") < names.index("چهارمحال و بختیاری")
    assert names.index("کرمان") < names.index("گیلان") < names.index("لرستان")
    assert names[-1] == "یزد"
    english = [p.name_en for p in service.sorted_provinces("en")]
    assert english == sorted(english, key=str.casefold)
    tehran = [c.name_fa for c in service.sorted_counties(TEHRAN)]
    assert tehran.index("پاکدشت") > tehran.index("بهارستان")


def test_filters_are_validated() -> None:
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(areas=frozenset({"x"}))
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(profession="astronaut")
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(province_id="77")
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(county_id=SHEMIRANAT)  # a county needs its province
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(province_id=ISFAHAN, county_id=SHEMIRANAT)
    with pytest.raises(InvalidVolunteer):
        VolunteerFilter(availability=frozenset({"sometimes"}))
    assert VolunteerFilter(province_id=TEHRAN, county_id=SHEMIRANAT).county_id == SHEMIRANAT


# ---------------------------------------------------------------------------------------------
# With a database


async def test_save_is_idempotent_and_edits_replace_the_areas(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        user_id = await add_user(session, 1)
        volunteer, created = await service.save_volunteer(session, user_id, complete_draft(), NOW)
        assert created
        again, created = await service.save_volunteer(session, user_id, complete_draft(), NOW)
        assert not created and again.id == volunteer.id
        later = NOW + timedelta(days=3)
        edited = complete_draft(areas=["construction"], availability=["weekends"], mobile="09351112233")
        await service.save_volunteer(session, user_id, edited, later)
        await session.commit()
    async with sessions() as session:
        assert await session.scalar(select(func.count(Volunteer.id))) == 1
        stored = await service.get_volunteer(session, user_id)
        assert stored is not None
        assert stored.area_keys == ["construction"]
        assert (stored.available_weekends, stored.available_evenings) == (True, False)
        assert stored.mobile == "09351112233"
        assert (aware(stored.created_at), aware(stored.updated_at), aware(stored.consented_at)) == (
            NOW,
            later,
            NOW,
        )
        assert stored.consent_version == service.CONSENT_VERSION
        assert await session.scalar(select(func.count()).select_from(VolunteerArea)) == 1
        assert service.draft_from(stored) == edited


async def test_an_invalid_draft_is_never_stored(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        user_id = await add_user(session, 1)
        with pytest.raises(InvalidVolunteer):
            await service.save_volunteer(session, user_id, complete_draft(county_id="1001"), NOW)
        assert await service.get_volunteer(session, user_id) is None


async def test_withdraw_deletes_the_row_and_its_areas(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        first = await add_user(session, 1)
        second = await add_user(session, 2)
        await service.save_volunteer(session, first, complete_draft(), NOW)
        await service.save_volunteer(session, second, complete_draft(areas=["health"]), NOW)
        await session.commit()
    async with sessions() as session:
        assert await service.withdraw(session, first)
        assert not await service.withdraw(session, first)
        await session.commit()
    async with sessions() as session:
        assert await service.get_volunteer(session, first) is None
        assert await service.get_volunteer(session, second) is not None
        assert await session.scalar(select(func.count()).select_from(VolunteerArea)) == 1


async def seed(session: AsyncSession) -> dict[str, int]:
    """Seven volunteers on two platforms; returns users.id by a short name."""
    people = {
        "doctor_tehran": ("telegram", False, complete_draft()),
        "doctor_ray": ("telegram", False, complete_draft(county_id=RAY, areas=["health"])),
        "teacher_tehran": (
            "telegram",
            False,
            complete_draft(
                profession="teacher", areas=["cultural", "extracurricular"], availability=["weekdays"]
            ),
        ),
        "engineer_isfahan": (
            "telegram",
            False,
            complete_draft(
                profession="engineer", areas=["construction"], province_id=ISFAHAN, county_id="1001"
            ),
        ),
        "blocked_doctor": ("telegram", True, complete_draft()),
        "bale_doctor": ("bale", False, complete_draft()),
        "nutritionist": (
            "telegram",
            False,
            complete_draft(
                profession="other", profession_text="=HYPERLINK(1)", skills="-drop", areas=["health"]
            ),
        ),
    }
    ids = {}
    for number, (name, (platform, blocked, draft)) in enumerate(people.items(), start=1):
        ids[name] = await add_user(session, 5000 + number, platform, blocked)
        await service.save_volunteer(session, ids[name], draft, NOW + timedelta(minutes=number))
    await session.commit()
    return ids


async def test_search_by_area_profession_and_region(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        ids = await seed(session)
        everyone = await service.search_volunteers(session, VolunteerFilter())
        assert everyone.total == 7
        # Newest first.
        assert [v.user_id for v in everyone.volunteers][:2] == [ids["nutritionist"], ids["bale_doctor"]]

        async def users(filters: VolunteerFilter) -> set[int]:
            page = await service.search_volunteers(session, filters, per_page=50)
            assert page.total == len(page.volunteers)
            return {v.user_id for v in page.volunteers}

        health = await users(VolunteerFilter(areas=frozenset({"health"})))
        assert health == {
            ids[n] for n in ("doctor_tehran", "doctor_ray", "blocked_doctor", "bale_doctor", "nutritionist")
        }
        assert await users(VolunteerFilter(areas=frozenset({"construction", "extracurricular"}))) == {
            ids["engineer_isfahan"],
            ids["teacher_tehran"],
        }
        assert await users(VolunteerFilter(profession="teacher")) == {ids["teacher_tehran"]}
        assert await users(VolunteerFilter(province_id=ISFAHAN)) == {ids["engineer_isfahan"]}
        assert await users(VolunteerFilter(province_id=TEHRAN, county_id=RAY)) == {ids["doctor_ray"]}
        assert (
            await users(VolunteerFilter(areas=frozenset({"health"}), availability=frozenset({"weekdays"})))
            == set()
        )
        assert await service.count_volunteers(session, VolunteerFilter(), platform="bale") == 1


async def test_search_pages_are_clamped(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await seed(session)
        first = await service.search_volunteers(session, VolunteerFilter(), page=0, per_page=3)
        assert (first.page, first.pages, len(first.volunteers)) == (0, 3, 3)
        last = await service.search_volunteers(session, VolunteerFilter(), page=2, per_page=3)
        assert len(last.volunteers) == 1
        beyond = await service.search_volunteers(session, VolunteerFilter(), page=99, per_page=3)
        assert beyond.page == 2 and len(beyond.volunteers) == 1
        negative = await service.search_volunteers(session, VolunteerFilter(), page=-5, per_page=3)
        assert negative.page == 0
        seen = {
            v.id
            for p in (0, 1, 2)
            for v in (
                await service.search_volunteers(session, VolunteerFilter(), page=p, per_page=3)
            ).volunteers
        }
        assert len(seen) == 7
        nobody = await service.search_volunteers(session, VolunteerFilter(profession="lawyer"))
        assert (nobody.total, nobody.page, nobody.pages, nobody.volunteers) == (0, 0, 1, [])


async def test_segment_streams_user_ids_in_batches(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        ids = await seed(session)
        batches = [
            batch
            async for batch in service.segment_user_ids(
                session,
                platform="telegram",
                filters=VolunteerFilter(areas=frozenset({"health"})),
                batch_size=2,
            )
        ]
        assert [len(b) for b in batches] == [2, 1]
        assert [u for b in batches for u in b] == [
            ids["doctor_tehran"],
            ids["doctor_ray"],
            ids["nutritionist"],
        ]
        with_blocked = [
            u
            async for b in service.segment_user_ids(
                session,
                platform="telegram",
                filters=VolunteerFilter(areas=frozenset({"health"})),
                include_blocked=True,
            )
            for u in b
        ]
        assert ids["blocked_doctor"] in with_blocked and ids["bale_doctor"] not in with_blocked
        bale = [b async for b in service.segment_user_ids(session, platform="bale")]
        assert bale == [[ids["bale_doctor"]]]
        region = [
            u
            async for b in service.segment_user_ids(
                session, platform="telegram", filters=VolunteerFilter(province_id=TEHRAN, county_id=RAY)
            )
            for u in b
        ]
        assert region == [ids["doctor_ray"]]
        exact = [b async for b in service.segment_user_ids(session, platform="telegram", batch_size=5)]
        assert [len(b) for b in exact] == [5]  # a full last batch, then nothing more
        with pytest.raises(ValueError):
            [b async for b in service.segment_user_ids(session, platform="telegram", batch_size=0)]


async def test_segment_survives_withdrawals_between_batches(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        ids = await seed(session)
        seen: list[int] = []
        async for batch in service.segment_user_ids(session, platform="telegram", batch_size=2):
            seen.extend(batch)
            if len(seen) == 2:
                # Someone later in the order withdraws, someone already sent to signs up again.
                await service.withdraw(session, ids["teacher_tehran"])
        assert ids["teacher_tehran"] not in seen
        assert len(seen) == len(set(seen)) == 4  # 6 on telegram, minus blocked, minus withdrawn


async def test_export_rows_for_csv(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await seed(session)
        rows = [row async for row in service.export_rows(session, batch_size=3)]
    assert len(rows) == 7
    assert all(len(row) == len(service.EXPORT_COLUMNS) for row in rows)
    by_column = [dict(zip(service.EXPORT_COLUMNS, row, strict=True)) for row in rows]
    first = by_column[0]
    assert first["areas"] == "health;cultural"
    assert (first["province"], first["county"]) == ("تهران", "شمیرانات")
    assert (first["evenings"], first["weekdays"], first["mobile"], first["mobile_shared"]) == (
        "1",
        "0",
        "09121234567",
        "1",
    )
    assert first["created_at"] == "2026-11-30T08:01:00+00:00"
    nutritionist = by_column[-1]
    assert nutritionist["profession_text"] == "'=HYPERLINK(1)"
    assert nutritionist["skills"] == "'-drop"
    assert {row["platform"] for row in by_column} == {"telegram", "bale"}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(service.EXPORT_COLUMNS)
    writer.writerows(rows)
    assert len(buffer.getvalue().splitlines()) == 8
    async with sessions() as session:
        english = [
            r async for r in service.export_rows(session, VolunteerFilter(province_id=ISFAHAN), locale="en")
        ]
    assert len(english) == 1 and english[0][7] == "Isfahan"
