"""Salary text to an annual range in its own currency; unknown is never zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialproof.market.salary import HOURS_PER_YEAR, find_salary_in_text, parse_salary


@pytest.mark.parametrize(
    ("text", "currency", "lo", "hi", "period"),
    [
        ("$55,000 - $65,000/year", "USD", 55_000, 65_000, "year"),
        ("£30k–£35k", "GBP", 30_000, 35_000, "year"),
        ("Up to $28/hr", "USD", None, 28 * HOURS_PER_YEAR, "hour"),
        ("$25-30/hour", "USD", 25 * HOURS_PER_YEAR, 30 * HOURS_PER_YEAR, "hour"),
        ("£30-35k", "GBP", 30_000, 35_000, "year"),
        ("€45.000 brutto p.a.", "EUR", 45_000, 45_000, "year"),
        ("$4,500 per month", "USD", 54_000, 54_000, "month"),
        ("USD 70,000 to 90,000", "USD", 70_000, 90_000, "year"),
        ("From $60k", "USD", 60_000, None, "year"),
        ("$100k+ OTE", "USD", 100_000, None, "year"),
        ("$18.50 an hour", "USD", 18.5 * HOURS_PER_YEAR, 18.5 * HOURS_PER_YEAR, "hour"),
        ("$65K - $75K", "USD", 65_000, 75_000, "year"),
        ("80 000 - 95 000 SEK per month", "SEK", 960_000, 1_140_000, "month"),
        ("$300 per day", "USD", 78_000, 78_000, "day"),
        # Indian lakh grouping and Swiss apostrophes were read as 6 rupees and 90 francs
        # (an hour, by its size)
        ("₹6,00,000 - ₹8,00,000 per annum", "INR", 600_000, 800_000, "year"),
        ("INR 12,50,000", "INR", 1_250_000, 1_250_000, "year"),
        ("CHF 90'000 - 110'000", "CHF", 90_000, 110_000, "year"),
        ("CHF 95’000 p.a.", "CHF", 95_000, 95_000, "year"),
    ],
)
def test_stated_salaries_are_annualised_and_keep_the_text(
    text: str, currency: str, lo: float | None, hi: float | None, period: str
) -> None:
    sal = parse_salary(text)
    assert sal.status == "stated"
    assert sal.text == text
    assert sal.currency == currency
    assert sal.min_annual == (None if lo is None else pytest.approx(lo))
    assert sal.max_annual == (None if hi is None else pytest.approx(hi))
    assert sal.period == period


@pytest.mark.parametrize(
    "text",
    [
        "Competitive",
        "DOE",
        "competitive salary + benefits",
        "Depending on experience",
        "Negotiable",
        "401(k) and competitive salary",
        "TBD",
    ],
)
def test_unstated_salary_is_unknown_not_zero(text: str) -> None:
    sal = parse_salary(text)
    assert sal.status == "unknown"
    assert sal.min_annual is None and sal.max_annual is None
    assert sal.text == text


def test_no_salary_text() -> None:
    assert parse_salary(None).status == "none"
    assert parse_salary("   ").status == "none"


def test_period_is_inferred_and_said_so() -> None:
    sal = parse_salary("$60,000")
    assert sal.period == "year" and sal.period_inferred
    assert parse_salary("$60,000 a year").period_inferred is False


def test_salary_found_in_body_ignores_perks_and_budgets() -> None:
    body = (
        "You will manage a $50,000 monthly ad budget. We offer a $1,000 learning stipend.\n"
        "The salary range for this role is $62,000 - $70,000 per year."
    )
    assert find_salary_in_text(body) == "$62,000 - $70,000 per year"
    assert find_salary_in_text("We raised $20M and manage a $50k ad budget.") is None


@pytest.mark.parametrize(
    ("body", "phrase", "low", "high"),
    [
        (
            "$4,000 - $5,000 per month. Meta Ads a plus.",
            "$4,000 - $5,000 per month",
            48_000,
            60_000,
        ),
        ("Interns get $18 - $22 an hour, 20 hours/week.", "$18 - $22 an hour", None, None),
        ("£600 a week, fixed-term contract.", "£600 a week", 31_200, 31_200),
    ],
)
def test_salary_found_in_body_with_any_stated_pay_period(
    body: str, phrase: str, low: float | None, high: float | None
) -> None:
    # Monthly, weekly and "an hour" pay was missed in posting bodies (only yearly and
    # "per hour" counted as pay words), so the market saw no salary for these postings.
    assert find_salary_in_text(body) == phrase
    if low is not None:
        sal = parse_salary(phrase)
        assert (sal.min_annual, sal.max_annual) == (low, high)
    assert find_salary_in_text("You will run a $3,000 per month ad budget.") is None


@given(st.text(max_size=60))
def test_any_text_parses_without_error(text: str) -> None:
    sal = parse_salary(text)
    assert sal.status in {"stated", "unknown", "none"}
    if sal.min_annual is not None and sal.max_annual is not None:
        assert sal.min_annual <= sal.max_annual
    if sal.status != "stated":
        assert sal.min_annual is None and sal.max_annual is None


@pytest.mark.parametrize(
    ("text", "lo", "hi", "hours"),
    [
        ("$50/hour, 20-30 hours per month", 50 * 20 * 12, 50 * 30 * 12, "20-30 hours per month"),
        ("$50/hour, 20–30 hours per month", 50 * 20 * 12, 50 * 30 * 12, "20–30 hours per month"),
        ("£15 per hour, 16 hours a week", 15 * 16 * 52, 15 * 16 * 52, "16 hours a week"),
        ("$25-30/hr for 10 hrs/week", 25 * 10 * 52, 30 * 10 * 52, "10 hrs/week"),
        ("€200 per day, 2 days per week", 200 * 2 * 52, 200 * 2 * 52, "2 days per week"),
        ("$18 hourly for 10 hours per week", 18 * 10 * 52, 18 * 10 * 52, "10 hours per week"),
    ],
)
def test_hourly_and_daily_pay_use_the_hours_the_posting_states(
    text: str, lo: float, hi: float, hours: str
) -> None:
    s = parse_salary(text)
    assert (s.min_annual, s.max_annual) == (lo, hi)
    assert hours in s.note


def test_stated_hours_elsewhere_in_the_posting_are_used() -> None:
    s = parse_salary("$40/hour", context="Part-time: about 15 hours per week, flexible.")
    assert (s.min_annual, s.max_annual) == (40 * 15 * 52, 40 * 15 * 52)
    assert "15 hours per week" in s.note
    # a yearly salary is not scaled by hours
    s = parse_salary("$60,000 per year", context="Full-time, 40 hours per week.")
    assert (s.min_annual, s.max_annual) == (60_000, 60_000)


def test_hourly_pay_without_stated_hours_assumes_full_time_and_says_so() -> None:
    s = parse_salary("$50/hour")
    assert s.min_annual == 50 * 2080
    assert "40-hour week" in s.note


@pytest.mark.parametrize("text", ["£0 - £0", "$0", "USD 0.00 per hour"])
def test_an_amount_of_zero_is_not_a_salary(text: str) -> None:
    """A board's placeholder '£0 - £0' was a stated salary of 0 a year, pulling the
    market's salary figures down."""
    s = parse_salary(text)
    assert s.status == "unknown" and s.min_annual is None and s.max_annual is None
    assert "0 is not a salary" in s.note


