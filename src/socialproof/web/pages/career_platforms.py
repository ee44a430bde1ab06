"""Career > Platforms: each platform's formats, ad formats, key metrics and limits, the
facts the post linter shares ('socialproof roles platforms'), with downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request

from socialproof.web.pages.career import SUBNAV
from socialproof.web.templating import render

if TYPE_CHECKING:
    from fastapi.responses import Response

router = APIRouter()
PLATFORMS = "/career/platforms"
COLUMNS = ["platform", "formats", "ad formats", "key metrics", "limits", "source"]


def platform_rows() -> list[dict[str, Any]]:
    """One row per catalogue platform, as 'socialproof roles platforms' lists them."""
    from socialproof.careers.catalogue import load_catalogue

    cat = load_catalogue()
    rows = []
    for pid in cat.platforms:
        f = cat.platform_facts(pid)
        rows.append(
            {
                "platform": f["name"],
                "formats": ", ".join(map(str, f["formats"])),
                "ad formats": ", ".join(map(str, f["ad_formats"])),
                "key metrics": ", ".join(map(str, f["key_metrics"])),
                "limits": ", ".join(f"{k} {v}" for k, v in f["limits"].items() if v is not None),
                "source": f["source"],
            }
        )
    return rows


@router.get(PLATFORMS, response_model=None)
def platforms(request: Request, download: str = "") -> Response:
    """The platforms' facts; ``download=csv|xlsx`` as a formula-safe file."""
    rows = platform_rows()
    if download:
        from socialproof.web.tables import download_response, view

        return download_response(view(rows), download, "platforms")
    return render(
        request,
        "career/platforms.html",
        title="Platforms",
        subnav=SUBNAV,
        columns=COLUMNS,
        rows=rows,
    )
