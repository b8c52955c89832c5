"""Parsing the pasted State Council notice (国务院办公厅关于20XX年部分节假日安排的通知) and its amendments.

Contract: `parse_notice(text)` is pure (any thread) and returns a `NoticePreview`,
or raises `UsageError` with one sentence naming what is wrong (and the line, for
an item). What it accepts (docs/holidays.md):
- the notice's title is required; the year comes from it alone, the body ends at
  the signature or at a web page's furniture (`core.rules.notice_text`);
- a yearly notice must hold all its items — 元旦, 春节, 清明节, 劳动节, 端午节,
  中秋节, 国庆节 (one item may hold two, e.g. 中秋节、国庆节) — or it is refused
  with the list of the missing ones; an item may run over several lines;
- every weekday the notice writes beside a date (周六, 星期日) must be that
  date's weekday, or the text is refused naming the item and the date;
- an amendment — 国务院办公厅关于调整YYYY年劳动节假期安排的通知 (the item's days
  anew) or 国务院办公厅关于延长YYYY年春节假期的通知 (the item's holiday runs on to
  a later day) — gives a preview of kind 'adjust' or 'extend' for its one item.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list

from core.errors import UsageError
from core.format import name_list
from core.i18n import _, babel_locale, ngettext
from core.rules.notice_text import ITEM_START, Found, clean, find_notice

ONE_DAY = dt.timedelta(days=1)
STANDARD_ITEMS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
BEFORE_2008_ITEMS = ("元旦", "春节", "劳动节", "国庆节")  # 清明, 端午, 中秋 became holidays in 2008
WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_ITEM = re.compile(r"^\s*([一二三四五六七八九十]+)\s*、\s*(.*)$")
_ITEM_INSIDE = re.compile(r"(?<=。)\s*(?=[一二三四五六七八九十]+\s*、[^。:]{1,20}?:)")
_MARK = "\ue000"   # stands for a parenthesis that gave a weekday; `clean` strips it from the paste
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日\s*(?:" + _MARK + r"(\d))?")
_RANGE = {"至", "到", "-", "~", "—", "——", "–"}
_PARENS = re.compile(r"\([^()]*\)")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_MAX_SPAN = 31


def festivals(name: str) -> frozenset[str]:
    """The festivals an item's name holds: 中秋节、国庆节 → {中秋节, 国庆节}."""
    return frozenset(part for part in re.split(r"[、和及与,]", name) if part)


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    kind: str  # 'rest' | 'work'
    name: str  # the notice item's name, e.g. 春节 or 国庆节、中秋节


@dataclass(frozen=True)
class NoticePreview:
    """What a pasted notice says.

    `kind`: 'notice' (the year's notice: `rows` are all its days), 'adjust' (an
    amendment giving the days of `items[0]` anew) or 'extend' (an amendment
    extending the holiday of `items[0]` to `extend_to`; its days depend on what is
    stored, see `core.rules.notice_plan`). `items` are the item names in order.
    """

    year: int
    rows: list[HolidayRow]
    title: str = ""
    kind: str = "notice"
    items: tuple[str, ...] = ()
    extend_to: dt.date | None = None
    number: str = field(default="", compare=False)   # 国办发明电〔2025〕7号, when pasted

    @property
    def is_amendment(self) -> bool:
        return self.kind != "notice"

    def missing_items(self) -> list[str]:
        """The standard items a yearly notice lacks (always [] for an amendment)."""
        if self.is_amendment:
            return []
        held = frozenset().union(*(festivals(name) for name in self.items)) if self.items else frozenset()
        return [n for n in (STANDARD_ITEMS if self.year >= 2008 else BEFORE_2008_ITEMS) if n not in held]

    def describe(self) -> list[str]:
        """Lines for the clerk's preview: what the notice is, then each item's days off and working days."""
        locale = babel_locale()
        if self.kind == "notice":
            lines = [_("State Council holiday arrangements for {year}:").format(year=self.year)]
        else:
            lines = [_("An amendment of the {year} arrangement ({title}):").format(year=self.year,
                                                                                 title=self.title)]
        if self.kind == "extend" and self.extend_to is not None:
            lines.append(_("{name}: the holiday is extended to {date}.").format(
                name=self.items[0], date=format_skeleton("yMMMEd", self.extend_to, locale=locale)))
        for name in dict.fromkeys(r.name for r in self.rows):
            rest = [r.date for r in self.rows if r.name == name and r.kind == "rest"]
            work = [r.date for r in self.rows if r.name == name and r.kind == "work"]
            if rest:
                spans = format_list([self._span(a, b, locale) for a, b in runs(rest)], locale=locale)
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


def runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) pairs."""
    out: list[tuple[dt.date, dt.date]] = []
    for d in sorted(days):
        if out and d - out[-1][1] == ONE_DAY:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def parse_notice(text: str) -> NoticePreview:
    """Parse a pasted notice or amendment (see the module contract)."""
    found = find_notice(clean(text).splitlines())
    number = next((m[0] for _n, line in found.body[:3] if (m := re.search(r"国办\S{0,4}〔\d{4}〕\d+号", line))),
                  "")
    if found.kind == "notice":
        return _yearly(found, number)
    if found.kind == "adjust":
        return _adjust(found, number)
    return _extend(found, number)


def _yearly(found: Found, number: str) -> NoticePreview:
    items = _items(found.body)
    if not items:
        raise UsageError(_("The notice has no items: paste the numbered items too, each on its own line, "
                           "e.g. 一、元旦：1月1日放假，共1天。"))
    kinds: dict[dt.date, tuple[str, str, int]] = {}
    names: list[str] = []
    for line_no, body in items:
        name, rest = _split_item(line_no, body)
        names.append(name)
        for day, kind in _dated(line_no, name, rest, found.year):
            if day in kinds and kinds[day][0] != kind:
                raise UsageError(_("Line {line}: {date} is given both as a day off and as a working day "
                                   "(see line {other}); correct one of them.").format(
                    line=line_no, date=day.isoformat(), other=kinds[day][2]))
            kinds.setdefault(day, (kind, name, line_no))
    rows = [HolidayRow(d, kind, name) for d, (kind, name, _line) in sorted(kinds.items())]
    preview = NoticePreview(found.year, rows, found.title, "notice", tuple(names), None, number)
    missing = preview.missing_items()
    if missing:
        raise UsageError(_("The notice lacks the items {items}; paste the whole notice with all its numbered "
                           "items (nothing was imported).").format(items=name_list(missing)))
    return preview


def _amendment_text(found: Found) -> tuple[int, str]:
    """The amendment's arrangement: the body from the sentence after 如下 on (first line number, text)."""
    text = "".join(line for _n, line in found.body)
    first = found.body[0][0] if found.body else found.title_line
    head, sep, tail = text.partition("如下")
    return first, (tail.lstrip(":：") if sep else text)


def _adjust(found: Found, number: str) -> NoticePreview:
    line, text = _amendment_text(found)
    name = found.item
    rows = [HolidayRow(d, kind, name) for d, kind in sorted(set(_dated(line, name, text, found.year)))]
    if len({r.date for r in rows}) != len(rows):
        raise UsageError(_("Line {line}: a date of {name} is given both as a day off and as a working day; "
                           "correct one of them.").format(line=line, name=name))
    return NoticePreview(found.year, rows, found.title, "adjust", (name,), None, number)


def _extend(found: Found, number: str) -> NoticePreview:
    line, text = _amendment_text(found)
    name = found.item
    m = re.search(r"延长[^。]*?假期至([^。]*)", text)
    if not m:
        raise UsageError(_("Line {line}: the amendment does not say to which day the {name} holiday is "
                           "extended (延长…假期至M月D日).").format(line=line, name=name))
    days = _resolve(line, name, _strip_parens(m[1]), found.year, weekdays_only=True)
    if not days:
        raise UsageError(_("Line {line}: the amendment does not say to which day the {name} holiday is "
                           "extended (延长…假期至M月D日).").format(line=line, name=name))
    return NoticePreview(found.year, [], found.title, "extend", (name,), days[0], number)


