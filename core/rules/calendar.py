"""The holiday calendar: which days are working days (docs/design.md §3).

Tables: `holiday(date, kind 'rest'|'work', name, source)` — a `rest` row makes a
weekday a day off, a `work` row makes a weekend day a make-up working day (调休) —
and `holiday_year(year, source, imported_at)`, the years whose State Council
arrangement is known. The app ships 2004–2026 (`SHIPPED_CSV`, made by
packaging/make_holidays_csv.py) and imports later years from the pasted notice
text: `parse_notice` (core.rules.notice) → the preview and the days it would change
(`plan_notice`, core.rules.notice_plan) shown to the clerk → `save_notice`.

`HolidayCalendar` is an immutable in-memory snapshot (build it once per batch
with `from_db`, one query) and is safe to share between threads. Nothing is ever
deleted from `holiday`: a re-imported year overwrites its rows by date. The
notice's names are re-exported here for the callers that know only this module.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlite_utils

from core import clock
from core.paths import RESOURCES_DIR
from core.rules.notice import HolidayRow, NoticePreview, parse_notice
from core.rules.notice_plan import DayChange, NoticePlan, plan_notice, save_notice

__all__ = ["SHIPPED_CSV", "DayChange", "HolidayCalendar", "HolidayRow", "NoticePlan", "NoticePreview",
           "install_shipped", "parse_notice", "plan_notice", "save_notice"]

SHIPPED_CSV = RESOURCES_DIR / "holidays" / "cn_holidays.csv"
ONE_DAY = dt.timedelta(days=1)
KINDS = ("rest", "work")


class HolidayCalendar:
    """Working days from weekends plus holiday rows; immutable, hashable by identity."""

    __slots__ = ("_work", "_years")

    def __init__(self, kinds: Mapping[dt.date, str] | None = None, years: Iterable[int] = ()) -> None:
        """`kinds`: date → 'rest' | 'work'; `years`: the years whose arrangement is known."""
        work: dict[dt.date, bool] = {}
        for day, kind in (kinds or {}).items():
            if kind not in KINDS:
                raise ValueError(f"holiday kind must be 'rest' or 'work', not {kind!r} ({day})")
            work[day] = kind == "work"
        self._work = work
        self._years = frozenset(years)

    @classmethod
    def from_db(cls, db: sqlite_utils.Database) -> HolidayCalendar:
        """The calendar held by `db` (tables holiday and holiday_year), read in one query."""
        return cls.from_rows(db.execute(
            "SELECT date, kind FROM holiday UNION ALL SELECT year, NULL FROM holiday_year"))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[object, object]]) -> HolidayCalendar:
        """The calendar of rows (date, kind) of `holiday` and (year, None) of `holiday_year`."""
        kinds: dict[dt.date, str] = {}
        years: list[int] = []
        for key, kind in rows:
            if kind is None:
                years.append(int(key))
            else:
                kinds[dt.date.fromisoformat(str(key))] = str(kind)
        return cls(kinds, years)

    @property
    def years(self) -> frozenset[int]:
        return self._years

    def is_workday(self, d: dt.date) -> bool:
        """Monday–Friday unless a 'rest' row; Saturday and Sunday only with a 'work' row."""
        work = self._work.get(d)
        return d.weekday() < 5 if work is None else work

    def has_year(self, year: int) -> bool:
        """Whether the State Council arrangement for `year` is known (imported or shipped)."""
        return year in self._years

    def next_workday(self, d: dt.date) -> dt.date:
        """The first working day on or after `d` (`d` itself when it is a working day)."""
        while not self.is_workday(d):
            d += ONE_DAY
        return d


def install_shipped(db: sqlite_utils.Database, csv_path: Path = SHIPPED_CSV) -> list[int]:
    """Load the shipped arrangements for the years `holiday_year` does not hold yet.

    Idempotent (INSERT OR IGNORE; a row a clerk imported is never overwritten).
    Returns the years installed, sorted.
    """
    present = {int(r[0]) for r in db.execute("SELECT year FROM holiday_year")}
    by_year: dict[int, list[dict[str, str]]] = {}
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            year = int(row["source"][-4:])  # "国务院办公厅通知 2026": the notice that set the row
            if year not in present:
                by_year.setdefault(year, []).append(row)
    if not by_year:
        return []
    now = clock.now_utc()
    with db.atomic():
        for year, rows in sorted(by_year.items()):
            db["holiday"].insert_all(rows, pk="date", ignore=True)
            db["holiday_year"].insert({"year": year, "source": rows[0]["source"], "imported_at": now},
                                      pk="year", ignore=True)
    return sorted(by_year)
