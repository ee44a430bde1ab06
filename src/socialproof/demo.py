"""The demo: a sample workspace built from bundled sample exports, then a tour.

Every step is a real ``socialproof`` command run in-process, printed with the
command line a person would type, so the demo doubles as a tour. All bundled
files are sample data (see ``data/samples/README.md``).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from socialproof.errors import SocialproofError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

SAMPLES = Path(__file__).parent / "data" / "samples"
MARKER = ".socialproof-demo"

EXPORTS = (
    "meta_ads_daily.csv",
    "instagram_posts.csv",
    "facebook_posts.csv",
    "Reach.csv",
    "tiktok_Overview_20260105-20260404.csv",
    "tiktok_FollowerHistory_20260105-20260404.csv",
    "tiktok_Content_20260105-20260404.csv",
    "linkedin_content.xlsx",
    "account_analytics_content_2026-01-05_2026-04-04.csv",
    "Table data.csv",
    "conversations.csv",
)


@dataclass(frozen=True)
class Step:
    title: str
    args: tuple[str, ...]
    ok_codes: tuple[int, ...] = (0,)  # e.g. lint exits 1 on the post with deliberate problems
    why: str = ""


def steps(ws: Path) -> list[Step]:
    """The tour, in order. ``ws`` is the demo workspace."""
    w = ("-w", str(ws))
    out = ws / "reports"
    content = sorted(str(p) for p in (ws / "content").glob("*.md"))

    def post(slug: str) -> str:
        return str(next((ws / "content").glob(f"*-{slug}.md")))

    return [
        Step("What was imported", ("imports", *w)),
        Step(
            "Campaigns by month",
            ("report", "campaigns", "--by", "platform,campaign", "--period", "month", *w),
        ),
        Step(
            "Top posts on Instagram",
            ("report", "posts", "--platform", "instagram", "--top", "5", *w),
        ),
        Step("Best and worst ads", ("report", "ads", *w)),
        Step(
            "Budget pacing against a planned monthly budget",
            ("report", "pacing", "--budget", "8000", "--period", "month", *w),
        ),
        Step(
            "Platform audit against published benchmarks",
            ("audit", "--platform", "instagram", "--html", str(out / "audit.html"), *w),
        ),
        Step(
            "A pilot: do reels beat carousels?",
            (
                "pilot",
                "new",
                "Reels vs carousels",
                "--metric",
                "engagement_rate",
                "--a",
                "platform=instagram,format=carousel",
                "--b",
                "platform=instagram,format=reel",
                "--names",
                "Carousels,Reels",
                "--from",
                "2026-01-05",
                "--to",
                "2026-04-04",
                *w,
            ),
        ),
        Step(
            "The pilot's verdict",
            ("pilot", "report", "Reels vs carousels", "--html", str(out / "pilot.html"), *w),
        ),
        Step(
            "How big must the next test be?",
            ("pilot", "plan", "--metric", "ctr", "--baseline", "0.012", "--mde", "10%", *w),
        ),
        Step(
            "Community health", ("community", "report", "--html", str(out / "community.html"), *w)
        ),
        Step(
            "Lint the planned posts (one has deliberate problems)",
            ("lint", *content, *w),
            ok_codes=(0, 1),
        ),
        Step(
            "The content calendar",
            (
                "calendar",
                "--month",
                "--html",
                str(out / "calendar.html"),
                *w,
            ),
        ),
        Step(
            "Approve a post",
            ("approve", post("winter-menu"), "--as", "Dana", "--role", "reviewer", *w),
        ),
        Step(
            "Schedule it: allowed, it is approved and lint-clean",
            ("schedule", post("winter-menu"), "--as", "Dana", *w),
        ),
        Step(
            "Compliance rejects the post that promises guaranteed returns",
            (
                "approve",
                post("savings-collab"),
                "--as",
                "Kim",
                "--role",
                "compliance",
                "--reject",
                "--reason",
                "Guaranteed returns; add a risk statement",
                *w,
            ),
        ),
        Step(
            "Scheduling the rejected post is refused, with the reasons",
            ("schedule", post("savings-collab"), "--as", "Dana", *w),
            ok_codes=(1,),
        ),
        Step("Approvals: the log proves nobody edited it", ("approvals", "verify", *w)),
        Step(
            "Export the cleared posts for your calendar app (the others are named, left out)",
            ("calendar", "--ics", str(out / "plan.ics"), *w),
        ),
        Step(
            "Career: the gap to a paid social role", ("gap", "--role", "paid-social-specialist", *w)
        ),
        Step(
            "Career: what the sample job market asks for",
            ("market", "report", "--html", str(out / "market.html"), *w),
        ),
        Step("Career: a learning plan from the gaps and the market's demand", ("plan", *w)),
        Step("Portfolio: rubric check", ("portfolio", "check", *w), ok_codes=(0, 1)),
        Step("Portfolio: the website", ("portfolio", "build", "--out", str(ws / "site"), *w)),
        Step("Portfolio: the PDF", ("portfolio", "pdf", "--out", str(out / "portfolio.pdf"), *w)),
    ]


def prepare(target: Path, *, force: bool = False) -> Path:
    """Create the demo workspace: settings, samples copied in, exports imported."""
    from socialproof.ingest.importer import import_paths
    from socialproof.workspace import Workspace
    from socialproof.workspace.settings import settings_from_dict

    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UsageError(
            f"{target} is a file, not a folder.", hint="Name a new folder for the demo."
        )
    if target.exists() and any(target.iterdir()):
        if not (target / MARKER).exists():
            raise UsageError(
                f"{target} exists and is not a socialproof demo workspace.",
                hint="Choose another folder; the demo only replaces its own.",
            )
        if not force:
            raise UsageError(
                f"{target} already holds a demo workspace.",
                hint="Pass --force to rebuild it, or choose another folder.",
            )
        shutil.rmtree(target)
    settings = settings_from_dict(
        {
            "owner": "Sam Rivera (sample)",
            "currency": "USD",
            "timezone": "Europe/Berlin",
            "industry": "consumer",
            "brand": {
                "handles": ["AcmeHomeHelp"],
                "accounts": {
                    "instagram": "acme.home",
                    "facebook": "Acme Home",
                    "meta": "Acme Home ads",
                    "youtube": "acmehome",
                    "linkedin": "acme-home",
                },
            },
        },
        source="demo settings",
    )
    ws = Workspace.init(target, settings=settings)
    (ws.root / MARKER).write_text("This folder was made by 'socialproof demo'.\n", encoding="utf-8")
    (ws.root / "reports").mkdir()
    for folder in ("content", "case-studies"):
        for src in sorted((SAMPLES / folder).glob("*.md")):
            shutil.copy2(src, ws.root / folder / src.name)
    shutil.copy2(SAMPLES / "careers" / "profile.yaml", ws.root / "profile.yaml")
    summaries = import_paths(ws, [SAMPLES / name for name in EXPORTS])
    summaries += import_paths(
        ws, sorted((SAMPLES / "careers" / "postings").glob("*.md")), format="job-postings"
    )
    failed = [s for s in summaries if s.failed]
    if failed:
        raise SocialproofError(
            f"The demo could not import {failed[0].path}: {failed[0].error}",
            hint="Re-run with --debug and report it.",
        )
    return ws.root


def run(
    target: Path,
    *,
    invoke: Callable[[list[str]], int],
    force: bool = False,
    echo: Callable[[str], None] = print,
) -> float:
    """Build the demo workspace and run the tour; returns the seconds taken.

    ``invoke`` runs one command line and returns its exit code (the CLI passes its
    own entry point), so this module stays below the faces that call it.
    """
    start = time.perf_counter()
    echo(f"Building a sample workspace in {target} from bundled SAMPLE exports ...")
    root = prepare(target, force=force)
    for step in steps(root):
        shown = " ".join(a if " " not in a else repr(a) for a in step.args)
        echo(f"\n── {step.title}\n$ socialproof {shown}")
        code = invoke(list(step.args))
        if code not in step.ok_codes:
            raise SocialproofError(
                f"The demo step '{step.title}' failed (exit {code}).",
                hint="Re-run with --debug and report it.",
            )
    seconds = time.perf_counter() - start
    echo(
        f"\nDone in {seconds:.1f} s. The workspace is {root}; HTML reports and the PDF are in "
        f"{root / 'reports'}, the portfolio site in {root / 'site'}."
    )
    return seconds
