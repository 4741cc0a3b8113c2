"""`python -m bot admin …` against a real (SQLite) database."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.__main__ import main
from models import AuditEntry, StaffRole
from tests.staff.staff_seed import database, donor, seed_known


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "cli.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ADMIN_IDS", "900001")
    monkeypatch.setenv("PLATFORM", "bale")
    monkeypatch.setenv("DEFAULT_LOCALE", "fa")
    monkeypatch.chdir(tmp_path)
    return url


def _query(url: str, statement):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with database(url) as sessions, sessions() as session:
            return list(await session.scalars(statement))

    return asyncio.run(go())


def _known(url: str, *user_ids: int) -> None:
    """People who have used the bot on Bale (the CLI's platform in these tests)."""

    async def go() -> None:
        async with database(url) as sessions, sessions() as session:
            for user_id in user_ids:
                await donor(session, user_id, platform="bale")
            await session.commit()

    asyncio.run(go())


def test_grant_revoke_and_list(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _known(db_url, 12345)
    assert main(["admin", "grant", "۱۲۳۴۵", "campaign_manager"]) == 0
    assert "✅ نقش «مدیر پویش» به کاربر ۱۲۳۴۵ داده شد." in capsys.readouterr().out
    assert main(["admin", "grant", "12345", "campaign_manager"]) == 1
    assert main(["admin", "roles"]) == 0
    listing = capsys.readouterr().out
    assert "۹۰۰۰۰۱\tadmin (ADMIN_IDS)" in listing and "۱۲۳۴۵\tcampaign_manager" in listing
    assert main(["admin", "revoke", "900001", "admin"]) == 1
    assert "از تنظیمات سامانه (ADMIN_IDS)" in capsys.readouterr().err
    roles = _query(db_url, select(StaffRole))
    assert [(r.platform, r.user_id, r.role) for r in roles] == [("bale", 12345, "campaign_manager")]
    entries = _query(db_url, select(AuditEntry))
    assert [(e.actor_id, e.action, e.after) for e in entries] == [
        (0, "role.grant", {"roles": ["campaign_manager"]})
    ]
    assert entries[0].note.startswith("command line (")


def test_grant_has_the_chat_rules(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id the bot has never seen is refused (unless --force, the first admin's bootstrap), and
    admin is granted only once confirmed (typed at a terminal, or --yes)."""
    assert main(["admin", "grant", "999999", "operator"]) == 1
    err = capsys.readouterr().err
    assert "کاربر ۹۹۹۹۹۹ تا حالا از این ربات استفاده نکرده است" in err and "--force" in err
    _known(db_url, 4242, 4343)
    assert main(["admin", "grant", "4242", "admin"]) == 1  # no terminal to ask: --yes needed
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "خیر")
    assert main(["admin", "grant", "4242", "admin"]) == 1
    assert "نقشی داده نشد." in capsys.readouterr().err
    monkeypatch.setattr("builtins.input", lambda prompt: "بله")
    assert main(["admin", "grant", "4242", "admin"]) == 0
    assert main(["admin", "grant", "4343", "admin", "--yes"]) == 0
    assert main(["admin", "grant", "777", "admin", "--force"]) == 0
    roles = _query(db_url, select(StaffRole).order_by(StaffRole.user_id))
    assert [(r.user_id, r.role) for r in roles] == [(777, "admin"), (4242, "admin"), (4343, "admin")]
    assert len(_query(db_url, select(AuditEntry))) == 3


def test_export_donations(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def seed() -> None:
        async with database(db_url) as sessions, sessions() as session:
            await seed_known(session)
            await session.commit()

    asyncio.run(seed())
    assert (
        main(
            [
                "admin",
                "export",
                "donations",
                "--from",
                "1405/09/01",
                "--to",
                "۱۴۰۵/۰۹/۰۸",
                "--output",
                "out.csv",
            ]
        )
        == 0
    )
    assert "۲ ردیف (از ۱ آذر ۱۴۰۵ تا ۸ آذر ۱۴۰۵) در out.csv نوشته شد." in capsys.readouterr().out
    content = (tmp_path / "out.csv").read_bytes()
    assert content.startswith("\ufeffشناسه,".encode())
    assert content.count(b"\r\n") == 3
    assert main(["admin", "export", "donations", "--format", "xlsx"]) == 0
    assert list(tmp_path.glob("hamdel-donations-*.xlsx"))
    # bad input and empty results
    assert main(["admin", "export", "donations", "--from", "1405/02/32"]) == 2
    assert "وجود ندارد" in capsys.readouterr().err
    assert main(["admin", "export", "donations", "--from", "1405/09/10", "--to", "1405/09/01"]) == 2
    assert main(["admin", "export", "donations", "--from", "1404/01/01", "--to", "1404/01/02"]) == 1
    assert "ردیفی پیدا نشد" in capsys.readouterr().err
    assert main(["admin", "export", "nothing"]) == 2
    # Every feature's export, not only those whose module the command line happened to import.
    listed = capsys.readouterr().err.split("خروجی‌های موجود: ")[1].strip().split(", ")
    assert set(listed) == {"donations", "audit", "tickets", "volunteers", "subscribers", "broadcasts"}
    exported = _query(db_url, select(AuditEntry).where(AuditEntry.action == "export.donations"))
    assert [(e.after or {})["rows"] for e in exported] == [2, 5]


def test_import_statuses_names_a_missing_file(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-statuses", "missing.csv"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("hamdel: ") and "missing.csv" in error and len(error.splitlines()) == 1
