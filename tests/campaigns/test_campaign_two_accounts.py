"""One campaign name in two ad accounts is two campaigns: pacing and explain do not add
them together without a word. Every row here is invented."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from socialproof.campaigns.paid import load_budgets, pacing
from socialproof.errors import UsageError
from socialproof.metrics.explain import explain_kpi


def _ad(account: str, day: date, spend: float) -> dict[str, Any]:
    return {
        "platform": "meta",
        "account": account,
        "campaign": "Spring",
        "ad_set": "S",
        "ad": "A",
        "date_start": day,
        "date_stop": day,
        "breakdown": "",
        "currency": "USD",
        "spend": spend,
        "impressions": 1000,
        "link_clicks": 10,
    }


@pytest.fixture
def two_accounts(workspace: Any, insert: Any) -> Any:
    # 'Spring' spends 100 a day in brand-us and 30 a day in brand-uk, 1-4 March
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(4)]
    insert(
        "ad_stats",
        [_ad("brand-us", d, 100.0) for d in days] + [_ad("brand-uk", d, 30.0) for d in days],
    )
    return workspace


def _budgets(ws: Any, extra: str = "") -> None:
    (ws.root / "budgets.yaml").write_text(
        "budgets:\n  - campaign: Spring\n    amount: 800\n"
        f"    start: 2026-03-01\n    end: 2026-03-08\n{extra}",
        encoding="utf-8",
    )


def test_a_campaigns_budget_over_two_accounts_is_refused_naming_them(two_accounts: Any) -> None:
    _budgets(two_accounts)
    with pytest.raises(UsageError) as caught:
        pacing(two_accounts)
    assert caught.value.message == (
        "Campaign 'Spring' is in 2 ad accounts (brand-uk (meta), brand-us (meta)): its "
        "budget would pace their spend added together."
    )
    assert "account: brand-uk" in (caught.value.hint or "")
    with pytest.raises(UsageError, match="2 ad accounts"):
        pacing(two_accounts, budget=800.0, campaign="Spring")


def test_a_budgets_account_key_paces_that_accounts_spend(two_accounts: Any) -> None:
    _budgets(two_accounts, "    account: brand-us\n")
    [row] = pacing(two_accounts).frame.to_dict("records")
    # brand-us alone: 4 days x 100 = 400 spent; 800 over 8 days expects 400 by 4 March
    assert row["account"] == "brand-us"
    assert row["spent"] == pytest.approx(400.0)
    assert row["expected_by_now"] == pytest.approx(400.0)
    assert row["status"] == "on track"
    [uk] = pacing(two_accounts, budget=310.0, campaign="Spring", account="brand-uk").frame.to_dict(
        "records"
    )
    assert uk["spent"] == pytest.approx(120.0)  # 4 days x 30


def test_an_account_no_ad_row_has_is_refused(two_accounts: Any) -> None:
    _budgets(two_accounts, "    account: brand-de\n")
    with pytest.raises(UsageError, match="'brand-de', which no imported ad rows have") as caught:
        pacing(two_accounts)
    assert (
        caught.value.hint
        == "Use one of: brand-uk, brand-us (or 'all' to pace them added together)."
    )


def test_the_account_key_is_read_and_budgets_without_it_keep_their_columns(
    two_accounts: Any, tmp_path: Any
) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "budgets:\n  - {amount: 5, start: 2026-03-01, end: 2026-03-02, account: ' brand-uk '}\n",
        encoding="utf-8",
    )
    assert [b.account for b in load_budgets(path)] == ["brand-uk"]
    # a platform with no ad rows: nothing spent, no account column (it stopped with a
    # TypeError on the NULL list of currencies, and NaN spent before that)
    [none] = pacing(two_accounts, budget=1000.0, period="month", platform="google").frame.to_dict(
        "records"
    )
    assert "account" not in none
    assert (none["spent"], none["remaining"], none["status"]) == (0.0, 1000.0, "no spend yet")
    # asked for every account added together: 4 x 130 = 520
    frame = pacing(two_accounts, budget=1000.0, period="month", account="all").frame
    assert frame.iloc[0]["account"] == "all"
    assert frame.iloc[0]["spent"] == pytest.approx(520.0)


def test_a_budget_for_all_campaigns_over_two_accounts_is_refused_unless_asked(
    two_accounts: Any,
) -> None:
    # it added both accounts' spend (520) without a word, where one budget is one account's
    with pytest.raises(UsageError) as caught:
        pacing(two_accounts, budget=1000.0, period="month")
    assert caught.value.message == (
        "Spend comes from 2 ad accounts (brand-uk (meta), brand-us (meta)): a budget for all "
        "campaigns would pace their spend added together."
    )
    assert caught.value.hint == (
        "Choose one with --account brand-uk (or another of them), or --account all to pace "
        "them added together."
    )
    [uk] = pacing(two_accounts, budget=1000.0, period="month", account="brand-uk").frame.to_dict(
        "records"
    )
    assert (uk["account"], uk["spent"]) == ("brand-uk", pytest.approx(120.0))
    (two_accounts.root / "budgets.yaml").write_text(
        "budgets:\n  - {amount: 900, start: 2026-03-01, end: 2026-03-31}\n", encoding="utf-8"
    )
    with pytest.raises(UsageError, match="'account: brand-uk' .* or 'account: all'"):
        pacing(two_accounts)


def test_account_all_never_adds_two_currencies(workspace: Any, insert: Any) -> None:
    rows = [_ad("brand-us", date(2026, 3, 1), 100.0), _ad("brand-uk", date(2026, 3, 1), 30.0)]
    rows[1]["currency"] = "GBP"
    insert("ad_stats", rows)
    with pytest.raises(UsageError, match=r"several currencies \(GBP, USD\)"):
        pacing(workspace, budget=1000.0, account="all")
    [us] = pacing(workspace, budget=1000.0, account="brand-us").frame.to_dict("records")
    assert (us["currency"], us["spent"]) == ("USD", pytest.approx(100.0))


def test_campaign_platform_and_account_choose_among_the_files_budgets(two_accounts: Any) -> None:
    # --campaign and --account were ignored with budgets.yaml: every budget was paced
    (two_accounts.root / "budgets.yaml").write_text(
        "budgets:\n"
        "  - {campaign: Spring, account: brand-us, amount: 800, start: 2026-03-01, "
        "end: 2026-03-08}\n"
        "  - {campaign: Spring, account: brand-uk, amount: 240, start: 2026-03-01, "
        "end: 2026-03-08}\n",
        encoding="utf-8",
    )
    assert len(pacing(two_accounts).frame) == 2
    [uk] = pacing(two_accounts, account="brand-uk").frame.to_dict("records")
    assert (uk["budget"], uk["spent"]) == (240.0, pytest.approx(120.0))
    assert len(pacing(two_accounts, campaign="Spring").frame) == 2
    with pytest.raises(UsageError, match="No budget in budgets.yaml is for campaign 'Autumn'"):
        pacing(two_accounts, campaign="Autumn")


def test_explain_refuses_a_campaign_over_two_accounts_without_account(two_accounts: Any) -> None:
    with pytest.raises(UsageError) as caught:
        explain_kpi(two_accounts, "spend", campaign="Spring")
    assert caught.value.message == (
        "Campaign 'Spring' is in 2 ad accounts (brand-uk (meta), brand-us (meta)): its "
        "figure would add them together."
    )
    assert "--account brand-uk" in (caught.value.hint or "")
    one = explain_kpi(two_accounts, "spend", campaign="Spring", account="brand-uk")
    assert one.to_dict()["value"] == pytest.approx(120.0)


def test_each_budget_is_judged_on_its_own_rows_last_day(workspace: Any, insert: Any) -> None:
    # brand-uk's export ends on 10 March (10 a day); brand-us runs to 5 April (30 a day)
    uk = [_ad("brand-uk", date(2026, 3, 1) + timedelta(days=i), 10.0) for i in range(10)]
    us = [_ad("brand-us", date(2026, 3, 1) + timedelta(days=i), 30.0) for i in range(36)]
    insert("ad_stats", uk + us)
    (workspace.root / "budgets.yaml").write_text(
        "budgets:\n"
        "  - {account: brand-uk, amount: 310, start: 2026-03-01, end: 2026-03-31}\n"
        "  - {account: brand-us, amount: 930, start: 2026-03-01, end: 2026-03-31}\n",
        encoding="utf-8",
    )
    result = pacing(workspace)
    uk_row, us_row = result.frame.to_dict("records")
    # judged on 5 April (the other account's last day), brand-uk read under-pacing:
    # 100 spent against 310 expected; on its own 10 March it is 100 against 100
    assert uk_row["judged_on"] == date(2026, 3, 10)
    assert (uk_row["expected_by_now"], uk_row["status"]) == (pytest.approx(100.0), "on track")
    assert uk_row["projected"] == pytest.approx(310.0)
    assert us_row["judged_on"] == date(2026, 4, 5)
    assert (us_row["spent"], us_row["status"]) == (pytest.approx(930.0), "on track")
    assert any(n.startswith("Each budget is judged on the last day") for n in result.notes)
    # --budget for a month took the month of the workspace's last day (April: nothing spent)
    [one] = pacing(workspace, budget=310.0, account="brand-uk").frame.to_dict("records")
    assert (one["start"], one["end"]) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (one["spent"], one["status"]) == (pytest.approx(100.0), "on track")
    assert "judged_on" not in one
    # --as-of still judges every budget on the day given
    fixed = pacing(workspace, as_of="2026-03-20").frame
    assert "judged_on" not in fixed.columns
    assert fixed["days_elapsed"].tolist() == [20, 20]
