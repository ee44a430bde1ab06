"""Typed, documented, validated sections: what the workspace settings need of a model.

A section is a dataclass whose fields carry a help text (``setting(...)``). Values are
coerced and checked on construction and on every assignment, with the rules TOML and
the web form need (numbers from text, times from 'HH:MM', lists, tables, fixed
choices, lower bounds) and a section's own checks (a classmethod ``_check_<field>``
that returns the cleaned value or raises ``ValueError``). Unknown keys are refused.

The settings were pydantic models until the seventh round; this keeps their
behaviour and messages for the parts socialproof uses, without the 0.15-0.2 s that
loading pydantic and building its schemas added to every command that opens a
workspace (``socialproof import`` among them).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime, time
from typing import Any, Literal, TypeVar, Union

Loc = tuple[str | int, ...]
S = TypeVar("S", bound="Section")


class Invalid(ValueError):
    """A value that does not fit: where (``loc``), what is wrong, and of which kind."""

    def __init__(self, loc: Loc, msg: str, kind: str = "value_error") -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg
        self.kind = kind

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.loc) or "(top level)"


def setting(
    default: Any = dataclasses.MISSING,
    *,
    default_factory: Any = dataclasses.MISSING,
    description: str = "",
    gt: float | None = None,
) -> Any:
    """A field with its help text (and a lower bound ``gt`` for numbers)."""
    meta = {"description": description, "gt": gt}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """One field as documentation and forms see it."""

    name: str
    annotation: Any
    description: str
    gt: float | None
    field: dataclasses.Field[Any]

    @property
    def required(self) -> bool:
        return (
            self.field.default is dataclasses.MISSING
            and self.field.default_factory is dataclasses.MISSING
        )

    def default(self) -> Any:
        """The default value (a fresh one for lists and tables)."""
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return None if self.field.default is dataclasses.MISSING else self.field.default


_FIELDS: dict[type, tuple[FieldInfo, ...]] = {}
_BY_NAME: dict[type, dict[str, FieldInfo]] = {}


def fields_of(cls: type[Section]) -> tuple[FieldInfo, ...]:
    """The fields of a section class, in declaration order, with resolved types."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = _resolve(cls)
    return found


def _resolve(cls: type[Section]) -> tuple[FieldInfo, ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        FieldInfo(
            f.name,
            hints[f.name],
            str(f.metadata.get("description", "")),
            f.metadata.get("gt"),
            f,
        )
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    )


def is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Section)


