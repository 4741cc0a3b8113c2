"""Apply Alembic migrations from code (`python -m bot migrate`, and at every start).

At start the database is usually current: the revisions it records are compared with the heads
of the migration scripts (read with `ast`, one query), and Alembic — its machinery, the scripts
and their environment, about half a second and 9 MB per process — is imported only when
something is pending (or the comparison cannot be made)."""

from __future__ import annotations

import ast
import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"
logger = logging.getLogger("hamdel.migrate")


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Migrate to `revision`; to the heads without Alembic when nothing is pending (outside a
    running event loop only: the check is asynchronous, and within a loop `upgrade_async` is
    the way)."""
    if revision == "heads" and not _in_event_loop() and asyncio.run(is_current(database_url)):
        return
    _alembic_upgrade(database_url, revision)


async def upgrade_async(database_url: str, revision: str = "heads") -> None:
    """Alembic's env runs its own event loop, so it gets a thread of its own."""
    if revision == "heads" and await is_current(database_url):
        return
    await asyncio.to_thread(_alembic_upgrade, database_url, revision)


def _alembic_upgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


async def is_current(database_url: str) -> bool:
    """Whether the database records exactly the scripts' heads. False when either side cannot
    be read (no database yet, a script Alembic must interpret): then Alembic decides."""
    heads = script_heads()
    if not heads:
        return False
    recorded = await recorded_revisions(database_url)
    if recorded != heads:
        return False
    logger.info("database schema is current (revision %s)", ", ".join(sorted(heads)))
    return True


def script_heads(versions: Path = VERSIONS) -> frozenset[str]:
    """The revisions no other script revises, from each script's `revision` and `down_revision`
    literals; empty when a script states them in a way only Alembic can read."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
            target, value = _assignment(node)
            if target in ("revision", "down_revision") and value is not None:
                try:
                    values[target] = ast.literal_eval(value)
                except ValueError:
                    return frozenset()
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return frozenset()
        revisions.add(revision)
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list):
            revised.update(str(item) for item in down)
        elif down is not None:
            return frozenset()
    return frozenset(revisions - revised)


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


async def recorded_revisions(database_url: str) -> frozenset[str] | None:
    """The revisions in the database's `alembic_version` table; None when it cannot be read."""
    from sqlalchemy import text

    from models.db import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(row[0]) for row in rows)
    except Exception:  # no table (a new database) or no server: Alembic says what is wrong
        return None
    finally:
        await engine.dispose()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
