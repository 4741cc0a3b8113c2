"""Donations under faults: the same successful_payment reaching two workers at once — as one
update delivered twice and as a replay under another update id — is counted once."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from aiogram.types import Update
from pydantic_settings import BaseSettings

from bot.inbox import Outcome, UpdateInbox
from bot.settings import ScaleSettings
from models.db import create_engine, create_sessionmaker
from services.campaigns import campaign_total
from tests.conftest import Harness
from tests.donations.donation_helpers import (
    add_campaign,
    donate_to_campaign,
    donation_settings,
    paid_donations,
    receipts,
)
from tests.scale.scalekit import eventually, inbox_rows


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {"donations": donation_settings(flavor), "scale": ScaleSettings(worker_lease_seconds=2)}


async def test_the_same_successful_payment_at_two_workers_at_once_counts_once(
    hamdel_webhook: Harness,
) -> None:
    app = hamdel_webhook.app
    messenger = hamdel_webhook.messenger
    assert app.inbox is not None
    campaign_id = await add_campaign(hamdel_webhook)
    user = hamdel_webhook.user()
    await donate_to_campaign(user, "یلدای مهربانی")

    # The payment's first delivery goes nowhere (its worker answers 503 and the messenger gives up
    # for now), so that both of the deliveries below race to record it first.
    original = app.inbox.accept

    async def first_delivery_lost(bot: Any, update: Update, payload: dict[str, Any], **data: Any) -> Outcome:
        if update.message is not None and update.message.successful_payment is not None:
            return Outcome.RETRY
        return await original(bot, update, payload, **data)

    app.inbox.accept = first_delivery_lost  # type: ignore[method-assign]
    assert (await user.pay())["ok"]
    await messenger.settle()
    app.inbox.accept = original  # type: ignore[method-assign]
    assert await paid_donations(hamdel_webhook) == []

    payment = next(u for u in reversed(messenger.updates) if "successful_payment" in u.get("message", {}))
    replay = {**copy.deepcopy(payment), "update_id": payment["update_id"] + 1_000}
    engine = create_engine(app.settings.database.database_url)
    second = UpdateInbox(
        app.dispatcher,
        create_sessionmaker(engine),
        engine,
        platform=app.profile.platform.value,
        worker_id="second-worker",
    )
    try:
        deliveries = [(app.inbox, payment), (second, payment), (app.inbox, replay), (second, replay)]

        async def deliver(inbox: UpdateInbox, raw: dict[str, Any]) -> Outcome:
            raw = app.profile.normalize_update(copy.deepcopy(raw))
            return await inbox.accept(app.bot, Update.model_validate(raw, context={"bot": app.bot}), raw)

        outcomes = await asyncio.gather(*(deliver(inbox, raw) for inbox, raw in deliveries))
        # Each update id is processed by one worker; the replay is a new update (its own id).
        assert sorted(outcomes).count(Outcome.PROCESSED) == 2
        assert sorted(outcomes).count(Outcome.DUPLICATE) == 2
        await hamdel_webhook.settle()
        await eventually(lambda: _rows_done(hamdel_webhook))
    finally:
        await engine.dispose()

    [donation] = await paid_donations(hamdel_webhook)
    assert donation.amount_rials == 1_000_000
    async with hamdel_webhook.db() as session:
        assert (await campaign_total(session, campaign_id)).raised_rials == 1_000_000
    assert len(receipts(user)) == 1
    recorded = [
        s.value
        for metric in app.metrics.registry.collect()
        for s in metric.samples
        if s.name == "hamdel_donations_recorded_total"
    ]
    assert sum(recorded) == 1


async def _rows_done(hamdel: Harness) -> bool:
    rows = await inbox_rows(hamdel.app)
    return bool(rows) and {row.status for row in rows} == {"done"}
