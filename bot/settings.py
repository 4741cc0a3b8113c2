"""Configuration from the environment and `.env`, split by concern.

Every setting is documented in `.env.example`. `load_settings()` turns a missing or malformed
value into one `SettingsError` line naming the variable, never a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Platform(StrEnum):
    TELEGRAM = "telegram"
    BALE = "bale"


# A token for the sandbox and tests, where the local messenger accepts anything.
SANDBOX_TOKEN = "1000000:SANDBOX-local-messenger"


class SettingsError(Exception):
    """A configuration problem, worded for the person starting the bot."""


def _section(prefix: str = "") -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `NAME=` in .env (as in .env.example) means "use the default"
        extra="ignore",
        frozen=True,
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
    # PostgreSQL: connections a worker keeps (opened when first needed) and more for a burst.
    postgres_pool_size: int = Field(default=20, ge=1, le=500)
    postgres_pool_overflow: int = Field(default=10, ge=0, le=500)

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
    # Every key this bot writes starts with it (several bots, or test runs, can share one Redis).
    redis_key_prefix: str = Field(
        default="hamdel", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$"
    )

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


class BroadcastSettings(BaseSettings):
    """Broadcasts and campaign notifications: send rates, retries, batches, progress, scanner."""

    model_config = _section("BROADCAST_")

    # Bulk send rate per platform (messages per second, all workers together).
    telegram_rate: float = Field(default=30.0, gt=0, le=1000)
    bale_rate: float = Field(default=20.0, gt=0, le=1000)
    # At most this many messages per second to one chat.
    per_chat_rate: float = Field(default=1.0, gt=0, le=30)
    # At most this many messages per minute to one group (a chat id below zero; Telegram: 20).
    per_group_per_minute: float = Field(default=20.0, gt=0, le=1800)
    # Telegram paid broadcasts (allow_paid_broadcast, charged in Stars): up to 1000/s.
    paid: bool = False
    paid_rate: float = Field(default=1000.0, gt=0, le=1000)
    # Seconds to pause all sending after a 429 that names no retry_after (Bale names none).
    retry_after_fallback: float = Field(default=5.0, gt=0, le=3600)
    # Server errors and timeouts: attempts per recipient, exponential backoff base and cap (s).
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_base: float = Field(default=1.0, gt=0, le=600)
    backoff_max: float = Field(default=60.0, gt=0, le=3600)
    # Recipients written to (and claimed from) the outbox per transaction.
    batch_size: int = Field(default=500, ge=10, le=20_000)
    # Sends awaiting an answer at once (per worker).
    max_in_flight: int = Field(default=32, ge=1, le=1000)
    # Seconds between edits of the author's progress message (at least).
    progress_interval: float = Field(default=5.0, ge=1, le=3600)
    # Seconds between scans for campaign milestones (live, 50 %, 100 %, closed).
    scanner_interval: float = Field(default=60.0, gt=0, le=86_400)
    # Seconds between looks for due or resumed broadcasts when idle.
    poll_interval: float = Field(default=2.0, gt=0, le=600)
    # The bot's processes send broadcasts themselves; false when `python -m bot deliver` does.
    delivery_in_bot: bool = True
    # Seconds after which recipients claimed by a silent (crashed) worker are sent by another.
    claim_lease: float = Field(default=60.0, ge=1, le=86_400)
    # A campaign that went live longer ago than this (hours) is not announced any more.
    live_notice_max_age_hours: float = Field(default=72.0, gt=0)

    def rate_for(self, platform: Platform, *, paid: bool = False) -> float:
        if paid:
            return self.paid_rate
        return self.bale_rate if platform is Platform.BALE else self.telegram_rate


class ScaleSettings(BaseSettings):
    """Running as several workers: the update inbox, leases, graceful shutdown and metrics (see
    README "Scaling out"; the shared sending budget is BroadcastSettings')."""

    model_config = _section()

    # Webhook worker processes `python -m bot run` starts on one port (needs PostgreSQL + Redis).
    workers: int = Field(default=1, ge=1, le=64)
    # How long a dead worker's unfinished update and per-user lock stay held before another
    # worker takes over; live workers renew theirs every third of it.
    worker_lease_seconds: float = Field(default=15.0, ge=0.5, le=600)
    # Finished updates are remembered (to drop duplicate deliveries) this long.
    update_retention_hours: float = Field(default=48.0, gt=0)
    # An update failing on an unreachable database or Redis is retried (with backoff) until it is
    # this old; then a last attempt answers the person with an apology instead of silence.
    update_retry_seconds: float = Field(default=120.0, ge=0)
    # SIGTERM: seconds to finish updates in flight and sends in progress before exiting anyway.
    shutdown_timeout: float = Field(default=25.0, ge=0)
    # Health and metrics on their own port (worker i listens on METRICS_PORT + i), bound to
    # METRICS_HOST (loopback unless set: donation totals, version and host are not public);
    # empty: not served at all (unless METRICS_ON_WEBHOOK).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    # Also serve /healthz and /metrics on the public webhook listener (off: it answers 404).
    metrics_on_webhook: bool = False
    # The event loop of the bot's processes: uvloop (libuv, ~10 % less CPU per update) or Python's
    # own asyncio loop (also where uvloop is not installed, e.g. on Windows).
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class TicketSettings(BaseSettings):
    """Donors' tickets to the working group: limits, SLA, routing by category, numbering."""

    model_config = SettingsConfigDict(**_section("TICKET_"), populate_by_name=True)

    attachment_limit: int = Field(default=5, ge=0, le=10)
    text_limit: int = Field(default=2000, ge=50, le=3000)
    description_min: int = Field(default=15, ge=1, le=50)
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


def _str_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip().lower() for part in value.split(",") if part.strip()]
    return value