@pytest.mark.parametrize(
    ("text", "lo", "hi", "period", "note"),
    [
        # a period written in another language was not seen: the amount's size chose one,
        # and '1.200 €/Monat' read as a day rate of 312,000 a year
        ("1.200 €/Monat", 14_400, 14_400, "month", ""),
        ("45.000 € brutto/Jahr", 45_000, 45_000, "year", ""),
        ("400 €/jour", 104_000, 104_000, "day", "no days stated: 260 working days a year assumed"),
        ("1.500 € al mes", 18_000, 18_000, "month", ""),
        ("R$ 5.000/mês", 60_000, 60_000, "month", ""),
        ("€ 2.800 per maand", 33_600, 33_600, "month", ""),
        ("€900 por semana", 46_800, 46_800, "week", ""),
        # working time in another language is working time, not the pay period
        ("€45.000 brutto/Jahr bei 40 Stunden/Woche", 45_000, 45_000, "year", ""),
        ("25 €/Std., 20 Stunden pro Woche", 26_000, 26_000, "hour",
         "annualised over the stated 20 Stunden pro Woche"),
        ("30 €/heure, 24 heures par semaine", 37_440, 37_440, "hour",
         "annualised over the stated 24 heures par semaine"),
        ("400 €/Tag, 3 Tage pro Woche", 62_400, 62_400, "day",
         "annualised over the stated 3 Tage pro Woche"),
    ],
)  # fmt: skip
def test_pay_periods_and_working_time_in_other_languages(
    text: str, lo: float, hi: float, period: str, note: str
) -> None:
    sal = parse_salary(text)
    assert (sal.min_annual, sal.max_annual, sal.period) == (lo, hi, period)
    assert not sal.period_inferred and sal.note == note


