"""Build the portfolio as a static website: no JavaScript, no external requests.

Pages: ``index.html`` (who, roles sought, selected work), one page per case
study, ``about.html`` (contact), plus ``style.css``, ``sitemap.xml`` and the
images the case studies use (copied into ``assets/``). Links are relative so
the folder can be hosted anywhere. The build writes into a temporary folder
and swaps it in at the end: a failed build never leaves a half-written site.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from socialproof.errors import BadInput
from socialproof.metrics.notes import SIGN
from socialproof.portfolio.casestudy import load_case_studies
from socialproof.portfolio.evidence import EvidenceResolver, Figure, format_value
from socialproof.portfolio.person import Person, load_person
from socialproof.portfolio.themes import Theme, get_theme

if TYPE_CHECKING:
    from socialproof.portfolio.casestudy import LoadedCaseStudy
    from socialproof.workspace import Workspace

SECTIONS = (
    ("strategy", "Strategy"),
    ("execution", "Execution"),
    ("targeting", "Targeting"),
    ("growth_strategy", "Growth strategy"),
    ("moderation_guidelines", "Moderation guidelines"),
    ("crisis_responses", "Crisis responses"),
    ("learnings", "Learnings"),
)


@dataclass
class BuildResult:
    out: Path
    pages: list[Path]
    warnings: list[str] = field(default_factory=list)


@dataclass
class StudyView:
    """What the templates need for one case study."""

    study: Any
    slug: str
    href: str
    client: str
    period: str
    budget: str
    figures: list[Figure]
    headline: Figure | None
    sections: list[tuple[str, Any]]
    charts: list[Any]
    creative: list[dict[str, Any]]
    body: Any


def _json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable(
        "table"
    )


class SiteAssets:
    """Copies images into ``assets/`` once each, named by content hash."""

    def __init__(self, out: Path, resolver: EvidenceResolver, warnings: list[str]) -> None:
        self.out = out
        self.resolver = resolver
        self.warnings = warnings
        self.copied: dict[Path, tuple[str, int | None, int | None]] = {}

    def add(self, relative: str) -> tuple[str, int | None, int | None]:
        src = self.resolver.asset_path(relative)
        if src in self.copied:
            return self.copied[src]
        data = src.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = f"assets/{digest}{src.suffix.lower()}"
        (self.out / "assets").mkdir(exist_ok=True)
        width = height = None
        if len(data) > 10 * 1024 * 1024:
            data, width, height = self._shrink(src, data)
        else:
            width, height = _image_size(src)
        (self.out / name).write_bytes(data)
        self.copied[src] = (name, width, height)
        return self.copied[src]

    def _shrink(self, src: Path, data: bytes) -> tuple[bytes, int | None, int | None]:
        try:
            from PIL import Image
        except ImportError:
            self.warnings.append(
                f"{src.name} is {len(data) / 1e6:.1f} MB and Pillow is not installed to resize "
                "it: the page will be slow. Export a smaller image or pip install pillow."
            )
            return data, None, None
        import io

        with Image.open(src) as img:
            img.thumbnail((1600, 1600))
            buf = io.BytesIO()
            img.save(buf, format=img.format or "PNG", optimize=True)
            self.warnings.append(
                f"{src.name} was {len(data) / 1e6:.1f} MB: resized to {img.size[0]}×{img.size[1]}."
            )
            return buf.getvalue(), img.size[0], img.size[1]


def _image_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height of PNG/GIF/JPEG files without Pillow (for layout stability)."""
    import struct

    try:
        head = path.read_bytes()[: 64 * 1024]
    except OSError:
        return None, None
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24:
        w, h = struct.unpack(">II", head[16:24])
        return int(w), int(h)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return int(w), int(h)
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                i += 1
                continue
            marker = head[i + 1]
            size = struct.unpack(">H", head[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", head[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + size
    return None, None


def study_view(
    loaded: LoadedCaseStudy,
    resolver: EvidenceResolver,
    assets: SiteAssets | None,
    md: Any,
) -> StudyView:
    from markupsafe import Markup

    from socialproof.render.charts import line_chart
    from socialproof.render.html import chart_html

    s = loaded.study
    figures = [resolver.outcome(o, loaded) for o in s.outcomes]
    for f in figures:
        if f.computed and f.value is None:
            resolver.warnings.append(
                f"{loaded.path.name}: '{f.label}' has no data ({f.provenance}); it shows n/a. "
                "Run 'socialproof portfolio check'."
            )
    charts = []
    for ch in s.charts:
        labels, values, label, unit = resolver.series(ch, loaded)
        title = ch.title or f"{label} by {ch.period}"
        if all(v is None for v in values):
            resolver.warnings.append(
                f"{loaded.path.name}: the chart '{title}' has no data in its period; it is left "
                "out. Run 'socialproof portfolio check'."
            )
            continue
        shown = [None if v is None else (v * 100 if unit == "percent" else v) for v in values]
        bounds = resolver.series_bounds(ch, loaded)
        chart = line_chart(
            labels,
            {label: shown},
            title=title,
            y_label=f"{label}{' (%)' if unit == 'percent' else ''}",
            marks=[SIGN.get(b or "", "") for b in bounds],
        )
        note = _bound_note(label, bounds)
        charts.append(
            Markup(chart_html(chart))  # noqa: S704 (chart_html escapes all text)
            + (Markup('<p class="chart-note">{}</p>').format(note) if note else "")
        )
    sections = []
    for key, heading in SECTIONS:
        text = getattr(s, key)
        if text and str(text).strip():
            sections.append((heading, Markup(md.render(str(text)))))  # noqa: S704 (raw HTML disabled)
    creative = []
    for c in s.creative:
        entry: dict[str, Any] = {
            "alt": c.alt or "",
            "caption": c.caption,
            "link": None,
            "label": c.label,
            "src": None,
            "width": None,
            "height": None,
        }
        if c.image and assets is not None:
            entry["src"], entry["width"], entry["height"] = assets.add(c.image)
        if c.link:
            entry["link"] = c.link if c.link.lower().startswith(("http://", "https://")) else None
        creative.append(entry)
    body = Markup(_render_body(loaded, md, assets)) if loaded.body.strip() else None  # noqa: S704
    period = s.period.start.strftime("%b %Y") + (
        f" – {s.period.end.strftime('%b %Y')}" if s.period.end else " – ongoing"
    )
    budget = ""
    if s.budget and (s.budget.min is not None or s.budget.max is not None):
        lo = format_value(s.budget.min, "currency") if s.budget.min is not None else "?"
        hi = format_value(s.budget.max, "currency") if s.budget.max is not None else "?"
        budget = f"{lo}–{hi} {s.budget.currency}"
    client = "Confidential client" if s.client.strip().lower() == "confidential" else s.client
    headline = next(
        (f for f in figures if f.baseline is not None or f.target is not None),
        figures[0] if figures else None,
    )
    return StudyView(
        s,
        loaded.slug,
        f"{loaded.slug}.html",
        client,
        period,
        budget,
        figures,
        headline,
        sections,
        charts,
        creative,
        body,
    )


def _bound_note(label: str, bounds: list[str | None]) -> str:
    """What a chart's ≤ or ≥ marks mean, as ``socialproof report`` marks bounds ('' if none)."""
    said = {
        "upper": f"{SIGN['upper']} are upper bounds (the exact {label} is at most the figure)",
        "lower": f"{SIGN['lower']} are lower bounds (the exact {label} is at least the figure)",
    }
    kinds = [said[k] for k in ("upper", "lower") if k in bounds]
    if not kinds:
        return ""
    return (
        f"Points marked {' and '.join(kinds)}, as 'socialproof report' marks them: reach "
        "summed over several posts or days counts a person reached in more than one of them "
        "each time, and a post's reach from an export by day is its largest day's, a floor. "
        "A reach figure for the whole span gives the exact value."
    )


def _render_body(loaded: LoadedCaseStudy, md: Any, assets: SiteAssets | None) -> str:
    tokens = md.parse(loaded.body)
    for tok in tokens:
        for child in tok.children or []:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                if src.lower().startswith(("http://", "https://")):
                    raise BadInput(
                        f"{loaded.path}: the image {src} is remote; the site makes no external requests.",
                        hint="Download it into the workspace and use a relative path.",
                    )
                if assets is not None:
                    child.attrSet("src", assets.add(src)[0])
    return str(md.renderer.render(tokens, md.options, {}))


def _person_ld(person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": person.name}
    if person.headline:
        data["jobTitle"] = person.headline
    if person.email:
        data["email"] = f"mailto:{person.email}"
    same = [link.url for link in person.links]
    if same:
        data["sameAs"] = same
    return data


def build_site(
    ws: Workspace,
    *,
    out: Path | None = None,
    theme: str = "classic",
    base_url: str | None = None,
    lang: str = "en",
) -> BuildResult:
    """Build the site for the workspace's case studies into ``out`` (default site/)."""
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        StrictUndefined,
        select_autoescape,
    )

    chosen: Theme = get_theme(theme)
    out = Path(out) if out is not None else ws.root / "site"
    if (
        out.resolve() == ws.root.resolve()
        or ws.root.resolve() in out.resolve().parents
        and out.name in ("case-studies", "content", "imports")
    ):
        raise BadInput(
            f"Refusing to build into {out}.", hint="Choose an output folder such as site/."
        )
    studies = load_case_studies(ws.root / "case-studies")
    person = load_person(ws)
    resolver = EvidenceResolver(ws)
    warnings: list[str] = []
    base = (base_url or "").rstrip("/") + "/" if base_url else ""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(chosen.folder)),
                FileSystemLoader(str(chosen.folder.parent / "common")),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    md = markdown_renderer()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        assets = SiteAssets(tmp, resolver, warnings)
        resolver.prefetch(studies)
        items = [study_view(s, resolver, assets, md) for s in studies]
        site = {"person": person, "lang": lang}
        pages: list[Path] = []

        def write(name: str, template: str, page: dict[str, Any], **ctx: Any) -> None:
            html = env.get_template(template).render(site=site, page=page, root="", **ctx)
            (tmp / name).write_text(html, encoding="utf-8")
            pages.append(out / name)

        person_ld = {"@context": "https://schema.org", **_person_ld(person)}
        write(
            "index.html",
            "home.html",
            {
                "title": f"{person.name}: portfolio",
                "kind": "home",
                "og_type": "profile",
                "description": person.headline or f"Case studies by {person.name}",
                "url": base + "index.html" if base else "",
                "image": "",
                "json_ld": _json_ld(person_ld),
            },
            items=items,
        )
        write(
            "about.html",
            "about.html",
            {
                "title": f"About {person.name}",
                "kind": "about",
                "og_type": "profile",
                "description": person.summary or person.headline or person.name,
                "url": base + "about.html" if base else "",
                "image": "",
                "json_ld": _json_ld(person_ld),
            },
        )
        for item in items:
            s = item.study
            label = "Mock campaign: " if s.is_mock else ""
            work: dict[str, Any] = {
                "@context": "https://schema.org",
                "@type": "CreativeWork",
                "name": label + s.title,
                "author": _person_ld(person),
                "dateCreated": s.period.start.isoformat(),
                "description": s.summary or s.title,
                "keywords": ", ".join([*s.platforms, *s.tags]),
            }
            if s.industry:
                work["about"] = s.industry
            image = next((c["src"] for c in item.creative if c.get("src")), "")
            write(
                item.href,
                "study.html",
                {
                    "title": f"{label}{s.title} · {person.name}",
                    "kind": "study",
                    "og_type": "article",
                    "description": s.summary or s.title,
                    "url": base + item.href if base else "",
                    "image": base + image if base and image else "",
                    "json_ld": _json_ld(work),
                },
                item=item,
                study=s,
            )
        (tmp / "style.css").write_text(chosen.stylesheet, encoding="utf-8")
        _write_sitemap(tmp, [p.name for p in pages], base, warnings)
        warnings.extend(resolver.warnings)
        resolver.close()
        _swap(tmp, out)
    except BaseException:
        resolver.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildResult(out, pages, warnings)


def _write_sitemap(folder: Path, names: list[str], base: str, warnings: list[str]) -> None:
    if not base:
        warnings.append(
            "sitemap.xml lists relative addresses: pass --base-url https://you.example/ so search "
            "engines get absolute ones."
        )
    urls = "".join(f"<url><loc>{xml_escape(base + n)}</loc></url>" for n in names)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n',
        encoding="utf-8",
    )


