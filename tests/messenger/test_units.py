"""Unit tests of the messenger's pieces: formatted text, reply markup, the spec validator."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

import messenger
from messenger.flavors import bale_lacks_method
from messenger.markup import EntityParseError, check_reply_markup, parse_formatted, utf16_len
from messenger.server import command_entities
from messenger.spec import (
    BUNDLED_SPEC,
    SPEC_ENV_VAR,
    SpecNotFoundError,
    UploadedFile,
    Validator,
    default_spec_path,
    load_spec,
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(load_spec())


def test_spec_is_cached() -> None:
    assert load_spec() is load_spec()


def test_the_spec_ships_with_the_package_with_its_licence(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec is the package's own copy (no ``../shared`` needed), with its MIT licence and source."""
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)
    assert default_spec_path() == BUNDLED_SPEC
    assert BUNDLED_SPEC.parent == Path(messenger.__file__).resolve().parent / "botapi"
    spec = load_spec()
    assert spec.version == "Bot API 10.1"
    assert len(spec.methods) > 150 and "sendMessage" in spec.methods
    assert "MIT License" in (BUNDLED_SPEC.parent / "LICENSE").read_text(encoding="utf-8")
    assert "PaulSonOfLars/telegram-bot-api-spec" in (BUNDLED_SPEC.parent / "README.md").read_text(
        encoding="utf-8"
    )


