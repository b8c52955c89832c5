"""Holiday notices as clerks paste them (issue 10): every paste either imports the right days or is refused."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from core.db.connection import open_database
from core.errors import Refusal, UsageError
from core.rules.calendar import HolidayCalendar, install_shipped, parse_notice, plan_notice, save_notice
from tests._shared.paths import FIXTURES

D = dt.date
MAKE_UP_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]


def notice(name: object) -> str:
    return (FIXTURES / f"notice_{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "x.db")
    yield database
    database.conn.close()


def days_of(*years: int):
    for year in years:
        d = D(year, 1, 1)
        while d.year == year:
            yield d
            d += dt.timedelta(days=1)


def cli_notice(cli, tmp_path: Path, text: str, *args: str, **kwargs):
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    return cli("calendar", "import-notice", str(path), *args, **kwargs)


def holiday(path: Path, day: str) -> tuple[str, str] | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT kind, name FROM holiday WHERE date = ?", [day]).fetchone()
    finally:
        conn.close()
    return row


# ----- line breaks, the title, the page around the notice ------------------------------------------

def test_a_make_up_sentence_on_a_line_of_its_own_still_counts():
    text = notice(2025).replace("共8天。", "共8天。\n").replace("共5天。", "共5天。\n")
    parsed = parse_notice(text)
    assert [r.date for r in parsed.rows if r.kind == "work"] == MAKE_UP_2025
    assert parsed.rows == parse_notice(notice(2025)).rows


def test_every_item_broken_after_each_sentence_parses_the_same():
    text = notice(2026).replace("。", "。\n")
    assert parse_notice(text).rows == parse_notice(notice(2026)).rows


def test_a_body_without_its_title_is_refused():
    body = notice(2026).split("\n", 1)[1] + "相关链接\n国务院办公厅关于2025年部分节假日安排的通知的解读\n"
    with pytest.raises(UsageError, match="has no notice title; paste the whole notice including its title"):
        parse_notice(body)


def test_the_year_comes_from_the_title_not_from_the_links_around_it():
    page = ("首页 > 政策 > 最新\n上一篇：国务院办公厅关于2025年部分节假日安排的通知\n"
            + notice(2026)
            + "【打印】【关闭】\n扫一扫在手机打开当前页\n相关链接：\n国务院办公厅关于2025年部分节假日安排的通知\n"
              "下一篇：教育部关于2025年寒假的通知\n")
    parsed = parse_notice(page)
    assert parsed.year == 2026 and parsed.rows == parse_notice(notice(2026)).rows


def test_a_stated_weekday_that_is_not_the_dates_weekday_is_refused():
    wrong_title = notice(2026).replace("关于2026年", "关于2025年")
    with pytest.raises(UsageError) as err:
        parse_notice(wrong_title)
    assert str(err.value) == ("Line 6: 元旦: the notice gives 1月1日 as a Thursday, but 2025-01-01 is a Wednesday; "
                              "check that the title's year belongs to this text.")
    typo = notice(2025).replace("4月27日（周日）上班", "4月28日（周日）上班")
    with pytest.raises(UsageError, match="劳动节: the notice gives 4月28日 as a Sunday, but 2025-04-28 is a Monday"):
        parse_notice(typo)


def test_a_second_notice_in_the_text_is_refused():
    with pytest.raises(UsageError, match="more than one notice"):
        parse_notice(notice(2026).replace("节假日期间", "国务院办公厅关于2025年部分节假日安排的通知\n节假日期间"))


# ----- all the items, or nothing ----------------------------------------------------------------------

def test_two_items_of_seven_are_refused_and_change_nothing(cli, hub_db, tmp_path, state):
    two = "\n".join(notice(2026).splitlines()[:7]) + "\n"
    with pytest.raises(UsageError) as err:
        parse_notice(two)
    assert "lacks the items 清明节, 劳动节, 端午节, 中秋节, 国庆节" in str(err.value)
    before = state(hub_db)
    r = cli_notice(cli, tmp_path, two, "--yes")
    assert r.code == 2 and "lacks the items" in r.err
    assert state(hub_db) == before
    assert holiday(hub_db, "2026-10-01") == ("rest", "国庆节")


def test_one_item_never_marks_a_year_imported(db):
    one = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
    with pytest.raises(UsageError, match="lacks the items 春节"):
        parse_notice(one)
    assert not HolidayCalendar.from_db(db).has_year(2027)


@pytest.mark.parametrize("year", [2017, 2020, 2023, 2025])
def test_combined_mid_autumn_and_national_day_items_count_as_both(year):
    parsed = parse_notice(notice(year))
    assert parsed.missing_items() == [] and any("、" in name for name in parsed.items)


def test_a_school_winter_vacation_notice_is_refused():
    school = ("示例县第一中学关于2027年寒假放假安排的通知\n各班级：\n"
              "一、放假时间：1月15日至2月20日放假，共37天。\n二、开学时间：2月21日（周日）上班。\n")
    with pytest.raises(UsageError, match="is not a State Council holiday notice"):
        parse_notice(school)


# ----- amendments ---------------------------------------------------------------------------------

def test_both_amendments_parse():
    labour = parse_notice(notice("2019_labour_day"))
    assert (labour.kind, labour.year, labour.items) == ("adjust", 2019, ("劳动节",))
    assert [(r.date, r.kind) for r in labour.rows] == [
        (D(2019, 4, 28), "work"), (D(2019, 5, 1), "rest"), (D(2019, 5, 2), "rest"), (D(2019, 5, 3), "rest"),
        (D(2019, 5, 4), "rest"), (D(2019, 5, 5), "work")]
    spring = parse_notice(notice("2020_spring_festival"))
    assert (spring.kind, spring.year, spring.items, spring.extend_to) == ("extend", 2020, ("春节",), D(2020, 2, 2))


def test_reimporting_an_original_notice_keeps_the_amendments_in_force(cli, hub_db, tmp_path):
    cc = pytest.importorskip("chinese_calendar")
    for year, amended in ((2019, ["2019-04-28", "2019-05-02", "2019-05-05"]), (2020, ["2020-01-31", "2020-02-01"])):
        before = {day: holiday(hub_db, day) for day in amended}
        r = cli_notice(cli, tmp_path, notice(year), "--yes")
        assert r.code == 0, r.err
        assert "Kept as amended by 国务院办公厅关于" in r.out
        assert {day: holiday(hub_db, day) for day in amended} == before
    cal = HolidayCalendar.from_db(open_database(hub_db))
    assert [d for d in days_of(2019, 2020) if cal.is_workday(d) != cc.is_workday(d)] == []


def test_amendments_import_over_the_original_and_survive_its_reimport(db):
    cc = pytest.importorskip("chinese_calendar")
    save_notice(db, parse_notice(notice(2018)), "2018")
    for year, amendment in ((2019, "2019_labour_day"), (2020, "2020_spring_festival")):
        save_notice(db, parse_notice(notice(year)), "original")
        plan = save_notice(db, parse_notice(notice(amendment)), "amendment")
        assert plan.changes and {c.new_name for c in plan.changes} == {plan.preview.items[0]}
        again = save_notice(db, parse_notice(notice(year)), "original again")
        assert again.changes == () and again.kept and again.held == (plan.preview.title,)
    cal = HolidayCalendar.from_db(db)
    assert [d for d in days_of(2019, 2020) if cal.is_workday(d) != cc.is_workday(d)] == []
    assert db["holiday"].get("2020-02-01")["source"] == "国务院办公厅关于延长2020年春节假期的通知（amendment）"
    assert cal.has_year(2020) and "国务院办公厅关于延长2020年春节假期的通知" in db["holiday_year"].get(2020)["source"]


def test_the_labour_day_amendment_changes_only_its_item(db):
    save_notice(db, parse_notice(notice(2019)), "original")
    plan = save_notice(db, parse_notice(notice("2019_labour_day")), "amendment")
    assert [(c.date, c.old_kind, c.new_kind) for c in plan.changes] == [
        (D(2019, 4, 28), "rest", "work"), (D(2019, 5, 2), "work", "rest"), (D(2019, 5, 3), "work", "rest"),
        (D(2019, 5, 4), "rest", "rest"), (D(2019, 5, 5), "rest", "work")]  # 05-04, a Saturday, now named 劳动节


def test_an_amendment_needs_its_year_in_the_calendar(db):
    with pytest.raises(Refusal, match="import 国务院办公厅关于2019年部分节假日安排的通知 first"):
        save_notice(db, parse_notice(notice("2019_labour_day")), "amendment")
    assert db["holiday"].count == 0 and db["holiday_year"].count == 0


# ----- the diff, the confirmation and the audit --------------------------------------------------------

def test_the_cli_shows_each_day_that_would_change_and_saves_only_with_yes(cli, hub_db, tmp_path, state):
    corrected = notice(2026).replace("9月20日（周日）、10月10日（周六）上班。", "9月20日（周日）上班。")
    before = state(hub_db)
    r = cli_notice(cli, tmp_path, corrected)
    assert r.code == 0
    assert "Days that change (1):\n  Sat, Oct 10, 2026: make-up workday 国庆节 → weekend\n" in r.out
    assert "Nothing saved; run again with --yes" in r.out
    assert state(hub_db) == before
    r = cli_notice(cli, tmp_path, corrected, "--yes")
    assert "2026: 1 days saved." in r.out
    assert holiday(hub_db, "2026-10-10") == ("rest", "")
    (entry,) = [e for e in cli.json("audit") if e["action"] == "calendar_import"]
    details = entry["details"] if isinstance(entry["details"], dict) else json.loads(entry["details"])
    assert details["days"] == [{"date": "2026-10-10", "from": "work 国庆节", "to": "rest"}]


def test_the_same_notice_again_changes_no_day(cli, tmp_path):
    r = cli_notice(cli, tmp_path, notice(2026), "--yes")
    assert "No day changes: the calendar already holds this arrangement." in r.out
    assert "2026: 0 days saved." in r.out


def test_a_calendar_changed_since_the_preview_is_refused(db):
    install_shipped(db)
    corrected = parse_notice(notice(2026).replace("9月20日（周日）、10月10日（周六）上班。", "9月20日（周日）上班。"))
    shown = plan_notice(db, corrected).changes
    db["holiday"].update("2026-10-10", {"kind": "rest", "name": ""})
    with pytest.raises(Refusal, match="changed since the preview"):
        save_notice(db, corrected, "x", expected=shown)


# ----- what a paste carries ---------------------------------------------------------------------------

def test_traditional_characters_are_named():
    traditional = notice(2026).replace("国务院办公厅关于", "國務院辦公廳關於")
    with pytest.raises(UsageError) as err:
        parse_notice(traditional)
    assert str(err.value) == ("The text contains traditional characters (國務院辦…); paste the simplified-Chinese "
                              "notice.")


def test_zero_width_spaces_a_bom_and_no_break_spaces_are_ignored():
    text = "\ufeff" + notice(2026).replace("月", "\u200b月").replace("：", "：\u00a0").replace("通知", "通\u200d知")
    assert parse_notice(text).rows == parse_notice(notice(2026)).rows


# ----- the real notices 2017–2026 -----------------------------------------------------------------

def test_every_real_notice_2017_to_2026_with_its_amendments_gives_chinese_calendars_days(db):
    cc = pytest.importorskip("chinese_calendar")
    for year in range(2017, 2027):
        assert not save_notice(db, parse_notice(notice(year)), f"notice {year}").kept
        for amendment in {2019: ["2019_labour_day"], 2020: ["2020_spring_festival"]}.get(year, []):
            save_notice(db, parse_notice(notice(amendment)), amendment)
    cal = HolidayCalendar.from_db(db)
    assert cal.years == frozenset(range(2017, 2027))
    assert [d for d in days_of(*range(2017, 2027)) if cal.is_workday(d) != cc.is_workday(d)] == []
