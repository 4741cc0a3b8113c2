"""A second tap on a pay or confirm button does nothing twice (issue 13, defect 10): the press
is claimed once per (chat, message, button) by `bot.middlewares.OncePressMiddleware`, in the
database or in Redis, and a repeat is answered "already done"."""

from __future__ import annotations

import asyncio

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import func, select

from models.broadcasts import Broadcast
from models.updates import ButtonPress
from tests.broadcasts.test_broadcast_flow import FAST, compose, started, texts
from tests.conftest import Harness
from tests.donations.donation_helpers import add_campaign, buttons, donation_settings, invoices_of


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {"donations": donation_settings(flavor), "broadcast": FAST}


async def test_double_tap_on_pay_sends_one_invoice(hamdel: Harness, flavor: str) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(buttons(u)))
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "۱۰۰٬۰۰۰ تومان" in buttons(u))
    await user.press("۱۰۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in buttons(u)))
    pay = next(b for b in buttons(user) if "پرداخت" in b)
    confirm = user.last
    answers = await asyncio.gather(user.press(pay, message=confirm), user.press(pay, message=confirm))
    await user.wait_until(lambda u: invoices_of(u))
    await hamdel.settle()
    assert len(invoices_of(user)) == 1
    assert sum("پیش‌تر انجام شده" in (a.get("text") or "") for a in answers) == 1
    # Later, the same button once more (an old message): still one invoice.
    again = await user.press_data(
        confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"], message=confirm
    )
    await hamdel.settle()
    assert "پیش‌تر انجام شده" in (again.get("text") or "")
    assert len(invoices_of(user)) == 1
    # The invoice is paid as usual.
    assert (await user.pay())["ok"]
    await user.wait_until(lambda u: any("🧾" in (m.get("text") or "") for m in u.messages))
    if hamdel.settings.redis.redis_url is None:
        async with hamdel.db() as session:
            assert await session.scalar(select(func.count()).select_from(ButtonPress)) == 1


async def test_double_tap_on_broadcast_send_sends_one_broadcast(hamdel: Harness) -> None:
    sara = await started(hamdel, "fa")
    await compose(hamdel)
    admin = hamdel.admin
    summary = admin.last
    assert summary is not None
    answers = await asyncio.gather(
        admin.press("🚀 ارسال اکنون", message=summary), admin.press("🚀 ارسال اکنون", message=summary)
    )
    await sara.wait_until(lambda u: "یلدای مهربانی" in u.last_text)
    await admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    await hamdel.settle()
    assert sum("پیش‌تر فرستاده" in (a.get("text") or "") for a in answers) == 1
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
    assert sum("یلدای مهربانی" in text for text in texts(sara)) == 1