def test_the_spec_is_installed_with_the_package() -> None:
    """Every file beside the spec is declared as package data (a wheel without it would fail)."""
    root = Path(messenger.__file__).resolve().parent
    pyproject = tomllib.loads((root.parent / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    assert "messenger*" in setuptools["packages"]["find"]["include"]
    declared = setuptools["package-data"]["messenger"]
    shipped = sorted(str(f.relative_to(root)) for f in (root / "botapi").iterdir())
    assert [f for f in shipped if not any(fnmatch.fnmatch(f, pattern) for pattern in declared)] == []
    assert "messenger" in pyproject["tool"]["mypy"]["packages"]


def test_a_missing_spec_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(SpecNotFoundError, match="nonexistent"):
        load_spec("/nonexistent/api.json")
    monkeypatch.setenv(SPEC_ENV_VAR, str(tmp_path / "absent.json"))
    assert default_spec_path() == tmp_path / "absent.json"
    with pytest.raises(SpecNotFoundError, match=r"\$HAMDEL_BOTAPI_SPEC"):
        load_spec()


def test_the_environment_may_name_another_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = tmp_path / "api.json"
    other.write_text('{"version": "Bot API 99", "methods": {"getMe": {"returns": ["User"]}}, "types": {}}')
    monkeypatch.setenv(SPEC_ENV_VAR, str(other))
    assert load_spec().version == "Bot API 99"


def test_html() -> None:
    text, ents = parse_formatted(
        '<b>سلام</b> <a href="https://x.ir/?a=1&amp;b=2">پیوند</a> &lt;ok&gt;', "HTML"
    )
    assert text == "سلام پیوند <ok>"
    assert ents == [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "text_link", "offset": 5, "length": 5, "url": "https://x.ir/?a=1&b=2"},
    ]
    for bad in ("<b>unclosed", "<br>", "a < b", "AT&T", "<i>x</b>", '<span class="x">s</span>'):
        with pytest.raises(EntityParseError):
            parse_formatted(bad, "HTML")
    assert parse_formatted("x > y", "HTML")[0] == "x > y"


def test_markdown_v2() -> None:
    text, ents = parse_formatted(r"*پررنگ* و _کج_ مبلغ ۱۰\.۰۰۰ `کد` [پیوند](https://a.ir)\!", "MarkdownV2")
    assert text == "پررنگ و کج مبلغ ۱۰.۰۰۰ کد پیوند!"
    assert [e["type"] for e in ents] == ["bold", "italic", "code", "text_link"]
    for bad in ("مبلغ ۱۰.۰۰۰", "*unclosed", "a-b", "(x)", "پایان!"):
        with pytest.raises(EntityParseError):
            parse_formatted(bad, "MarkdownV2")
    assert parse_formatted("> نقل قول", "MarkdownV2")[0] == " نقل قول"


def test_markdown_legacy_and_plain() -> None:
    assert parse_formatted("*b* _i_", "Markdown")[0] == "b i"
    with pytest.raises(EntityParseError):
        parse_formatted("snake_case", "Markdown")
    assert parse_formatted("<b>as is</b>", None) == ("<b>as is</b>", [])


def test_utf16_and_entities() -> None:
    assert utf16_len("سلام") == 4
    assert utf16_len("😀") == 2
    assert command_entities("😀 /start@hamdel_bot hi @someone") == [
        {"type": "bot_command", "offset": 3, "length": 17},
        {"type": "mention", "offset": 24, "length": 8},
    ]
    assert command_entities("a/b and http://x/y") == []


def test_reply_markup_rules() -> None:
    ok = {
        "inline_keyboard": [
            [{"text": "کمک", "callback_data": "help"}, {"text": "سایت", "url": "https://a.ir"}]
        ]
    }
    assert check_reply_markup(ok) == []
    assert check_reply_markup(ok) == []  # cached path
    two = {"inline_keyboard": [[{"text": "x", "callback_data": "a", "url": "https://a.ir"}]]}
    assert any("exactly one" in p for p in check_reply_markup(two))
    long = {"inline_keyboard": [[{"text": "x", "callback_data": "ی" * 33}]]}
    assert any("66 bytes" in p for p in check_reply_markup(long))
    assert check_reply_markup({"inline_keyboard": [[{"text": "x", "callback_data": "ی" * 32}]]}) == []
    assert check_reply_markup({"force_reply": True}) == []
    assert check_reply_markup({"remove_keyboard": False})
    assert check_reply_markup([1, 2])


def test_validator_coercion(validator: Validator) -> None:
    params, problems = validator.check_call(
        "sendMessage",
        {
            "chat_id": "-100123",
            "text": "x",
            "disable_notification": "false",
            "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}',
        },
    )
    assert problems == []
    assert params["chat_id"] == -100123
    assert params["disable_notification"] is False
    assert params["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"

    params, problems = validator.check_call("sendMessage", {"chat_id": "@channel", "text": "x"})
    assert problems == [] and params["chat_id"] == "@channel"

    _, problems = validator.check_call(
        "sendPhoto", {"chat_id": 1, "photo": UploadedFile(b"x", "a.png", None)}
    )
    assert problems == []


def test_validator_findings(validator: Validator) -> None:
    _, problems = validator.check_call("sendMessage", {"chat_id": "abc1", "text": "x"})
    assert problems == []  # a String chat_id is allowed (usernames)
    _, problems = validator.check_call("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": "not json"})
    assert [p.kind for p in problems] == ["type"]
    _, problems = validator.check_call(
        "setMyCommands",
        {"commands": '[{"command": "start"}]', "scope": '{"type": "chat"}'},
    )
    messages = [p.message for p in problems]
    assert any("description" in m and "missing" in m for m in messages)
    assert any("scope" in m and "chat_id" in m for m in messages), messages
    _, problems = validator.check_call(
        "setMyCommands", {"commands": "[]", "scope": '{"type": "chat", "chat_id": 5}'}
    )
    assert problems == []
    _, problems = validator.check_call(
        "sendMessage", {"chat_id": 1, "text": "x", "allow_sending_without_reply": "true"}
    )
    assert [(p.kind, p.warning_only) for p in problems] == [("aiogram_only", True)]
    _, problems = validator.check_call("getUpdates", {"offset": "1.5"})
    assert [p.kind for p in problems] == ["type"]


def test_bale_method_list() -> None:
    assert bale_lacks_method("createForumTopic")
    assert bale_lacks_method("answerInlineQuery")
    assert bale_lacks_method("sendPaidMedia")
    for method in ("sendMessage", "sendInvoice", "answerPreCheckoutQuery", "inquireTransaction", "getChat"):
        assert not bale_lacks_method(method)
