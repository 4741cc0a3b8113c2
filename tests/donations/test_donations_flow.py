"""The donate flow through the local messenger, in both flavors: campaigns, purposes and regions,
typed amounts, receipts, history, and every bad input the issue lists."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import select, update

from models.donation import Campaign, CampaignStatus, Donation, Purpose
from models.user import User
from services import donations
from services.campaigns import campaign_total
from tests.conftest import Harness
from tests.donations.donation_helpers import (
    add_campaign,
    buttons,
    count_donations,
    donate_to_campaign,
    donation_settings,
    paid_donations,
    receipts,
)


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {"donations": donation_settings(flavor)}


async def test_campaign_donation_from_the_card(hamdel: Harness, flavor: str) -> None:
    campaign_id = await add_campaign(hamdel, goal_toman=1_000_000)
    user = hamdel.user()
    await user.send("/campaigns")
    card = await user.next_message()
    assert "یلدای مهربانی" in card["text"]
    assert "▱▱▱▱▱▱▱▱▱▱ ۰٪" in card["text"]
    assert "۰ تومان از ۱٬۰۰۰٬۰۰۰ تومان" in card["text"]
    assert "۱۰ روز مانده" in card["text"]
    assert "💝 کمک به این پویش" in user.buttons()

    await user.press("💝 کمک به این پویش")
    await user.wait_until(lambda u: "۲۰۰٬۰۰۰ تومان" in u.buttons())
    assert "پویش «یلدای مهربانی»" in user.last_text
    await user.press("۲۰۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)
    assert "۲۰۰٬۰۰۰ تومان" in user.last_text
    expected_pay = "💳 پرداخت با کیف پول بله" if flavor == "bale" else "💳 پرداخت در تلگرام"
    assert expected_pay in user.buttons()
    await user.press(expected_pay)
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    invoice = next(m for m in user.messages if "invoice" in m)["invoice"]
    if flavor == "bale":
        assert (invoice["currency"], invoice["total_amount"]) == ("IRR", 2_000_000)
    else:
        assert (invoice["currency"], invoice["total_amount"]) == ("USD", 200)  # 10,000 rials a cent

    result = await user.pay()
    assert result["ok"]
    await user.wait_until(lambda u: receipts(u))
    receipt = receipts(user)[0]
    assert "شمارهٔ رسید: \u2066۱۴۰۵-۰۰۰۰۰۱\u2069" in receipt
    assert "مبلغ: ۲۰۰٬۰۰۰ تومان" in receipt
    assert "۹ آذر ۱۴۰۵، ساعت ۱۱:۳۰" in receipt
    assert "پویش «یلدای مهربانی»" in receipt
    assert user.buttons() == ["📜 کمک‌های من", "📣 پویش‌ها", "🏠 منوی اصلی"]

    [donation] = await paid_donations(hamdel)
    assert donation.campaign_id == campaign_id
    assert donation.amount_rials == 2_000_000
    assert donation.receipt_number == "1405-000001"
    assert donation.receipt_sent_at is not None
    charge = result["payment_message"]["successful_payment"]["telegram_payment_charge_id"]
    prefix = "bale_wallet" if flavor == "bale" else "telegram"
    assert donation.provider_ref == f"{prefix}:{charge}"

    await user.press("📣 پویش‌ها")
    await user.wait_until(lambda u: "۲۰٪" in u.last_text)
    assert "▰▰▱▱▱▱▱▱▱▱ ۲۰٪" in user.last_text
    assert "۲۰۰٬۰۰۰ تومان از ۱٬۰۰۰٬۰۰۰ تومان" in user.last_text
    assert "👥 ۱ نیکوکار" in user.last_text


async def test_purpose_and_region_by_buttons_and_typed_names(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("🎯 انتخاب هدف و منطقه")
    await user.wait_until(lambda u: "🎁 جهیزیه" in u.buttons())
    await user.press("🎁 جهیزیه")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    first_page = user.buttons()
    assert first_page[0] == "🇮🇷 هر جای ایران که نیاز بیشتر است"
    assert first_page[1:4] == ["آذربایجان شرقی", "آذربایجان غربی", "اردبیل"]  # Persian alphabetical order
    assert "فارس" not in first_page
    await user.press("بعدی ›")
    await user.wait_until(lambda u: "فارس" in u.buttons())
    await user.press("فارس")
    await user.wait_until(lambda u: "استان فارس — کدام شهرستان" in u.last_text)
    assert "🏙 همهٔ شهرستان‌های استان فارس" in user.buttons()
    await user.send("شيراز")  # Arabic yeh
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    assert "جهیزیه — استان فارس، شهرستان شیراز" in user.last_text
    await user.press("۵۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in u.buttons()))
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    await user.pay()
    await user.wait_until(lambda u: receipts(u))
    assert "برای: جهیزیه — استان فارس، شهرستان شیراز" in receipts(user)[0]
    [donation] = await paid_donations(hamdel)
    assert (donation.campaign_id, donation.purpose, donation.province_id) == (None, Purpose.DOWRY.value, "07")
    assert donation.county_id is not None and donation.county_id.startswith("07")

    # A typed province with Arabic letters, then the whole province; and "anywhere in Iran".
    await user.send("/donate")
    await user.wait_until(lambda u: "🎯 انتخاب هدف و منطقه" in u.buttons())
    await user.press("🎯 انتخاب هدف و منطقه")
    await user.wait_until(lambda u: "🍞 معیشت" in u.buttons())
    await user.press("🍞 معیشت")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    await user.send("استان كرمانشاه")
    await user.wait_until(lambda u: "استان کرمانشاه — کدام شهرستان" in u.last_text)
    await user.press("🏙 همهٔ شهرستان‌های استان کرمانشاه")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    assert "معیشت — استان کرمانشاه" in user.last_text
    await user.press("→ بازگشت")
    await user.wait_until(lambda u: "کدام شهرستان" in u.last_text)
    await user.press("→ بازگشت")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    await user.send("نیویورک")
    await user.wait_until(lambda u: "پیدا نکردم" in u.last_text)
    await user.press("🇮🇷 هر جای ایران که نیاز بیشتر است")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    assert "معیشت — هر جای ایران" in user.last_text


async def test_typed_city_names_land_on_their_county_and_khorasan_asks_which(hamdel: Harness) -> None:
    """Issue 13: «مشهد» (a city, not a province) lands on مشهد county in خراسان رضوی; «خراسان»
    asks which of the three provinces; a county seat with its own name («یاسوج») finds its county."""
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("🎯 انتخاب هدف و منطقه")
    await user.wait_until(lambda u: "🎁 جهیزیه" in u.buttons())
    await user.press("🎁 جهیزیه")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    user.skip_to_end()
    await user.send("مشهد")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    assert "جهیزیه — استان خراسان رضوی، شهرستان مشهد" in user.last_text

    await user.press("→ بازگشت")
    await user.wait_until(lambda u: "کدام شهرستان" in u.last_text)
    await user.press("→ بازگشت")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    user.skip_to_end()
    await user.send("خراسان")
    which = await user.next_message()
    assert which["text"] == "منظورتان کدام استان است؟"
    assert user.buttons()[:3] == ["خراسان رضوی", "خراسان شمالی", "خراسان جنوبی"]
    await user.press("خراسان جنوبی")
    await user.wait_until(lambda u: "استان خراسان جنوبی — کدام شهرستان" in u.last_text)
    await user.press("→ بازگشت")
    await user.wait_until(lambda u: "در کدام استان" in u.last_text)
    await user.send("یاسوج")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    assert "جهیزیه — استان کهگیلویه و بویراحمد، شهرستان بویراحمد" in user.last_text
    await user.press("۵۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in u.buttons()))
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    await user.pay()
    await user.wait_until(lambda u: bool(receipts(u)))
    [donation] = await paid_donations(hamdel)
    assert (donation.province_id, donation.county_id) == ("17", "1701")


CUSTOM_AMOUNTS = [
    ("۷۵ هزار", "۷۵٬۰۰۰ تومان"),
    ("٧٥٠٠٠", "۷۵٬۰۰۰ تومان"),
    ("75,000", "۷۵٬۰۰۰ تومان"),
    ("۱٬۲۵۰٬۰۰۰ تومان", "۱٬۲۵۰٬۰۰۰ تومان"),
    ("1.500.000", "۱٬۵۰۰٬۰۰۰ تومان"),
    ("۱ میلیون و ۵۰۰ هزار", "۱٬۵۰۰٬۰۰۰ تومان"),
    ("۲.۵ ميليون", "۲٬۵۰۰٬۰۰۰ تومان"),
    ("۵۰۰ هزار ریال", "۵۰٬۰۰۰ تومان"),
]


async def test_custom_amounts_in_every_script(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "✍️ مبلغ دلخواه" in u.buttons())
    await user.press("✍️ مبلغ دلخواه")
    await user.wait_until(lambda u: "مبلغ دلخواه را به تومان بنویسید" in u.last_text)
    user.skip_to_end()
    for typed, shown in CUSTOM_AMOUNTS:
        # On the confirm screen a newly typed amount replaces the last one.
        await user.send(typed)
        confirm = await user.next_message()
        assert f"💰 مبلغ: {shown}" in confirm["text"], (typed, confirm["text"])
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    assert (await user.pay())["ok"]
    await user.wait_until(lambda u: receipts(u))
    [donation] = await paid_donations(hamdel)
    assert donation.amount_rials == 500_000


async def test_amounts_in_words_and_likely_slips(hamdel: Harness) -> None:
    """Issue 13 defect 6: "75 thousand" and «۱ میلیون و ۵۰۰» are read as people mean them; «۷۵ تومن»
    asks «منظورتان ۷۵٬۰۰۰ تومان است؟» and «بله» goes on with 75,000 toman."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    user.skip_to_end()
    for typed, shown in [
        ("75 thousand", "۷۵٬۰۰۰ تومان"),
        ("۱ میلیون و ۵۰۰", "۱٬۵۰۰٬۰۰۰ تومان"),
        ("هفتاد و پنج هزار تومان", "۷۵٬۰۰۰ تومان"),
        ("1.5 million", "۱٬۵۰۰٬۰۰۰ تومان"),
        ("٧٥ الف", "۷۵٬۰۰۰ تومان"),
    ]:
        await user.send(typed)
        confirm = await user.next_message()
        assert f"💰 مبلغ: {shown}" in confirm["text"], (typed, confirm["text"])

    await user.send("۷۵ تومن")
    question = await user.next_message()
    assert question["text"] == "منظورتان ۷۵٬۰۰۰ تومان است؟"
    assert user.buttons() == ["✅ بله، ۷۵٬۰۰۰ تومان", "✏️ خیر، مبلغ را دوباره می‌نویسم"]
    await user.press("✏️ خیر، مبلغ را دوباره می‌نویسم")
    await user.wait_until(lambda u: "مبلغ دلخواه را به تومان بنویسید" in u.last_text)
    await user.send("۷۵ تومن")
    await user.wait_until(lambda u: u.last_text == "منظورتان ۷۵٬۰۰۰ تومان است؟")
    await user.press("✅ بله، ۷۵٬۰۰۰ تومان")
    await user.wait_until(lambda u: "💰 مبلغ: ۷۵٬۰۰۰ تومان" in u.last_text)
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    assert (await user.pay())["ok"]
    await user.wait_until(lambda u: receipts(u))
    [donation] = await paid_donations(hamdel)
    assert donation.amount_rials == 750_000


