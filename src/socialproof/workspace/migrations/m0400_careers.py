"""Careers and market: facts extracted from job postings.

``posting_facts`` holds one row per analysed posting (role, seniority, salary
normalised to an annual range, location, industry, ...); ``posting_items`` one
row per skill, tool, platform or KPI found in a posting, with the requirement
level and the text span that supports it. Both are derived from
``job_postings`` by ``socialproof jobs analyze`` and rebuilt whole each time.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS posting_facts (
  posting_id VARCHAR, status VARCHAR, language VARCHAR, title VARCHAR, company VARCHAR,
  role_id VARCHAR, role_family VARCHAR, role_basis VARCHAR, seniority VARCHAR,
  years_min DOUBLE, years_max DOUBLE, degree VARCHAR, degree_requirement VARCHAR,
  salary_text VARCHAR, salary_status VARCHAR, salary_currency VARCHAR,
  salary_min_annual DOUBLE, salary_max_annual DOUBLE, salary_period VARCHAR,
  location VARCHAR, remote_policy VARCHAR, industry VARCHAR, industry_group VARCHAR,
  regulated BOOLEAN, compliance_duties VARCHAR, employment_type VARCHAR, posted_at DATE,
  must_skills VARCHAR, nice_skills VARCHAR, platforms VARCHAR, tools VARCHAR, kpis VARCHAR,
  note VARCHAR, extractor_version VARCHAR, analyzed_at TIMESTAMP)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS posting_items (
  posting_id VARCHAR, kind VARCHAR, item_id VARCHAR, label VARCHAR, requirement VARCHAR,
  span VARCHAR, span_start INTEGER, span_end INTEGER, evidence VARCHAR, esco VARCHAR,
  mentions INTEGER)"""
    )
