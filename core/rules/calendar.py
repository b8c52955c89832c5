"""The holiday calendar: which days are working days (DESIGN.md §3).

Tables: `holiday(date, kind 'rest'|'work', name, source)` — a `rest` row makes a
weekday a day off, a `work` row makes a weekend day a make-up working day (调休) —
and `holiday_year(year, source, imported_at)`, the years whose State Council
arrangement is known. The app ships 2004–2026 (`SHIPPED_CSV`, made by
packaging/make_holidays_csv.py) and imports later years from the pasted notice
text: `parse_notice` → preview shown to the clerk → `save_notice`.

`HolidayCalendar` is an immutable in-memory snapshot (build it once per batch
with `from_db`, one query) and is safe to share between threads. Nothing is ever
deleted from `holiday`: a re-imported year overwrites its rows by date.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from babel.dates import format_interval, format_skeleton
from babel.lists import format_list

from core import clock
from core.errors import UsageError
from core.i18n import _, babel_locale, ngettext

SHIPPED_CSV = Path(__file__).resolve().parent.parent.parent / "resources" / "holidays" / "cn_holidays.csv"
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
        kinds: dict[dt.date, str] = {}
        years: list[int] = []
        for key, kind in db.execute(
                "SELECT date, kind FROM holiday UNION ALL SELECT year, NULL FROM holiday_year"):
            if kind is None:
                years.append(int(key))
            else:
                kinds[dt.date.fromisoformat(key)] = kind
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


# ---------------------------------------------------------------- the State Council notice

@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    kind: str  # 'rest' | 'work'
    name: str  # the notice item's name, e.g. 春节 or 国庆节、中秋节


@dataclass(frozen=True)
class NoticePreview:
    """What a pasted notice says: its year and its rows, sorted by date."""

    year: int
    rows: list[HolidayRow]

    def describe(self) -> list[str]:
        """Lines for the clerk's preview: the year, then each item's days off and working days."""
        locale = babel_locale()
        lines = [_("State Council holiday arrangements for {year}:").format(year=self.year)]
        names = list(dict.fromkeys(r.name for r in self.rows))
        for name in names:
            rest = [r.date for r in self.rows if r.name == name and r.kind == "rest"]
            work = [r.date for r in self.rows if r.name == name and r.kind == "work"]
            if rest:
                spans = format_list([self._span(a, b, locale) for a, b in _runs(rest)], locale=locale)
                lines.append(ngettext("{name}: {count} day off, {dates}.", "{name}: {count} days off, {dates}.",
                                      len(rest)).format(name=name, count=len(rest), dates=spans))
            if work:
                days = format_list([format_skeleton("MMMEd" if d.year == self.year else "yMMMEd", d,
                                                    locale=locale) for d in work], locale=locale)
                lines.append(ngettext("{name}: make-up working day {dates}.",
                                      "{name}: make-up working days {dates}.", len(work)).format(
                    name=name, dates=days))
        return lines

    def _span(self, a: dt.date, b: dt.date, locale: str) -> str:
        skeleton = "MMMd" if a.year == b.year == self.year else "yMMMd"
        if a == b:
            return format_skeleton(skeleton, a, locale=locale)
        return format_interval(a, b, skeleton, locale=locale)


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for d in sorted(days):
        if runs and d - runs[-1][1] == ONE_DAY:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


_YEAR = (re.compile(r"关于\s*(\d{4})\s*年[^\n]{0,12}?节假日"), re.compile(r"(\d{4})\s*年部分节假日"),
         re.compile(r"现将\s*(\d{4})\s*年"))
_ITEM = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、\s*(.*)$")
_ITEM_INSIDE = re.compile(r"(?<=。)\s*(?=[一二三四五六七八九十]+\s*、[^。:]{1,20}?:)")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_RANGE = {"至", "到", "-", "~", "—", "——", "–"}
_PARENS = re.compile(r"\([^()]*\)")
_MAX_SPAN = 31


def parse_notice(text: str) -> NoticePreview:
    """Parse the pasted text of 国务院办公厅关于20XX年部分节假日安排的通知.

    Each item (一、… 七、) reads like "元旦：1月1日（周四）至3日（周六）放假调休，共3天。
    1月4日（周日）上班。". Raises `UsageError` naming the line for a text with no
    year, no items, an impossible date, a range that ends before it starts, or a
    sentence with dates that says neither 放假/休 nor 上班.
    """
    text = unicodedata.normalize("NFKC", text or "")
    year = next((int(m[1]) for pattern in _YEAR if (m := pattern.search(text))), None)
    if year is None:
        raise UsageError(_("The notice has no year: paste the whole notice with its title, e.g. "
                           "国务院办公厅关于2027年部分节假日安排的通知."))
    items = _items(text.splitlines())
    if not items:
        raise UsageError(_("The notice has no items: paste the numbered items too, each on its own line, "
                           "e.g. 一、元旦：1月1日放假，共1天。"))
    kinds: dict[dt.date, tuple[str, str, int]] = {}
    for line_no, body in items:
        name, dated = _parse_item(line_no, body, year)
        for day, kind in dated:
            if day in kinds and kinds[day][0] != kind:
                raise UsageError(_("Line {line}: {date} is given both as a day off and as a working day "
                                   "(see line {other}); correct one of them.").format(
                    line=line_no, date=day.isoformat(), other=kinds[day][2]))
            kinds.setdefault(day, (kind, name, line_no))
    rows = [HolidayRow(d, kind, name) for d, (kind, name, _line) in sorted(kinds.items())]
    return NoticePreview(year, rows)


def _items(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of each numbered item; a line cut mid-sentence continues on the next."""
    items: list[tuple[int, str]] = []
    open_item = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        m = _ITEM.match(stripped)
        if m:
            for part in _ITEM_INSIDE.split(m[2]):
                items.append((number, re.sub(r"^[一二三四五六七八九十]+\s*、\s*", "", part.strip())))
            open_item = not stripped.endswith("。")
        elif stripped and open_item:
            items[-1] = (items[-1][0], items[-1][1] + stripped)
            open_item = not stripped.endswith("。")
        else:
            open_item = False
    return items


