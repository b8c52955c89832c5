"""The holiday calendar: working days, the shipped arrangements and the State Council notice."""
from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from core.db.connection import open_database
from core.errors import UsageError
from core.rules.calendar import (
    SHIPPED_CSV,
    HolidayCalendar,
    HolidayRow,
    install_shipped,
    parse_notice,
    save_notice,
)
from tests._shared.paths import FIXTURES

D = dt.date
NAMES = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节", "中秋节、国庆节",
         "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "x.db")
    yield database
    database.conn.close()


def notice(year: int) -> str:
    return (FIXTURES / f"notice_{year}.txt").read_text(encoding="utf-8")


def shipped_rows() -> list[dict[str, str]]:
    with SHIPPED_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def calendar_of(rows) -> HolidayCalendar:
    return HolidayCalendar({r.date: r.kind for r in rows})


FILLER = {"元旦": "元旦：1月1日放假。", "春节": "春节：2月1日至7日放假。", "清明节": "清明节：4月5日放假。",
          "劳动节": "劳动节：5月1日放假。", "端午节": "端午节：6月1日放假。", "中秋节": "中秋节：9月1日放假。",
          "国庆节": "国庆节：10月1日至7日放假。"}


def complete(year: int, items: str) -> str:
    """A notice of `year` with the given item lines, the other standard items filled with plain days."""
    lines = [f"国务院办公厅关于{year}年部分节假日安排的通知", items]
    lines += [f"八、{text}" for name, text in FILLER.items() if f"{name}：" not in items]
    return "\n".join(lines) + "\n"


def days_of(year: int):
    d = D(year, 1, 1)
    while d.year == year:
        yield d
        d += dt.timedelta(days=1)


# ---------------------------------------------------------------- HolidayCalendar

def test_weekends_rest_unless_a_work_row_and_rest_rows_close_weekdays():
    cal = HolidayCalendar({D(2026, 10, 1): "rest", D(2026, 10, 10): "work"}, [2026])
    assert cal.is_workday(D(2026, 9, 30))          # Wednesday
    assert not cal.is_workday(D(2026, 10, 1))      # Thursday, 国庆节
    assert not cal.is_workday(D(2026, 10, 11))     # Sunday
    assert cal.is_workday(D(2026, 10, 10))         # make-up Saturday
    assert cal.has_year(2026) and not cal.has_year(2027)
    assert cal.years == frozenset({2026})


def test_next_workday_is_on_or_after():
    cal = HolidayCalendar({D(2026, 10, d): "rest" for d in range(1, 8)})
    assert cal.next_workday(D(2026, 9, 30)) == D(2026, 9, 30)
    assert cal.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 3, 7)) == D(2026, 3, 9)


def test_an_empty_calendar_uses_weekends_only():
    cal = HolidayCalendar()
    assert [cal.is_workday(D(2027, 1, d)) for d in range(1, 8)] == [True, False, False, True, True, True, True]
    assert not cal.has_year(2027)


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError):
        HolidayCalendar({D(2026, 1, 1): "holiday"})


# ---------------------------------------------------------------- shipped data

def test_shipped_csv_is_well_formed():
    rows = shipped_rows()
    assert list(rows[0]) == ["date", "kind", "name", "source"]
    years = {int(r["source"][-4:]) for r in rows}
    assert years == set(range(2004, 2027))
    for r in rows:
        day = D.fromisoformat(r["date"])
        assert r["kind"] in ("rest", "work") and r["name"] in NAMES
        assert re.fullmatch(r"国务院办公厅通知 \d{4}", r["source"])
        assert abs(day.year - int(r["source"][-4:])) <= 1
        if r["kind"] == "work":
            assert day.weekday() >= 5
    assert len({r["date"] for r in rows}) == len(rows)
    by_date = {r["date"]: r for r in rows}
    assert by_date["2011-12-31"] == {"date": "2011-12-31", "kind": "work", "name": "元旦",
                                     "source": "国务院办公厅通知 2012"}
    assert by_date["2025-10-06"]["name"] == "国庆节、中秋节"
    assert by_date["2023-09-29"]["name"] == "中秋节、国庆节"
    assert by_date["2024-06-10"]["name"] == "端午节"


def test_shipped_csv_agrees_with_chinese_calendar_every_day():
    cc = pytest.importorskip("chinese_calendar")
    cal = HolidayCalendar({D.fromisoformat(r["date"]): r["kind"] for r in shipped_rows()})
    wrong = [d for y in range(2004, 2027) for d in days_of(y) if cal.is_workday(d) != cc.is_workday(d)]
    assert wrong == []


