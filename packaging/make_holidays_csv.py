"""Write resources/holidays/cn_holidays.csv from the `chinesecalendar` package (run once per release).

    .venv/bin/pip install chinesecalendar && .venv/bin/python packaging/make_holidays_csv.py

The app never imports chinese_calendar: it ships this CSV and imports later years
from the State Council notice text. Columns: date, kind (rest | work), name (the
notice item's name: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, or e.g.
国庆节、中秋节 when one break holds both), source ("国务院办公厅通知 YYYY", the year of
the notice that set the row: 2011-12-31, the make-up day of 2012's 元旦, has 2012).

Rest days are grouped into breaks of consecutive days; a break's name lists its
festivals in the order they occur in it (as the notices do: 2023 "中秋节、国庆节",
2025 "国庆节、中秋节"), and a break belongs to the notice of its last day's year. A
make-up working day takes the name and notice of the nearest break of its festival.
"""
from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from chinese_calendar import Holiday, holidays, workdays

OUT = Path(__file__).resolve().parent.parent / "resources" / "holidays" / "cn_holidays.csv"
FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
FIRST_YEAR, LAST_YEAR = 2004, 2026


def cn_name(holiday: Holiday) -> str:
    return FULL_NAMES.get(holiday.chinese, holiday.chinese)


def breaks() -> list[tuple[list[dt.date], list[Holiday]]]:
    """Runs of consecutive rest days, each with its festivals in order of first day."""
    out: list[tuple[list[dt.date], list[Holiday]]] = []
    for day in sorted(holidays):
        festival = Holiday(holidays[day])
        if out and (day - out[-1][0][-1]).days == 1:
            days, festivals = out[-1]
            days.append(day)
            if festival not in festivals:
                festivals.append(festival)
        else:
            out.append(([day], [festival]))
    return out


def rows() -> list[tuple[str, str, str, str]]:
    result: list[tuple[str, str, str, str]] = []
    all_breaks = breaks()
    for days, festivals in all_breaks:
        name = "、".join(cn_name(f) for f in festivals)
        source = f"国务院办公厅通知 {days[-1].year}"
        result += [(d.isoformat(), "rest", name, source) for d in days]
    for day, value in sorted(workdays.items()):
        festival = Holiday(value)
        candidates = [(min(abs((day - ds[0]).days), abs((day - ds[-1]).days)), ds, fs)
                      for ds, fs in all_breaks if festival in fs]
        _distance, days, festivals = min(candidates, key=lambda c: c[0])
        name = "、".join(cn_name(f) for f in festivals)
        result.append((day.isoformat(), "work", name, f"国务院办公厅通知 {days[-1].year}"))
    result.sort()
    years = {int(r[3][-4:]) for r in result}
    if years != set(range(FIRST_YEAR, LAST_YEAR + 1)):
        sys.exit(f"unexpected notice years: {sorted(years)}")
    return result


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = rows()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["date", "kind", "name", "source"])
        writer.writerows(data)
    print(f"wrote {len(data)} rows to {OUT}")


if __name__ == "__main__":
    main()
