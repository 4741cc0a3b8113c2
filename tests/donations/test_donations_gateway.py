"""The Zarinpal gateway against a local fake of its HTTP API, with the bot's own web server
running beside long polling: success (100), already verified (101), cancel (NOK), a failed
payment, a replayed and a doubled callback, a wrong authority, verify errors, the reconciler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic_settings import BaseSettings

from bot.settings import WebhookSettings
from handlers.donations_web import reconcile_once
from messenger.testkit import free_port
from models.donation import DonationStatus
from services.payments import ZARINPAL_CALLBACK_PATH
from tests.conftest import Harness
from tests.donations.donation_helpers import (
    add_campaign,
    buttons,
    donation_settings,
    paid_donations,
    receipts,
)
from tests.donations.zarinpal_fake import MERCHANT_ID, FakeZarinpal

GATEWAY_BUTTON = "🏦 پرداخت با کارت بانکی (زرین‌پال)"


@pytest.fixture
async def zarinpal() -> AsyncIterator[FakeZarinpal]:
    fake = FakeZarinpal()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def web_port() -> int:
    return free_port()


@pytest.fixture
def overrides(flavor: str, zarinpal: FakeZarinpal, web_port: int) -> dict[str, BaseSettings]:
    return {
        "donations": donation_settings(
            flavor,
            providers=["invoice", "zarinpal"],
            zarinpal_merchant_id=MERCHANT_ID,
            gateway_base_url=zarinpal.base_url,
            public_url=f"http://127.0.0.1:{web_port}",
            gateway_timeout=2.0,
        ),
        "webhook": WebhookSettings(
            url=None, secret="test-secret", listen_host="127.0.0.1", listen_port=web_port
        ),
    }


async def _to_gateway(user: Any, amount: str = "۱۰۰٬۰۰۰ تومان") -> str:
    """/donate → the campaign → amount → the gateway; returns the StartPay link."""
    await user.send("/donate")
    await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(buttons(u)))
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: amount in buttons(u))
    await user.press(amount)
    await user.wait_until(lambda u: GATEWAY_BUTTON in buttons(u))
    await user.press(GATEWAY_BUTTON)
    await user.wait_until(lambda u: "🏦 ورود به درگاه پرداخت" in buttons(u))
    button = user.last["reply_markup"]["inline_keyboard"][0][0]
    return str(button["url"])


async def _callback(port: int, **query: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{ZARINPAL_CALLBACK_PATH}", params=query) as response,
    ):
        return response.status, await response.text()


async def test_gateway_success_then_replay(hamdel: Harness, zarinpal: FakeZarinpal, web_port: int) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    link = await _to_gateway(user)
    authority = zarinpal.last_authority
    assert link == f"{zarinpal.base_url}/pg/StartPay/{authority}"
    [request] = zarinpal.requests
    assert request["amount"] == 1_000_000 and request["currency"] == "IRR"
    assert request["callback_url"] == f"http://127.0.0.1:{web_port}{ZARINPAL_CALLBACK_PATH}"
    assert request["merchant_id"] == MERCHANT_ID
    assert "پویش «یلدای مهربانی»" in request["description"]
    [pending] = await _donations(hamdel)
    assert (pending.status, pending.gateway_authority) == (DonationStatus.PENDING.value, authority)

    # The donor comes back from the bank; a tampered Amount in the query is ignored. The page
    # (open to whoever holds the URL) names no amount, campaign or receipt: those go to the chat.
    status, page = await _callback(web_port, Authority=authority, Status="OK", Amount="10")
    assert status == 200
    assert 'dir="rtl"' in page and 'lang="fa"' in page
    assert "پرداخت شما موفق بود" in page and "رسید آن را در گفت‌وگو با همدل" in page
    for secret in ("۱۰۰٬۰۰۰", "100,000", "یلدای مهربانی", "۱۴۰۵-۰۰۰۰۰۱", "1405-000001", "۱۴۰۵"):
        assert secret not in page
    assert "https://t.me/hamdel_bot" in page or "https://ble.ir/hamdel_bot" in page
    assert zarinpal.verifies == [{"merchant_id": MERCHANT_ID, "amount": 1_000_000, "authority": authority}]
    await user.wait_until(lambda u: receipts(u))
    [donation] = await paid_donations(hamdel)
    assert donation.provider_ref == f"zarinpal:{zarinpal.verified[authority]}"
    assert donation.receipt_number == "1405-000001"

    # Replayed, and twice at once: the same page, no second receipt, nothing counted twice.
    results = await asyncio.gather(
        _callback(web_port, Authority=authority, Status="OK"),
        _callback(web_port, Authority=authority, Status="OK"),
        _callback(web_port, Authority=authority, Status="OK"),
    )
    assert all(status == 200 and "پرداخت شما موفق بود" in page for status, page in results)
    await hamdel.settle()
    assert len(receipts(user)) == 1
    assert len(await paid_donations(hamdel)) == 1


async def test_doubled_first_callback_records_once(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    """Two callbacks race before either is recorded: the gateway answers 100 to one and 101 to the
    other; the UNIQUE reference keeps one gift and one receipt."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority
    results = await asyncio.gather(*(_callback(web_port, Authority=authority, Status="OK") for _ in range(4)))
    assert all("پرداخت شما موفق بود" in page for _, page in results)
    await user.wait_until(lambda u: receipts(u))
    await hamdel.settle()
    assert len(receipts(user)) == 1
    assert len(await paid_donations(hamdel)) == 1


