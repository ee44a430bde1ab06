"""Vectorised parsing of exported values: numbers, dates and timestamps.

Platform exports write numbers the way the exporting user's locale does
("1,234.5", "1.234,5", "1 234,5", "12%", "$1,200", "(123)") and mark missing
values in many ways ("undefined", "--", "—", "N/A", empty). Dates come in a
dozen shapes ("2026/03/08", "08-03-2026", "Thu, Apr 23, 2026", "August 31",
"8 de marzo", epoch milliseconds...).

Every parser takes a whole column (pyarrow array, pandas Series or list of
strings), decides the convention once per column from its values (decimal
comma or point, day-first or month-first), and returns a :class:`Parsed`:
the values (a pyarrow array with nulls for missing cells) and a per-row
``invalid`` mask for cells that were present but could not be read, so the
importer can reject those rows with a reason instead of dropping them.

The parsers live beside this module, which keeps their names in one place:
``parse_base.py`` (:class:`Parsed`, the missing-value markers), ``parse_numbers.py``
(numbers, integers, yes/no) and ``parse_dates.py`` (dates and timestamps).
"""

from __future__ import annotations

from socialproof.ingest.parse_base import (
    MISSING,
    Parsed,
    missing_forms,
    missing_mask,
    to_string_array,
)
from socialproof.ingest.parse_dates import day_first_evidence, parse_dates, parse_timestamps
from socialproof.ingest.parse_numbers import (
    bool_words,
    decimal_convention,
    decimal_votes,
    parse_bools,
    parse_integers,
    parse_numbers,
)

__all__ = [
    "MISSING",
    "Parsed",
    "decimal_convention",
    "day_first_evidence",
    "decimal_votes",
    "missing_forms",
    "missing_mask",
    "bool_words",
    "parse_bools",
    "parse_dates",
    "parse_integers",
    "parse_numbers",
    "parse_timestamps",
    "to_string_array",
]
