"""Bot API spec loading and request validation for the local messenger.

The spec is the machine-readable Bot API description shipped with this package at
``messenger/botapi/api.min.json`` (Bot API 10.1, from PaulSonOfLars/telegram-bot-api-spec,
MIT; see ``botapi/README.md``), or the file named by ``$HAMDEL_BOTAPI_SPEC``.  A missing
file is an error (``SpecNotFoundError``): the checks never quietly weaken.  It is parsed once
per process and path (``load_spec`` is cached) into compact lookup tables so validating a
request is a handful of dict look-ups.

Values that arrive as ``multipart/form-data`` or urlencoded are strings; top-level values
are coerced the way Telegram does (``"123"`` -> Integer, ``"true"`` -> Boolean, JSON text
-> object/array) and nested objects are then checked field by field against the spec.

A field that the spec does not know but aiogram's own model does (aiogram targets a newer
Bot API than the spec file) is reported as a *warning*; anything else unknown is an error.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SPEC_ENV_VAR = "HAMDEL_BOTAPI_SPEC"

_INT_RE = re.compile(r"^[+-]?\d+$")
_DISCRIMINATOR_RE = re.compile(r"(?:must be|always)\s*[“\"]?([a-z_]+)")
_DISCRIMINATOR_FIELDS = ("type", "status", "source")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(slots=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...] = ()
    # (field name, constant) for union members like BotCommandScopeChat (type == "chat")
    discriminator: tuple[str, str] | None = None


@dataclass(slots=True)
class ApiSpec:
    version: str
    methods: dict[str, dict[str, FieldSpec]]
    returns: dict[str, tuple[str, ...]]
    types: dict[str, TypeSpec]
    method_by_lower: dict[str, str] = field(default_factory=dict)


BUNDLED_SPEC = Path(__file__).resolve().parent / "botapi" / "api.min.json"


class SpecNotFoundError(FileNotFoundError):
    """The Bot API spec file is not where it was looked for."""


def default_spec_path() -> Path:
    """``$HAMDEL_BOTAPI_SPEC`` if set, else the copy shipped in ``messenger/botapi/``."""
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        return Path(env)
    return BUNDLED_SPEC


def _fields(raw: list[dict[str, Any]] | None) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for f in raw or []:
        out[f["name"]] = FieldSpec(f["name"], tuple(f.get("types") or ()), bool(f.get("required")))
    return out


@functools.lru_cache(maxsize=8)
def _load_spec_cached(path: str) -> ApiSpec:
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    types: dict[str, TypeSpec] = {}
    raw_types: dict[str, dict[str, Any]] = raw.get("types", {})
    for name, t in raw_types.items():
        types[name] = TypeSpec(name, _fields(t.get("fields")), tuple(t.get("subtypes") or ()))
    for t in raw_types.values():
        for sub in t.get("subtypes") or ():
            st = raw_types.get(sub)
            if not st:
                continue
            for f in st.get("fields") or ():
                if f["name"] in _DISCRIMINATOR_FIELDS:
                    m = _DISCRIMINATOR_RE.search(f.get("description", ""))
                    if m:
                        types[sub].discriminator = (f["name"], m.group(1))
                    break
    methods = {name: _fields(m.get("fields")) for name, m in raw.get("methods", {}).items()}
    returns = {name: tuple(m.get("returns") or ()) for name, m in raw.get("methods", {}).items()}
    spec = ApiSpec(version=str(raw.get("version", "?")), methods=methods, returns=returns, types=types)
    spec.method_by_lower = {name.lower(): name for name in methods}
    return spec


def load_spec(path: str | os.PathLike[str] | None = None) -> ApiSpec:
    """Load (cached per process and path) the spec; ``SpecNotFoundError`` if the file is absent."""
    p = Path(path) if path is not None else default_spec_path()
    try:
        resolved = str(p.resolve())
    except OSError:
        resolved = str(p)
    if not os.path.isfile(resolved):
        source = f"${SPEC_ENV_VAR}" if path is None and os.environ.get(SPEC_ENV_VAR) else "the path given"
        if path is None and not os.environ.get(SPEC_ENV_VAR):
            source = "the messenger package (a broken install?)"
        raise SpecNotFoundError(f"Bot API spec not found at {p} (from {source})")
    return _load_spec_cached(resolved)


# --------------------------------------------------------------------------------------
# aiogram's view (fields aiogram knows that the spec file may not)


@functools.lru_cache(maxsize=1)
def _aiogram_tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    methods: dict[str, frozenset[str]] = {}
    types: dict[str, frozenset[str]] = {}
    try:
        import aiogram.methods as am
        import aiogram.types as at
    except ImportError:  # pragma: no cover - aiogram is a hard dependency of the bot
        return methods, types
    for obj in vars(am).values():
        api = getattr(obj, "__api_method__", None)
        fields = getattr(obj, "model_fields", None)
        if isinstance(api, str) and fields is not None:
            methods[api] = frozenset(_aliases(fields))
    for name, obj in vars(at).items():
        fields = getattr(obj, "model_fields", None)
        if isinstance(obj, type) and fields is not None:
            types[name] = frozenset(_aliases(fields))
    return methods, types


def _aliases(fields: dict[str, Any]) -> list[str]:
    out = []
    for name, info in fields.items():
        out.append(getattr(info, "alias", None) or name)
    return out


def aiogram_knows_param(method: str, param: str) -> bool:
    return param in _aiogram_tables()[0].get(method, frozenset())


def aiogram_knows_method(method: str) -> bool:
    return method in _aiogram_tables()[0]


def aiogram_knows_field(type_name: str, fname: str) -> bool:
    return fname in _aiogram_tables()[1].get(type_name, frozenset())


# --------------------------------------------------------------------------------------
# validation


@dataclass(slots=True)
class Problem:
    """One finding about a request.

    kind: "unknown_param" | "unknown_field" | "missing" | "type" | "aiogram_only" | custom kinds
    fatal: Telegram itself would refuse the request (400) - vs. silently ignoring it.
    warning_only: never a violation (e.g. a field aiogram knows but the spec file does not).
    """

    kind: str
    message: str
    fatal: bool = True
    warning_only: bool = False


class UploadedFile:
    """A file part of a multipart request."""

    __slots__ = ("content_type", "data", "filename")

    def __init__(self, data: bytes, filename: str | None, content_type: str | None) -> None:
        self.data = data
        self.filename = filename
        self.content_type = content_type

    def __repr__(self) -> str:
        return f"<UploadedFile {self.filename!r} {len(self.data)} bytes>"


_MISSING = object()


class Validator:
    """Checks and coerces one method call's parameters against the spec."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def canonical_method(self, name: str) -> str | None:
        return self.spec.method_by_lower.get(name.lower())

    def check_call(self, method: str, params: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """Validate ``params`` of a known ``method``; returns (coerced params, problems)."""
        fields = self.spec.methods[method]
        problems: list[Problem] = []
        out: dict[str, Any] = {}
        for name, value in params.items():
            fs = fields.get(name)
            if fs is None:
                if aiogram_knows_param(method, name):
                    problems.append(
                        Problem(
                            "aiogram_only",
                            f"parameter {name!r} is sent by aiogram but unknown to the spec "
                            f"({self.spec.version})",
                            fatal=False,
                            warning_only=True,
                        )
                    )
                else:
                    problems.append(Problem("unknown_param", f"unknown parameter {name!r}", fatal=False))
                out[name] = _loose_decode(value)
                continue
            coerced, errs = self._check_value(value, fs.types, name, top=True)
            out[name] = coerced if not errs else _loose_decode(value)
            problems.extend(errs)
        for name, fs in fields.items():
            if fs.required and name not in params:
                problems.append(Problem("missing", f"required parameter {name!r} is missing"))
        return out, problems

    # -- values -------------------------------------------------------------------------

    def _check_value(
        self, value: Any, types: tuple[str, ...], path: str, top: bool
    ) -> tuple[Any, list[Problem]]:
        best: list[Problem] | None = None
        for t in types:
            coerced, errs = self._check_type(value, t, path, top)
            hard = [e for e in errs if not e.warning_only]
            if not hard:
                return coerced, errs
            if best is None or (len(types) > 1 and _prefer(hard, best)):
                best = hard
        if (
            len(types) > 1
            and best
            and all(e.kind == "type" and e.message.startswith(path + ":") for e in best)
        ):
            return value, [Problem("type", f"{path}: expected {' or '.join(types)}, got {_describe(value)}")]
        return value, best or []

    def _check_type(self, value: Any, t: str, path: str, top: bool) -> tuple[Any, list[Problem]]:
        if t.startswith("Array of "):
            inner = t[len("Array of ") :]
            if top and isinstance(value, str):
                decoded = _json_or_missing(value)
                if decoded is _MISSING:
                    return value, [Problem("type", f"{path}: expected {t}, got a non-JSON string")]
                value = decoded
            if not isinstance(value, list):
                return value, [Problem("type", f"{path}: expected {t}, got {_describe(value)}")]
            out = []
            problems: list[Problem] = []
            for i, item in enumerate(value):
                c, errs = self._check_value(item, (inner,), f"{path}[{i}]", top=False)
                out.append(c)
                problems.extend(errs)
            return out, problems
        checker = _SCALARS.get(t)
        if checker is not None:
            ok, coerced = checker(value, top)
            if ok:
                return coerced, []
            return value, [Problem("type", f"{path}: expected {t}, got {_describe(value)}")]
        if t == "InputFile":
            if isinstance(value, UploadedFile):
                return value, []
            return value, [Problem("type", f"{path}: expected InputFile, got {_describe(value)}")]
        ts = self.spec.types.get(t)
        if top and isinstance(value, str):
            decoded = _json_or_missing(value)
            if decoded is _MISSING:
                return value, [Problem("type", f"{path}: expected {t} (JSON), got a non-JSON string")]
            value = decoded
        if ts is None:
            # a type name the spec does not describe: accept any JSON object
            if isinstance(value, dict):
                return value, []
            return value, [Problem("type", f"{path}: expected {t}, got {_describe(value)}")]
        if ts.subtypes:
            return self._check_value(value, ts.subtypes, path, top=False)
        if not isinstance(value, dict):
            return value, [Problem("type", f"{path}: expected {t} object, got {_describe(value)}")]
        return value, self._check_object(value, ts, path)

    def _check_object(self, value: dict[str, Any], ts: TypeSpec, path: str) -> list[Problem]:
        problems: list[Problem] = []
        if ts.discriminator is not None:
            dname, const = ts.discriminator
            if value.get(dname) != const:
                return [
                    Problem(
                        "type", f"{path}.{dname}: expected {const!r} for {ts.name}, got {value.get(dname)!r}"
                    )
                ]
        for k, v in value.items():
            fs = ts.fields.get(k)
            if fs is None:
                if aiogram_knows_field(ts.name, k):
                    problems.append(
                        Problem(
                            "aiogram_only",
                            f"{path}.{k}: field of {ts.name} sent by aiogram but unknown to the spec",
                            fatal=False,
                            warning_only=True,
                        )
                    )
                else:
                    problems.append(Problem("unknown_field", f"{path}.{k}: unknown field of {ts.name}"))
                continue
            _, errs = self._check_value(v, fs.types, f"{path}.{k}", top=False)
            problems.extend(errs)
        for name, fs in ts.fields.items():
            if fs.required and name not in value:
                problems.append(
                    Problem("missing", f"{path}: required field {name!r} of {ts.name} is missing")
                )
        return problems


def _prefer(new: list[Problem], old: list[Problem]) -> bool:
    """Among failing union members, report the one that got furthest (not a discriminator miss)."""

    def score(ps: list[Problem]) -> tuple[int, int]:
        disc = any("expected '" in p.message and "' for " in p.message for p in ps)
        return (1 if disc else 0, len(ps))

    return score(new) < score(old)


def _describe(value: Any) -> str:
    if isinstance(value, UploadedFile):
        return "an uploaded file"
    if isinstance(value, bool):
        return f"Boolean {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"String {shown!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} {value!r}"


def _json_or_missing(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return _MISSING


def _loose_decode(value: Any) -> Any:
    """Best-effort decoding for recording unknown parameters."""
    if isinstance(value, str) and value[:1] in "[{":
        decoded = _json_or_missing(value)
        if decoded is not _MISSING:
            return decoded
    return value


def _check_int(value: Any, top: bool) -> tuple[bool, Any]:
    if isinstance(value, bool):
        return False, value
    if isinstance(value, int):
        return True, value
    if isinstance(value, float) and value.is_integer() and not top:
        return False, value
    if top and isinstance(value, str) and _INT_RE.match(value.strip()):
        return True, int(value.strip())
    return False, value


def _check_float(value: Any, top: bool) -> tuple[bool, Any]:
    if isinstance(value, bool):
        return False, value
    if isinstance(value, int | float):
        return True, float(value)
    if top and isinstance(value, str):
        try:
            return True, float(value)
        except ValueError:
            return False, value
    return False, value


_TRUE = {"true", "True", "1"}
_FALSE = {"false", "False", "0"}


def _check_bool(value: Any, top: bool) -> tuple[bool, Any]:
    if isinstance(value, bool):
        return True, value
    if top and isinstance(value, str):
        if value in _TRUE:
            return True, True
        if value in _FALSE:
            return True, False
    return False, value


def _check_str(value: Any, top: bool) -> tuple[bool, Any]:
    if isinstance(value, str):
        return True, value
    if top and isinstance(value, int | float) and not isinstance(value, bool):
        # JSON bodies may carry numbers for string parameters (chat_id and the like)
        return True, str(value)
    return False, value


_SCALARS: dict[str, Callable[[Any, bool], tuple[bool, Any]]] = {
    "Integer": _check_int,
    "Float": _check_float,
    "Boolean": _check_bool,
    "String": _check_str,
}
