"""The built-in export formats, registered through the ``socialproof.formats`` entry point.

Each entry is ``"module:Class"``; classes are imported only when the registry
first needs them. To add a built-in format, append one line here. Third
parties publish the same kind of list (or Format instances) under their own
entry point in the ``socialproof.formats`` group.
"""

from __future__ import annotations

BUILTIN: list[str] = [
    # platform formats
    "socialproof.ingest.meta_ads:MetaAdsFormat",
    "socialproof.ingest.meta_posts:MetaPostsFormat",
    "socialproof.ingest.meta_posts:FacebookInsightsLegacyFormat",
    "socialproof.ingest.meta_metric:MetaMetricFormat",
    "socialproof.ingest.tiktok:TikTokOverviewFormat",
    "socialproof.ingest.tiktok:TikTokFollowersFormat",
    "socialproof.ingest.tiktok:TikTokViewersFormat",
    "socialproof.ingest.tiktok:TikTokContentFormat",
    "socialproof.ingest.linkedin:LinkedInContentFormat",
    "socialproof.ingest.linkedin:LinkedInCreatorFormat",
    "socialproof.ingest.x_analytics:XAnalyticsFormat",
    "socialproof.ingest.youtube:YouTubeFormat",
    "socialproof.ingest.business_suite:FacebookPageInsightsFormat",
    "socialproof.ingest.business_suite:BusinessSuiteFormatSummaryFormat",
    "socialproof.ingest.audience:TikTokAudienceFormat",
    "socialproof.ingest.audience:InstagramAudienceFormat",
    # conversations, job postings, generic
    "socialproof.ingest.conversations:CustomerCareFormat",
    "socialproof.ingest.conversations:RedditFormat",
    "socialproof.ingest.nested_comments:NestedCommentsFormat",
    "socialproof.ingest.job_postings:JobPostingsFormat",
    "socialproof.ingest.generic:GenericFormat",
]


def builtin_formats() -> list[str]:
    """The entry point target: the built-in formats as ``module:Class`` strings."""
    return list(BUILTIN)
