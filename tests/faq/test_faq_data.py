"""The FAQ answers that describe the bot itself name things that exist: its commands and the
labels of its buttons and menus (fa and en), checked against the locales."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

import handlers
from bot.i18n import LOCALES, I18n
from services.faq import FaqIndex, placeholders

INDEX = FaqIndex.load()
I18N = I18n()
ACTIONS = [section.key for section in handlers.menu_sections()]
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"

QUOTES = {"fa": re.compile(r"«([^»]+)»"), "en": re.compile(r"\"([^\"]+)\"")}
COMMAND = re.compile(r"(?<![\w/])/([a-z_]+)\b")


def _values(locale: str, pattern: str = "*.ftl") -> set[str]:
    keys = set()
    for path in (LOCALES_DIR / locale).glob(pattern):
        keys |= {line.split("=", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
                 if "=" in line and not line.startswith((" ", "#"))}  # fmt: skip
    texts = set()
    for key in keys & I18N.keys(locale):
        text = I18N.text(locale, key, **{v: "x" for v in I18N.variables(locale, key)})
        texts |= {line.strip() for line in text.splitlines()}
    return texts


def _starts_with_emoji(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0]) in ("So", "Sk")


def _plain(text: str) -> str:
    return text.lstrip("".join(ch for ch in text[:3] if not ch.isalnum())).strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_labels_quoted_with_their_emoji_are_real_buttons(locale: str) -> None:
    labels = _values(locale)
    missing = []
    for entry in INDEX.entries:
        for quoted in QUOTES[locale].findall(entry.answer.get(locale)):
            if _starts_with_emoji(quoted) and quoted not in labels:
                missing.append(f"{entry.id}: {quoted}")
    assert not missing, f"FAQ names buttons that do not exist ({locale}): {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_buttons_are_quoted_as_the_user_sees_them(locale: str) -> None:
    """A quoted name that is a button's label without its emoji must carry the emoji too, so
    the reader finds exactly that button («💝 کمک مالی», not «کمک مالی»)."""
    buttons = {_plain(v).lower(): v for v in _values(locale) if _starts_with_emoji(v)}
    wrong = []
    for entry in INDEX.entries:
        for quoted in QUOTES[locale].findall(entry.answer.get(locale)):
            if not _starts_with_emoji(quoted) and quoted.lower() in buttons:
                wrong.append(f"{entry.id}: {quoted} → {buttons[quoted.lower()]}")
    assert not wrong, f"FAQ names buttons without their emoji ({locale}): {wrong}"


def test_commands_named_in_answers_exist() -> None:
    commands = {command for command, _ in handlers.user_commands()} | {
        command for command, _ in handlers.admin_commands()
    }
    for entry in INDEX.entries:
        for locale in LOCALES:
            for command in COMMAND.findall(entry.answer.get(locale)):
                assert command in commands, f"{entry.id} ({locale}) names /{command}, which does not exist"


def test_status_names_in_answers_are_the_bots_status_names() -> None:
    names = {"fa": set(), "en": set()}
    for locale in LOCALES:
        for key in I18N.keys(locale):
            if key.startswith("status-name-"):
                names[locale].add(I18N.text(locale, key))
    entry = INDEX.get("status_meaning")
    assert entry is not None
    for locale in LOCALES:
        quoted = {q for q in QUOTES[locale].findall(entry.answer.get(locale)) if not _starts_with_emoji(q)}
        assert quoted and {q.lower() for q in quoted} <= {n.lower() for n in names[locale]}, quoted


def test_the_faq_file_is_checked_at_start(tmp_path: Path) -> None:
    import yaml

    from bot.settings import SettingsError
    from handlers.faq import read_seed
    from services.faq import DEFAULT_PATH

    with pytest.raises(SettingsError, match="not found"):
        read_seed(tmp_path / "missing.yaml", ACTIONS)
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["entries"][0]["id"] = "an_entry_id_far_too_long_to_fit_in_a_telegram_button_callback"
    path = tmp_path / "faq.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"entry 'an_entry_id_far_too_long.*too long for a button"):
        read_seed(path, ACTIONS)
    raw["entries"][0]["topic"] = "nope"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown topic 'nope'"):
        read_seed(path, ACTIONS)


#: Answers that quote a main-menu button without describing what it does (no button offered).
NO_BUTTON = {"privacy_national_code": "names the status screen only to say what the code is for"}


def test_answers_that_describe_a_menu_action_offer_its_button() -> None:
    labels = {I18N.text("fa", section.text_key): section.key for section in handlers.menu_sections()}
    for entry in INDEX.entries:
        assert entry.action is None or entry.action in ACTIONS, entry.id
        quoted = {labels[q] for q in QUOTES["fa"].findall(entry.answer.fa) if q in labels}
        if quoted and entry.id not in NO_BUTTON:
            assert entry.action in quoted, f"{entry.id} describes {quoted} but offers {entry.action}"
    donating = INDEX.get("donate_how")
    assert donating is not None and donating.action == "donate"


def test_answers_quote_settings_only_through_placeholders() -> None:
    """The donation limits are the enforced settings, never figures typed into an answer."""
    entry = INDEX.get("donate_amount")
    assert entry is not None
    for locale in LOCALES:
        assert placeholders(entry.answer.get(locale)) == {"min_toman", "max_toman"}
    values = {"min_toman": "۱۰٬۰۰۰ تومان", "max_toman": "۱۰۰٬۰۰۰٬۰۰۰ تومان"}
    assert "دست‌کم ۱۰٬۰۰۰ تومان و حداکثر ۱۰۰٬۰۰۰٬۰۰۰ تومان" in entry.answer_text("fa", values)
    assert "$" not in entry.answer_text("en", values)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(action="lottery"), r"entry 'bot_what': unknown action 'lottery'"),
        (lambda e: e.update(action="Donate!"), r"entry 'bot_what': 'action' must be the name of a main-menu"),
        (
            lambda e: e["answer"].update(fa="کمترین مبلغ { $min_rial } است"),
            r"entry 'bot_what': the fa answer quotes unknown settings min_rial",
        ),
        (
            lambda e: e["question"].update(en="Is { $min_toman } the minimum?"),
            r"entry 'bot_what': a question cannot quote a setting",
        ),
    ],
)
def test_actions_and_quoted_settings_are_checked_at_start(tmp_path: Path, change: Any, message: str) -> None:
    import yaml

    from bot.settings import SettingsError
    from handlers.faq import read_seed
    from services.faq import DEFAULT_PATH

    read_seed(DEFAULT_PATH, ACTIONS)  # the shipped file passes
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(raw["entries"][0])
    path = tmp_path / "faq.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        read_seed(path, ACTIONS)
