"""Footprint benchmark: what one bot process costs before it does any work, beside a bare aiogram bot.

Run from the repository root:  python -m benchmarks.footprint [--runs N]   (not a timed test)

- imports: the bot's imports as `python -m bot run` makes them (aiogram with the chat's types,
  `bot.aiogram_import.import_aiogram_for_the_chat`, then `bot.app` and `handlers`) against
  `import aiogram`, each in a fresh interpreter (`python -c`): seconds spent importing, and the
  process's resident memory (VmRSS) after.
- start-up: from starting the process to its first getUpdates at a local messenger, for
  `python -m bot run` (polling, one process) with an existing, migrated SQLite database, against
  the bare aiogram echo bot polling (`python -m benchmarks.echo_bot --polling`). The bot's time
  includes its migration check, as a person's `./dev run` does. The best of N runs.
- idle memory: the resident memory (VmRSS) of each process, 3 s after its first getUpdates,
  polling and receiving nothing.
- CPU: the user + system CPU seconds of the import and of the process up to its first
  getUpdates. On a shared machine the wall-clock figures stretch with the neighbours' load;
  CPU seconds much less, so they show a start-up change when the seconds cannot.

No sandbox is involved: the bot runs with a sandbox token against the local messenger
(messenger/), like the conversation tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.migrate import upgrade  # noqa: E402
from bot.settings import SANDBOX_TOKEN  # noqa: E402
from messenger import LocalMessenger  # noqa: E402
from messenger.testkit import free_port, worker_env  # noqa: E402

IDLE_SECONDS = 3.0
IMPORT_PROBE = """
import json, time
started, cpu = time.perf_counter(), time.process_time()
{statement}
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
print(json.dumps({{"seconds": seconds, "cpu": cpu, "rss_kib": rss}}))
"""
# What `python -m bot run` imports, the way it imports it (bot/__main__.py).
BOT_IMPORTS = (
    "from bot.aiogram_import import import_aiogram_for_the_chat\n"
    "import_aiogram_for_the_chat()\n"
    "import bot.app, handlers"
)


@dataclass
class Footprint:
    import_seconds: float
    import_rss_mb: float
    startup_seconds: float  # process start → first getUpdates (best of the runs)
    idle_rss_mb: float
    # CPU seconds of the same (user + system): what the neighbours' load moves least.
    import_cpu_seconds: float = float("nan")
    startup_cpu_seconds: float = float("nan")


def rss_mb(pid: int) -> float:
    """The resident memory of `pid` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_import(statement: str) -> tuple[float, float, float]:
    """Seconds, resident MB and CPU seconds of the imports in `statement`, in a fresh interpreter."""
    output = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE.format(statement=statement)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    probe = json.loads(output.strip().splitlines()[-1])
    return float(probe["seconds"]), probe["rss_kib"] / 1024, float(probe["cpu"])


async def measure_process(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float, float]:
    """Start `command` against a fresh messenger: seconds to its first getUpdates, idle MB after,
    and the CPU seconds it spent up to that getUpdates."""
    messenger = LocalMessenger(flavor="telegram", token=SANDBOX_TOKEN, strict=False)
    await messenger.start()
    env = {**env, "BOT_API_BASE": messenger.base_url}
    command = [part.replace("{api_base}", messenger.base_url) for part in command]
    try:
        started, process = spawn(command, env, log)
        try:
            polled = asyncio.ensure_future(
                messenger.wait_for_request(lambda r: r.method == "getUpdates", timeout=120)
            )
            while not polled.done():
                if process.poll() is not None:
                    polled.cancel()
                    raise RuntimeError(exited(command, process, log))
                await asyncio.sleep(0.02)
            startup, cpu = polled.result().time - started, cpu_seconds(process.pid)
            await asyncio.sleep(IDLE_SECONDS)
            return startup, rss_mb(process.pid), cpu
        finally:
            stop(process)
    finally:
        await messenger.stop()


def spawn(command: list[str], env: dict[str, str], log: Path) -> tuple[float, subprocess.Popen[bytes]]:
    """The monotonic time just before starting `command`, and its process (output in `log`)."""
    with log.open("wb") as handle:
        started = time.monotonic()
        return started, subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def exited(command: list[str], process: subprocess.Popen[bytes], log: Path) -> str:
    return f"{' '.join(command)} exited with {process.returncode}:\n{log.read_text(errors='replace')}"


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def measure(runs: int = 3) -> tuple[Footprint, Footprint]:
    """(the bot, the bare aiogram bot)."""
    folder = Path(tempfile.mkdtemp(prefix="hamdel-footprint-"))
    database_url = f"sqlite+aiosqlite:///{folder / 'hamdel.db'}"
    await asyncio.to_thread(upgrade, database_url)  # an existing database: nothing pending at start
    bot_env = worker_env(
        flavor="telegram", api_base="", database_url=database_url, port=free_port(), webhook=False
    )
    bot_command = [sys.executable, "-m", "bot", "run"]
    echo_command = [sys.executable, "-m", "benchmarks.echo_bot", "--polling"]
    echo_command += ["--api-base", "{api_base}", "--token", SANDBOX_TOKEN]
    echo_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subjects = {
        "bot": (BOT_IMPORTS, bot_command, bot_env),
        "echo": ("import aiogram", echo_command, echo_env),
    }
    imports: dict[str, list[tuple[float, float, float]]] = {name: [] for name in subjects}
    processes: dict[str, list[tuple[float, float, float]]] = {name: [] for name in subjects}
    for n in range(runs):  # alternating, so that a neighbour's burst of load hits both alike
        for name, (statement, command, env) in subjects.items():
            imports[name].append(await asyncio.to_thread(measure_import, statement))
            processes[name].append(await measure_process(command, env, folder / f"{name}-{n}.log"))
    results = [
        Footprint(
            import_seconds=min(seconds for seconds, _, _ in imports[name]),
            import_rss_mb=min(mb for _, mb, _ in imports[name]),
            startup_seconds=min(seconds for seconds, _, _ in processes[name]),
            idle_rss_mb=min(mb for _, mb, _ in processes[name]),
            import_cpu_seconds=min(cpu for _, _, cpu in imports[name]),
            startup_cpu_seconds=min(cpu for _, _, cpu in processes[name]),
        )
        for name in subjects
    ]
    return results[0], results[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.footprint", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best is printed")
    args = parser.parse_args(argv)
    hamdel, echo = asyncio.run(measure(args.runs))
    print(f"{'':34} {'Hamdel':>10} {'bare aiogram':>13} {'difference':>11}")
    for label, field, unit in (
        ("import time", "import_seconds", "s"),
        ("import CPU", "import_cpu_seconds", "s"),
        ("RSS after imports", "import_rss_mb", "MB"),
        ("start → first getUpdates", "startup_seconds", "s"),
        ("CPU to first getUpdates", "startup_cpu_seconds", "s"),
        ("idle RSS, polling", "idle_rss_mb", "MB"),
    ):
        ours, theirs = getattr(hamdel, field), getattr(echo, field)
        print(f"{label:34} {ours:8.2f} {unit:2} {theirs:10.2f} {unit:2} {ours - theirs:+8.2f} {unit}")


if __name__ == "__main__":
    main()