async def test_bad_amounts_get_clear_persian_answers(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "چه مبلغی" in u.last_text)
    user.skip_to_end()
    cases = [
        ("۰", "بیشتر از صفر"),
        ("-5000", "مبلغ را متوجه نشدم"),
        ("پنجاه تومن", "منظورتان ۵۰٬۰۰۰ تومان است؟"),  # issue 13: a likely slip is asked about
        ("۵۰۰", "منظورتان ۵۰۰٬۰۰۰ تومان است؟"),
        ("۵", "کمترین مبلغ کمک ۱۰٬۰۰۰ تومان است"),
        ("500000000", "منظورتان ۵۰۰٬۰۰۰٬۰۰۰ ریال، یعنی ۵۰٬۰۰۰٬۰۰۰ تومان است؟"),  # rials typed as toman?
        ("۵۰ دلار", "به تومان"),
        ("ده و بیست", "مبلغ را متوجه نشدم"),
        ("۲۰۰ میلیون", "بیشترین مبلغ در هر پرداخت ۱۰۰٬۰۰۰٬۰۰۰ تومان است"),
        ("9" * 40, "بیشترین مبلغ در هر پرداخت"),
        ("x" * 3000, "مبلغ را متوجه نشدم"),
    ]
    for typed, answer in cases:
        await user.send(typed)
        reply = await user.next_message()
        assert answer in reply["text"], (typed, reply["text"])
    await user.send_sticker()
    assert "به صورت متن بنویسید" in (await user.next_message())["text"]
    assert await count_donations(hamdel) == 0
    # Still in the flow: a good amount goes on.
    await user.send("۵۰ هزار")
    assert "۵۰٬۰۰۰ تومان" in (await user.next_message())["text"]


