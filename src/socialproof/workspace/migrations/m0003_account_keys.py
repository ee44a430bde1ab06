"""Identity and provenance: ad_stats rows get an ``object_key``; imports say when a file
was exported and how many of its rows conflicted.

``object_key`` identifies the campaign, ad set or ad a row describes. Rows stored
before this migration carried names only, so they get the name form
(``name:<campaign>/<ad set>/<ad>``, built exactly as ``ingest/sameness.py`` builds it).
The natural key of ``posts`` now includes the account; that needs no DDL. Stored
rows with an empty account keep it: ``socialproof accounts rename`` names them.
"""

from __future__ import annotations

from typing import Any

_AD_STATS_BEFORE = (
    "platform, account, campaign, ad_set, ad",
    "date_start, date_stop, breakdown, objective, currency, spend, impressions, reach, clicks, "
    "link_clicks, results, result_type, purchases, purchase_value, leads, video_views, "
    "video_completions, landing_page_views, adds_to_cart, checkouts, messaging_conversations, "
    "reported_cost_per_result, reported_roas, reported_ctr, reported_cpm, reported_cpc, "
    "reported_frequency, import_id",
)

#: the SQL twin of ``sameness.name_key``
NAME_KEY_SQL = (
    "'name:' || coalesce(campaign, '') || chr(31) || coalesce(ad_set, '') "
    "|| chr(31) || coalesce(ad, '')"
)


def up(con: Any) -> None:
    columns = {
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'ad_stats'"
        ).fetchall()
    }
    if "object_key" not in columns:
        head, tail = _AD_STATS_BEFORE
        con.execute(
            f"CREATE TABLE _keyed_ad_stats AS SELECT {head}, {NAME_KEY_SQL} AS object_key, "
            f"{tail} FROM ad_stats"
        )
        con.execute("DROP TABLE ad_stats")
        con.execute("ALTER TABLE _keyed_ad_stats RENAME TO ad_stats")
    con.execute("ALTER TABLE imports ADD COLUMN IF NOT EXISTS exported_at TIMESTAMP")
    con.execute("ALTER TABLE imports ADD COLUMN IF NOT EXISTS rows_conflicting BIGINT")
    con.execute(
        "UPDATE imports SET exported_at = coalesce(exported_at, imported_at), "
        "rows_conflicting = coalesce(rows_conflicting, 0)"
    )
    for name in ("posts", "account_daily", "ad_stats"):
        con.execute(f"UPDATE {name} SET account = '' WHERE account IS NULL")
