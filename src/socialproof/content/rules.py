"""Lint rules as data: the rule model, the pack loader and the registry of checks.

A rule pack is a YAML file (like a Vale style)::

    pack: disclosure
    description: FTC disclosure of paid relationships.
    rules:
      - id: disclosure.vague-tag
        check: pattern                 # a registered check (see CHECKS)
        severity: warning              # error | warning | info
        message: "'{match}' is too vague ... Use #ad or #sponsored at the start."
        scope: {platforms: [], industries: []}   # empty = every platform/industry
        source: FTC, Disclosures 101 for Social Media Influencers (2019)
        pattern: '(?i)#(sp|spon|partner)\\b'    # check-specific parameters
        negated: '(?i)\\bnot\\s+$'            # pattern/requires: a match after this is
                                       # no claim ('not guaranteed')

Packaged packs live in ``socialproof/data/lint/``; installed plugins add packs through
the ``socialproof.lint`` entry point group; a workspace adds its own in
``<workspace>/lint/*.yaml`` and ``socialproof lint --rules FILE`` adds more. Checks
register with :func:`register_check`, the same way for built-in and third-party ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from socialproof.errors import BadInput

if TYPE_CHECKING:
    from socialproof.content.linter import Hit, LintContext

SEVERITIES = ("error", "warning", "info")
PACK_DIR = Path(__file__).resolve().parent.parent / "data" / "lint"
_REQUIRED = ("id", "check", "severity", "message", "source")
# Parameters holding regular expressions; compiled (and checked) when the pack loads.
_REGEX_PARAMS = (
    "pattern", "unless", "when", "requires", "tags", "sponsored_tags", "bad_prefix", "negated",
)  # fmt: skip

_LEADING_FLAGS = re.compile(r"^\(\?([imsx]+)\)")
Check = Callable[["Rule", "LintContext"], Iterable["Hit"]]
CHECKS: dict[str, Check] = {}


def register_check(name: str) -> Callable[[Check], Check]:
    """Register a check function under ``name`` (used by rules' ``check:`` field)."""

    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return deco


@dataclass(frozen=True)
class Rule:
    """One lint rule: what to check, how bad it is, where it applies and why."""

    id: str
    check: str
    severity: str
    message: str
    source: str
    pack: str
    platforms: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    fixable: bool = False
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    regex: dict[str, re.Pattern[str]] = field(default_factory=dict, hash=False, compare=False)

    def applies(self, platform: str | None, industry: str | None) -> bool:
        if self.platforms and platform not in self.platforms:
            return False
        return not (self.industries and industry not in self.industries)

    def format(self, **values: Any) -> str:
        try:
            return self.message.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.message


def parse_pack(text: str, *, source: str) -> list[Rule]:
    """Rules from the text of one pack; errors name the file and the rule."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise BadInput(
            f"{where}: the rules file is not valid YAML.", hint="Fix the YAML and retry."
        ) from None
    except (ValueError, OverflowError) as exc:  # a YAML date that cannot exist
        raise BadInput(f"{source}: {exc}.", hint="Fix the YAML and retry.") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise BadInput(
            f"{source}: a rules file needs 'pack: NAME' and a 'rules:' list.",
            hint="See socialproof/data/lint/*.yaml for examples.",
        )
    pack = str(data.get("pack") or Path(source).stem)
    rules: list[Rule] = []
    for i, raw in enumerate(data["rules"]):
        rules.append(_rule(raw, pack=pack, source=source, index=i))
    return rules


def _rule(raw: Any, *, pack: str, source: str, index: int) -> Rule:
    if not isinstance(raw, dict):
        raise BadInput(
            f"{source}: rule #{index + 1} is not a mapping.", hint="Give it id, check, ..."
        )
    rid = str(raw.get("id") or f"#{index + 1}")
    where = f"{source}: rule {rid!r}"
    missing = [k for k in _REQUIRED if not raw.get(k)]
    if missing:
        raise BadInput(
            f"{where} lacks {', '.join(missing)}.",
            hint="Every rule needs " + ", ".join(_REQUIRED) + ".",
        )
    check = str(raw["check"])
    if check not in CHECKS:
        raise BadInput(
            f"{where}: unknown check {check!r}.",
            hint=f"Use one of: {', '.join(sorted(CHECKS))}.",
        )
    severity = str(raw["severity"]).lower()
    if severity not in SEVERITIES:
        raise BadInput(
            f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}.",
            hint="Use error, warning or info.",
        )
    scope = raw.get("scope") or {}
    if not isinstance(scope, dict):
        raise BadInput(f"{where}: scope must be a mapping.", hint="Write scope: {platforms: [x]}.")
    platforms = tuple(str(p).lower() for p in scope.get("platforms") or ())
    industries = tuple(str(p).lower() for p in scope.get("industries") or ())
    if platforms:
        from socialproof.content.posts import resolve_platform

        platforms = tuple(resolve_platform(p, where=where) for p in platforms)
    known = set(_REQUIRED) | {"scope", "fixable"}
    params = {k: v for k, v in raw.items() if k not in known}
    regex: dict[str, re.Pattern[str]] = {}
    for key in _REGEX_PARAMS:
        if key in params:
            regex[key] = _compile(params[key], where=f"{where} ({key})")
    tones = params.get("tones") or {}
    if not isinstance(tones, dict):
        raise BadInput(f"{where}: tones must map a tone to patterns.", hint="See voice.yaml.")
    for tone_name, patterns in tones.items():
        regex[f"tone:{tone_name}"] = _compile(patterns, where=f"{where} (tones.{tone_name})")
    return Rule(
        id=rid,
        check=check,
        severity=severity,
        message=str(raw["message"]).strip(),
        source=str(raw["source"]).strip(),
        pack=pack,
        platforms=platforms,
        industries=industries,
        fixable=bool(raw.get("fixable", False)),
        params=params,
        regex=regex,
    )


def _compile(value: Any, *, where: str) -> re.Pattern[str]:
    if isinstance(value, list):
        value = "|".join(_scoped(str(v)) for v in value)
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise BadInput(
            f"{where}: malformed regular expression: {exc}.",
            hint="Fix the pattern (quote it in single quotes in YAML).",
        ) from None


def _scoped(pattern: str) -> str:
    """``(?i)abc`` -> ``(?i:abc)`` so patterns with leading flags can be joined."""
    m = _LEADING_FLAGS.match(pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end() :]})"
    return f"(?:{pattern})"


def load_pack(path: Path) -> list[Rule]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        from socialproof.errors import FileMissing

        raise FileMissing(f"Rules file {path} does not exist.", hint="Check the path.") from None
    return parse_pack(text, source=str(path))


@cache
def builtin_rules() -> tuple[Rule, ...]:
    """Every rule of the packaged packs."""
    out: list[Rule] = []
    for path in sorted(PACK_DIR.glob("*.yaml")):
        out.extend(load_pack(path))
    return tuple(out)


ENTRY_POINT_GROUP = "socialproof.lint"


@cache
def plugin_packs() -> tuple[Path, ...]:
    """Packs from installed plugins: entry points in ``socialproof.lint``.

    Each entry point names a callable that returns pack file paths; importing the
    plugin may also register checks with :func:`register_check`. A broken plugin is
    reported as an error naming it, never silently skipped.
    """
    from socialproof.plugins import entry_points

    paths: list[Path] = []
    for ep in entry_points(ENTRY_POINT_GROUP):
        try:
            provider = ep.load()
            paths.extend(Path(p) for p in provider())
        except Exception as exc:
            raise BadInput(
                f"The lint plugin {ep.name!r} ({ep.value}) failed to load: {exc}.",
                hint="Upgrade or uninstall that plugin.",
            ) from None
    return tuple(paths)


def load_rules(extra: Iterable[Path] = ()) -> list[Rule]:
    """Packaged rules, plugin packs, then extra packs; a later rule with the same id
    replaces the earlier one (so a workspace can tighten or relax a built-in rule)."""
    by_id: dict[str, Rule] = {r.id: r for r in builtin_rules()}
    for path in (*plugin_packs(), *extra):
        for rule in load_pack(path):
            by_id[rule.id] = rule
    return list(by_id.values())
