"""Report pages prepared in the background, so that a person's first click is fast.

``socialproof serve`` (``create_app(warm=True)``) runs :func:`precompute` as a follow-up
job at start and after every other job (an import, a scoring run) and after every write a
page makes without a job (an undo, a moderation decision, a saved case study, profile or
settings: they call ``runner.after_write()``). Each step computes what a page shows into
the app's result cache under the very key the page looks up, so the page only renders.

Keys carry what the result depends on: the database's state always (``web/cache.py``: any
import, undo or decision makes every entry stale), the settings where they matter (saving
them also clears the cache), and the files that change apart from the database (case
studies, moderation.yaml, the profile's text). What cannot be prepared beforehand (a plan
with a person's own options) is computed on a background thread while the page shows a
progress placeholder (``ResultCache.get_or_start``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from socialproof.errors import SocialproofError

if TYPE_CHECKING:
    from collections.abc import Callable

    from socialproof.web.cache import ResultCache
    from socialproof.workspace import Workspace

log = logging.getLogger(__name__)


def steps() -> list[tuple[str, Callable[[Any, Any], None]]]:
    """(what, step) in the order they run: the cheap start page first, plans last."""
    from socialproof.web.pages import (
        audit,
        campaigns,
        career,
        community,
        dashboard,
        home,
        portfolio,
    )

    return [
        ("the start page", home.warm),
        ("the audit and pilots pages", audit.warm_pages),
        ("the moderation queue", community.warm_queue),
        ("the case studies' scores", portfolio.warm),
        ("the career pages", career.warm),
        ("the dashboard's preset ranges", dashboard.warm_presets),
        ("the campaigns views and the tables asked for", campaigns.warm_views),
        ("the pilot plans asked for", audit.warm_plans),
    ]


def precompute(ws: Workspace, cache: ResultCache) -> None:
    """Run every step; one that fails leaves its page to compute (and explain) on a visit."""
    for what, step in steps():
        try:
            step(ws, cache)
        except SocialproofError as exc:  # the page says what is wrong when it is visited
            log.info("not prepared: %s (%s)", what, exc)
