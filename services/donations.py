"""Donations: what a gift is for, its amount, the pending order, and recording a payment exactly
once with a gapless receipt number.

A donation row is created *pending* when the donor asks to pay (its `payload` is the invoice
payload or the gateway order id) and becomes *paid* only when the provider confirms the payment.
`provider_ref` — the provider's charge or reference id, namespaced by provider — is UNIQUE, so a
redelivered `successful_payment` or a replayed gateway callback can never count twice, even when
two deliveries race each other on different workers.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from models.db import dialect_module
from models.donation import AWAITING_PAYMENT, Campaign, Donation, DonationStatus, Purpose, ReceiptSequence
from models.user import User
from services import regions
from services.amounts import AmountProblem as ParseProblem
from services.amounts import ParsedAmount, Slip
from services.campaigns import is_open
from services.payments import GatewayError, ZarinpalGateway
from services.persian import jalali_year, toman_to_rials

logger = logging.getLogger("hamdel.donations")

PURPOSES: tuple[Purpose, ...] = (
    Purpose.LIVING,
    Purpose.HOUSING,
    Purpose.DOWRY,
    Purpose.ALMS,
    Purpose.ORPHANS,
    Purpose.GENERAL,
)
_PURPOSE_VALUES = {purpose.value for purpose in PURPOSES}


@dataclass(frozen=True, slots=True)
class Target:
    """What a gift is for: a campaign, or a purpose with an optional province and county."""

    campaign_id: int | None = None
    purpose: str | None = None
    province_id: str | None = None
    county_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        campaign_id = data.get("campaign_id")
        return cls(
            campaign_id=int(campaign_id) if isinstance(campaign_id, int) else None,
            purpose=data.get("purpose") if isinstance(data.get("purpose"), str) else None,
            province_id=data.get("province_id") if isinstance(data.get("province_id"), str) else None,
            county_id=data.get("county_id") if isinstance(data.get("county_id"), str) else None,
        )

    @property
    def complete(self) -> bool:
        return self.campaign_id is not None or self.purpose is not None

    def valid(self) -> bool:
        """A campaign id, or a known purpose whose county (if any) lies in its province."""
        if self.campaign_id is not None:
            return self.purpose is None
        if self.purpose not in _PURPOSE_VALUES:
            return False
        if self.province_id is None:
            return self.county_id is None
        if regions.default_regions().find_province(self.province_id) is None:
            return False
        return self.county_id is None or regions.county_in_province(self.county_id, self.province_id)


# --- Amounts --------------------------------------------------------------------------------------


class AmountProblem(StrEnum):
    UNREADABLE = "unreadable"
    ZERO = "zero"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    FOREIGN_CURRENCY = "foreign_currency"


@dataclass(frozen=True, slots=True)
class AmountCheck:
    rials: int | None
    problem: AmountProblem | None = None
    slip: Slip | None = None  # out of the limits, but probably meant as this amount: ask


def check_amount(toman: int | None, *, min_toman: int, max_toman: int) -> AmountCheck:
    """An amount in toman (a preset button, or a typed amount read by `parse_amount`) against the
    limits."""
    if toman is None:
        return AmountCheck(None, AmountProblem.UNREADABLE)
    if toman <= 0:
        return AmountCheck(None, AmountProblem.ZERO)
    if toman < min_toman:
        return AmountCheck(None, AmountProblem.TOO_SMALL)
    if toman > max_toman:
        return AmountCheck(None, AmountProblem.TOO_LARGE)
    return AmountCheck(toman_to_rials(toman))


def check_typed_amount(parsed: ParsedAmount, *, min_toman: int, max_toman: int) -> AmountCheck:
    """A typed amount against the limits; an amount outside them that looks like a slip («۷۵
    تومن» for 75,000, rials typed as toman) carries the amount probably meant."""
    if parsed.problem is ParseProblem.FOREIGN_CURRENCY:
        return AmountCheck(None, AmountProblem.FOREIGN_CURRENCY)
    checked = check_amount(parsed.toman, min_toman=min_toman, max_toman=max_toman)
    if checked.problem in (AmountProblem.TOO_SMALL, AmountProblem.TOO_LARGE):
        slip = parsed.suspect(min_toman=min_toman, max_toman=max_toman)
        return AmountCheck(None, checked.problem, slip)
    return checked


# --- Orders ---------------------------------------------------------------------------------------


def new_order_token() -> str:
    """An unguessable order id: the invoice payload and the gateway's order id (16 characters)."""
    return secrets.token_urlsafe(12)


