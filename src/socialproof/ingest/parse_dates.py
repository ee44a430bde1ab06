"""Dates and timestamps as exports write them, parsed a whole column at a time.

Dates come in a dozen shapes ("2026/03/08", "08-03-2026", "Thu, Apr 23, 2026",
"August 31", "8 de marzo", epoch milliseconds...): the order of day and month is
decided once per column from its values (:func:`day_first_evidence` settles it for a
whole file), month and weekday names of the languages platforms localise exports into
are read as English, and dates without a year are given one. Two-digit years, 12-hour
clocks ('4:30 PM') and a zone after the time ('UTC', '+01:00') are read by
:func:`_split_clock`; a day that does not exist ('2026/02/30') is invalid, not moved
into the next month. :func:`parse_timestamps`
returns naive UTC (local wall-clock times converted across both DST edges);
:func:`parse_dates` returns calendar days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialproof.ingest.parse_base import Parsed, missing_mask, np_mask, to_string_array, trimmed

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np
    import pyarrow as pa


_MONTHS_ES = {
    "enero": "January",
    "febrero": "February",
    "marzo": "March",
    "abril": "April",
    "mayo": "May",
    "junio": "June",
    "julio": "July",
    "agosto": "August",
    "septiembre": "September",
    "setiembre": "September",
    "octubre": "October",
    "noviembre": "November",
    "diciembre": "December",
    "ene": "Jan",
    "abr": "Apr",
    "ago": "Aug",
    "dic": "Dec",
}

# other languages platforms localise exports into (Portuguese, French, German)
_MONTHS_OTHER = {
    "janeiro": "January",
    "fevereiro": "February",
    "março": "March",
    "maio": "May",
    "junho": "June",
    "julho": "July",
    "setembro": "September",
    "outubro": "October",
    "novembro": "November",
    "dezembro": "December",
    "janvier": "January",
    "février": "February",
    "mars": "March",
    "avril": "April",
    "mai": "May",
    "juin": "June",
    "juillet": "July",
    "août": "August",
    "septembre": "September",
    "octobre": "October",
    "novembre": "November",
    "décembre": "December",
    "januar": "January",
    "februar": "February",
    "märz": "March",
    "juni": "June",
    "juli": "July",
    "oktober": "October",
    "dezember": "December",
    "sept": "Sep",
    "fev": "Feb",
    "out": "Oct",
    "dez": "Dec",
    "févr": "Feb",
    "avr": "Apr",
    "juil": "Jul",
    "déc": "Dec",
    "mär": "Mar",
    "okt": "Oct",
}

# weekday names a cell can start with, as Python's weekday() numbers: English ones, and
# those of the languages above (not their abbreviations: Spanish 'mar' is also March)
_ENGLISH_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
_WEEKDAYS = {
    **_ENGLISH_WEEKDAYS,
    **dict.fromkeys(("lunes", "lundi", "montag", "segunda-feira"), 0),
    **dict.fromkeys(("martes", "mardi", "dienstag", "terça-feira", "terca-feira"), 1),
    **dict.fromkeys(("miércoles", "miercoles", "mercredi", "mittwoch", "quarta-feira"), 2),
    **dict.fromkeys(("jueves", "jeudi", "donnerstag", "quinta-feira"), 3),
    **dict.fromkeys(("viernes", "vendredi", "freitag", "sexta-feira"), 4),
    **dict.fromkeys(("sábado", "sabado", "samedi", "samstag"), 5),
    **dict.fromkeys(("domingo", "dimanche", "sonntag"), 6),
}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# the French, Spanish and German abbreviations ('ven. 06 mars 2026', a French `date`;
# 'Fr, 6. März'), read only before a day number; not 'mar' (mardi, martes), which is March
_SHORT_WEEKDAYS = {
    **dict.fromkeys(("lun", "mo"), 0),
    **dict.fromkeys(("di",), 1),
    **dict.fromkeys(("mer", "mié", "mie", "mi"), 2),
    **dict.fromkeys(("jeu", "jue", "do"), 3),
    **dict.fromkeys(("ven", "vie", "fr"), 4),
    **dict.fromkeys(("sam", "sáb", "sab", "sa"), 5),
    **dict.fromkeys(("dim", "dom", "so"), 6),
}
_WEEKDAY_AT_START = (
    "(?i)^(?P<wd>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+"
)
_SHORT_WEEKDAY_AT_START = (
    "(?i)^(?P<wd>" + "|".join(sorted(_SHORT_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+\d"
)

_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
_YEARLESS = ("%B %d", "%b %d", "%d %B", "%d %b", "%b. %d")
_NAMED = (
    "%a, %b %d, %Y",
    "%a %b %d %Y",
    "%a, %B %d, %Y",
    "%A, %B %d, %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
)


def _normalise_date_text(arr: pa.Array) -> pa.Array:
    """Month names in Spanish, Portuguese, French and German to English; 'de' and stray points dropped."""
    import pyarrow.compute as pc

    s = trimmed(arr)
    if not pc.any(pc.match_substring_regex(s, "[A-Za-zÀ-ÿ]")).as_py():
        return s
    s = pc.replace_substring_regex(s, r"\s+", " ")
    # a weekday before the date is checked against it (:func:`_weekday_written`), then
    # dropped: any other language's, and an English one before a day number
    # ('Fri 2026-03-06', 'Fri 06/03/2026'), which no format has
    other = [w for w in _WEEKDAYS if w not in _ENGLISH_WEEKDAYS]
    s = pc.replace_substring_regex(s, "(?i)^(?:" + "|".join(other) + r")\.?,?\s+", "")
    before_day = "|".join([*_ENGLISH_WEEKDAYS, *_SHORT_WEEKDAYS])
    s = pc.replace_substring_regex(s, rf"(?i)^(?:{before_day})\.?,?\s+(\d)", r"\1")
    # the Unix 'date' layout puts the zone before the year ('Fri Mar 6 16:30:00 UTC
    # 2026'): the year goes before the time, where the formats and zones expect it
    s = pc.replace_substring_regex(
        s,
        r"^([A-Za-z]{3},? [A-Za-z]{3}\.? \d{1,2}) (\d{1,2}:\d{2}(?::\d{2})?) "
        r"([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}) (\d{4})$",
        r"\1 \4 \2 \3",
    )
    # the French clock '16h30', '16 h 30', '16h' after a date is '16:30', '16:00'
    s = pc.replace_substring_regex(
        s, r"(?i)([\sT])([01]?\d|2[0-3]) ?h ?([0-5]\d)(?:min)?( |$)", r"\1\2:\3\4"
    )
    s = pc.replace_substring_regex(s, r"(?i)([\sT])([01]?\d|2[0-3]) ?h( |$)", r"\1\2:00\3")
    s = pc.replace_substring_regex(s, r"(?i)\s+d[eo]l?\s+", " ")  # '8 de marzo', '8 do março'
    s = pc.replace_substring_regex(s, r"^(\d{1,2})\.\s", r"\1 ")  # German '8. März'
    names = {**_MONTHS_ES, **_MONTHS_OTHER}
    pattern = "(?i)\\b(?:" + "|".join(sorted(names, key=len, reverse=True)) + ")\\b"
    if pc.any(pc.match_substring_regex(s, pattern)).as_py():
        for word, en in sorted(names.items(), key=lambda kv: -len(kv[0])):
            s = pc.replace_substring_regex(s, rf"(?i)\b{word}\b\.?", en)
    # 'Mar.' -> 'Mar' (abbreviations with a point), '1st' -> '1', 'p.m.' -> 'PM'
    s = pc.replace_substring_regex(
        s, r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\.", r"\1"
    )
    s = pc.replace_substring_regex(s, r"(?i)(\d)(?:st|nd|rd|th)\b", r"\1")
    s = pc.replace_substring_regex(s, r"(?i)\b(a|p)\.?\s?m\.?$", r"\1M")
    return s


def day_first_evidence(column: Any) -> bool | None:
    """True/False when a value like '31/03/2026' or '03/31/2026' settles the order, else None.

    For a whole file: a column of reporting-end dates can settle the order of the
    start-date column next to it, where every day is 12 or less.
    """
    import pyarrow.compute as pc

    s = pc.utf8_trim_whitespace(to_string_array(column))
    parts = pc.extract_regex(s, r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{2,4})\b")
    a_big = bool(pc.any(pc.greater(pc.cast(pc.struct_field(parts, "a"), "int32"), 12)).as_py())
    b_big = bool(pc.any(pc.greater(pc.cast(pc.struct_field(parts, "b"), "int32"), 12)).as_py())
    if a_big != b_big:
        return a_big
    return None


def _numeric_order(s: pa.Array, dayfirst: bool | None) -> tuple[bool, str]:
    """Day-first or month-first for 'NN?NN?YYYY' dates, decided from the whole column."""
    import pyarrow.compute as pc

    if dayfirst is not None:
        return dayfirst, "given"
    parts = pc.extract_regex(s, r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{2,4})\b")
    a = pc.cast(pc.struct_field(parts, "a"), "int32")
    b = pc.cast(pc.struct_field(parts, "b"), "int32")
    a_big = bool(pc.any(pc.greater(a, 12)).as_py())
    b_big = bool(pc.any(pc.greater(b, 12)).as_py())
    if a_big and not b_big:
        return True, "values"
    if b_big and not a_big:
        return False, "values"
    # undecidable from values: Excel re-saves with '-' or '.' are European (day first);
    # '/' is what the US-built platforms write (month first)
    dash = int(pc.sum(pc.match_substring_regex(s, r"^\d{1,2}[-.]\d{1,2}[-.]\d{2,4}")).as_py() or 0)
    slash = int(pc.sum(pc.match_substring_regex(s, r"^\d{1,2}/\d{1,2}/\d{2,4}")).as_py() or 0)
    return dash > slash, "separator"


def ambiguous_date(
    texts: Iterable[Any], mask: Iterable[bool] | None = None
) -> tuple[str, str] | None:
    """The first date among ``texts`` (those ``mask`` picks) whose day and month could be
    swapped ('03/04/2026'), with its leading number as written; None when every one reads
    only one way (13/03/2026, 05/05/2026). Import notes quote it."""
    import itertools
    import re

    picked = mask if mask is not None else itertools.repeat(True)
    for text, chosen in zip(texts, picked, strict=False):
        if not chosen or not isinstance(text, str):
            continue
        found = re.match(r"\s*((\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4})\b", text)
        if found is None:
            continue
        a, b = int(found.group(2)), int(found.group(3))
        if a != b and 1 <= a <= 12 and 1 <= b <= 12:
            return found.group(1), found.group(2)
    return None


def _formats(dayfirst: bool) -> list[str]:
    numeric_dates = ["%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d"]
    order = ("%d", "%m") if dayfirst else ("%m", "%d")
    for sep in ("/", "-", "."):
        numeric_dates.append(f"{order[0]}{sep}{order[1]}{sep}%Y")
        numeric_dates.append(f"{order[0]}{sep}{order[1]}{sep}%y")
    out = [d + t for d in numeric_dates for t in _TIMES]
    out += [d + t for d in _NAMED for t in _TIMES]
    out.append("%a %b %d %H:%M:%S %Y")  # 'Mon Feb 10 14:03:00 2025' (old X 'time')
    out.append("%a %b %d %H:%M:%S %z %Y")  # 'Tue Oct 31 22:10:47 +0000 2017' (Twitter API)
    return out


# zone abbreviations read as their offset (hours); others ('CST', 'IST', 'BST' name
# several zones) are not guessed: the cell is rejected
_ZONES = {
    "Z": 0.0,
    "UT": 0.0,
    "UTC": 0.0,
    "GMT": 0.0,
    "WET": 0.0,
    "WEST": 1.0,
    "CET": 1.0,
    "CEST": 2.0,
    "EET": 2.0,
    "EEST": 3.0,
    "EST": -5.0,
    "EDT": -4.0,
    "CDT": -5.0,
    "MST": -7.0,
    "MDT": -6.0,
    "PST": -8.0,
    "PDT": -7.0,
}
# a clock time after a date (after a space or ISO's 'T'), then an optional 12-hour marker
_CLOCK_END = r"[\sT]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_ISO_ZONED = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$"
_MARKER = r"\s*(?P<ampm>[AaPp])\.?\s?[Mm]\.?"


@dataclass
class _Clock:
    text: pa.Array  # the cells without zone and AM/PM marker, two-digit years widened
    offset_h: np.ndarray  # hours east of UTC of an explicit zone; NaN without one
    meridiem: np.ndarray  # int8: 0 none, 1 AM, 2 PM
    micros: np.ndarray | None = None  # int64 fraction of a second taken out, or None


def _split_clock(s: pa.Array) -> _Clock:
    """Two-digit years, 'at' before a time, zones and AM/PM taken out of the text.

    '3/6/26' is '3/6/2026' (00-68 are 2000-2068 and 69-99 are 1969-1999, as Python's
    ``%y``); 'March 6, 2026 at 4:30 PM' and 'March 6, 2026, 4:30 PM' are 'March 6, 2026
    4:30 PM'; a zone after the time ('UTC', 'GMT', 'Z', '+01:00', '+0100', 'GMT+1',
    'PDT') becomes ``offset_h``; an AM/PM marker (any case, spacing, points) becomes
    ``meridiem`` and the clock is set to 24 hours after parsing (:func:`_apply_clock`).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(s)
    offset_h = np.full(n, np.nan)
    meridiem = np.zeros(n, dtype=np.int8)
    if not n:
        return _Clock(s, offset_h, meridiem)
    # '4 PM', '4pm' (an hour alone, as has_time_of_day counts it) is '4:00 PM'; before
    # the years, so that the 12 of 'March 6 12 PM' is not taken for 2012
    hour_only = r"(?i)(\s\d{1,2})\s*([ap]\.?\s?m\.?)(\s|[+-]|$)"
    if pc.any(pc.match_substring_regex(s, hour_only)).as_py():
        s = pc.replace_substring_regex(s, hour_only, r"\1:00 \2\3")
    # '3/6/26', '06.03.26', '06-Mar-26', '6 March 26', 'Mar 6, 26', 'Fri, Mar 6, 26'
    # (Arrow's %Y would read the year 26)
    day_month = (
        r"^(\d{1,2}[-/.]\d{1,2}[-/.]|\d{1,2}[-/ ][A-Za-z]{3,9}\.?[-/ ]"
        r"|(?:[A-Za-z]{3,9},? )?[A-Za-z]{3,9}\.? \d{1,2},? )"
    )
    rest = r"((?:[\sT,].*)?)$"
    if pc.any(pc.match_substring_regex(s, day_month + r"\d{2}" + rest)).as_py():
        # the same centuries as %y; the separators and the rest of the cell are kept
        s = pc.replace_substring_regex(s, day_month + r"(6[0-8]|[0-5]\d)" + rest, r"\120\2\3")
        s = pc.replace_substring_regex(s, day_month + r"(69|[7-9]\d)" + rest, r"\119\2\3")
    # no letter, no offset at the end, no comma after a year, no fraction of a second:
    # no zone, marker, 'at' or fraction to take out
    if not pc.any(
        pc.match_substring_regex(s, r"[A-Za-z]|[+-]\d{1,2}(?::?\d{2})?$|\d{4},|:\d\d[.,]\d")
    ).as_py():
        return _Clock(s, offset_h, meridiem)
    if not pc.any(pc.match_substring_regex(s, r"\d:\d{2}")).as_py():
        return _Clock(s, offset_h, meridiem)
    # the regular expressions below cost: each runs on the cells that can need it
    joined = r"(?i)(\d),?\s+(?:at|@|à|às|a las|um)\s+(\d{1,2}:\d{2})"
    if pc.any(pc.match_substring_regex(s, joined)).as_py():
        s = pc.replace_substring_regex(s, joined, r"\1 \2")
    if pc.any(pc.match_substring_regex(s, r"\d{4},\s*\d{1,2}:\d{2}")).as_py():
        s = pc.replace_substring_regex(s, r"(\d{4}),\s*(\d{1,2}:\d{2})", r"\1 \2")
    # ISO 8601 with 'Z' or an offset is read by pandas as it is
    zoned = _where(s, r"(?:[A-Za-z)]|[+-]\d{1,2}(?::?\d{2})?)$")
    if zoned.any():
        zoned[zoned] = ~_where(s.filter(pa.array(zoned)), _ISO_ZONED)
    if zoned.any():
        idx = np.flatnonzero(zoned)
        zone = pc.extract_regex(
            s.take(pa.array(idx)),
            rf"^(?P<body>.*{_CLOCK_END}(?:{_MARKER})?)\s*\(?(?P<name>[A-Za-z]{{1,4}})?\)?\s*"
            r"(?P<off>[+-]\d{1,2}(?::?\d{2})?)?$",
        )
        name = pc.utf8_upper(pc.struct_field(zone, "name")).fill_null("")
        off = pc.struct_field(zone, "off").fill_null("")
        # one look-up per distinct zone, not per cell
        key = pc.dictionary_encode(pc.binary_join_element_wise(name, off, "|"))
        hours = np.array(
            [_zone_hours(*k.split("|")) if k != "|" else None for k in key.dictionary.to_pylist()],
            dtype=float,
        )
        sub_h = hours[key.indices.fill_null(0).to_numpy(zero_copy_only=False)]
        known = ~np.isnan(sub_h)
        if known.any():
            offset_h[idx[known]] = sub_h[known]
            body = pc.struct_field(zone, "body").filter(pa.array(known))
            s = pc.replace_with_mask(s, pa.array(~np.isnan(offset_h)), body)
    marked_at = _where(s, r"(?i)[ap]\.?\s?m\.?$")
    if marked_at.any():
        idx = np.flatnonzero(marked_at)
        marked = pc.extract_regex(s.take(pa.array(idx)), rf"^(?P<body>.*{_CLOCK_END}){_MARKER}$")
        ampm = pc.utf8_upper(pc.struct_field(marked, "ampm"))
        am = np_mask(pc.equal(ampm, "A").fill_null(False))
        pm = np_mask(pc.equal(ampm, "P").fill_null(False))
        meridiem[idx[am]] = 1
        meridiem[idx[pm]] = 2
        if am.any() or pm.any():
            body = pc.struct_field(marked, "body").filter(pa.array(am | pm))
            s = pc.replace_with_mask(s, pa.array(meridiem > 0), body)
    # '16:30:15.250' outside ISO 8601 (which pandas reads with its fraction): the formats
    # have whole seconds, so the fraction is taken out and added back after parsing
    fraction = r"^(?P<body>.*[\sT]\d{1,2}:\d{2}:\d{2})[.,](?P<frac>\d{1,9})$"
    fractional = _where(s, fraction) & ~_where(s, r"^\d{4}-\d{2}-\d{2}[T ]")
    micros = None
    if fractional.any():
        idx = np.flatnonzero(fractional)
        parts = pc.extract_regex(s.take(pa.array(idx)), fraction)
        digits = pc.utf8_slice_codeunits(pc.struct_field(parts, "frac"), 0, 6)
        padded = pc.utf8_rpad(digits, width=6, padding="0")
        micros = np.zeros(n, dtype=np.int64)
        micros[idx] = pc.cast(padded, pa.int64()).to_numpy(zero_copy_only=False)
        s = pc.replace_with_mask(s, pa.array(fractional), pc.struct_field(parts, "body"))
    return _Clock(s, offset_h, meridiem, micros)


