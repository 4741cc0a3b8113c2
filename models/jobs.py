"""Leases of background jobs (jobs/): the worker that holds a job's row until `lease_until`
runs it; the others skip that pass. Used when no Redis is configured (with Redis the lease is a
key: `jobs.leases.RedisLease`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class JobLease(Base):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))
    lease_until: Mapped[datetime] = mapped_column()
