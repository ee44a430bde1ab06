"""Market aggregates over analysed postings: shares with counts, salaries from >= 5 postings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from socialproof.errors import NoData
from socialproof.market.aggregate import MIN_POSTINGS, MarketFilter, demand_map, market_data
from socialproof.market.store import analyze_workspace, is_stale

Insert = Callable[[str, list[dict[str, Any]]], None]


def _posting(i: int, **kw: Any) -> dict[str, Any]:
    row = {
        "posting_id": f"p{i}",
        "source": "test",
        "title": "Paid Social Specialist",
        "company": f"Brand {i}",
        "location": "London, UK",
        "salary_text": f"£{30 + i}k",
        "employment_type": "Full-time",
        "posted_at": f"2026-0{1 + i % 3}-10",
        "url": "",
        "body": "Requirements:\n- Paid social campaigns in Meta Ads Manager\n- Budget management\n"
        "Nice to have:\n- TikTok experience",
    }
    row.update(kw)
    return row


def test_demand_shares_and_counts(workspace: Any, insert: Insert) -> None:
    rows = [_posting(i) for i in range(4)]
    rows.append(
        _posting(
            9,
            title="Community Manager",
            location="Remote",
            body="Grow our Discord community and moderate comments.",
            salary_text="DOE",
        )
    )
    insert("job_postings", rows)
    summary = analyze_workspace(workspace)
    assert summary.analysed == 5
    data = market_data(workspace)
    skills = data.demand["skill"].set_index("item_id")
    assert skills.loc["paid-social", "postings"] == 4
    assert skills.loc["paid-social", "share"] == pytest.approx(4 / 5)
    assert skills.loc["paid-social", "must_share"] == pytest.approx(4 / 5)
    platforms = data.demand["platform"].set_index("item_id")
    assert platforms.loc["tiktok", "must_share"] == 0  # only ever "nice to have"
    # four GBP salaries: fewer than five, so no figure at all
    assert data.salaries.empty and data.salary_withheld >= 1
    roles = data.by_dimension["role_id"].set_index("value")
    assert roles.loc["paid-social-specialist", "postings"] == 4


def test_salary_figures_need_five_postings(workspace: Any, insert: Insert) -> None:
    insert("job_postings", [_posting(i) for i in range(MIN_POSTINGS)])
    data = market_data(workspace)
    overall = data.salaries[data.salaries["group"] == "all"].iloc[0]
    assert overall["currency"] == "GBP" and overall["postings"] == MIN_POSTINGS
    assert overall["median"] == pytest.approx(32_000)
    assert (data.salaries["postings"] >= MIN_POSTINGS).all()


def test_filters_and_no_data(workspace: Any, insert: Insert) -> None:
    with pytest.raises(NoData):
        market_data(workspace)
    insert("job_postings", [_posting(1), _posting(2, location="Berlin")])
    assert market_data(workspace, MarketFilter(location="berlin")).postings == 1
    with pytest.raises(NoData, match="No analysed postings match"):
        market_data(workspace, MarketFilter(location="Tokyo"))


def test_unanalysable_postings_are_counted_not_dropped(workspace: Any, insert: Insert) -> None:
    insert(
        "job_postings",
        [
            _posting(1),
            _posting(2, title="", body=""),
            _posting(
                3,
                title="Community Manager",
                body="Buscamos un community manager con experiencia en "
                "redes sociales para gestionar la comunidad de la marca y crear contenido para la web.",
            ),
        ],
    )
    data = market_data(workspace)
    assert data.postings == 1
    assert data.skipped == {"empty": 1, "unsupported_language": 1}
    assert any("Not analysed" in n for n in data.notes)


def test_new_postings_make_the_analysis_stale(workspace: Any, insert: Insert) -> None:
    insert("job_postings", [_posting(1)])
    assert is_stale(workspace)
    analyze_workspace(workspace)
    assert not is_stale(workspace)
    insert("job_postings", [_posting(2)])
    assert is_stale(workspace)
    assert market_data(workspace).postings == 2  # re-analysed on demand


def test_facts_from_an_older_extractor_are_analysed_again(workspace: Any, insert: Insert) -> None:
    insert("job_postings", [_posting(1, title="Associate Social Media Manager")])
    analyze_workspace(workspace)
    assert not is_stale(workspace)
    with workspace.transaction() as con:  # as an older version of the reading left them
        con.execute("UPDATE posting_facts SET extractor_version = '1', seniority = 'senior'")
    assert is_stale(workspace)
    levels = market_data(workspace).by_dimension["seniority"]
    assert list(levels["value"]) == ["mid"]
    assert not is_stale(workspace)


def test_demand_map_falls_back_to_all_postings(workspace: Any, insert: Insert) -> None:
    assert demand_map(workspace) == ({}, "")
    insert("job_postings", [_posting(i) for i in range(3)])
    dmap, basis = demand_map(workspace, role="community-manager")
    assert basis == "3 analysed postings"  # fewer than 5 for the role: all postings
    assert dmap[("skill", "paid-social")] == (1.0, 3)


def test_reimported_postings_are_reanalysed(workspace: Any, tmp_path: Any) -> None:
    from socialproof.ingest.importer import import_paths

    path = tmp_path / "p.csv"
    path.write_text("posting_id,title,body\nq1,Copywriter,Write captions.\n", encoding="utf-8")
    import_paths(workspace, [path], format="job-postings")
    analyze_workspace(workspace)
    assert not is_stale(workspace)
    path.write_text(
        "posting_id,title,body\nq1,Copywriter,Write captions and scripts for TikTok.\n",
        encoding="utf-8",
    )
    import_paths(workspace, [path], format="job-postings")
    assert is_stale(workspace)
    data = market_data(workspace)
    assert "tiktok" in set(data.demand["platform"]["item_id"])


def test_bad_filters_are_usage_errors(workspace: Any, insert: Insert) -> None:
    from socialproof.errors import NotFound, UsageError

    insert("job_postings", [_posting(1)])
    with pytest.raises(UsageError, match="Unknown seniority"):
        market_data(workspace, MarketFilter(seniority="guru"))
    with pytest.raises(NotFound, match="Did you mean"):
        market_data(workspace, MarketFilter(role="paid socail specialist"))
    assert market_data(workspace, MarketFilter(role="Paid Social Specialist")).postings == 1


def test_locations_group_without_bracketed_notes(workspace: Any, insert: Insert) -> None:
    insert(
        "job_postings",
        [_posting(1, location="New York, NY (hybrid)"), _posting(2, location="New York, NY")],
    )
    data = market_data(workspace)
    locations = data.by_dimension["location"].set_index("value")
    assert locations.loc["New York, NY", "postings"] == 2


def test_the_same_posting_from_two_boards_counts_once(workspace: Any, insert: Insert) -> None:
    # One ad seen on two boards (another link, stray spaces, other case) was counted as
    # several postings, inflating every share and salary figure it took part in.
    body = "Requirements:\n- Paid social campaigns in Meta Ads Manager"
    day = {"posted_at": "2026-02-10"}
    rows = [
        _posting(1, body=body, url="https://a.example/1", **day),
        _posting(2, body=body + "  ", company="Brand 1 ", url="https://b.example/9", **day),
        _posting(3, body=body.replace("\n", "\n\n"), company="BRAND 1", **day),
        _posting(4, body="Nice to have:\n- TikTok experience", **day),
    ]
    insert("job_postings", rows)
    analyze_workspace(workspace)
    data = market_data(workspace)
    assert data.postings == 2
    tiktok = data.demand["platform"].set_index("item_id").loc["tiktok"]
    assert (tiktok["postings"], tiktok["share"]) == (1, 0.5)
    assert any("2 duplicate posting(s)" in n for n in data.notes)
    other = _posting(5, body=body, company="Brand 5", **day)  # another company: kept
    again = _posting(6, body=body, company="Brand 1", posted_at="2026-03-10")  # reposted
    insert("job_postings", [other, again])
    analyze_workspace(workspace)
    assert market_data(workspace).postings == 4


def test_salaries_with_no_period_their_size_tells_are_said_to_be_left_out(
    workspace: Any, insert: Insert
) -> None:
    """'INR 25,000' was read as a year's pay at the dollar's scale and went into the INR
    median; it is not annualised, left out of the figures, and the report says so."""
    rows = [_posting(i) for i in range(MIN_POSTINGS)]
    rows += [_posting(10 + i, salary_text=f"INR {25 + i},000") for i in range(MIN_POSTINGS)]
    insert("job_postings", rows)
    data = market_data(workspace)
    assert set(data.salaries["currency"]) == {"GBP"}
    assert (
        f"{MIN_POSTINGS} salary(ies) name no pay period and their amount does not tell it at "
        "their currency's scale (a month's pay or a day's): left out of the salary figures."
    ) in data.notes


def test_a_salary_with_one_end_is_said_to_count_at_that_end(
    workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None]
) -> None:
    """'up to £40k' entered the 'annualised midpoints' at 40,000, a cap read as a midpoint,
    with nothing said; the figures keep it at that end and a note says so."""
    rows = [_posting(i) for i in range(MIN_POSTINGS - 1)]  # £30k, £31k, £32k, £33k
    rows.append(_posting(9, salary_text="up to £40k"))
    insert("job_postings", rows)
    data = market_data(workspace)
    overall = data.salaries[data.salaries["group"] == "all"].iloc[0]
    # 30, 31, 32, 33, 40 thousand: the median is the third, the 75th percentile the fourth
    assert (overall["median"], overall["p75"]) == (32_000, 33_000)
    assert (
        "1 salary(ies) state one end only ('up to £35k', 'from $28/hr'): each counts at that "
        "end, not at a midpoint, so 'up to' figures pull the quartiles up and 'from' figures "
        "down."
    ) in data.notes


def test_salaries_with_no_currency_are_said_to_be_left_out(
    workspace: Any, insert: Callable[[str, list[dict[str, Any]]], None]
) -> None:
    """A salary naming no currency ('45,000') left the figures without a word."""
    rows = [_posting(i) for i in range(MIN_POSTINGS)]
    rows.append(_posting(9, salary_text="45,000 per year"))
    insert("job_postings", rows)
    data = market_data(workspace)
    overall = data.salaries[data.salaries["group"] == "all"].iloc[0]
    assert (overall["currency"], overall["postings"]) == ("GBP", MIN_POSTINGS)
    assert (
        "1 salary(ies) name no currency ('45,000'): left out of the salary figures, which "
        "never mix currencies."
    ) in data.notes


def test_the_duplicate_note_counts_the_copies_the_filters_keep(
    workspace: Any, insert: Insert
) -> None:
    """Two copies of a London ad, the Berlin posting unique: the report for Berlin said
    '1 duplicate posting(s) ... counted once' about postings it does not describe."""
    body = "Requirements:\n- Paid social campaigns in Meta Ads Manager"
    day = {"posted_at": "2026-02-10"}
    rows = [
        _posting(1, body=body, url="https://a.example/1", **day),
        _posting(2, body=body, company="Brand 1", url="https://b.example/2", **day),
        _posting(3, body=body, location="Berlin, Germany", **day),
    ]
    insert("job_postings", rows)
    analyze_workspace(workspace)
    berlin = market_data(workspace, MarketFilter(location="berlin"))
    assert berlin.postings == 1
    assert not any("duplicate" in n for n in berlin.notes)
    london = market_data(workspace, MarketFilter(location="london"))
    assert london.postings == 1
    assert any(n.startswith("1 duplicate posting(s)") for n in london.notes)
