"""`report …` (issue 5): one line naming the file and its pages; refusals leave no file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_pdf_helpers import build_county, page_texts, shipped_fonts, table_rows  # noqa: F401

from core.db.connection import open_database


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory, shipped_fonts  # noqa: F811
           ) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("cli") / "hub.db"
    return path, build_county(template_hub, path)


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def wrote(result, path: Path) -> int:  # noqa: ANN001
    """The pages the one printed line announces for `path`."""
    m = re.fullmatch(rf"Wrote {re.escape(str(path))} \((\d+) pages?\)\.\n", result.out)
    assert m, result.out
    assert path.exists()
    return int(m[1])


def test_weekly(cli, county, outdir: Path) -> None:  # noqa: ANN001
    db, meetings = county
    out = outdir / "weekly.pdf"
    pages = wrote(cli.ok("report", "weekly", "--meeting", str(meetings["long"]), "--out", str(out), db=db), out)
    assert pages == len(page_texts(out)) >= 2
    assert len(table_rows(out)) == 36


@pytest.mark.parametrize("filters", [
    ["--unit", "tgz", "--state", "open", "--sort", "light", "--as-of", "2026-11-27"],
    ["--light", "red", "--as-of", "2026-11-24", "--sort", "due"],  # an earlier day: the lights of that day
    ["--leader", "王建国", "--state", "in_progress"],
])
def test_ledger_takes_the_task_list_filters_and_prints_its_rows(cli, county, outdir: Path,  # noqa: ANN001
                                                                filters: list[str]) -> None:
    db, _meetings = county
    listed = cli.json("task", "list", *filters, db=db)
    out = outdir / "ledger.pdf"
    wrote(cli.ok("report", "ledger", *filters, "--out", str(out), db=db), out)
    assert [(r[1], r[9]) for r in table_rows(out)] == [(x["task_no"], x["light"]) for x in listed]
    assert listed


def test_ledger_search_and_limit(cli, county, outdir: Path) -> None:  # noqa: ANN001
    db, _meetings = county
    out = outdir / "search.pdf"
    wrote(cli.ok("report", "ledger", "--search", "重点项目", "--limit", "5", "--out", str(out), db=db), out)
    assert [r[1] for r in table_rows(out)] == [x["task_no"] for x in cli.json(
        "task", "list", "--search", "重点项目", "--limit", "5", db=db)]


def test_unit(cli, county, outdir: Path) -> None:  # noqa: ANN001
    db, _meetings = county
    out = outdir / "unit.pdf"
    wrote(cli.ok("report", "unit", "FGJ", "--out", str(out), db=db), out)
    assert "县发改局" in page_texts(out)[0]


@pytest.mark.parametrize("args, code, sentence", [
    (["weekly", "--meeting", "999"], 1, "There is no meeting 999"),
    (["unit", "NOPE"], 1, "no unit with the code NOPE"),
    (["ledger", "--unit", "NOPE"], 1, "no unit with the code NOPE"),
    (["ledger", "--leader", "无名氏"], 1, "no leader named 无名氏"),
    (["ledger", "--sort", "bogus"], 2, "--sort"),
    (["ledger", "--as-of", "yesterday"], 2, "not a date"),
    (["ledger", "--limit", "-1"], 2, "--limit must be zero or more"),
    (["weekly", "--meeting", "x"], 2, "--meeting"),
])
def test_refusals_say_why_and_leave_no_file(cli, county, outdir: Path, args: list[str], code: int,  # noqa: ANN001
                                            sentence: str) -> None:
    db, _meetings = county
    r = cli("report", *args, "--out", str(outdir / "x.pdf"), db=db)
    assert (r.code, r.out) == (code, "") and sentence in r.err
    assert list(outdir.iterdir()) == []


def test_an_out_that_is_a_folder_or_in_a_missing_folder_is_refused(cli, county, outdir: Path) -> None:  # noqa: ANN001
    db, meetings = county
    weekly = ["report", "weekly", "--meeting", str(meetings["long"])]
    r = cli(*weekly, "--out", str(outdir), db=db)
    assert r.code == 1 and "is a folder" in r.err
    r = cli(*weekly, "--out", str(outdir / "missing" / "w.pdf"), db=db)
    assert r.code == 1 and "does not exist" in r.err
    assert list(outdir.iterdir()) == []


def test_the_progress_report_action_keeps_its_name(cli) -> None:  # noqa: ANN001
    cli.ok("task", "add", "--title", "整治河道", "--category", "general", "--date", "2026-11-22", "--lead", "TGZ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-22")
    cli.ok("report", "2026-1/TGZ", "--on", "2026-11-24", "--text", "已完成清淤")
    assert [x["state"] for x in cli.json("task", "list")] == ["in_progress"]


def _module(name: str) -> None:
    pytest.importorskip(f"core.reports.{name}")


def test_notice_and_urge(cli, county, outdir: Path) -> None:  # noqa: ANN001
    _module("notice")
    _module("urge")
    db, _meetings = county
    conn = open_database(db)
    try:
        task_no = conn.execute("SELECT task_no FROM task ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.conn.close()
    r = cli("report", "notice", f"{task_no}/XYJ", "--out", str(outdir / "x.pdf"), db=db)
    assert r.code == 1 and "--contact NAME --phone NUMBER" in r.err and not (outdir / "x.pdf").exists()
    r = cli("report", "notice", "2026-999/TGZ", "--contact", "李堃", "--phone", "0371-1", "--out",
            str(outdir / "x.pdf"), db=db)
    assert r.code == 1 and not (outdir / "x.pdf").exists()
    assert cli.json("settings", "show", db=db)["contact"] == ""        # the refusal kept nothing
    out = outdir / "notice.pdf"
    assert wrote(cli.ok("report", "notice", f"{task_no}/XYJ", "--contact", "李堃", "--phone", "0371-6612 3456",
                        "--out", str(out), db=db), out) >= 1
    out = outdir / "urge.pdf"                                          # asked once: kept for the next
    assert wrote(cli.ok("report", "urge", f"{task_no}/XYJ", "--out", str(out), db=db), out) >= 1
    assert cli.json("settings", "show", db=db)["phone"] == "0371-6612 3456"


def test_monthly_and_quarterly(cli, county, outdir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    _module("bulletin")
    _module("quarterly_result")
    db, _meetings = county
    needs = tmp_path / "needs.txt"
    needs.write_text("一、压实责任，按期办结。\n", encoding="utf-8")
    out = outdir / "monthly.pdf"
    wrote(cli.ok("report", "monthly", "2026-11", "--out", str(out), "--requirements", str(needs), db=db), out)
    out = outdir / "quarterly.pdf"
    wrote(cli.ok("report", "quarterly", "2026-Q4", "--out", str(out), db=db), out)
    r = cli("report", "monthly", "2026-13", "--out", str(outdir / "x.pdf"), db=db)
    assert r.code == 2 and not (outdir / "x.pdf").exists()
    r = cli("report", "monthly", "2026-11", "--out", str(outdir / "y.pdf"), "--requirements",
            str(tmp_path / "missing.txt"), db=db)
    assert r.code == 1 and not (outdir / "y.pdf").exists()


def test_settings_show_and_print(cli, state) -> None:  # noqa: ANN001
    assert cli.json("settings", "show") == {"office": cli.json("settings", "show")["office"], "prefix": "",
                                            "contact": "", "phone": "", "copy_to": ""}
    before = state(cli.db)
    for args, code in ((["settings", "print"], 2),                                  # nothing to change
                       (["settings", "print", "--prefix", "示督〔2026〕"], 1),          # the year is not the prefix
                       (["settings", "print", "--copy-to", "县委\n县政府"], 1)):
        assert cli(*args).code == code
    r = cli("settings", "print", "--prefix", "示督", user="viewer")
    assert r.code == 1 and "may only read" in r.err
    assert state(cli.db) == before                                                 # refusals change nothing
    r = cli.ok("settings", "print", "--prefix", "示督", "--copy-to", "县委、县政府领导")
    assert "示督" in r.out
    shown = cli.json("settings", "show")
    assert (shown["prefix"], shown["copy_to"], shown["contact"]) == ("示督", "县委、县政府领导", "")
