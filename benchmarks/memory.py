"""Memory over a long run: the bot's resident memory after N mixed updates, beside its idle RSS.

Run from the repository root:  python -m benchmarks.memory [--updates N] [--batch B]   (not a timed test)

The bot runs as in benchmarks.scale (`python -m bot run`, webhook, one process, SQLite) behind a
local messenger. Its RSS is read once it has started, before any update (idle), then B users at
a time hold the scale benchmark's mixed conversation (about 23 updates each: menu, a donation
paid in the chat, a complaint, a FAQ question, /volunteer, /cancel) until N updates have been
answered; the RSS after each batch is printed, so a leak (a steady climb) and a warm-up (a step,
then flat) can be told apart. Figure: RSS after N updates minus idle (issue 19, goal 1: within
10 MB after 10,000). Every person is new, so per-person caches are met at their worst.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from dataclasses import dataclass, field

from benchmarks.footprint import rss_mb
from benchmarks.scale import Result, _conversation, running_bot, scratch_folder
from bot.migrate import upgrade


@dataclass
class Growth:
    idle_mb: float
    updates: int = 0
    errors: int = 0
    curve: list[tuple[int, float]] = field(default_factory=list)  # (updates so far, RSS MB)

    @property
    def growth_mb(self) -> float:
        return self.curve[-1][1] - self.idle_mb if self.curve else float("nan")


async def measure(updates: int = 10_000, batch: int = 40) -> Growth:
    with scratch_folder("memory", uuid.uuid4().hex[:6]) as tmp:
        database_url = f"sqlite+aiosqlite:///{tmp / 'hamdel.db'}"
        await asyncio.to_thread(upgrade, database_url)
        async with running_bot(1, database_url, None, "unused", tmp) as bot:
            (pid,) = bot.pids
            growth = Growth(idle_mb=rss_mb(pid))
            print(f"    idle RSS {growth.idle_mb:.1f} MB", flush=True)
            user = 1_000
            while growth.updates < updates:
                result = Result("batch", 1, 0, 0.0)
                await asyncio.gather(
                    *(
                        _conversation(bot.messenger, user + n, result, random.Random(user + n))
                        for n in range(batch)
                    )
                )
                user += batch
                growth.updates += result.updates
                growth.errors += result.errors
                growth.curve.append((growth.updates, rss_mb(pid)))
                print(f"    {growth.updates:>6,} updates: RSS {growth.curve[-1][1]:.1f} MB", flush=True)
        return growth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=10_000, help="mixed updates to answer")
    parser.add_argument("--batch", type=int, default=40, help="users holding a conversation at once")
    args = parser.parse_args(argv)
    growth = asyncio.run(measure(args.updates, args.batch))
    print(
        f"\nRSS idle {growth.idle_mb:.1f} MB; after {growth.updates:,} updates {growth.curve[-1][1]:.1f} MB"
        f" ({growth.growth_mb:+.1f} MB); errors {growth.errors}"
    )


if __name__ == "__main__":
    main()