def unread_zone(cell: str) -> str | None:
    """The zone name (in capitals) a rejected cell ends with when it is one not read
    ('CST', 'IST', 'BST' name several zones; others are unknown), for the reason given;
    else None."""
    import re

    m = re.search(
        rf"{_CLOCK_END}(?:{_MARKER})?\s*\(?(?P<name>[A-Za-z]{{2,5}})\)?\s*$", cell.strip()
    ) or re.search(  # the Unix 'date' layout: 'Fri Mar 6 16:30:00 CST 2026'
        rf"{_CLOCK_END}\s+(?P<name>[A-Za-z]{{2,5}})\s+\d{{4}}$", cell.strip()
    )
    if m is None:
        return None
    name = m.group("name")  # zone abbreviations are capitals: 'soon' is not one
    if not name.isupper() or name in _ZONES or name in ("AM", "PM"):
        return None
    return name


def _weekday_written(cells: pa.Array) -> np.ndarray:
    """The weekday (0 = Monday) each cell starts with, -1 where none."""
    import numpy as np
    import pyarrow.compute as pc

    cells = pc.utf8_trim_whitespace(cells)
    names = pc.utf8_lower(pc.struct_field(pc.extract_regex(cells, _WEEKDAY_AT_START), "wd"))
    short = pc.struct_field(pc.extract_regex(cells, _SHORT_WEEKDAY_AT_START), "wd")
    out = [_WEEKDAYS.get(n, -1) if n else -1 for n in names.to_pylist()]
    for i, n in enumerate(pc.utf8_lower(short).to_pylist()):
        if n and out[i] < 0:
            out[i] = _SHORT_WEEKDAYS[n]
    return np.array(out, dtype=np.int64)


