"""Payment providers behind one interface, chosen by settings and the platform.

- In-chat invoices (`sendInvoice` → `pre_checkout_query` → `successful_payment`):
  Bale's wallet (IRR, the wallet's provider token), Telegram Payments (a provider token and a
  Telegram currency) and Telegram Stars (XTR, no provider token). `InvoiceProvider` turns an
  amount in rials into the invoice's currency and back.
- The Zarinpal v4 web gateway: `request` → the donor opens StartPay → the gateway sends them
  back to our callback → `verify` with the amount stored in our database.

Nothing here touches the database or aiogram; `services.donations` records the outcomes.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp

from bot.settings import DonationSettings

logger = logging.getLogger("hamdel.payments")

BALE_TEST_WALLET_TOKEN = "WALLET-TEST-1111111111111111"
ZARINPAL_CALLBACK_PATH = "/donations/zarinpal/callback"


class ProviderKind(StrEnum):
    INVOICE = "invoice"
    GATEWAY = "gateway"


@dataclass(frozen=True, slots=True)
class InvoiceTerms:
    currency: str
    total_amount: int
    provider_token: str | None


@dataclass(frozen=True, slots=True)
class InvoiceProvider:
    """An in-chat invoice. `rials_per_unit` is what one smallest unit of `currency` is worth in
    rials (1 for IRR)."""

    name: str
    currency: str
    provider_token: str | None
    rials_per_unit: int
    kind: ProviderKind = ProviderKind.INVOICE

    def terms(self, amount_rials: int) -> InvoiceTerms:
        return InvoiceTerms(self.currency, self.invoice_amount(amount_rials), self.provider_token)

    def invoice_amount(self, amount_rials: int) -> int:
        """The charge in the currency's smallest unit, rounded up (never less than one unit)."""
        return max(1, math.ceil(amount_rials / self.rials_per_unit))

    def rials_for(self, total_amount: int) -> int:
        return total_amount * self.rials_per_unit

    def reference(self, charge_id: str) -> str:
        """The UNIQUE provider reference stored for a payment: namespaced by provider."""
        return f"{self.name}:{charge_id}"


class VerifyStatus(StrEnum):
    VERIFIED = "verified"  # code 100
    ALREADY_VERIFIED = "already_verified"  # code 101
    FAILED = "failed"  # a negative code: the payment did not go through (or not for this amount)
    ERROR = "error"  # no usable answer (network, timeout, 5xx): try again later


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    status: VerifyStatus
    code: int | None = None
    ref_id: str | None = None
    card_pan: str | None = None

    @property
    def paid(self) -> bool:
        return self.status in (VerifyStatus.VERIFIED, VerifyStatus.ALREADY_VERIFIED) and bool(self.ref_id)


