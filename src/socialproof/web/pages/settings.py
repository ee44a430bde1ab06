"""Settings: edit ``socialproof.toml`` in a form built from the settings models.

Every field of :class:`socialproof.workspace.settings.Settings` (name, type,
default, help) becomes a form field; the whole form is validated by the same
declarations ``socialproof`` uses when it reads the file, and the file is
replaced atomically only when everything is valid.
"""

from __future__ import annotations

import os
import re
import tempfile
import typing
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, time
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.errors import SettingsError
from socialproof.web.templating import NavEntry, redirect, render, runner, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/settings", "Settings", order=90, description="socialproof.toml, validated")

HEADER = (
    "# socialproof workspace settings. Every setting is documented in docs/settings.md\n"
    "# ('socialproof settings' prints them too). Edit freely; values are validated.\n\n"
)
READ_ONLY: tuple[str, ...] = ()  # settings shown but edited in the file itself
TIERS = "approvals.tiers"
#: Empty tier rows the form offers below the tiers there are (to add one without scripts).
BLANK_TIERS = 2
MODES = ("any", "all")


@dataclass
class Field:
    """One form field for one setting."""

    name: str  # dotted, e.g. brand.handles
    kind: str  # text, number, time, select, lines, dates, pairs, weekdays, tiers, readonly
    value: str
    help: str
    choices: tuple[str, ...] = ()
    #: kind "tiers": one row per tier (name, roles, mode), then blank rows to add one
    rows: list[dict[str, str]] = dataclass_field(default_factory=list)

    @property
    def id(self) -> str:
        return "s-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def label(self) -> str:
        return self.name.split(".")[-1].replace("_", " ").capitalize()


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "select", tuple(str(a) for a in args)
    if annotation is time:
        return "time", ()
    if annotation in (int, float):
        return "number", ()
    if origin is list and args == (str,):
        return "lines", ()
    if origin is list and args == (int,):
        return "weekdays", ()
    if origin is list and args == (date,):
        return "dates", ()
    if origin is dict:
        return "pairs", ()
    if annotation is str:
        return "text", ()
    return "readonly", ()


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "time":
        return str(value.strftime("%H:%M"))
    if kind in ("lines", "dates"):
        return "\n".join(str(v) for v in value)
    if kind == "weekdays":
        return ",".join(str(v) for v in value)
    if kind == "pairs":
        return "\n".join(f"{k} = {v}" for k, v in value.items())
    if kind == "readonly":
        import json

        return json.dumps(value, default=str, ensure_ascii=False) if value else "(default)"
    return str(value)


def fields(settings: Any) -> list[tuple[str, str, list[Field]]]:
    """(section name, section help, fields) for every setting, top-level ones first."""
    from socialproof.workspace.settings import Settings, fields_of, is_section

    top: list[Field] = []
    sections: list[tuple[str, str, list[Field]]] = []

    def leaf(model: type[Any], obj: Any, prefix: str, out: list[Field]) -> None:
        for info in fields_of(model):
            name = info.name
            ann = info.annotation
            full = prefix + name
            if is_section(ann):
                sub: list[Field] = []
                leaf(ann, getattr(obj, name), full + ".", sub)
                sections.append((full, info.description or "", sub))
                continue
            kind, choices = _kind(ann)
            if full == "industry":
                from socialproof.workspace.settings import INDUSTRIES

                kind, choices = "select", INDUSTRIES
            if full in READ_ONLY:
                kind = "readonly"
            value = getattr(obj, name)
            if full == TIERS:
                out.append(
                    Field(full, "tiers", "", info.description or "", MODES, tier_rows(value))
                )
                continue
            out.append(Field(full, kind, _shown(kind, value), info.description or "", choices))

    leaf(Settings, settings, "", top)
    return [("general", "", top), *sections]


def tier_rows(tiers: list[Any] | None) -> list[dict[str, str]]:
    """The tiers as form rows (roles comma-separated), then ``BLANK_TIERS`` empty rows."""
    rows = [{"name": t.name, "roles": ", ".join(t.roles), "mode": t.mode} for t in tiers or []]
    return rows + [{"name": "", "roles": "", "mode": "any"} for _ in range(BLANK_TIERS)]


def submitted_tiers(values: dict[str, str]) -> list[dict[str, str]] | None:
    """The tier rows of a submitted form, or None when the form has none (an older page)."""
    found = sorted(
        {
            int(m.group(1))
            for k in values
            if (m := re.fullmatch(rf"{re.escape(TIERS)}\.(\d+)\.\w+", k))
        }
    )
    if not found:
        return None
    return [
        {part: values.get(f"{TIERS}.{i}.{part}", "").strip() for part in ("name", "roles", "mode")}
        for i in found
    ]