def test_install_shipped_is_idempotent(db):
    assert install_shipped(db) == list(range(2004, 2027))
    count = db["holiday"].count
    assert count == len(shipped_rows())
    assert install_shipped(db) == []
    assert db["holiday"].count == count
    cal = HolidayCalendar.from_db(db)
    assert cal.years == frozenset(range(2004, 2027))
    assert cal.is_workday(D(2026, 10, 10)) and not cal.is_workday(D(2026, 10, 1))
    assert cal.is_workday(D(2011, 12, 31))
    year = next(db.query("SELECT * FROM holiday_year WHERE year = 2026"))
    assert year["source"] == "国务院办公厅通知 2026" and year["imported_at"]


def test_install_shipped_skips_years_already_imported(db):
    save_notice(db, parse_notice(notice(2026)), "clerk paste")
    installed = install_shipped(db)
    assert 2026 not in installed and 2025 in installed
    assert db["holiday"].get("2026-01-01")["source"] == "国务院办公厅关于2026年部分节假日安排的通知（clerk paste）"
    assert db.execute("SELECT COUNT(*) FROM holiday WHERE date LIKE '2026-%' AND source NOT LIKE '%clerk paste%'"
                      ).fetchone()[0] == 0


# ---------------------------------------------------------------- the notice

@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_notice_fixtures_match_the_shipped_data(year):
    preview = parse_notice(notice(year))
    assert preview.year == year
    assert preview.rows == sorted(preview.rows, key=lambda r: r.date)
    shipped = {r["date"]: r for r in shipped_rows() if r["source"].endswith(str(year))}
    parsed = {r.date.isoformat(): r for r in preview.rows}
    for iso, row in parsed.items():
        assert (shipped[iso]["kind"], shipped[iso]["name"]) == (row.kind, row.name), iso
    for iso in set(shipped) - set(parsed):  # 与周末连休: the weekend days the notice does not list
        assert shipped[iso]["kind"] == "rest" and D.fromisoformat(iso).weekday() >= 5, iso


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_notice_fixtures_match_chinese_calendar(year):
    cc = pytest.importorskip("chinese_calendar")
    cal = calendar_of(parse_notice(notice(year)).rows)
    assert [d for d in days_of(year) if cal.is_workday(d) != cc.is_workday(d)] == []


def test_notice_2026_items():
    rows = {r.date: r for r in parse_notice(notice(2026)).rows}
    assert [d for d, r in rows.items() if r.kind == "work"] == [
        D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]
    assert [d.day for d, r in rows.items() if r.name == "春节" and r.kind == "rest"] == list(range(15, 24))
    assert rows[D(2026, 10, 10)].name == "国庆节" and rows[D(2026, 1, 3)] == HolidayRow(D(2026, 1, 3), "rest", "元旦")


def test_ranges_cross_months_and_years():
    rows = {r.date: r for r in parse_notice(notice(2023)).rows}
    assert rows[D(2022, 12, 31)] == HolidayRow(D(2022, 12, 31), "rest", "元旦")
    assert rows[D(2023, 1, 2)].kind == "rest"
    assert [d for d, r in rows.items() if r.name == "中秋节、国庆节" and r.kind == "rest"] == [
        D(2023, 9, 29) + dt.timedelta(days=k) for k in range(8)]
    feb = parse_notice(notice(2025))
    assert [r.date for r in feb.rows if r.name == "春节" and r.kind == "rest"] == [
        D(2025, 1, 28) + dt.timedelta(days=k) for k in range(8)]


@pytest.mark.parametrize("makeup", ["2011年12月31日（星期六）上班。", "12月31日（星期六）上班。"])
def test_new_years_make_up_day_in_the_previous_year(makeup):
    preview = parse_notice(complete(2012, f"一、元旦：2012年1月1日至3日放假调休，共3天。{makeup}"))
    assert [(r.date, r.kind) for r in preview.rows if r.name == "元旦"] == [
        (D(2011, 12, 31), "work"), (D(2012, 1, 1), "rest"), (D(2012, 1, 2), "rest"), (D(2012, 1, 3), "rest")]
    assert {r.name for r in preview.rows if r.date.month in (1, 12)} == {"元旦"}


def test_new_years_range_from_december_without_years():
    preview = parse_notice(complete(2019, "一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。"))
    assert [(r.date, r.kind) for r in preview.rows if r.name == "元旦"] == [
        (D(2018, 12, 29), "work"), (D(2018, 12, 30), "rest"), (D(2018, 12, 31), "rest"), (D(2019, 1, 1), "rest")]


def test_single_days_several_make_up_days_and_items_on_one_line():
    preview = parse_notice(complete(2024, "现将2024年元旦、春节放假安排通知如下。\n"
                                    "一、元旦：1月1日放假，与周末连休。二、春节：2月10日至17日放假调休，共8天。"
                                    "2月4日（星期日）、18日（星期日）上班。"))
    work = [r.date for r in preview.rows if r.kind == "work"]
    assert work == [D(2024, 2, 4), D(2024, 2, 18)]
    assert HolidayRow(D(2024, 1, 1), "rest", "元旦") in preview.rows
    assert preview.items[:2] == ("元旦", "春节")


