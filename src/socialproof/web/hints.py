"""The terminal's hints in browser words, at the one place pages show library messages.

The library's errors say what to do next in the CLI's words ("Pass --as NAME", "start a
--mapping file with: socialproof mapping new ..."). A person in the workbench has no
flags to pass: :func:`for_browser` rewrites the hints it knows into what to do on the
page, and names the page that does it as a link. Every message a page shows goes through
it (``base.html``'s messages, the error pages, a background job's error), so a hint is
translated once here, not route by route. Text it does not know is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """A page of the workbench a message points to."""

    label: str
    href: str


@dataclass(frozen=True)
class _Hint:
    pattern: re.Pattern[str]
    words: str  # the replacement (``re.sub`` syntax: \\1 is the first group)
    links: tuple[Link, ...] = ()


SETTINGS = Link("Open Settings", "/settings")
IMPORT = Link("Open the Import page", "/import")
MODERATION = Link("Open the moderation queue", "/community/moderation")
CAMPAIGNS = Link("Open the Campaigns page", "/campaigns")
PROFILE = Link("Open your career profile", "/career")
ROLES = Link("Open Roles and paths", "/career/roles")
RULES = Link("Open the moderation rules", "/community/moderation/rules")
BUDGETS = Link("Open the budgets", "/campaigns/budgets")

_HINTS = (
    # market.aggregate: a Market filter that keeps no posting
    _Hint(
        re.compile(r"Loosen the filter, or check 'socialproof jobs analyze'\."),
        "Loosen the filters (Location, Role, Seniority, Industry).",
    ),
    # portfolio.site: a build without a public address
    _Hint(
        re.compile(r"pass --base-url https://you\.example/ so"),
        "fill in Public address (e.g. https://you.example/) when you build so",
        (Link("Open Site and PDF", "/portfolio/built"),),
    ),
    # community.decisions: a moderation decision without a name and no owner set
    _Hint(
        re.compile(r"Pass --as NAME or set 'owner' in the settings\."),
        "Fill in Decided by, or set the workspace owner in Settings.",
        (SETTINGS,),
    ),
    _Hint(
        re.compile(r"Pick an id from 'socialproof community queue'\."),
        "Pick a flag on the Moderation page.",
        (MODERATION,),
    ),
    _Hint(re.compile(r"Say which with --platform\."), "Decide it from the Moderation page."),
    _Hint(
        re.compile(r"Decisions answer flags in 'socialproof community queue'\."),
        "Decisions answer the flags listed on the Moderation page.",
        (MODERATION,),
    ),
    # content.approvals: an approval or schedule without a name
    _Hint(
        re.compile(r"Say who (approves|schedules) with --as NAME\. e\.g\. --as '[^']*'\."),
        r"Say who \1: fill in your name.",
    ),
    _Hint(
        re.compile(
            r"A rejection needs --reason\. Say what must change, e\.g\. --reason '([^']*)'\."
        ),
        r"A rejection needs a reason: fill in Reason with what must change, e.g. '\1'.",
    ),
    # ingest.registry: a file no format recognises
    _Hint(
        re.compile(
            r"Pass --format NAME \('socialproof formats' lists them\), or start a --mapping "
            r"file with: socialproof mapping new '[^']*'\."
        ),
        "On the Import page, import it as one of the formats, or map its columns.",
        (IMPORT,),
    ),
    # ingest.identity: a file that does not say whose data it is
    _Hint(
        re.compile(r"Pass --account NAME, or set (brand\.accounts\.\S+) in socialproof\.toml\."),
        r"Upload it again with its Account filled in under the Import page's Options, "
        r"or set \1 in Settings.",
        (IMPORT, SETTINGS),
    ),
    # ingest.time_evidence, parse_dates: the year of dates written without one (the
    # Import page's Year, under Options)
    _Hint(re.compile(r"--year (\d+) "), r"The year \1 "),
    _Hint(re.compile(r"\b([Ll])eave --year out"), r"\1eave Year blank"),
    _Hint(
        re.compile(r"pass --year( \(the year of the earliest date\))? if that is wrong\."),
        r"if that is wrong, import the file again with its Year\1 under the Import page's "
        "Options.",
    ),
    # ingest.generic.load_mapping: a saved mapping that is missing or broken
    _Hint(
        re.compile(r"(The mapping file \S+ does not exist\.) Check the path\."),
        r"\1 Choose a mapping saved in the workspace's mappings/ folder, or map the columns "
        "again on the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"(\S*/mappings/\S+?\.ya?ml\b[^\n]*?) Fix the file\."),
        r"\1 Fix the file in the workspace's mappings/ folder, or map the columns again on "
        "the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"(\S+?\.ya?ml\b[^\n]*?) Example:\n  table: posts\n.*", re.DOTALL),
        r"\1 Fix the file in the workspace's mappings/ folder, or map the columns again on "
        "the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"Pass --mapping map\.yaml \(see 'socialproof import --help'\)\."),
        "Choose a saved mapping under the Import page's Options, or map the columns there.",
        (IMPORT,),
    ),
    # the number of themes: 'auto' is a blank field on the pages
    _Hint(
        re.compile(r"--k (\d+): ask for at least 2 themes\."),
        r"\1 theme(s) asked for: ask for at least 2.",
    ),
    _Hint(re.compile(r"--k (\d+) is more themes than"), r"\1 themes is more than"),
    _Hint(re.compile(r"\b([Oo])r use --k auto\."), r"\1r leave the number of themes blank."),
    _Hint(
        re.compile(r"Use --k auto to let socialproof choose\."),
        "Leave the number of themes blank to let socialproof choose.",
    ),
    _Hint(
        re.compile(r"For example --k auto or --k (\d+)\."),
        r"For example \1, or leave the number of themes blank.",
    ),
    # campaigns.report: a ranking left empty by its minimum base, mixed currencies
    _Hint(
        re.compile(r"Pass --min-base 0 to rank every post, or widen --since/--until\."),
        "Widen the date range (From, To), or leave Minimum base blank to list every post.",
    ),
    # campaigns.report: the Posts page's Minimum base (the CLI's --min-base)
    _Hint(
        re.compile(r"\(--min-base 0 ranks every post\)"), "(a blank Minimum base lists every post)"
    ),
    _Hint(
        re.compile(r"\(--min-base 0 lists (it|them) after the ranked posts\)"),
        r"(a blank Minimum base lists \1 after the ranked posts)",
    ),
    _Hint(
        re.compile(r"Add --rate (\S+)=<value in (\S+)> for each currency\."),
        r"Give an exchange rate to \2 for \1 and each other currency, or leave the rates out "
        "to see each currency on its own row.",
    ),
    # the Exchange rates field of the campaigns and ads pages (the CLI's --rate)
    _Hint(
        re.compile(r"--rate (.+?) is not CUR=VALUE\."), r"The exchange rate \1 is not CUR=VALUE."
    ),
    _Hint(
        re.compile(r"E\.g\. --rate EUR=1\.08 \(1 EUR = 1\.08\)\."),
        "Write each as CUR=VALUE, the value of 1 CUR in the workspace currency: e.g. "
        "EUR=1.08, GBP=1.27.",
    ),
    _Hint(
        re.compile(
            r"Pass --rate CUR=VALUE for each currency to convert, or rank by a measure without "
            r"money \(--metric ctr_link\)\."
        ),
        "Give each currency's exchange rate under Exchange rates (e.g. EUR=1.08) to convert "
        "them, or rank the ads by a measure without money under Rank by (e.g. CTR (link)).",
        (CAMPAIGNS,),
    ),
    # metrics.explain: one figure over several currencies
    _Hint(
        re.compile(
            r"Narrow --account or --campaign to one currency, or see each currency with: "
            r"socialproof report campaigns --by platform,currency"
        ),
        "Choose one account or campaign (one currency), or see each currency's figures on "
        "the Campaigns page.",
        (CAMPAIGNS,),
    ),
    # ingest.audience.parse_window: the Import page's Window (the CLI's --window)
    _Hint(re.compile(r"--window ('.*?') is not FROM\.\.TO\."), r"The window \1 is not FROM..TO."),
    _Hint(
        re.compile(r"--window ('.*?') ends before it starts\."),
        r"The window \1 ends before it starts.",
    ),
    # metrics.explain: a campaign name in several ad accounts
    _Hint(
        re.compile(
            r"Choose one, e\.g\. (?:--platform \S+ )?--account (.+?), or see each with: "
            r"socialproof report campaigns --by account,campaign"
        ),
        r"Choose one under Account (e.g. \1), or see each on the Campaigns page grouped by "
        "account and campaign.",
        (CAMPAIGNS,),
    ),
    # report notes: the page converts no currency and groups by no result type
    _Hint(re.compile(r" ?Pass --rate CUR=VALUE to convert\."), ""),
    _Hint(re.compile(r"; add result_type to --by to separate them\."), "."),
    _Hint(
        re.compile(
            r"; see it per currency with: socialproof report campaigns --by campaign,currency"
        ),
        "; the Campaigns page shows it per currency.",
        (CAMPAIGNS,),
    ),
    # ingest.identity: a file given to the workspace's only account of its platform
    _Hint(
        re.compile(r"undo this import and import it again with --account NAME\."),
        "undo this import on the Import page and upload it again with its Account filled "
        "in under Options.",
        (IMPORT,),
    ),
    # ingest.identity: an Account given on the Import page
    _Hint(
        re.compile(r"--account (.+?) was used only for"),
        r"the Account given (\1) was used only for",
    ),
    # pilot_plan: Units per day on the plan page
    _Hint(re.compile(r"Pass --daily N \("), "Fill in Units per day ("),
    _Hint(re.compile(r"a day \(--daily\)"), "a day (Units per day)"),
    _Hint(re.compile(r"--daily must be positive"), "Units per day must be positive"),
    _Hint(re.compile(r"e\.g\. --daily (\d+)\."), r"e.g. \1."),
    # content.exports: a Buffer or Hootsuite file over several platforms
    _Hint(
        re.compile(r"export one platform at a time\."),
        "export one platform at a time (choose it under Platform, then download each).",
    ),
    # campaigns.paid: budget pacing (Budget and Budget period on the pacing page)
    _Hint(
        re.compile(r"Pass --budget AMOUNT \(with --period\) or write (\S+) in the workspace\."),
        r"Fill in Budget (and Budget period), or plan each flight's budget on the Budgets page.",
        (BUDGETS,),
    ),
    _Hint(
        re.compile(r"Set a budget per campaign \(budgets\.yaml with campaign and currency\)\."),
        "Plan a budget per campaign, each in its currency, on the Budgets page.",
        (BUDGETS,),
    ),
    _Hint(
        re.compile(r"See 'report pacing --help'\."),
        "The example the Budgets page starts from shows the layout.",
        (BUDGETS,),
    ),
    _Hint(
        re.compile(r"--budget must be a positive amount"), "The budget must be a positive amount"
    ),
    _Hint(re.compile(r"E\.g\. --budget (\d+)\."), r"E.g. \1."),
    _Hint(re.compile(r"Create it or pass --budget\."), "Create it, or fill in Budget."),
    _Hint(
        re.compile(r"or pass --budget AMOUNT \(with --period\)\."),
        "on the Budgets page, or fill in Budget (and Budget period).",
        (BUDGETS,),
    ),
    _Hint(
        re.compile(
            r"Add 'account: (\S+)' \(or another of them\) to its budget in budgets\.yaml, one "
            r"budget per account, or 'account: all' to pace them together\."
        ),
        r"On the Budgets page, add 'account: \1' (or another of them) to its budget, one "
        r"budget per account, or 'account: all' to pace them together.",
        (BUDGETS,),
    ),
    _Hint(
        re.compile(r"Choose one with --account (.+?) \(or another of them\), or --account (\S+) "),
        r"Choose one under Ad account (\1 or another of them), or \2 ",
    ),
    _Hint(re.compile(r"pick another --metric\."), "pick another metric."),
    # pilot_model: a pilot's name taken (its page has Delete this pilot)
    _Hint(
        re.compile(r"or remove it with 'socialproof pilot delete NAME'\."),
        "or delete that pilot from its page.",
        (Link("Open Pilots", "/pilots"),),
    ),
    # campaigns.stats, pilot_model, pilot_plan: the pilot and plan forms
    _Hint(
        re.compile(r"e\.g\. --mde (\S+?)\.(?=\s|$)"),
        r"e.g. \1 as the smallest change worth finding.",
    ),
    _Hint(
        re.compile(r"Pass --sd, or import posts"),
        "Fill in Spread per post, or import posts",
    ),
    _Hint(
        re.compile(
            r"Add --use-all to estimate it from them \(or --baseline-days (\d+)\), or pass the "
            r"figure yourself \(--baseline, --sd\)\."
        ),
        r"Choose All history to estimate it from them (or \1 days of the latest data), or "
        "fill in the figure yourself (Baseline, Spread per post).",
    ),
    _Hint(
        re.compile(r"--baseline-days must be a positive number of days"),
        "Days of the latest data must be a positive number of days",
    ),
    _Hint(
        re.compile(r"e\.g\. --baseline-days (\d+), or --use-all\."),
        r"e.g. \1, or choose All history.",
    ),
    _Hint(
        re.compile(r"Pass either --use-all or --baseline-days, not both\."),
        "Choose either All history or Recent days, not both.",
    ),
    _Hint(
        re.compile(r"--use-all takes the whole history; --baseline-days N the last N days\."),
        "All history takes the whole history; Recent days the last days given.",
    ),
    _Hint(re.compile(r"\(--test welch\)"), "(Test for per-post metrics: Welch)"),
    _Hint(re.compile(r"Pass --a and --b\."), "Fill in Variant A and Variant B."),
    _Hint(re.compile(r"Add --b\."), "Fill in Variant B."),
    _Hint(re.compile(r"e\.g\. --a '([^']*)'\."), r"e.g. \1."),
    _Hint(re.compile(r"Use --variants (\d+)\."), r"Use \1 variants."),
    _Hint(
        re.compile(r"--names needs one name per variant"),
        "Variant names needs one name per variant",
    ),
    _Hint(
        re.compile(r"e\.g\. --names '([^']*)' \(in the order of --a, --b, \.\.\.\)\."),
        r"e.g. \1 (in the order of the variants).",
    ),
    _Hint(re.compile(r"Swap --from and --to\."), "Swap First day and Last day."),
    # community.threads: the report's group and service level
    _Hint(re.compile(r"leave out --group\."), "leave Group blank."),
    _Hint(
        re.compile(r"--sla-hours (\S+) must be a positive number of hours\."),
        r"The service level of \1 hours must be a positive number of hours.",
    ),
    _Hint(re.compile(r"For example --sla-hours (\d+)\."), r"For example \1."),
    # a date range: From and To on the pages
    _Hint(re.compile(r"--since (\S+) is after --until (\S+)\."), r"From \1 is after To \2."),
    _Hint(re.compile(r"Widen --since/--until"), "Widen the date range (From, To)"),
    _Hint(
        re.compile(r"check --platform/--account/--campaign\."),
        "check the filters (platform, account, campaign).",
    ),
    _Hint(re.compile(r"check --platform\."), "check the platform chosen."),
    # the text tools: the page picks the column from a list
    _Hint(
        re.compile(r"Drop --column to read one text per line\."),
        "Save it as CSV again, or upload it as a .txt file with one text per line.",
    ),
    _Hint(
        re.compile(r"Pick one with --(?:column|author-column) NAME\."),
        "Choose the column on the form.",
    ),
    _Hint(re.compile(r", or pipe texts in with -\."), "."),
    # empty workspaces: what to import first, on the Import page
    _Hint(
        re.compile(r"Import (an ads|a posts) export first \(([^)]*)\): socialproof import FILE\."),
        r"Import \1 export first (\2) on the Import page.",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r"Import conversations first: 'socialproof import FILE' with a customer-care "),
        "Import conversations first on the Import page: a customer-care ",
        (IMPORT,),
    ),
    _Hint(
        re.compile(r", or a CSV with a --mapping file\."),
        ", or any CSV whose columns you map there.",
    ),
    _Hint(
        re.compile(r"Import some with 'socialproof jobs import FILE'\."),
        "Import them on the Import page (CSV, JSON Lines or Markdown).",
        (IMPORT,),
    ),
    # campaigns.creators: the workbench reads creators from the posts' custom labels
    _Hint(
        re.compile(
            r"Add a custom label 'creator:<name>' to posts, or pass --mapping FILE \([^)]*\)\."
        ),
        "Add a custom label 'creator:<name>' to posts in the platform, then export and import "
        "them again.",
        (IMPORT,),
    ),
    # community.moderation: the workspace's moderation.yaml has an editor of its own
    _Hint(
        re.compile(r"Fix the file, or delete it to use the packaged defaults\."),
        "Fix it on the Moderation rules page, or go back to the packaged rules there.",
        (RULES,),
    ),
    _Hint(
        re.compile(
            r"Start from the packaged defaults: socialproof/data/community/moderation\.yaml\."
        ),
        "Start from the packaged rules: go back to them on the Moderation rules page.",
        (RULES,),
    ),
    _Hint(
        re.compile(r"\bFix moderation\.yaml\."),
        "Fix moderation.yaml on the Moderation rules page.",
        (RULES,),
    ),
    # careers.plan and the catalogue: the learning plan's target roles
    _Hint(
        re.compile(r"Add targets: roles: \[ROLE\] to profile\.yaml, or pass --role ROLE\."),
        "Add targets: roles: [ROLE] to your profile, or tick the roles on this page.",
        (PROFILE,),
    ),
    # careers.profile: the Career profile page writes profile.yaml from a template
    _Hint(
        re.compile(r"No profile at \S+\. Run 'socialproof profile init' to create one\."),
        "There is no career profile yet: write one on the Career profile page (it starts "
        "from a template).",
        (PROFILE,),
    ),
    _Hint(
        re.compile(r"See 'socialproof profile init' for the layout\."),
        "The template the Career profile page starts from shows the layout.",
    ),
    _Hint(
        re.compile(r"'socialproof profile init --force' shows (?:a valid example|an example)\."),
        "the template the Career profile page starts from (with no profile.yaml) is an example.",
    ),
    _Hint(
        re.compile(r"'socialproof roles' lists them all\."),
        "Roles and paths lists them all.",
        (ROLES,),
    ),
    # careers.paths.shortest_path: no route between two roles (a role page's Route to)
    _Hint(
        re.compile(r"'socialproof paths (\S+)' lists where \1 leads\."),
        r"Where it leads, on the page of \1, lists the moves from it (more with Steps ahead).",
    ),
)


def for_browser(text: str) -> tuple[str, list[Link]]:
    """``text`` with the terminal's hints it knows in browser words, and the pages they
    name (each once, in order)."""
    links: list[Link] = []
    for hint in _HINTS:
        text, n = hint.pattern.subn(hint.words, text)
        if n:
            links.extend(link for link in hint.links if link not in links)
    return text, links