def _order_by_weekday(texts: list[str | None], written: np.ndarray) -> bool | None:
    """Day first (True) or month first (False) for dates like 'Fri 06/03/2026' that no
    value settles: the order under which more of the weekdays written are the dates'
    (6 March 2026 is a Friday, 3 June a Wednesday); None when they do not tell."""
    import re

    votes = [0, 0]  # month first, day first
    for text, day in zip(texts, written.tolist(), strict=True):
        if day < 0 or text is None:
            continue
        m = re.match(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", text)
        if m is None:
            continue
        a, b, y = (int(g) for g in m.groups())
        for first, (month, mday) in enumerate(((a, b), (b, a))):
            try:
                votes[first] += dt.date(y, month, mday).weekday() == day
            except ValueError:
                continue
    if votes[0] == votes[1]:
        return None
    return votes[1] > votes[0]


def weekday_clash(cell: str, *, dayfirst: bool | None = None) -> str | None:
    """Why a rejected cell is invalid when its weekday is not its date's
    ("names Friday, but 2026-03-05 is a Thursday"); else None."""
    import pyarrow as pa

    written = int(_weekday_written(pa.array([cell], pa.string()))[0])
    if written < 0:
        return None
    stamps, _ = _parse_stamps(
        pa.array([cell], pa.string()),
        dayfirst=dayfirst,
        year=None,
        year_range=None,
        epoch=False,
        check_weekday=False,
    )
    value = stamps.values.iloc[0]
    if value is None or value != value:  # NaT: the cell is no date either way
        return None
    wall = value + dt.timedelta(minutes=float(stamps.offset_min[0]))
    if wall.weekday() == written:
        return None
    return (
        f"names {_WEEKDAY_NAMES[written]}, but {wall:%Y-%m-%d} is a "
        f"{_WEEKDAY_NAMES[wall.weekday()]}; correct the date or the weekday in the file"
    )


def _where(s: pa.Array, pattern: str) -> np.ndarray:
    import pyarrow.compute as pc

    return np_mask(pc.match_substring_regex(s, pattern).fill_null(False))


def _zone_hours(name: str, off: str) -> float | None:
    """Hours east of UTC for a zone name and/or an offset ('+01:00', '+0100', '+1'); None
    for an unknown name, an offset out of range, or an offset after a zone name other
    than UTC/GMT ('CET+1' says nothing clear)."""
    base = _ZONES.get(name, None) if name else 0.0
    if base is None or (off and name not in ("", "UTC", "GMT", "UT")):
        return None
    if not off:
        return base
    sign = -1.0 if off[0] == "-" else 1.0
    digits = off[1:].replace(":", "")
    if not name and len(digits) < 4 and ":" not in off[1:]:
        return None  # a bare '-06' could be the day of '2026-03-06'
    hh, mm = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    if int(hh) > 14 or int(mm) >= 60:
        return None
    return sign * (int(hh) + int(mm) / 60.0)


def _apply_clock(values: Any, clock: _Clock) -> tuple[Any, np.ndarray]:
    """Parsed naive values with the 12-hour markers and explicit zones applied.

    Returns the values (naive UTC where a zone was given) and where a zone was given.
    A marked hour outside 1-12 (or 0 with AM) is no time a 12-hour clock shows: NaT.
    """
    import numpy as np
    import pandas as pd

    if clock.meridiem.any():
        hour = values.dt.hour.to_numpy(dtype=float, na_value=np.nan)
        am = clock.meridiem == 1
        pm = clock.meridiem == 2
        bad = (am & ~((hour >= 0) & (hour <= 12))) | (pm & ~((hour >= 1) & (hour <= 12)))
        shift = np.where(pm & (hour < 12), 12, 0) - np.where(am & (hour == 12), 12, 0)
        values = values + pd.to_timedelta(shift, unit="h")
        values[bad] = pd.NaT
    if clock.micros is not None:
        values = values + pd.to_timedelta(clock.micros, unit="us")
    zoned = ~np.isnan(clock.offset_h)
    if zoned.any():
        values = values - pd.to_timedelta(np.nan_to_num(clock.offset_h) * 60, unit="min")
    return values.astype("datetime64[us]"), zoned & values.notna().to_numpy()


def _refuse_rollover(text: pa.Array, got: pa.Array, fmt: str) -> pa.Array:
    """``got`` with nulls where Arrow's strptime moved a day that does not exist into the
    next month ('2026/02/30' read as March 2): printed back in ``fmt``, such a value is
    not the text. Only days 1-3 can be a moved day, so only those are printed back."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    suspect = pc.less_equal(pc.day(got), 3).fill_null(False)
    if not pc.any(suspect).as_py():
        return got
    text = text.filter(suspect)
    if fmt.startswith(("%a", "%A")):  # the weekday is not what is checked
        fmt = fmt.split(" ", 1)[1]
        text = pc.replace_substring_regex(text, r"^\S+\s+", "")

    def canon(a: pa.Array) -> pa.Array:
        return pc.replace_substring_regex(pc.utf8_lower(a), r"(^|[^0-9])0([0-9])", r"\1\2")

    # in whole seconds: Arrow's %S prints microseconds too ('15.000000')
    back = pc.strftime(got.filter(suspect).cast(pa.timestamp("s"), safe=False), format=fmt)
    same = pc.equal(canon(back), canon(text)).fill_null(False)
    moved = pc.replace_with_mask(pa.array(np.zeros(len(got), dtype=bool)), suspect, pc.invert(same))
    return pc.if_else(moved, pa.scalar(None, got.type), got)


@dataclass
class _Stamps:
    values: Any  # pandas Series datetime64[us], naive; NaT where unparsed
    aware: Any  # numpy bool: value carried an explicit offset (already UTC)
    notes: list[str]
    offset_min: Any  # numpy float: minutes east of UTC the cell was written in (0 if none)


def _parse_stamps(
    arr: pa.Array,
    *,
    dayfirst: bool | None,
    year: int | None,
    year_range: tuple[dt.date, dt.date] | None,
    epoch: bool,
    check_weekday: bool = True,
) -> tuple[_Stamps, np.ndarray]:
    """Parse unique normalised strings; returns per-row stamps and the missing mask."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = missing_mask(arr)
    s = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), arr)
    encoded = pc.dictionary_encode(s)
    # the text clean-up runs once per distinct value (a daily column has a few hundred)
    clock = _split_clock(_normalise_date_text(encoded.dictionary))
    uniq = clock.text.to_pylist()
    valid_idx = np_mask(pc.is_valid(encoded.indices))
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    u = pd.Series(uniq, dtype=object)
    result = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
    aware = np.zeros(len(u), dtype=bool)
    notes: list[str] = []
    todo = np.ones(len(u), dtype=bool)

    def take(mask: np.ndarray, parsed: pd.Series) -> None:
        nonlocal todo
        got = mask & parsed.notna().to_numpy()
        result[got] = parsed[got]
        todo &= ~got

    # ISO 8601, with or without an explicit offset
    iso = u.str.match(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}|$)").fillna(False).to_numpy(bool)
    if iso.any():
        offset = u.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).fillna(False).to_numpy(bool)
        for with_tz in (True, False):
            m = iso & (offset == with_tz) & todo
            if m.any():
                p = pd.to_datetime(u[m], format="ISO8601", errors="coerce", utc=with_tz)
                if with_tz:
                    p = p.dt.tz_convert("UTC").dt.tz_localize(None)
                p = p.astype("datetime64[us]")
                full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
                full[m] = p
                if with_tz:
                    aware |= m & full.notna().to_numpy()
                take(m, full)
    # Unix epoch seconds / milliseconds (always UTC); Excel serial days
    if epoch and todo.any():
        digits = u.str.fullmatch(r"\d{9,13}(?:\.\d+)?").fillna(False).to_numpy(bool) & todo
        if digits.any():
            nums = pd.to_numeric(u[digits], errors="coerce")
            ms = nums >= 1e11
            secs = nums.where(~ms, nums / 1000.0)
            p = pd.to_datetime(secs, unit="s", errors="coerce").astype("datetime64[us]")
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[digits] = p
            aware |= digits & full.notna().to_numpy()
            take(digits, full)
        serial = u.str.fullmatch(r"[34]\d{4}(?:\.\d+)?").fillna(False).to_numpy(bool) & todo
        if serial.any():
            days = pd.to_numeric(u[serial], errors="coerce")
            p = (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).astype(
                "datetime64[us]"
            )
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[serial] = p
            take(serial, full)
    # fixed formats; the day/month order is one decision for the whole column
    if todo.any():
        uniq_arrow = pa.array(uniq, pa.string())
        df, how = _numeric_order(uniq_arrow.filter(pa.array(todo)), dayfirst)
        if how == "separator" and check_weekday:  # the weekdays written may settle it
            by_weekday = _order_by_weekday(uniq, _weekday_written(encoded.dictionary))
            if by_weekday is not None:
                df, how = by_weekday, "weekdays"
        # Arrow's %Y takes '3' from '3/6/2026': a year-first format needs four digits
        four_digit_year = np_mask(pc.match_substring_regex(uniq_arrow, r"^\d{4}").fill_null(False))
        for fmt in _formats(df):
            m = todo.copy()
            if not m.any():
                break
            if fmt.startswith("%Y"):
                m &= four_digit_year
                if not m.any():
                    continue
            # Arrow's strptime: C speed, and it must consume the whole string
            got = pc.strptime(
                uniq_arrow.filter(pa.array(m)), format=fmt, unit="us", error_is_null=True
            )
            if got.null_count == len(got):
                continue
            with_tz = got.type.tz is not None
            if not with_tz:
                got = _refuse_rollover(uniq_arrow.filter(pa.array(m)), got, fmt)
            if with_tz:
                got = got.cast(pa.timestamp("us"))  # the instants, in UTC
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[m] = got.to_numpy(zero_copy_only=False).astype("datetime64[us]")
            if full[m].notna().any():
                if with_tz:
                    aware |= m & full.notna().to_numpy()
                parsed_here = m & full.notna().to_numpy()
                take(m, full)
                # the note quotes a date of the file whose order it settles; none when no
                # date read this way could be read the other way (13/03/2026, 05/05/2026)
                numeric = fmt.startswith(("%d/", "%d-", "%d.", "%m/", "%m-", "%m."))
                example = (
                    ambiguous_date(uniq, parsed_here)
                    if numeric and how in ("separator", "weekdays")
                    else None
                )
                if example is not None:
                    text, lead = example
                    first = f"day first ({lead} = day)" if df else f"month first ({lead} = month)"
                    why = ": the weekdays written with them say so" if how == "weekdays" else ""
                    notes.append(f"Dates like {text} were read {first}{why}.")
    # dates without a year ('August 31', '8 de marzo')
    if todo.any():
        for fmt in tuple(y + t for y in _YEARLESS for t in _TIMES):
            m = todo.copy()
            if not m.any():
                break
            base_year = year if year is not None else (year_range[0].year if year_range else 2000)
            candidates = u[m].astype(str) + f" {base_year}"
            p = pd.to_datetime(candidates, format=fmt + " %Y", errors="coerce")
            if not p.notna().any():
                continue
            p = p.astype("datetime64[us]")
            if year is None and year_range is not None:
                start = pd.Timestamp(year_range[0])
                p = p.where(p >= start, p + pd.DateOffset(years=1))
            elif year is None:
                # the most recent past: this year, or last year for dates still ahead
                today = pd.Timestamp(dt.datetime.now(dt.UTC).date())
                p = p + pd.DateOffset(years=today.year - base_year)
                p = p.where(p <= today + pd.Timedelta(days=1), p - pd.DateOffset(years=1))
                notes.append(
                    "Dates without a year were taken as the most recent past ones "
                    f"(up to {today:%Y-%m-%d}); pass --year if that is wrong."
                )
            full = pd.Series(pd.NaT, index=u.index, dtype="datetime64[us]")
            full[m] = p.astype("datetime64[us]")
            take(m, full)
    # the offset each aware value was written with ('+02:00' at the end, or a zone name
    # or offset the clock split took out), so that a date can keep the written day
    offset_min = np.zeros(len(u), dtype=float)
    if aware.any():
        # at the end, or before the year (the Twitter API's '+0000 2017')
        found = u[aware].str.extract(r"([+-])(\d{2}):?(\d{2})(?: \d{4})?$")
        sign = np.where(found[0] == "-", -1.0, 1.0)
        minutes = pd.to_numeric(found[1], errors="coerce") * 60 + pd.to_numeric(
            found[2], errors="coerce"
        )
        offset_min[aware] = np.nan_to_num(sign * minutes.to_numpy(dtype=float))
    # a weekday that is not the date's ('Fri 2026-03-05', a Thursday): which of the two
    # is wrong cannot be told, so the cell is invalid (:func:`weekday_clash` says why)
    if check_weekday and len(u):
        written = _weekday_written(encoded.dictionary)
        if (written >= 0).any():
            wall = result + pd.to_timedelta(np.where(aware, offset_min, 0.0), unit="min")
            day = wall.dt.day_of_week.to_numpy(dtype=float, na_value=np.nan)
            clash = (written >= 0) & ~np.isnan(day) & (day != written)
            if clash.any():
                result[clash] = pd.NaT
                aware &= ~clash
    result, zoned = _apply_clock(result, clock)
    offset_min[zoned] = clock.offset_h[zoned] * 60
    aware |= zoned
    # no export writes a year before 1000 ('00000101' is no date); year 0 does not
    # even convert to a Python date (an OverflowError that failed the whole file)
    ancient = (result.dt.year < 1000).to_numpy(dtype=bool, na_value=False)
    if ancient.any():
        result[ancient] = pd.NaT
        aware &= ~ancient
    if len(u):
        rows_vals = result.to_numpy()[indices]
        rows_aware = aware[indices] & valid_idx
        rows_offset = offset_min[indices]
    else:
        rows_vals = np.full(len(indices), np.datetime64("NaT", "us"))
        rows_aware = np.zeros(len(indices), dtype=bool)
        rows_offset = np.zeros(len(indices), dtype=float)
    if not valid_idx.all():
        rows_vals = np.where(valid_idx, rows_vals, np.datetime64("NaT", "us"))
    stamps = _Stamps(pd.Series(rows_vals, dtype="datetime64[us]"), rows_aware, notes, rows_offset)
    return stamps, missing


