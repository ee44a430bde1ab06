"""Messages on the workbench's pages: the terminal's hints in browser words with a link to
the page that does it (web/hints.py), and long messages shown whole (not cut at 500
characters, mid-word)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import make_client
from tests.web.workbench_samples import axe_violations, open_page

from socialproof.errors import SocialproofError
from socialproof.web.hints import for_browser


def _error(fn: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(SocialproofError) as info:
        fn(*args, **kw)
    return str(info.value)


def _no_terminal_words(text: str) -> None:
    for flag in ("--as", "--format", "--mapping", "--k", "--since", "--column", "socialproof "):
        assert flag not in text, text


def test_the_librarys_own_messages_get_browser_words(workspace: Any, tmp_path: Path) -> None:
    """The messages as the library raises them (so a reworded hint shows up here)."""
    from socialproof.content.approvals import approve, schedule
    from socialproof.ingest.generic import load_mapping
    from socialproof.ingest.registry import registry
    from socialproof.ingest.sources import open_source

    unknown = tmp_path / "odd.csv"
    unknown.write_text("alpha,beta\n1,2\n", encoding="utf-8")
    folder = workspace.root / "mappings"
    folder.mkdir()
    (folder / "broken.yaml").write_text("table: [posts\n", encoding="utf-8")
    (folder / "extra.yaml").write_text("table: posts\ncolumns: {}\ncolor: red\n", "utf-8")
    cases = [
        (
            _error(registry().choose, open_source(unknown)),
            "On the Import page, import it as one of the formats, or map its columns.",
            ["/import"],
        ),
        (
            _error(load_mapping, folder / "gone.yaml"),
            "Choose a mapping saved in the workspace's mappings/ folder",
            ["/import"],
        ),
        (
            _error(load_mapping, folder / "broken.yaml"),
            "Fix the file in the workspace's mappings/ folder, or map the columns again",
            ["/import"],
        ),
        (
            _error(load_mapping, folder / "extra.yaml"),
            "unknown key(s) color. Fix the file in the workspace's mappings/ folder",
            ["/import"],
        ),
        (
            _error(approve, workspace, tmp_path / "p.md", approver=" ", role="legal"),
            "Say who approves: fill in your name.",
            [],
        ),
        (
            _error(schedule, workspace, tmp_path / "p.md", by=""),
            "Say who schedules: fill in your name.",
            [],
        ),
        (
            _error(
                approve, workspace, tmp_path / "p.md", approver="Dana", role="legal", reject=True
            ),
            "A rejection needs a reason: fill in Reason with what must change, e.g. 'Add the risk "
            "statement'.",
            [],
        ),
    ]
    for raised, words, hrefs in cases:
        text, links = for_browser(raised)
        assert words in text, (raised, text)
        assert [link.href for link in links] == hrefs
        _no_terminal_words(text)
        assert "Example:" not in text and "Check the path" not in text


@pytest.mark.parametrize(
    ("raised", "words"),
    [
        (
            "No posts in this range. Widen --since/--until or check --platform.",
            "No posts in this range. Widen the date range (From, To) or check the platform chosen.",
        ),
        (
            "Nothing to explain. Widen the dates or check --platform/--account/--campaign.",
            "Nothing to explain. Widen the dates or check the filters (platform, account, "
            "campaign).",
        ),
        (
            "--k 40 is more themes than distinct messages (12). Ask for fewer, or use --k auto.",
            "40 themes is more than distinct messages (12). Ask for fewer, or leave the number "
            "of themes blank.",
        ),
        (
            "--k 1: ask for at least 2 themes. Or use --k auto.",
            "1 theme(s) asked for: ask for at least 2. Or leave the number of themes blank.",
        ),
    ],
)
def test_filter_and_theme_hints(raised: str, words: str) -> None:
    assert for_browser(raised) == (words, [])


def test_text_without_a_known_hint_is_left_as_it_is() -> None:
    text = "/w/moderation.yaml is not valid YAML: line 1. Fix the file."
    assert for_browser(text) == (text, [])


@pytest.fixture
def ownerless(workspace: Any, insert: Any) -> Any:
    """The test workspace without an owner, with flagged messages (x, id 4 is toxic)."""
    from tests.community.test_queue import ROWS, KeywordModeration, KeywordSentiment

    from socialproof.community.scoring import Models, score_messages

    insert("messages", ROWS)
    score_messages(
        workspace, models=Models(sentiment=KeywordSentiment(), moderation=KeywordModeration())
    )
    workspace.settings = workspace.settings.model_copy(update={"owner": ""})
    return workspace


def test_a_decision_without_a_name_says_what_to_do_on_the_page(ownerless: Any) -> None:
    form = {"message_id": "4", "platform": "x", "decision": "confirm", "who": " "}
    with make_client(ownerless) as c:
        fragment = c.post(
            "/community/moderation/decide",
            data={"csrf_token": c.csrf, **form},
            headers={"HX-Request": "true"},
        )
        assert fragment.status_code == 422
        assert "Fill in Decided by, or set the workspace owner in Settings." in fragment.text
        assert '<a href="/settings">Open Settings</a>' in fragment.text
        assert "--as" not in fragment.text
        page = c.post("/community/moderation/decide", data={"csrf_token": c.csrf, **form})
    assert page.status_code == 200  # the redirect's flash, on the moderation page
    assert "Fill in Decided by, or set the workspace owner in Settings." in page.text
    assert '<a href="/settings">Open Settings</a>' in page.text and "--as" not in page.text


def test_a_long_flash_message_is_shown_whole_with_its_start_cut_at_a_word(client: Any) -> None:
    """A long message was cut at 500 characters mid-word (the flash cookie held it)."""
    words = " ".join(f"column{i:03d}" for i in range(150))  # 1,499 characters
    page = client.post(
        "/community/moderation/decide",
        data={"csrf_token": client.csrf, "message_id": words, "decision": "confirm"},
    )
    assert page.status_code == 200
    html = unescape(page.text)
    assert f"No scored member message '{words}' in this workspace." in html  # whole
    lead = re.search(r'<div class="msg msg-error"><p>(.*?)</p>', html, re.DOTALL)
    assert lead is not None
    start, link = lead.group(1).strip().split(" <a ", 1)
    assert link == 'href="/community/moderation">Open the moderation queue</a>'
    assert start.endswith(" …") and len(start) < 300
    assert re.fullmatch(r"No scored member message '(column\d{3} )*column\d{3} …", start)
    assert "<summary>Show all</summary>" in html
    again = client.get("/community/moderation")
    assert words not in unescape(again.text)  # shown once


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_a_long_message_in_the_browser(browser: Any, live_server: Any, width: int) -> None:
    """The start wraps on a narrow screen; Show all opens the whole text by keyboard."""
    words = ",".join(f"column_{i:03d}" for i in range(120))  # one long word: it must wrap
    page = open_page(browser, live_server.url + "/community/moderation", width=width, for_axe=True)
    try:
        page.evaluate(
            """async (id) => {
              const body = new URLSearchParams({csrf_token: document.querySelector(
                'meta[name="csrf-token"]').content, message_id: id, decision: "confirm"});
              await fetch("/community/moderation/decide", {method: "POST", body, redirect: "manual"});
            }""",
            words,
        )
        page.reload()
        message = page.locator("#messages .msg-error")
        assert message.locator("summary").inner_text() == "Show all"
        box = message.bounding_box()
        assert box is not None and box["width"] <= width  # wrapped, no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        message.locator("summary").focus()
        page.keyboard.press("Enter")
        assert words in message.locator("details p").inner_text()
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_campaign_pilot_and_community_hints_get_browser_words(workspace: Any) -> None:
    """The library's messages that reach the campaign, pilot, plan and community pages
    named flags the pages do not have (--budget, --mde, --sd, --use-all, --a, ...)."""
    from datetime import date

    from socialproof.campaigns.paid import budget_for_period, load_budgets
    from socialproof.campaigns.pilot_model import define, parse_filter
    from socialproof.campaigns.pilot_plan import plan
    from socialproof.campaigns.stats import sample_size_means, sample_size_proportions
    from socialproof.community.threads import check_sla

    cases = [
        (
            _error(budget_for_period, -5.0, "month", date(2026, 3, 1)),
            "The budget must be a positive amount, got -5. E.g. 30000.",
        ),
        (
            _error(load_budgets, workspace.root / "none.yaml"),
            "Create it, or fill in Budget.",
        ),
        (
            _error(sample_size_proportions, 0.5, 1.5),
            "e.g. 10% as the smallest change worth finding.",
        ),
        (_error(sample_size_means, 10.0, 0.0, 2.0), "e.g. 10% as the smallest change"),
        (_error(sample_size_means, 10.0, 0.1, 0.0), "Fill in Spread per post, or import posts"),
        (_error(sample_size_means, 10.0, 0.1, 2.0, variants=1), "Use 2 variants."),
        (
            _error(plan, workspace, "ctr", "10%", baseline_days=0),
            "Days of the latest data must be a positive number of days, got 0. e.g. 180, or "
            "choose All history.",
        ),
        (
            _error(plan, workspace, "ctr", "10%", baseline_days=30, use_all=True),
            "Choose either All history or Recent days, not both.",
        ),
        (
            _error(define, "p", "ctr", ["format=reel"], "2026-03-01", "2026-03-31"),
            "Fill in Variant A and Variant B.",
        ),
        (
            _error(define, "p", "ctr", ["format=reel", "format=image"], "2026-03-31", "2026-03-01"),
            "Swap First day and Last day.",
        ),
        (
            _error(
                define,
                "p",
                "ctr",
                ["format=reel", "format=image"],
                "2026-03-01",
                "2026-03-31",
                mde="0.2pp",
            ),
            "e.g. 10% as the smallest change worth finding.",
        ),
        (
            _error(
                define,
                "p",
                "ctr",
                ["format=reel", "format=image"],
                "2026-03-01",
                "2026-03-31",
                names="Reels",
            ),
            "Variant names needs one name per variant (2), got 1. e.g. Carousels,Reels (in "
            "the order of the variants).",
        ),
        (_error(parse_filter, " ", "posts"), "e.g. format=reel."),
        (
            _error(check_sla, -2.0, workspace),
            "The service level of -2 hours must be a positive number of hours. For example 24.",
        ),
    ]
    for raised, words in cases:
        text, links = for_browser(raised)
        assert words in text, (raised, text)
        assert links == []
        for flag in (
            "--budget",
            "--mde",
            "--sd",
            "--use-all",
            "--baseline-days",
            "--a ",
            "--b",
            "--names",
            "--from",
            "--to",
            "--variants",
            "--sla-hours",
        ):
            assert flag not in text, text


@pytest.mark.parametrize(
    ("raised", "words", "hrefs"),
    [
        (  # campaigns.report.post_report: every post under the minimum base
            "No post has impressions of 100 or more to rank by engagement rate. Pass --min-base "
            "0 to rank every post, or widen --since/--until.",
            "No post has impressions of 100 or more to rank by engagement rate. Widen the date "
            "range (From, To), or leave Minimum base blank to list every post.",
            [],
        ),
        (  # campaigns.report: a rate missing for a currency
            "No exchange rate for GBP. Add --rate GBP=<value in USD> for each currency.",
            "No exchange rate for GBP. Give an exchange rate to USD for GBP and each other "
            "currency, or leave the rates out to see each currency on its own row.",
            [],
        ),
        (  # the Exchange rates field (campaigns.report.parse_rates, the CLI's --rate)
            "--rate 'EUR:1.08' is not CUR=VALUE. E.g. --rate EUR=1.08 (1 EUR = 1.08).",
            "The exchange rate 'EUR:1.08' is not CUR=VALUE. Write each as CUR=VALUE, the value "
            "of 1 CUR in the workspace currency: e.g. EUR=1.08, GBP=1.27.",
            [],
        ),
        (  # campaigns.paid.ad_ranking: a cost over several currencies, no rates
            "Cost per result of ads that spend in 2 currencies (EUR, USD) cannot be ranked "
            "against one median. Pass --rate CUR=VALUE for each currency to convert, or rank "
            "by a measure without money (--metric ctr_link).",
            "cannot be ranked against one median. Give each currency's exchange rate under "
            "Exchange rates (e.g. EUR=1.08) to convert them, or rank the ads by a measure "
            "without money under Rank by (e.g. CTR (link)).",
            ["/campaigns"],
        ),
        (  # content.exports: a Buffer file over several platforms (the Exports page's Platform)
            "this file holds posts for 2 platforms (Instagram, LinkedIn), and Buffer publishes "
            "a file's posts on the one channel it is uploaded to: export one platform at a time.",
            "export one platform at a time (choose it under Platform, then download each).",
            [],
        ),
        (  # campaigns.paid.pacing: one budget over spend in several currencies
            "Spend for all campaigns is in several currencies (EUR, USD); a budget cannot be "
            "paced across them. Set a budget per campaign (budgets.yaml with campaign and "
            "currency).",
            "a budget cannot be paced across them. Plan a budget per campaign, each in its "
            "currency, on the Budgets page.",
            ["/campaigns/budgets"],
        ),
        (  # metrics.explain: a figure over several currencies
            "Spend would add amounts in 2 currencies (EUR, USD) as if they were one. Narrow "
            "--account or --campaign to one currency, or see each currency with: socialproof "
            "report campaigns --by platform,currency",
            "Spend would add amounts in 2 currencies (EUR, USD) as if they were one. Choose one "
            "account or campaign (one currency), or see each currency's figures on the "
            "Campaigns page.",
            ["/campaigns"],
        ),
        (  # campaigns.paid.pacing with no budget and no budgets.yaml
            "No budget given. Pass --budget AMOUNT (with --period) or write budgets.yaml in "
            "the workspace.",
            "No budget given. Fill in Budget (and Budget period), or plan each flight's budget "
            "on the Budgets page.",
            ["/campaigns/budgets"],
        ),
        (  # pilot_plan: too little recent data
            "The plan needs a baseline, and the last 90 days of posts (to 2026-03-01) have too "
            "little to estimate it from, but the workspace holds 40 posts with reach from "
            "2025-01-01 to 2025-06-01. Add --use-all to estimate it from them (or "
            "--baseline-days 425), or pass the figure yourself (--baseline, --sd).",
            "Choose All history to estimate it from them (or 425 days of the latest data), or "
            "fill in the figure yourself (Baseline, Spread per post).",
            [],
        ),
        (  # stats.bootstrap_test: too few values
            "3 values in a variant are too few for a bootstrap at 0.95 confidence. Use Welch's "
            "t-test (--test welch), or widen the period or the filter.",
            "Use Welch's t-test (Test for per-post metrics: Welch), or widen the period",
            [],
        ),
        (  # ingest.time_evidence: a Year that contradicts the file
            "--year 2027 would place dates up to 2027-03-06, after today (2026-12-04). Give the "
            "year of the earliest date in the file, or leave --year out.",
            "The year 2027 would place dates up to 2027-03-06, after today (2026-12-04). Give "
            "the year of the earliest date in the file, or leave Year blank.",
            [],
        ),
        (
            "--year 2024 disagrees with the video ids in the file, which date the earliest "
            "video to 2025. Leave --year out: the ids give the year.",
            "The year 2024 disagrees with the video ids in the file, which date the earliest "
            "video to 2025. Leave Year blank: the ids give the year.",
            [],
        ),
        (  # an import's note on dates placed without a year
            "Dates without a year were placed in 2026-01-05..2026-03-06: the file gives no "
            "year, so they are the most recent days up to today (2026-03-07); pass --year (the "
            "year of the earliest date) if that is wrong.",
            "if that is wrong, import the file again with its Year (the year of the earliest "
            "date) under the Import page's Options.",
            [],
        ),
        (
            "Dates without a year were taken as the most recent past ones (up to 2026-03-07); "
            "pass --year if that is wrong.",
            "(up to 2026-03-07); if that is wrong, import the file again with its Year under "
            "the Import page's Options.",
            [],
        ),
        (  # community.threads: a group with no group ids at all
            "The workspace has no messages in group 'r/x'. Its messages name no group: leave "
            "out --group.",
            "Its messages name no group: leave Group blank.",
            [],
        ),
    ],
)
def test_hints_of_messages_that_need_data(raised: str, words: str, hrefs: list[str]) -> None:
    """Messages raised only over data: their text as the library words it."""
    text, links = for_browser(raised)
    assert words in text, text
    assert [link.href for link in links] == hrefs
    assert "--" not in text and "socialproof " not in text, text


def test_notes_on_the_plan_page_name_its_fields(client: Any) -> None:
    """The plan's lines said 'Pass --daily N' and '(--daily)'; the page has Units per day."""
    base = "/pilots/plan?metric=ctr_link&mde=10%25&baseline=0.01"
    page = unescape(client.get(base).text)
    assert "per variant" in page, page
    assert "Fill in Units per day (the pilot's total" in page and "--daily" not in page
    page = unescape(client.get(base + "&daily=5000").text)
    assert "a day (Units per day) that takes about" in page and "--daily" not in page


