"""Every staff command and every staff button is refused for a non-staff person: a short reply,
an audit row with allowed=False, and nothing else happens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import handlers
from handlers.admin import AdminMenu, AuditFilter, AuditPage, RoleAction
from handlers.campaign_admin import CampaignAdmin, CampaignPick
from handlers.exports import ExportStep
from handlers.stats import StatsChart
from models import AuditEntry, Campaign, StaffRole
from tests.conftest import FLAVORS, Harness

DENIED = "این کار فقط برای کارکنان مجاز است."

# Every command registered for admins, and the ones that take arguments.
COMMANDS = [f"/{command}" for command, _ in handlers.admin_commands()] + [
    "/grant 1001 admin",
    "/revoke 900001 admin",
]

# One button per handler (buttons that share a handler with one listed here are left out).
CALLBACKS = [
    *(
        AdminMenu(section=s).pack()
        for s in ("home", "campaigns", "stats", "export", "audit", "roles", "health")
    ),
    RoleAction(action="add").pack(),
    RoleAction(action="pick", user_id=1001, role="admin").pack(),
    RoleAction(action="rm", user_id=900001, role="admin").pack(),
    RoleAction(action="rmok", user_id=900001, role="admin").pack(),
    AuditPage(actor=0, page=1).pack(),
    AuditFilter().pack(),
    CampaignAdmin(action="new").pack(),
    CampaignAdmin(action="view", id=1).pack(),
    CampaignAdmin(action="activate", id=1).pack(),
    CampaignAdmin(action="close", id=1).pack(),
    CampaignAdmin(action="edit", id=1).pack(),
    CampaignAdmin(action="field", id=1, field="goal").pack(),
    CampaignAdmin(action="save").pack(),
    CampaignPick(kind="purpose", value="dowry").pack(),
    StatsChart(kind="daily").pack(),
    ExportStep(step="ds", value="donations").pack(),
    ExportStep(step="fmt", value="csv").pack(),
]


def test_every_admin_command_is_covered() -> None:
    assert {
        "/admin",
        "/roles",
        "/audit",
        "/health",
        "/stats",
        "/export",
        "/campaigns_admin",
        "/new_campaign",
    } <= set(COMMANDS)


# Each action runs once, the flavors alternating (every action refused, both flavors exercised,
# half the bot start-ups).
CASES = [(FLAVORS[index % 2], action) for index, action in enumerate(COMMANDS + CALLBACKS)]


@pytest.mark.parametrize(("flavor", "action"), CASES)
async def test_refused_for_non_staff(hamdel: Harness, action: str) -> None:
    person = hamdel.user(first_name="ناشناس")
    async with hamdel.db() as session:
        session.add(
            Campaign(
                title_fa="ایران همدل",
                title_en="Iran Hamdel",
                description_fa="—",
                description_en="—",
                goal_rials=10_000_000,
                starts_at=hamdel.clock.now(),
                ends_at=hamdel.clock.now() + timedelta(days=30),
                status="active",
            )
        )
    if action.startswith("/"):
        await person.send(action)
        reply = await person.next_message()
        assert reply["text"] == DENIED
    else:
        await person.send("/start")
        await person.next_message()
        answer = await person.press_data(action, message=person.last)
        assert answer.get("text") == DENIED
    await hamdel.settle()
    async with hamdel.db() as session:
        entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.actor_id == person.id)))
        assert [e.allowed for e in entries] == [False]
        assert entries[0].action.startswith("message:/" if action.startswith("/") else "callback:")
        # nothing changed: no role granted or removed, the campaign untouched
        assert await session.scalar(select(func.count(StaffRole.id))) == 0
        assert await session.scalar(select(Campaign.status)) == "active"
    assert all(
        m["text"] == DENIED for m in person.messages[1 if not action.startswith("/") else 0 :] if "text" in m
    )


async def test_a_campaign_manager_is_refused_admin_only_tools(hamdel: Harness) -> None:
    from services.roles import Role

    manager = hamdel.user(first_name="مدیر پویش")
    await hamdel.grant(manager, Role.CAMPAIGN_MANAGER)
    await manager.send("/admin")
    menu = await manager.next_message()
    assert manager.buttons(menu) == ["📣 پویش‌ها", "📢 پیام همگانی", "📊 آمار", "📁 خروجی", "🖥 کنسول وب"]
    for command in ("/audit", "/roles", "/health", "/grant 5 admin"):
        await manager.send(command)
        assert (await manager.next_message())["text"] == DENIED
    answer = await manager.press_data(
        RoleAction(action="pick", user_id=manager.id, role="admin").pack(), message=menu
    )
    assert answer.get("text") == DENIED
    await hamdel.settle()  # the refusal's audit entry is committed after the answer
    async with hamdel.db() as session:
        refused = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == manager.id, AuditEntry.allowed.is_(False))
            )
        )
        assert len(refused) == 5
        roles = list(await session.scalars(select(StaffRole.role).where(StaffRole.user_id == manager.id)))
    assert roles == ["campaign_manager"]
