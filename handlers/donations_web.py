"""The Zarinpal gateway's return: the callback endpoint on the bot's own web server, the small
Persian right-to-left page the donor lands on, and a reconciler for payments whose donor never
came back from the bank.

Every callback — whatever its Status says — is verified with the gateway, with the amount stored
in our database (never one from the query string); codes 100 and 101 both record the payment,
once, through the UNIQUE provider reference; only a negative verify fails an order (and tells
the donor), and a failed order stays in the reconciler's set until that answer is final; a
verify that gets no usable answer is asked again, with backoff. The page shows no amount,
campaign or receipt number (whoever holds the URL may not be the donor): the receipt goes to
the chat.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

import jobs.payments
from bot.donation_views import DonRetry, donation_target_text, options_for, send_receipt
from bot.i18n import Translator
from bot.ui import Feature
from models.donation import AWAITING_PAYMENT, Donation, DonationStatus
from models.user import User
from services import donations as service
from services.payments import ZARINPAL_CALLBACK_PATH, VerifyStatus, ZarinpalGateway
from services.persian import format_toman

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.donations.web")


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    kind: str  # success | failed | pending | unknown
    body: str


def add_routes(app: HamdelApp, web_app: web.Application) -> None:
    async def callback(request: web.Request) -> web.Response:
        return await zarinpal_callback(app, request)

    web_app.router.add_get(ZARINPAL_CALLBACK_PATH, callback)


def _gateway(app: HamdelApp) -> ZarinpalGateway | None:
    return options_for(app.settings, app.profile).gateway


async def zarinpal_callback(app: HamdelApp, request: web.Request) -> web.Response:
    authority = request.query.get("Authority", "").strip()[:64]
    status = request.query.get("Status", "").strip().upper()[:8]
    gateway = _gateway(app)
    default_t = app.i18n.translator(app.settings.locale.default_locale)
    if gateway is None or not authority:
        return await _render(app, default_t, Page(404, "unknown", default_t("donations-page-unknown")))
    order = await service.find_gateway_order(app.sessionmaker, authority)
    if order is None:
        logger.warning("gateway callback for unknown authority %r (status %r)", authority, status)
        return await _render(app, default_t, Page(404, "unknown", default_t("donations-page-unknown")))
    t = app.i18n.translator(order.owner.language)
    logger.info("gateway callback for order %s (status %r): verifying", order.donation.payload, status)
    page = await settle(app, gateway, order.donation, order.owner, t, from_callback=True)
    return await _render(app, t, page)


async def settle(
    app: HamdelApp,
    gateway: ZarinpalGateway,
    donation: Donation,
    owner: User,
    t: Translator,
    *,
    from_callback: bool,
) -> Page:
    """Bring one gateway order to its outcome by asking the gateway. The callback's own Status
    is never trusted (a "NOK" carrying a paid order's Authority is verified like any other);
    only the gateway's negative verify answer fails an order, and only then is the donor told.
    `from_callback` is False when the reconciler asks (silent about payments that did not go
    through)."""
    if donation.status == DonationStatus.PAID.value:
        await _deliver_receipt(app, donation, owner, t)
        return Page(200, "success", t("donations-page-success"))
    if donation.status not in AWAITING_PAYMENT:
        return Page(200, "pending", t("donations-page-pending"))
    outcome = await gateway.verify(
        amount_rials=donation.invoice_amount or donation.amount_rials,
        authority=donation.gateway_authority or "",
    )
    now = app.clock.now()
    if outcome.paid:
        assert outcome.ref_id is not None
        record = await service.record_gateway_payment(
            app.sessionmaker,
            donation,
            provider=gateway.name,
            provider_ref=gateway.reference(outcome.ref_id),
            now=now,
        )
        paid = record.donation
        if record.new:
            logger.info("gateway payment %s recorded as receipt %s", outcome.ref_id, paid.receipt_number)
            app.metrics.donation_recorded(paid.amount_rials, paid.currency)
        if paid.status == DonationStatus.PAID.value:
            await _deliver_receipt(app, paid, owner, t)
            return Page(200, "success", t("donations-page-success"))
        return Page(200, "pending", t("donations-page-pending"))
    if outcome.status is VerifyStatus.FAILED:
        newly_failed = await service.gateway_refused(
            app.sessionmaker, donation, f"gateway:{outcome.code}", now
        )
        if newly_failed and from_callback:
            await _tell_failed(app, donation, owner, t)
        return Page(200, "failed", t("donations-page-cancelled"))
    await service.gateway_unanswered(app.sessionmaker, donation, now)
    return Page(200, "pending", t("donations-page-pending"))


async def _deliver_receipt(app: HamdelApp, donation: Donation, owner: User, t: Translator) -> None:
    async with app.sessionmaker() as session:  # send_receipt claims the receipt and commits
        await send_receipt(app.bot, session, t, owner.chat_id, donation, app.clock)


async def _tell_failed(app: HamdelApp, donation: Donation, owner: User, t: Translator) -> None:
    campaign = await service.order_campaign(app.sessionmaker, donation)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("donations-retry"), callback_data=DonRetry(id=donation.id).pack())]
        ]
    )
    text = t(
        "donations-payment-failed",
        amount=format_toman(donation.amount_rials, t.locale),
        target=donation_target_text(t, donation, campaign),
    )
    try:
        await app.bot.send_message(owner.chat_id, text, reply_markup=markup)
    except TelegramAPIError as error:
        logger.warning("could not tell %s that payment %s failed: %s", owner.chat_id, donation.payload, error)


_TEMPLATE = """<!doctype html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body {{ margin: 0; padding: 24px; background: #f5f6f8; color: #1f2933;
  font-family: Vazirmatn, "Noto Naskh Arabic", Tahoma, sans-serif; line-height: 1.9; }}
main {{ max-width: 460px; margin: 48px auto; padding: 32px 28px; background: #fff; border-radius: 18px;
  box-shadow: 0 4px 18px rgba(0, 0, 0, .07); text-align: center; }}
.icon {{ font-size: 48px; }}
h1 {{ font-size: 1.35em; margin: .4em 0; }}
.success h1 {{ color: #1b7f4b; }} .failed h1, .unknown h1 {{ color: #b42318; }} .pending h1 {{ color: #b54708; }}
a.back {{ display: inline-block; margin-top: 18px; padding: 12px 26px; border-radius: 12px; background: #1b7f4b;
  color: #fff; text-decoration: none; }}
</style>
</head>
<body>
<main class="{kind}">
<div class="icon">{icon}</div>
<h1>{heading}</h1>
<p>{body}</p>
{link}
</main>
</body>
</html>
"""

_ICONS = {"success": "✅", "failed": "⚠️", "pending": "⏳", "unknown": "❔"}


async def _render(app: HamdelApp, t: Translator, page: Page) -> web.Response:
    link = ""
    try:
        me = await app.bot.me()
        if me.username:
            href = html.escape(app.profile.bot_link_base + me.username, quote=True)
            link = f'<a class="back" href="{href}">{html.escape(t("donations-page-back"))}</a>'
    except TelegramAPIError as error:
        logger.warning("no bot username for the return page: %s", error)
    document = _TEMPLATE.format(
        lang=t.locale,
        direction="rtl" if t.locale == "fa" else "ltr",
        title=html.escape(t("donations-page-title")),
        kind=page.kind,
        icon=_ICONS[page.kind],
        heading=html.escape(t(f"donations-page-{page.kind}-heading")),
        body=html.escape(page.body),
        link=link,
    )
    return web.Response(
        status=page.status,
        text=document,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# --- Reconciler (a job: jobs.payments) ---------------------------------------------------------


async def reconcile_once(app: HamdelApp) -> int:
    """Ask the gateway about orders whose check is due: pending ones whose donor never came back
    (or whose verify had no answer), and failed ones whose negative answer came while the bank's
    session could still be open. Returns how many were settled as paid."""
    gateway = _gateway(app)
    if gateway is None:
        return 0
    settled = 0
    for order in await service.gateway_orders_to_check(
        app.background_sessions, gateway.name, app.clock.now()
    ):
        owner = order.owner
        page = await settle(
            app, gateway, order.donation, owner, app.i18n.translator(owner.language), from_callback=False
        )
        settled += page.kind == "success"
    return settled


async def start_reconciler(app: HamdelApp) -> None:
    """At boot, when a gateway is configured: `reconcile_once` on the scheduler."""
    if _gateway(app) is not None:
        jobs.payments.start_reconciler(app, lambda: reconcile_once(app))


# The bank gateway's return page and its reconciler (the donate flow itself is handlers/donations.py).
feature = Feature(
    name="donations-gateway",
    on_startup=(start_reconciler,),
    web_routes=(add_routes,),
    web_needed=lambda settings: settings.donations.gateway_enabled,
)
