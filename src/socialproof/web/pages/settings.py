"""Settings: edit ``socialproof.toml`` in a form built from the settings models.

Every field of :class:`socialproof.workspace.settings.Settings` (name, type,
default, help) becomes a form field; the whole form is validated by the same
pydantic models ``socialproof`` uses when it reads the file, and the file is
replaced atomically only when everything is valid.
"""

from __future__ import annotations

import os
import tempfile
import typing
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.errors import SettingsError
from socialproof.web.templating import NavEntry, redirect, render, workspace

if TYPE_CHECKING:
    from fastapi.responses import HTMLResponse, Response

    from socialproof.workspace import Workspace

router = APIRouter()
NAV = NavEntry("/settings", "Settings", order=90, description="socialproof.toml, validated")

HEADER = (
    "# socialproof workspace settings. Every setting is documented in docs/settings.md\n"
    "# ('socialproof settings' prints them too). Edit freely; values are validated.\n\n"
)
READ_ONLY = ("approvals.tiers",)  # nested tables: edited in the file itself


@dataclass
class Field:
    """One form field for one setting."""

    name: str  # dotted, e.g. brand.handles
    kind: str  # text, number, time, select, lines, pairs, weekdays, readonly
    value: str
    help: str
    choices: tuple[str, ...] = ()

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
    if kind == "lines":
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
    from pydantic import BaseModel

    from socialproof.workspace.settings import Settings

    top: list[Field] = []
    sections: list[tuple[str, str, list[Field]]] = []

    def leaf(model: type[Any], obj: Any, prefix: str, out: list[Field]) -> None:
        for name, info in model.model_fields.items():
            ann = info.annotation
            full = prefix + name
            if isinstance(ann, type) and issubclass(ann, BaseModel):
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
            out.append(Field(full, kind, _shown(kind, value), info.description or "", choices))

    leaf(Settings, settings, "", top)
    return [("general", "", top), *sections]


def _parse(f: Field, raw: str) -> Any:
    text = raw.strip()
    if f.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
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
    groups = fields(settings)
    if values:
        for _, _, items in groups:
            for f in items:
                if f.name in values and f.kind != "readonly":
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
    )


@router.get("/settings")
def settings_page(request: Request) -> HTMLResponse:
    return _page(request, workspace(request).settings)


@router.post("/settings")
async def save_settings(request: Request) -> Response:
    """Validate the whole form with the settings models; write the file only if all is well."""
    from socialproof.workspace.settings import settings_from_dict

    ws = workspace(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    data: dict[str, Any] = ws.settings.model_dump(mode="json", exclude_none=True)
    try:
        for _, _, items in fields(ws.settings):
            for f in items:
                if f.kind == "readonly" or f.name not in values:
                    continue
                target = data
                *parents, last = f.name.split(".")
                for p in parents:
                    target = target.setdefault(p, {})
                target[last] = _parse(f, values[f.name])
        new = settings_from_dict(data, source="the form")
    except SettingsError as exc:
        text = str(exc)
        bad = next(
            (f.name for _, _, items in fields(ws.settings) for f in items if f"{f.name}:" in text),
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
    return redirect("/settings", message="Settings saved to socialproof.toml.")