async def test_duplicate_successful_payment_counts_once(hamdel: Harness) -> None:
    campaign_id = await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    result = await user.pay()
    await user.wait_until(lambda u: receipts(u))
    await user.resend_payment(result)
    await user.resend_payment(result)
    await hamdel.settle()
    assert len(receipts(user)) == 1
    assert len(await paid_donations(hamdel)) == 1
    async with hamdel.db() as session:
        assert (await campaign_total(session, campaign_id)).raised_rials == 1_000_000


async def test_paying_the_same_invoice_twice_is_refused(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    invoice = await donate_to_campaign(user, "یلدای مهربانی")
    assert (await user.pay(invoice))["ok"]
    await user.wait_until(lambda u: receipts(u))
    second = await user.pay(invoice)
    assert not second["ok"]
    assert "پیش‌تر پرداخت شده" in second["error_message"]
    await hamdel.settle()
    assert len(await paid_donations(hamdel)) == 1


async def test_payment_for_an_unknown_order_is_kept_not_lost(hamdel: Harness, flavor: str) -> None:
    """A successful_payment whose payload we never issued (a restored database, say): the money
    arrived, so it is recorded as a general gift with a receipt, once."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    result = await user.pay()
    await user.wait_until(lambda u: receipts(u))
    forged = {
        "payment_message": {"successful_payment": dict(result["payment_message"]["successful_payment"])}
    }
    forged["payment_message"]["successful_payment"].update(
        invoice_payload="never-issued", telegram_payment_charge_id="orphan-charge-1"
    )
    await user.resend_payment(forged)
    await user.resend_payment(forged)
    await user.wait_until(lambda u: len(receipts(u)) == 2)
    await hamdel.settle()
    assert len(receipts(user)) == 2
    orphan = (await paid_donations(hamdel))[-1]
    assert (orphan.purpose, orphan.campaign_id, orphan.status_detail) == ("general", None, "unknown-order")
    assert orphan.receipt_number == "1405-000002"


async def test_pre_checkout_for_a_campaign_closed_meanwhile(hamdel: Harness) -> None:
    campaign_id = await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    async with hamdel.db() as session:
        await session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(status=CampaignStatus.CLOSED.value)
        )
    result = await user.pay()
    assert not result["ok"]
    assert "این پویش به پایان رسیده است" in result["error_message"]
    assert await paid_donations(hamdel) == []


async def test_stale_card_of_a_closed_campaign(hamdel: Harness) -> None:
    campaign_id = await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/campaigns")
    await user.next_message()
    hamdel.clock.advance(days=11)  # the campaign has ended
    answer = await user.press("💝 کمک به این پویش")
    assert answer["show_alert"] and "دیگر فعال نیست" in answer["text"]
    await user.wait_until(lambda u: "الان پویش فعالی نداریم" in u.last_text)
    # The confirm screen of a campaign that closed before paying: no invoice.
    hamdel.clock.advance(days=-11)
    await user.send("/donate")
    await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(u.buttons()))
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "۵۰٬۰۰۰ تومان" in u.buttons())
    await user.press("۵۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in u.buttons()))
    async with hamdel.db() as session:
        await session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(status=CampaignStatus.CLOSED.value)
        )
    answer = await user.press("پرداخت")
    assert "دیگر فعال نیست" in answer["text"]
    await hamdel.settle()
    assert not any("invoice" in m for m in user.messages)
    assert await count_donations(hamdel) == 0


FORGED = [
    "rg:dn:p:99:0",
    "rg:dn:c:0701:0",
    "rg:dn:wp:23:0",
    "rg:dn:cp:23:1",
    "dna:12345",
    "dna:abc",
    "dnpay:telegram:forged",
    "dnc:999",
    "dnr:1",
    "dnb:county",
    "dnh:-5",
    "dncp:99999",
]


async def test_forged_and_stale_buttons_are_answered(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    for data in FORGED:
        answer = await user.press_data(data)
        assert answer is not None, data  # answered, never left spinning
    await hamdel.settle()
    assert await count_donations(hamdel) == 0


async def test_pay_button_pressed_twice_makes_one_order(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "۵۰٬۰۰۰ تومان" in u.buttons())
    await user.press("۵۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in u.buttons()))
    confirm = user.last
    assert confirm is not None
    pay_data = next(
        b["callback_data"]
        for row in confirm["reply_markup"]["inline_keyboard"]
        for b in row
        if "پرداخت" in b["text"]
    )
    await asyncio.gather(user.press_data(pay_data, confirm), user.press_data(pay_data, confirm))
    await hamdel.settle()
    assert await count_donations(hamdel) == 1
    await user.pay()
    await user.wait_until(lambda u: receipts(u))
    answer = await user.press_data(pay_data, confirm)
    assert "پیش‌تر پرداخت شده" in answer["text"]


@pytest.mark.slow  # 50 donors
async def test_fifty_concurrent_donations_to_one_campaign(hamdel: Harness) -> None:
    campaign_id = await add_campaign(hamdel, goal_toman=5_000_000)
    users = [hamdel.user() for _ in range(50)]
    amounts = ["۵۰٬۰۰۰ تومان", "۱۰۰٬۰۰۰ تومان", "۲۰۰٬۰۰۰ تومان"]

    async def give(index: int, user: Any) -> None:
        await donate_to_campaign(user, "یلدای مهربانی", amounts[index % 3], wait=60)
        result = await user.pay(timeout=60)
        assert result["ok"]
        await user.wait_until(lambda u: receipts(u), timeout=60)

    await asyncio.gather(*(give(i, u) for i, u in enumerate(users)))
    await hamdel.settle()
    expected = sum([50_000, 100_000, 200_000][i % 3] for i in range(50)) * 10
    async with hamdel.db() as session:
        totals = await campaign_total(session, campaign_id)
        numbers = set(await session.scalars(select(Donation.receipt_number)))
    assert (totals.raised_rials, totals.donors, totals.donations) == (expected, 50, 50)
    assert numbers == {f"1405-{n:06d}" for n in range(1, 51)}  # gapless, no duplicates
    viewer = hamdel.user()
    await viewer.send("/campaigns")
    card = (await viewer.next_message())["text"]
    assert "👥 ۵۰ نیکوکار" in card
    assert expected == 57_500_000
    assert "۵٬۷۵۰٬۰۰۰ تومان از ۵٬۰۰۰٬۰۰۰ تومان" in card
    assert "▰▰▰▰▰▰▰▰▰▰ ۱۱۵٪" in card


async def test_my_donations_paged_with_totals(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/mydonations")
    assert "هنوز کمکی از شما ثبت نشده" in (await user.next_message())["text"]
    # One gift through the chat, nine more arranged in the database an hour apart.
    await donate_to_campaign(user, "یلدای مهربانی", "۵۰٬۰۰۰ تومان")
    await user.pay()
    await user.wait_until(lambda u: receipts(u))
    async with hamdel.db() as session:
        donor = await session.scalar(select(User.id).where(User.user_id == user.id))
        campaign_id = await session.scalar(select(Campaign.id))
        assert donor is not None and campaign_id is not None
        for index in range(1, 10):
            await donations.open_order(
                session,
                user_id=donor,
                target=donations.Target(campaign_id=campaign_id),
                amount_rials=500_000,
                provider="bale_wallet",
                currency="IRR",
                invoice_amount=500_000,
                payload=f"arranged-{index}",
                now=hamdel.clock.now(),
            )
            await donations.record_payment(
                session,
                user_id=donor,
                payload=f"arranged-{index}",
                order=await donations.find_by_payload(session, f"arranged-{index}"),
                provider="bale_wallet",
                provider_ref=f"arranged:{index}",
                currency="IRR",
                total_amount=500_000,
                amount_rials=500_000,
                now=hamdel.clock.advance(hours=1),
            )
    await user.send("/mydonations")
    await user.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    page = user.last_text
    assert "📜 کمک‌های شما: ۱۰ کمک، روی هم ۵۰۰٬۰۰۰ تومان" in page
    assert "۱. ۹ آذر ۱۴۰۵ — ۵۰٬۰۰۰ تومان" in page
    assert "رسید \u2066۱۴۰۵-۰۰۰۰۱۰\u2069" in page  # newest first
    assert "صفحهٔ ۱ از ۲" in page
    await user.press("بعدی ›")
    await user.wait_until(lambda u: "صفحهٔ ۲ از ۲" in u.last_text)
    assert "۹. " in user.last_text and "۱۰. " in user.last_text
    assert "رسید \u2066۱۴۰۵-۰۰۰۰۰۱\u2069" in user.last_text


async def test_receipt_arrives_whatever_the_conversation_state(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    context = hamdel.app.dispatcher.fsm.get_context(hamdel.app.bot, chat_id=user.id, user_id=user.id)
    await context.set_state("ComplaintFlow:writing")
    await user.pay()
    await user.wait_until(lambda u: receipts(u))
    assert await context.get_state() == "ComplaintFlow:writing"


async def test_banned_donor_cannot_donate_or_pay(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    async with hamdel.db() as session:
        await session.execute(update(User).where(User.user_id == user.id).values(is_banned=True))
    result = await user.pay()
    assert not result["ok"] and "امکان پرداخت از این حساب" in result["error_message"]
    await user.send("/donate")
    await user.wait_until(lambda u: "امکان ثبت کمک از این حساب" in u.last_text)
    assert await paid_donations(hamdel) == []


async def test_english_donor_gets_english_texts(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user(language_code="en", first_name="Sara")
    await user.send("/language")
    await user.next_message()
    await user.press("English")
    await user.wait_until(lambda u: "now in English" in u.last_text)
    await user.send("/donate")
    await user.wait_until(lambda u: "Where should your gift go?" in u.last_text)
    await user.press("(en)")
    await user.wait_until(lambda u: "100,000 toman" in u.buttons())
    await user.press("100,000 toman")
    await user.wait_until(lambda u: "Please check" in u.last_text)
    await user.press("Pay")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    await user.pay()
    await user.wait_until(lambda u: any("Your donation receipt" in (m.get("text") or "") for m in u.messages))
    receipt = user.last_text
    assert "Receipt number: \u20661405-000001\u2069" in receipt
    assert "Amount: 100,000 toman" in receipt
    assert "9 Azar 1405, 11:30" in receipt


async def test_english_donor_types_amounts_in_words(hamdel: Harness) -> None:
    """The English prompt's own example ("75 thousand") and a slip in English (issue 13)."""
    await add_campaign(hamdel)
    user = hamdel.user(language_code="en")
    await user.send("/language")
    await user.next_message()
    await user.press("English")
    await user.wait_until(lambda u: "now in English" in u.last_text)
    await user.send("/donate")
    await user.wait_until(lambda u: "Where should your gift go?" in u.last_text)
    await user.press("(en)")
    await user.wait_until(lambda u: "100,000 toman" in u.buttons())
    user.skip_to_end()
    await user.send("seventy five thousand toman")
    assert "Amount: 75,000 toman" in (await user.next_message())["text"]
    await user.send("75")
    assert (await user.next_message())["text"] == "Did you mean 75,000 toman?"
    await user.press("✅ Yes, 75,000 toman")
    await user.wait_until(lambda u: "Amount: 75,000 toman" in u.last_text and "Please check" in u.last_text)
    user.skip_to_end()
    await user.send("50 dollars")
    assert "Gifts are paid in toman" in (await user.next_message())["text"]


async def test_cancel_leaves_the_flow(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "✖️ انصراف" in u.buttons())
    await user.press("✖️ انصراف")
    await user.wait_until(lambda u: any("لغو شد" in (m.get("text") or "") for m in u.messages))
    await hamdel.settle()
    user.skip_to_end()
    await user.send("۵۰ هزار")  # no longer an amount: the flow is over
    assert "لطفاً بررسی کنید" not in (await user.next_message())["text"]


async def test_invoice_refused_by_the_platform(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(buttons(u)))
    await user.press("یلدای مهربانی")
    await user.wait_until(lambda u: "۱٬۰۰۰٬۰۰۰ تومان" in buttons(u))
    await user.press("۱٬۰۰۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: any("پرداخت" in b for b in buttons(u)))
    hamdel.messenger.fail_next(
        "sendInvoice", status=400, retry_after=None, description="Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID"
    )
    await user.press("پرداخت")
    await user.wait_until(lambda u: "پذیرفته نشد" in u.last_text)
    assert user.buttons() == ["🔁 تلاش دوباره", "🏠 منوی اصلی"]
    await user.press("🔁 تلاش دوباره")
    await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)
    assert "۱٬۰۰۰٬۰۰۰ تومان" in user.last_text
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    assert (await user.pay())["ok"]
    await user.wait_until(lambda u: receipts(u))
    assert [d.amount_rials for d in await paid_donations(hamdel)] == [10_000_000]


async def test_payment_in_another_currency_or_amount_is_held(hamdel: Harness, flavor: str) -> None:
    """A successful_payment whose currency or total differs from the invoice (1 XTR for an order
    priced in cents; 10 rials for one of 1,000,000): held for staff review, no receipt, counted
    nowhere; the donor is thanked and told staff review it; the staff chat is told."""
    campaign_id = await add_campaign(hamdel, goal_toman=1_000_000)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    async with hamdel.db() as session:
        payload = await session.scalar(select(Donation.payload))
    currency, total = ("IRR", 10) if flavor == "bale" else ("XTR", 1)
    forged = {
        "currency": currency,
        "total_amount": total,
        "invoice_payload": payload,
        "telegram_payment_charge_id": "forged-charge-1",
    }
    if flavor == "telegram":
        forged["provider_payment_charge_id"] = "forged-provider-1"
    user._post(user.info, {"successful_payment": forged})
    await user.wait_until(lambda u: "کارشناسان همدل آن را بررسی می‌کنند" in u.last_text)
    shown = "۱ تومان" if flavor == "bale" else "۱ XTR"
    assert f"پرداخت شما ({shown}) رسید" in user.last_text
    await hamdel.staff_chat.wait_until(lambda g: "پرداختی برای بررسی نگه داشته شد" in g.last_text)
    card = hamdel.staff_chat.last_text
    assert f"پرداخت‌شده: {shown}" in card
    assert ("صورتحساب: ۱۰۰٬۰۰۰ تومان" if flavor == "bale" else "صورتحساب: ۱۰۰ USD") in card
    # Delivered again: nothing new.
    user._post(user.info, {"successful_payment": forged})
    await hamdel.settle()
    assert receipts(user) == []
    assert sum("بررسی می‌کنند" in (m.get("text") or "") for m in user.messages) == 1
    assert sum("نگه داشته شد" in (m.get("text") or "") for m in hamdel.staff_chat.messages) == 1
    async with hamdel.db() as session:
        [held] = list(await session.scalars(select(Donation)))
        totals = await campaign_total(session, campaign_id)
    assert (held.status, held.currency, held.invoice_amount, held.receipt_number) == (
        "held",
        currency,
        total,
        None,
    )
    assert (totals.raised_rials, totals.donors) == (0, 0)
    assert await paid_donations(hamdel) == []
    await user.send("/mydonations")
    await user.wait_until(lambda u: "هنوز کمکی از شما ثبت نشده است" in u.last_text)


async def test_receipt_is_kept_and_past_receipts_can_be_opened_again(hamdel: Harness) -> None:
    """«📜 کمک‌های من» under a receipt opens the list as a new message (on Telegram too, where
    screens are edited in place): the receipt stays in the chat, word for word. /mydonations
    re-sends any past receipt, marked as a copy."""
    await add_campaign(hamdel)
    user = hamdel.user()
    await donate_to_campaign(user, "یلدای مهربانی")
    await user.pay()
    await user.wait_until(lambda u: receipts(u))
    receipt = next(m for m in user.messages if "🧾 رسید کمک شما" in (m.get("text") or ""))
    sent = len(user.messages)
    await user.press("📜 کمک‌های من", message=receipt)
    await user.wait_until(lambda u: len(u.messages) > sent and "کمک‌های شما" in u.last_text)
    assert user.last["message_id"] != receipt["message_id"]
    kept = next(m for m in user.messages if m["message_id"] == receipt["message_id"])
    assert kept["text"] == receipt["text"] and not kept.get("deleted")
    assert user.buttons(kept) == ["📜 کمک‌های من", "📣 پویش‌ها", "🏠 منوی اصلی"]
    # The other buttons of the receipt leave it alone too.
    await user.press("📣 پویش‌ها", message=receipt)
    await user.wait_until(lambda u: "▰" in u.last_text or "پویش" in u.last_text)
    await hamdel.settle()
    kept = next(m for m in user.messages if m["message_id"] == receipt["message_id"])
    assert kept["text"] == receipt["text"]

    await user.send("/mydonations")
    await user.wait_until(lambda u: "🧾 رسید ۱" in u.buttons())
    sent = len(user.messages)
    await user.press("🧾 رسید ۱")
    await user.wait_until(lambda u: "رونوشت رسید" in u.last_text)
    assert len(user.messages) == sent + 1
    copy = user.last_text
    assert "شمارهٔ رسید: \u2066۱۴۰۵-۰۰۰۰۰۱\u2069" in copy and "مبلغ: ۱۰۰٬۰۰۰ تومان" in copy
    assert "کمک‌های شما" in user.messages[-2]["text"]  # the list is still there
    # Someone else's gift, or a forged id: a stale button, nothing sent.
    other = hamdel.user()
    await other.send("/mydonations")
    await other.next_message()
    [donation] = await paid_donations(hamdel)
    answer = await other.press_data(f"dnrc:{donation.id}")
    assert "رونوشت" not in other.last_text and answer.get("text")
