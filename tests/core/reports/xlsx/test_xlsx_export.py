"""Exporting the ledger and the rankings to .xlsx, read back with openpyxl like a clerk's Excel would."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.demo.build import DEMO_PASSWORD, build_demo
from core.office import Session, open_session
from core.reports.xlsx.export import LIGHT_FILLS, export_ledger, export_ranking
from core.scoring import publish, service
from core.work import ledger

TODAY = dt.date(2026, 11, 27)
DEMO_ENV = {"CLOSELOOP_PASSWORD": DEMO_PASSWORD}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx_demo") / "demo.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", TODAY.isoformat())
    mp.setenv("CLOSELOOP_LANG", "en")
    try:
        build_demo(path, scale=1, seed=2, today=TODAY)
    finally:
        mp.undo()
    return path


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Session]:
    s = open_session(demo_db, "admin", DEMO_PASSWORD, TODAY)
    yield s
    s.db.conn.close()


def test_the_demo_ledger_round_trips(cli, demo_db: Path, demo: Session, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "台账.xlsx"
    r = cli.ok("export-xlsx", "ledger", "--out", str(out), db=demo_db, env=DEMO_ENV)
    n = ledger.count(demo.db, ledger.LedgerFilter(), as_of=TODAY)
    assert n > 1000 and f"{n:,} assignments written" in r.out
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.max_row == n + 2 and ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert [c.value for c in ws[2]][:3] == ["No.", "Task", "Item"]
    rows = ledger.ledger_rows(demo.db, ledger.ledger_ids(demo.db, ledger.LedgerFilter(), as_of=TODAY), as_of=TODAY)
    for cells, row in zip(ws.iter_rows(min_row=3), rows, strict=True):
        assert cells[1].value == row.task_no and cells[2].value == row.title
        assert cells[6].value.date() == row.assigned_on and cells[9].value.date() == row.due
        assert cells[6].is_date and cells[6].number_format == "yyyy-mm-dd"
        if row.light:
            assert cells[11].value == row.light and cells[11].fill.fgColor.rgb.endswith(LIGHT_FILLS[row.light])
        assert all(c.data_type != "f" for c in cells)
    rates = wb["Rates"]
    st = ledger.stats(demo.db, as_of=TODAY)
    values = {r[0].value: r[1] for r in rates.iter_rows(min_row=3)}
    assert values["Completion rate"].value == pytest.approx(st.completion_rate)
    assert isinstance(values["On-time rate"].value, float) and values["On-time rate"].number_format == "0.0%"
    assert values["Red"].value == st.red


def test_the_filters_of_task_list_apply(cli, demo_db: Path, demo: Session, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "red.xlsx"
    cli.ok("export-xlsx", "ledger", "--light", "red", "--sort", "due", "--out", str(out), db=demo_db, env=DEMO_ENV)
    flt = ledger.LedgerFilter(light="red")
    ids = ledger.ledger_ids(demo.db, flt, as_of=TODAY, sort="due")
    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws["B"][2:]] == [r.task_no for r in ledger.ledger_rows(demo.db, ids, as_of=TODAY)]
    assert {c.value for c in ws["L"][2:]} == {"red"}


def test_a_ranking_per_kind_with_rates_as_numbers(demo: Session, tmp_path: Path) -> None:
    out = tmp_path / "q3.xlsx"
    n = export_ranking(demo.db, out, "2026-Q3", as_of=TODAY)
    units = demo.db.execute("SELECT COUNT(*) FROM unit WHERE active = 1").fetchone()[0]
    wb = load_workbook(out)
    assert n == units and wb.sheetnames == ["Townships", "Departments"]
    ws = wb["Townships"]
    head = [c.value for c in ws[2]]
    assert head == ["Rank", "Code", "Unit", "Score", "Jul", "Aug", "Sep", "Bonus", "Reward",
                    "Completion rate", "On-time rate"]
    ranks = [c.value for c in ws["A"][2:]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    first = ws[3]
    assert first[3].value == pytest.approx(sum(c.value for c in first[4:7]) + first[7].value)
    assert first[9].number_format == "0.0%" and 0 <= first[9].value <= 1
    assert ws.freeze_panes == "A3" and "not published" in ws["A1"].value


def test_a_published_month_prints_its_snapshot(demo_db: Path, tmp_path: Path, copy_db) -> None:  # noqa: ANN001
    path = tmp_path / "published.db"
    copy_db(demo_db, path)
    s = open_session(path, "admin", DEMO_PASSWORD, TODAY)
    try:
        if service.current_publication(s.db, "2026-10") is None:
            publish.publish(s, "2026-10")
        snapshot = {x.unit: x.score for x in service.current_publication(s.db, "2026-10").scores}
        out = tmp_path / "oct.xlsx"
        export_ranking(s.db, out, "2026-10", as_of=TODAY)
    finally:
        s.db.conn.close()
    ws = load_workbook(out)["Townships"]
    assert "published (version" in ws["A1"].value
    assert all(snapshot[r[1].value] == r[3].value for r in ws.iter_rows(min_row=3))


def test_text_is_never_a_formula_and_refusals_leave_files_alone(cli, tmp_path: Path) -> None:  # noqa: ANN001
    cli.ok("task", "add", "--title", "=HYPERLINK(\"x\")", "--category", "general", "--date", "2026-11-22",
           "--lead", "TGZ")
    out = tmp_path / "l.xlsx"
    cli.ok("export-xlsx", "ledger", "--out", str(out))
    cell = load_workbook(out).worksheets[0]["C3"]
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    r = cli("export-xlsx", "ledger", "--unit", "NOPE", "--out", str(out))
    assert r.code == 1 and "no unit with the code NOPE" in r.err
    r = cli("export-xlsx", "ranking", "2026-13", "--out", str(out))
    assert r.code == 2
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    r = cli("export-xlsx", "ledger", "--out", str(tmp_path / "none" / "l.xlsx"))
    assert r.code == 1 and "does not exist" in r.err and not (tmp_path / "none").exists()
    r = cli("export-xlsx", "ledger", "--out", str(tmp_path / "l.pdf"))
    assert r.code == 2 and not (tmp_path / "l.pdf").exists()
    assert list(tmp_path.glob(".*part")) == []


def test_chinese_date_format_in_chinese(demo: Session, tmp_path: Path) -> None:
    from core.i18n import set_language

    set_language("zh_CN")
    try:
        out = tmp_path / "zh.xlsx"
        export_ledger(demo.db, out, ledger.LedgerFilter(unit="CGJD"), as_of=TODAY)
    finally:
        set_language("en")
    ws = load_workbook(out).worksheets[0]
    assert ws["G3"].number_format == 'yyyy"年"m"月"d"日"' and ws["G3"].is_date