def _parse_item(line: int, body: str, year: int) -> tuple[str, list[tuple[dt.date, str]]]:
    name, colon, rest = body.partition(":")
    name = name.strip()
    if not colon or not name or len(name) > 40:
        raise UsageError(_("Line {line}: the item has no name before '：'; each item reads like "
                           "元旦：1月1日放假，共1天。").format(line=line))
    while _PARENS.search(rest):
        rest = _PARENS.sub("", rest)
    new_years = "元旦" in name
    out: list[tuple[dt.date, str]] = []
    month: int | None = None
    for clause in re.split(r"[。,;]", rest):
        tokens = list(_DATE.finditer(clause))
        if not tokens:
            continue
        days: list[dt.date] = []
        previous: dt.date | None = None
        for i, m in enumerate(tokens):
            if m[2] is None and month is None:
                raise UsageError(_("Line {line}: {text} has no month; write it like 1月1日.").format(
                    line=line, text=m[0]))
            month = int(m[2]) if m[2] else month
            between = clause[tokens[i - 1].end():m.start()].strip() if i else ""
            ends_range = previous is not None and between in _RANGE
            if m[1]:
                y = int(m[1])
            elif ends_range and previous is not None:
                y = previous.year + (1 if previous.month == 12 and month == 1 else 0)
            else:
                y = year - 1 if new_years and month == 12 else year
            try:
                day = dt.date(y, month or 0, int(m[3]))
            except ValueError:
                raise UsageError(_("Line {line}: {text} is not a date; check the month and the day.").format(
                    line=line, text=m[0])) from None
            if abs(day.year - year) > 1:
                raise UsageError(_("Line {line}: {date} is not in {year} or next to it; check the year.").format(
                    line=line, date=day.isoformat(), year=year))
            if ends_range and previous is not None:
                if day < previous:
                    raise UsageError(_("Line {line}: the range {text} ends before it starts; check its two "
                                       "dates.").format(line=line, text=clause[tokens[i - 1].start():m.end()]))
                if (day - previous).days > _MAX_SPAN:
                    raise UsageError(_("Line {line}: the range {text} is longer than a month; check its "
                                       "dates.").format(line=line, text=clause[tokens[i - 1].start():m.end()]))
                days += [previous + ONE_DAY * k for k in range(1, (day - previous).days + 1)]
                previous = None
            else:
                days.append(day)
                previous = day
        if "上班" in clause:
            kind = "work"
        elif "假" in clause or "休" in clause:
            kind = "rest"
        else:
            raise UsageError(_("Line {line}: the sentence \"{text}\" does not say whether its dates are days "
                               "off (放假) or working days (上班).").format(line=line, text=clause.strip()))
        out += [(d, kind) for d in days]
    if not out:
        raise UsageError(_("Line {line}: the item {name} has no dates; each item reads like "
                           "元旦：1月1日放假，共1天。").format(line=line, name=name))
    return name, out


def save_notice(db: sqlite_utils.Database, preview: NoticePreview, source: str) -> int:
    """Write the notice's rows (an upsert by date) and mark its year as known.

    A row this notice's year held before (from the shipped data or an earlier
    import) that the notice no longer names is neutralised, not deleted: its kind
    becomes the weekday's ordinary one and its name ''. Rows of the adjacent years
    that their own notices set (December 元旦 days of the next year's notice) are
    left alone. Returns the number of rows written (notice rows + neutralised ones).
    """
    y = preview.year
    now = clock.now_utc()
    named = {r.date for r in preview.rows}
    with db.atomic():
        earlier = db.execute(
            "SELECT date, kind FROM holiday WHERE "
            "(date BETWEEN ? AND ? AND NOT (date >= ? AND name LIKE '%元旦%')) "
            "OR (date BETWEEN ? AND ? AND name LIKE '%元旦%')",
            [f"{y}-01-01", f"{y}-12-31", f"{y}-12-01", f"{y - 1}-12-01", f"{y - 1}-12-31"]).fetchall()
        stale = []
        for iso_day, kind in earlier:
            day = dt.date.fromisoformat(iso_day)
            ordinary = "work" if day.weekday() < 5 else "rest"
            if day not in named and kind != ordinary:
                stale.append({"date": iso_day, "kind": ordinary, "name": "", "source": source})
        rows = [{"date": r.date.isoformat(), "kind": r.kind, "name": r.name, "source": source}
                for r in preview.rows]
        # an upsert, not INSERT OR REPLACE: sqlite-utils turns recursive_triggers on, so the
        # REPLACE's implicit delete would fire the "nothing is ever deleted" trigger
        db["holiday"].upsert_all(rows + stale, pk="date")
        db["holiday_year"].upsert({"year": y, "source": source, "imported_at": now}, pk="year")
    return len(rows) + len(stale)