class Section:
    """Base of the settings' dataclasses: validated on construction and assignment."""

    def __setattr__(self, name: str, value: Any) -> None:
        info = _field(type(self), name)
        if info is None:
            raise AttributeError(f"{type(self).__name__} has no setting {name!r}")
        try:
            checked = _checked(type(self), info, value, (name,))
        except Invalid as exc:
            from socialproof.errors import SettingsError

            raise SettingsError(f"{exc.where}: {exc.msg}.", hint="Give a valid value.") from None
        object.__setattr__(self, name, checked)

    @classmethod
    def model_validate(cls: type[S], raw: Any) -> S:
        """A section from a mapping (a parsed TOML table); raises :class:`Invalid`."""
        return _section(cls, raw, ())

    def model_dump(
        self, *, mode: Literal["python", "json"] = "python", exclude_none: bool = False
    ) -> dict[str, Any]:
        """The values as plain data (``mode="json"``: times as 'HH:MM:SS' text)."""
        out: dict[str, Any] = {}
        for info in fields_of(type(self)):
            value = _dump(getattr(self, info.name), mode, exclude_none)
            if value is None and exclude_none:
                continue
            out[info.name] = value
        return out

    def model_dump_json(self) -> str:
        """Compact JSON of every value (stable: a cache key of what the settings say)."""
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)

    def model_copy(self: S, *, update: dict[str, Any] | None = None) -> S:
        """A copy with some values replaced (validated like any assignment)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]


def _field_map(cls: type[Section]) -> dict[str, FieldInfo]:
    found = _BY_NAME.get(cls)
    if found is None:
        found = _BY_NAME[cls] = {f.name: f for f in fields_of(cls)}
    return found


def _field(cls: type[Section], name: str) -> FieldInfo | None:
    return _field_map(cls).get(name)


def _dump(value: Any, mode: str, exclude_none: bool) -> Any:
    if isinstance(value, Section):
        return value.model_dump(mode=mode, exclude_none=exclude_none)  # type: ignore[arg-type]
    if isinstance(value, list):
        return [_dump(v, mode, exclude_none) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v, mode, exclude_none) for k, v in value.items()}
    if isinstance(value, time | date) and mode == "json":
        return value.isoformat()
    return value


def _section(cls: type[S], raw: Any, loc: Loc) -> S:
    if isinstance(raw, cls):
        return raw
    if not isinstance(raw, dict):
        raise Invalid(
            loc, f"Input should be a valid dictionary or instance of {cls.__name__}", "model_type"
        )
    known = _field_map(cls)
    for key in raw:
        if key not in known:
            raise Invalid((*loc, str(key)), "Extra inputs are not permitted", "extra_forbidden")
    values: dict[str, Any] = {}
    for info in fields_of(cls):
        if info.name in raw:
            values[info.name] = _checked(cls, info, raw[info.name], (*loc, info.name))
        elif info.required:
            raise Invalid((*loc, info.name), "Field required", "missing")
    return cls(**values)


def _checked(cls: type[Section], info: FieldInfo, value: Any, loc: Loc) -> Any:
    value = _coerce(info.annotation, value, loc)
    if info.gt is not None and value <= info.gt:
        raise Invalid(loc, f"Input should be greater than {info.gt:g}", "greater_than")
    check = getattr(cls, f"_check_{info.name}", None)
    if check is not None:
        try:
            value = check(value)
        except ValueError as exc:
            if isinstance(exc, Invalid):
                raise
            raise Invalid(loc, f"Value error, {exc}") from None
    return value


def _coerce(hint: Any, value: Any, loc: Loc) -> Any:  # noqa: C901, PLR0911, PLR0912 - one case per type
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if is_section(hint):
        return _section(hint, value, loc)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, loc)
    if origin is Literal:
        if value in args:
            return value
        choices = [repr(a) for a in args]
        listed = " or ".join(
            [", ".join(choices[:-1]), choices[-1]] if len(choices) > 1 else choices
        )
        raise Invalid(loc, f"Input should be {listed}", "literal_error")
    if hint is str:
        if isinstance(value, str):
            return value
        raise Invalid(loc, "Input should be a valid string", "string_type")
    if hint is float or hint is int:
        return _number(hint, value, loc)
    if hint is time:
        return _time(value, loc)
    if hint is date:
        return _date(value, loc)
    if origin is list:
        if not isinstance(value, list | tuple):
            raise Invalid(loc, "Input should be a valid list", "list_type")
        return [_coerce(args[0], v, (*loc, i)) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise Invalid(loc, "Input should be a valid dictionary", "dict_type")
        return {
            _coerce(args[0], k, (*loc, str(k))): _coerce(args[1], v, (*loc, str(k)))
            for k, v in value.items()
        }
    if hint is Any:
        return value
    raise TypeError(f"settings: no rule for the type {hint!r}")  # a declaration to fix


def _number(hint: type, value: Any, loc: Loc) -> float | int:
    what = "integer" if hint is int else "number"
    got: float | int
    if isinstance(value, int | float) and not isinstance(value, bool):
        got = value
    elif isinstance(value, str):
        try:
            got = float(value.strip())
        except ValueError:
            raise Invalid(loc, f"Input should be a valid {what}", "parsing") from None
    else:
        raise Invalid(loc, f"Input should be a valid {what}", "type")
    if got != got or got in (float("inf"), float("-inf")):
        raise Invalid(loc, "Input should be a finite number", "finite_number")
    if hint is int:
        if got != int(got):
            raise Invalid(loc, "Input should be a whole number", "int_from_float")
        return int(got)
    return float(got)


def _time(value: Any, loc: Loc) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(loc, "Input should be in a valid time format, e.g. '09:00'", "time_parsing")


def _date(value: Any, loc: Loc) -> date:
    if isinstance(value, datetime):  # TOML's 2026-12-25T00:00: a moment, not a day
        raise Invalid(loc, "Input should be a date without a time, e.g. 2026-12-25", "date_type")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(loc, "Input should be a date written YYYY-MM-DD, e.g. 2026-12-25", "date_parsing")