@pytest.mark.parametrize(
    ("body", "phrase", "annual"),
    [
        # the currency after the amount, as Europe writes it, was not found at all
        ("Salary: 45,000 € per year. We offer a bike.", "45,000 € per year", (45_000, 45_000)),
        ("Salary: 45.000-55.000 EUR gross per year", "45.000-55.000 EUR gross per year",
         (45_000, 55_000)),
        ("Compensation: 3.500 € per month", "3.500 € per month", (42_000, 42_000)),
        ("We pay 20-25 GBP per hour", "20-25 GBP per hour", (41_600, 52_000)),
        ("Salary: 80 000 SEK per month", "80 000 SEK per month", (960_000, 960_000)),
        # Swiss thousands were cut at the apostrophe: 'CHF 90' read as 90 an hour
        ("Salary: CHF 90'000", "CHF 90'000", (90_000, 90_000)),
    ],
)  # fmt: skip
def test_salaries_in_a_body_with_the_currency_after_or_swiss_thousands(
    body: str, phrase: str, annual: tuple[float, float]
) -> None:
    assert find_salary_in_text(body) == phrase
    sal = parse_salary(phrase)
    assert (sal.min_annual, sal.max_annual) == annual


def test_funding_after_the_amount_is_not_a_salary() -> None:
    assert find_salary_in_text("We raised 5,000,000 EUR in funding last year.") is None


@pytest.mark.parametrize(
    ("text", "period", "annual"),
    [
        # thresholds: the dollar's (under 200 an hour, 1,500 a day, 15,000 a month) times
        # the currency's factor in data/careers/salary_scale.yaml (JPY 100, SEK 9, INR 21)
        ("45,000 JPY", "day", 45_000 * 260),  # 20,000 <= 45,000 < 150,000
        ("¥300,000", "month", 3_600_000),  # 150,000 <= 300,000 < 1,500,000
        ("¥4,000,000", "year", 4_000_000),
        ("¥1,500", "hour", 1_500 * 2_080),
        ("60,000 SEK", "month", 720_000),  # 13,500 <= 60,000 < 135,000
        ("SEK 500 000", "year", 500_000),
        ("2,500,000 INR", "year", 2_500_000),  # >= 15,000 x 21 = 315,000
        ("$60,000", "year", 60_000),  # the dollar's own thresholds stay
        ("£2,500", "month", 30_000),
    ],
)
def test_a_period_guessed_from_the_amount_reads_it_at_its_currencys_scale(
    text: str, period: str, annual: float
) -> None:
    """45,000 JPY, 60,000 SEK and 2,500,000 INR were read with the dollar's thresholds:
    all three a year's pay, where 45,000 JPY is a day rate and 60,000 SEK a month's."""
    sal = parse_salary(text)
    assert (sal.period, sal.period_inferred) == (period, True)
    assert sal.min_annual == sal.max_annual == annual


@pytest.mark.parametrize("text", ["INR 25,000", "₹40,000", "R$ 3.000", "MXN 20,000"])
def test_an_amount_whose_size_does_not_tell_its_period_is_not_annualised(text: str) -> None:
    """In currencies where a month's pay sits in the dollar's band of a day rate (25,000
    INR a month), a smaller amount with no period is not annualised and says why."""
    sal = parse_salary(text)
    assert sal.status == "stated" and sal.currency is not None
    assert (sal.period, sal.min_annual, sal.max_annual) == (None, None, None)
    assert sal.note == (
        f"no pay period stated, and the size of an amount in {sal.currency} does not tell "
        "it: not annualised"
    )


@pytest.mark.parametrize(
    ("text", "currency", "low", "high", "period"),
    [
        # India's lakh is 100,000 and crore 10,000,000; LPA is lakhs per annum
        ("₹6 LPA", "INR", 600_000, 600_000, "year"),
        ("INR 8-10 LPA", "INR", 800_000, 1_000_000, "year"),
        ("₹4.5 lakh p.a.", "INR", 450_000, 450_000, "year"),
        ("12 lakhs per annum", "INR", 1_200_000, 1_200_000, "year"),  # lakhs: rupees
        ("JPY 4 million", "JPY", 4_000_000, 4_000_000, "year"),
        ("¥400万", "JPY", 4_000_000, 4_000_000, "year"),  # 400 x man (10,000)
        ("SEK 45 000/mån", "SEK", 540_000, 540_000, "month"),  # Swedish 'per month'
    ],
)
def test_multipliers_written_as_words_scale_the_amount(
    text: str, currency: str | None, low: float, high: float, period: str
) -> None:
    """'₹4.5 lakh p.a.' was a salary of 4.5 a year and '12 lakhs per annum' of 12; 'JPY 4
    million' read as 4 an hour (8,320 a year), '¥400万' as no amount at all."""
    sal = parse_salary(text)
    assert (sal.currency, sal.min_annual, sal.max_annual, sal.period) == (
        currency,
        low,
        high,
        period,
    )


