"""The settings declarations: coercion, checks, messages, dumps (without pydantic)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import time

import pytest

from socialproof.errors import SettingsError
from socialproof.workspace.settings import (
    ApprovalTier,
    Engine,
    Settings,
    dump_settings,
    settings_from_dict,
    settings_reference,
)


def test_defaults_match_the_documented_ones() -> None:
    s = Settings()
    assert s.currency == "USD"
    assert s.timezone == "UTC"
    assert s.business_hours.start == time(9, 0)
    assert s.business_hours.weekdays == [0, 1, 2, 3, 4]
    assert s.community.sla_hours == 24.0
    assert s.approvals.tiers is None
    assert s.engine.backend == "duckdb"
    # lists and tables are not shared between instances
    s.brand.handles.append("@acme")
    assert Settings().brand.handles == []


def test_text_from_a_form_is_read_as_numbers_and_times() -> None:
    s = settings_from_dict(
        {
            "currency": " eur ",
            "community": {"sla_hours": "12.5"},
            "business_hours": {"start": "08:30", "weekdays": ["4", 2, 2]},
        }
    )
    assert s.currency == "EUR"
    assert s.community.sla_hours == 12.5
    assert s.business_hours.start == time(8, 30)
    assert s.business_hours.weekdays == [2, 4]


@pytest.mark.parametrize(
    ("raw", "where", "words"),
    [
        ({"colour": "red"}, "colour", "unknown setting"),
        ({"brand": {"handle": ["@a"]}}, "brand.handle", "unknown setting"),
        ({"community": {"sla_hours": -3}}, "community.sla_hours", "greater than 0"),
        ({"community": {"sla_hours": "soon"}}, "community.sla_hours", "valid number"),
        ({"community": {"sla_hours": True}}, "community.sla_hours", "valid number"),
        ({"voice": {"tone": "angry"}}, "voice.tone", "'neutral', 'friendly', 'formal' or"),
        ({"timezone": "Mars/Base"}, "timezone", "unknown timezone"),
        ({"business_hours": {"start": "9am"}}, "business_hours.start", "time format"),
        ({"business_hours": {"weekdays": [7]}}, "business_hours.weekdays", "0 (Monday)"),
        ({"business_hours": {"weekdays": [1.5]}}, "business_hours.weekdays.0", "whole"),
        ({"brand": {"handles": "@acme"}}, "brand.handles", "valid list"),
        ({"brand": {"handles": ["  "]}}, "brand.handles", "a handle is empty"),
        ({"brand": {"accounts": {"x": 3}}}, "brand.accounts.x", "valid string"),
        ({"approvals": {"tiers": [{"name": "a"}]}}, "approvals.tiers.0.roles", "required"),
        ({"approvals": {"tiers": [{"name": "a", "roles": ["x"], "who": 1}]}}, "tiers.0.who", ""),
        (
            {
                "approvals": {
                    "tiers": [{"name": "a", "roles": ["x"]}, {"name": "A", "roles": ["y"]}]
                }
            },
            "approvals.tiers",
            "two tiers",
        ),
        ({"engine": "spark"}, "engine", "valid dictionary"),
        ({"industry": "mining"}, "industry", "industry must be one of"),
    ],
)
def test_a_bad_value_names_where_and_what(raw: dict[str, object], where: str, words: str) -> None:
    with pytest.raises(SettingsError) as err:
        settings_from_dict(raw, source="socialproof.toml")
    text = str(err.value)
    assert text.startswith("socialproof.toml: ")
    assert f"{where}: " in text
    assert words in text
    assert "\n" not in text


def test_an_assignment_is_checked_like_the_file() -> None:
    s = Settings()
    s.timezone = "Asia/Tokyo"
    assert str(s.tz) == "Asia/Tokyo"
    with pytest.raises(SettingsError, match="timezone: .*unknown timezone"):
        s.timezone = "Nowhere/Land"
    assert s.timezone == "Asia/Tokyo"
    s.currency = "gbp"
    assert s.currency == "GBP"
    with pytest.raises(AttributeError):
        s.colour = "red"  # type: ignore[attr-defined]


def test_a_copy_with_an_update_leaves_the_original() -> None:
    s = Settings()
    spark = s.model_copy(update={"engine": Engine(backend="spark")})
    assert spark.engine.backend == "spark"
    assert s.engine.backend == "duckdb"
    with pytest.raises(SettingsError, match="backend"):
        Engine(backend="postgres")  # type: ignore[arg-type]


def test_a_dump_reads_back_as_the_same_settings() -> None:
    s = settings_from_dict(
        {
            "owner": "Ada",
            "business_hours": {"start": "07:15", "end": "19:00", "weekdays": [0, 6]},
            "voice": {"preferred_terms": {"customers": "members"}, "tone": "formal"},
            "approvals": {"tiers": [{"name": "review", "roles": ["editor", " "], "mode": "all"}]},
        }
    )
    again = settings_from_dict(tomllib.loads(dump_settings(s)))
    assert again == s
    assert again.approvals.tiers == [ApprovalTier(name="review", roles=["editor"], mode="all")]
    assert '"start":"07:15:00"' in s.model_dump_json()
    assert "tiers" not in Settings().model_dump(mode="json", exclude_none=True)["approvals"]


def test_the_reference_lists_nested_settings_with_defaults() -> None:
    rows = {name: (kind, default) for name, kind, default, _ in settings_reference()}
    assert rows["brand"] == ("section", "")
    assert rows["business_hours.start"] == ("time (HH:MM)", "'09:00'")
    assert rows["business_hours.weekdays"] == ("list of whole number", "[0, 1, 2, 3, 4]")
    assert rows["community.sla_hours"] == ("number", "24.0")
    assert rows["voice.tone"][0] == "one of 'neutral', 'friendly', 'formal', 'playful'"
    assert rows["brand.accounts"][0] == "table of text = text"
    assert rows["approvals.tiers"] == ("list of table (name, roles, mode), optional", "(none)")


def test_the_settings_page_of_the_docs_is_one_table_row_per_setting() -> None:
    from socialproof.cli.reference import settings_reference_md

    body = [ln for ln in settings_reference_md().splitlines() if ln.startswith("| ")][2:]
    assert len(body) == len(settings_reference())
    for line in body:  # a '|' inside a cell is escaped: every row has four cells
        assert line.replace("\\|", "").count("|") == 5, line


def test_reading_settings_does_not_load_pydantic() -> None:
    code = (
        "import sys, socialproof.workspace.settings as s; "
        "s.settings_from_dict({'timezone': 'Europe/Berlin'}); "
        "print('pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"