@pytest.mark.parametrize(
    ("note", "words", "gone"),
    [
        (  # campaigns.report: mixed currencies without rates
            "Spend is in 2 currencies (EUR, USD), reported per currency. Pass --rate "
            "CUR=VALUE to convert.",
            "Spend is in 2 currencies (EUR, USD), reported per currency.",
            "--rate",
        ),
        (
            "2 group(s) add up results of different types (e.g. link clicks and purchases); "
            "add result_type to --by to separate them.",
            "2 group(s) add up results of different types (e.g. link clicks and purchases).",
            "--by",
        ),
        (  # campaigns.creators
            "Spring: ad spend in EUR and USD is not added up, nor its cost; see it per "
            "currency with: socialproof report campaigns --by campaign,currency",
            "Spring: ad spend in EUR and USD is not added up, nor its cost; the Campaigns page "
            "shows it per currency.",
            "socialproof ",
        ),
        (  # ingest.identity
            "Instagram names its account in its links; --account acme was used only for rows "
            "that name none.",
            "Instagram names its account in its links; the Account given (acme) was used only "
            "for rows that name none.",
            "--account",
        ),
    ],
)
def test_report_notes_in_browser_words(note: str, words: str, gone: str) -> None:
    text, _ = for_browser(note)
    assert text == words and gone not in text