def test_a_salary_in_lakhs_is_found_in_a_posting_body() -> None:
    assert find_salary_in_text("Salary: ₹6-8 LPA plus benefits. Apply now.") == "₹6-8 LPA"


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("Rs. 50,000 per month", "INR"),
        ("Rs 6 LPA", "INR"),
        ("R25,000 per month", "ZAR"),
        ("R$ 5.000 por mês", "BRL"),
        ("KRW 40,000,000", "KRW"),
    ],
)
def test_rupees_rand_and_won_are_named(text: str, currency: str) -> None:
    """'Rs.' (rupees), 'R' (rand) and the code KRW named no currency, so the salary was
    compared and guessed at the dollar's scale and left out of every currency's figures."""
    assert parse_salary(text).currency == currency


@pytest.mark.parametrize(
    ("text", "period", "annual"),
    [
        ("$2,000 bi-weekly", "fortnight", 2_000 * 26),  # read as weekly: 104,000
        ("£1,000 fortnightly", "fortnight", 1_000 * 26),  # guessed a day rate: 260,000
        ("AUD 2,500 per fortnight", "fortnight", 2_500 * 26),
        ("$3,000 every two weeks", "fortnight", 3_000 * 26),
        ("$2,000 semi-monthly", "semimonth", 2_000 * 24),  # read as monthly: 24,000
        ("$1,000 weekly", "week", 1_000 * 52),
    ],
)
def test_pay_every_two_weeks_or_twice_a_month_is_annualised_as_such(
    text: str, period: str, annual: float
) -> None:
    sal = parse_salary(text)
    assert (sal.period, sal.period_inferred, sal.min_annual) == (period, False, annual)


@pytest.mark.parametrize(
    ("text", "annual"),
    [("£14,000 pro rata (£28,000 FTE)", 14_000), ("£9,000 pro-rata", 9_000)],
)
def test_a_pro_rata_salary_is_a_year(text: str, annual: float) -> None:
    """'£14,000 pro rata' (a part-time year) named no period it knew, so its size made it
    a month's pay: 168,000 a year."""
    sal = parse_salary(text)
    assert (sal.period, sal.period_inferred, sal.min_annual) == ("year", False, annual)


@pytest.mark.parametrize(
    ("text", "period", "inferred", "annual"),
    [
        ("Salary: ¥300,000", "month", True, 3_600_000),  # read as 300,000 a year
        ("Salary: $5,000", "month", True, 60_000),  # read as 5,000 a year
        ("£2.5k", "month", True, 30_000),  # 'k' read as a year: 2,500
        ("JPY 300k", "month", True, 3_600_000),
        ("Salary: $60,000", "year", False, 60_000),
        ("£30k–£35k", "year", False, 30_000),
    ],
)
def test_salary_base_and_k_lean_to_a_year_but_a_months_size_wins(
    text: str, period: str, inferred: bool, annual: float
) -> None:
    """'salary', 'base' and a 'k' suffix named a year outright, so 'Salary: ¥300,000' (a
    month's pay in Japan) and '£2.5k' were a year's pay; they confirm a year-sized amount
    and give way to a month-sized one, which is then said to be guessed."""
    sal = parse_salary(text)
    assert (sal.period, sal.period_inferred, sal.min_annual) == (period, inferred, annual)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("$50,000 + up to 10% bonus", 50_000, 50_000),  # read 'up to 50,000'
        ("$50,000 + bonus", 50_000, 50_000),  # read 'from 50,000'
        ("$25/hr, up to 40 hours per week", 52_000, 52_000),  # 25 x 40 x 52
        ("$60,000 with a minimum of 2 years experience", 60_000, 60_000),
        ("Up to £40,000 + benefits", None, 40_000),
        ("From $25/hr", 52_000, None),
        ("$80k+", 80_000, None),
    ],
)
def test_up_to_and_from_bound_a_salary_only_when_they_lead_its_amount(
    text: str, low: float | None, high: float | None
) -> None:
    """'up to' a bonus or hours, 'a minimum of' years and '+ bonus' made a fixed salary
    open-ended, so gap said it 'starts at' or the market counted it at one end only."""
    sal = parse_salary(text)
    assert (sal.min_annual, sal.max_annual) == (low, high)


