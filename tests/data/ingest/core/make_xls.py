"""Regenerate page_export.xls (old binary Excel) for the .xls reading tests.

Needs xlwt, which is not a project dependency: pip install --target /tmp/xlwt xlwt, then
PYTHONPATH=/tmp/xlwt python tests/data/ingest/core/make_xls.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlwt

book = xlwt.Workbook()
sheet = book.add_sheet("Metrics")
sheet.write(0, 0, "Aggregated metrics for the selected date range")
for c, name in enumerate(["Date", "Impressions (organic)", "Clicks (organic)"]):
    sheet.write(1, c, name)
date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
rows = [(datetime(2026, 1, 1), 1200, 3.5), (datetime(2026, 1, 2), 900, None)]
for r, (day, impressions, clicks) in enumerate(rows, start=2):
    sheet.write(r, 0, day, date_style)
    sheet.write(r, 1, impressions)
    if clicks is not None:
        sheet.write(r, 2, clicks)
book.add_sheet("Empty")
book.save(str(Path(__file__).with_name("page_export.xls")))
