"""In English (CLOSELOOP_LANG=en) the printed documents and the Excel sheets are English (issue 17).

The data is written in English too (units, leader, texts, the issuing office), so
whatever Chinese is left in a file came from the code: the only Chinese allowed is the
template hub's own names (its four units, the leader and his post, the office's name)
and the 发文字号's 〔2026〕N号, an identifier that reads the same in every language
(GB/T 9704). Full-width punctuation counts as Chinese: an English sentence has none.
"""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from report_pdf_helpers import page_texts

HUB_NAMES = ("示例县委督查室", "太公镇", "新阳街道", "县发改局", "县住建局", "王建国", "副县长")
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号")
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def leftover_chinese(text: str) -> list[str]:
    """The Chinese runs of `text` that are neither the hub's names nor a document number."""
    flat = "".join(text.split())  # a wrapped cell splits a name across lines
    flat = DOC_NUMBER.sub("", flat)
    for name in sorted(HUB_NAMES, key=len, reverse=True):
        flat = flat.replace(name, "")
    return [flat[max(0, m.start() - 30):m.end() + 10] for m in CHINESE.finditer(flat)]


def test_the_check_finds_chinese_words_and_punctuation() -> None:
    assert leftover_chinese("太公镇 lead ECS〔2026〕3号 Nov 2, 2026") == []
    assert leftover_chinese("Lead unit 太公\n镇") == []
    assert leftover_chinese("Item 交办 x")
    assert leftover_chinese("Units: a、b")
    assert leftover_chinese("done（late）")


@pytest.fixture
def office(cli, tmp_path: Path):
    """The template hub with English data: a meeting, five tasks in three months, an inspection."""
    cli.ok("settings", "print", "--office", "Example County Supervision Office", "--prefix", "ECS",
           "--contact", "Li Ming", "--phone", "0371-6612 3456", "--copy-to", "County leaders")
    cli.ok("unit", "add", "--code", "RVT", "--name", "Riverside Town", "--kind", "township")
    cli.ok("unit", "add", "--code", "EDB", "--name", "Education Bureau", "--kind", "department")
    cli.ok("leader", "add", "--name", "Zhang Wei", "--title", "Deputy county head", "--units", "RVT,EDB")
    meeting = cli.json("meeting", "add", "--kind", "weekly", "--date", "2026-11-02", "--title", "Weekly meeting 44")
    mid = str(meeting["id"] if isinstance(meeting, dict) else meeting)

    def task(title: str, on: str, *extra: str) -> str:
        made = cli.json("task", "add", "--title", title, "--category", "general", "--date", on, "--lead", "RVT",
                        "--co", "EDB", "--leader", "Zhang Wei", "--content", f"{title}: as the meeting decided.",
                        *extra)
        return made["assignments"][0]["ref"] if "assignments" in made else made["refs"][0]

    sept = task("Repair the school roof", "2026-09-07")
    octo = task("Clean the river banks", "2026-10-05")
    for ref, base in ((sept, "2026-09"), (octo, "2026-10")):
        cli.ok("claim", ref, "--on", f"{base}-07")
        cli.ok("report", ref, "--on", f"{base}-09", "--text", "Work started.")
        cli.ok("complete", ref, "--on", f"{base}-12", "--text", "Done.")
        cli.ok("close", ref, "--on", f"{base}-13")
    open_ref = task("Fix the village road", "2026-11-02", "--meeting", mid)
    task("Plant trees on the hill", "2026-11-02", "--meeting", mid, "--source", "instruction")
    cli.ok("group", "add", "--name", "Inspection group 1", "--lead", "Chen Jie", "--members", "Chen Jie,Zhou Li",
           "--units", "RVT,EDB")
    inspection = cli.json("inspect", "add", "--group", "Inspection group 1", "--on", "2026-11-10",
                          "--method", "targeted", "--units", "RVT,EDB", "--text", "Checked the road works.")
    iid = str(inspection["id"] if isinstance(inspection, dict) else inspection)
    cli.ok("finding", "add", iid, "--unit", "RVT", "--severity", "major", "--text", "The ledger lacks evidence.",
           "--rectify", "general", "--person", "Sun Hao")
    cli.ok("action", "add", "--unit", "RVT", "--kind", "talk", "--on", "2026-11-12",
           "--text", "A talk with the head of the town.", "--person", "Sun Hao")
    cli.ok("bonus", "add", "--unit", "EDB", "--kind", "public_praise", "--on", "2026-11-13",
           "--text", "Praised for the school safety work.")
    return {"cli": cli, "meeting": mid, "open": open_ref, "out": tmp_path}


DOCUMENTS = {
    "weekly": lambda o: ["report", "weekly", "--meeting", o["meeting"]],
    "notice": lambda o: ["report", "notice", o["open"]],
    "urge": lambda o: ["report", "urge", o["open"]],
    "monthly": lambda o: ["report", "monthly", "2026-10"],
    "quarterly": lambda o: ["report", "quarterly", "2026-Q3"],
    "ledger": lambda o: ["report", "ledger"],
    "unit": lambda o: ["report", "unit", "RVT"],
    "supervision": lambda o: ["report", "supervision", "--from", "2026-11-01", "--to", "2026-11-27"],
    "cadre": lambda o: ["person", "show", "Sun Hao"],
}


def test_every_document_is_in_english(office) -> None:
    cli, leftovers = office["cli"], {}
    for name, argv in DOCUMENTS.items():
        pdf = office["out"] / f"{name}.pdf"
        r = cli.ok(*argv(office), "--out", str(pdf))
        assert not leftover_chinese(r.out), r.out
        found = leftover_chinese("\n".join(page_texts(pdf)))
        if found:
            leftovers[name] = found
    assert not leftovers, "Chinese from the code in English documents:\n" + "\n".join(
        f"  {name}: {runs}" for name, runs in leftovers.items())


def test_the_excel_sheets_are_in_english(office) -> None:
    cli, leftovers = office["cli"], {}
    for name, argv in {"ledger": ["export-xlsx", "ledger"], "month": ["export-xlsx", "ranking", "2026-10"],
                       "quarter": ["export-xlsx", "ranking", "2026-Q3"]}.items():
        path = office["out"] / f"{name}.xlsx"
        cli.ok(*argv, "--out", str(path))
        wb = openpyxl.load_workbook(path)
        cells = [ws.title for ws in wb] + [str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                                            if isinstance(c.value, str)]
        cells += [c.number_format for ws in wb for row in ws.iter_rows() for c in row]
        if found := leftover_chinese("\n".join(cells)):
            leftovers[name] = found
    assert not leftovers, "Chinese from the code in English sheets:\n" + "\n".join(
        f"  {name}: {runs}" for name, runs in leftovers.items())


def test_the_same_documents_in_chinese_are_caught(office) -> None:
    """The control: printed in Chinese, the same ledger and bulletin fail the check (it reads the files)."""
    from core.i18n import set_language

    assert set_language("zh_CN") == "zh_CN"
    try:
        for name in ("ledger", "supervision"):
            pdf = office["out"] / f"zh-{name}.pdf"
            office["cli"].ok(*DOCUMENTS[name](office), "--out", str(pdf))
            assert leftover_chinese("\n".join(page_texts(pdf))), name
    finally:
        set_language("en")
