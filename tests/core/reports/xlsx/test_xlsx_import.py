"""Importing a ledger from .xlsx: messy sheets give exact refusals, a clean one goes in at once.

The sheets are made here with openpyxl (no binary fixtures); the Chinese Excel
and WPS quirks are made by editing the saved file's XML, as those programs
write it: a date cell in the zh-CN built-in format 31 with no format text, and a
dimension record that says "A1".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import Refusal, UsageError
from core.office import Session, open_session
from core.reports.xlsx.dates import cell_date, register_zh_formats
from core.reports.xlsx.importing import apply_import, plan_import, write_template
from core.reports.xlsx.mapping import TEMPLATE_HEADERS, load_mapping

PASSWORD = "test-pass"
TODAY = dt.date(2026, 11, 27)
HEADERS = list(TEMPLATE_HEADERS.values())  # 序号 事项名称 具体内容 类别 来源 交办日期 牵头单位 配合单位 分管领导
ZH_DATE = 'yyyy"年"m"月"d"日"'
SERIAL_1110 = (dt.date(2026, 11, 10) - dt.date(1899, 12, 30)).days


@pytest.fixture
def s(hub_db: Path) -> Session:
    session = open_session(hub_db, "admin", PASSWORD, TODAY)
    yield session
    session.db.conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def patch_xml(path: Path, edits: dict[str, list[tuple[str, str]]]) -> None:
    """Rewrite parts of a saved .xlsx (regex substitutions per zip member), like another program wrote it."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, subs in edits.items():
        text = parts[name].decode("utf-8")
        for pattern, repl in subs:
            text, n = re.subn(pattern, repl, text)
            assert n, (name, pattern)
        parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def as_zh_excel(path: Path) -> None:
    """The zh date format becomes built-in id 31 with no <numFmt> text; the dimension says A1 (WPS)."""
    patch_xml(path, {
        "xl/styles.xml": [(r'<numFmt numFmtId="164" formatCode="[^"]*"\s*/>', ""),
                          (r'numFmtId="164"', 'numFmtId="31"')],
        "xl/worksheets/sheet1.xml": [(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1"/>')],
    })


def messy_sheet(path: Path) -> Path:
    """A title row, a blank row, headers with spaces and line breaks, merged cells, five date styles."""
    wb = Workbook()
    ws = wb.active
    ws.title = "督办台账"
    ws["A1"] = "示例县2026年督办事项台账"
    ws.merge_cells("A1:I1")
    ws.append([])
    ws.append(["序 号", "事项\n名称", "具体内容", "类别", "来源", "交办\n日期", "牵头单位", "配合单位", "分管领导"])
    rows = [  # rows 4..13 of the sheet
        [1, "推进集镇污水管网建设", "年底前完工", "一般", "会议", dt.datetime(2026, 11, 22), "太公镇", "县发改局、ZJJ",
         "王建国"],
        [2, "落实书记批示整改", "", "重大", "县委书记批示", "2026年11月3日", None, "", ""],
        [3, "冬季森林防火", "", "", "", "2026.11.5", None, "", None],
        [4, "农村公路养护", "", "一般", "会议", SERIAL_1110, "", "", ""],
        [5, "", "内容但没有名称", "一般", "会议", "2026/11/6", "XYJ", "", ""],
        [6, "老旧小区改造", "", "一般", "会议", "2026-11-08", "不存在镇", "", ""],
        [7, "粮食收储检查", "", "一般", "会议", "下周一", "FGJ", "", ""],
        [8, "信访积案化解", "", "一般", "会议", "2026-11-09", "ZJJ", "", "李四"],
        [9, "明年的事项", "", "一般", "会议", "2026-12-25", "ZJJ", "", ""],
        [10, "重复牵头", "", "一般", "督查", "2026-11-09", "TGZ", "太公镇", ""],
    ]
    for r in rows:
        ws.append(r)
    ws.append([None] * 9)  # a trailing empty row is no row
    ws.merge_cells("G4:G6")  # 太公镇 leads rows 4-6
    ws["F7"].number_format = ZH_DATE
    wb.save(path)
    as_zh_excel(path)
    return path


EXPECTED_REFUSALS = {
    7: ["The lead unit is empty; name the lead unit by its name or code."],
    8: ["The title (事项名称) is empty; give each item a title."],
    9: ["There is no unit “不存在镇” (lead unit); write a unit's name or code as 'unit list' shows it."],
    10: ["The assignment date “下周一” is not a date; write it as 2026-03-08, 2026年3月8日, 2026.3.8 or 2026/3/8."],
    11: ["There is no leader named “李四”; write the name as 'leader list' shows it, or leave it empty."],
    12: ["The assignment date 2026-12-25 is more than 7 days ahead; enter tasks for the coming week's meeting "
         "at the most."],
    13: ["太公镇 is the lead unit and cannot also be a co unit."],
}


def test_the_zh_builtin_date_formats_make_dates(tmp_path: Path) -> None:
    path = messy_sheet(tmp_path / "messy.xlsx")
    register_zh_formats()
    ws = load_workbook(path).active
    assert ws["F7"].number_format == ZH_DATE
    assert ws["F7"].value == dt.datetime(2026, 11, 10)
    assert ws.max_row == 13  # the wrong dimension record does not hide rows in normal mode…
    assert load_workbook(path, read_only=True).active.max_row == 1  # …as it does in read-only mode


@pytest.mark.parametrize(("value", "expected"), [
    ("2026年3月8日", dt.date(2026, 3, 8)), ("2026.3.8", dt.date(2026, 3, 8)), ("2026/3/8", dt.date(2026, 3, 8)),
    ("2026-03-08", dt.date(2026, 3, 8)), (" 2026 年 3 月 8 日 ", dt.date(2026, 3, 8)),
    ("2026-03-08 00:00:00", dt.date(2026, 3, 8)), (46089, dt.date(2026, 3, 8)), (46089.0, dt.date(2026, 3, 8)),
    (20260308, dt.date(2026, 3, 8)), ("20260308", dt.date(2026, 3, 8)), (dt.datetime(2026, 3, 8, 9), dt.date(2026, 3, 8)),
    (None, None), ("  ", None),
])
def test_chinese_date_forms(value: object, expected: dt.date | None) -> None:
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["2026-02-30", "3月8日", "明天", True, -5])
def test_what_is_not_a_date(value: object) -> None:
    with pytest.raises(ValueError):
        cell_date(value)


def test_the_messy_sheet_gives_the_exact_refusals_and_the_dry_run_creates_nothing(
        cli, hub_db: Path, tmp_path: Path, state) -> None:  # noqa: ANN001
    path = messy_sheet(tmp_path / "messy.xlsx")
    before_file, before_db = sha(path), state(hub_db)
    r = cli.ok("import-xlsx", str(path), "--dry-run")
    assert state(hub_db) == before_db and sha(path) == before_file
    for row, reasons in EXPECTED_REFUSALS.items():
        for reason in reasons:
            assert f"Row {row} refused: {reason}" in r.out
    assert r.out.count(" refused: ") == len(EXPECTED_REFUSALS)
    assert "Sheet “督办台账”, header in row 3: 3 to create, 7 refused." in r.out
    assert "Dry run: nothing was imported." in r.out

    s = open_session(hub_db, "admin", PASSWORD, TODAY)
    try:
        plan = plan_import(s.db, path)
    finally:
        s.db.conn.close()
    assert {x.row: list(x.reasons) for x in plan.refused} == EXPECTED_REFUSALS
    assert [(x.row, x.task.title, x.task.assigned_on, x.task.lead, x.task.co, x.task.category, x.task.source,
             x.task.leader) for x in plan.rows] == [
        (4, "推进集镇污水管网建设", dt.date(2026, 11, 22), "TGZ", ("FGJ", "ZJJ"), "general", "meeting", "王建国"),
        (5, "落实书记批示整改", dt.date(2026, 11, 3), "TGZ", (), "major", "instruction", None),
        (6, "冬季森林防火", dt.date(2026, 11, 5), "TGZ", (), "general", "meeting", None),
    ]

    r = cli("import-xlsx", str(path))  # the real import refuses the whole file
    assert r.code == 1
    assert r.err == "Error: 7 rows are refused, so nothing was imported; fix them and import the file again.\n"
    assert state(hub_db) == before_db and sha(path) == before_file


def clean_sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([1, "推进集镇污水管网建设", "年底前完工", "一般", "会议", dt.date(2026, 11, 22), "太公镇", "FGJ,县住建局",
               "王建国"])
    ws.append([2, "落实书记批示整改", "按批示要求", "重大", "批示", "2026年11月3日", "xyj", "", ""])
    ws.append([3, "冬季森林防火", "", "一般", "会议", "2026.11.22", "ZJJ", "", ""])
    ws.append([4, "督查发现问题整改", "", "一般", "督查", "2026/11/20", "县发改局", "太公镇", "王建国"])
    wb.save(path)
    return path


def test_two_lead_units_and_a_row_twice_are_refused(s: Session, tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(HEADERS)
    wb.active.append([1, "联合整治", "", "", "", "2026-11-20", "太公镇、新阳街道", "", ""])
    wb.active.append([2, "河道清淤", "", "", "", "2026-11-20", "TGZ", "", ""])
    wb.active.append([3, "河道清淤", "", "", "", "2026.11.20", "太公镇", "", ""])
    wb.save(tmp_path / "two.xlsx")
    plan = plan_import(s.db, tmp_path / "two.xlsx", today=TODAY)
    assert [(r.row, r.reasons) for r in plan.refused] == [
        (2, ("The lead unit “太公镇、新阳街道” names several units; name one lead unit and put the others under "
             "配合单位.",)),
        (4, ("The same item (title, date and lead unit) as row 3; keep one of the two rows.",))]
    assert [r.row for r in plan.rows] == [3]


def test_a_clean_sheet_is_imported_in_one_transaction(cli, hub_db: Path, tmp_path: Path) -> None:  # noqa: ANN001
    path = clean_sheet(tmp_path / "clean.xlsx")
    before = sha(path)
    r = cli.ok("import-xlsx", str(path))
    assert "4 tasks imported." in r.out and sha(path) == before
    rows = cli.json("task", "list")
    got = sorted((x["title"], x["assigned_on"], x["unit"], x["role"], x["leader"]) for x in rows)
    assert got == sorted([
        ("推进集镇污水管网建设", "2026-11-22", "TGZ", "lead", "王建国"),
        ("推进集镇污水管网建设", "2026-11-22", "FGJ", "co", "王建国"),
        ("推进集镇污水管网建设", "2026-11-22", "ZJJ", "co", "王建国"),
        ("落实书记批示整改", "2026-11-03", "XYJ", "lead", None),
        ("冬季森林防火", "2026-11-22", "ZJJ", "lead", None),
        ("督查发现问题整改", "2026-11-20", "FGJ", "lead", "王建国"),
        ("督查发现问题整改", "2026-11-20", "TGZ", "co", "王建国"),
    ])
    major = next(x for x in rows if x["title"] == "落实书记批示整改")
    assert major["due"] == "2026-12-03"  # a major item: one calendar month
    s = open_session(hub_db, "admin", PASSWORD, TODAY)
    try:
        meetings = s.db.execute("SELECT kind, date FROM meeting").fetchall()
        sources = dict(s.db.execute("SELECT title, source FROM task").fetchall())
        linked = s.db.execute("SELECT COUNT(*) FROM task WHERE meeting_id IS NOT NULL").fetchone()[0]
        audit = s.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'xlsx_import'").fetchone()[0]
        # one transaction: every task_add audit row was written with the same import
        assert s.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'task_add'").fetchone()[0] == 4
    finally:
        s.db.conn.close()
    assert meetings == [("weekly", "2026-11-22")] and linked == 2 and audit == 1
    assert sources == {"推进集镇污水管网建设": "meeting", "落实书记批示整改": "instruction", "冬季森林防火": "meeting",
                       "督查发现问题整改": "inspection"}
    again = cli.ok("import-xlsx", str(path), "--dry-run")  # importing the same file twice is refused row by row
    assert "0 to create, 4 refused." in again.out and "already in the ledger as task 2026-1" in again.out


def test_a_failure_inside_the_transaction_leaves_the_database_identical(
        s: Session, hub_db: Path, tmp_path: Path, state, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    path = clean_sheet(tmp_path / "clean.xlsx")
    plan = plan_import(s.db, path, today=TODAY)
    assert len(plan.rows) == 4 and not plan.refused
    before = state(hub_db)
    import core.work.tasks

    real = core.work.tasks.task_problems
    calls = {"n": 0}

    def fail_on_the_last(db, item, today):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 4:  # e.g. a unit deactivated between the dry run and the import
            from core.work.tasks import TaskProblem
            return [TaskProblem("inactive_unit", "lead", "ZJJ", Refusal("The unit is deactivated."))]
        return real(db, item, today)

    monkeypatch.setattr(core.work.tasks, "task_problems", fail_on_the_last)
    with pytest.raises(Refusal, match="deactivated"):
        apply_import(s, plan)
    assert state(hub_db) == before


def test_a_mapping_reads_another_layout(cli, tmp_path: Path) -> None:  # noqa: ANN001
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    wb.create_sheet("2026年")
    other = wb["2026年"]
    other.append(["任务", "责任单位", "下达时间", "性质"])
    other.append(["推进集镇污水管网建设", "太公镇", "2026-11-20", "重大"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    mapping = tmp_path / "map.toml"
    mapping.write_text('sheet = "2026年"\nheader_row = 1\n[columns]\n"任务" = "title"\n"下达时间" = "assigned_on"\n'
                       '"性质" = "category"\n', encoding="utf-8")
    assert load_mapping(mapping).columns["任务"] == "title"
    r = cli.ok("import-xlsx", str(path), "--mapping", str(mapping))
    assert "1 task imported." in r.out
    assert cli.json("task", "list")[0]["due"] == "2026-12-20"


def test_unreadable_files_and_mappings_are_refused_in_one_sentence(cli, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    r = cli("import-xlsx", str(bad), "--dry-run")
    assert r.code == 2 and "is not an .xlsx workbook" in r.err
    r = cli("import-xlsx", str(tmp_path / "missing.xlsx"))
    assert r.code == 2 and "There is no file" in r.err
    wb = Workbook()
    wb.active.append(["名称", "单位"])
    nohead = tmp_path / "nohead.xlsx"
    wb.save(nohead)
    r = cli("import-xlsx", str(nohead))
    assert r.code == 2 and "has no header row naming 事项名称, 交办日期, 牵头单位" in r.err
    toml = tmp_path / "bad.toml"
    toml.write_text('[columns]\n"任务" = "name"\n', encoding="utf-8")
    r = cli("import-xlsx", str(nohead), "--mapping", str(toml))
    assert r.code == 2 and "“name”, which is not a field" in r.err
    with pytest.raises(UsageError):
        load_mapping(tmp_path / "none.toml")


def test_the_template_round_trips(cli, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "模板.xlsx"
    cli.ok("import-xlsx", "--template", str(out))
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == HEADERS and ws.freeze_panes == "A2"
    ws.append([1, "推进集镇污水管网建设", "", "一般", "会议", dt.date(2026, 11, 22), "太公镇", "", ""])
    ws.parent.save(out)
    assert "1 task imported." in cli.ok("import-xlsx", str(out)).out
    r = cli("import-xlsx", "--template", str(tmp_path / "no" / "t.xlsx"))
    assert r.code == 1 and "does not exist" in r.err
    with pytest.raises(Refusal):
        write_template(tmp_path / "no" / "t.xlsx")
