"""Settings: defaults, platform base URLs, and one clear line for each bad value."""

import subprocess
import sys

import pytest

from bot.settings import Platform, SettingsError, TelegramSettings, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in (
        "BOT_TOKEN",
        "PLATFORM",
        "BOT_API_BASE",
        "DATABASE_URL",
        "REDIS_URL",
        "ADMIN_IDS",
        "STAFF_CHAT_ID",
        "DEFAULT_LOCALE",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_LISTEN_PORT",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.platform is Platform.TELEGRAM
    assert settings.telegram.api_base == "https://api.telegram.org"
    assert settings.database.database_url == "sqlite+aiosqlite:///var/hamdel.db"
    assert settings.redis.redis_url is None
    assert settings.locale.default_locale == "fa"
    assert settings.webhook.url is None


def test_bale_base_and_custom_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM", "bale")
    assert load_settings().telegram.api_base == "https://tapi.bale.ai"
    monkeypatch.setenv("BOT_API_BASE", "http://127.0.0.1:8081/")
    assert load_settings().telegram.api_base == "http://127.0.0.1:8081"


def test_lists_and_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34,56")
    monkeypatch.setenv("STAFF_CHAT_ID", "-100123")
    settings = load_settings()
    assert settings.staff.admin_ids == [12, 34, 56]
    assert settings.staff.staff_chat_id == -100123


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PLATFORM", "whatsapp", "setting PLATFORM is invalid"),
        ("BOT_TOKEN", "not a token", "setting BOT_TOKEN is invalid"),
        ("DATABASE_URL", "mysql://x", "setting DATABASE_URL is invalid"),
        ("ADMIN_IDS", "12,abc", "setting ADMIN_IDS is invalid"),
        ("WEBHOOK_LISTEN_PORT", "99999", "setting WEBHOOK_LISTEN_PORT is invalid"),
        ("REDIS_URL", "localhost:6379", "setting REDIS_URL is invalid"),
        ("DEFAULT_LOCALE", "de", "setting DEFAULT_LOCALE is invalid"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_bad_setting_stops_the_bot_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={"PLATFORM": "icq", "PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "hamdel: setting PLATFORM is invalid: Input should be 'telegram' or 'bale'"
    ]
    assert "Traceback" not in result.stderr


def test_token_is_trimmed() -> None:
    assert TelegramSettings(bot_token=" 123:abc ").bot_token == "123:abc"


def test_env_example_copied_to_env_starts_with_the_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings()  # clean_env already made tmp_path the working directory
    assert settings.staff.staff_chat_id is None
    assert settings.telegram.bot_token is None
    assert settings.platform is Platform.TELEGRAM