class DonationSettings(BaseSettings):
    """Micro-donations: amounts in toman, the payment providers and the web gateway."""

    model_config = _section("DONATION_")

    min_toman: int = Field(default=10_000, gt=0)
    max_toman: int = Field(default=100_000_000, gt=0)
    presets_toman: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [50_000, 100_000, 200_000, 500_000, 1_000_000]
    )
    # Which ways to pay are offered: `invoice` (in-chat: Bale wallet, Telegram Payments or
    # Stars) and `zarinpal` (the web gateway).
    providers: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["invoice"])
    # Bale: the wallet's provider token; Telegram: the payment provider token from BotFather.
    provider_token: str | None = None
    # Telegram invoices: XTR (Telegram Stars, no provider token) or an ISO code Telegram accepts.
    telegram_currency: str = "XTR"
    # Rials one smallest unit of the Telegram currency is worth (one Star, one cent). Required
    # for Telegram invoices: there is no safe default exchange rate.
    rials_per_unit: int | None = Field(default=None, gt=0)
    zarinpal_merchant_id: str | None = None
    # Test mode: Bale's test wallet token when no token is set, Zarinpal's sandbox host.
    sandbox: bool = False
    # The gateway's address; empty: Zarinpal's production or sandbox host.
    gateway_base_url: str | None = None
    gateway_timeout: float = Field(default=15.0, gt=0)
    # Public address of the bot's web server, where the gateway sends the donor back; empty:
    # WEBHOOK_URL.
    public_url: str | None = None

    _split_presets = field_validator("presets_toman", mode="before")(_int_list)
    _split_providers = field_validator("providers", mode="before")(_str_list)

    @field_validator("max_toman")
    @classmethod
    def _max_above_min(cls, value: int, info: ValidationInfo) -> int:
        if value < info.data.get("min_toman", 0):
            raise ValueError("must not be below DONATION_MIN_TOMAN")
        return value

    @field_validator("presets_toman")
    @classmethod
    def _presets_in_range(cls, value: list[int], info: ValidationInfo) -> list[int]:
        low, high = info.data.get("min_toman", 1), info.data.get("max_toman", max(value, default=0))
        if not 1 <= len(value) <= 8 or any(not low <= amount <= high for amount in value):
            raise ValueError("1 to 8 amounts between DONATION_MIN_TOMAN and DONATION_MAX_TOMAN")
        return sorted(set(value))

    @field_validator("providers")
    @classmethod
    def _known_providers(cls, value: list[str]) -> list[str]:
        unknown = set(value) - {"invoice", "zarinpal"}
        if unknown or not value:
            raise ValueError("a comma-separated list of: invoice, zarinpal")
        return list(dict.fromkeys(value))

    @field_validator("telegram_currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValueError("a three-letter currency code, e.g. XTR or USD")
        return value

    @field_validator("zarinpal_merchant_id")
    @classmethod
    def _merchant_shape(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip() or None
        if value is None and "zarinpal" in info.data.get("providers", ()):
            raise ValueError("required when DONATION_PROVIDERS has zarinpal")
        if value is not None and len(value) != 36:
            raise ValueError("the 36-character merchant id Zarinpal gave you")
        return value

    @field_validator("gateway_base_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test)")
        return value.rstrip("/")

    @property
    def gateway_enabled(self) -> bool:
        return "zarinpal" in self.providers and self.zarinpal_merchant_id is not None

    @property
    def zarinpal_base(self) -> str:
        if self.gateway_base_url:
            return self.gateway_base_url
        return "https://sandbox.zarinpal.com" if self.sandbox else "https://payment.zarinpal.com"


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


class LimitSettings(BaseSettings):
    """How much one person may send to the working group (0 turns a quota off)."""

    model_config = _section()

    staff_questions_per_hour: int = Field(default=5, ge=0, le=1000)
    tickets_per_day: int = Field(default=3, ge=0, le=1000)
    followups_per_hour: int = Field(default=20, ge=0, le=1000)
    staff_cooldown_seconds: int = Field(default=30, ge=0, le=86_400)


class ConsoleSettings(BaseSettings):
    """The working group's web console: its own listener, the address its links use, sign-in
    and session lifetimes. Off until CONSOLE_PUBLIC_URL is set."""

    model_config = _section("CONSOLE_")

    # Where staff reach the console (links in /console point here); empty: the console is off.
    public_url: str | None = None
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8090, ge=0, le=65535)  # 0: any free port (tests)
    # Signs the one-time sign-in links. Required with a real BOT_TOKEN.
    secret: SecretStr | None = None
    link_minutes: float = Field(default=5, gt=0, le=60)
    idle_minutes: float = Field(default=30, gt=0, le=24 * 60)
    session_hours: float = Field(default=12, gt=0, le=24 * 30)

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be the address staff open, like https://console.example.org")
        return value.rstrip("/")

    @field_validator("secret")
    @classmethod
    def _secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 32:
            raise ValueError("use at least 32 random characters, e.g. the output of `openssl rand -hex 32`")
        return value

    @property
    def enabled(self) -> bool:
        return self.public_url is not None

    @property
    def secure(self) -> bool:
        """Cookies get `Secure` (and the `__Host-` name) when staff reach it over https."""
        return bool(self.public_url and self.public_url.startswith("https://"))


class Settings(BaseModel):
    """All settings of one bot process."""

    model_config = {"frozen": True}

    telegram: TelegramSettings
    database: DatabaseSettings
    redis: RedisSettings
    staff: StaffSettings
    locale: LocaleSettings
    webhook: WebhookSettings
    broadcast: BroadcastSettings
    scale: ScaleSettings
    tickets: TicketSettings
    donations: DonationSettings
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    status: StatusSettings = Field(default_factory=StatusSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    console: ConsoleSettings = Field(default_factory=ConsoleSettings)

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
    "broadcast": BroadcastSettings,
    "scale": ScaleSettings,
    "tickets": TicketSettings,
    "donations": DonationSettings,
    "knowledge": KnowledgeSettings,
    "status": StatusSettings,
    "limits": LimitSettings,
    "console": ConsoleSettings,
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
