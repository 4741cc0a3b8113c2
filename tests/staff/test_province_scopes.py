"""Province offices (services.scopes) without the messenger: a role limited to provinces, the
scope a person gets, the one path that changes it (audited), and every query that keeps to it —
the ticket desk's queue, counts, search, stamps and actions, the ticket's province, /stats'
figures and the exports."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from models import AuditEntry, Campaign, User
from models.tickets import Ticket, TicketCategory
from services import exports, roles, scopes, stats, ticket_desk, tickets
from services.exports import ExportRequest
from services.roles import Role, RoleChangeOutcome
from services.scopes import Scope
from services.staff_reports import StaffReports
from services.ticket_desk import Actor, Outcome, QueueFilter
from tests.staff.staff_seed import NOW, campaign, database, donation

PLATFORM = "telegram"
ADMIN = 70_001
TEHRAN_OFFICER = 70_002
FARS_OFFICER = 70_003
TEHRAN, FARS = "23", "07"


async def _person(session, user_id: int) -> User:
    user = User(platform=PLATFORM, user_id=user_id, chat_id=user_id, language="fa")
    session.add(user)
    await session.flush()
    return user


async def test_a_role_limited_to_provinces_and_the_one_path_that_changes_it(database_url) -> None:
    async with database(database_url) as sessions, sessions() as session:
        for user_id in (TEHRAN_OFFICER, FARS_OFFICER):
            await _person(session, user_id)

        async def change(user_id: int, role: Role, provinces: frozenset[str] | None) -> RoleChangeOutcome:
            result = await roles.change_role(
                session,
                platform=PLATFORM,
                actor_id=ADMIN,
                user_id=user_id,
                role=role,
                give=True,
                admin_ids=[ADMIN],
                provinces=provinces,
                channel="console",
            )
            return result.outcome

        async def scope(user_id: int, wanted: tuple[str, ...] | None = None) -> Scope:
            return await scopes.scope_of(
                session, platform=PLATFORM, user_id=user_id, admin_ids=[ADMIN], roles=wanted
            )

        assert await change(TEHRAN_OFFICER, Role.OPERATOR, frozenset({TEHRAN})) == RoleChangeOutcome.GRANTED
        assert (
            await change(TEHRAN_OFFICER, Role.ADMIN, frozenset({TEHRAN})) == RoleChangeOutcome.NATIONAL_ONLY
        )
        assert (
            await change(FARS_OFFICER, Role.OPERATOR, frozenset({"99"})) == RoleChangeOutcome.UNKNOWN_PROVINCE
        )
        assert await change(FARS_OFFICER, Role.OPERATOR, frozenset({FARS})) == RoleChangeOutcome.GRANTED
        assert await scope(TEHRAN_OFFICER) == Scope(frozenset({TEHRAN}))
        assert await scope(ADMIN) == scopes.ALL  # ADMIN_IDS: national
        assert await scope(12345) == scopes.ALL  # no role: national (a staff-chat member by membership)

        # A second, national role makes the person national; for the desk's roles only the
        # desk's roles count.
        assert await change(FARS_OFFICER, Role.CAMPAIGN_MANAGER, None) == RoleChangeOutcome.GRANTED
        assert (await scope(FARS_OFFICER)).national
        assert await scope(FARS_OFFICER, ticket_desk.DESK_ROLES) == Scope(frozenset({FARS}))

        moved = await roles.change_scope(
            session,
            platform=PLATFORM,
            actor_id=ADMIN,
            user_id=TEHRAN_OFFICER,
            role=Role.OPERATOR,
            provinces=frozenset({TEHRAN, "24"}),
        )
        assert moved.outcome == RoleChangeOutcome.SCOPED
        assert await scope(TEHRAN_OFFICER) == Scope(frozenset({TEHRAN, "24"}))
        for role, provinces, outcome in (
            (Role.OPERATOR, frozenset({TEHRAN, "24"}), RoleChangeOutcome.ALREADY),
            (Role.CAMPAIGN_MANAGER, None, RoleChangeOutcome.NOT_HELD),
            (Role.ADMIN, frozenset({TEHRAN}), RoleChangeOutcome.NATIONAL_ONLY),
            (Role.OPERATOR, frozenset({"x"}), RoleChangeOutcome.UNKNOWN_PROVINCE),
        ):
            again = await roles.change_scope(
                session,
                platform=PLATFORM,
                actor_id=ADMIN,
                user_id=TEHRAN_OFFICER,
                role=role,
                provinces=provinces,
            )
            assert again.outcome == outcome

        members = {
            m.user_id: m for m in await roles.staff_list(session, platform=PLATFORM, admin_ids=[ADMIN])
        }
        assert members[ADMIN].from_settings and members[ADMIN].held == ()
        assert [(h.role, h.provinces) for h in members[TEHRAN_OFFICER].held] == [
            (Role.OPERATOR, frozenset({TEHRAN, "24"}))
        ]
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(e.action, e.channel) for e in entries] == [
            ("role.grant", "console"),
            ("role.grant", "console"),
            ("role.grant", "console"),
            ("role.scope", "chat"),
        ]
        assert entries[0].after == {"roles": ["operator"], "provinces": [TEHRAN]}
        assert entries[-1].before == {"role": "operator", "provinces": [TEHRAN]}
        assert entries[-1].after == {"role": "operator", "provinces": [TEHRAN, "24"]}


def test_province_names_and_parsing() -> None:
    assert scopes.parse_provinces("تهران، فارس") == frozenset({TEHRAN, FARS})
    assert scopes.parse_provinces("23,07") == frozenset({TEHRAN, FARS})
    assert scopes.parse_provinces("تهران، ناکجاآباد") is None
    assert scopes.names([TEHRAN, FARS], "fa") == ["فارس", "تهران"]  # in the data's order
    assert Scope(frozenset({TEHRAN})).allows(TEHRAN)
    assert not Scope(frozenset({TEHRAN})).allows(None)  # nationwide: national staff's only
    assert scopes.ALL.allows(None)


async def _ticket(session, donor: User, text: str, donation_id: int | None = None) -> Ticket:
    ticket, _ = await tickets.create_ticket(
        session,
        platform=PLATFORM,
        user_db_id=donor.id,
        draft=tickets.Draft(
            key=f"k-{text}", category=TicketCategory.PAYMENT, description=text, donation_id=donation_id
        ),
        now=NOW,
        prefix="T",
        staff_chat_id=None,
        text_limit=2000,
        attachment_limit=5,
    )
    return ticket


async def test_the_desk_keeps_to_the_officers_provinces(database_url) -> None:
    """Queue, counts, search, stamps and every action: another province's ticket (and one with no
    province) is as if it were not there."""
    async with database(database_url) as sessions, sessions() as session:
        donor = await _person(session, 555)
        tehran_campaign = campaign(province_id=TEHRAN)
        session.add(tehran_campaign)
        await session.flush()
        to_tehran = donation(donor, 1_000_000, NOW, campaign_id=tehran_campaign.id)
        to_fars = donation(donor, 2_000_000, NOW, purpose="living", province_id=FARS)
        session.add_all([to_tehran, to_fars])
        await session.flush()
        mine = await _ticket(session, donor, "رسید تهران نیامد", to_tehran.id)
        other = await _ticket(session, donor, "رسید فارس نیامد", to_fars.id)
        nowhere = await _ticket(session, donor, "رسید بی‌استان نیامد")
        await session.commit()
        assert (mine.province_id, other.province_id, nowhere.province_id) == (TEHRAN, FARS, None)

        mine_id = mine.id
        officer = Scope(frozenset({TEHRAN}))
        wanted = QueueFilter(status="all", scope=officer)
        page = await ticket_desk.queue(session, wanted, actor_id=TEHRAN_OFFICER, now=NOW, sla_hours=24)
        assert [row.ticket.id for row in page.rows] == [mine.id]
        assert page.total == 1 and page.counts.open == 1 and page.counts.unassigned == 1
        for search in (other.number, "فارس", "رسید", to_fars.receipt_number or ""):
            found = await ticket_desk.queue(
                session, replace(wanted, search=search), actor_id=TEHRAN_OFFICER, now=NOW, sla_hours=24
            )
            assert all(row.ticket.id == mine.id for row in found.rows), search
            assert found.counts.open <= 1
        national = await ticket_desk.queue(
            session, QueueFilter(status="all"), actor_id=ADMIN, now=NOW, sla_hours=24
        )
        assert national.total == 3
        home = await ticket_desk.home_figures(
            session,
            actor_id=TEHRAN_OFFICER,
            now=NOW,
            sla_hours=24,
            day_start=NOW.replace(hour=0),
            scope=officer,
        )
        assert (home.open_tickets, home.donations_today, home.donated_today_rials) == (1, 1, 1_000_000)

        assert await ticket_desk.ticket_stamp(session, other.id, officer) is None
        assert await ticket_desk.ticket_stamp(session, mine.id, officer) is not None
        before = await ticket_desk.desk_stamp(session, officer)
        other_row = await session.get(Ticket, other.id)
        assert other_row is not None
        other_row.updated_at = NOW.replace(hour=10)
        await session.commit()
        assert await ticket_desk.desk_stamp(session, officer) == before  # another province's change

        actor = Actor(TEHRAN_OFFICER, "کارشناس تهران", PLATFORM, scope=officer)
        for target_id in (other.id, nowhere.id):
            results = [
                await ticket_desk.reply(
                    session,
                    ticket_id=target_id,
                    version=None,
                    actor=actor,
                    text="x",
                    key=target_id,
                    now=NOW,
                    limit=None,
                ),
                await ticket_desk.add_note(session, ticket_id=target_id, actor=actor, text="x", now=NOW),
                await ticket_desk.assign(
                    session,
                    ticket_id=target_id,
                    version=None,
                    actor=actor,
                    assignee_id=TEHRAN_OFFICER,
                    assignee_name="x",
                    allowed=[TEHRAN_OFFICER],
                    now=NOW,
                ),
                await ticket_desk.set_status(
                    session,
                    ticket_id=target_id,
                    version=None,
                    actor=actor,
                    status="closed",
                    now=NOW,
                    reason="other",
                ),
            ]
            assert [r.outcome for r in results] == [Outcome.NOT_FOUND] * 4
            await session.rollback()
        took = await ticket_desk.assign(
            session,
            ticket_id=mine_id,
            version=None,
            actor=actor,
            assignee_id=TEHRAN_OFFICER,
            assignee_name="x",
            allowed=[TEHRAN_OFFICER],
            now=NOW,
        )
        assert took.outcome == Outcome.DONE

        # The chat's /tickets overview keeps to the provinces too.
        view = await tickets.overview(
            session, now=NOW, sla_hours=24, actor_id=TEHRAN_OFFICER, provinces=officer.provinces
        )
        assert view.open_total == 1


async def test_stats_and_exports_keep_to_the_provinces(database_url) -> None:
    async with database(database_url) as sessions, sessions() as session:
        donor = await _person(session, 556)
        tehran_campaign: Campaign = campaign(province_id=TEHRAN)
        session.add(tehran_campaign)
        await session.flush()
        session.add_all(
            [
                donation(donor, 1_000_000, NOW, campaign_id=tehran_campaign.id),
                donation(donor, 2_000_000, NOW, purpose="living", province_id=FARS),
                donation(donor, 4_000_000, NOW, purpose="general"),
            ]
        )
        await session.flush()
        tehran = frozenset({TEHRAN})
        figures = await stats.donation_stats(session, NOW, provinces=tehran)
        assert (figures.all_time.rials, figures.all_time.count, figures.donors) == (1_000_000, 1, 1)
        assert [g.key for g in figures.by_province] == [TEHRAN]
        assert [g.key for g in figures.by_campaign] == [tehran_campaign.id]
        assert sum(d.rials for d in await stats.daily(session, NOW, 3, provinces=tehran)) == 1_000_000
        assert (await stats.donation_stats(session, NOW)).all_time.rials == 7_000_000

        rows = (await exports.donations_export(session, ExportRequest(provinces=tehran))).rows
        assert len(rows) == 1
        await _ticket(session, donor, "بی استان")
        assert (await tickets.tickets_export(session, ExportRequest(provinces=tehran))).rows == []
        assert len((await tickets.tickets_export(session, ExportRequest())).rows) == 1

        reports = StaffReports(
            exporters=(exports.DONATIONS_EXPORT, exports.AUDIT_EXPORT, tickets.TICKETS_EXPORT)
        )
        assert [e.name for e in reports.exporters_for(["admin"], national=False)] == ["donations", "tickets"]
        assert [e.name for e in reports.exporters_for(["admin"])] == ["donations", "audit", "tickets"]


async def test_the_migration_gives_kept_tickets_their_donations_province(tmp_path) -> None:
    """Tickets kept before province offices get the province of their linked donation (its own,
    else its campaign's); roles granted before stay national."""
    from sqlalchemy import insert

    from bot.migrate import upgrade_async
    from models import Donation, StaffRole
    from models.db import create_engine

    url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    await upgrade_async(url, "0140")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(User.__table__).values(id=1, platform=PLATFORM, user_id=9, chat_id=9, language="fa")
        )
        values = {
            c.key: getattr(campaign(province_id=TEHRAN), c.key)
            for c in Campaign.__table__.columns
            if c.key != "id"
        }
        await connection.execute(
            insert(Campaign.__table__).values(id=1, **{k: v for k, v in values.items() if v is not None})
        )
        for donation_id, extra in (
            (1, {"campaign_id": 1}),
            (2, {"purpose": "living", "province_id": FARS}),
            (3, {"purpose": "general"}),
        ):
            await connection.execute(
                insert(Donation.__table__).values(
                    id=donation_id,
                    user_id=1,
                    amount_rials=10_000,
                    provider="test",
                    currency="IRR",
                    status="paid",
                    payload=f"p{donation_id}",
                    **extra,
                )
            )
        for ticket_id, donation_id in ((1, 1), (2, 2), (3, 3), (4, None)):
            await connection.execute(
                insert(Ticket.__table__).values(
                    id=ticket_id,
                    number=f"T-1405-{ticket_id:06d}",
                    year=1405,
                    seq=ticket_id,
                    draft_key=f"k{ticket_id}",
                    platform=PLATFORM,
                    user_id=1,
                    category="payment",
                    status="new",
                    description="متن",
                    anonymous=False,
                    donation_id=donation_id,
                    reminders_sent=0,
                )
            )
        await connection.execute(
            insert(StaffRole.__table__).values(platform=PLATFORM, user_id=9, role="operator")
        )
    await engine.dispose()
    await upgrade_async(url)
    async with database(url) as sessions, sessions() as session:
        placed = dict(
            (await session.execute(select(Ticket.id, Ticket.province_id).order_by(Ticket.id))).all()
        )
        assert placed == {1: TEHRAN, 2: FARS, 3: None, 4: None}
        assert await scopes.scope_of(session, platform=PLATFORM, user_id=9, admin_ids=[]) == scopes.ALL
