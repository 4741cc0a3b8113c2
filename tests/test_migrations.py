"""The Alembic migrations and the models describe the same schema, on SQLite and PostgreSQL:
a database migrated to head compared with `models.Base.metadata` by Alembic's autogenerate
finds nothing to change (tables, columns, types, nullability, server defaults, indexes, unique
constraints, foreign keys). Nothing is ignored: an index on expressions, which Alembic cannot
compare as text (PostgreSQL stores it rewritten), is compared as PostgreSQL itself writes it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.schema import CreateIndex

import models
from bot.migrate import upgrade_async
from models.db import create_engine
from tests.conftest import BACKENDS, TEST_DATABASE_URL, _postgres_admin


@pytest.fixture(params=BACKENDS)
async def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new database of its own, migrated from nothing to head."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}"
        await upgrade_async(url)
        yield url
        return
    assert TEST_DATABASE_URL
    name = f"hamdel_test_drift_{uuid.uuid4().hex[:8]}"
    await _postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
        await upgrade_async(url)
        yield url
    finally:
        await _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _expression_indexes() -> dict[str, Any]:
    return {
        index.name: index
        for table in models.Base.metadata.tables.values()
        for index in table.indexes
        if index.name and any(not isinstance(part, Column) for part in index.expressions)
    }


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        # Both off by default in Alembic: types and server defaults are compared too.
        opts={"compare_type": True, "compare_server_default": True},
    )
    expression_indexes = _expression_indexes()
    differences = [
        difference
        for difference in compare_metadata(context, models.Base.metadata)
        if not (difference[0] in ("add_index", "remove_index") and difference[1].name in expression_indexes)
    ]
    if connection.dialect.name == "postgresql":
        # The model's index as PostgreSQL writes it (made on an empty copy of its table) against
        # the migrated database's.
        for name, index in expression_indexes.items():
            table = index.table
            assert table is not None
            migrated = connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": name}
            )
            connection.execute(text(f"CREATE TEMP TABLE drift_{table.name} (LIKE {table.name})"))
            ddl = str(CreateIndex(index).compile(dialect=connection.dialect))
            ddl = ddl.replace(name, f"drift_{name}", 1).replace(
                f"ON {table.name} ", f"ON drift_{table.name} ", 1
            )
            connection.execute(text(ddl))
            expected = connection.scalar(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": f"drift_{name}"}
            )
            if (
                migrated is None
                or (expected or "").split(" USING ", 1)[-1] != migrated.split(" USING ", 1)[1]
            ):
                differences.append(("index", name, migrated, expected))
    return differences


async def test_migrations_and_models_do_not_drift(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == [], "the migrations and models/ differ:\n" + "\n".join(map(repr, differences))


async def test_a_current_database_is_recognised_without_alembic(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start `upgrade_async` skips Alembic when the database records the scripts' heads
    (bot/migrate.py reads them with `ast`): the same heads as Alembic's, and any difference in
    the database sends the start-up through Alembic."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from bot.migrate import alembic_config, is_current, recorded_revisions, script_heads

    heads = set(ScriptDirectory.from_config(alembic_config(migrated_url)).get_heads())
    assert script_heads() == heads
    assert await recorded_revisions(migrated_url) == heads
    assert await is_current(migrated_url)

    def alembic_called(*_args: object) -> None:
        raise AssertionError("Alembic ran for a current database")

    monkeypatch.setattr("bot.migrate._alembic_upgrade", alembic_called)
    await upgrade_async(migrated_url)
    (head,) = heads
    engine = create_engine(migrated_url)
    try:
        for recorded, current in (("0001", False), (head, True)):
            async with engine.begin() as connection:
                await connection.execute(text(f"UPDATE alembic_version SET version_num = '{recorded}'"))
            assert await is_current(migrated_url) is current
    finally:
        await engine.dispose()


async def test_a_pending_migration_is_still_applied_at_start(tmp_path: Path) -> None:
    """A database one script behind (migrated to the head's down_revision) is not taken for
    current: the start's upgrade_async runs Alembic, which applies the head."""
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config, is_current, recorded_revisions, script_heads

    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    scripts = ScriptDirectory.from_config(alembic_config(url))
    (head,) = script_heads()
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)
    await upgrade_async(url, revision=previous)
    assert await recorded_revisions(url) == {previous}
    assert not await is_current(url)
    await upgrade_async(url)
    assert await recorded_revisions(url) == {head}
    assert await is_current(url)