def _items(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(first line number, text) of each numbered item; the lines after an item continue it."""
    items: list[tuple[int, str]] = []
    for number, line in body:
        m = _ITEM.match(line)
        if m:
            for part in _ITEM_INSIDE.split(m[2]):
                items.append((number, ITEM_START.sub("", part.strip())))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + line)
    return items


def _split_item(line: int, body: str) -> tuple[str, str]:
    name, colon, rest = body.partition(":")
    name = name.strip()
    if not colon or not name or len(name) > 40:
        raise UsageError(_("Line {line}: the item has no name before '：'; each item reads like "
                           "元旦：1月1日放假，共1天。").format(line=line))
    return name, rest


def _strip_parens(text: str) -> str:
    """Remove parenthesised remarks, innermost first; one that names a weekday leaves a mark with its number."""
    def mark(m: re.Match[str]) -> str:
        w = _WEEKDAY.search(m[0])
        return _MARK + str(WEEKDAYS[w[1]]) if w else ""

    while _PARENS.search(text):
        text = _PARENS.sub(mark, text)
    return text


def _plain(text: str) -> str:
    return re.sub(_MARK + r"\d?", "", text)


def _dated(line: int, name: str, rest: str, year: int) -> list[tuple[dt.date, str]]:
    """The (date, kind) pairs of an item's sentences."""
    rest = _strip_parens(rest)
    out: list[tuple[dt.date, str]] = []
    month: list[int | None] = [None]
    for clause in re.split(r"[。,;:]", rest):
        days = _resolve(line, name, clause, year, month=month)
        if not days:
            continue
        if "上班" in clause:
            kind = "work"
        elif "假" in clause or "休" in clause:
            kind = "rest"
        else:
            raise UsageError(_("Line {line}: the sentence \"{text}\" does not say whether its dates are days "
                               "off (放假) or working days (上班).").format(line=line, text=_plain(clause).strip()))
        out += [(d, kind) for d in days]
    if not out:
        raise UsageError(_("Line {line}: the item {name} has no dates; each item reads like "
                           "元旦：1月1日放假，共1天。").format(line=line, name=name))
    return out


def _resolve(line: int, name: str, clause: str, year: int, *, month: list[int | None] | None = None,
             weekdays_only: bool = False) -> list[dt.date]:
    """The days a clause names (ranges expanded), each stated weekday checked against its date.

    `month` carries the last month written across the clauses of one item.
    """
    month = month if month is not None else [None]
    new_years = "元旦" in name
    tokens = list(_DATE.finditer(clause))
    days: list[dt.date] = []
    previous: dt.date | None = None
    for i, m in enumerate(tokens):
        text = _plain(m[0]).strip()
        if m[2] is None and month[0] is None:
            raise UsageError(_("Line {line}: {text} has no month; write it like 1月1日.").format(
                line=line, text=text))
        month[0] = int(m[2]) if m[2] else month[0]
        between = clause[tokens[i - 1].end():m.start()].strip() if i else ""
        ends_range = previous is not None and between in _RANGE
        if m[1]:
            y = int(m[1])
        elif ends_range and previous is not None:
            y = previous.year + (1 if previous.month == 12 and month[0] == 1 else 0)
        else:
            y = year - 1 if new_years and month[0] == 12 else year
        try:
            day = dt.date(y, month[0] or 0, int(m[3]))
        except ValueError:
            raise UsageError(_("Line {line}: {text} is not a date; check the month and the day.").format(
                line=line, text=text)) from None
        if abs(day.year - year) > 1:
            raise UsageError(_("Line {line}: {date} is not in {year} or next to it; check the year.").format(
                line=line, date=day.isoformat(), year=year))
        if m[4] and int(m[4]) != day.isoweekday():
            locale = babel_locale()
            stated = format_date(dt.date(2024, 1, int(m[4])), "EEEE", locale=locale)  # 2024-01-01 a Monday
            raise UsageError(_("Line {line}: {name}: the notice gives {text} as a {stated}, but {date} is a "
                               "{actual}; check that the title's year belongs to this text.").format(
                line=line, name=name, text=text, stated=stated, date=day.isoformat(),
                actual=format_date(day, "EEEE", locale=locale)))
        if weekdays_only:
            days.append(day)
            continue
        if ends_range and previous is not None:
            span = _plain(clause[tokens[i - 1].start():m.end()])
            if day < previous:
                raise UsageError(_("Line {line}: the range {text} ends before it starts; check its two "
                                   "dates.").format(line=line, text=span))
            if (day - previous).days > _MAX_SPAN:
                raise UsageError(_("Line {line}: the range {text} is longer than a month; check its "
                                   "dates.").format(line=line, text=span))
            days += [previous + ONE_DAY * k for k in range(1, (day - previous).days + 1)]
            previous = None
        else:
            days.append(day)
            previous = day
    return days
