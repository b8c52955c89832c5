"""The demo's meetings and tasks, planned in memory from a seeded random generator.

Contract: `plan_meetings(...)` and `plan_tasks(...)` are pure: the same generator
state, directory and dates give the same meetings and tasks in the same order.
Weekly meetings fall on Sundays, none on a Sunday that the holiday calendar
marks as a rest day (春节, 国庆…); a few tasks come from leaders' instructions
(批示) on working days between meetings. Nothing is dated after `today`.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from core.demo import names
from core.rules.calendar import HolidayCalendar

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DemoMeeting:
    date: dt.date
    title: str


@dataclass(frozen=True)
class DemoTask:
    assigned_on: dt.date
    title: str
    content: str
    category: str
    source: str
    meeting: int | None          # index into the planned meetings
    lead: str                    # unit codes
    co: tuple[str, ...]
    leader: str                  # leader name
    cancel_on: dt.date | None    # the hub withdraws the task that day


@dataclass(frozen=True)
class County:
    """The directory as the planner sees it."""

    unit_names: dict[str, str]               # code → name
    leaders_of: dict[str, tuple[str, ...]]   # unit code → names of the leaders in charge

    @property
    def departments(self) -> list[str]:
        return [code for code, _n, _t in names.DEPARTMENTS]


def plan_meetings(today: dt.date, years: int, cal: HolidayCalendar) -> list[DemoMeeting]:
    """Weekly meetings on the Sundays of the `years` years ending at `today` (holidays skipped)."""
    last = today - DAY * ((today.weekday() + 1) % 7)  # the latest Sunday on or before today
    try:
        start = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - years, day=28)
    day = last
    sundays: list[dt.date] = []
    while day > start:
        if not _in_holidays(cal, day):
            sundays.append(day)
        day -= 7 * DAY
    sundays.reverse()
    meetings: list[DemoMeeting] = []
    number: dict[int, int] = {}
    for d in sundays:
        number[d.year] = number.get(d.year, 0) + 1
        meetings.append(DemoMeeting(d, f"{d.year}年第{number[d.year]}次周例会"))
    return meetings


def _in_holidays(cal: HolidayCalendar, sunday: dt.date) -> bool:
    """Whether the Sunday lies in a long holiday (春节, 国庆, 五一): two rest weekdays next to it.

    A Sunday that is a make-up working day (调休) keeps its meeting.
    """
    if cal.is_workday(sunday):
        return False
    after = not cal.is_workday(sunday + DAY) and not cal.is_workday(sunday + 2 * DAY)
    before = not cal.is_workday(sunday - 2 * DAY) and not cal.is_workday(sunday - 3 * DAY)
    return after or before


def plan_tasks(rng: random.Random, county: County, meetings: list[DemoMeeting], today: dt.date) -> list[DemoTask]:
    """10–30 tasks per meeting, a few instruction tasks between meetings, in assignment-date order."""
    out: list[DemoTask] = []
    for index, meeting in enumerate(meetings):
        for _ in range(rng.randint(10, 30)):
            out.append(_task(rng, county, meeting.date, meeting.title, index))
        if rng.random() < 0.3:
            day = meeting.date + DAY * rng.randint(1, 5)
            if day <= today:
                out.append(_task(rng, county, day, "", None))
    for back in (0, 1, 2, 2, 2, 3):  # leaders' instructions of this week, still being worked on
        day = today - DAY * back
        while day.weekday() >= 5:
            day -= DAY
        out.append(_task(rng, county, day, "", None))
    out.sort(key=lambda t: t.assigned_on)
    return out


def _task(rng: random.Random, county: County, day: dt.date, meeting_title: str,
          meeting: int | None) -> DemoTask:
    departments = county.departments
    roll = rng.random()
    co: list[str] = []
    if meeting is None:  # a leader's instruction on a department's work
        lead = rng.choice(departments)
        topic = rng.choice(_topics(lead))
        title = rng.choice(names.INSTRUCTION_TEMPLATES).format(topic=topic)
    elif roll < 0.55:
        lead = rng.choice(departments)
        title = rng.choice(names.TOPIC_TEMPLATES).format(topic=rng.choice(_topics(lead)))
    elif roll < 0.8:
        lead, tname, villages = rng.choice(names.TOWNSHIPS)
        issue, helper = rng.choice(names.ISSUES)
        title = names.ISSUE_TEMPLATE.format(place=tname + rng.choice(villages), issue=issue)
        if rng.random() < 0.7:
            co.append(helper)
    else:
        lead, tname, _villages = rng.choice(names.TOWNSHIPS)
        topic, helper = rng.choice(names.TOWNSHIP_TOPICS)
        title = rng.choice(names.TOPIC_TEMPLATES).format(topic=tname + topic)
        if rng.random() < 0.6:
            co.append(helper)
    wanted = rng.choices((0, 1, 2), weights=(30, 40, 30))[0]
    pool = list(county.unit_names)
    while len(co) < wanted:
        other = rng.choice(departments) if rng.random() < 0.7 else rng.choice(pool)
        if other != lead and other not in co:
            co.append(other)
    major = rng.random() < (0.5 if meeting is None else 0.15)
    in_charge = county.leaders_of.get(co[0] if co and rng.random() < 0.15 else lead) or county.leaders_of[lead]
    source = meeting_title or "县领导批示"
    co_text = "，" + "、".join(county.unit_names[c] for c in co) + "配合" if co else ""
    content = names.CONTENT_TEMPLATE.format(source=source, title=title, lead=county.unit_names[lead], co=co_text)
    cancel_on = day + DAY * rng.randint(1, 12) if rng.random() < 0.012 else None
    return DemoTask(day, title, content, "major" if major else "general",
                    "meeting" if meeting is not None else "instruction", meeting, lead, tuple(co),
                    rng.choice(in_charge), cancel_on)


def _topics(code: str) -> tuple[str, ...]:
    for c, _name, topics in names.DEPARTMENTS:
        if c == code:
            return topics
    raise KeyError(code)
