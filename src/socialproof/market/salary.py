"""Salary text to an annual range in its own currency, keeping the original text.

"$55,000 - $65,000/year", "£30k–£35k", "Up to $28/hr", "€45.000 brutto p.a."
become ``Salary(min_annual, max_annual, currency, period)``. Text that states no
figure ("Competitive", "DOE") is *unknown*, never zero. Amounts are never
converted between currencies (no live rates offline): reports group by currency.

Annualisation: week x 52, month x 12. Hourly and daily pay use the hours or days
the posting states ("$50/hour, 20-30 hours per month" is 50 x 20..30 x 12); only
when it states none is a full-time year assumed (hour x 2,080 = 40 h x 52 weeks,
day x 260), and ``note`` says which was used. When the text names no period, it
is inferred from the size of the figure at its currency's scale (the dollar's
thresholds times the currency's purchasing-power factor, ``data/careers/salary_scale.yaml``)
and ``period_inferred`` says so; where the size does not tell (a currency whose pay
bands overlap, or one with no scale) the salary is stated but not annualised.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

HOURS_PER_YEAR = 2080
_PER_YEAR = {"hour": HOURS_PER_YEAR, "day": 260, "week": 52, "month": 12, "year": 1}
# paid every two weeks (26 a year) or twice a month (24): read as weekly or monthly pay,
# '$2,000 bi-weekly' was 104,000 a year and '$2,000 semi-monthly' 24,000
_PER_YEAR |= {"fortnight": 26, "semimonth": 24}

_CURRENCY_SYMBOLS = (
    ("C$", "CAD"), ("CA$", "CAD"), ("A$", "AUD"), ("AU$", "AUD"), ("NZ$", "NZD"),
    ("US$", "USD"), ("HK$", "HKD"), ("S$", "SGD"), ("R$", "BRL"),
    ("$", "USD"), ("£", "GBP"), ("€", "EUR"), ("₹", "INR"), ("¥", "JPY"), ("₩", "KRW"),
    ("zł", "PLN"), ("₱", "PHP"),
)  # fmt: skip
_CURRENCY_CODES = (
    "USD", "GBP", "EUR", "CAD", "AUD", "NZD", "INR", "JPY", "CHF", "SEK", "NOK", "DKK",
    "PLN", "SGD", "HKD", "ZAR", "BRL", "MXN", "PHP", "AED", "KRW",
)  # fmt: skip
_CODE_RE = re.compile(r"\b(" + "|".join(_CURRENCY_CODES) + r")\b", re.IGNORECASE)
_WORD_CURRENCY = (
    (re.compile(r"\b(?:dollars?)\b", re.I), "USD"),
    (re.compile(r"\b(?:pounds?|sterling)\b", re.I), "GBP"),
    (re.compile(r"\beuros?\b", re.I), "EUR"),
    # 'Rs. 50,000', 'Rs 6 LPA' (India's rupee); 'R25,000' (South Africa's rand; R$ is BRL)
    (re.compile(r"\bRs\.?\s?(?=\d)|₨"), "INR"),
    (re.compile(r"\bR\s?(?=\d)"), "ZAR"),
)

_UNKNOWN = re.compile(
    r"\b(competitive|doe|d\.o\.e|depending on experience|dependent on experience|negotiable|"
    r"commensurate|tbd|tbc|to be (?:discussed|determined|confirmed)|market rate|attractive|"
    r"excellent|not (?:stated|disclosed|specified)|undisclosed|unpaid|volunteer|equity only|"
    r"based on experience|on application)\b",
    re.IGNORECASE,
)
# English, then the words of salaries written in German, French, Spanish, Portuguese,
# Italian and Dutch ('3.500 € brutto/Monat', '400 €/jour', '25 €/h'): without them the
# period was guessed from the amount, and '1.200 €/Monat' read as a day rate.
_PERIODS = (
    ("hour", r"(?:/\s*|per\s+|an?\s+|p/?)h(?:ou)?r\b|hourly|/\s*hr\b|\bph\b|per\s+hour|an\s+hour|"
             r"/\s*h\b|\bstunde\b|/\s*std\b|stundenlohn|\bheure\b|\bhora\b|\bora\b|\buur\b"),
    ("day", r"(?:/\s*|per\s+|a\s+)day\b|daily|day\s+rate|/\s*d\b|p/?d\b|"
            r"\btag\b|tagessatz|\bjour\b|journalier|\bd[ií]a\b|\bgiorno\b|\bdag\b"),
    ("fortnight", r"\bbi-?weekly\b|\bfortnight(?:ly)?\b|\bevery\s+(?:two|2)\s+weeks\b|"
                  r"\b(?:every|per)\s+other\s+week\b"),
    ("week", r"(?:/\s*|per\s+|a\s+)w(?:ee)?k\b|weekly|p/?w\b|"
             r"\bwoche\b|\bsemaine\b|\bsemana\b|\bsettimana\b"),
    ("semimonth", r"\bsemi-?monthly\b|\btwice\s+(?:a|per)\s+month\b"),
    ("month", r"(?:/\s*|per\s+|a\s+)mo(?:nth)?\b|monthly|\bpcm\b|p/?m\b|"
              r"\bmonat(?:lich)?\b|\bmois\b|mensuel|\bmes\b|\bm[eê]s\b|mensual|\bmese\b|"
              r"mensile|\bmaand\b|\bmån(?:ad|aden)?\b|\bmåned(?:en)?\b"),
    ("year", r"(?:/\s*|per\s+|an?\s+)(?:y(?:ea)?r|annum)\b|annual(?:ly)?|yearly|\bp\.?\s?a\.?(?=\W|$)|"
             r"\bpa\b|\blpa\b|\bpro[\s-]?rata\b|\bfte\b|\bote\b|/\s*yr\b|"
             r"\bjahr\b|j[äa]hrlich|\bpar an\b|annuel|\ba[ñn]o\b|\banual\b|\banno\b|\bannuo\b|"
             r"\bjaar\b"),
)  # fmt: skip
_PERIOD_RES = [(name, re.compile(pat, re.IGNORECASE)) for name, pat in _PERIODS]
# Words that lean to a year without naming it: 'Salary: ¥300,000' and 'Base: $5,000' are a
# month's pay, '£2.5k' too; a year only where the amount's size does not say otherwise.
_WEAK_YEAR = re.compile(r"\bsalary\b|\bbase\b|\d\s?k\b", re.IGNORECASE)

# Stated working time: "20-30 hours per month", "16 hours a week", "2 days per week"
_SPAN_UNITS = {"week": 52, "wk": 52, "month": 12, "mo": 12, "day": 260, "year": 1, "yr": 1}
# the same in German, French, Spanish, Portuguese, Italian and Dutch ('40 Stunden/Woche' is
# working time: read as a pay period, it made a yearly salary weekly)
_SPAN_UNITS |= dict.fromkeys(("woche", "semaine", "semana", "settimana"), 52)
_SPAN_UNITS |= dict.fromkeys(("monat", "mois", "mes", "mês", "mese", "maand"), 12)
_SPAN_UNITS |= dict.fromkeys(("tag", "jour", "día", "dia", "giorno", "dag"), 260)
_SPAN_UNITS |= dict.fromkeys(("jahr", "an", "año", "ano", "anno", "jaar"), 1)
_HOUR_WORDS = ("stunden", "std", "heures", "horas", "ore", "uur")
_WORKTIME = re.compile(
    r"(?<![\d.])(\d{1,3}(?:\.\d+)?)(?:\s*(?:-|–|—|to|bis|à|a)\s*(\d{1,3}(?:\.\d+)?))?\s*"
    r"(hours?|hrs?|days?|stunden|std\.?|heures|horas|ore|uur|tage|jours|d[ií]as|giorni|dagen)\s*"
    r"(?:/\s*|per\s+|an?\s+|each\s+|pro\s+|par\s+|por\s+|im\s+|in\s+der\s+|a\s+la\s+|"
    r"à\s+la\s+|alla\s+|la\s+)"
    r"(week|wk|month|mo|day|year|yr|woche|semaine|semana|settimana|monat|mois|m[eê]s|mese|"
    r"maand|tag|jour|d[ií]a|giorno|dag|jahr|an|a[ñn]o|anno|jaar)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _WorkTime:
    low: float  # units (hours or days) per year
    high: float
    unit: str  # hour | day
    text: str
    start: int
    end: int


def _work_time(text: str, unit: str) -> _WorkTime | None:
    """The first stated number of hours (or days) per week/month/day/year, per year."""
    for m in _WORKTIME.finditer(text):
        word = m.group(3).lower().rstrip(".")
        found = "hour" if word.startswith("h") or word in _HOUR_WORDS else "day"
        span = m.group(4).lower()
        if found != unit or (found == "day" and span == "day"):
            continue
        lo = float(m.group(1))
        hi = float(m.group(2)) if m.group(2) else lo
        if lo <= 0 or hi < lo:
            continue
        per_year = _SPAN_UNITS[span]
        return _WorkTime(lo * per_year, hi * per_year, found, m.group(0).strip(), *m.span())
    return None


# A number: 55,000 | 55000 | 55k | 55.5k | 28.50 | 45.000 (European thousands) | 1.2m |
# 6,00,000 (Indian lakh grouping) | 90'000 (Swiss thousands) | a multiplier written as a
# word: '6 LPA' and '4.5 lakh' (India's lakh, 100,000), '1.2 crore' (10,000,000),
# '4 million', '45 thousand', '400万' (Japan's man, 10,000), read as 6 and 4.5 before
_NUM = (
    r"(\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[,.\s'’]\d{3})+(?:[.,]\d{1,2}(?!\d))?|"
    r"\d+,\d{1,2}(?!\d)|\d+(?:\.\d+)?)"  # '2,5k' and '4.500,00': a decimal comma
    r"\s*([kKmM]|(?i:lakhs?|lacs?|lpa|crores?|cr|million|mio|mn|thousand)|万)?"
    r"(?=$|\W|[pP](?i:cm|[amwhd])\b)"  # '2,000pm' (per month) too: it read 2 a month
)
# A time of day ('9am-5pm') is no amount, and its 'pm' no month
_TIME_OF_DAY = re.compile(r"\b\d{1,2}(?::\d{2})?\s?[ap]\.?m\.?(?!\w)", re.IGNORECASE)
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "lakh": 1e5, "lac": 1e5, "lpa": 1e5, "crore": 1e7, "cr": 1e7}
_MULTIPLIERS |= {"million": 1e6, "mio": 1e6, "mn": 1e6, "thousand": 1e3, "万": 1e4}
_NUM_RE = re.compile(_NUM)
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to|and|~|/)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Salary:
    text: str  # the original text, always kept
    status: str  # stated | unknown | none
    currency: str | None = None
    min_annual: float | None = None
    max_annual: float | None = None
    period: str | None = None  # hour | day | week | month | year
    period_inferred: bool = False
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _to_number(raw: str, suffix: str | None) -> float | None:
    s = raw.strip().replace("'", ",").replace("’", ",")
    groups = re.split(r"[,.\s]", s)
    if re.fullmatch(r"\d+,\d{1,2}", s):
        value = float(s.replace(",", "."))  # 2,5 (k): a decimal comma
    elif re.fullmatch(r"\d{1,3}(?:[.\s]\d{3})+,\d{1,2}", s):
        value = float(re.sub(r"[.\s]", "", s).replace(",", "."))  # 4.500,00
    elif len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        value = float("".join(groups))  # 55,000 / 45.000 / 45 000
    elif re.fullmatch(r"\d{1,3}(?:[,.\s]\d{3})+\.\d{1,2}", s):
        value = float(re.sub(r"[,\s]", "", s))  # 55,000.00
    else:
        try:
            value = float(s.replace(",", ""))
        except ValueError:
            return None
    return value * _multiplier(suffix)


def _multiplier(suffix: str | None) -> float:
    """What a suffix multiplies by: 'k' 1,000, 'lakhs' 100,000, none 1."""
    if not suffix:
        return 1.0
    word = suffix.lower()
    return _MULTIPLIERS.get(word, _MULTIPLIERS.get(word.rstrip("s"), 1.0))


# Lakh, crore, LPA (lakhs per annum) and CTC (cost to company) are how Indian postings
# state pay: 'CTC 12 LPA' with no ₹ is rupees. Another currency's code beside them
# ('PKR 12 lakh') is not taken for the rupee.
_INDIAN_UNITS = re.compile(r"\d\s?(?:lakhs?|lacs?|lpa|crores?)\b|\bCTC\b", re.IGNORECASE)
_OTHER_CODE = re.compile(r"\b(?!CTC\b|LPA\b)[A-Z]{3}\b")
# 'kr' is the krona or krone of Sweden, Norway, Denmark and Iceland: no one currency,
# unless the posting's location names the country
_KRONA = re.compile(r"(?<![A-Za-z])kr\.?(?![A-Za-z])", re.IGNORECASE)
_KRONA_COUNTRIES = (
    (re.compile(r"\b(?:sweden|sverige)\b", re.IGNORECASE), "SEK"),
    (re.compile(r"\b(?:norway|norge|noreg)\b", re.IGNORECASE), "NOK"),
    (re.compile(r"\b(?:denmark|danmark)\b", re.IGNORECASE), "DKK"),
    (re.compile(r"\b(?:iceland|[iÍ]sland)\b", re.IGNORECASE), "ISK"),
)


def _krona_of(location: str | None) -> str | None:
    """The krona or krone of the one country ``location`` names (None: none, or several)."""
    found = {code for pattern, code in _KRONA_COUNTRIES if location and pattern.search(location)}
    return found.pop() if len(found) == 1 else None


def _currency(text: str) -> str | None:
    m = _CODE_RE.search(text)
    if m:
        return m.group(1).upper()
    for symbol, code in _CURRENCY_SYMBOLS:
        if symbol in text:
            return code
    for pattern, code in _WORD_CURRENCY:
        if pattern.search(text):
            return code
    if _INDIAN_UNITS.search(text) and not _OTHER_CODE.search(text):
        return "INR"
    return None


def _period(text: str) -> str | None:
    # The most specific period named wins: "£15/hour (about £31k a year)" is hourly.
    for name, pattern in _PERIOD_RES:
        if name == "year":
            continue
        if pattern.search(text):
            return name
    if _PERIOD_RES[-1][1].search(text):
        return "year"
    return None


#: Upper bounds of an hour's, a day's and a month's pay in US dollars, for guessing the
#: period of an amount that names none; other currencies scale them by their factor in
#: ``data/careers/salary_scale.yaml`` (purchasing power, with its source).
_GUESS_BOUNDS = (("hour", 200.0), ("day", 1_500.0), ("month", 15_000.0))
#: Sizes (in US dollars, scaled likewise) that two periods share, where the size cannot
#: choose: 100 to 200 is a high hourly rate or a low day rate ('£120'), 500 to 1,500 a day
#: rate or a week's pay ('£500-£1k'). An amount there is not annualised.
_OVERLAPS = ((100.0, 200.0, "an hour's or a day's"), (500.0, 1_500.0, "a day's or a week's"))


@cache
def _scales() -> dict[str, tuple[float, str]]:
    """Currency -> (factor against the dollar's thresholds, which periods may be guessed)."""
    import yaml

    from socialproof.market.catalogue import data_file

    raw = yaml.safe_load(data_file("careers", "salary_scale.yaml").read_text("utf-8"))
    return {
        str(code): (float(spec["factor"]), str(spec["guess"]))
        for code, spec in raw["currencies"].items()
    }


def _overlap(value: float, currency: str | None) -> str:
    """'an hour's or a day's' when the amount's size fits two periods at its currency's
    scale ('' when it fits one, or the currency is not guessed)."""
    factor, guess = _scales().get(currency or "", (0.0, "none"))
    if guess != "all":
        return ""
    for low, high, words in _OVERLAPS:
        if low * factor <= value < high * factor:
            return words
    return ""


def _infer_period(value: float, currency: str | None) -> str | None:
    """The period an amount's size suggests at its currency's scale, or None when it
    does not tell (no currency, a currency with no scale, or a size whose periods
    overlap there)."""
    factor, guess = _scales().get(currency or "", (0.0, "none"))
    if guess == "none":
        return None
    for name, bound in _GUESS_BOUNDS:
        if value < bound * factor:
            return name if guess == "all" else None
    return "year"


def parse_salary(
    text: str | None, *, context: str | None = None, location: str | None = None
) -> Salary:
    """Parse salary text; ``status`` is ``none`` (no text), ``unknown`` or ``stated``.

    ``context`` is the rest of the posting: the hours or days it states are used to
    annualise hourly or daily pay when the salary text itself states none. ``location``
    is the posting's: a country it names tells which krona or krone 'kr' is.
    """
    original = "" if text is None else str(text)
    clean = original.strip()
    if not clean:
        return Salary(original, "none")
    # times of day blanked out, the text's positions kept
    clean = _TIME_OF_DAY.sub(lambda m: " " * len(m.group()), clean)
    stated_spans = [m.span() for m in _WORKTIME.finditer(clean)]
    numbers: list[tuple[float, int, int, float]] = []
    for m in _NUM_RE.finditer(clean):
        if any(a <= m.start() < b for a, b in stated_spans):
            continue  # "20-30 hours per month" is working time, not money
        value = _to_number(m.group(1), m.group(2))
        if value is None:
            continue
        before = clean[max(0, m.start() - 12) : m.start()].lower()
        after = clean[m.end() : m.end() + 12].lower()
        # Skip things that are not money: "401(k)", "2 weeks", "20%", years of experience.
        if after.startswith(("%", " %", " years", "+ years", " yrs", " hours/week", " weeks")):
            continue
        if after.startswith("(k)") or ("401" in m.group(1) and m.group(2)):
            continue  # a 401(k) plan
        if re.search(r"\b(19|20)\d\d\b", m.group(1)) and value < 2100 and not m.group(2):
            if not re.search(r"[$£€₹]\s*$", before):
                continue  # a year, not an amount
        numbers.append((value, m.start(), m.end(), _multiplier(m.group(2))))
    if not numbers:
        if _UNKNOWN.search(clean) or not re.search(r"\d", clean):
            return Salary(original, "unknown", note="no figure stated")
        return Salary(original, "unknown", note="no amount could be read")
    # Use the first amount and, when a range separator follows, the second.
    lo = numbers[0][0]
    hi = lo
    if len(numbers) > 1:
        between = clean[numbers[0][2] : numbers[1][1]]
        between = re.sub(r"[$£€₹]|[A-Z]{3}|\s*/\s*(?:hr|hour|yr|year)\b", "", between).strip()
        if _RANGE_SEP.match(between) or between in ("", "-"):
            hi = numbers[1][0]
            # "£30-35k", "8-10 LPA": the suffix of the second number applies to the first.
            scale = numbers[1][3]
            if scale > 1 and numbers[0][3] == 1 and lo * scale <= hi:
                lo *= scale
            elif hi >= 1000 > lo and hi / 1000 >= lo / 2:
                lo *= 1000
    if lo > hi:
        lo, hi = hi, lo
    if hi <= 0:  # "£0 - £0", "$0": a placeholder a board filled in, not a salary
        return Salary(original, "unknown", note="an amount of 0 is not a salary")
    # 'up to' and 'from' bound the amount only when they lead it: '$50,000 + up to 10 %
    # bonus', '$25/hr, up to 40 hours a week' and 'a minimum of 2 years' experience' are
    # fixed pay (they read 'up to 50,000' and 'from 60,000'); '80k+' is open above, while
    # '$50,000 + bonus' is not
    lead = clean[max(0, numbers[0][1] - 24) : numbers[0][1]].lower()
    upto = bool(re.search(r"\b(up to|upto|max(?:imum)?|no more than)\b\D*$", lead))
    start = bool(
        re.search(r"\b(from|starting at|starting from|starts at|min(?:imum)?|at least)\b\D*$", lead)
        or re.search(r"\d[kKmM]?\+", clean)
    )
    without_worktime = _WORKTIME.sub(" ", clean)  # "10 hours per week" names no pay period
    period = _period(without_worktime)
    currency = _currency(clean)
    if currency is None and _KRONA.search(clean):
        currency = _krona_of(location)
    inferred = False
    if period is None and currency is None:
        # the size of an amount tells its period only at its currency's scale: '35 000 kr'
        # is a month's pay in Sweden and read as a year's at the dollar's
        kr = " ('kr' is the krona or krone of several countries)" if _KRONA.search(clean) else ""
        return Salary(
            original,
            "stated",
            note=f"no currency named{kr} and no pay period stated: not annualised",
        )
    shared = ""
    if period is None:
        shared = _overlap(lo, currency) or _overlap(hi, currency)
        ends = (_infer_period(lo, currency), _infer_period(hi, currency))
        if not shared and None not in ends and ends[0] != ends[1]:  # '$1-20k'
            shared = " or ".join(("an " if e == "hour" else "a ") + f"{e}'s" for e in ends)
    if shared:
        return Salary(
            original,
            "stated",
            currency,
            note=f"no pay period stated, and the amount fits {shared} pay in {currency}: "
            "not annualised",
        )
    if period is None:
        guessed = _infer_period(hi, currency)
        # 'salary', 'base' or '55k' with a year-sized amount: a year, not a guess
        inferred = guessed is not None and not (
            guessed == "year" and _WEAK_YEAR.search(without_worktime)
        )
        if guessed is None:  # '25,000 INR': a month's pay there, a day's at the dollar's scale
            return Salary(
                original,
                "stated",
                currency,
                note=f"no pay period stated, and the size of an amount in {currency} does not "
                "tell it: not annualised",
            )
        period = guessed
    notes = [] if currency else ["no currency named"]
    if not currency and _KRONA.search(clean):
        notes = ["no currency named ('kr' is the krona or krone of several countries)"]
    factor_lo = factor_hi = float(_PER_YEAR[period])
    if period in ("hour", "day"):
        worktime = _work_time(clean, period) or (_work_time(context, period) if context else None)
        if worktime is not None:
            factor_lo, factor_hi = worktime.low, worktime.high
            notes.append(f"annualised over the stated {worktime.text}")
        elif period == "hour":
            notes.append("no hours stated: a 40-hour week, 52 weeks a year, assumed")
        else:
            notes.append("no days stated: 260 working days a year assumed")
    note = "; ".join(notes)
    min_annual: float | None = round(lo * factor_lo, 2)
    max_annual: float | None = round(hi * factor_hi, 2)
    if upto and lo == hi:
        min_annual = None
    elif start and lo == hi and not upto:
        max_annual = None
    return Salary(original, "stated", currency, min_annual, max_annual, period, inferred, note)


# 90'000, 80 000 too; '6 LPA', '4.5 lakh' (not millions or crores: revenue and funding)
_BODY_AMOUNT = r"\d(?:[\d,.]|['’\u00a0\u202f ](?=\d{3}))*\s?[kK]?(?:\s?(?i:lakhs?|lacs?|lpa)\b)?"
_BODY_CUR = r"(?:[A-Z]{3}\s?|C\$|A\$|NZ\$|US\$|[$£€₹])"
_BODY_TAIL = (
    r"(?:\s?(?:gross|brutto|brut|bruto|lordo))?"
    r"(?:\s?(?:/|per|an?|each)\s?(?:hour|hr|h|year|yr|annum|month|week|day)\b"
    r"|\s?(?:annually|hourly|p\.?a\.?))?"
)
# Salary phrases inside a posting body: a currency-marked amount, maybe a range; the
# currency before the amount ('€45,000') or after it, as Europe writes it ('45.000 €',
# '20-25 GBP per hour'), which was not found at all.
_BODY_SALARY = re.compile(
    r"(?:(?:up to|from|starting at)\s+)?"
    rf"(?:{_BODY_CUR}\s?{_BODY_AMOUNT}(?:\s?(?:-|–|—|to)\s?{_BODY_CUR}?\s?{_BODY_AMOUNT})?"
    r"(?:\s?(?:USD|GBP|EUR|CAD|AUD|CHF))?"
    rf"|{_BODY_AMOUNT}(?:\s?(?:-|–|—|to)\s?{_BODY_AMOUNT})?\s?"
    r"(?:€|£|zł|\b(?:USD|GBP|EUR|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|JPY)\b))"
    rf"{_BODY_TAIL}",
)


_PAY_WORDS = re.compile(
    r"salary|compensation|\bpay\b|pay range|pay rate|\bwage|hourly rate|day rate|base\b|\bote\b|"
    r"hiring at|per hour|an hour|hourly|/\s?hr|/\s?hour|per year|a year|annually|per annum|"
    r"/\s?year|/\s?yr|per month|a month|monthly|/\s?month|/\s?mo\b|per week|a week|weekly|"
    r"per day|a day|/\s?day|"
    r"\bearn(?:ing)?\b|\brange\b|p\.a\.",
    re.I,
)
_NOT_PAY = re.compile(
    r"bonus|allowance|budget|stipend|reimburs|equipment|vacation|learning|\barr\b|revenue|raised|"
    r"funding|valuation|sales of|\bover \$|generated|earned by|spend|gift|credit|donat",
    re.I,
)


def find_salary_in_text(body: str) -> str | None:
    """The salary-looking phrase in free text (pay words near, perks and budgets not), or None."""
    for m in _BODY_SALARY.finditer(body):
        phrase = m.group(0).strip().rstrip(".,;")
        if re.search(r"\d\s?[mMbB]\b", body[m.start() : m.end() + 2]):
            continue  # millions: revenue or funding, not pay
        sal = parse_salary(phrase)
        if sal.status != "stated":
            continue
        annual = sal.max_annual or sal.min_annual or 0.0
        if annual < 8_000:
            continue
        before = body[max(0, m.start() - 80) : m.start()]
        before = re.split(r"[.!?]\s|\n", before)[-1]  # the same sentence only
        after = re.split(r"[.!?]\s|\n", body[m.end() : m.end() + 40])[0]
        near = before[-45:] + " " + after[:30]
        if _NOT_PAY.search(near):
            continue
        if _PAY_WORDS.search(before + phrase + after):
            return phrase
    return None
