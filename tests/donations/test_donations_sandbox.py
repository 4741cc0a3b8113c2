"""A donation in the terminal sandbox, with test money and the seeded sample campaigns."""

from __future__ import annotations

from pathlib import Path

from bot.settings import DatabaseSettings, DonationSettings, TelegramSettings, load_settings
from messenger.sandbox import open_sandbox
from services.campaigns import seed_sample_campaigns


async def test_sandbox_donation_with_test_money(tmp_path: Path, flavor: str) -> None:
    settings = load_settings(
        telegram=TelegramSettings(platform=flavor),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.db"),
        donations=DonationSettings(),
    )
    shown: list[str] = []
    async with open_sandbox(settings, shown.append) as sandbox:
        async with sandbox.app.sessionmaker() as session:
            await seed_sample_campaigns(session, sandbox.app.clock.now())
            await session.commit()
        await sandbox.handle("/donate")
        await sandbox.handle(f":{sandbox.donor.buttons().index('📣 ایران همدل') + 1}")
        await sandbox.handle(f":{sandbox.donor.buttons().index('۵۰٬۰۰۰ تومان') + 1}")
        await sandbox.handle(":1")  # the first way to pay
        await sandbox.handle(":pay")
        transcript = "\n".join(shown)
        assert "🧾 رسید کمک شما" in transcript, transcript[-2000:]
        assert "پویش «ایران همدل»" in transcript
