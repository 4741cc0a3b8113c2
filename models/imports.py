"""A status import started from the console: its progress and its report, readable by every
worker (the page that follows it may be served by another one). No file and no national code is
kept here: the rows live in the worker's memory while it imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ConsoleImport(Base):
    __tablename__ = "console_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(128))
    # importing → done | failed
    status: Mapped[str] = mapped_column(String(16), default="importing")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    # created, updated, unchanged, notified, stale, good, bad, and the bad lines (line, problem)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