def test_an_item_cut_across_lines_continues():
    preview = parse_notice(complete(2026, "七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、\n"
                                          "10月10日（周六）上班。") + "国务院办公厅\n2025年11月4日\n")
    assert [r.date for r in preview.rows if r.kind == "work"] == [D(2026, 9, 20), D(2026, 10, 10)]
    assert len([r for r in preview.rows if r.name == "国庆节"]) == 9


def test_describe_gives_a_line_per_kind_of_each_item():
    lines = parse_notice(notice(2026)).describe()
    assert "2026" in lines[0]
    body = lines[1:]
    assert len(body) == 7 + 4  # seven items off; 元旦, 春节, 劳动节, 国庆节 also have make-up days
    for name in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
        assert any(line.startswith(name) for line in body)
    assert sum("3" in line for line in body if line.startswith("清明节")) == 1


DAMAGED = [
    ("一、元旦：1月1日放假。\n", None, "no notice title"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n经国务院批准，现将安排通知如下。\n", None, "no items"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。\n二、春节：2月30日至3月2日放假。\n", 3,
     "not a date"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n\n一、元旦：1月1日放假。\n二、春节：2月13日至2月6日放假。\n", 4,
     "ends before it starts"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至13月2日放假。\n", 2, "not a date"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日另行通知。\n", 2, "does not say"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦1月1日放假。\n", 2, "no name"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：另行通知。\n", 2, "no dates"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：3日放假。\n", 2, "no month"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、劳动节：5月1日至5日放假。5月2日上班。\n", 2, "both"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节：1月1日至12月31日放假。\n", 2, "longer than a month"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节：2031年2月1日放假。\n", 2, "2027"),
]


@pytest.mark.parametrize(("text", "line", "what"), DAMAGED)
def test_damaged_notices_say_what_is_wrong(text, line, what):
    with pytest.raises(UsageError) as err:
        parse_notice(text)
    message = str(err.value)
    assert what in message
    if line is None:
        assert not message.startswith("Line")
    else:
        assert message.startswith(f"Line {line}: ")


# ---------------------------------------------------------------- saving a notice

def test_save_notice_writes_rows_and_the_year(db):
    preview = parse_notice(notice(2026))
    assert len(save_notice(db, preview, "粘贴").changes) == len(preview.rows) == 39
    assert db["holiday"].get("2026-10-10") == {"date": "2026-10-10", "kind": "work", "name": "国庆节",
                                               "source": "国务院办公厅关于2026年部分节假日安排的通知（粘贴）"}
    assert db["holiday_year"].get(2026)["source"] == "粘贴"
    cal = HolidayCalendar.from_db(db)
    assert cal.has_year(2026) and not cal.has_year(2025)
    assert save_notice(db, preview, "again").changes == ()  # the same days again: nothing changes
    assert db["holiday"].count == 39 and db["holiday_year"].get(2026)["source"] == "again"


def test_reimport_over_shipped_data_keeps_the_adjacent_years_rows(db):
    install_shipped(db)
    before = db["holiday"].count
    save_notice(db, parse_notice(notice(2023)), "paste 2023")
    save_notice(db, parse_notice(notice(2024)), "paste 2024")
    assert db["holiday"].count == before
    # 2023-12-30/31 came from 2024's notice ("与周末连休"); importing 2023 or 2024 leaves them alone
    assert db["holiday"].get("2023-12-30") == {"date": "2023-12-30", "kind": "rest", "name": "元旦",
                                               "source": "国务院办公厅通知 2024"}
    assert db["holiday"].get("2022-12-31")["source"] == "国务院办公厅通知 2023"  # the same day: not rewritten


def test_a_corrected_notice_neutralises_days_it_no_longer_names(db):
    install_shipped(db)
    before = db["holiday"].count
    text = notice(2018).replace("2月15日至21日放假调休，共7天。2月11日（星期日）、2月24日（星期六）上班。",
                                "2月15日至20日放假调休，共6天。2月24日（星期六）上班。")
    plan = save_notice(db, parse_notice(text), "corrected")
    cal = HolidayCalendar.from_db(db)
    assert db["holiday"].count == before  # nothing is ever deleted
    assert cal.is_workday(D(2018, 2, 21))  # a Wednesday of 2018's 春节, no longer a day off
    assert not cal.is_workday(D(2018, 2, 11))  # a Sunday make-up day of 2018's 春节, now a rest day again
    assert db["holiday"].get("2018-02-21")["name"] == ""
    assert [c.date for c in plan.changes] == [D(2018, 2, 11), D(2018, 2, 21)]
    # 2018-12-29 was set by 2019's notice (元旦 2019 make-up day): still a working Saturday
    assert cal.is_workday(D(2018, 12, 29))
    assert db["holiday"].get("2018-12-29")["source"] == "国务院办公厅通知 2019"
    assert not cal.is_workday(D(2018, 12, 31))
