"""Campaigns: campaign and post reports, paid social, creators, platform audits, pilots."""
