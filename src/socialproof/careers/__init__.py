"""Careers: the roles catalogue, career paths, profile, gap analysis and learning plan."""
