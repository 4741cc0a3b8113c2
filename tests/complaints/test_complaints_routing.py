"""Category → staff chat routing, webhook mode, and the TicketSettings section."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, TicketSettings, load_settings
from models.tickets import TicketCategory
from tests.complaints.complaints_helpers import card_of, fa, file_ticket

ROUTED_CHAT = -1_001_000_000_077
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def overrides() -> dict[str, object]:
    return {"tickets": TicketSettings(routes={"technical": ROUTED_CHAT}, number_prefix="hd")}


async def test_routed_category_goes_to_its_own_chat(hamdel) -> None:
    messenger, operator = hamdel.messenger, hamdel.operator
    technical = messenger.group(chat_id=ROUTED_CHAT, title="کارگروه فنی", members={operator.id: "member"})
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, category="مشکل فنی", posted=False)
    assert ticket.number == "HD-1405-000001" and ticket.staff_chat_id == ROUTED_CHAT
    await technical.wait_until(lambda g: any("🎫" in (m.get("text") or "") for m in g.messages))
    assert not [m for m in hamdel.staff_chat.messages if fa(ticket.number) in (m.get("text") or "")]
    card = technical.messages[0]
    # Members of the routed chat act there; the main staff chat's admin is an admin anywhere.
    await technical.send(operator, "مشکل برطرف شد؛ دوباره امتحان کنید.", reply_to=card)
    await donor.wait_until(lambda u: "دوباره امتحان کنید" in u.last_text)
    outsider = hamdel.user()
    denied = await technical.press_data(outsider, f"tk:take:{ticket.id}:", message=card)
    assert denied["show_alert"]
    # Other categories still go to STAFF_CHAT_ID.
    payment = await file_ticket(hamdel, hamdel.user())
    main_card = card_of(hamdel, payment.number)
    # A button of the routed ticket forged in the main chat is refused as unknown there.
    other = await hamdel.staff_chat.press_data(hamdel.admin, f"tk:take:{ticket.id}:", message=main_card)
    assert "پیدا نشد" in other["text"]


async def test_webhook_mode_files_and_answers(hamdel_webhook) -> None:
    hamdel = hamdel_webhook
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, photos=1)
    await hamdel.staff_chat.send(
        hamdel.operator, "پاسخ در حالت وب‌هوک", reply_to=card_of(hamdel, ticket.number)
    )
    await donor.wait_until(lambda u: "وب‌هوک" in u.last_text)


def test_settings_parse_and_validate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("TICKET_ROUTES", "Payment=-1001, technical:-1002")
    monkeypatch.setenv("SLA_HOURS", "1.5")
    monkeypatch.setenv("TICKET_NUMBER_PREFIX", "tk")
    config = load_settings().tickets
    assert config.routes == {"payment": -1001, "technical": -1002}
    assert config.sla_hours == 1.5 and config.number_prefix == "TK"
    assert config.chat_for("payment", -5) == -1001 and config.chat_for("other", -5) == -5
    assert config.routed_chat_ids == {-1001, -1002}
    for name, value, words in (
        ("TICKET_ROUTES", "payments=-1", "unknown category"),
        ("TICKET_ROUTES", "payment=12", "group id"),
        ("TICKET_ROUTES", "payment", "category=chat_id"),
        ("TICKET_NUMBER_PREFIX", "T1", "Latin letters"),
        ("TICKET_ATTACHMENT_LIMIT", "11", "TICKET_ATTACHMENT_LIMIT"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=words):
            load_settings()
        monkeypatch.delenv(name)
    assert set(TicketCategory) and TicketSettings().routes == {}


def test_every_ticket_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in TicketSettings.model_fields:
        name = "SLA_HOURS" if field == "sla_hours" else f"TICKET_{field.upper()}"
        assert f"\n{name}=" in example, name
        assert f"`{name}`" in readme, name
