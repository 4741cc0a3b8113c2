"""The daily donation summary (`models.stats.DonationDay`): the triggers that keep it, a full
rebuild, and reading it for a range of Tehran days.

The summary is kept by the database (triggers on ``donations``), not by the payment code, so
every writer counts: a payment or a second payment, a held gift released, a refund, a row
inserted by a seed or a test. A donation counts while its status is ``paid``, on the Tehran day
of its ``paid_at`` (Iran keeps UTC+03:30 all year since 2022, as `services.stats`), in four
dimensions: all, its campaign, its purpose (else its campaign's), its province (else its
campaign's). A campaign's purpose or province edited later does not move gifts already
summarised; :func:`rebuild` recounts everything (``python -m bot`` is not needed: the benchmark
and the migration call it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from models.stats import DonationDay

DIMENSIONS = ("all", "campaign", "purpose", "province")

# The four keys of a donation row `R` (NEW or OLD in a trigger), as SQL.
_KEYS = {
    "all": "''",
    "campaign": "COALESCE(CAST({r}.campaign_id AS TEXT), '')",
    "purpose": "COALESCE({r}.purpose, (SELECT c.purpose FROM campaigns c WHERE c.id = {r}.campaign_id), '')",
    "province": (
        "COALESCE({r}.province_id, (SELECT c.province_id FROM campaigns c WHERE c.id = {r}.campaign_id), '')"
    ),
}

_SQLITE_DAY = "date({r}.paid_at, '+3 hours', '+30 minutes')"
_PG_DAY = "CAST(({r}.paid_at AT TIME ZONE 'UTC') + INTERVAL '3 hours 30 minutes' AS DATE)"


def _sqlite_add(row: str, sign: str) -> str:
    selects = " UNION ALL ".join(
        f"SELECT '{dimension}', {_SQLITE_DAY.format(r=row)}, {key.format(r=row)}, "
        f"{sign}{row}.amount_rials, {sign}1"
        for dimension, key in _KEYS.items()
    )
    return (
        "INSERT INTO donation_days (dimension, day, key, rials, count) "
        f"SELECT * FROM ({selects}) WHERE {row}.status = 'paid' AND {row}.paid_at IS NOT NULL "
        "ON CONFLICT (dimension, day, key) DO UPDATE SET "
        "rials = donation_days.rials + excluded.rials, count = donation_days.count + excluded.count;"
    )


SQLITE_TRIGGERS = (
    "CREATE TRIGGER donation_days_insert AFTER INSERT ON donations "
    f"WHEN NEW.status = 'paid' BEGIN {_sqlite_add('NEW', '')} END",
    "CREATE TRIGGER donation_days_update AFTER UPDATE OF status, paid_at, amount_rials, campaign_id, "
    "purpose, province_id ON donations WHEN OLD.status = 'paid' OR NEW.status = 'paid' "
    f"BEGIN {_sqlite_add('OLD', '-')} {_sqlite_add('NEW', '')} END",
    "CREATE TRIGGER donation_days_delete AFTER DELETE ON donations "
    f"WHEN OLD.status = 'paid' BEGIN {_sqlite_add('OLD', '-')} END",
)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS donation_days_{name}" for name in ("insert", "update", "delete"))


def _pg_values(row: str, sign: str) -> str:
    return ", ".join(
        f"('{dimension}', {_PG_DAY.format(r=row)}, {key.format(r=row)}, {sign}{row}.amount_rials, {sign}1)"
        for dimension, key in _KEYS.items()
    )


_PG_UPSERT = (
    "INSERT INTO donation_days (dimension, day, key, rials, count) VALUES {values} "
    "ON CONFLICT (dimension, day, key) DO UPDATE SET "
    "rials = donation_days.rials + EXCLUDED.rials, count = donation_days.count + EXCLUDED.count;"
)

POSTGRES_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION donation_days_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status = 'paid' AND OLD.paid_at IS NOT NULL THEN
            {_PG_UPSERT.format(values=_pg_values("OLD", "-"))}
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status = 'paid' AND NEW.paid_at IS NOT NULL THEN
            {_PG_UPSERT.format(values=_pg_values("NEW", ""))}
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER donation_days_insert AFTER INSERT ON donations FOR EACH ROW "
    "WHEN (NEW.status = 'paid') EXECUTE FUNCTION donation_days_change()",
    "CREATE TRIGGER donation_days_update AFTER UPDATE OF status, paid_at, amount_rials, campaign_id, "
    "purpose, province_id ON donations FOR EACH ROW WHEN (OLD.status = 'paid' OR NEW.status = 'paid') "
    "EXECUTE FUNCTION donation_days_change()",
    "CREATE TRIGGER donation_days_delete AFTER DELETE ON donations FOR EACH ROW "
    "WHEN (OLD.status = 'paid') EXECUTE FUNCTION donation_days_change()",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS donation_days_insert ON donations",
    "DROP TRIGGER IF EXISTS donation_days_update ON donations",
    "DROP TRIGGER IF EXISTS donation_days_delete ON donations",
    "DROP FUNCTION IF EXISTS donation_days_change()",
)


def trigger_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def drop_ddl(dialect: str) -> tuple[str, ...]:
    return POSTGRES_DROP if dialect == "postgresql" else SQLITE_DROP


def rebuild_sql(dialect: str) -> tuple[str, ...]:
    """Recount the whole summary from ``donations`` (one grouped scan per dimension)."""
    day = (_PG_DAY if dialect == "postgresql" else _SQLITE_DAY).format(r="d")
    statements = ["DELETE FROM donation_days"]
    for dimension, key in _KEYS.items():
        keyed = key.format(r="d")
        grouped = day if dimension == "all" else f"{day}, {keyed}"
        statements.append(
            "INSERT INTO donation_days (dimension, day, key, rials, count) "
            f"SELECT '{dimension}', {day}, {keyed}, SUM(d.amount_rials), COUNT(*) FROM donations d "
            f"WHERE d.status = 'paid' AND d.paid_at IS NOT NULL GROUP BY {grouped}"
        )
    return tuple(statements)


def run_sync(connection: Connection, statements: Iterable[str]) -> None:
    """For the migration (Alembic's synchronous connection)."""
    for statement in statements:
        connection.execute(text(statement))


async def rebuild(connection: AsyncConnection | AsyncSession) -> None:
    dialect = (
        connection.dialect.name
        if isinstance(connection, AsyncConnection)
        else connection.get_bind().dialect.name
    )
    for statement in rebuild_sql(dialect):
        await connection.execute(text(statement))


@dataclass(frozen=True, slots=True)
class KeyTotal:
    key: str
    rials: int
    count: int


async def per_day(
    session: AsyncSession,
    first: date,
    last: date,
    *,
    dimension: str = "all",
    keys: Iterable[str] | None = None,
) -> dict[date, tuple[int, int]]:
    """(rials, count) per Tehran day in [first, last] (days without gifts are left out); with
    `keys`, only those keys of `dimension` (a province officer's provinces)."""
    conditions = [DonationDay.dimension == dimension, DonationDay.day >= first, DonationDay.day <= last]
    if keys is not None:
        conditions.append(DonationDay.key.in_(sorted(keys)))
    rows = await session.execute(
        select(DonationDay.day, func.sum(DonationDay.rials), func.sum(DonationDay.count))
        .where(*conditions)
        .group_by(DonationDay.day)
    )
    return {_day(day): (int(rials or 0), int(count or 0)) for day, rials, count in rows}


async def per_key(session: AsyncSession, dimension: str, first: date, last: date) -> list[KeyTotal]:
    """Totals per key of `dimension` over [first, last], largest first."""
    total = func.sum(DonationDay.rials)
    rows = await session.execute(
        select(DonationDay.key, total, func.sum(DonationDay.count))
        .where(DonationDay.dimension == dimension, DonationDay.day >= first, DonationDay.day <= last)
        .group_by(DonationDay.key)
        .having(func.sum(DonationDay.count) > 0)
        .order_by(total.desc(), DonationDay.key)
    )
    return [KeyTotal(str(key), int(rials or 0), int(count or 0)) for key, rials, count in rows]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
