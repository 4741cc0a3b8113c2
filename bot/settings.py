"""Configuration from the environment and `.env`, split by concern.

Every setting is documented in `.env.example`. `load_settings()` turns a missing or malformed
value into one `SettingsError` line naming the variable, never a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Platform(StrEnum):
    TELEGRAM = "telegram"
    BALE = "bale"


class SettingsError(Exception):
    """A configuration problem, worded for the person starting the bot."""


def _section(prefix: str = "") -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix, env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )


def _int_list(value: Any) -> Any:
    if isinstance(value, str):
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    return value


class TelegramSettings(BaseSettings):
    """How to reach the messenger's Bot API (Telegram or Bale)."""

    model_config = _section()

    bot_token: str | None = None
    platform: Platform = Platform.TELEGRAM
    bot_api_base: str | None = None
    request_timeout: float = Field(default=30.0, gt=0)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or " " in value.strip()):
            raise ValueError("expected the token BotFather gave you, like 123456:ABC-DEF")
        return value.strip() if value else None

    @field_validator("bot_api_base")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def api_base(self) -> str:
        if self.bot_api_base:
            return self.bot_api_base
        return "https://tapi.bale.ai" if self.platform is Platform.BALE else "https://api.telegram.org"


class DatabaseSettings(BaseSettings):
    """The relational database (SQLite embedded by default, PostgreSQL for scale-out)."""

    model_config = _section()

    database_url: str = "sqlite+aiosqlite:///var/hamdel.db"
    database_echo: bool = False
    sqlite_busy_timeout_ms: int = Field(default=15_000, ge=0)

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db")
        return value


class RedisSettings(BaseSettings):
    """Optional Redis: FSM storage and per-user event isolation across workers."""

    model_config = _section()

    redis_url: str | None = None
    fsm_state_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)

    @field_validator("redis_url")
    @classmethod
    def _scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must look like redis://host:6379/0")
        return value or None


class StaffSettings(BaseSettings):
    """Who runs the bot: admins by user id and the working group's chat."""

    model_config = _section()

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    staff_chat_id: int | None = None

    _split_admins = field_validator("admin_ids", mode="before")(_int_list)


class LocaleSettings(BaseSettings):
    model_config = _section()

    default_locale: Literal["fa", "en"] = "fa"


class WebhookSettings(BaseSettings):
    """Webhook mode (instead of long polling) when WEBHOOK_URL is set."""

    model_config = _section("WEBHOOK_")

    url: str | None = None
    secret: str | None = None
    path: str = "/webhook"
    listen_host: str = "0.0.0.0"
    listen_port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be the public https:// address the messenger posts to")
        return value.rstrip("/") if value else None

    @field_validator("secret")
    @classmethod
    def _secret_shape(cls, value: str | None) -> str | None:
        if value is not None and not (
            1 <= len(value) <= 256 and value.replace("_", "").replace("-", "").isalnum()
        ):
            raise ValueError("1–256 characters of A–Z, a–z, 0–9, _ and -")
        return value


