"""Formatted text and reply markup checks, the way Telegram applies them.

* ``parse_formatted`` turns ``parse_mode`` text (HTML, MarkdownV2, legacy Markdown) into
  plain text plus ``MessageEntity`` dicts, raising ``EntityParseError`` where Telegram answers
  "Bad Request: can't parse entities" (unknown/unclosed HTML tags, a bare ``<`` or ``&``,
  MarkdownV2 reserved characters left unescaped).  Lengths are counted in UTF-16 code units
  like Telegram does.
* ``check_reply_markup`` parses a reply_markup with python-telegram-bot's models (an
  implementation independent of aiogram, used here only as a parser) and applies the rules
  the models do not enforce (an inline button needs exactly one action; callback_data is
  1-64 bytes of UTF-8; button text is not empty).
"""

from __future__ import annotations

import functools
import html
import json
import re
from typing import Any

CALLBACK_DATA_MAX_BYTES = 64

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class EntityParseError(ValueError):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------
# HTML

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED_OK = {"lt", "gt", "amp", "quot"}


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0  # UTF-16 units
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if not m:
                raise EntityParseError(f"Unexpected character '<' at byte offset {i}")
            closing, tag, attrs, _ = m.group(1), m.group(2).lower(), m.group(3) or "", m.group(4)
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {i}')
            if closing:
                if not stack or stack[-1][0] != tag:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {i}: expected "
                        f'"</{stack[-1][0] if stack else ""}>", found "</{tag}>"'
                    )
                otag, start, attrs_out = stack.pop()
                length = out_len - start
                if length > 0:
                    entities.append(
                        {"type": _HTML_TAGS[otag], "offset": start, "length": length, **attrs_out}
                    )
            else:
                parsed = {
                    a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
                    for a in _ATTR_RE.finditer(attrs)
                }
                extra: dict[str, Any] = {}
                if tag == "a":
                    href = html.unescape(parsed.get("href", ""))
                    if not href:
                        raise EntityParseError("Can't find end of href attribute / empty href")
                    extra["url"] = href
                elif tag == "span" and parsed.get("class") != "tg-spoiler":
                    raise EntityParseError('Tag "span" must have class "tg-spoiler"')
                elif tag == "pre":
                    pass
                elif tag == "code" and stack and stack[-1][0] == "pre" and "class" in parsed:
                    lang = parsed["class"].removeprefix("language-")
                    # language goes on the enclosing pre entity
                    stack[-1][2]["language"] = lang
                stack.append((tag, out_len, extra))
            i = m.end()
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m and (m.group(1).startswith("#") or m.group(1) in _NAMED_OK):
                s = html.unescape(m.group(0))
                out.append(s)
                out_len += utf16_len(s)
                i = m.end()
                continue
            raise EntityParseError(f"Unsupported HTML entity / bare '&' at byte offset {i}")
        if ch == ">":
            # Telegram tolerates a bare '>'
            pass
        out.append(ch)
        out_len += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------------------
# MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!\\")
_MDV2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0
    stack: list[tuple[str, int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)
    line_start = True

    def emit(s: str) -> None:
        nonlocal out_len
        out.append(s)
        out_len += utf16_len(s)

    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n and text[i + 1] in _MDV2_RESERVED:
                emit(text[i + 1])
                i += 2
                line_start = False
                continue
            raise EntityParseError(
                f"Character '\\' is reserved and must be escaped with the preceding '\\' (offset {i})"
            )
        if ch == "`":
            if text.startswith("```", i):
                end = text.find("```", i + 3)
                if end < 0:
                    raise EntityParseError("Can't find end of PreCode entity")
                body = text[i + 3 : end]
                lang = ""
                if "\n" in body:
                    first, rest = body.split("\n", 1)
                    if first and " " not in first:
                        lang, body = first, rest
                body = re.sub(r"\\([`\\])", r"\1", body)
                start = out_len
                emit(body)
                ent: dict[str, Any] = {"type": "pre", "offset": start, "length": out_len - start}
                if lang:
                    ent["language"] = lang
                entities.append(ent)
                i = end + 3
                continue
            end = i + 1
            while end < n and text[end] != "`":
                end += 2 if text[end] == "\\" else 1
            if end >= n:
                raise EntityParseError("Can't find end of Code entity")
            body = re.sub(r"\\([`\\])", r"\1", text[i + 1 : end])
            start = out_len
            emit(body)
            entities.append({"type": "code", "offset": start, "length": out_len - start})
            i = end + 1
            continue
        if ch == "[":
            stack.append(("[", out_len))
            i += 1
            continue
        if ch == "]":
            if not stack or stack[-1][0] != "[":
                raise EntityParseError(
                    f"Character ']' is reserved and must be escaped with the preceding '\\' (offset {i})"
                )
            _, start = stack.pop()
            if i + 1 < n and text[i + 1] == "(":
                end = text.find(")", i + 2)
                if end < 0:
                    raise EntityParseError("Can't find end of a URL")
                url = text[i + 2 : end].replace("\\)", ")").replace("\\\\", "\\")
                entities.append({"type": "text_link", "offset": start, "length": out_len - start, "url": url})
                i = end + 1
                continue
            raise EntityParseError(
                f"Character ']' is reserved and must be escaped with the preceding '\\' (offset {i})"
            )
        marker = None
        if text.startswith("||", i):
            marker = "||"
        elif text.startswith("__", i):
            marker = "__"
        elif ch in "*_~":
            marker = ch
        if marker is not None:
            if stack and stack[-1][0] == marker:
                _, start = stack.pop()
                if out_len > start:
                    entities.append(
                        {"type": _MDV2_MARKERS[marker], "offset": start, "length": out_len - start}
                    )
            else:
                stack.append((marker, out_len))
            i += len(marker)
            line_start = False
            continue
        if ch == ">" and line_start:
            # blockquote line marker
            i += 1
            line_start = False
            continue
        if ch in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(ch)
        line_start = ch == "\n"
        i += 1
    if stack:
        raise EntityParseError(f"Can't find end of the entity starting with {stack[-1][0]!r}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------------------
# legacy Markdown

_MD_RE = re.compile(r"\*([^*]*)\*|_([^_]*)_|```([\s\S]*?)```|`([^`]*)`|\[([^\]]*)\]\(([^)]*)\)")


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0
    entities: list[dict[str, Any]] = []
    pos = 0
    for m in _MD_RE.finditer(text):
        extra: dict[str, Any]
        chunk = text[pos : m.start()]
        out.append(chunk)
        out_len += utf16_len(chunk)
        if m.group(1) is not None:
            body, typ, extra = m.group(1), "bold", {}
        elif m.group(2) is not None:
            body, typ, extra = m.group(2), "italic", {}
        elif m.group(3) is not None:
            body, typ, extra = m.group(3), "pre", {}
        elif m.group(4) is not None:
            body, typ, extra = m.group(4), "code", {}
        else:
            body, typ, extra = m.group(5), "text_link", {"url": m.group(6)}
        if body:
            entities.append({"type": typ, "offset": out_len, "length": utf16_len(body), **extra})
        out.append(body)
        out_len += utf16_len(body)
        pos = m.end()
    rest = text[pos:]
    for ch in "*_`[":
        if ch in rest:
            raise EntityParseError(f"Can't find end of the entity starting at '{ch}'")
    out.append(rest)
    return "".join(out), entities


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for ``text`` under ``parse_mode`` (None -> unchanged)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise EntityParseError(f"unsupported parse_mode {parse_mode!r}")


# --------------------------------------------------------------------------------------
# reply markup

_PTB_IMPORT_ERROR: str | None = None
try:  # python-telegram-bot is a test-only dependency: used only as an independent model parser
    import telegram as _ptb
except ImportError as exc:  # pragma: no cover
    _ptb = None  # type: ignore[assignment]
    _PTB_IMPORT_ERROR = str(exc)


def ptb_available() -> bool:
    return _ptb is not None


def check_reply_markup(markup: Any) -> list[str]:
    """Problems with a decoded reply_markup (empty list == fine).

    Bots send the same keyboards over and over: results are cached by the markup's JSON.
    """
    if not isinstance(markup, dict):
        return [f"reply_markup must be a JSON object, got {type(markup).__name__}"]
    try:
        key = json.dumps(markup, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return _check_reply_markup(markup)
    return list(_check_reply_markup_cached(key))


@functools.lru_cache(maxsize=1024)
def _check_reply_markup_cached(key: str) -> tuple[str, ...]:
    return tuple(_check_reply_markup(json.loads(key)))


def _check_reply_markup(markup: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if "inline_keyboard" in markup:
        kb = markup["inline_keyboard"]
        if not isinstance(kb, list) or not all(isinstance(row, list) for row in kb):
            return [
                "can't parse inline keyboard: inline_keyboard must be an Array of Array of "
                "InlineKeyboardButton"
            ]
        for r, row in enumerate(kb):
            for c, btn in enumerate(row):
                where = f"inline_keyboard[{r}][{c}]"
                if not isinstance(btn, dict):
                    problems.append(f"{where}: a button must be an object")
                    continue
                text = btn.get("text")
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}: button text is empty")
                actions = [a for a in INLINE_ACTIONS if a in btn]
                if len(actions) != 1:
                    problems.append(
                        f"{where}: can't parse inline keyboard button: exactly one of "
                        f"{', '.join(INLINE_ACTIONS[:4])}... is required, got {actions or 'none'}"
                        + (" (text buttons are unallowed in the inline keyboard)" if not actions else "")
                    )
                data = btn.get("callback_data")
                if "callback_data" in btn:
                    if not isinstance(data, str):
                        problems.append(f"{where}: callback_data must be a String")
                    else:
                        size = len(data.encode("utf-8"))
                        if size == 0 or size > CALLBACK_DATA_MAX_BYTES:
                            problems.append(
                                f"{where}: BUTTON_DATA_INVALID: callback_data is {size} bytes "
                                f"(must be 1-{CALLBACK_DATA_MAX_BYTES} bytes of UTF-8): {data!r}"
                            )
        problems.extend(_ptb_parse("InlineKeyboardMarkup", markup))
    elif "keyboard" in markup:
        kb = markup["keyboard"]
        if not isinstance(kb, list) or not all(isinstance(row, list) for row in kb):
            return ["can't parse reply keyboard markup: keyboard must be an Array of Array of KeyboardButton"]
        for r, row in enumerate(kb):
            for c, btn in enumerate(row):
                text = btn.get("text") if isinstance(btn, dict) else btn
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"keyboard[{r}][{c}]: button text is empty")
        problems.extend(_ptb_parse("ReplyKeyboardMarkup", markup))
    elif "remove_keyboard" in markup:
        if markup.get("remove_keyboard") is not True:
            problems.append("ReplyKeyboardRemove.remove_keyboard must be True")
        problems.extend(_ptb_parse("ReplyKeyboardRemove", markup))
    elif "force_reply" in markup:
        if markup.get("force_reply") is not True:
            problems.append("ForceReply.force_reply must be True")
        problems.extend(_ptb_parse("ForceReply", markup))
    else:
        problems.append(
            "can't parse reply keyboard markup JSON object: none of inline_keyboard, keyboard, "
            "remove_keyboard, force_reply present"
        )
    return problems


def _ptb_parse(cls_name: str, data: dict[str, Any]) -> list[str]:
    if _ptb is None:
        return []
    cls = getattr(_ptb, cls_name)
    try:
        obj = cls.de_json(dict(data), None)
        if cls_name == "ReplyKeyboardMarkup":
            for row in data["keyboard"]:
                for btn in row:
                    if isinstance(btn, dict):
                        _ptb.KeyboardButton.de_json(dict(btn), None)
        if obj is None:
            return [f"python-telegram-bot could not parse {cls_name}"]
    except Exception as exc:
        return [f"python-telegram-bot cannot parse {cls_name}: {type(exc).__name__}: {exc}"]
    return []


def inline_buttons(markup: Any) -> list[dict[str, Any]]:
    """Flat list of inline buttons of a message's reply_markup (may be None)."""
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]