def parse_timestamps(
    column: Any,
    *,
    timezone: str = "UTC",
    dayfirst: bool | None = None,
    year: int | None = None,
    year_range: tuple[dt.date, dt.date] | None = None,
    epoch: bool = True,
) -> Parsed:
    """Timestamps as naive UTC (``timestamp[us]``).

    Naive values are local times in ``timezone`` and converted to UTC; values
    with an explicit offset ('Z', '+02:00') and Unix epochs are already
    absolute. Dates without a year take ``year``, else the year that puts
    them inside ``year_range``, else the current year (with a note).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    arr = to_string_array(column)
    stamps, missing = _parse_stamps(
        arr, dayfirst=dayfirst, year=year, year_range=year_range, epoch=epoch
    )
    vals = stamps.values
    notes = list(stamps.notes)
    if timezone not in ("UTC", "Etc/UTC", "") and len(vals):
        naive = ~stamps.aware & vals.notna().to_numpy()
        if naive.any():
            local, dst_notes = _local_to_utc(vals[naive], timezone)
            vals = vals.copy()
            vals[naive] = local
            notes += dst_notes
    out = pa.array(vals, type=pa.timestamp("us"), from_pandas=True)
    invalid = ~missing & pd.isna(vals).to_numpy()
    return Parsed(out, np.asarray(invalid, dtype=bool), list(dict.fromkeys(notes)))


def _local_to_utc(wall: Any, timezone: str) -> tuple[Any, list[str]]:
    """Naive wall-clock times in ``timezone`` as naive UTC, across both DST edges.

    A time in the repeated autumn hour is read as its first occurrence
    (summer time): an export that needs the second one has to give the offset.
    A time in the spring gap never showed on a clock; it is read with the
    offset in force just before the gap, which moves it forward by the gap
    (02:30 in Berlin on the spring change is taken as 03:30 summer time).
    """
    import numpy as np

    plain = wall.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    out = plain.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
    edge = out.isna().to_numpy()
    repeated = gap = 0
    if edge.any():
        at_edge = wall[edge]
        first = np.ones(len(at_edge), dtype=bool)
        gap = int(at_edge.dt.tz_localize(timezone, ambiguous=first, nonexistent="NaT").isna().sum())
        repeated = len(at_edge) - gap
        # 'shift_backward' lands on the last instant before the gap: its offset is the old one
        before = at_edge.dt.tz_localize(timezone, ambiguous=first, nonexistent="shift_backward")
        offset = before.dt.tz_localize(None) - before.dt.tz_convert("UTC").dt.tz_localize(None)
        out = out.copy()
        out[edge] = (at_edge - offset).astype("datetime64[us]")
    notes: list[str] = []
    if repeated:
        notes.append(
            f"{repeated} time(s) fell in the hour repeated when clocks went back ({timezone}); "
            "they were read as the first occurrence (summer time). Export with UTC offsets "
            "if some were the second."
        )
    if gap:
        notes.append(
            f"{gap} time(s) did not exist on the clock in {timezone} (spring "
            "change); they were moved forward by the gap, as a clock not yet changed would show."
        )
    return out, notes


def parse_dates(
    column: Any,
    *,
    dayfirst: bool | None = None,
    year: int | None = None,
    year_range: tuple[dt.date, dt.date] | None = None,
    timezone: str | None = None,
) -> Parsed:
    """Calendar dates (``date32``).

    A date in an export is already the platform's local day, so the day written
    is kept ('2026-03-06 23:30 -05:00' is 6 March), unless ``timezone`` is given
    and a value carries an explicit offset (then it is converted to that zone
    before taking the day). Unix epochs are UTC instants: their UTC day.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    arr = to_string_array(column)
    stamps, missing = _parse_stamps(
        arr, dayfirst=dayfirst, year=year, year_range=year_range, epoch=True
    )
    vals = stamps.values
    if len(vals) and stamps.aware.any():
        aware = stamps.aware
        if timezone:
            local = (
                vals[aware]
                .dt.tz_localize("UTC")
                .dt.tz_convert(timezone)
                .dt.tz_localize(None)
                .astype("datetime64[us]")
            )
        else:  # back to the wall clock the cell was written in
            shift = pd.to_timedelta(stamps.offset_min[aware], unit="min")
            local = (vals[aware] + shift).astype("datetime64[us]")
        vals = vals.copy()
        vals[aware] = local
    days = vals.dt.normalize()
    out = pa.array(days, type=pa.timestamp("us"), from_pandas=True).cast(pa.date32())
    invalid = ~missing & pd.isna(vals).to_numpy()
    return Parsed(out, np.asarray(invalid, dtype=bool), list(dict.fromkeys(stamps.notes)))