class GatewayError(Exception):
    """The gateway refused to start a payment, or could not be reached."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class ZarinpalGateway:
    """Zarinpal's v4 REST API (amounts in rials, currency IRR)."""

    merchant_id: str
    base_url: str
    callback_url: str
    timeout: float = 15.0
    name: str = "zarinpal"
    kind: ProviderKind = ProviderKind.GATEWAY

    def start_pay_url(self, authority: str) -> str:
        return f"{self.base_url}/pg/StartPay/{authority}"

    def reference(self, ref_id: str) -> str:
        return f"{self.name}:{ref_id}"

    async def request(self, *, amount_rials: int, description: str, order_id: str) -> str:
        """Open a payment; returns the authority. Raises GatewayError."""
        body = {
            "merchant_id": self.merchant_id,
            "amount": amount_rials,
            "currency": "IRR",
            "description": description[:255],
            "callback_url": self.callback_url,
            "metadata": {"order_id": order_id},
        }
        try:
            payload = await self._post("/pg/v4/payment/request.json", body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise GatewayError(f"request failed: {error!r}") from error
        code, data = _code_and_data(payload)
        authority = data.get("authority") if isinstance(data, dict) else None
        if code != 100 or not isinstance(authority, str) or not authority:
            raise GatewayError(f"request refused with code {code}", code)
        return authority

    async def verify(self, *, amount_rials: int, authority: str) -> VerifyOutcome:
        """Confirm a payment for the amount we stored; never raises."""
        body = {"merchant_id": self.merchant_id, "amount": amount_rials, "authority": authority}
        try:
            payload = await self._post("/pg/v4/payment/verify.json", body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            logger.warning("zarinpal verify for %s failed: %r", authority, error)
            return VerifyOutcome(VerifyStatus.ERROR)
        code, data = _code_and_data(payload)
        if code in (100, 101) and isinstance(data, dict):
            ref_id = data.get("ref_id")
            status = VerifyStatus.VERIFIED if code == 100 else VerifyStatus.ALREADY_VERIFIED
            if ref_id in (None, ""):
                logger.error("zarinpal verify for %s: code %s without ref_id", authority, code)
                return VerifyOutcome(VerifyStatus.ERROR, code)
            pan = data.get("card_pan")
            return VerifyOutcome(status, code, str(ref_id), str(pan) if pan else None)
        if isinstance(code, int) and code < 0:
            return VerifyOutcome(VerifyStatus.FAILED, code)
        logger.warning("zarinpal verify for %s: unexpected answer %r", authority, payload)
        return VerifyOutcome(VerifyStatus.ERROR, code)

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(self.base_url + path, json=body, headers={"Accept": "application/json"}) as response,
        ):
            if response.status >= 500:
                raise aiohttp.ClientResponseError(
                    response.request_info, response.history, status=response.status, message="server error"
                )
            return await response.json(content_type=None)


def _code_and_data(payload: Any) -> tuple[int | None, Any]:
    """Zarinpal answers {"data": {...,"code": 100}, "errors": []} on success and
    {"data": [], "errors": {"code": -9, "message": ...}} on failure."""
    if not isinstance(payload, dict):
        return None, None
    data, errors = payload.get("data"), payload.get("errors")
    for source in (data, errors):
        if isinstance(source, dict) and isinstance(source.get("code"), int):
            return int(source["code"]), data
    return None, data


PaymentProvider = InvoiceProvider | ZarinpalGateway


@dataclass(frozen=True, slots=True)
class PaymentOptions:
    """The ways to pay this bot offers, in the order they are shown."""

    providers: tuple[PaymentProvider, ...]

    def get(self, name: str) -> PaymentProvider | None:
        return next((p for p in self.providers if p.name == name), None)

    @property
    def invoice(self) -> InvoiceProvider | None:
        return next((p for p in self.providers if isinstance(p, InvoiceProvider)), None)

    @property
    def gateway(self) -> ZarinpalGateway | None:
        return next((p for p in self.providers if isinstance(p, ZarinpalGateway)), None)

    def __bool__(self) -> bool:
        return bool(self.providers)


def invoice_provider(settings: DonationSettings, platform_provider: str) -> InvoiceProvider | None:
    """The platform's in-chat invoice as configured, or None when it cannot be offered."""
    if platform_provider == "bale_wallet":
        token = settings.provider_token or (BALE_TEST_WALLET_TOKEN if settings.sandbox else None)
        return InvoiceProvider("bale_wallet", "IRR", token, 1) if token else None
    if settings.rials_per_unit is None:
        return None
    if settings.telegram_currency == "XTR":
        return InvoiceProvider("telegram_stars", "XTR", None, settings.rials_per_unit)
    if not settings.provider_token:
        return None
    return InvoiceProvider(
        "telegram", settings.telegram_currency, settings.provider_token, settings.rials_per_unit
    )


def callback_base(settings: DonationSettings, webhook_url: str | None) -> str | None:
    return settings.public_url or webhook_url


def payment_options(
    settings: DonationSettings, *, platform_provider: str, webhook_url: str | None
) -> PaymentOptions:
    providers: list[PaymentProvider] = []
    for name in settings.providers:
        if name == "invoice":
            invoice = invoice_provider(settings, platform_provider)
            if invoice is not None:
                providers.append(invoice)
        elif name == "zarinpal" and settings.gateway_enabled:
            base = callback_base(settings, webhook_url)
            if base and settings.zarinpal_merchant_id:
                providers.append(
                    ZarinpalGateway(
                        merchant_id=settings.zarinpal_merchant_id,
                        base_url=settings.zarinpal_base,
                        callback_url=base + ZARINPAL_CALLBACK_PATH,
                        timeout=settings.gateway_timeout,
                    )
                )
    return PaymentOptions(tuple(providers))


def problems(settings: DonationSettings, *, platform_provider: str, webhook_url: str | None) -> list[str]:
    """Why a configured way to pay cannot be offered (logged at start)."""
    found: list[str] = []
    if "invoice" in settings.providers and invoice_provider(settings, platform_provider) is None:
        if platform_provider == "bale_wallet":
            found.append("Bale wallet invoices need DONATION_PROVIDER_TOKEN (or DONATION_SANDBOX=true)")
        elif settings.rials_per_unit is None:
            found.append("Telegram invoices need DONATION_RIALS_PER_UNIT (rials per Star or per cent)")
        else:
            found.append(f"Telegram invoices in {settings.telegram_currency} need DONATION_PROVIDER_TOKEN")
    if settings.gateway_enabled and not callback_base(settings, webhook_url):
        found.append("the Zarinpal gateway needs DONATION_PUBLIC_URL (or WEBHOOK_URL) for its callback")
    return found
