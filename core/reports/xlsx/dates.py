"""Dates in ledgers typed in Chinese offices: cell values, text and Excel serials.

Contract: `register_zh_formats()` teaches openpyxl the zh-CN built-in number
formats (ids 27–36 and 50–58, which Chinese Excel and WPS write without the
format text); call it before loading a workbook, or date cells in those formats
come back as serial numbers. It only extends the read table (BUILTIN_FORMATS),
never the table openpyxl writes by, so exported files keep explicit formats.
Idempotent, thread-safe enough (a dict update of constants).

`cell_date(value)` turns one cell value into a date or None (empty), or raises
ValueError when the value is not a date: datetime/date values, Excel serial
numbers (1900 system), 8-digit 20260308, and the text forms 2026年3月8日,
2026.3.8, 2026/3/8, 2026-03-08 (with or without a time after it), in ASCII or
full-width digits (other scripts' digits are not dates). The window of dates a
clerk may enter (core.dates) is checked by the import, as for any other task.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

# ECMA-376 Part 1, 18.8.30: the formats implied by these ids in the zh-CN locale.
ZH_CN_BUILTIN_FORMATS: dict[int, str] = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # 1900-01-01 .. 9999-12-31
_TEXT = re.compile(r"^\s*([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
                   r"(?:[\sT]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?\s*$")
_COMPACT = re.compile(r"^\s*([0-9]{4})([0-9]{2})([0-9]{2})\s*$")


def register_zh_formats() -> None:
    """Add the zh-CN built-in date formats to openpyxl's read table (see the module contract)."""
    from openpyxl.styles import numbers

    for fmt_id, code in ZH_CN_BUILTIN_FORMATS.items():
        numbers.BUILTIN_FORMATS.setdefault(fmt_id, code)


def from_serial(serial: float) -> dt.date:
    """The date of an Excel serial number (the 1900 date system)."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise ValueError(f"serial {serial} out of range")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def cell_date(value: object) -> dt.date | None:
    """The date a cell holds, None when empty; ValueError when it is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, int) or float(value).is_integer():
            m = _COMPACT.match(str(int(value)))
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
        return from_serial(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits from Chinese input methods
    if not text:
        return None
    m = _TEXT.match(text) or _COMPACT.match(text)
    if not m:
        raise ValueError(f"not a date: {text!r}")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))
