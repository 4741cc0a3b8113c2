"""Health and metrics on the bot's web server, and the Bot API failing: 5xx and 429 retried,
timeouts survived without a duplicate message, every error counted by its code."""

from __future__ import annotations

import aiohttp
import pytest
from pydantic_settings import BaseSettings

from bot.settings import ScaleSettings, TelegramSettings
from tests.conftest import SANDBOX_TOKEN, Harness
from tests.scale.scalekit import eventually, texts

WELCOME = "به «همدل» خوش آمدید"


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {
        # Short enough for the timeout test to be quick, long enough for a loaded test machine.
        "telegram": TelegramSettings(
            bot_token=SANDBOX_TOKEN, platform=flavor, bot_api_base="http://127.0.0.1:1", request_timeout=2
        ),
        # Health and metrics on the webhook listener, as a deployment may choose (off by default).
        "scale": ScaleSettings(worker_lease_seconds=1, metrics_on_webhook=True),
    }


async def _get(hamdel: Harness, path: str) -> tuple[int, str]:
    # The bot's web server is where the webhook registered with the messenger points.
    url = hamdel.messenger._webhook_url.split("/webhook")[0] + path
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


async def test_health_reports_database_redis_version_and_platform(hamdel_webhook: Harness) -> None:
    status, body = await _get(hamdel_webhook, "/healthz")
    assert status == 200, body
    import json

    report = json.loads(body)
    assert report["status"] == "ok"
    assert report["database"] == "ok"
    expected_redis = "ok" if hamdel_webhook.settings.redis.redis_url else "not configured"
    assert report["redis"] == expected_redis
    assert report["platform"] == hamdel_webhook.app.profile.platform.value
    assert report["version"]
    hamdel_webhook.app.gate.close()  # draining for shutdown: the load balancer must look elsewhere
    status, body = await _get(hamdel_webhook, "/healthz")
    assert status == 503
    assert json.loads(body)["status"] == "draining"


async def test_metrics_count_updates_latency_and_bot_api_errors(hamdel_webhook: Harness) -> None:
    user = hamdel_webhook.user()
    hamdel_webhook.messenger.fail_next("sendMessage", status=502, times=1)
    await user.send("/start")
    await user.next_message()
    await user.send("/help")
    await user.next_message()
    hamdel_webhook.app.metrics.donation_recorded(500_000)
    await hamdel_webhook.settle()
    status, body = await _get(hamdel_webhook, "/metrics")
    assert status == 200
    assert 'hamdel_updates_total{outcome="handled",type="message"} 2.0' in body
    assert 'hamdel_update_duration_seconds_count{type="message"} 2.0' in body
    assert 'hamdel_bot_api_errors_total{code="502",method="sendMessage"} 1.0' in body
    assert "hamdel_outbox_backlog 0.0" in body  # counted from the outbox at each scrape
    assert "hamdel_inbox_unfinished 0.0" in body
    assert 'hamdel_donations_recorded_total{currency="IRR"} 1.0' in body
    assert "hamdel_inbox_replays_total 0.0" in body


async def test_bot_api_5xx_and_429_are_retried_and_the_user_gets_one_answer(hamdel: Harness) -> None:
    user = hamdel.user()
    hamdel.messenger.fail_next("sendMessage", status=500, times=2)
    await user.send("/start")
    assert WELCOME in (await user.next_message(timeout=10))["text"]
    hamdel.messenger.fail_next("sendMessage", status=429, retry_after=1)
    await user.send("/help")
    await user.next_message(timeout=10)
    await hamdel.settle()
    assert sum(WELCOME in text for text in texts(user)) == 1
    assert len(user.messages) == 2
    errors = {
        (s.labels["code"], s.labels["method"]): s.value
        for metric in hamdel.app.metrics.registry.collect()
        for s in metric.samples
        if s.name == "hamdel_bot_api_errors_total"
    }
    assert errors[("500", "sendMessage")] == 2
    assert errors[("429", "sendMessage")] == 1


async def test_a_send_that_times_out_is_not_repeated_and_the_bot_keeps_going(hamdel: Harness) -> None:
    user = hamdel.user()
    # The Bot API takes longer than REQUEST_TIMEOUT: the message may still arrive (here it does,
    # late, after the apology the errors router sends), so it is never sent a second time; the
    # bot stays responsive.
    hamdel.messenger.delay_next("sendMessage", seconds=3)
    await user.send("/start")
    await eventually(lambda: any(WELCOME in text for text in texts(user)), within=10)
    await user.send("/help")
    await eventually(lambda: any("راهنمای همدل" in text for text in texts(user)), within=10)
    await hamdel.settle()
    assert sum(WELCOME in text for text in texts(user)) == 1
    errors = [
        s.value
        for metric in hamdel.app.metrics.registry.collect()
        for s in metric.samples
        if s.name == "hamdel_bot_api_errors_total" and s.labels["code"] == "0"
    ]
    assert errors == [1.0]  # one timeout, not retried
