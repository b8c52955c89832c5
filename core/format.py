"""Numbers, percentages and dates as the reader's language writes them: the one place that formats them.

Contract: every function formats in the active language (core.i18n.babel_locale)
through babel, never an f-string, and is the same in the CLI, the printed
documents and the app:
- `percent(rate)`: a rate to one decimal, 96.875% → "96.9%" (docs/design.md §5);
  "—" when nothing is counted (None). `whole_percent(x)`: "95%", a zoom "125%".
- `number(x, pattern=None)`: 1234 → "1,234"; `pattern` is a babel number pattern
  ("#,##0.00" for a score).
- `count(n)`: a count or a row number (序号) as documents write it: no thousands
  separator in Chinese (共2000项, 1990), the language's grouping otherwise.
  `serial(n)`: a row number (序号), never grouped in any language.
- `long_date(d)`: 2026年3月11日 / March 11, 2026 (documents, the bulletin);
  `medium_date(d)`: 2026年3月11日 / Mar 11, 2026 (the ledger, the app's pages);
  `short_date(d)`: 2026/3/11 / 3/11/2026 (the app's narrow cells, never in documents);
  `doc_date(d, year=None)`: the date in printed documents and sheets: the long form
  (2026年3月11日 / March 11, 2026); with `year` (a table cell under a header naming that
  year), without the year (3月11日 / Mar 11) when `d.year == year`, else the medium form
  (2025年3月11日 / Mar 11, 2025), which fits a narrow date column;
- `quarter(year, q)`: 2026年第三季度 (Chinese numerals, as documents write it) / Q3 2026;
  each is cached per date and language (a long ledger formats thousands of them).
- `day_and_weekday(d, this_year)`: 1月6日周三 / Wed, Jan 6 when `d` falls in
  `this_year` (default: core.clock.today()'s), else with the year, 2027年1月6日周三
  (a due in another year never reads as this year's); `date_and_weekday(d)`:
  always with the year (the app's date field shows what it read this way).
- `date_and_time(moment)`: 2026年3月11日 14:05 (a file's time in the app's file dialog).
- `name_list(items)`: names in a sentence or a cell, 太公镇、凤岭镇 in Chinese, "太公镇, 凤岭镇" otherwise;
  `list_separator()`: that separator ("、" / ", ").
- `locale()`: babel's Locale of the active language, parsed once per language
  (parsing a name scans babel's data: ~0.5 ms, too much per table cell).
Pure and thread-safe (the caches are lru_cache).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal, format_percent

from core import clock
from core.i18n import _, babel_locale

RATE_PATTERN = "#,##0.0%"     # rates to one decimal (docs/design.md §5)
WHOLE_PATTERN = "#,##0%"


@functools.lru_cache(maxsize=8)
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def locale() -> Locale:
    """babel's Locale of the active language (parsed once)."""
    return _parsed(babel_locale())


def percent(rate: float | None) -> str:
    """A rate to one decimal (96.9%), or "—" when nothing is counted."""
    return "—" if rate is None else format_percent(rate, RATE_PATTERN, locale=locale())


def whole_percent(value: float) -> str:
    """A share in whole percent (95%)."""
    return format_percent(value, WHOLE_PATTERN, locale=locale())


def number(value: float, pattern: str | None = None) -> str:
    """A number with the language's grouping and decimal signs (1,234; with `pattern`, e.g. 95.75)."""
    return format_decimal(value, pattern, locale=locale())


def count(n: int) -> str:
    """A count (共2000项): no grouping in Chinese documents, the language's grouping otherwise."""
    if babel_locale().startswith("zh"):
        return str(int(n))
    return format_decimal(n, "#,##0", locale=locale())


def serial(n: int) -> str:
    """A row number (序号): plain digits in every language (1990, never 1,990)."""
    return str(int(n))


@functools.lru_cache(maxsize=8192)
def _date(d: dt.date, length: str, name: str) -> str:
    if length == "short":
        return format_skeleton("yMd", d, locale=_parsed(name))
    if length == "day":  # the date without its year: 3月11日 / Mar 11
        return format_skeleton("MMMd", d, locale=_parsed(name))
    if length in ("MMMdE", "yMMMdE"):
        return format_skeleton(length, d, locale=_parsed(name))
    return format_date(d, length, locale=_parsed(name))


def long_date(d: dt.date) -> str:
    """2026年3月11日 (March 11, 2026 in English)."""
    return _date(d, "long", babel_locale())


def medium_date(d: dt.date) -> str:
    """2026年3月11日 (Mar 11, 2026 in English)."""
    return _date(d, "medium", babel_locale())


def short_date(d: dt.date) -> str:
    """2026/3/11 (3/11/2026 in English)."""
    return _date(d, "short", babel_locale())


def doc_date(d: dt.date, year: int | None = None) -> str:
    """A date in a printed document or sheet: 2026年3月11日; in a cell under `year`: 3月11日, or 2025年3月11日."""
    if year is None:
        return _date(d, "long", babel_locale())
    # a table cell: the year only when it is not the header's, in the medium form, which fits the
    # narrow date columns in English (Nov 23, 2025; "November 23, 2025" overflows); Chinese has one form
    return _date(d, "day" if year == d.year else "medium", babel_locale())


_CN_DIGITS = "〇一二三四"


def quarter(year: int, q: int) -> str:
    """A quarter as documents name it: 2026年第三季度 (Chinese), Q3 2026 (English)."""
    if babel_locale().startswith("zh"):
        return f"{year}年第{_CN_DIGITS[q]}季度"
    return format_skeleton("yQQQ", dt.date(year, 3 * q - 2, 1), locale=locale())


def list_separator() -> str:
    """'、' between names in Chinese (the enumeration comma), ', ' in English: the catalog's ", "."""
    return _(", ")


def name_list(items: Iterable[str]) -> str:
    """Names joined as the language lists them: 太公镇、凤岭镇 / 太公镇, 凤岭镇."""
    return list_separator().join(items)


def day_and_weekday(d: dt.date, this_year: int | None = None) -> str:
    """1月6日周三 in `this_year` (default: today's year), else 2027年1月6日周三."""
    year = clock.today().year if this_year is None else this_year
    return _date(d, "MMMdE" if d.year == year else "yMMMdE", babel_locale())


def date_and_weekday(d: dt.date) -> str:
    """2026年12月4日周五 (Fri, Dec 4, 2026 in English): the year always."""
    return _date(d, "yMMMdE", babel_locale())


def date_and_time(moment: dt.datetime) -> str:
    """2026年3月11日 14:05 (Mar 11, 2026 14:05): medium_date and the time to the minute."""
    return medium_date(moment.date()) + " " + format_time(moment, "HH:mm", locale=locale())