async def test_already_verified_code_101(hamdel: Harness, zarinpal: FakeZarinpal, web_port: int) -> None:
    """Our process verified the payment but died before recording it: the next verify says 101
    and the payment is recorded with the same ref_id."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority
    zarinpal.verified[authority] = 777_001
    status, page = await _callback(web_port, Authority=authority, Status="OK")
    assert status == 200 and "پرداخت شما موفق بود" in page
    [donation] = await paid_donations(hamdel)
    assert donation.provider_ref == "zarinpal:777001"
    await user.wait_until(lambda u: receipts(u))


async def test_cancelled_at_the_bank_then_retry(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user, "۵۰٬۰۰۰ تومان")
    authority = zarinpal.last_authority
    zarinpal.outcome[authority] = "unpaid"
    status, page = await _callback(web_port, Authority=authority, Status="NOK")
    assert status == 200 and "پرداخت انجام نشد" in page
    # Failed only on the gateway's own negative answer.
    assert [v["authority"] for v in zarinpal.verifies] == [authority]
    await user.wait_until(lambda u: "انجام نشد" in u.last_text)
    assert "۵۰٬۰۰۰ تومان" in user.last_text and "۷۲ ساعت" in user.last_text
    [failed] = await _donations(hamdel)
    assert (failed.status, failed.status_detail) == (DonationStatus.FAILED.value, "gateway:-51")
    # The same NOK again: the same page, no second message.
    await _callback(web_port, Authority=authority, Status="NOK")
    await hamdel.settle()
    assert sum("انجام نشد" in (m.get("text") or "") for m in user.messages) == 1

    await user.press("🔁 تلاش دوباره")
    await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)
    assert "۵۰٬۰۰۰ تومان" in user.last_text and "یلدای مهربانی" in user.last_text
    assert await paid_donations(hamdel) == []


async def test_forged_nok_for_a_paid_order_is_verified_and_recorded(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    """The Authority is in the StartPay URL: anyone can send a callback with Status=NOK for it.
    It is verified like any other; the paid gift is recorded, the receipt goes to the chat, and
    the donor is never told the payment failed."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority  # the donor paid at the bank (the fake's default)
    status, page = await _callback(web_port, Authority=authority, Status="NOK")
    assert status == 200 and "پرداخت شما موفق بود" in page
    assert [v["authority"] for v in zarinpal.verifies] == [authority]
    await user.wait_until(lambda u: receipts(u))
    assert "مبلغ: ۱۰۰٬۰۰۰ تومان" in receipts(user)[0]
    [donation] = await paid_donations(hamdel)
    assert donation.provider_ref == f"zarinpal:{zarinpal.verified[authority]}"
    # The donor's own OK callback afterwards: the same page, nothing twice.
    status, page = await _callback(web_port, Authority=authority, Status="OK")
    assert "پرداخت شما موفق بود" in page
    await hamdel.settle()
    assert len(receipts(user)) == 1
    assert not any("انجام نشد" in (m.get("text") or "") for m in user.messages)