def parse_tiers(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    """The filled rows (with their row number) as ``[approvals] tiers`` entries; an empty
    row is skipped, and no filled row means the default tiers. Names, roles and modes are
    checked by the settings model, as when the file is read."""
    return [
        (
            i,
            {
                "name": row["name"],
                "roles": [r.strip() for r in re.split(r"[,\n]", row["roles"]) if r.strip()],
                "mode": row["mode"] or "any",
            },
        )
        for i, row in enumerate(rows)
        if row["name"] or row["roles"]
    ]


def _parse(f: Field, raw: str) -> Any:
    text = raw.strip()
    if f.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if f.kind == "dates":
        days = [p.strip() for p in re.split(r"[,;\n]", raw) if p.strip()]
        for day in days:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise SettingsError(
                    f"{f.name}: {day!r} is not a date written YYYY-MM-DD.",
                    hint="Write one date a line, e.g. 2026-12-25.",
                ) from None
        return days
    if f.kind == "weekdays":
        parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
        if not all(p.lstrip("-").isdigit() for p in parts):
            raise SettingsError(
                f"{f.name}: write weekdays as numbers, 0 = Monday ... 6 = Sunday.",
                hint="e.g. 0,1,2,3,4",
            )
        return [int(p) for p in parts]
    if f.kind == "pairs":
        pairs: dict[str, str] = {}
        for line in raw.splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise SettingsError(
                    f"{f.name}: the line {line.strip()!r} is not 'name = value'.",
                    hint="Write one pair a line, e.g. instagram = acme.",
                )
            pairs[key.strip()] = value.strip()
        return pairs
    if f.kind == "number":
        try:
            return float(text)
        except ValueError:
            raise SettingsError(f"{f.name}: {raw!r} is not a number.", hint="e.g. 24") from None
    return text


def write_settings(ws: Workspace, settings: Any) -> None:
    """Replace ``socialproof.toml`` with ``settings`` in one step (never half written)."""
    from socialproof.workspace.settings import SETTINGS_FILE, dump_settings

    target = ws.root / SETTINGS_FILE
    fd, name = tempfile.mkstemp(prefix=".socialproof-", suffix=".toml.tmp", dir=ws.root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(HEADER + dump_settings(settings))
        os.replace(name, target)
    except BaseException:
        if os.path.exists(name):
            os.unlink(name)
        raise


def _page(
    request: Request,
    settings: Any,
    *,
    status_code: int = 200,
    messages: list[tuple[str, str]] | None = None,
    invalid: str = "",
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    from socialproof.web.versions import version_of

    groups = fields(settings)
    if values:
        rows = submitted_tiers(values)
        for _, _, items in groups:
            for f in items:
                if f.kind == "tiers" and rows is not None:
                    f.rows = rows
                elif f.name in values and f.kind not in ("readonly", "tiers"):
                    f.value = values[f.name]
    return render(
        request,
        "settings/index.html",
        status_code=status_code,
        messages=messages,
        title="Settings",
        groups=groups,
        invalid=invalid,
        path_shown=str(workspace(request).root / "socialproof.toml"),
        # the file's version as this form first showed it (kept when the form comes back)
        version=(values or {}).get("version")
        or version_of(workspace(request).root / "socialproof.toml"),
    )


@router.get("/settings")
def settings_page(request: Request) -> HTMLResponse:
    return _page(request, workspace(request).settings)


@router.post("/settings")
async def save_settings(request: Request) -> Response:
    """Validate the whole form with the settings models; write the file only if all is well."""
    from socialproof.errors import EditedElsewhere
    from socialproof.web.versions import check
    from socialproof.workspace.settings import settings_from_dict

    ws = workspace(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:  # a save made meanwhile in another tab is not overwritten with this form's values
        check(ws.root / "socialproof.toml", values.get("version", ""), "socialproof.toml")
    except EditedElsewhere as exc:
        return _page(
            request,
            ws.settings,
            status_code=exc.http_status,
            messages=[("error", str(exc))],
            values=values,
        )
    data: dict[str, Any] = ws.settings.model_dump(mode="json", exclude_none=True)
    tier_rows_used: list[int] = []
    try:
        for _, _, items in fields(ws.settings):
            for f in items:
                if f.kind == "tiers":
                    rows = submitted_tiers(values)
                    if rows is None:
                        continue
                    parsed = parse_tiers(rows)
                    tier_rows_used = [i for i, _ in parsed]
                    value: Any = [tier for _, tier in parsed] or None
                elif f.kind == "readonly" or f.name not in values:
                    continue
                else:
                    value = _parse(f, values[f.name])
                target = data
                *parents, last = f.name.split(".")
                for p in parents:
                    target = target.setdefault(p, {})
                if value is None:
                    target.pop(last, None)
                else:
                    target[last] = value
        new = settings_from_dict(data, source="the form")
    except SettingsError as exc:
        text = str(exc)
        tier = re.search(rf"{re.escape(TIERS)}(?:\.(\d+)\.(\w+))?: ", text)
        if tier and tier.group(1) is not None:
            # the model counts filled rows; the page numbers every row from 1
            row = tier_rows_used[int(tier.group(1))]
            bad = f"{TIERS}.{row}.{tier.group(2)}"
            text = text.replace(tier.group(0), f"Approval tier {row + 1}, {tier.group(2)}: ")
        elif tier:
            bad = TIERS
            text = text.replace(tier.group(0), "Approval tiers: ")
        else:
            bad = next(
                (
                    f.name
                    for _, _, items in fields(ws.settings)
                    for f in items
                    if f"{f.name}:" in text
                ),
                "",
            )
        return _page(
            request,
            ws.settings,
            status_code=422,
            messages=[("error", text.replace("the form: ", "").replace("Value error, ", ""))],
            invalid=bad,
            values=values,
        )
    write_settings(ws, new)
    ws.settings = new
    request.app.state.cache.clear()
    runner(request).after_write()  # the report pages are prepared again under the new settings
    return redirect("/settings", message="Settings saved to socialproof.toml.")
