"""Taking updates, and stopping to take them: the gate the webhook passes through.

On SIGTERM the worker closes its gate: the webhook answers 503 (the messenger delivers the
update again, to another worker or to this one after a restart), /healthz answers 503
("draining") so a load balancer looks elsewhere, and the updates already inside run to the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class InFlight:
    """Counts work in progress (updates, Bot API requests) so a shutdown can wait for it."""

    def __init__(self) -> None:
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self.in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._idle.set()

    async def wait_idle(self, within: float) -> bool:
        try:
            async with asyncio.timeout(max(within, 0.0)):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True


class Gate(InFlight):
    def __init__(self) -> None:
        super().__init__()
        self.accepting = True

    def close(self) -> None:
        self.accepting = False