async def test_early_negative_answer_is_checked_again(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    """A NOK while the donor is still at the bank: the gateway says "not paid" (so the order
    fails), but the bank's session is still open; the donor pays and never comes back. The
    reconciler asks again once the session is over and records the gift."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority
    zarinpal.outcome[authority] = "unpaid"
    status, page = await _callback(web_port, Authority=authority, Status="NOK")
    assert status == 200 and "پرداخت انجام نشد" in page
    [failed] = await _donations(hamdel)
    assert failed.status == DonationStatus.FAILED.value and failed.next_verify_at is not None
    zarinpal.outcome[authority] = "paid"  # the donor finishes paying at the bank
    hamdel.clock.advance(minutes=5)
    assert await reconcile_once(hamdel.app) == 0  # the session may still be open: not yet
    hamdel.clock.advance(minutes=20)
    assert await reconcile_once(hamdel.app) == 1
    await user.wait_until(lambda u: receipts(u))
    [donation] = await paid_donations(hamdel)
    assert (donation.id, donation.next_verify_at) == (failed.id, None)
    assert len(zarinpal.verifies) == 2
    assert await reconcile_once(hamdel.app) == 0


async def test_final_negative_answer_and_backoff_on_errors(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    """Unpaid after the bank's session: final, asked no more. A gateway that does not answer is
    asked again with growing pauses, and no more after a day."""
    await add_campaign(hamdel)
    unpaid, unanswered = hamdel.user(), hamdel.user()
    await _to_gateway(unpaid)
    zarinpal.outcome[zarinpal.last_authority] = "unpaid"
    await _to_gateway(unanswered)
    silent = zarinpal.last_authority
    zarinpal.outcome[silent] = "error"
    hamdel.clock.advance(minutes=21)
    assert await reconcile_once(hamdel.app) == 0
    first, second = await _donations(hamdel)
    assert (first.status, first.next_verify_at) == (DonationStatus.FAILED.value, None)
    assert (second.status, second.verify_attempts) == (DonationStatus.PENDING.value, 1)
    pauses = []
    for _ in range(40):
        assert second.next_verify_at is not None
        pauses.append(second.next_verify_at - hamdel.clock.now())
        hamdel.clock.advance(seconds=(second.next_verify_at - hamdel.clock.now()).total_seconds())
        await reconcile_once(hamdel.app)
        _, second = await _donations(hamdel)
        if second.next_verify_at is None:
            break
    assert pauses[0] < pauses[1] < pauses[2]
    assert second.next_verify_at is None and second.status == DonationStatus.PENDING.value
    calls = len(zarinpal.verifies)
    hamdel.clock.advance(hours=2)
    assert await reconcile_once(hamdel.app) == 0
    assert len(zarinpal.verifies) == calls
    await hamdel.settle()
    assert not any("انجام نشد" in (m.get("text") or "") for m in unpaid.messages + unanswered.messages)


async def test_failed_payment_and_wrong_authority(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority
    zarinpal.outcome[authority] = "unpaid"
    status, page = await _callback(web_port, Authority=authority, Status="OK")
    assert status == 200 and "پرداخت انجام نشد" in page
    [failed] = await _donations(hamdel)
    assert (failed.status, failed.status_detail) == (DonationStatus.FAILED.value, "gateway:-51")

    status, page = await _callback(web_port, Authority="A" + "9" * 35, Status="OK")
    assert status == 404 and "پرداخت پیدا نشد" in page and 'dir="rtl"' in page
    status, page = await _callback(web_port, Status="OK")
    assert status == 404
    status, page = await _callback(web_port, Authority="<script>alert(1)</script>", Status="OK")
    assert status == 404 and "<script>" not in page
    assert len(zarinpal.verifies) == 1
    assert await paid_donations(hamdel) == []


async def test_verify_error_leaves_it_pending_then_settles(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    authority = zarinpal.last_authority
    zarinpal.outcome[authority] = "error"
    status, page = await _callback(web_port, Authority=authority, Status="OK")
    assert status == 200 and "در انتظار تأیید بانک" in page
    [pending] = await _donations(hamdel)
    assert pending.status == DonationStatus.PENDING.value
    assert receipts(user) == []
    # The gateway answers again: the donor refreshes the page.
    zarinpal.outcome[authority] = "paid"
    status, page = await _callback(web_port, Authority=authority, Status="OK")
    assert "پرداخت شما موفق بود" in page
    await user.wait_until(lambda u: receipts(u))
    assert len(await paid_donations(hamdel)) == 1


async def test_reconciler_settles_a_donor_who_never_came_back(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    await add_campaign(hamdel)
    paid, walked_away = hamdel.user(), hamdel.user()
    await _to_gateway(paid)
    await _to_gateway(walked_away)
    zarinpal.outcome[zarinpal.last_authority] = "unpaid"
    assert await reconcile_once(hamdel.app) == 0  # too early: the bank's session may still be open
    hamdel.clock.advance(minutes=25)
    assert await reconcile_once(hamdel.app) == 1
    await paid.wait_until(lambda u: receipts(u))
    donations = await _donations(hamdel)
    assert [d.status for d in donations] == [DonationStatus.PAID.value, DonationStatus.FAILED.value]
    await hamdel.settle()
    assert not any("انجام نشد" in (m.get("text") or "") for m in walked_away.messages)  # silently expired
    assert await reconcile_once(hamdel.app) == 0


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def test_gateway_gifts_counted_in_metrics_served_off_the_public_listener(
    hamdel: Harness, zarinpal: FakeZarinpal, web_port: int
) -> None:
    """Every recorded gift is counted, the gateway's as much as the in-chat invoice's; /metrics
    and /healthz are on the ops listener (loopback, METRICS_PORT), not on the public one that
    serves the gateway's return page."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await _to_gateway(user)
    await _callback(web_port, Authority=zarinpal.last_authority, Status="OK")
    await user.wait_until(lambda u: receipts(u))
    assert (await _get(f"http://127.0.0.1:{web_port}/metrics"))[0] == 404
    assert (await _get(f"http://127.0.0.1:{web_port}/healthz"))[0] == 404
    runner, ops_port = await hamdel.app.serve_web("127.0.0.1", 0, application=hamdel.app.build_ops_app())
    try:
        status, body = await _get(f"http://127.0.0.1:{ops_port}/metrics")
        assert status == 200
        assert 'hamdel_donations_recorded_total{currency="IRR"} 1.0' in body
        assert "hamdel_donations_recorded_rials_total 1e+06" in body
        assert (await _get(f"http://127.0.0.1:{ops_port}/healthz"))[0] == 200
    finally:
        await runner.cleanup()


async def test_webhook_listener_answers_404_for_ops_paths(hamdel_webhook: Harness) -> None:
    base = hamdel_webhook.messenger._webhook_url.split("/webhook")[0]
    for path in ("/metrics", "/healthz"):
        assert (await _get(base + path))[0] == 404
    user = hamdel_webhook.user()
    await user.send("/start")
    await user.next_message()  # the webhook itself still works


async def test_gateway_down(hamdel: Harness, zarinpal: FakeZarinpal) -> None:
    await add_campaign(hamdel)
    zarinpal.request_mode = "down"
    user = hamdel.user()
    await user.send("/donate")
    await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(buttons(u)))
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "۱۰۰٬۰۰۰ تومان" in buttons(u))
    await user.press("۱۰۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: GATEWAY_BUTTON in buttons(u))
    await user.press(GATEWAY_BUTTON)
    await user.wait_until(lambda u: "درگاه بانکی الان پاسخ نمی‌دهد" in u.last_text)
    [failed] = await _donations(hamdel)
    assert (failed.status, failed.gateway_authority) == (DonationStatus.FAILED.value, None)


async def _donations(hamdel: Harness) -> list[Any]:
    from sqlalchemy import select

    from models.donation import Donation

    async with hamdel.db() as session:
        return list(await session.scalars(select(Donation).order_by(Donation.id)))