def test_career_profile_messages_name_the_profile_page(tmp_path: Path) -> None:
    """The learning plan, role and profile pages showed 'Run socialproof profile init'."""
    from socialproof.careers.catalogue import load_catalogue
    from socialproof.careers.profile import load_profile

    listed = tmp_path / "listed.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("years_experience: many\n", encoding="utf-8")
    cases = [
        (_error(load_profile, tmp_path / "profile.yaml"), "write one on the Career profile page"),
        (_error(load_profile, listed), "The template the Career profile page starts from"),
        (_error(load_profile, wrong), "the template the Career profile page starts from"),
        (_error(load_catalogue().role, "astronaut"), "Roles and paths lists them all."),
    ]
    for raised, words in cases:
        text, _links = for_browser(raised)
        assert words in text, (raised, text)
        _no_terminal_words(text)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/campaigns", "Import an ads export first (e.g. Meta Ads Manager) on the Import page."),
        ("/posts", "Import a posts export first (Meta Business Suite, TikTok Studio,"),
        ("/community", "Import conversations first on the Import page: a customer-care export"),
        ("/campaigns?view=creators", "Add a custom label 'creator:<name>' to posts in the"),
        ("/career/market", "Import them on the Import page (CSV, JSON Lines or Markdown)."),
    ],
)
def test_an_empty_workspace_says_what_to_import_in_page_words(
    client: Any, path: str, words: str
) -> None:
    """A new user's first visit to each page read 'socialproof import FILE', 'a CSV with a
    --mapping file', 'pass --mapping FILE' or 'socialproof jobs import FILE'."""
    html = client.get(path).text
    main = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[html.index("<main") :])))
    assert words in main
    _no_terminal_words(main.split("The same from the command line")[0])
    assert 'href="/import"' in html
