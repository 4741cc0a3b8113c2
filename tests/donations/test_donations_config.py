"""Ways to pay as configured: Telegram Stars, nothing configured, and the settings' checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from bot.settings import DonationSettings, SettingsError, load_settings
from services.payments import BALE_TEST_WALLET_TOKEN, invoice_provider, payment_options, problems
from tests.conftest import Harness
from tests.donations.donation_helpers import add_campaign, buttons, paid_donations, receipts


class TestStars:
    @pytest.fixture
    def overrides(self, flavor: str) -> dict[str, BaseSettings]:
        if flavor == "bale":
            return {"donations": DonationSettings(provider_token=BALE_TEST_WALLET_TOKEN)}
        return {"donations": DonationSettings(telegram_currency="XTR", rials_per_unit=15_000)}

    async def test_stars_on_telegram_wallet_on_bale(self, hamdel: Harness, flavor: str) -> None:
        await add_campaign(hamdel)
        user = hamdel.user()
        await user.send("/donate")
        await user.wait_until(lambda u: "یلدای مهربانی" in " ".join(buttons(u)))
        await user.press("یلدای مهربانی")
        await user.wait_until(lambda u: "۱۰۰٬۰۰۰ تومان" in u.buttons())
        await user.press("۱۰۰٬۰۰۰ تومان")
        await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)
        if flavor == "telegram":
            # 1,000,000 rials at 15,000 rials a Star: 66.7, rounded up.
            assert "⭐ پرداخت با ۶۷ ستارهٔ تلگرام" in user.buttons()
        else:
            assert "💳 پرداخت با کیف پول بله" in user.buttons()
        invoice = (await _pay_first(user))["invoice"]
        expected = ("XTR", 67) if flavor == "telegram" else ("IRR", 1_000_000)
        assert (invoice["currency"], invoice["total_amount"]) == expected
        assert (await user.pay())["ok"]
        await user.wait_until(lambda u: receipts(u))
        # The receipt shows what was paid: 67 Stars at 15,000 rials are 100,500 toman, not the
        # 100,000 chosen (the invoice rounds up to whole Stars).
        paid_toman, paid_rials = ("۱۰۰٬۵۰۰", 1_005_000) if flavor == "telegram" else ("۱۰۰٬۰۰۰", 1_000_000)
        assert f"مبلغ: {paid_toman} تومان" in receipts(user)[0]
        [donation] = await paid_donations(hamdel)
        assert (donation.amount_rials, donation.currency, donation.invoice_amount) == (paid_rials, *expected)


async def _pay_first(user) -> dict:  # type: ignore[no-untyped-def]
    await user.press("پرداخت")
    await user.wait_until(lambda u: any("invoice" in m for m in u.messages))
    return next(m for m in user.messages if "invoice" in m)


class TestNothingConfigured:
    @pytest.fixture
    def overrides(self) -> dict[str, BaseSettings]:
        return {"donations": DonationSettings()}

    async def test_donate_says_payments_are_unavailable(self, hamdel: Harness) -> None:
        await add_campaign(hamdel)
        user = hamdel.user()
        await user.send("/donate")
        assert "پرداخت در حال حاضر ممکن نیست" in (await user.next_message())["text"]
        # Campaign cards still show; their Donate button explains the same.
        await user.send("/campaigns")
        await user.wait_until(lambda u: "یلدای مهربانی" in u.last_text)
        await user.press("💝 کمک به این پویش")
        await user.wait_until(lambda u: "پرداخت در حال حاضر ممکن نیست" in u.last_text)


def test_invoice_provider_per_platform_and_settings() -> None:
    assert invoice_provider(DonationSettings(), "bale_wallet") is None
    wallet = invoice_provider(DonationSettings(sandbox=True), "bale_wallet")
    assert wallet is not None and (wallet.currency, wallet.provider_token) == ("IRR", BALE_TEST_WALLET_TOKEN)
    assert wallet.terms(1_234_560).total_amount == 1_234_560
    assert invoice_provider(DonationSettings(), "telegram") is None  # no exchange rate: not offered
    stars = invoice_provider(DonationSettings(rials_per_unit=15_000), "telegram")
    assert stars is not None and (stars.name, stars.currency, stars.provider_token) == (
        "telegram_stars",
        "XTR",
        None,
    )
    assert (
        stars.invoice_amount(15_000) == 1
        and stars.invoice_amount(15_001) == 2
        and stars.invoice_amount(1) == 1
    )
    assert (
        invoice_provider(DonationSettings(telegram_currency="usd", rials_per_unit=10_000), "telegram") is None
    )
    card = invoice_provider(
        DonationSettings(telegram_currency="usd", rials_per_unit=10_000, provider_token="1:TEST"), "telegram"
    )
    assert card is not None and (card.name, card.currency) == ("telegram", "USD")
    assert card.reference("abc") == "telegram:abc"


def test_gateway_needs_a_public_address() -> None:
    settings = DonationSettings(providers="invoice,zarinpal", zarinpal_merchant_id="x" * 36, sandbox=True)
    assert settings.zarinpal_base == "https://sandbox.zarinpal.com"
    assert payment_options(settings, platform_provider="bale_wallet", webhook_url=None).gateway is None
    assert any(
        "DONATION_PUBLIC_URL" in p
        for p in problems(settings, platform_provider="bale_wallet", webhook_url=None)
    )
    options = payment_options(
        settings, platform_provider="bale_wallet", webhook_url="https://bot.example.org"
    )
    assert options.gateway is not None
    assert options.gateway.callback_url == "https://bot.example.org/donations/zarinpal/callback"
    assert [p.name for p in options.providers] == ["bale_wallet", "zarinpal"]
    assert (
        DonationSettings(zarinpal_merchant_id="x" * 36, providers="zarinpal").zarinpal_base
        == "https://payment.zarinpal.com"
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"min_toman": "0"}, "DONATION_MIN_TOMAN"),
        ({"min_toman": "50000", "max_toman": "1000"}, "DONATION_MAX_TOMAN"),
        ({"presets_toman": "5000,abc"}, "DONATION_PRESETS_TOMAN"),
        ({"presets_toman": "5"}, "DONATION_PRESETS_TOMAN"),
        ({"providers": "invoice,paypal"}, "DONATION_PROVIDERS"),
        ({"providers": "zarinpal"}, "DONATION_ZARINPAL_MERCHANT_ID"),
        ({"zarinpal_merchant_id": "short"}, "DONATION_ZARINPAL_MERCHANT_ID"),
        ({"telegram_currency": "stars"}, "DONATION_TELEGRAM_CURRENCY"),
        ({"rials_per_unit": "-3"}, "DONATION_RIALS_PER_UNIT"),
        ({"public_url": "bot.example.org"}, "DONATION_PUBLIC_URL"),
    ],
)
def test_bad_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path, values: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for name, value in values.items():
        monkeypatch.setenv(f"DONATION_{name.upper()}", value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"setting {message} is invalid"), str(error.value)


def test_presets_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONATION_PRESETS_TOMAN", "200000, 50000,100000")
    monkeypatch.setenv("DONATION_PROVIDERS", "Invoice, ZARINPAL")
    monkeypatch.setenv("DONATION_ZARINPAL_MERCHANT_ID", "x" * 36)
    settings = load_settings().donations
    assert settings.presets_toman == [50_000, 100_000, 200_000]
    assert settings.providers == ["invoice", "zarinpal"] and settings.gateway_enabled
    with pytest.raises(ValidationError):
        DonationSettings(max_toman=5, min_toman=10)