async def user_is_banned(session: AsyncSession, user_id: int) -> bool:
    return bool(await session.scalar(_IS_BANNED, {"w_id": user_id}))


# Statements of every payment, built once (building one cost about as much as running it).
_IS_BANNED = select(User.is_banned).where(User.id == bindparam("w_id"))


async def open_order(
    session: AsyncSession,
    *,
    user_id: int,
    target: Target,
    amount_rials: int,
    provider: str,
    currency: str,
    invoice_amount: int,
    payload: str,
    now: datetime,
) -> Donation:
    """The pending donation for `payload`, which the caller found none for yet (a Pay button
    pressed again is answered from the order it made); a concurrent press that made it first
    (the payload is unique) gets that one."""
    donation = Donation(
        user_id=user_id,
        campaign_id=target.campaign_id,
        purpose=target.purpose,
        province_id=target.province_id,
        county_id=target.county_id,
        amount_rials=amount_rials,
        provider=provider,
        currency=currency,
        invoice_amount=invoice_amount,
        status=DonationStatus.PENDING.value,
        payload=payload,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(donation)
    except IntegrityError:
        # The same button pressed twice at once on two workers: the other one made it.
        found = await find_by_payload(session, payload)
        if found is None:
            raise
        return found
    return donation


async def find_by_payload(session: AsyncSession, payload: str) -> Donation | None:
    return await session.scalar(_BY_PAYLOAD, {"w_payload": payload})


_BY_PAYLOAD = select(Donation).where(Donation.payload == bindparam("w_payload"))


async def find_by_authority(session: AsyncSession, authority: str) -> Donation | None:
    return await session.scalar(select(Donation).where(Donation.gateway_authority == authority))


async def get_donation(session: AsyncSession, donation_id: int) -> Donation | None:
    return await session.get(Donation, donation_id)


# --- Checkout: the Pay button ------------------------------------------------------------------------


class PayOutcome(StrEnum):
    # A repeat press of a Pay button: the same order, never a second one.
    STALE = "stale"  # someone else's order, or one that can no longer be paid this way
    ALREADY_PAID = "already_paid"
    RESEND_INVOICE = "resend_invoice"  # pending invoice order: its invoice again
    RESEND_LINK = "resend_link"  # pending gateway order: its link again
    # A first press.
    BANNED = "banned"
    CAMPAIGN_CLOSED = "campaign_closed"
    ORDERED = "ordered"  # a new pending order: send its invoice, or open it at the gateway
    GATEWAY = "gateway"  # a new pending gateway order with its authority: send the link
    GATEWAY_DOWN = "gateway_down"  # the gateway did not open the payment: the order failed


@dataclass(frozen=True, slots=True)
class PayResult:
    outcome: PayOutcome
    donation: Donation | None = None


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What the chosen way to pay charges: `amount_rials` is what the receipt shows (an invoice
    rounds up to whole Stars or cents), `invoice_amount` the provider's own units."""

    provider: str
    currency: str
    amount_rials: int
    invoice_amount: int


def pressed_again(order: Donation, *, user_id: int, provider: str | None, invoice: bool) -> PayOutcome:
    """What a repeat press of the Pay button of `order` does (`provider` is the way to pay on the
    button, `invoice` whether it is an in-chat invoice rather than a gateway)."""
    if order.user_id != user_id:
        return PayOutcome.STALE
    if order.status == DonationStatus.PAID.value:
        return PayOutcome.ALREADY_PAID
    if order.status != DonationStatus.PENDING.value or provider is None:
        return PayOutcome.STALE
    if invoice:
        return PayOutcome.RESEND_INVOICE if order.provider == provider else PayOutcome.STALE
    return PayOutcome.RESEND_LINK if order.gateway_authority else PayOutcome.STALE


async def place_order(
    session: AsyncSession, *, user_id: int, target: Target, terms: OrderTerms, payload: str, now: datetime
) -> PayResult:
    """A first press of Pay: the pending order for `payload` (ORDERED), unless the donor is banned
    or the campaign closed meanwhile."""
    if await user_is_banned(session, user_id):
        return PayResult(PayOutcome.BANNED)
    if target.campaign_id is not None:
        campaign = await session.get(Campaign, target.campaign_id)
        if campaign is None or not is_open(campaign, now):
            return PayResult(PayOutcome.CAMPAIGN_CLOSED)
    donation = await open_order(
        session,
        user_id=user_id,
        target=target,
        amount_rials=terms.amount_rials,
        provider=terms.provider,
        currency=terms.currency,
        invoice_amount=terms.invoice_amount,
        payload=payload,
        now=now,
    )
    return PayResult(PayOutcome.ORDERED, donation)


async def invoice_refused(session: AsyncSession, donation_id: int) -> bool:
    """The platform refused the invoice (an amount outside its limits, a provider token it does
    not take): nothing was charged, the order fails."""
    return await mark_failed(session, donation_id, "invoice-refused")


async def open_gateway_payment(
    session: AsyncSession, donation: Donation, gateway: ZarinpalGateway, *, description: str, now: datetime
) -> PayResult:
    """Ask the bank's gateway to open the payment of a pending order: GATEWAY with the authority
    set, or GATEWAY_DOWN with the order failed. Owns its transaction: the order is committed
    before the slow call (no write lock is held while the gateway answers), and its outcome after."""
    await session.commit()
    try:
        authority = await gateway.request(
            amount_rials=donation.amount_rials, description=description, order_id=donation.payload
        )
    except GatewayError as error:
        logger.warning("zarinpal request for order %s failed: %s", donation.payload, error)
        await mark_failed(session, donation.id, f"request:{error.code}" if error.code else "request")
        await session.commit()
        return PayResult(PayOutcome.GATEWAY_DOWN, donation)
    await set_authority(session, donation.id, authority, now)
    donation.gateway_authority = authority
    await session.commit()
    return PayResult(PayOutcome.GATEWAY, donation)


# --- Gateway verification ---------------------------------------------------------------------------
#
# Only the gateway's own verify answer changes a gateway order. A negative answer while the bank's
# session may still be open (a forged "cancelled" callback, a donor still on the bank's page) is
# not final: the order is failed but checked again once the session is over; an unusable answer
# (network, 5xx) is asked again with backoff. After GATEWAY_WINDOW nobody asks any more.

GATEWAY_SESSION = timedelta(minutes=20)
GATEWAY_WINDOW = timedelta(days=1)
VERIFY_BACKOFF = timedelta(minutes=2)
VERIFY_BACKOFF_MAX = timedelta(hours=1)


def next_verify(created_at: datetime, now: datetime, *, negative: bool, attempts: int) -> datetime | None:
    """When to ask the gateway again about an order after an answer that was not "paid"; None
    when the answer is final (negative once the bank's session is over) or the window has passed."""
    session_over = created_at + GATEWAY_SESSION
    if negative:
        return None if now >= session_over else session_over
    when = max(now + min(VERIFY_BACKOFF * 2 ** min(attempts, 10), VERIFY_BACKOFF_MAX), session_over)
    return when if when <= created_at + GATEWAY_WINDOW else None


async def set_authority(session: AsyncSession, donation_id: int, authority: str, now: datetime) -> None:
    """The gateway opened the payment: the reconciler first asks about it when the bank's session
    is over (unless the donor's return settles it first)."""
    await session.execute(
        update(Donation)
        .where(Donation.id == donation_id)
        .values(gateway_authority=authority, next_verify_at=now + GATEWAY_SESSION)
    )


async def verify_refused(session: AsyncSession, donation: Donation, detail: str, now: datetime) -> bool:
    """The gateway answered that this order is not paid: pending → failed, and the next check
    scheduled unless the answer is final. True when the order was pending until now."""
    recheck = next_verify(donation.created_at, now, negative=True, attempts=donation.verify_attempts)
    result = await session.execute(
        update(Donation)
        .where(Donation.id == donation.id, Donation.status == DonationStatus.PENDING.value)
        .values(status=DonationStatus.FAILED.value, status_detail=detail[:64], next_verify_at=recheck)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    await session.execute(
        update(Donation)
        .where(Donation.id == donation.id, Donation.status == DonationStatus.FAILED.value)
        .values(next_verify_at=recheck)
    )
    return False


async def verify_unanswered(session: AsyncSession, donation: Donation, now: datetime) -> None:
    """The gateway gave no usable answer: ask again later, backing off."""
    attempts = donation.verify_attempts + 1
    await session.execute(
        update(Donation)
        .where(
            Donation.id == donation.id,
            Donation.status.in_(AWAITING_PAYMENT),
        )
        .values(
            verify_attempts=attempts,
            next_verify_at=next_verify(donation.created_at, now, negative=False, attempts=attempts),
        )
    )


async def gateway_orders_due(
    session: AsyncSession, provider: str, now: datetime, limit: int = 100
) -> list[Donation]:
    """Gateway orders, pending or failed, whose next check is due (inside the window)."""
    return list(
        await session.scalars(
            select(Donation)
            .where(
                Donation.provider == provider,
                Donation.status.in_(AWAITING_PAYMENT),
                Donation.gateway_authority.is_not(None),
                Donation.next_verify_at.is_not(None),
                Donation.next_verify_at <= now,
                Donation.created_at >= now - GATEWAY_WINDOW,
            )
            .order_by(Donation.next_verify_at, Donation.id)
            .limit(limit)
        )
    )


# -- the gateway's orders, each step in its own transaction (the callback and the reconciler
# call the gateway between them: no transaction is open across that network call) ----------


@dataclass(frozen=True, slots=True)
class GatewayOrder:
    donation: Donation
    owner: User


async def find_gateway_order(
    sessions: async_sessionmaker[AsyncSession], authority: str
) -> GatewayOrder | None:
    """The order the gateway's callback names, with the person who placed it."""
    async with sessions() as session:
        donation = await find_by_authority(session, authority)
        owner = await session.get(User, donation.user_id) if donation is not None else None
    return GatewayOrder(donation, owner) if donation is not None and owner is not None else None


async def gateway_orders_to_check(
    sessions: async_sessionmaker[AsyncSession], provider: str, now: datetime
) -> list[GatewayOrder]:
    """`gateway_orders_due` with the people who placed them (the reconciler's round)."""
    async with sessions() as session:
        due = await gateway_orders_due(session, provider, now)
        owners = {
            u.id: u for u in await session.scalars(select(User).where(User.id.in_({d.user_id for d in due})))
        }
    return [GatewayOrder(d, owners[d.user_id]) for d in due if d.user_id in owners]


async def order_campaign(sessions: async_sessionmaker[AsyncSession], order: Donation) -> Campaign | None:
    if order.campaign_id is None:
        return None
    async with sessions() as session:
        return await session.get(Campaign, order.campaign_id)


async def record_gateway_payment(
    sessions: async_sessionmaker[AsyncSession],
    order: Donation,
    *,
    provider: str,
    provider_ref: str,
    now: datetime,
) -> PaymentRecord:
    """The gateway confirmed the order: `record_payment` for its invoice, committed."""
    async with sessions() as session:
        record = await record_payment(
            session,
            user_id=order.user_id,
            payload=order.payload,
            order=await find_by_payload(session, order.payload),
            provider=provider,
            provider_ref=provider_ref,
            currency="IRR",
            total_amount=order.invoice_amount or order.amount_rials,
            amount_rials=order.amount_rials,
            now=now,
        )
        await session.commit()
    return record


async def gateway_refused(
    sessions: async_sessionmaker[AsyncSession], order: Donation, detail: str, now: datetime
) -> bool:
    """`verify_refused`, committed: True when the order has just failed."""
    async with sessions() as session:
        newly_failed = await verify_refused(session, order, detail, now)
        await session.commit()
    return newly_failed


async def gateway_unanswered(
    sessions: async_sessionmaker[AsyncSession], order: Donation, now: datetime
) -> None:
    """`verify_unanswered`, committed (asked again later, with backoff)."""
    async with sessions() as session:
        await verify_unanswered(session, order, now)
        await session.commit()


async def mark_failed(session: AsyncSession, donation_id: int, detail: str) -> bool:
    """Pending → failed (a cancelled or refused payment); False when it was not pending."""
    result = await session.execute(
        update(Donation)
        .where(Donation.id == donation_id, Donation.status == DonationStatus.PENDING.value)
        .values(status=DonationStatus.FAILED.value, status_detail=detail[:64])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_receipt(session: AsyncSession, donation_id: int, now: datetime) -> bool:
    """Claim the right to send this donation's receipt (once): True for the one caller that set
    `receipt_sent_at`. Commits (the claim is durable before the receipt leaves, whichever door
    sends it); `release_receipt` when the send failed."""
    result = await session.execute(_CLAIM_RECEIPT, {"w_id": donation_id, "w_now": now})
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_receipt(session: AsyncSession, donation_id: int) -> None:
    """Give a claimed receipt back (its send failed): the next delivery of the payment sends it."""
    await session.execute(_RELEASE_RECEIPT, {"w_id": donation_id})
    await session.commit()


# On the table (no loaded donation reads `receipt_sent_at`), built once: every payment's receipt.
_DONATIONS = cast(Table, Donation.__table__)
_CLAIM_RECEIPT = (
    update(_DONATIONS)
    .where(
        _DONATIONS.c.id == bindparam("w_id"),
        _DONATIONS.c.status == DonationStatus.PAID.value,
        _DONATIONS.c.receipt_sent_at.is_(None),
    )
    .values(receipt_sent_at=bindparam("w_now"))
)
_RELEASE_RECEIPT = update(_DONATIONS).where(_DONATIONS.c.id == bindparam("w_id")).values(receipt_sent_at=None)


# --- Pre-checkout ---------------------------------------------------------------------------------


class PreCheckoutProblem(StrEnum):
    UNKNOWN = "unknown"
    NOT_YOURS = "not_yours"
    ALREADY_PAID = "already_paid"
    EXPIRED = "expired"
    MISMATCH = "mismatch"
    CAMPAIGN_CLOSED = "campaign_closed"
    BANNED = "banned"
    BUSY = "busy"  # the check took longer than the platform waits: declined politely


async def check_pre_checkout(
    session: AsyncSession,
    *,
    user_id: int,
    payload: str,
    currency: str,
    total_amount: int,
    now: datetime,
    budget: float | None = None,
) -> PreCheckoutProblem | None:
    """None when the payment may go ahead: the pending order exists, is this donor's, is not paid
    yet, matches the amount and currency, its campaign is still open, and the donor is not barred.
    BUSY when that took over `budget` seconds (the platform waits 10 s for the answer)."""
    try:
        async with asyncio.timeout(budget):
            return await _pre_checkout_problem(
                session,
                user_id=user_id,
                payload=payload,
                currency=currency,
                total_amount=total_amount,
                now=now,
            )
    except TimeoutError:
        logger.error("pre-checkout %s took over %.0f s: declined", payload, budget or 0)
        await session.rollback()
        return PreCheckoutProblem.BUSY


async def _pre_checkout_problem(
    session: AsyncSession, *, user_id: int, payload: str, currency: str, total_amount: int, now: datetime
) -> PreCheckoutProblem | None:
    donation = await find_by_payload(session, payload)
    if donation is None:
        return PreCheckoutProblem.UNKNOWN
    if donation.user_id != user_id:
        return PreCheckoutProblem.NOT_YOURS
    if donation.status == DonationStatus.PAID.value:
        return PreCheckoutProblem.ALREADY_PAID
    if donation.status != DonationStatus.PENDING.value:
        return PreCheckoutProblem.EXPIRED
    if donation.currency != currency or donation.invoice_amount != total_amount:
        return PreCheckoutProblem.MISMATCH
    if await user_is_banned(session, user_id):
        return PreCheckoutProblem.BANNED
    if donation.campaign_id is not None:
        campaign = await session.get(Campaign, donation.campaign_id)
        if campaign is None or not is_open(campaign, now):
            return PreCheckoutProblem.CAMPAIGN_CLOSED
    return None


# --- Recording payments ---------------------------------------------------------------------------


class RecordResult(StrEnum):
    RECORDED = "recorded"  # the pending order is now paid
    DUPLICATE = "duplicate"  # this provider reference was recorded before: nothing changed
    EXTRA = "extra"  # the order was already paid by another payment: recorded as a new gift
    ORPHAN = "orphan"  # no order for this payload: recorded as a general gift, and logged
    HELD = "held"  # another currency or amount than the order's: held for staff review


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    result: RecordResult
    donation: Donation

    @property
    def new(self) -> bool:
        return self.result is not RecordResult.DUPLICATE


async def next_receipt_number(session: AsyncSession, now: datetime) -> str:
    """«1405-000042»: gapless per Jalali year (the counter row is updated in the payment's own
    transaction, so a rolled-back payment gives its number back)."""
    year = jalali_year(now)
    number = await session.scalar(_BUMP_RECEIPT_NUMBER, {"w_year": year})
    if number is None:
        dialect = dialect_module(session.get_bind().dialect.name)
        await session.execute(
            dialect.insert(ReceiptSequence).values(year=year, last_number=0).on_conflict_do_nothing()
        )
        number = await session.scalar(_BUMP_RECEIPT_NUMBER, {"w_year": year})
    assert number is not None
    return f"{year}-{number:06d}"


_RECEIPT_SEQUENCES = cast(Table, ReceiptSequence.__table__)
_BUMP_RECEIPT_NUMBER = (  # on the table: no loaded object holds the counter
    update(_RECEIPT_SEQUENCES)
    .where(_RECEIPT_SEQUENCES.c.year == bindparam("w_year"))
    .values(last_number=_RECEIPT_SEQUENCES.c.last_number + 1)
    .returning(_RECEIPT_SEQUENCES.c.last_number)
)


async def _by_reference(session: AsyncSession, provider_ref: str) -> Donation | None:
    return await session.scalar(_BY_REFERENCE, {"w_ref": provider_ref})


_BY_REFERENCE = (
    select(Donation)
    .where(Donation.provider_ref == bindparam("w_ref"))
    .execution_options(populate_existing=True)
)


# On the table, returning the row: the ORM's UPDATE machinery (its evaluation of the WHERE would
# judge bind parameters by their declared values) is not needed, and `order` takes the returned
# row (`_take_row`) instead of being read again.
_SET_RECEIPT_NUMBER = (
    update(_DONATIONS)
    .where(_DONATIONS.c.id == bindparam("w_id"))
    .values(receipt_number=bindparam("w_receipt"))
    .returning(*_DONATIONS.c)
)
_DONATION_ATTRIBUTES = tuple(
    (attribute.key, attribute.columns[0]) for attribute in inspect(Donation).column_attrs
)


def _take_row(donation: Donation, row: Row[Any]) -> None:
    """`donation` as its row now is (an UPDATE … RETURNING of every column): what a refresh
    would load, without reading it again."""
    values = row._mapping
    for key, column in _DONATION_ATTRIBUTES:
        set_committed_value(donation, key, values[column])


def ordered_terms(order: Donation) -> str:
    """What a held payment's order asked for, kept in its `status_detail` for the reviewer
    (the row itself holds what was paid)."""
    return f"ordered:{order.invoice_amount} {order.currency}"[:64]


async def record_payment(
    session: AsyncSession,
    *,
    user_id: int,
    payload: str,
    order: Donation | None,
    provider: str,
    provider_ref: str,
    currency: str,
    total_amount: int,
    amount_rials: int | None,
    now: datetime,
) -> PaymentRecord:
    """Record a confirmed payment exactly once.

    `provider_ref` is the provider's id for this payment; `currency` and `total_amount` are what
    the provider says was paid, `amount_rials` what that is worth in rials (None: a currency we
    cannot convert). A payment that differs from its order's currency or amount — or that we
    cannot value — is HELD for staff review: it gets no receipt number and counts toward
    nothing. Safe to call again with the same reference, and safe when two calls race: the
    UNIQUE reference decides, the loser gets DUPLICATE. `order`: the order `payload` names, as
    the caller loaded it in this session (`find_by_payload`; None: no such order)."""
    pending = order is not None and order.status in AWAITING_PAYMENT
    if not pending:  # a pending order's UPDATE below meets a recorded reference by its UNIQUE index
        existing = await _by_reference(session, provider_ref)
        if existing is not None:
            return PaymentRecord(RecordResult.DUPLICATE, existing)

    matches = (
        order is not None
        and amount_rials is not None
        and order.currency == currency
        and order.invoice_amount == total_amount
    )
    if order is not None and pending:
        values: dict[str, Any] = {
            "status": DonationStatus.PAID.value if matches else DonationStatus.HELD.value,
            "provider_ref": provider_ref,
            "paid_at": now,
            "status_detail": None if matches else ordered_terms(order),
            "next_verify_at": None,
        }
        if not matches:
            logger.error(
                "payment %s for order %s: paid %s %s, order says %s %s: held for review",
                provider_ref,
                payload,
                total_amount,
                currency,
                order.invoice_amount,
                order.currency,
            )
            values.update(currency=currency, invoice_amount=total_amount)
            if amount_rials:
                values.update(amount_rials=amount_rials)
        try:
            async with session.begin_nested():
                row = (
                    await session.execute(  # on the table, as _SET_RECEIPT_NUMBER
                        update(_DONATIONS)
                        .where(_DONATIONS.c.id == order.id, _DONATIONS.c.status == order.status)
                        .values(**values)
                        .returning(*_DONATIONS.c)
                    )
                ).first()
                if row is not None and matches:
                    receipt = await next_receipt_number(session, now)
                    parameters = {"w_id": order.id, "w_receipt": receipt}
                    row = (await session.execute(_SET_RECEIPT_NUMBER, parameters)).one()
        except IntegrityError:
            row = None
        if row is not None:
            _take_row(order, row)
            return PaymentRecord(RecordResult.RECORDED if matches else RecordResult.HELD, order)
        # Someone else changed the order meanwhile: the same payment (duplicate), or another one.
        existing = await _by_reference(session, provider_ref)
        if existing is not None:
            return PaymentRecord(RecordResult.DUPLICATE, existing)
        await session.refresh(order)

    # A second payment of a paid order, or one for no known order: a gift of its own when it
    # matches its order (or, without an order, when we can value it); otherwise held.
    hold = amount_rials is None or (order is not None and not matches)
    if hold:
        logger.error(
            "payment %s (%s %s) for order %r: held for review", provider_ref, total_amount, currency, payload
        )
        result_kind = RecordResult.HELD
        detail = ordered_terms(order) if order is not None else "unknown-order"
    elif order is None:
        logger.error("payment %s for unknown order %r: recorded as a general gift", provider_ref, payload)
        result_kind, detail = RecordResult.ORPHAN, "unknown-order"
    else:
        logger.warning("order %s paid again by %s: recorded as a new gift", payload, provider_ref)
        result_kind, detail = RecordResult.EXTRA, "extra-payment"
    digest = hashlib.sha256(provider_ref.encode()).hexdigest()[:16]
    gift = Donation(
        user_id=order.user_id if order is not None else user_id,
        campaign_id=order.campaign_id if order is not None else None,
        purpose=order.purpose if order is not None else Purpose.GENERAL.value,
        province_id=order.province_id if order is not None else None,
        county_id=order.county_id if order is not None else None,
        amount_rials=amount_rials or (order.amount_rials if order is not None else max(total_amount, 1)),
        provider=provider,
        currency=currency,
        invoice_amount=total_amount,
        status=DonationStatus.HELD.value if hold else DonationStatus.PAID.value,
        payload=f"{payload[:40]}+{digest}" if order is not None else f"orphan+{digest}",
        provider_ref=provider_ref,
        status_detail=detail,
        created_at=now,
        paid_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(gift)
            await session.flush()
            if not hold:
                gift.receipt_number = await next_receipt_number(session, now)
                await session.flush()
    except IntegrityError:
        existing = await _by_reference(session, provider_ref)
        if existing is None:
            raise
        return PaymentRecord(RecordResult.DUPLICATE, existing)
    return PaymentRecord(result_kind, gift)


# --- History --------------------------------------------------------------------------------------


async def receipted_gift(session: AsyncSession, user_id: int, donation_id: int) -> Donation | None:
    """One of this donor's gifts that has a receipt (paid or refunded since), or None."""
    return await session.scalar(
        select(Donation).where(
            Donation.id == donation_id,
            Donation.user_id == user_id,
            Donation.status.in_((DonationStatus.PAID.value, DonationStatus.REFUNDED.value)),
            Donation.receipt_number.is_not(None),
        )
    )


@dataclass(frozen=True, slots=True)
class History:
    donations: list[Donation]
    count: int
    total_rials: int
    campaigns: dict[int, Campaign]
    page: int
    pages: int


async def donor_history(session: AsyncSession, user_id: int, *, page: int, per_page: int) -> History:
    """One page of a donor's paid (and refunded) gifts, newest first, with their count and paid
    total; a page past the end shows the last one."""
    shown = (DonationStatus.PAID.value, DonationStatus.REFUNDED.value)
    count, total = (
        await session.execute(
            select(
                func.count(Donation.id),
                func.coalesce(
                    func.sum(Donation.amount_rials).filter(Donation.status == DonationStatus.PAID.value), 0
                ),
            ).where(Donation.user_id == user_id, Donation.status.in_(shown))
        )
    ).one()
    pages = max(1, -(-int(count) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = list(
        await session.scalars(
            select(Donation)
            .where(Donation.user_id == user_id, Donation.status.in_(shown))
            .order_by(Donation.paid_at.desc(), Donation.id.desc())
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    campaign_ids = {d.campaign_id for d in rows if d.campaign_id is not None}
    campaigns = (
        {c.id: c for c in await session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))}
        if campaign_ids
        else {}
    )
    return History(rows, int(count), int(total), campaigns, page, pages)
