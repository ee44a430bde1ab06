"""Workspace settings (``socialproof.toml``), declared once and validated.

Every setting has a type, a default and a help text (``description``); the
documentation in ``docs/settings.md`` is generated from these declarations and a
test checks that it is current.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialproof.errors import SettingsError
from socialproof.workspace._model import Invalid, Section, fields_of, is_section, setting

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Settings", "fields_of", "is_section", "load_settings", "settings_from_dict"]

SETTINGS_FILE = "socialproof.toml"

INDUSTRIES = (
    "general",
    "consumer",
    "b2b",
    "finance",
    "health",
    "legal",
    "education",
    "nonprofit",
    "government",
    "media",
    "retail",
    "technology",
    "travel",
)
REGULATED_INDUSTRIES = frozenset({"finance", "health", "legal"})


@dataclass(eq=True)
class BusinessHours(Section):
    start: time = setting(time(9, 0), description="Start of the working day (HH:MM, local time).")
    end: time = setting(time(17, 0), description="End of the working day (HH:MM, local time).")
    weekdays: list[int] = setting(
        default_factory=lambda: [0, 1, 2, 3, 4],
        description="Working weekdays, 0 = Monday ... 6 = Sunday.",
    )
    holidays: list[date] = setting(
        default_factory=list,
        description="Public holidays and other closed days (YYYY-MM-DD, local dates), e.g. "
        "['2026-12-25', '2026-12-28']: no working time on them, in business-hours "
        "response times and the business-hours SLA.",
    )

    @classmethod
    def _check_weekdays(cls, value: list[int]) -> list[int]:
        bad = [d for d in value if not 0 <= d <= 6]
        if bad:
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {bad}")
        return sorted(set(value))

    @classmethod
    def _check_holidays(cls, value: list[date]) -> list[date]:
        return sorted(set(value))


@dataclass(eq=True)
class Brand(Section):
    handles: list[str] = setting(
        default_factory=list,
        description="The brand's own account handles or author ids on every platform "
        "(messages by these count as brand replies), e.g. ['@acme', 'AcmeHelp'].",
    )
    accounts: dict[str, str] = setting(
        default_factory=dict,
        description="Main account per platform, e.g. {instagram = 'acme', tiktok = 'acme.co'}; "
        "an imported file that names no account is recorded under it (else use --account).",
    )

    @classmethod
    def _check_handles(cls, value: list[str]) -> list[str]:
        handles = [h.strip() for h in value]
        if any(not h.lstrip("@") for h in handles):  # '' would match authors with no id
            raise ValueError("a handle is empty; write each one, e.g. '@acme'")
        return handles


@dataclass(eq=True)
class Voice(Section):
    banned_terms: list[str] = setting(
        default_factory=list, description="Words or phrases posts must not use."
    )
    preferred_terms: dict[str, str] = setting(
        default_factory=dict,
        description="Terms to replace: {'customers' = 'members'} suggests 'members'.",
    )
    tone: Literal["neutral", "friendly", "formal", "playful"] = setting(
        "neutral", description="Intended tone; the linter flags copy that clashes with it."
    )


@dataclass(eq=True)
class Community(Section):
    sla_hours: float = setting(
        24.0, gt=0, description="Service level: a thread should get a first reply within this."
    )


@dataclass(eq=True)
class ApprovalTier(Section):
    name: str = setting(description="Tier name, e.g. 'review' or 'compliance'.")
    roles: list[str] = setting(description="Roles that may approve at this tier.")
    mode: Literal["any", "all"] = setting(
        "any", description="'any': one approver of these roles suffices; 'all': every role."
    )

    @classmethod
    def _check_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a tier needs a name, e.g. 'review'")
        return value.strip()

    @classmethod
    def _check_roles(cls, value: list[str]) -> list[str]:
        roles = [r.strip() for r in value if r.strip()]
        if not roles:
            raise ValueError("a tier needs at least one role that may approve, e.g. 'editor'")
        return roles


@dataclass(eq=True)
class Approvals(Section):
    tiers: list[ApprovalTier] | None = setting(
        None,
        description="Approval tiers a post must pass before it is scheduled. Default: one "
        "'review' tier; regulated industries add a 'compliance' tier.",
    )

    @classmethod
    def _check_tiers(cls, value: list[ApprovalTier] | None) -> list[ApprovalTier] | None:
        seen: set[str] = set()
        for tier in value or []:
            if tier.name.lower() in seen:
                raise ValueError(f"two tiers are named {tier.name!r}; give each its own name")
            seen.add(tier.name.lower())
        return value


@dataclass(eq=True)
class Engine(Section):
    backend: Literal["duckdb", "spark"] = setting(
        "duckdb", description="Where analytics run: embedded DuckDB, or Spark for large data."
    )
    spark_master: str = setting("local[*]", description="Spark master URL when backend = 'spark'.")
    storage: str = setting(
        "",
        description="Where the tables are read from: '' for the workspace's DuckDB file, or a "
        "Parquet store URI (file:///shared/acme, or s3a:// hdfs:// read by Spark) that both "
        "engines read; see docs/scaling.md.",
    )


@dataclass(eq=True)
class Settings(Section):
    """All settings of a workspace."""

    owner: str = setting(
        "", description="Who owns this workspace (shown on reports and the portfolio)."
    )
    currency: str = setting(
        "USD", description="Reporting currency (ISO 4217); ad spend in others is kept as exported."
    )
    timezone: str = setting(
        "UTC",
        description="IANA timezone used for days, weeks and business hours, e.g. 'Europe/Berlin'.",
    )
    industry: str = setting(
        "general",
        description="Industry of the brand: " + ", ".join(INDUSTRIES) + ". Finance, health "
        "and legal are regulated (stricter linting and approvals).",
    )
    brand: Brand = setting(default_factory=Brand, description="The brand's handles and accounts.")
    business_hours: BusinessHours = setting(
        default_factory=BusinessHours, description="When the team answers messages."
    )
    voice: Voice = setting(default_factory=Voice, description="Brand voice for the post linter.")
    community: Community = setting(default_factory=Community, description="Community settings.")
    approvals: Approvals = setting(default_factory=Approvals, description="Approval workflow.")
    engine: Engine = setting(default_factory=Engine, description="Analytics engine.")

    @classmethod
    def _check_currency(cls, value: str) -> str:
        value = value.strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValueError("currency must be a three-letter ISO 4217 code such as USD or EUR")
        return value

    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as 'Europe/London'"
            ) from None
        return value

    @classmethod
    def _check_industry(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in INDUSTRIES:
            raise ValueError(f"industry must be one of: {', '.join(INDUSTRIES)}")
        return value

    @property
    def regulated(self) -> bool:
        return self.industry in REGULATED_INDUSTRIES

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(path: Path) -> Settings:
    """Read and validate a settings file; errors name the file, the field and the fix."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path} does not exist.", hint="Run 'socialproof init'.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"{path} is not valid TOML: {exc}.", hint="Fix the file and retry."
        ) from None
    return settings_from_dict(raw, source=str(path))


