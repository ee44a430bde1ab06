"""Machine output (JSON, JSON Lines, CSV) for every value type a report can hold."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from socialproof.render.tables import json_text, plain, write_table

ROW = {
    "spend": Decimal("12.50"),
    "big": Decimal("1234567.891"),
    "nan_dec": Decimal("NaN"),
    "day": dt.date(2026, 3, 29),
    "at": dt.datetime(2026, 3, 29, 1, 30),
    "took": dt.timedelta(minutes=90),
    "n": np.int64(7),
    "rate": np.float32(0.25),
    "flag": np.bool_(True),
    "missing": float("nan"),
    "inf": float("inf"),
    "nat": pd.NaT,
    "na": pd.NA,
    "stamp": pd.Timestamp("2026-10-25 02:30"),
    "ids": np.array([1, 2]),
    "tags": ["a", Decimal("1.5")],
    "np_at": np.datetime64("2026-03-29T01:30:00.000000000"),
    "np_nat": np.datetime64("NaT"),
    "np_took": np.timedelta64(90, "s"),
}
EXPECTED = {
    "spend": 12.5,
    "big": 1234567.891,
    "nan_dec": None,
    "day": "2026-03-29",
    "at": "2026-03-29T01:30:00",
    "took": 5400.0,
    "n": 7,
    "rate": 0.25,
    "flag": True,
    "missing": None,
    "inf": None,
    "nat": None,
    "na": None,
    "stamp": "2026-10-25T02:30:00",
    "ids": [1, 2],
    "tags": ["a", 1.5],
    "np_at": "2026-03-29T01:30:00.000000",
    "np_nat": None,
    "np_took": 90.0,
}


def test_plain_turns_every_report_value_into_json_types() -> None:
    assert {k: plain(v) for k, v in ROW.items()} == EXPECTED


def test_json_text_of_nested_results() -> None:
    nested = {"summary": {"spend": Decimal("3.10"), "rows": [ROW]}, "when": dt.date(2026, 1, 1)}
    data = json.loads(json_text(nested))
    assert data["summary"]["spend"] == 3.1
    assert data["summary"]["rows"][0] == EXPECTED
    assert data["when"] == "2026-01-01"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_write_table_with_decimals_and_numpy(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    write_table([ROW, {"spend": Decimal("-0.5")}], fmt)
    out = capsys.readouterr().out
    if fmt == "json":
        rows = json.loads(out)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows[0]["spend"] == "12.5" and rows[0]["missing"] == ""
        assert rows[1]["spend"] == "-0.5"  # a plain number is not neutralised
        return
    assert rows[0] == EXPECTED
    assert rows[1]["spend"] == -0.5 and rows[1]["day"] is None
