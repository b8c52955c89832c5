"""督查通报 and 干部实绩档案 (issue 16): the supervision bulletin and a cadre record, read back from the PDF."""
from __future__ import annotations

from pathlib import Path

import pytest
from report_pdf_helpers import page_texts

IN_PERIOD = ("台账不全问题突出", "资料缺失未归档", "约谈主要负责同志", "通报批评迟报问题", "创新网格化服务", "擅自改变用途")
OUTSIDE = ("十月发现的旧问题", "十月的约谈", "十二月前的表扬")


def flat(pdf: Path) -> str:
    return "".join("".join(page_texts(pdf)).split())


@pytest.fixture
def sv(cli):  # noqa: ANN001, ANN201
    """Two groups, two inspections in November (findings with and without rectification), actions and praise
    in November, and a finding, an action and a bonus of October outside the period."""
    cli.ok("group", "add", "--name", "第一督查组", "--lead", "张三", "--units", "TGZ,XYJ")
    cli.ok("group", "add", "--name", "第二督查组", "--lead", "李四", "--units", "FGJ,ZJJ")
    cli.ok("task", "add", "--title", "修路", "--category", "general", "--date", "2026-10-08", "--lead", "TGZ")
    cli.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-10-20", "--method", "survey", "--units", "TGZ")
    cli.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "minor", "--text", "十月发现的旧问题")
    cli.ok("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-10-21", "--text", "十月的约谈")
    cli.ok("bonus", "add", "--unit", "XYJ", "--kind", "public_praise", "--on", "2026-10-30", "--text", "十二月前的表扬")
    cli.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-11-10", "--method", "targeted", "--units", "TGZ,XYJ",
           "--tasks", "2026-1")
    cli.ok("finding", "add", "2", "--unit", "TGZ", "--severity", "major", "--text", "台账不全问题突出",
           "--rectify", "general", "--deduct", "--person", "赵六")
    cli.ok("finding", "add", "2", "--unit", "XYJ", "--severity", "minor", "--text", "资料缺失未归档")
    cli.ok("inspect", "add", "--group", "第二督查组", "--on", "2026-11-20", "--method", "joint", "--units", "ZJJ")
    cli.ok("finding", "add", "3", "--unit", "ZJJ", "--severity", "major", "--text", "擅自改变用途", "--rectify", "major")
    cli.ok("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-11-12", "--text", "约谈主要负责同志",
           "--person", "赵六", "--finding", "2")
    cli.ok("action", "add", "--unit", "ZJJ", "--kind", "criticism", "--on", "2026-11-21", "--text", "通报批评迟报问题")
    cli.ok("bonus", "add", "--unit", "XYJ", "--kind", "public_praise", "--on", "2026-11-25", "--text", "创新网格化服务",
           "--person", "钱七")
    return cli


def test_the_bulletin_holds_every_finding_and_action_of_the_period_and_nothing_else(sv, tmp_path: Path) -> None:
    out = tmp_path / "督查通报.pdf"
    r = sv.ok("report", "supervision", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))
    assert str(out) in r.out
    text = flat(out)
    for t in IN_PERIOD:
        assert t in text, t
    for t in OUTSIDE:
        assert t not in text, t
    assert "〔2026〕1号" in text  # the register's number, kind supervision
    assert "2026-2/TGZ" in text and "2026-3/ZJJ" in text  # the rectification tasks in the progress table
    assert "Inspectiongroup" in text and "第一督查组" in text and "第二督查组" in text
    assert "overdue" in text  # 2026-2/TGZ's claim was due on 11-10: red as of 11-27
    # a reprint of the same period keeps its number; another period takes the next one
    sv.ok("report", "supervision", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "again.pdf"))
    assert "〔2026〕1号" in flat(tmp_path / "again.pdf")
    sv.ok("report", "supervision", "--from", "2026-10-01", "--to", "2026-10-31", "--out", str(tmp_path / "oct.pdf"))
    october = flat(tmp_path / "oct.pdf")
    assert "〔2026〕2号" in october and "十月发现的旧问题" in october and "台账不全问题突出" not in october
    assert "No accountability action" not in october and "No practice was praised" not in october


def test_a_section_without_entries_says_so(sv, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    sv.ok("report", "supervision", "--from", "2026-11-25", "--to", "2026-11-26", "--out", str(out))
    text = flat(out)
    assert "Noinspectionwascarriedoutintheperiod." in text and "创新网格化服务" in text
    assert "Noaccountabilityactionwastakenintheperiod." in text


def test_an_empty_period_is_refused_with_a_sentence_and_no_file(sv, tmp_path: Path, state) -> None:  # noqa: ANN001
    before = state(sv.db)
    out = tmp_path / "empty.pdf"
    r = sv("report", "supervision", "--from", "2026-09-01", "--to", "2026-09-30", "--out", str(out))
    assert r.code == 1 and "Nothing of supervision was recorded" in r.err and not out.exists()
    r = sv("report", "supervision", "--from", "2026-11-30", "--to", "2026-11-01", "--out", str(out))
    assert r.code == 2 and "--from" in r.err and not out.exists()
    assert state(sv.db) == before  # no number taken


def test_the_bulletin_prints_in_chinese(sv, tmp_path: Path) -> None:
    from score_report_helpers import in_chinese

    out = tmp_path / "zh.pdf"
    with in_chinese():
        sv.ok("report", "supervision", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out))
    text = flat(out)
    for words in ("督查工作情况的通报", "一、督查开展情况", "二、发现的问题", "三、整改进展", "四、问责", "五、表扬",
                  "靶向性", "约谈", "通报批评", "印发"):
        assert words in text, words


def test_a_cadre_record_prints_exactly_the_persons_entries(sv, tmp_path: Path) -> None:
    out = tmp_path / "赵六.pdf"
    r = sv.ok("person", "show", "赵六", "--out", str(out))
    assert str(out) in r.out
    text = flat(out)
    assert "赵六" in text and "台账不全问题突出" in text and "约谈主要负责同志" in text
    assert "创新网格化服务" not in text and "通报批评迟报问题" not in text
    assert "2entries." in text
    r = sv("person", "show", "无名氏", "--out", str(tmp_path / "x.pdf"))
    assert r.code == 1 and not (tmp_path / "x.pdf").exists()