class TicketSettings(BaseSettings):
    """Donors' tickets to the working group: limits, SLA, routing by category, numbering."""

    model_config = SettingsConfigDict(**_section("TICKET_"), populate_by_name=True)

    attachment_limit: int = Field(default=5, ge=0, le=10)
    text_limit: int = Field(default=2000, ge=50, le=3000)
    sla_hours: float = Field(
        default=24, gt=0, le=24 * 30, validation_alias=AliasChoices("SLA_HOURS", "TICKET_SLA_HOURS")
    )
    reminder_hours: float = Field(default=12, gt=0, le=24 * 30)
    check_seconds: float = Field(default=300, gt=0)
    # Category → staff chat (others go to STAFF_CHAT_ID), e.g. "payment=-1001234567890,technical=-100…".
    routes: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    number_prefix: str = "T"

    @field_validator("routes", mode="before")
    @classmethod
    def _parse_routes(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        routes: dict[str, int] = {}
        for part in value.replace(" ", "").split(","):
            if not part:
                continue
            category, separator, chat = part.replace(":", "=", 1).partition("=")
            if not separator:
                raise ValueError(f"expected category=chat_id, got {part!r}")
            try:
                routes[category.lower()] = int(chat)
            except ValueError:
                raise ValueError(f"chat id of {category!r} must be a number") from None
        return routes

    @field_validator("routes")
    @classmethod
    def _known_routes(cls, value: dict[str, int]) -> dict[str, int]:
        from models.tickets import TicketCategory

        for category, chat_id in value.items():
            if category not in TicketCategory._value2member_map_:
                known = ", ".join(TicketCategory)
                raise ValueError(f"unknown category {category!r} (known: {known})")
            if chat_id >= 0:
                raise ValueError(f"chat id of {category!r} must be a group id (negative)")
        return value

    @field_validator("number_prefix")
    @classmethod
    def _prefix_shape(cls, value: str) -> str:
        if not (1 <= len(value) <= 6 and value.isascii() and value.isalpha()):
            raise ValueError("1–6 Latin letters, like T")
        return value.upper()

    def chat_for(self, category: str, default: int | None) -> int | None:
        """The staff chat a ticket of `category` goes to."""
        return self.routes.get(category, default)

    @property
    def routed_chat_ids(self) -> frozenset[int]:
        return frozenset(self.routes.values())


class KnowledgeSettings(BaseSettings):
    """Staff-edited content: the dowry-kit rulebook and the FAQ (empty: the files in data/)."""

    model_config = _section()

    eligibility_rulebook: str | None = None
    faq_file: str | None = None


class StatusSettings(BaseSettings):
    """Application status: the national-code hashing key, lookup limits, CSV import."""

    model_config = _section()

    # Required with a real BOT_TOKEN; the sandbox and tests use a fixed, non-secret key.
    national_code_hmac_key: SecretStr | None = None
    status_lookup_max_failures: int = Field(default=5, ge=1)
    status_lookup_window_seconds: int = Field(default=3600, ge=60)
    status_csv_max_bytes: int = Field(default=2_000_000, ge=1_000)
    status_notify_interval_seconds: float = Field(default=30.0, gt=0)

    @field_validator("national_code_hmac_key")
    @classmethod
    def _key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 32:
            raise ValueError("use at least 32 random characters, e.g. the output of `openssl rand -hex 32`")
        return value


class Settings(BaseModel):
    """All settings of one bot process."""

    model_config = {"frozen": True}

    telegram: TelegramSettings
    database: DatabaseSettings
    redis: RedisSettings
    staff: StaffSettings
    locale: LocaleSettings
    webhook: WebhookSettings
    tickets: TicketSettings
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    status: StatusSettings = Field(default_factory=StatusSettings)

    @cached_property
    def platform(self) -> Platform:
        return self.telegram.platform


SECTIONS: dict[str, type[BaseSettings]] = {
    "telegram": TelegramSettings,
    "database": DatabaseSettings,
    "redis": RedisSettings,
    "staff": StaffSettings,
    "locale": LocaleSettings,
    "webhook": WebhookSettings,
    "tickets": TicketSettings,
    "knowledge": KnowledgeSettings,
    "status": StatusSettings,
}


def load_settings(**overrides: BaseSettings) -> Settings:
    """Read every section from the environment; `overrides` replace whole sections (tests)."""
    sections: dict[str, BaseSettings] = {}
    for name, section in SECTIONS.items():
        if name in overrides:
            sections[name] = overrides[name]
            continue
        try:
            sections[name] = section()
        except ValidationError as error:
            raise SettingsError(_describe(error, section)) from None
    return Settings.model_validate(sections)


def _describe(error: ValidationError, section: type[BaseSettings]) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    prefix = section.model_config.get("env_prefix", "") or ""
    message = first["msg"].removeprefix("Value error, ")
    return f"setting {(prefix + field).upper()} is invalid: {message}"
