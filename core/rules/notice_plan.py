"""What importing a parsed notice would change in the stored calendar, and the import itself.

Contract (caller's thread and connection):
- `plan_notice(db, preview)` → `NoticePlan`: each day whose kind or name would
  change (stored → new), and the days an amendment in force holds against the
  notice (`kept`, changed nothing). Reads only.
- `save_notice(db, preview, source, expected=None)` applies the plan in one
  savepoint and returns it; with `expected` (the changes shown to the clerk) it
  refuses when the calendar moved since (nothing is written).

The rules (docs/holidays.md): a yearly notice sets the days of its items and
marks its year known (`holiday_year`); a day the year held for one of its items
that it no longer names becomes an ordinary day again (never deleted); days of
items it does not mention are left alone. Days set by an amendment
(国务院办公厅关于调整/延长YYYY年…的通知, and the shipped 2019 劳动节 and 2020
春节 days, which are the amended ones) are kept when the original notice is
imported again. An amendment changes only its item's days and needs its year
in the calendar; it does not mark a year known. Each written row's `source`
names the notice it came from (its title).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils
from babel.dates import format_skeleton

from core import clock
from core.errors import Refusal
from core.format import name_list
from core.i18n import _, babel_locale
from core.rules.notice import ONE_DAY, NoticePreview, festivals

# the shipped data (resources/holidays) holds these items as amended; its rows name the year's notice only
SHIPPED_AMENDED = {(2019, "劳动节"): "国务院办公厅关于调整2019年劳动节假期安排的通知",
                   (2020, "春节"): "国务院办公厅关于延长2020年春节假期的通知"}
AMENDMENT_SOURCE = re.compile(r"国务院办公厅关于(?:调整|延长)\d{4}年")
SHIPPED_SOURCE = re.compile(r"国务院办公厅通知 (\d{4})")


@dataclass(frozen=True)
class DayChange:
    """One day: as stored (its weekday's ordinary kind and '' when no row says otherwise) → as the notice says."""

    date: dt.date
    old_kind: str
    old_name: str
    new_kind: str
    new_name: str

    def describe(self) -> str:
        return _("{date}: {old} → {new}").format(
            date=format_skeleton("yMMMEd", self.date, locale=babel_locale()),
            old=_day_text(self.old_kind, self.old_name, self.date), new=_day_text(self.new_kind, self.new_name,
                                                                                  self.date))

    def as_json(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "from": f"{self.old_kind} {self.old_name}".strip(),
                "to": f"{self.new_kind} {self.new_name}".strip()}


def _day_text(kind: str, name: str, day: dt.date) -> str:
    ordinary = ordinary_kind(day)
    if kind == ordinary and not name:
        return _("working day") if kind == "work" else _("weekend")
    if kind == "rest":
        return _("rest day {name}").format(name=name).strip()
    return _("make-up workday {name}").format(name=name).strip()


def ordinary_kind(day: dt.date) -> str:
    return "work" if day.weekday() < 5 else "rest"


@dataclass(frozen=True)
class NoticePlan:
    preview: NoticePreview
    changes: tuple[DayChange, ...]
    kept: tuple[DayChange, ...]      # what the notice says on days an amendment in force holds (not applied)
    held: tuple[str, ...]            # the amendments in force whose days are kept

    def describe(self) -> list[str]:
        """The diff for the clerk: each changed day, then the days kept from amendments."""
        if self.changes:
            lines = [_("Days that change ({count}):").format(count=len(self.changes))]
            lines += ["  " + c.describe() for c in self.changes]
        else:
            lines = [_("No day changes: the calendar already holds this arrangement.")]
        if self.kept:
            lines.append(_("Kept as amended by {titles} (the notice says otherwise, nothing changes):").format(
                titles=name_list(self.held)))
            lines += ["  " + c.describe() for c in self.kept]
        return lines


def _scope(db: sqlite_utils.Database, year: int) -> dict[dt.date, tuple[str, str, str]]:
    """The stored rows a notice of `year` speaks for: its year, less December 元旦 days (next year's),
    plus the previous December's 元旦 days."""
    rows = db.execute(
        "SELECT date, kind, name, source FROM holiday WHERE "
        "(date BETWEEN ? AND ? AND NOT (date >= ? AND name LIKE '%元旦%')) "
        "OR (date BETWEEN ? AND ? AND name LIKE '%元旦%')",
        [f"{year}-01-01", f"{year}-12-31", f"{year}-12-01", f"{year - 1}-12-01", f"{year - 1}-12-31"]).fetchall()
    return {dt.date.fromisoformat(d): (kind, name, source) for d, kind, name, source in rows}


def _effective(stored: dict[dt.date, tuple[str, str, str]], day: dt.date) -> tuple[str, str]:
    row = stored.get(day)
    return (row[0], row[1]) if row else (ordinary_kind(day), "")


def _amendment_of(name: str, source: str) -> str | None:
    """The amendment that set a stored row, or None."""
    m = AMENDMENT_SOURCE.search(source)
    if m:
        return source[m.start():].split("（")[0]
    shipped = SHIPPED_SOURCE.fullmatch(source)
    if shipped:
        for fest in festivals(name):
            if (int(shipped[1]), fest) in SHIPPED_AMENDED:
                return SHIPPED_AMENDED[(int(shipped[1]), fest)]
    return None


def plan_notice(db: sqlite_utils.Database, preview: NoticePreview) -> NoticePlan:
    """What importing `preview` would change (see the module contract)."""
    y = preview.year
    stored = _scope(db, y)
    if preview.is_amendment:
        if db.execute("SELECT 1 FROM holiday_year WHERE year = ?", [y]).fetchone() is None:
            raise Refusal(_("The arrangement for {year} is not in the calendar yet; import "
                            "国务院办公厅关于{year}年部分节假日安排的通知 first, then this amendment.").format(year=y))
        target = _extended(preview, stored) if preview.kind == "extend" else {
            r.date: (r.kind, r.name) for r in preview.rows}
        item = festivals(preview.items[0])
        changes = _changes(stored, target, item if preview.kind == "adjust" else frozenset(), frozenset())
        return NoticePlan(preview, tuple(changes), (), ())
    named = frozenset().union(*(festivals(n) for n in preview.items))
    held: dict[str, set[str]] = {}
    for _kind, name, source in stored.values():
        amendment = _amendment_of(name, source)
        if amendment and festivals(name) & named:
            held.setdefault(amendment, set()).update(festivals(name))
    held_festivals = frozenset().union(*held.values()) if held else frozenset()
    target: dict[dt.date, tuple[str, str]] = {}
    kept: list[DayChange] = []
    for r in preview.rows:
        if festivals(r.name) & held_festivals:
            old = _effective(stored, r.date)
            if old != (r.kind, r.name):
                kept.append(DayChange(r.date, *old, r.kind, r.name))
        else:
            target[r.date] = (r.kind, r.name)
    said = {r.date for r in preview.rows}
    for day, (kind, name, _source) in stored.items():
        if day not in said and festivals(name) & held_festivals and kind != ordinary_kind(day):
            kept.append(DayChange(day, kind, name, ordinary_kind(day), ""))
    kept.sort(key=lambda c: c.date)
    changes = _changes(stored, target, named - held_festivals, held_festivals)
    return NoticePlan(preview, tuple(changes), tuple(kept), tuple(sorted(held)))


def _changes(stored: dict[dt.date, tuple[str, str, str]], target: dict[dt.date, tuple[str, str]],
             items: frozenset[str], held: frozenset[str]) -> list[DayChange]:
    """Days set anew by `target`, and stored days of `items` it no longer names made ordinary again."""
    out: dict[dt.date, DayChange] = {}
    for day, new in target.items():
        old = _effective(stored, day)
        if old != new:
            out[day] = DayChange(day, *old, *new)
    for day, (kind, name, _source) in stored.items():
        fest = festivals(name)
        if day in target or not fest & items or fest & held or kind == ordinary_kind(day):
            continue
        out[day] = DayChange(day, kind, name, ordinary_kind(day), "")
    return [out[d] for d in sorted(out)]


def _extended(preview: NoticePreview, stored: dict[dt.date, tuple[str, str, str]]) -> dict[dt.date, tuple[str, str]]:
    """The days an extension sets: rest from the day after the item's stored holiday through `extend_to`."""
    item, end = festivals(preview.items[0]), preview.extend_to
    assert end is not None
    rest = sorted(d for d, (kind, name, _s) in stored.items() if kind == "rest" and festivals(name) & item)
    if not rest:
        raise Refusal(_("The calendar holds no {name} days in {year}; import the year's notice first, then "
                        "this amendment.").format(name=preview.items[0], year=preview.year))
    if end in rest:
        return {}  # the extension is in force already
    last = rest[-1]
    if end < last:
        raise Refusal(_("The {name} holiday in the calendar already runs to {date}; check the amendment.").format(
            name=preview.items[0], date=last.isoformat()))
    if (end - last).days > 31:
        raise Refusal(_("The extension to {date} is more than a month after the {name} holiday; check the "
                        "amendment.").format(date=end.isoformat(), name=preview.items[0]))
    name = stored[last][1]
    return {last + ONE_DAY * k: ("rest", name) for k in range(1, (end - last).days + 1)}


def save_notice(db: sqlite_utils.Database, preview: NoticePreview, source: str,
                expected: tuple[DayChange, ...] | None = None) -> NoticePlan:
    """Apply `preview` (see the module contract); returns the plan that was applied."""
    missing = preview.missing_items()
    if missing:
        raise Refusal(_("The notice lacks the items {items}; paste the whole notice with all its numbered "
                        "items (nothing was imported).").format(items=name_list(missing)))
    row_source = source if not preview.title or preview.title in source else f"{preview.title}（{source}）"
    now = clock.now_utc()
    with db.atomic():
        plan = plan_notice(db, preview)
        if expected is not None and tuple(expected) != plan.changes:
            raise Refusal(_("The calendar changed since the preview; preview the notice again."))
        rows = [{"date": c.date.isoformat(), "kind": c.new_kind, "name": c.new_name, "source": row_source}
                for c in plan.changes]
        # an upsert, not INSERT OR REPLACE: sqlite-utils turns recursive_triggers on, so the
        # REPLACE's implicit delete would fire the "nothing is ever deleted" trigger
        if rows:
            db["holiday"].upsert_all(rows, pk="date")
        if preview.is_amendment:
            (year_source,) = db.execute("SELECT source FROM holiday_year WHERE year = ?", [preview.year]).fetchone()
            if preview.title not in year_source:
                year_source = f"{year_source}；{row_source}"
            db["holiday_year"].update(preview.year, {"source": year_source, "imported_at": now})
        else:
            year_source = "；".join([source, *plan.held])  # the amendments kept in force stay named
            db["holiday_year"].upsert({"year": preview.year, "source": year_source, "imported_at": now}, pk="year")
    return plan
