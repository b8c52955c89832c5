"""Issue 14, the sheets as a clerk reads them: dates that fit their columns, titles in the
documents' date form, the dry run naming units as a clerk writes them, the category words
clerks use. Driven through the CLI; the workbooks read back with openpyxl."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core.reports.xlsx.importing import CATEGORY_WORDS
from core.reports.xlsx.mapping import TEMPLATE_HEADERS

HEADERS = list(TEMPLATE_HEADERS.values())
ZH = {"CLOSELOOP_LANG": "zh_CN"}


@pytest.fixture
def chinese() -> Iterator[None]:
    """The sheets in Chinese, as a Chinese office runs the app; English again afterwards."""
    from core.i18n import set_language

    set_language("zh_CN")
    yield
    set_language("en")


def sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    wb.active.append(HEADERS)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_date_columns_fit_the_widest_chinese_date(cli, chinese, tmp_path: Path) -> None:  # noqa: ANN001
    from core.reports.xlsx.export import text_width

    cli.ok("task", "add", "--title", "年底清查", "--category", "general", "--date", "2026-11-27", "--lead", "TGZ")
    out = tmp_path / "台账.xlsx"
    cli.ok("export-xlsx", "ledger", "--out", str(out), "--as-of", "2026-12-06", env=ZH)
    ws = load_workbook(out).worksheets[0]
    need = 6 * 1.2 + 3 * 2.2 + 2  # six digits and three full-width characters, with the padding
    assert need <= text_width("2026年12月14日")
    headers = [c.value for c in ws[2]]
    for title in ("交办日期", "签收期限", "反馈期限", "办结期限"):
        col = headers.index(title) + 1 if title in headers else None
        assert col, (title, headers)
        letter = ws.cell(row=2, column=col).column_letter
        assert ws.column_dimensions[letter].width >= need, (title, ws.column_dimensions[letter].width)
        assert ws.cell(row=3, column=col).number_format == 'yyyy"年"m"月"d"日"'
    assert ws["A1"].value == "督办台账（截至2026年12月6日）"
    assert load_workbook(out).worksheets[1]["A1"].value == "办结率统计（截至2026年12月6日）"


def test_the_ranking_title_names_the_quarter_and_the_day_as_documents_do(cli, chinese, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "排名.xlsx"
    cli.ok("export-xlsx", "ranking", "2026-Q3", "--out", str(out), "--as-of", "2026-12-06", env=ZH)
    title = load_workbook(out).worksheets[0]["A1"].value
    assert "2026年第三季度" in title and "2026年12月6日" in title and "2026-" not in title, title


def test_the_dry_run_names_units_as_a_clerk_writes_them(cli, tmp_path: Path) -> None:  # noqa: ANN001
    path = sheet(tmp_path / "台账.xlsx", [[1, "河道清淤", "", "一般", "会议", "2026-11-20", "TGZ", "FGJ、县住建局", ""]])
    r = cli.ok("import-xlsx", str(path), "--dry-run")
    line = next(x for x in r.out.splitlines() if "河道清淤" in x)
    assert "太公镇" in line and "县发改局" in line and "县住建局" in line, r.out
    assert "TGZ" not in line and "FGJ" not in line and "ZJJ" not in line, r.out


def test_the_category_words_clerks_use_are_accepted(cli, tmp_path: Path) -> None:  # noqa: ANN001
    words = [("重点工作", "major"), ("重大事项", "major"), ("一般事项", "general"), ("重点", "major"),
             ("重 点 工 作", "major"), ("一般", "general")]
    rows = [[i, f"事项{i}", "", w, "会议", "2026-11-20", "TGZ", "", ""] for i, (w, _) in enumerate(words, 1)]
    r = cli.ok("import-xlsx", str(sheet(tmp_path / "words.xlsx", rows)), "--dry-run")
    assert "6 to create, 0 refused." in r.out, r.out
    for i, (_, cat) in enumerate(words, 1):
        assert cat in next(x for x in r.out.splitlines() if f"事项{i}" in x)


def test_an_unknown_category_is_refused_listing_the_accepted_words(cli, hub_db: Path, tmp_path: Path  # noqa: ANN001
                                                                   ) -> None:
    from tests.core.conftest import db_state

    path = sheet(tmp_path / "bad.xlsx", [[1, "河道清淤", "", "急事", "会议", "2026-11-20", "TGZ", "", ""]])
    before = db_state(hub_db)
    r = cli.ok("import-xlsx", str(path), "--dry-run")
    line = next(x for x in r.out.splitlines() if "refused:" in x)
    assert "“急事”" in line
    for word in ("重点工作", "重大事项", "一般事项", "重点", "重大", "一般"):
        assert word in line, line
    assert set(CATEGORY_WORDS) >= {"重点工作", "重大事项", "一般事项"}
    r = cli("import-xlsx", str(path))
    assert r.code == 1 and db_state(hub_db) == before