def settings_from_dict(raw: dict[str, Any], *, source: str = "settings") -> Settings:
    try:
        return Settings.model_validate(raw)
    except Invalid as exc:
        msg = exc.msg
        if exc.kind == "extra_forbidden":
            msg = "unknown setting (check the spelling; 'socialproof settings' lists them)"
        raise SettingsError(f"{source}: {exc.where}: {msg}.", hint="Fix it and retry.") from None


def dump_settings(settings: Settings) -> str:
    import tomli_w

    data = settings.model_dump(mode="json", exclude_none=True)
    return tomli_w.dumps(data)


def type_label(annotation: Any) -> str:
    """A setting's type as its reader writes it in TOML ('list of text', 'one of ...')."""
    import types
    import typing

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return " or ".join(type_label(a) for a in inner) + ", optional"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is list:
        return "list of " + type_label(args[0])
    if origin is dict:
        return f"table of {type_label(args[0])} = {type_label(args[1])}"
    if is_section(annotation):
        return "table (" + ", ".join(f.name for f in fields_of(annotation)) + ")"
    names = {str: "text", float: "number", int: "whole number", bool: "true/false"}
    if annotation is time:
        return "time (HH:MM)"
    if annotation is date:
        return "date (YYYY-MM-DD)"
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def default_label(value: Any) -> str:
    """A default as it would be written in ``socialproof.toml``."""
    if value is None:
        return "(none)"
    if isinstance(value, time):
        return repr(value.strftime("%H:%M"))
    return repr(value)


def settings_reference() -> list[tuple[str, str, str, str]]:
    """(name, type, default, help) for every setting, nested names dotted."""
    rows: list[tuple[str, str, str, str]] = []

    def walk(model: type[Section], prefix: str) -> None:
        for field in fields_of(model):
            ann = field.annotation
            full = f"{prefix}{field.name}"
            if is_section(ann):
                rows.append((full, "section", "", field.description))
                walk(ann, full + ".")
                continue
            rows.append((full, type_label(ann), default_label(field.default()), field.description))

    walk(Settings, "")
    return rows