def test_pm_attached_to_an_amount_is_a_month_and_a_time_of_day_is_no_period() -> None:
    """'£2,000pm' read as 2 a month (24 a year): 'pm' glued to the amount broke it; and
    '9am-5pm' beside an amount named a month (its 'pm')."""
    sal = parse_salary("£2,000pm")
    assert (sal.period, sal.min_annual) == ("month", 24_000)
    hours = parse_salary("£120, 9am-5pm")
    assert hours.period != "month"  # the size, not the 'pm' (and £120 is an hour's or a day's)
    monthly = parse_salary("$3,000, Mon-Fri 9am to 5pm")
    assert (monthly.period, monthly.period_inferred, monthly.min_annual) == ("month", True, 36_000)


@pytest.mark.parametrize(
    ("text", "annual"),
    [
        ("€2,5k/Monat", 2_500 * 12),  # read as 2 a month: 24 a year
        ("2,5 k€", 2_500 * 12),  # read as 2 an hour
        ("R$ 4.500,00 por mês", 4_500 * 12),
        ("1.234,56 € pro Monat", 1_234.56 * 12),
    ],
)
def test_a_decimal_comma_is_read_as_a_decimal(text: str, annual: float) -> None:
    sal = parse_salary(text)
    assert (sal.period, sal.min_annual) == ("month", pytest.approx(annual))


@pytest.mark.parametrize(
    ("text", "note"),
    [
        # £120 is a high hourly rate or a low day rate: it read as 249,600 a year
        ("£120", "no pay period stated, and the amount fits an hour's or a day's pay in GBP"),
        # a day rate or a week's pay: it read as a day rate, 130,000 to 260,000 a year
        ("£500-£1k", "no pay period stated, and the amount fits a day's or a week's pay in GBP"),
        ("$1-2k", "no pay period stated, and the amount fits a day's or a week's pay in USD"),
        # ends of different sizes: a month's at one end and a year's at the other
        (
            "$5,000-$20,000",
            "no pay period stated, and the amount fits a month's or a year's pay in USD",
        ),
        # 'kr' is Swedish, Norwegian, Danish or Icelandic: 35 000 kr, a month's pay in
        # Sweden, read as 35,000 a year at the dollar's scale
        (
            "35 000 kr",
            "no currency named ('kr' is the krona or krone of several countries) and "
            "no pay period stated",
        ),
        ("500-1k", "no currency named and no pay period stated"),
    ],
)
def test_an_amount_whose_period_its_size_cannot_choose_is_not_annualised(
    text: str, note: str
) -> None:
    sal = parse_salary(text)
    assert sal.status == "stated"
    assert (sal.period, sal.min_annual, sal.max_annual) == (None, None, None)
    assert sal.note == note + ": not annualised"


@pytest.mark.parametrize(
    ("text", "currency", "annual", "period"),
    [
        ("£500 - £1k per week", "GBP", (26_000, 52_000), "week"),  # a period stated: read
        ("£120 per day", "GBP", (31_200, 31_200), "day"),
        ("40 000 kr per month", None, (480_000, 480_000), "month"),
        # LPA and CTC are Indian usage: rupees without the ₹
        ("CTC 12 LPA", "INR", (1_200_000, 1_200_000), "year"),
        ("CTC: 8-10 lakhs per annum", "INR", (800_000, 1_000_000), "year"),
    ],
)
def test_an_amount_with_its_period_or_currency_in_words_is_read(
    text: str, currency: str | None, annual: tuple[float, float], period: str
) -> None:
    sal = parse_salary(text)
    assert (sal.currency, (sal.min_annual, sal.max_annual), sal.period) == (
        currency,
        annual,
        period,
    )


def test_lakhs_beside_another_currency_code_are_not_taken_for_rupees() -> None:
    sal = parse_salary("PKR 12 lakh")
    assert sal.currency is None and sal.min_annual is None


@pytest.mark.parametrize(
    ("text", "location", "currency", "annual", "period"),
    [
        ("45 000 kr/mån", "Stockholm, Sweden", "SEK", 540_000, "month"),  # 45,000 x 12
        # no period: at the krone's scale (factor 10, a month under 150,000) a month's pay
        ("35 000 kr", "Oslo, Norway", "NOK", 420_000, "month"),
        ("kr. 40.000 pr. måned", "København, Danmark", "DKK", 480_000, "month"),
        ("35 000 kr", "Sweden or Norway", None, None, None),  # two countries: unread
    ],
)
def test_kr_takes_the_currency_of_the_country_the_location_names(
    text: str, location: str, currency: str | None, annual: float | None, period: str | None
) -> None:
    sal = parse_salary(text, location=location)
    assert (sal.currency, sal.min_annual, sal.period) == (currency, annual, period)
