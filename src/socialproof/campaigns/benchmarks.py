"""The packaged benchmark table (``data/benchmarks.yaml``): published medians with provenance."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from socialproof.errors import BadInput

PATH = Path(__file__).resolve().parent.parent / "data" / "benchmarks.yaml"
METRICS = ("engagement_rate", "posts_per_week")
BASES = ("followers", "impressions", "views", "reach")


@dataclass(frozen=True)
class Figure:
    platform: str
    metric: str
    value: float
    base: str
    industry: str
    source: str
    year: int
    as_of: str
    via: str
    data_year: int | None = None

    @property
    def citation(self) -> str:
        data = f", {self.data_year} data" if self.data_year else ""
        via = " (via summaries)" if self.via == "summary" else ""
        return f"{self.source}{data}{via}"


@dataclass(frozen=True)
class IndustryNote:
    industry: str
    platform: str
    note: str
    source: str
    year: int
    via: str


@cache
def load(path: Path = PATH) -> tuple[tuple[Figure, ...], tuple[IndustryNote, ...]]:
    """All figures and industry notes; a clear error when the file is malformed."""
    import yaml

    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    figures = []
    try:
        for item in raw["figures"]:
            fig = Figure(
                platform=str(item["platform"]).lower(),
                metric=str(item["metric"]),
                value=float(item["value"]),
                base=str(item.get("base") or ""),
                industry=str(item.get("industry") or "all"),
                source=str(item["source"]),
                year=int(item["year"]),
                as_of=str(item["as_of"]),
                via=str(item.get("via") or ""),
                data_year=int(item["data_year"]) if item.get("data_year") else None,
            )
            if fig.metric not in METRICS or (
                fig.metric == "engagement_rate" and fig.base not in BASES
            ):
                raise ValueError(f"bad metric/base in {item}")
            figures.append(fig)
        notes = tuple(
            IndustryNote(
                str(n["industry"]),
                str(n.get("platform") or "all"),
                str(n["note"]),
                str(n["source"]),
                int(n["year"]),
                str(n.get("via") or ""),
            )
            for n in raw.get("industry_notes") or []
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"{path} is malformed: {exc}.", hint="Fix the benchmark file.") from None
    return tuple(figures), notes


def figures(
    platform: str, metric: str, *, industry: str = "general", base: str | None = None
) -> list[Figure]:
    """Figures for a platform and metric: industry-specific first, newest first."""
    found = [
        f
        for f in load()[0]
        if f.platform == platform
        and f.metric == metric
        and (base is None or f.base == base)
        and f.industry in ("all", industry)
    ]
    return sorted(found, key=lambda f: (f.industry == "all", -f.year, f.source))


def industry_notes(industry: str, platform: str) -> list[IndustryNote]:
    return [
        n for n in load()[1] if n.industry in ("all", industry) and n.platform in ("all", platform)
    ]