_SITE_SUFFIXES = (".html", ".xml", ".css", ".txt", ".json", ".webmanifest")


def _is_built_site(folder: Path) -> bool:
    """Only what a build writes: pages, sitemap, stylesheet and assets/ (never .git, notes...)."""
    if not (folder / "index.html").is_file():
        return False
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            if entry.name != "assets":
                return False
        elif entry.suffix.lower() not in _SITE_SUFFIXES or entry.name.startswith("."):
            return False
    return True


def _unused_sibling(out: Path, tag: str) -> Path:
    """A name beside ``out`` that does not exist yet (hidden, random suffix)."""
    import secrets

    while True:
        candidate = out.with_name(f".{out.name}{tag}{secrets.token_hex(6)}")
        if not candidate.exists():
            return candidate


def replace_site(built: Path, out: Path) -> None:
    """Put a site built into another folder (``build_site(ws, out=built)``) in place of
    ``out``, as a build into ``out`` ends: refused when ``out`` is not a built site."""
    _swap(built, out)


def _swap(tmp: Path, out: Path) -> None:
    """Replace ``out`` with the freshly built ``tmp`` folder."""
    if out.exists():
        if not out.is_dir():
            raise BadInput(f"{out} is a file.", hint="Choose an empty or new output folder.")
        if any(out.iterdir()) and not _is_built_site(out):
            raise BadInput(
                f"{out} exists and does not look like a built site; building would replace "
                "everything in it.",
                hint="Choose an empty or new output folder.",
            )
        # A fresh, unique name that socialproof creates itself: a user's own "<out>.old"
        # (or anything else beside the site) is never touched.
        old = _unused_sibling(out, ".old-")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
    out.chmod(0o755)
